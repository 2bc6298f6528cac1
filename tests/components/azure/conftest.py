"""Both Azure stacks, built once per test session from their real stack files under mocks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockResourceArgs

from components.config import DataPlaneConfig
from tests.support.harness import Harness, Registration
from tests.support.stacks import build_stack, stack_config


@pytest.fixture(scope="session")
def staging() -> Harness:
    return build_stack("azure-staging")


@pytest.fixture(scope="session")
def production() -> Harness:
    return build_stack("azure-production")


@pytest.fixture(scope="session", params=["azure-staging", "azure-production"])
def stack(request: pytest.FixtureRequest, staging: Harness, production: Harness) -> Harness:
    return staging if request.param == "azure-staging" else production


@pytest.fixture(scope="session")
def production_config() -> DataPlaneConfig:
    return stack_config("azure-production")


@pytest.fixture(scope="session")
def staging_config() -> DataPlaneConfig:
    return stack_config("azure-staging")


def unwrap(value: Any) -> Any:
    """The plain value inside a Pulumi secret wrapper (tests only; the wire form stays secret)."""
    if rpc.is_rpc_secret(value):
        return unwrap(value["value"])
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def one_named(h: Harness, type_token: str, suffix: str) -> MockResourceArgs:
    found = [r for r in h.of_type(type_token) if r.name.endswith(suffix)]
    assert len(found) == 1, f"expected one {type_token} named *{suffix}, found {[r.name for r in found]}"
    return found[0]


def registration_of(h: Harness, resource: MockResourceArgs) -> Registration:
    return h.registration(resource.name, resource.typ)


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


def chart_values(h: Harness) -> dict[str, Any]:
    chart = h.one("kubernetes:helm.sh/v4:Chart")
    return unwrap(chart.inputs["values"])
