"""Fresh mocked engine per test; root stack and config reset afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.harness import reset_runtime


@pytest.fixture(autouse=True)
def _clean_pulumi_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The shell must not leak config into tests.
    for key in list(__import__("os").environ):
        if key.startswith("PULUMI_CONFIG"):
            monkeypatch.delenv(key, raising=False)
    yield
    reset_runtime()
