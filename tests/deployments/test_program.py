"""The Deployments program under mocks, from its committed stack file deployments/Pulumi.acme.yaml."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime import rpc
from pydantic import ValidationError

from deployments.config import ROOT, DeploymentsConfig, from_stack_file, stack_files
from deployments.program import configure, review_deployment_name, review_pre_run_commands
from tests.support.harness import Harness, new_harness, run

ACME = ROOT / "deployments" / "Pulumi.acme.yaml"
SETTINGS = "pulumiservice:index:DeploymentSettings"
DRIFT = "pulumiservice:index:DriftSchedule"


def _build(cfg: DeploymentsConfig | None = None, license_key: str | None = None) -> Harness:
    cfg = cfg or from_stack_file(ACME)
    harness = new_harness(stack="acme")
    secret = pulumi.Output.secret(license_key) if license_key else None
    return run(harness, lambda: {"stacks": configure(cfg, "acme", secret)})


def _settings(h: Harness, stack: str) -> dict:
    """Inputs with secret wrappers removed (a secret env var makes the whole operationContext secret)."""
    inputs = dict(h.one(SETTINGS, f"{stack}-deployment-settings").inputs)
    return {key: value["value"] if rpc.is_rpc_secret(value) else value for key, value in inputs.items()}


def _raw(**changes) -> dict:
    import yaml

    config = yaml.safe_load(ACME.read_text())["config"]
    raw = {k.split(":", 1)[1]: v for k, v in config.items()}
    raw.update(changes)
    return raw


def test_every_data_plane_stack_gets_settings_for_its_own_project_and_stack():
    h = _build()
    assert sorted(r.name for r in h.of_type(SETTINGS)) == sorted(f"{s}-deployment-settings" for s in stack_files())
    for name in stack_files():
        inputs = _settings(h, name)
        assert (inputs["organization"], inputs["project"], inputs["stack"]) == ("acme", "braintrust", name)
        git = inputs["sourceContext"]["git"]
        assert git == {"repoUrl": "https://github.com/acme/braintrust-data-plane.git", "branch": "refs/heads/main",
                       "repoDir": ""}
    h.assert_unique_urns()


def test_oidc_matches_each_stacks_cloud():
    h = _build()
    files = stack_files()
    for name, stack in files.items():
        oidc = _settings(h, name)["operationContext"]["oidc"]
        assert list(oidc) == [{"aws": "aws", "gcp": "gcp", "azure": "azure"}[stack.cloud]], name
    aws = _settings(h, "aws-production")["operationContext"]["oidc"]["aws"]
    assert aws["roleARN"].endswith(":role/pulumi-deploy-braintrust-production")
    assert aws["sessionName"] == "pulumi-aws-production"
    gcp = _settings(h, "gcp-staging")["operationContext"]["oidc"]["gcp"]
    assert gcp["serviceAccount"].startswith("pulumi-deploy@") and gcp["projectId"] == "123456789012"
    azure = _settings(h, "azure-production")["operationContext"]["oidc"]["azure"]
    # Subscription comes from the data plane's own stack file; nothing is repeated by hand.
    assert azure["subscriptionId"] == files["azure-production"].azure_subscription_id


def test_staging_deploys_on_push_production_only_previews():
    h = _build()
    for name, stack in stack_files().items():
        github = _settings(h, name)["github"]
        assert github["previewPullRequests"] is True
        assert github["deployCommits"] is (stack.size == "staging"), name
        assert github["repository"] == "acme/braintrust-data-plane"
        assert "components/**" in github["paths"]


def test_drift_schedule_on_production_only_and_never_auto_remediates():
    h = _build()
    drift = {r.inputs["stack"]: r.inputs for r in h.of_type(DRIFT)}
    production = {name for name, s in stack_files().items() if s.size == "production"}
    assert set(drift) == production and production
    for inputs in drift.values():
        assert inputs["autoRemediate"] is False
        assert inputs["scheduleCron"] == "0 */4 * * *"


def test_exactly_one_review_template_a_staging_stack_with_renaming_pre_run():
    h = _build()
    templates = [r.inputs["stack"] for r in h.of_type(SETTINGS) if r.inputs["github"]["pullRequestTemplate"]]
    assert templates == ["aws-staging"]
    commands = _settings(h, "aws-staging")["operationContext"]["preRunCommands"]
    assert commands == review_pre_run_commands("aws-staging", with_license=False)
    assert all(c.startswith('[ "$PULUMI_CI_STACK" = "aws-staging" ] ||') for c in commands)
    assert "preRunCommands" not in _settings(h, "gcp-staging")["operationContext"]


def test_review_license_reaches_review_stacks_only_as_a_secret():
    h = _build(license_key="STANDIN-REVIEW-LICENSE")
    raw = h.one(SETTINGS, "aws-staging-deployment-settings").inputs["operationContext"]
    assert rpc.is_rpc_secret(raw)
    assert h.plaintext_occurrences("STANDIN-REVIEW-LICENSE") == []
    env = _settings(h, "aws-staging")["operationContext"]["environmentVariables"]
    assert env == {"BRAINSTORE_LICENSE_KEY": "STANDIN-REVIEW-LICENSE"}
    assert "environmentVariables" not in _settings(h, "gcp-staging")["operationContext"]
    assert any("brainstore_license_key" in c for c in _settings(h, "aws-staging")["operationContext"]["preRunCommands"])


def test_review_deployment_name_is_short_unique_and_matches_the_shell_derivation():
    names = {review_deployment_name(f"pr-acme-braintrust-{n}") for n in range(200)}
    assert len(names) == 200
    stack = "pr-acme-braintrust-42"
    # The pre-run command computes the same: "rv" + first 8 hex of sha256(stack).
    assert review_deployment_name(stack) == "rv" + hashlib.sha256(stack.encode()).hexdigest()[:8]
    assert all(len(n) == 10 and n.isalnum() for n in names)


def test_review_stacks_can_be_turned_off():
    cfg = DeploymentsConfig.model_validate(_raw(review_stacks={"enabled": False}))
    h = _build(cfg)
    assert not any(r.inputs["github"]["pullRequestTemplate"] for r in h.of_type(SETTINGS))


@pytest.mark.parametrize(("changes", "message"), [
    ({"stacks": {}}, "stacks.aws-staging: missing"),
    ({"review_stacks": {"template_stack": "aws-production"}}, "is not a staging stack"),
    ({"drift_schedule": "hourly"}, "drift_schedule"),
    ({"source": {"repository": "not a repo"}}, "repository"),
    ({"unknown_key": 1}, "unknown_key"),
])
def test_invalid_config_is_rejected(changes, message):
    with pytest.raises(ValidationError, match=message):
        DeploymentsConfig.model_validate(_raw(**changes))


def test_oidc_for_the_wrong_cloud_is_rejected():
    stacks = _raw()["stacks"]
    stacks["gcp-staging"] = stacks["aws-staging"]
    with pytest.raises(ValidationError, match=re.escape("gcp-staging.oidc: is for aws but the stack deploys to gcp")):
        DeploymentsConfig.model_validate(_raw(stacks=stacks))


def test_a_stack_without_a_stack_file_is_rejected():
    stacks = {**_raw()["stacks"], "aws-qa": _raw()["stacks"]["aws-staging"]}
    with pytest.raises(ValidationError, match=re.escape("no stack file stacks/Pulumi.aws-qa.yaml")):
        DeploymentsConfig.model_validate(_raw(stacks=stacks))


def test_two_clouds_in_one_oidc_block_are_rejected():
    stacks = _raw()["stacks"]
    stacks["aws-staging"] = {"oidc": {**stacks["aws-staging"]["oidc"], **stacks["gcp-staging"]["oidc"]}}
    with pytest.raises(ValidationError, match="exactly one of aws, gcp, azure"):
        DeploymentsConfig.model_validate(_raw(stacks=stacks))


def test_the_project_file_uses_the_shared_virtualenv():
    import yaml

    project = yaml.safe_load((ROOT / "deployments" / "Pulumi.yaml").read_text())
    assert project["name"] == "braintrust-deployments"
    assert (ROOT / "deployments" / project["runtime"]["options"]["virtualenv"]).resolve() == (ROOT / "venv").resolve()
    assert Path(ROOT / "deployments" / "__main__.py").exists()
