"""Run the policy pack in-process on a program built under mocks (no Pulumi CLI, no cloud).

What the engine would hand the analyzer is rebuilt from the mocked run:

* resource policies get each resource's *inputs* (``MockResourceArgs.inputs``) and its options
  (protect, ignoreChanges, deleteBeforeReplace, aliases, parent) from the recording monitor;
* stack policies get every resource's *state* (what the mock provider returned: inputs plus faked
  outputs, as a real run passes outputs), with parents and dependencies linked.

Properties go through the same deserialisation (secrets unwrapped) and unknown-value proxy as in the
real analyzer (``pulumi_policy.policy._PolicyAnalyzerServicer``), so a rule that works here reads the
same shapes under ``pulumi preview``. Violations print in the CLI's "Policy Violations" format.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import _NotApplicableError  # the SDK's own "not applicable" signal
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from .rules import PACK_NAME, POLICIES

PACK_DIR = Path(__file__).resolve().parent
_VERSION = re.compile(r"^version:\s*([^\s#]+)", re.MULTILINE)


def pack_version() -> str:
    found = _VERSION.search((PACK_DIR / "PulumiPolicy.yaml").read_text())
    return found.group(1) if found else "0.0.1"


# ----- what a mocked run recorded (duck-typed: tests.support.harness.Harness fits) -----


class MockedRun(Protocol):
    """``mocks.resources`` (MockResourceArgs) and ``monitor.registrations``/``monitor.resources``."""

    mocks: Any
    monitor: Any


@dataclass(frozen=True)
class Recorded:
    """One resource as the analyzer would see it."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: Mapping[str, Any]
    state: Mapping[str, Any]
    protect: bool
    retain_on_delete: bool
    ignore_changes: tuple[str, ...]
    delete_before_replace: bool
    aliases: tuple[str, ...]
    parent: str
    provider: str
    dependencies: tuple[str, ...]


def _agreement(inputs: Mapping[str, Any], state: Mapping[str, Any]) -> int:
    return sum(1 for k, v in inputs.items() if state.get(k) == v)


def _describe_alias(alias: Any) -> str:
    if getattr(alias, "urn", ""):
        return str(alias.urn)
    spec = getattr(alias, "spec", None)
    if spec is None:
        return str(alias)
    parts = [f"{k}={getattr(spec, k)}" for k in ("name", "type", "stack", "project", "parentUrn")
             if getattr(spec, k, "")]
    if getattr(spec, "noParent", False):
        parts.append("noParent")
    return "alias(" + ", ".join(parts) + ")"


def recorded(run: MockedRun) -> list[Recorded]:
    """Pair each RegisterResource request with the inputs the mocks saw (matched by type and name).

    The SDK registers resources from worker threads, so list positions cannot be trusted; when type
    and name repeat (same child name under different parents) the recorded state decides.
    """
    by_key: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for args in run.mocks.resources:
        by_key[(args.typ, args.name)].append(args)
    states: Mapping[str, Any] = run.monitor.resources
    out: list[Recorded] = []
    for reg in run.monitor.registrations:
        candidates = by_key.get((reg.type, reg.name), [])
        if not candidates:
            raise AssertionError(f"no mocked inputs recorded for {reg.urn}")
        state = dict(getattr(states.get(reg.urn), "state", None) or {})
        args = max(candidates, key=lambda a: _agreement(a.inputs, state)) if len(candidates) > 1 else candidates[0]
        candidates.remove(args)
        out.append(Recorded(
            urn=reg.urn, type=reg.type, name=reg.name, custom=reg.custom,
            inputs=dict(args.inputs), state=state or dict(args.inputs),
            protect=reg.protect, retain_on_delete=reg.retain_on_delete, ignore_changes=tuple(reg.ignore_changes),
            delete_before_replace=reg.delete_before_replace,
            aliases=tuple(_describe_alias(a) for a in reg.aliases),
            parent=reg.parent, provider=reg.provider, dependencies=tuple(reg.dependencies),
        ))
    return out


# ----- running the policies -----


@dataclass(frozen=True)
class Violation:
    policy: str
    enforcement: EnforcementLevel
    description: str
    message: str
    severity: str
    urn: str | None = None
    resource_type: str | None = None
    resource_name: str | None = None

    def render(self, version: str | None = None) -> str:
        """The Pulumi CLI's layout: header, the policy description, then the message."""
        where = f" ({self.resource_name}: {self.resource_type})" if self.resource_name else ""
        header = f"    [{self.enforcement.value}]  {PACK_NAME} v{version or pack_version()}  {self.policy}{where}"
        body = [f"    {line}" for line in f"{self.description}\n{self.message}".strip().splitlines()]
        return "\n".join([header, *body])


@dataclass
class Report:
    violations: list[Violation] = field(default_factory=list)
    not_applicable: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # could not run: value unknown during preview
    examined: dict[str, int] = field(default_factory=dict)  # policy -> resources of the types it judges

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement is EnforcementLevel.MANDATORY]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement is EnforcementLevel.ADVISORY]

    def of(self, policy: str) -> list[Violation]:
        return [v for v in self.violations if v.policy == policy]

    def render(self, *, include_advisory: bool = True) -> str:
        shown = self.violations if include_advisory else self.mandatory
        if not shown:
            return "No policy violations."
        lines = ["Policy Violations:"]
        version = pack_version()
        lines += [v.render(version) for v in shown]
        return "\n".join(lines)


PackConfig = Mapping[str, Any]


def _level(policy: Policy, config: PackConfig) -> EnforcementLevel:
    """Policy config follows `--policy-pack-config`: "name": "disabled" or {"enforcementLevel": ...}."""
    entry = config.get(policy.name, config.get("all"))
    if isinstance(entry, str):
        return EnforcementLevel(entry)
    if isinstance(entry, Mapping) and "enforcementLevel" in entry:
        return EnforcementLevel(entry["enforcementLevel"])
    return policy.enforcement_level or EnforcementLevel.ADVISORY


def _properties(policy: Policy, config: PackConfig) -> dict[str, Any]:
    entry = config.get(policy.name)
    if isinstance(entry, Mapping):
        return {k: v for k, v in entry.items() if k != "enforcementLevel"}
    return {}


def _props(values: Mapping[str, Any]) -> Any:
    return unknown_checking_proxy(deserialize_properties(dict(values)))


def _options(r: Recorded) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=r.protect, ignore_changes=list(r.ignore_changes), delete_before_replace=r.delete_before_replace,
        aliases=list(r.aliases), custom_timeouts=PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[],
        parent=r.parent or None,
    )


def _provider(r: Recorded, by_urn: Mapping[str, Recorded]) -> PolicyProviderResource | None:
    urn = r.provider.rsplit("::", 1)[0] if r.provider else ""
    found = by_urn.get(urn)
    if found is None:
        return None
    return PolicyProviderResource(found.type, _props(found.inputs), found.urn, found.name)


def check(
    resources: Sequence[Recorded],
    policies: Iterable[Policy] = POLICIES,
    config: PackConfig | None = None,
) -> Report:
    """Every resource policy on every resource, then every stack policy on the whole stack."""
    config = config or {}
    report = Report()
    by_urn = {r.urn: r for r in resources}
    policies = list(policies)

    def reporter(policy: Policy, level: EnforcementLevel, r: Recorded | None):
        def report_violation(message: str, urn: str | None = None) -> None:
            target = r or by_urn.get(urn or "")
            report.violations.append(Violation(
                policy=policy.name, enforcement=level, description=policy.description, message=message or "",
                severity=policy.severity.value if policy.severity else "",
                urn=target.urn if target else urn, resource_type=target.type if target else None,
                resource_name=target.name if target else None,
            ))
        return report_violation

    for policy in policies:
        level = _level(policy, config)
        if level is EnforcementLevel.DISABLED:
            continue
        if level is EnforcementLevel.REMEDIATE:
            level = EnforcementLevel.MANDATORY  # as the SDK does when a remediation did not fix it
        properties = _properties(policy, config)
        types = getattr(policy, "types", None)
        report.examined[policy.name] = sum(1 for r in resources if types is None or r.type in types)
        try:
            if isinstance(policy, ResourceValidationPolicy):
                for r in resources:
                    args = ResourceValidationArgs(r.type, _props(r.inputs), r.urn, r.name, _options(r),
                                                  _provider(r, by_urn), properties)
                    try:
                        _run(policy.validate(args, reporter(policy, level, r)))
                    except UnknownValueError as unknown:
                        report.unknown.append(f"{policy.name} on {r.urn}: {unknown.message}")
            elif isinstance(policy, StackValidationPolicy):
                _run(policy.validate(StackValidationArgs(_stack_resources(resources, by_urn), properties),
                                     reporter(policy, level, None)))
        except UnknownValueError as unknown:
            report.unknown.append(f"{policy.name}: {unknown.message}")
        except _NotApplicableError as reason:
            report.not_applicable.append((policy.name, str(reason.reason or "")))
    return report


def _stack_resources(resources: Sequence[Recorded], by_urn: Mapping[str, Recorded]) -> list[PolicyResource]:
    made = {
        r.urn: PolicyResource(r.type, _props(r.state), r.urn, r.name, _options(r), _provider(r, by_urn),
                              None, [], {})
        for r in resources
    }
    for r in resources:
        made[r.urn].parent = made.get(r.parent)
        made[r.urn].dependencies = [made[d] for d in r.dependencies if d in made]
    return list(made.values())


def _run(result: Any) -> None:
    """Policies may be async; run the awaitable to completion like the analyzer does."""
    if result is None:
        return
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(result)
    finally:
        loop.close()


def check_run(run: MockedRun, config: PackConfig | None = None) -> Report:
    """Convenience for tests: ``check_run(build_stack("aws-staging"))``."""
    return check(recorded(run), POLICIES, config)
