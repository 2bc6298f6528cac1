"""The guarantees section is generated from the rules and current; the documented commands exist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy.gen_docs import DEFAULT_TARGET, END, START, regenerate, render
from policy.offline import check
from policy.rules import POLICIES

from .support import built, built_dangerous

ROOT = Path(__file__).resolve().parents[2]
TEARDOWN = ROOT / "policy" / "teardown.json"
PRODUCTION = ["aws-production", "gcp-production", "azure-production"]


def test_guarantees_doc_is_current():
    text = DEFAULT_TARGET.read_text()
    assert regenerate(text) == text, "stale: run `venv/bin/python -m policy.gen_docs --write`"


def test_readme_section_is_current_once_merged():
    readme = (ROOT / "README.md").read_text()
    if START not in readme:
        pytest.skip("the guarantees section is not merged into README.md yet")
    assert regenerate(readme) == readme, "stale: run `venv/bin/python -m policy.gen_docs --write README.md`"


def test_every_rule_is_listed_with_its_level():
    section = render()
    for p in POLICIES:
        assert f"| `{p.name}`" in section
        assert p.description.replace("|", "\\|") in section


def test_regenerate_refuses_a_file_without_markers():
    with pytest.raises(ValueError, match="expected one"):
        regenerate("# README\nno markers here\n")
    with pytest.raises(ValueError, match="expected one"):
        regenerate(f"{END}\n{START}\n")


def test_documented_commands_and_files_exist():
    text = DEFAULT_TARGET.read_text()
    for module in ("policy.check", "policy.gen_docs"):
        assert f"python -m {module}" in text
        assert (ROOT / Path(*module.split("."))).with_suffix(".py").exists()
    assert "--policy-pack policy" in text and (ROOT / "policy" / "PulumiPolicy.yaml").exists()
    assert "policy/teardown.json" in text and TEARDOWN.exists()


@pytest.mark.parametrize("stack", PRODUCTION)
def test_teardown_config_unlocks_exactly_what_the_danger_switch_trips(stack: str):
    config = json.loads(TEARDOWN.read_text())
    normal = {(v.policy, v.urn) for v in built(stack).report.mandatory}
    dangerous = built_dangerous(stack)
    with_teardown = {(v.policy, v.urn) for v in check(dangerous.resources, POLICIES, config).mandatory}
    assert with_teardown <= normal, "the danger switch trips a rule policy/teardown.json does not disable"


def test_teardown_config_disables_nothing_more_than_needed():
    config = json.loads(TEARDOWN.read_text())
    assert set(config.values()) == {"disabled"}
    tripped = {v.policy for stack in PRODUCTION for v in built_dangerous(stack).report.mandatory}
    assert set(config) <= tripped, "policy/teardown.json disables a rule the danger switch never trips"
