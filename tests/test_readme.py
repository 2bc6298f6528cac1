"""README's generated sections match the code; README's commands exist."""

from __future__ import annotations

from pathlib import Path

from components.config import DataPlaneConfig
from scripts.gen_config_reference import README, regenerate, rows

ROOT = Path(__file__).resolve().parents[1]


def test_readme_generated_sections_are_current():
    current = README.read_text()
    assert regenerate(current) == current, "README is stale: run `make docs`"


def test_every_config_key_is_documented():
    text = README.read_text()
    for key, *_ in rows(DataPlaneConfig):
        assert f"| `{key}` |" in text


def test_quickstart_targets_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("plan:", "test:", "check:", "docs:"):
        assert f"\n{target}" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make lint typecheck" in ci and "make test" in ci  # CI runs the README's test command
