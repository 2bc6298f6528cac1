"""Structural rules of components/, checked on the source (AST), so they hold for code no test builds.

* every ComponentResource's ``__init__`` ends with ``self.register_outputs(...)`` (otherwise the
  component stays "creating..." in the Console and its outputs are not saved);
* no module under components/ reads ``pulumi.Config`` (configuration enters once, in __main__.py);
* a component's children get ``opts=pulumi.ResourceOptions(parent=self, ...)`` and options are never
  built with ``.merge(opts)`` (which re-parents children to the component's parent and copies its aliases);
* type tokens are ``braintrust:<cloud>:<Tier>`` and child names start with the component's name
  (the latter on the six built stacks).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.policy.support import built
from tests.support.stacks import stack_names

ROOT = Path(__file__).resolve().parents[1]
COMPONENTS = ROOT / "components"
SOURCES = sorted(p for p in COMPONENTS.rglob("*.py") if "__pycache__" not in p.parts)
TOKEN = re.compile(r"^braintrust:(aws|gcp|azure|kubernetes):[A-Z][A-Za-z0-9]+$")


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _is_component(cls: ast.ClassDef) -> bool:
    return any(_dotted(base).endswith("ComponentResource") for base in cls.bases)


@dataclass(frozen=True)
class Component:
    path: Path
    cls: ast.ClassDef

    @property
    def init(self) -> ast.FunctionDef | None:
        return next((n for n in self.cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)

    @property
    def label(self) -> str:
        return f"{_rel(self.path)}:{self.cls.name}"


def components() -> list[Component]:
    return [Component(path, node) for path in SOURCES for node in ast.walk(_tree(path))
            if isinstance(node, ast.ClassDef) and _is_component(node)]


COMPONENTS_FOUND = components()


def _super_init(init: ast.FunctionDef) -> ast.Call | None:
    for node in ast.walk(init):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__"
                and isinstance(node.func.value, ast.Call) and _dotted(node.func.value.func) == "super"):
            return node
    return None


def _resource_calls(scope: ast.AST) -> list[ast.Call]:
    """Calls that create a resource: a class (CamelCase) called with ``opts=``; invokes such as
    ``aws.get_caller_identity_output(opts=InvokeOptions(...))`` are functions and do not count."""
    calls = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Call) and any(k.arg == "opts" for k in node.keywords):
            callee = _dotted(node.func).rsplit(".", 1)[-1]
            if callee[:1].isupper():
                calls.append(node)
    return calls


def _assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found.setdefault(node.target.id, []).append(node.value)
    return found


def _options_calls(value: ast.expr, names: dict[str, list[ast.expr]]) -> list[ast.Call] | None:
    """The ResourceOptions(...) constructions ``value`` stands for (None if it cannot be traced)."""
    if isinstance(value, ast.Call) and _dotted(value.func).endswith("ResourceOptions"):
        return [value]
    if isinstance(value, ast.Name) and value.id in names:
        traced: list[ast.Call] = []
        for assigned in names[value.id]:
            found = _options_calls(assigned, names)
            if found is None:
                return None
            traced += found
        return traced
    if isinstance(value, ast.IfExp):
        body, orelse = _options_calls(value.body, names), _options_calls(value.orelse, names)
        return None if body is None or orelse is None else body + orelse
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


# ----- register_outputs last -----


def test_components_are_found():
    assert len(COMPONENTS_FOUND) >= 5, "the AST scan should see the cloud components"


@pytest.mark.parametrize("component", COMPONENTS_FOUND, ids=lambda c: c.label)
def test_register_outputs_is_the_last_statement(component: Component):
    init = component.init
    assert init is not None, f"{component.label} has no __init__"
    last = init.body[-1]
    ok = (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
          and _dotted(last.value.func) == "self.register_outputs")
    assert ok, f"{component.label}.__init__ must end with self.register_outputs({{...}})"


@pytest.mark.parametrize("component", COMPONENTS_FOUND, ids=lambda c: c.label)
def test_type_token_names_the_cloud_and_tier(component: Component):
    init = component.init
    assert init is not None
    call = _super_init(init)
    assert call is not None and call.args and isinstance(call.args[0], ast.Constant), (
        f"{component.label} calls super().__init__('braintrust:<cloud>:<Tier>', name, None, opts)")
    token = call.args[0].value
    assert isinstance(token, str) and TOKEN.match(token), f"{component.label}: type token {token!r}"
    cloud = component.path.relative_to(COMPONENTS).parts[0]
    assert token.split(":")[1] == cloud, f"{component.label}: token {token} outside components/{cloud}/"


# ----- children: parent=self, no merge, names prefixed -----


@pytest.mark.parametrize("component", COMPONENTS_FOUND, ids=lambda c: c.label)
def test_children_are_parented_to_the_component(component: Component):
    names = _assignments(component.cls)
    problems = []
    for call in _resource_calls(component.cls):
        opts = _keyword(call, "opts")
        assert opts is not None
        built = _options_calls(opts, names)
        where = f"{_dotted(call.func) or 'call'} (line {call.lineno})"
        if built is None:
            problems.append(f"{where}: opts is not a traceable pulumi.ResourceOptions(...)")
            continue
        for options in built:
            parent = _keyword(options, "parent")
            if not (isinstance(parent, ast.Name) and parent.id == "self"):
                problems.append(f"{where}: ResourceOptions without parent=self")
    assert problems == [], f"{component.label}:\n" + "\n".join(problems)


# The program's entry points create the root components and the providers: those have no parent.
ROOTS = {COMPONENTS / "program.py", COMPONENTS / "providers.py"}


@pytest.mark.parametrize("path", [p for p in SOURCES if p not in ROOTS], ids=_rel)
def test_module_level_helpers_pass_a_parent(path: Path):
    """Helpers outside a component (e.g. a private endpoint factory) still parent what they create."""
    tree = _tree(path)
    in_classes = {id(n) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for n in ast.walk(c)}
    problems = []
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and id(n) not in in_classes):
        names = _assignments(fn)
        for call in _resource_calls(fn):
            opts = _keyword(call, "opts")
            built = _options_calls(opts, names) if opts is not None else None
            if built is None or any(_keyword(o, "parent") is None for o in built):
                problems.append(f"{fn.name}: {_dotted(call.func)} (line {call.lineno}) needs "
                                "opts=pulumi.ResourceOptions(parent=...)")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_resource_options_are_never_merged(path: Path):
    merges = [n.lineno for n in ast.walk(_tree(path))
              if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "merge"]
    assert merges == [], f"{_rel(path)} calls .merge() on lines {merges}: build ResourceOptions(parent=self, ...)"


@pytest.mark.parametrize("stack", stack_names())
def test_child_names_start_with_the_component_name(stack: str):
    """Checked on what the program registers (names are often built from local prefixes): a child of a
    component is named "<component name>-<role>", which is what makes a component rename alias-safe."""
    resources = built(stack).resources
    by_urn = {r.urn: r for r in resources}
    wrong = []
    for r in resources:
        parent = by_urn.get(r.parent)
        if parent is not None and not parent.custom and not r.name.startswith(f"{parent.name}-"):
            wrong.append(f"{r.name} ({r.type}) under {parent.name}")
    assert wrong == []


# ----- configuration at the edge -----


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_components_never_read_pulumi_config(path: Path):
    tree = _tree(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _dotted(node) in ("pulumi.Config", "pulumi.config", "pulumi.get_stack"):
            found.append(f"{_dotted(node)} (line {node.lineno})")
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pulumi"):
            bad = [a.name for a in node.names if a.name in ("Config", "config", "get_config")]
            if bad:
                found.append(f"from {node.module} import {', '.join(bad)} (line {node.lineno})")
        if isinstance(node, ast.Attribute) and node.attr in ("get_config", "get_config_env"):
            found.append(f"{_dotted(node)} (line {node.lineno})")
    assert found == [], f"{_rel(path)} reads configuration: {found} (take typed args instead)"


def test_the_config_check_is_not_vacuous():
    """The scanner sees a planted pulumi.Config read."""
    tree = ast.parse("import pulumi\nvalue = pulumi.Config().require('x')\n")
    assert any(isinstance(n, ast.Attribute) and _dotted(n) == "pulumi.Config" for n in ast.walk(tree))
    bad = ast.parse("class C(pulumi.ComponentResource):\n def __init__(self, name, opts=None):\n"
                    "  super().__init__('braintrust:aws:X', name, None, opts)\n"
                    "  aws.s3.Bucket(f'{name}-b', opts=pulumi.ResourceOptions(parent=self).merge(opts))\n")
    cls = next(n for n in ast.walk(bad) if isinstance(n, ast.ClassDef))
    calls = _resource_calls(cls)
    assert len(calls) == 1 and _options_calls(_keyword(calls[0], "opts") or ast.Constant(None), {}) is None
