"""Run one rule on hand-made resources, through the same path as the offline runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from policy.offline import Recorded, Report, check
from policy.offline import recorded as recorded_from_run
from policy.rules import POLICIES, Rule
from tests.support.harness import reset_runtime
from tests.support.stacks import FIXED_TODAY, build_stack

from .fixtures import R

BY_NAME: dict[str, Rule] = {p.name: p for p in POLICIES}


def urn(name: str, type_: str) -> str:
    return f"urn:pulumi:test::braintrust::{type_}::{name}"


def recorded(resources: R | Sequence[R]) -> list[Recorded]:
    case = [resources] if isinstance(resources, R) else list(resources)
    urns = {r.name: urn(r.name, r.type) for r in case}
    return [
        Recorded(urn=urns[r.name], type=r.type, name=r.name, custom=True, inputs=r.props, state=r.props,
                 protect=r.protect, retain_on_delete=False, ignore_changes=(), delete_before_replace=False,
                 aliases=(), parent="", provider="", dependencies=tuple(urns[d] for d in r.depends))
        for r in case
    ]


def run_rule(name: str, case: R | Sequence[R], config: Mapping[str, Any] | None = None) -> Report:
    settings = {name: dict(config)} if config else {}
    return check(recorded(case), [BY_NAME[name]], settings)


def messages(name: str, case: R | Sequence[R], config: Mapping[str, Any] | None = None) -> list[str]:
    return [v.message for v in run_rule(name, case, config).violations]


@dataclass(frozen=True)
class Built:
    """A stack built under mocks from its real stack file, and the pack's verdict on it."""

    name: str
    resources: list[Recorded]
    report: Report

    def of_type(self, *types: str) -> list[Recorded]:
        return [r for r in self.resources if r.type in types]

    @property
    def types(self) -> set[str]:
        return {r.type for r in self.resources}


class BuildFailedError(AssertionError):
    """The stack did not build (e.g. its cloud is not built yet): reported once, without the engine's
    thread-spanning traceback, and remembered so each dependent test fails fast."""


_FAILED: dict[tuple[str, str], str] = {}


def build(name: str, mutate: Callable[[dict[str, Any]], None] | None = None,
          today: dt.date = FIXED_TODAY, *, key: str = "") -> Built:
    if (name, key) in _FAILED:
        raise BuildFailedError(_FAILED[(name, key)])
    try:
        resources = recorded_from_run(build_stack(name, mutate=mutate, today=today))
    except Exception as error:
        _FAILED[(name, key)] = f"stack {name} does not build: {type(error).__name__}: {error}"[:4000]
        raise BuildFailedError(_FAILED[(name, key)]) from None
    finally:
        reset_runtime()  # builds may run inside a test that builds again
    return Built(name, resources, check(resources))


@cache
def built(name: str) -> Built:
    """Each real stack is built once per test session (a build takes ~15 s)."""
    return build(name)


def _all_danger(values: dict[str, Any]) -> None:
    values["danger_disable_deletion_protection"] = True
    values["danger_skip_final_snapshot"] = True


@cache
def built_dangerous(name: str) -> Built:
    """The stack with both deletion danger switches on (what a deliberate teardown looks like)."""
    return build(name, mutate=_all_danger, key="danger")
