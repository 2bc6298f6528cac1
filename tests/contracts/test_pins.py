"""The oracles are the versions pinned in requirements: installed == pinned == recorded in the facts ledger
(``components/facts/oracles.py``), so the data every contract test judged against is known."""

from __future__ import annotations

import re
from importlib.metadata import distribution, version
from pathlib import Path

import pytest

from components.facts import oracles
from components.facts.oracles import OraclePackage

ROOT = Path(__file__).resolve().parents[2]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins.update(_pins(path.parent / line[3:].strip()))
        elif "==" in line:
            name, pinned = line.split("==", 1)
            pins[_canonical(name)] = pinned.strip()
    return pins


PINS = _pins(ROOT / "requirements-dev.txt")


@pytest.mark.parametrize("oracle", oracles.ALL, ids=lambda o: o.distribution)
def test_oracle_is_pinned_installed_and_recorded_at_one_version(oracle: OraclePackage):
    assert PINS.get(_canonical(oracle.distribution)) == oracle.version, "requirements pin != facts ledger"
    assert version(oracle.distribution) == oracle.version, "installed != pinned: reinstall the venv"


@pytest.mark.parametrize("oracle", oracles.ALL, ids=lambda o: o.distribution)
def test_oracle_data_is_where_the_ledger_says(oracle: OraclePackage):
    for path in oracle.paths:
        assert Path(str(distribution(oracle.distribution).locate_file(path))).exists(), path


def test_a_pin_mismatch_would_be_seen(tmp_path: Path):
    (tmp_path / "base.txt").write_text("botocore==0.0.1  # comment\n")
    (tmp_path / "dev.txt").write_text("-r base.txt\nCfn_Lint==1.0\n")
    assert _pins(tmp_path / "dev.txt") == {"botocore": "0.0.1", "cfn-lint": "1.0"}
