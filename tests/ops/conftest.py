"""Each stack is built offline once per test session (a build imports a whole cloud SDK: seconds)."""

from __future__ import annotations

import pytest

from ops import offline
from ops.plan import STAND_INS
from tests.support.stacks import stack_config, stack_names


@pytest.fixture(scope="session")
def offline_builds() -> dict[str, offline.Build | Exception]:
    """Stack name -> its offline build, or the exception the build raised (asserted by the tests)."""
    builds: dict[str, offline.Build | Exception] = {}
    for name in stack_names():
        try:
            builds[name] = offline.build(stack_config(name), name, STAND_INS["brainstore_license_key"])
        except Exception as error:  # reported by the test that uses it, with the stack's name
            builds[name] = error
    return builds
