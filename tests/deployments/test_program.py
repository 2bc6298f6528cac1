"""The Deployments program under mocks, from its committed stack file deployments/Pulumi.acme.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pulumi
import pulumi_pulumiservice as ps
import pytest
import yaml
from pydantic import ValidationError

from components.facts import pulumi as pulumi_facts
from deployments import esc
from deployments.config import ROOT, DeploymentsConfig, from_stack_file, stack_files
from deployments.program import POLICY_DIR, configure, policy_pack_name, policy_pack_version
from deployments.trust import trust_documents
from tests.support.harness import Harness, new_harness, run, unwrap

ACME = ROOT / "deployments" / "Pulumi.acme.yaml"
SETTINGS = "pulumiservice:index:DeploymentSettings"
DRIFT = "pulumiservice:index:DriftSchedule"
ENV = "pulumiservice:index:Environment"
WEBHOOK = "pulumiservice:index:Webhook"
LICENSE = "STANDIN-DEPLOYMENTS-LICENSE-7c1e"
HOOK = "https://hooks.slack.example/services/STANDIN"


def _raw(**changes: Any) -> dict[str, Any]:
    config = yaml.safe_load(ACME.read_text())["config"]
    raw = {k.split(":", 1)[1]: v for k, v in config.items()}
    raw.update(changes)
    return raw


def _build(cfg: DeploymentsConfig | None = None) -> Harness:
    cfg = cfg or from_stack_file(ACME)
    harness = new_harness(stack="acme")
    return run(harness, lambda: configure(cfg, "acme", pulumi.Output.secret(LICENSE), pulumi.Output.secret(HOOK)))


@pytest.fixture(scope="module")
def acme() -> Harness:
    return _build()


def _settings(h: Harness, stack: str) -> dict:
    return unwrap(dict(h.one(SETTINGS, f"{stack}-deployment-settings").inputs))


def _environment(h: Harness, name: str) -> tuple[dict, Any]:
    """(decoded definition, raw yaml input) of the environment resource named esc-<name>."""
    raw = h.one(ENV, f"esc-{name}").inputs["yaml"]
    asset = unwrap(raw)
    text = asset.text if isinstance(asset, pulumi.StringAsset) else asset["text"]
    return yaml.safe_load(text), raw


# ----- settings -----

def test_every_managed_stack_gets_settings_for_its_own_project_and_stack(acme):
    assert sorted(r.name for r in acme.of_type(SETTINGS)) == sorted(f"{s}-deployment-settings" for s in stack_files())
    for name in stack_files():
        inputs = _settings(acme, name)
        assert (inputs["organization"], inputs["project"], inputs["stack"]) == ("acme", "braintrust", name)
        assert inputs["sourceContext"] == {"git": {"branch": "refs/heads/main", "repoDir": ""}}
        assert "github" not in inputs  # deprecated block: `vcs` only
        assert inputs["vcs"]["provider"] == "github" and inputs["vcs"]["repository"] == "acme/braintrust-data-plane"
        assert "oidc" not in inputs["operationContext"]  # credentials come from ESC, imported by the stack file
    acme.assert_unique_urns()


def test_staging_deploys_on_push_production_only_previews_and_every_pr_is_previewed(acme):
    for name, stack in stack_files().items():
        vcs = _settings(acme, name)["vcs"]
        assert vcs["previewPullRequests"] is True
        assert vcs["deployCommits"] is (stack.size == "staging"), name


def test_trigger_paths_are_prefixed_with_repo_dir():
    source = {**_raw()["source"], "repo_dir": "/infra/", "paths": ["components/**", "!components/**/README.md"]}
    h = _build(DeploymentsConfig.model_validate(_raw(source=source)))
    inputs = _settings(h, "aws-staging")
    assert inputs["vcs"]["paths"] == ["infra/components/**", "!infra/components/**/README.md"]
    assert inputs["sourceContext"]["git"]["repoDir"] == "infra"
    # Pre-run commands move into the project folder wherever Deployments starts them.
    assert all(c.startswith("cd infra 2>/dev/null; ") for c in inputs["operationContext"]["preRunCommands"])


def test_default_trigger_paths_cover_program_stacks_and_policy(acme):
    paths = _settings(acme, "aws-production")["vcs"]["paths"]
    assert {"components/**", "stacks/**", "policy/**", "__main__.py", "requirements.txt"} <= set(paths)


def test_settings_wait_for_the_environments_their_stack_imports(acme):
    settings = acme.registration("aws-production-deployment-settings", SETTINGS)
    deps = set(settings.dependencies)
    assert acme.registration("esc-aws-production", ENV).urn in deps
    assert acme.registration("esc-aws-production-preview", ENV).urn in deps


# ----- ESC: secrets and credentials -----

@pytest.mark.parametrize("name", sorted(stack_files()))
def test_each_stack_file_imports_the_write_environment_the_program_creates(acme, name):
    imported = stack_files()[name].environments
    assert imported == (f"braintrust/{name}",)
    registration = acme.one(ENV, f"esc-{name}").inputs
    assert (registration["project"], registration["name"]) == ("braintrust", name)


def test_the_license_is_a_secret_config_value_in_one_environment_and_never_plaintext(acme):
    document, raw = _environment(acme, "license")
    assert pulumi.runtime.rpc.is_rpc_secret(raw)  # encrypted in the Deployments stack's state
    assert acme.plaintext_occurrences(LICENSE) == []
    assert document == {"values": {"pulumiConfig": {"braintrust:brainstore_license_key": {"fn::secret": LICENSE}}}}
    for resource in acme.of_type(ENV):
        if resource.name != "esc-license":
            definition = yaml.safe_load(unwrap(resource.inputs["yaml"]).text)
            assert definition["imports"] == ["braintrust/license"] and LICENSE not in str(definition)


def test_aws_environments_log_in_as_their_role_with_an_environment_scoped_subject(acme):
    write, _ = _environment(acme, "aws-production")
    read, _ = _environment(acme, "aws-production-preview")
    login = write["values"]["aws"]["login"]["fn::open::aws-login"]["oidc"]
    assert login["roleArn"].endswith(":role/pulumi-deploy-braintrust-production")
    assert login["subjectAttributes"] == ["currentEnvironment.name"]
    assert read["values"]["aws"]["login"]["fn::open::aws-login"]["oidc"]["roleArn"].endswith(
        ":role/pulumi-preview-braintrust-production")
    assert write["values"]["environmentVariables"] == {
        "AWS_ACCESS_KEY_ID": "${aws.login.accessKeyId}", "AWS_SECRET_ACCESS_KEY": "${aws.login.secretAccessKey}",
        "AWS_SESSION_TOKEN": "${aws.login.sessionToken}"}


def test_gcp_and_azure_environments_use_their_login_providers(acme):
    gcp, _ = _environment(acme, "gcp-staging")
    login = gcp["values"]["gcp"]["login"]["fn::open::gcp-login"]
    assert login["project"] == 123456789012  # the numeric project number
    assert login["oidc"]["serviceAccount"].startswith("pulumi-deploy@")
    assert login["oidc"]["subjectAttributes"] == ["currentEnvironment.name"]
    assert set(gcp["values"]["environmentVariables"]) == {"GOOGLE_OAUTH_ACCESS_TOKEN", "CLOUDSDK_AUTH_ACCESS_TOKEN"}
    azure, _ = _environment(acme, "azure-production")
    az = azure["values"]["azure"]["login"]["fn::open::azure-login"]
    # Subscription from the data plane's own stack file; nothing is repeated by hand.
    assert az["subscriptionId"] == stack_files()["azure-production"].azure_subscription_id
    assert az["oidc"] is True and az["tenantId"] == "0f1e2d3c-4b5a-4968-8776-655443322110"
    assert azure["values"]["environmentVariables"]["ARM_USE_OIDC"] == "true"
    assert azure["values"]["environmentVariables"]["ARM_OIDC_TOKEN"] == "${azure.login.oidc.token}"


def test_the_login_providers_use_only_documented_fields():
    cfg = from_stack_file(ACME)
    for name, settings in cfg.stacks.items():
        values = esc.login_values(settings.deploy, cfg.environment(name), stack_files()[name])
        cloud = settings.deploy.cloud
        spec = {"aws": pulumi_facts.AWS_LOGIN, "gcp": pulumi_facts.GCP_LOGIN, "azure": pulumi_facts.AZURE_LOGIN}[cloud]
        body = values[cloud]["login"][f"fn::open::{spec['provider']}"]
        oidc = body.get("oidc") if isinstance(body.get("oidc"), dict) else {}
        assert set(oidc) <= set(spec.get("oidc_fields", ())), name
        assert set(body) - {"oidc"} <= set(spec.get("fields", ())), name


# ----- trust generated from the same config -----

def test_each_identity_trusts_exactly_the_environment_that_logs_in_as_it(acme):
    trust = acme.outputs["trust"]
    policies = trust["aws"]["trust_policies"]
    production = policies["arn:aws:iam::444455556666:role/pulumi-deploy-braintrust-production"]
    condition = production["Statement"][0]["Condition"]["StringEquals"]
    assert condition == {"api.pulumi.com/oidc:aud": "aws:acme", "api.pulumi.com/oidc:sub":
                         "pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:"
                         "braintrust/aws-production"}
    assert production["Statement"][0]["Principal"]["Federated"] == (
        "arn:aws:iam::444455556666:oidc-provider/api.pulumi.com/oidc")
    review = policies["arn:aws:iam::777788889999:role/pulumi-review-braintrust"]
    assert review["Statement"][0]["Condition"]["StringEquals"]["api.pulumi.com/oidc:sub"] == esc.subject(
        "acme", "braintrust/review")


def test_gcp_trust_is_a_provider_condition_and_service_account_principals(acme):
    gcp = acme.outputs["trust"]["gcp"]
    provider = gcp["providers"]["projects/210987654321/locations/global/workloadIdentityPools/pulumi-esc/"
                                "providers/pulumi-esc"]
    assert provider["allowed_audiences"] == ["gcp:acme"]
    assert provider["attribute_mapping"] == {"google.subject": "assertion.sub"}
    assert provider["attribute_condition"] == (
        f"assertion.sub in ['{esc.subject('acme', 'braintrust/gcp-production')}', "
        f"'{esc.subject('acme', 'braintrust/gcp-production-preview')}']")
    binding = gcp["service_account_bindings"]["pulumi-deploy@acme-braintrust-prod.iam.gserviceaccount.com"]
    assert binding == {"role": "roles/iam.workloadIdentityUser", "members": [
        "principal://iam.googleapis.com/projects/210987654321/locations/global/workloadIdentityPools/pulumi-esc/"
        f"subject/{esc.subject('acme', 'braintrust/gcp-production')}"]}


def test_azure_trust_is_one_federated_credential_per_environment(acme):
    credentials = acme.outputs["trust"]["azure"]["federated_credentials"]
    write = credentials["6c2a3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e"]
    assert write == [{"name": "pulumi-esc-braintrust-azure-production", "issuer": "https://api.pulumi.com/oidc",
                      "subject": esc.subject("acme", "braintrust/azure-production"), "audiences": ["azure:acme"]}]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{3,120}", c["name"]) for cs in credentials.values() for c in cs)


def test_a_subject_gcp_cannot_map_is_refused_before_anything_is_created():
    cfg = from_stack_file(ACME)
    with pytest.raises(ValueError, match="127"):
        trust_documents(cfg, "an-organization-whose-name-is-long-enough-to-push-the-subject-over-the-limit")


def test_the_trust_cli_prints_the_same_documents(capsys):
    from deployments.trust import main

    assert main([str(ACME), "--org", "acme"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == trust_documents(from_stack_file(ACME), "acme")


# ----- policy -----

def test_the_policy_pack_is_published_and_enforced_on_every_managed_stack(acme):
    group = acme.one("pulumiservice:index:PolicyGroup").inputs
    assert group["mode"] == "preventative" and group["entityType"] == "stacks"
    assert sorted(s["name"] for s in group["stacks"]) == sorted(stack_files())
    assert {s["routingProject"] for s in group["stacks"]} == {"braintrust"}
    assert group["policyPacks"] == [{"name": policy_pack_name(), "versionTag": policy_pack_version()}]
    pack = acme.one("pulumiservice:index:PolicyPack").inputs
    assert Path(pack["sourcePath"]) == POLICY_DIR and (POLICY_DIR / "PulumiPolicy.yaml").exists()
    assert pack["versionTag"] == policy_pack_version()
    registration = acme.registration("policy-group", "pulumiservice:index:PolicyGroup")
    assert acme.registration("policy-pack", "pulumiservice:index:PolicyPack").urn in registration.dependencies


# ----- schedules and notifications -----

def test_drift_schedule_on_production_only_after_its_settings_and_never_auto_remediates(acme):
    drift = {r.inputs["stack"]: r for r in acme.of_type(DRIFT)}
    production = {name for name, s in stack_files().items() if s.size == "production"}
    assert set(drift) == production and production
    for name, resource in drift.items():
        assert resource.inputs["autoRemediate"] is False
        assert resource.inputs["scheduleCron"] == "0 */4 * * *"
        settings = acme.registration(f"{name}-deployment-settings", SETTINGS)
        assert settings.urn in acme.registration(f"{name}-drift", DRIFT).dependencies


def test_a_webhook_per_stack_reports_drift_and_failed_deployments(acme):
    hooks = {r.inputs["stackName"]: r.inputs for r in acme.of_type(WEBHOOK)}
    assert set(hooks) == set(stack_files())
    for hook in hooks.values():
        assert {"drift_detected", "deployment_failed"} <= set(hook["filters"])
        assert hook["format"] == "slack" and hook["active"] is True and hook["projectName"] == "braintrust"
    assert acme.plaintext_occurrences(HOOK) == []  # the webhook URL is a credential


def test_webhook_filters_are_members_of_the_pinned_enum():
    assert set(pulumi_facts.WEBHOOK_FILTERS) <= {f.value for f in ps.WebhookFilters}
    assert set(pulumi_facts.POLICY_GROUP_MODES) == {"audit", "preventative"}


# ----- review stacks -----

def test_exactly_one_review_template_a_staging_stack(acme):
    templates = [r.inputs["stack"] for r in acme.of_type(SETTINGS) if unwrap(r.inputs)["vcs"]["pullRequestTemplate"]]
    assert templates == ["aws-staging"]
    review, _ = _environment(acme, "review")
    assert review["values"]["aws"]["login"]["fn::open::aws-login"]["oidc"]["roleArn"] == (
        "arn:aws:iam::777788889999:role/pulumi-review-braintrust")
    assert acme.outputs["review_stacks"] == {"template": "aws-staging", "environment": "braintrust/review",
                                             "ttl_days": 7}


def test_review_stacks_can_be_turned_off():
    h = _build(DeploymentsConfig.model_validate(_raw(review_stacks={"enabled": False})))
    assert not any(unwrap(r.inputs)["vcs"]["pullRequestTemplate"] for r in h.of_type(SETTINGS))
    assert [r for r in h.of_type(ENV) if r.name == "esc-review"] == []


def test_an_operator_deploying_one_cloud_lists_only_its_stacks():
    stacks = {k: v for k, v in _raw()["stacks"].items() if k.startswith("aws-")}
    h = _build(DeploymentsConfig.model_validate(_raw(stacks=stacks)))
    assert sorted(r.inputs["stack"] for r in h.of_type(SETTINGS)) == ["aws-production", "aws-staging"]
    assert sorted(s["name"] for s in h.one("pulumiservice:index:PolicyGroup").inputs["stacks"]) == [
        "aws-production", "aws-staging"]


# ----- configuration errors -----

def _stacks(**changes: Any) -> dict[str, Any]:
    stacks = _raw()["stacks"]
    stacks.update(changes)
    return stacks


_AWS_STAGING = _raw()["stacks"]["aws-staging"]
_PROD_WRITE = _raw()["stacks"]["aws-production"]["deploy"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"stacks": {}}, "stacks"),
    ({"review_stacks": {"template_stack": "aws-production",
                        "identity": _raw()["review_stacks"]["identity"]}}, "is not a managed staging stack"),
    ({"review_stacks": {"template_stack": "aws-staging"}}, "review_stacks.identity: is required"),
    ({"review_stacks": {"identity": _PROD_WRITE}}, "is the production write identity of aws-production"),
    ({"stacks": _stacks(**{"aws-staging": {**_AWS_STAGING, "preview": _AWS_STAGING["deploy"]}})},
     "stacks.aws-staging.preview: must be a read-only identity"),
    ({"stacks": _stacks(**{"gcp-staging": _AWS_STAGING})},
     "stacks.gcp-staging.deploy: is for aws but the stack deploys to gcp"),
    ({"stacks": _stacks(**{"aws-qa": _AWS_STAGING})}, "no stack file stacks/Pulumi.aws-qa.yaml"),
    ({"stacks": _stacks(**{"aws-staging": {**_AWS_STAGING, "deploy": {
        "aws": _AWS_STAGING["deploy"]["aws"], "gcp": _raw()["stacks"]["gcp-staging"]["deploy"]["gcp"]}}})},
     "exactly one of aws, gcp, azure"),
    ({"esc_project": "default"}, "legacy `default` ESC project"),
    ({"drift_schedule": "hourly"}, "drift_schedule"),
    ({"source": {"repository": "not a repo"}}, "repository"),
    ({"source": {"repository": "acme/x", "repo_dir": "../elsewhere"}}, "folder inside the repository"),
    ({"notifications": {"format": "email"}}, "format"),
    ({"unknown_key": 1}, "unknown_key"),
])
def test_invalid_config_is_rejected(changes, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        DeploymentsConfig.model_validate(_raw(**changes))


def test_a_managed_stack_file_that_does_not_import_its_environment_is_rejected():
    with pytest.raises(ValidationError, match=re.escape(
            "stacks.aws-staging: stacks/Pulumi.aws-staging.yaml must import the ESC environment acme-esc/aws-staging")):
        DeploymentsConfig.model_validate(_raw(esc_project="acme-esc"))


def test_the_project_file_uses_the_shared_virtualenv():
    project = yaml.safe_load((ROOT / "deployments" / "Pulumi.yaml").read_text())
    assert project["name"] == "braintrust-deployments"
    assert (ROOT / "deployments" / project["runtime"]["options"]["virtualenv"]).resolve() == (ROOT / "venv").resolve()
    assert (ROOT / "deployments" / "__main__.py").exists()
