"""Both Azure stacks, built once per test session from their real stack files under mocks."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime.mocks import MockResourceArgs

from components.config import DataPlaneConfig
from tests.support.harness import Harness, Registration, unwrap
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




def one_named(h: Harness, type_token: str, suffix: str) -> MockResourceArgs:
    found = [r for r in h.of_type(type_token) if r.name.endswith(suffix)]
    assert len(found) == 1, f"expected one {type_token} named *{suffix}, found {[r.name for r in found]}"
    return found[0]


def registration_of(h: Harness, resource: MockResourceArgs) -> Registration:
    return h.registration(resource.name, resource.typ)




def chart_values(h: Harness) -> dict[str, Any]:
    chart = h.one("kubernetes:helm.sh/v4:Chart")
    return unwrap(chart.inputs["values"])


def private_vault(h: Harness) -> MockResourceArgs:
    """The private vault (secrets and most CMKs; Managed Redis's key has a key-only vault of its own)."""
    return one_named(h, "azure-native:keyvault:Vault", "keyvault-vault")
