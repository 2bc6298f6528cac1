"""`make release`: only releases registered in the facts ledger, only the release block changes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from components.facts import braintrust as published
from scripts import release
from tests.support.stacks import STACKS_DIR

AWS = published.AWS_SERVICES
CHART = published.CHART


@pytest.fixture
def stacks(tmp_path: Path) -> Path:
    target = tmp_path / "stacks"
    shutil.copytree(STACKS_DIR, target)
    return target


def _release(path: Path) -> dict:
    return yaml.safe_load(path.read_text())["config"]["braintrust:release"]


def _registered(monkeypatch: pytest.MonkeyPatch, *extra: published.PublishedRelease) -> None:
    monkeypatch.setattr(published, "PUBLISHED", (*published.PUBLISHED, *extra))
    monkeypatch.setattr(release.traceable, "__defaults__", ((*published.PUBLISHED, *extra),))


def test_the_committed_pins_are_releases_braintrust_published():
    for path in sorted(STACKS_DIR.glob("Pulumi.*.yaml")):
        pins = _release(path)
        chart = pins.get("helm_chart_version")
        release.traceable(release.Pins(version=pins["version"], date=dt.date.fromisoformat(pins["release_date"]),
                                       chart=str(chart) if chart else None))
        assert not {"api_image_tag", "brainstore_image_tag", "lambda_bundle_tag"} & set(pins), path.name


def test_an_untraceable_release_is_refused_and_nothing_is_written(stacks: Path, capsys):
    before = {p.name: p.read_text() for p in stacks.iterdir()}
    assert release.main(["--version", "v9.9.9", "--date", "2026-11-01"], stacks_dir=stacks) == 2
    assert "not a release registered in components/facts/braintrust.py" in capsys.readouterr().err
    assert {p.name: p.read_text() for p in stacks.iterdir()} == before


def test_a_known_version_with_the_wrong_date_is_refused(stacks: Path):
    assert release.main(["--version", AWS.version, "--date", "2026-01-01"], stacks_dir=stacks) == 2


def test_an_aws_release_rewrites_only_the_aws_stacks_release_block(stacks: Path, monkeypatch):
    newer = published.PublishedRelease(version="v2.13.0", date=dt.date(2026, 9, 1), chart_version=None)
    _registered(monkeypatch, newer)
    before = {p.name: p.read_text() for p in stacks.iterdir()}
    assert release.main(["--version", "v2.13.0", "--date", "2026-09-01"], stacks_dir=stacks) == 0
    for path in stacks.iterdir():
        if path.name.startswith("Pulumi.aws-"):
            assert _release(path) == {"version": "v2.13.0", "release_date": "2026-09-01"}
            old, new = before[path.name].splitlines(), path.read_text().splitlines()
            changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
            assert changed == [('    version: v2.12.0', '    version: v2.13.0'),
                               ('    release_date: "2026-08-21"', '    release_date: "2026-09-01"')]
        else:
            assert path.read_text() == before[path.name]


def test_a_chart_release_goes_to_the_kubernetes_stacks_and_drops_stale_tag_overrides(stacks: Path, monkeypatch):
    newer = published.PublishedRelease(version="v2.10.0", date=dt.date(2026, 8, 12), chart_version="6.12.0")
    _registered(monkeypatch, newer)
    gcp = stacks / "Pulumi.gcp-staging.yaml"
    gcp.write_text(gcp.read_text().replace("    helm_chart_version: 6.11.0\n",
                                           "    helm_chart_version: 6.11.0\n    api_image_tag: v2.9.0\n"))
    aws_before = (stacks / "Pulumi.aws-staging.yaml").read_text()
    args = ["--version", "v2.10.0", "--date", "2026-08-12", "--chart", "6.12.0"]
    assert release.main([*args, "--stacks", "gcp-*"], stacks_dir=stacks) == 0
    assert _release(gcp) == {"version": "v2.10.0", "release_date": "2026-08-12", "helm_chart_version": "6.12.0"}
    assert _release(stacks / "Pulumi.azure-staging.yaml")["helm_chart_version"] == "6.11.0"  # not selected
    assert (stacks / "Pulumi.aws-staging.yaml").read_text() == aws_before
    assert "# A release Braintrust published" in gcp.read_text()  # comments survive


def test_check_reports_without_writing(stacks: Path, monkeypatch, capsys):
    newer = published.PublishedRelease(version="v2.13.0", date=dt.date(2026, 9, 1), chart_version=None)
    _registered(monkeypatch, newer)
    before = (stacks / "Pulumi.aws-staging.yaml").read_text()
    assert release.main(["--version", "v2.13.0", "--date", "2026-09-01", "--check"], stacks_dir=stacks) == 0
    assert "would update: Pulumi.aws-staging.yaml" in capsys.readouterr().out
    assert (stacks / "Pulumi.aws-staging.yaml").read_text() == before


def test_a_stack_file_without_a_release_block_is_an_error():
    with pytest.raises(release.ReleaseError, match="no 'braintrust:release:' block"):
        release.rewrite("config:\n  braintrust:cloud: aws\n", release.Pins("v2.12.0", AWS.date, None))
