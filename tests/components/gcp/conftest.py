"""Both GCP stacks, built once per test session from their real stack files under mocks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from pulumi.runtime import rpc

from tests.support.harness import Harness, Registration
from tests.support.stacks import build_stack


@pytest.fixture(scope="session")
def staging() -> Harness:
    return build_stack("gcp-staging")


@pytest.fixture(scope="session")
def production() -> Harness:
    return build_stack("gcp-production")


@pytest.fixture(scope="session", params=["gcp-staging", "gcp-production"])
def stack(request: pytest.FixtureRequest, staging: Harness, production: Harness) -> Harness:
    return staging if request.param == "gcp-staging" else production


def unwrap(value: Any) -> Any:
    """The plain value inside a Pulumi secret wrapper (tests only; the wire form stays secret)."""
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
    stack = list(reg.dependencies)
    while stack:
        urn = stack.pop()
        if urn in wanted:
            return True
        if urn in seen or urn not in by_urn:
            continue
        seen.add(urn)
        stack.extend(by_urn[urn].dependencies)
    return False
