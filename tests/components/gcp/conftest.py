"""Both GCP stacks, built once per test session from their real stack files under mocks."""

from __future__ import annotations

import pytest

from tests.support.harness import Harness
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




