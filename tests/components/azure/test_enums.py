"""Every value the Azure stacks send to an enum-typed property is a member of azure-native's enum and of the
azure-mgmt model of the same service (where one is pinned), and the source never passes a bare string where
the SDK has an enum class (so pyright checks the value too)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.support.harness import Harness

from .sdk_enums import (
    MGMT_MODELS,
    MGMT_UNTYPED,
    OUTSIDE_SDK_ENUM,
    EnumUse,
    enum_typed_inputs,
    enum_uses,
    mgmt_enum,
)

SOURCES = sorted((Path(__file__).parents[3] / "components" / "azure").glob("*.py"))


def _uses(stack: Harness) -> list[EnumUse]:
    return [use for r in stack.resources for use in enum_uses(r.typ, r.inputs)]


def test_the_walker_sees_the_enum_typed_inputs_of_every_tier(stack: Harness) -> None:
    """A walker that finds nothing proves nothing: each Azure service the stacks use shows up."""
    modules = {use.module for use in _uses(stack)}
    assert {"dbforpostgresql", "redisenterprise", "containerservice", "keyvault", "network", "storage",
            "resources", "authorization"} <= modules


def test_values_are_members_of_the_azure_native_enums(stack: Harness) -> None:
    wrong = [f"{u.resource_type} {u.path}={u.value!r} not in {u.enum_name}"
             for u in _uses(stack) if u.value not in {member.value for member in u.native_enum}
             and (u.resource_type, u.path, u.value) not in OUTSIDE_SDK_ENUM]
    assert wrong == []


@pytest.mark.parametrize("exemption", sorted(OUTSIDE_SDK_ENUM), ids=lambda e: f"{e[0].split(':')[-1]}.{e[1]}")
def test_every_documented_exception_is_still_sent_and_still_outside_the_enum(
        exemption: tuple[str, str, str], staging: Harness) -> None:
    uses = [u for u in _uses(staging) if (u.resource_type, u.path, u.value) == exemption]
    assert uses, f"{exemption} is no longer sent: remove it from OUTSIDE_SDK_ENUM"
    assert all(u.value not in {member.value for member in u.native_enum} for u in uses), \
        f"{exemption} is a member now: remove it from OUTSIDE_SDK_ENUM"


def test_values_are_members_of_the_azure_mgmt_enums(stack: Harness) -> None:
    wrong, unresolved = [], []
    for use in _uses(stack):
        if use.module not in MGMT_MODELS or (use.module, use.enum_name) in MGMT_UNTYPED:
            continue
        model = mgmt_enum(use)
        if model is None:
            unresolved.append(f"{use.module}.{use.enum_name}")
        elif use.value not in {member.value for member in model}:
            wrong.append(f"{use.resource_type} {use.path}={use.value!r} not in {model.__module__}.{model.__name__}")
    assert unresolved == [], "map these to their azure-mgmt enum in sdk_enums.MGMT_ENUM_NAMES (or MGMT_UNTYPED)"
    assert wrong == []


def test_the_public_endpoint_values_are_checked_too(production: Harness) -> None:
    uses = [u for u in _uses(production) if u.module == "cdn"]  # production serves through Front Door
    assert {u.enum_name for u in uses} >= {"SkuName", "ForwardingProtocol", "AFDEndpointProtocols"}
    assert all(u.value in {m.value for m in u.native_enum} for u in uses)
    assert all(u.value in {m.value for m in model} for u in uses if (model := mgmt_enum(u)) is not None)


def _sdk_class(call: ast.Call) -> tuple[str, type] | None:
    """``azure_native.<module>.<Name>(...)`` -> (module, the Args class that types its keywords)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
            and isinstance(func.value.value, ast.Name) and func.value.value.id == "azure_native"):
        return None
    module, name = func.value.attr, func.attr
    package = importlib.import_module(f"pulumi_azure_native.{module}")
    cls = getattr(package, name if name.endswith("Args") else f"{name}Args", None)
    return (module, cls) if isinstance(cls, type) else None


def _string_literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _string_literals(node.body) + _string_literals(node.orelse)
    if isinstance(node, ast.List):
        return [s for element in node.elts for s in _string_literals(element)]
    return []


def bare_strings_for_enums(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or (resolved := _sdk_class(node)) is None:
            continue
        module, cls = resolved
        typed = enum_typed_inputs(cls, module)
        for keyword in node.keywords:
            if keyword.arg in typed and (literals := _string_literals(keyword.value)):
                found.append(f"{filename}:{keyword.lineno} {keyword.arg}={literals} "
                             f"(use azure_native.{module}.{typed[keyword.arg].__name__})")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_sources_use_the_sdk_enum_classes(path: Path) -> None:
    assert bare_strings_for_enums(path.read_text(), path.name) == []


def test_the_source_audit_catches_a_bare_string() -> None:
    source = ("import pulumi_azure_native as azure_native\n"
              "azure_native.redisenterprise.Database('db', eviction_policy='NoEviction',\n"
              "    clustering_policy=azure_native.redisenterprise.ClusteringPolicy.ENTERPRISE_CLUSTER)\n")
    assert bare_strings_for_enums(source, "x.py") == [
        "x.py:2 eviction_policy=['NoEviction'] (use azure_native.redisenterprise.EvictionPolicy)"]
