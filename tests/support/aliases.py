"""Prove that a moved or renamed resource carries the alias that keeps its old URN (no replacement).

The engine turns an alias spec into the resource's old URN; these helpers do the same with the
engine's URN rule (``urn:pulumi:<stack>::<project>::<parent types $ type>::<name>``, the root stack
adding no prefix), so a test can name the URN exactly as `pulumi stack export` shows it today:

    assert_aliased(harness, "acme-storage-bucket",
                   "urn:pulumi:test::braintrust::aws:s3/bucket:Bucket::acme-bucket")

Only explicit aliases are checked. Children of an aliased component inherit its aliases in the engine,
provided their names start with the component's name (tests/test_structure.py enforces that).
"""

from __future__ import annotations

from typing import Any, Protocol

STACK_TYPE = "pulumi:pulumi:Stack"


class _Registration(Protocol):
    urn: str
    type: str
    name: str
    parent: str
    aliases: list[Any]


class _Run(Protocol):
    monitor: Any


def _stack_and_project(urn: str) -> tuple[str, str]:
    head, project = urn.split("::")[:2]
    return head.removeprefix("urn:pulumi:"), project


def _by_urn(run: _Run) -> dict[str, _Registration]:
    return {r.urn: r for r in run.monitor.registrations}


def _qualified_type(urn: str, registrations: dict[str, _Registration]) -> str:
    """The engine's qualified type of the resource at (mock) ``urn``; '' for the root stack."""
    reg = registrations.get(urn)
    if reg is None:  # the root stack (not recorded) or an unknown parent
        return ""
    parent = _qualified_type(reg.parent, registrations) if reg.parent else ""
    return f"{parent}${reg.type}" if parent else reg.type


def engine_urn(run: _Run, reg: _Registration) -> str:
    """The URN the real engine gives ``reg`` (the mock monitor abbreviates parent types)."""
    stack, project = _stack_and_project(reg.urn)
    return f"urn:pulumi:{stack}::{project}::{_qualified_type(reg.urn, _by_urn(run))}::{reg.name}"


def alias_urns(run: _Run, reg: _Registration) -> list[str]:
    """The old URNs ``reg``'s aliases stand for, computed as the engine computes them."""
    registrations = _by_urn(run)
    stack, project = _stack_and_project(reg.urn)
    found: list[str] = []
    for alias in reg.aliases:
        if getattr(alias, "urn", ""):
            found.append(alias.urn)
            continue
        spec = alias.spec
        if spec.noParent:
            parent_type = ""
        elif spec.parentUrn:
            parent_type = (_qualified_type(spec.parentUrn, registrations)
                           or spec.parentUrn.rsplit("::", 2)[-2].removeprefix(f"{STACK_TYPE}$"))
            parent_type = "" if parent_type == STACK_TYPE else parent_type
        else:
            parent_type = _qualified_type(reg.parent, registrations)
        type_ = spec.type or reg.type
        qualified = f"{parent_type}${type_}" if parent_type else type_
        found.append(f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::{qualified}::"
                     f"{spec.name or reg.name}")
    return found


def registration(run: _Run, name: str, type_: str | None = None) -> _Registration:
    found = [r for r in run.monitor.registrations if r.name == name and (type_ is None or r.type == type_)]
    assert len(found) == 1, f"expected one resource named {name}, found {len(found)}"
    return found[0]


def assert_aliased(run: _Run, name: str, old_urn: str, type_: str | None = None) -> None:
    """``name`` (as registered now) keeps the identity of ``old_urn`` through an alias."""
    reg = registration(run, name, type_)
    urns = alias_urns(run, reg)
    assert old_urn in urns, (f"{name} ({engine_urn(run, reg)}) has no alias for {old_urn}; "
                             f"its aliases resolve to {urns or 'nothing'}")
