"""Mocked Pulumi engine for unit tests.

* ``RecordingMocks`` fabricates outputs per resource type and answers invokes (data sources).
* ``RecordingMonitor`` keeps the raw RegisterResource requests, which carry what ``Mocks`` cannot
  see: protect, retainOnDelete, ignoreChanges, aliases, parent, provider, dependencies.
* ``Harness`` wraps both with query helpers; ``run`` executes a program and waits for every RPC,
  so assertions happen after the program finished (never inside ``apply``).

Traps avoided (shared/reference/pulumi.md section 1): the program is a function called after
``set_mocks``; each test gets fresh mocks, and the root stack and config are reset afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from . import fakes

PROJECT = "braintrust"


class RecordingMocks(Mocks):
    def __init__(self, region: str = "us-east-1") -> None:
        self.region = region
        self.resources: list[MockResourceArgs] = []
        self.calls: list[MockCallArgs] = []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        self.resources.append(args)
        resource_id, state = fakes.outputs_for(args, self.region)
        return resource_id, state

    def call(self, args: MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        self.calls.append(args)
        # Return a (dict, []) tuple: (dict, None) crashes MockMonitor.Invoke.
        return fakes.invoke_result(args, self.region), []


@dataclass
class Registration:
    """One RegisterResource request, decoded."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider: str
    protect: bool
    retain_on_delete: bool
    ignore_changes: list[str]
    replace_on_changes: list[str]
    aliases: list[Any]
    dependencies: list[str]
    delete_before_replace: bool


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.registrations.append(Registration(
                urn=self.make_urn(request.parent, request.type, request.name),
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent,
                provider=request.provider,
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                ignore_changes=list(request.ignoreChanges),
                replace_on_changes=list(request.replaceOnChanges),
                aliases=list(request.aliases),
                dependencies=list(request.dependencies),
                delete_before_replace=bool(request.deleteBeforeReplace),
            ))
        return response


@dataclass
class Harness:
    mocks: RecordingMocks
    monitor: RecordingMonitor
    outputs: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    # ----- queries -----
    @property
    def resources(self) -> list[MockResourceArgs]:
        return self.mocks.resources

    def of_type(self, type_token: str) -> list[MockResourceArgs]:
        return [r for r in self.mocks.resources if r.typ == type_token]

    def one(self, type_token: str, name: str | None = None) -> MockResourceArgs:
        found = [r for r in self.of_type(type_token) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {type_token} {name or ''}, found {[r.name for r in found]}"
        return found[0]

    def named(self, name: str) -> MockResourceArgs:
        found = [r for r in self.mocks.resources if r.name == name]
        assert len(found) == 1, f"expected one resource named {name}, found {len(found)}"
        return found[0]

    def registration(self, name: str, type_token: str | None = None) -> Registration:
        found = [
            r for r in self.monitor.registrations
            if r.name == name and (type_token is None or r.type == type_token)
        ]
        assert len(found) == 1, f"expected one registration named {name}, found {len(found)}"
        return found[0]

    def registrations_of(self, type_token: str) -> list[Registration]:
        return [r for r in self.monitor.registrations if r.type == type_token]

    def types(self) -> set[str]:
        return {r.typ for r in self.mocks.resources}

    # ----- invariants every built stack must satisfy -----
    def assert_unique_urns(self) -> None:
        urns = [r.urn for r in self.monitor.registrations]
        duplicates = sorted({u for u in urns if urns.count(u) > 1})
        assert not duplicates, f"duplicate URNs (the real engine rejects these): {duplicates}"

    def assert_explicit_providers(self) -> None:
        """Every cloud resource names an explicit provider (no silent default provider)."""
        bad = []
        for r in self.mocks.resources:
            package = r.typ.split(":", 1)[0]
            if not r.custom or package in ("pulumi", "braintrust") or r.typ.startswith("pulumi:providers:"):
                continue
            if not r.provider or "::default" in r.provider:
                bad.append(f"{r.typ} {r.name} -> {r.provider or 'no provider'}")
        assert not bad, "resources without an explicit provider:\n" + "\n".join(bad)

    def plaintext_occurrences(self, secret: str) -> list[str]:
        """Where a secret value appears in resource inputs *outside* a Pulumi secret wrapper."""
        hits: list[str] = []
        for r in self.mocks.resources:
            for path in _plaintext_paths(r.inputs, secret, ""):
                hits.append(f"{r.typ} {r.name}: {path}")
        return hits


def _plaintext_paths(value: Any, secret: str, path: str) -> Iterator[str]:
    if rpc.is_rpc_secret(value):
        return
    if isinstance(value, str):
        if secret in value:
            yield path or "(value)"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _plaintext_paths(item, secret, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _plaintext_paths(item, secret, f"{path}[{i}]")


def unwrap(value: Any) -> Any:
    """The plain value inside Pulumi secret wrappers (tests only; the wire form stays secret)."""
    if rpc.is_rpc_secret(value):
        return unwrap(value["value"])
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def depends_transitively(h: Harness, reg: Registration, targets: Iterable[str]) -> bool:
    """Whether ``reg`` waits (through recorded dependencies, any depth) for one of ``targets`` (URNs)."""
    by_urn = {r.urn: r for r in h.monitor.registrations}
    wanted = set(targets)
    seen: set[str] = set()
    pending = list(reg.dependencies)
    while pending:
        urn = pending.pop()
        if urn in wanted:
            return True
        if urn in seen or urn not in by_urn:
            continue
        seen.add(urn)
        pending.extend(by_urn[urn].dependencies)
    return False


def new_harness(stack: str = "test", region: str = "us-east-1", preview: bool = False) -> Harness:
    mocks = RecordingMocks(region=region)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=preview, monitor=monitor)
    return Harness(mocks=mocks, monitor=monitor)


def reset_runtime() -> None:
    """Fresh root stack and empty config for the next test (both are process globals)."""
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.set_all_config({}, [])


def run(harness: Harness, program: Callable[[], Mapping[str, Any] | None]) -> Harness:
    """Run ``program`` under the mocks; resolve the outputs it returns into ``harness.outputs``."""

    def body() -> pulumi.Output[Any] | None:
        result = program()
        if not result:
            return None
        return pulumi.Output.from_input(dict(result)).apply(harness.outputs.update)

    pulumi.runtime.test(body)()
    return harness


def as_json(value: Any) -> Any:
    """Normalise provider-style JSON strings (policies, default tags) for assertions."""
    return json.loads(value) if isinstance(value, str) else value
