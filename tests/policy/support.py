"""Run one rule on hand-made resources, through the same path as the offline runner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policy.offline import Recorded, Report, check
from policy.rules import POLICIES, Rule

from .fixtures import R

BY_NAME: dict[str, Rule] = {p.name: p for p in POLICIES}


def urn(name: str, type_: str) -> str:
    return f"urn:pulumi:test::braintrust::{type_}::{name}"


def recorded(resources: R | Sequence[R]) -> list[Recorded]:
    case = [resources] if isinstance(resources, R) else list(resources)
    urns = {r.name: urn(r.name, r.type) for r in case}
    return [
        Recorded(urn=urns[r.name], type=r.type, name=r.name, custom=True, inputs=r.props, state=r.props,
                 protect=r.protect, ignore_changes=(), delete_before_replace=False, aliases=(), parent="",
                 provider="", dependencies=tuple(urns[d] for d in r.depends))
        for r in case
    ]


def run_rule(name: str, case: R | Sequence[R], config: Mapping[str, Any] | None = None) -> Report:
    settings = {name: dict(config)} if config else {}
    return check(recorded(case), [BY_NAME[name]], settings)


def messages(name: str, case: R | Sequence[R], config: Mapping[str, Any] | None = None) -> list[str]:
    return [v.message for v in run_rule(name, case, config).violations]
