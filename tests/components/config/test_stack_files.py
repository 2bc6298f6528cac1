"""The six committed stack files are valid, realistic and free of secrets."""

from __future__ import annotations

import pytest
import yaml

from components.config import SECRET_KEYS, Cloud, Size
from tests.support.stacks import STACKS_DIR, stack_config, stack_file, stack_names

EXPECTED = {f"{c}-{s}" for c in ("aws", "gcp", "azure") for s in ("staging", "production")}


def test_six_stacks_exist():
    assert set(stack_names()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stack_validates_and_matches_its_name(name: str):
    cfg = stack_config(name)
    cloud, size = name.split("-")
    assert cfg.cloud is Cloud(cloud)
    assert cfg.size is Size(size)
    assert cfg.protect is (cfg.size is Size.PRODUCTION)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stack_commits_no_secret_and_disables_default_providers(name: str):
    document = yaml.safe_load((STACKS_DIR / f"Pulumi.{name}.yaml").read_text())
    config = document["config"]
    for key in SECRET_KEYS:
        assert f"braintrust:{key}" not in config, "secrets are set with `pulumi config set --secret`"
    assert config["pulumi:disable-default-providers"] == ["*"]
    assert not stack_file(name).plaintext_secrets


def test_pulumi_yaml_points_at_stacks_dir():
    from tests.support.stacks import ROOT

    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["stackConfigDir"] == "stacks"
    assert project["runtime"]["name"] == "python"
    assert project["config"]["brainstore_license_key"]["secret"] is True
