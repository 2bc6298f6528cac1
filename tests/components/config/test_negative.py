"""Every validator rejects bad input with one ConfigError naming the key path (no traceback)."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError
from tests.support.stacks import FIXED_TODAY, Mutation, set_path, stack_config

_set = set_path


def _drop(key: str) -> Mutation:
    return lambda values: values.pop(key)


def _both(*mutations: Mutation) -> Mutation:
    def mutate(values: dict[str, Any]) -> None:
        for m in mutations:
            m(values)

    return mutate


UUID = "5b0f6a8e-3c1d-4d8e-9a2b-7c4e1f0a9d31"

# (stack, mutation, expected problem path, fragment of the message)
CASES: list[tuple[str, Mutation, str, str]] = [
    # wrong types
    ("aws-staging", _set("size", "huge"), "size", "'staging' or 'production'"),
    ("aws-staging", _set("cloud", "oracle"), "cloud", "'aws', 'gcp' or 'azure'"),
    ("aws-staging", _set("org", "acme"), "org", "valid dictionary"),
    ("aws-staging", _set("tags", ["a"]), "tags", "valid dictionary"),
    ("aws-staging", _set("tags.team", 5), "tags.team", "valid string"),
    ("aws-staging", _set("telemetry.enabled", "maybe"), "telemetry.enabled", "valid boolean"),
    ("aws-staging", _set("postgres.storage_gb", "lots"), "postgres.storage_gb", "valid integer"),
    ("aws-staging", _set("brainstore.reader.count", -1), "brainstore.reader.count", "greater than or equal to 0"),
    ("aws-staging", _set("aws.lambda.api_handler_memory_mb", 20000), "aws.lambda.api_handler_memory_mb",
     "less than or equal to 10240"),
    ("aws-staging", _set("release.release_date", "yesterday"), "release.release_date", "valid date"),
    # unknown keys, at every level
    ("aws-staging", _set("colud", "aws"), "colud", "unknown key"),
    ("aws-staging", _set("org.nmae", "x"), "org.nmae", "unknown key"),
    ("aws-staging", _set("aws.network.vpc_cdir", "10.0.0.0/16"), "aws.network.vpc_cdir", "unknown key"),
    ("gcp-staging", _set("gcp.cluster.autopilot", True), "gcp.cluster.autopilot", "unknown key"),
    ("azure-staging", _set("azure.keyvault", {}), "azure.keyvault", "unknown key"),
    ("aws-staging", _set("brainstore.readers", {"count": 2}), "brainstore.readers", "unknown key"),
    # missing required keys
    ("aws-staging", _drop("region"), "region", "is required"),
    ("aws-staging", _drop("org"), "org", "is required"),
    ("aws-staging", _drop("release"), "release", "is required"),
    ("gcp-staging", _drop("gcp"), "gcp", "section is required"),
    ("azure-staging", _drop("azure"), "azure", "section is required"),
    # bad names
    ("aws-staging", _set("deployment_name", "Acme"), "deployment_name", "lowercase"),
    ("aws-staging", _set("deployment_name", "acme-"), "deployment_name", "not end with a hyphen"),
    ("aws-staging", _set("deployment_name", "ac--me"), "deployment_name", "two hyphens"),
    ("aws-staging", _set("deployment_name", "9acme"), "deployment_name", "start with a lowercase letter"),
    ("aws-staging", _set("deployment_name", "ab"), "deployment_name", "at least 3"),
    ("aws-staging", _set("deployment_name", "a" * 19), "deployment_name", "at most 18 on aws"),
    ("gcp-staging", _set("deployment_name", "a" * 20), "deployment_name", "at most 19 on gcp"),
    ("azure-staging", _set("deployment_name", "a" * 15), "deployment_name", "at most 14 on azure"),
    ("azure-staging", _set("unique_suffix", "AB12"), "unique_suffix", "lowercase letters or digits"),
    ("aws-staging", _set("region", "mars-1"), "region", "not a aws region"),
    ("aws-staging", _set("region", "af-south-1"), "region", "no Braintrust Lambda bundles"),
    ("gcp-staging", _set("gcp.project_id", "X"), "gcp.project_id", "should match pattern"),
    ("aws-staging", _set("zones", ["us-east-1a", "us-east-1a"]), "zones", "duplicates"),
    ("aws-production", _set("zones", ["us-east-1a", "us-east-1b"]), "zones", "at least 3"),
    ("aws-staging", _set("zones", ["us-east-1a"]), "zones", "at least 2"),
    ("aws-staging", _set("ingress.private_only", True), "ingress.private_only", "not available on AWS"),
    ("gcp-staging", _set("zones", ["europe-west1-b"]), "zones[0]", "not a zone of us-central1"),
    ("azure-staging", _set("zones", ["4"]), "zones[0]", "not a zone"),
    # incomplete BYO sets and create/existing conflicts
    ("aws-staging", _set("aws.network.create_vpc", False), "aws.network", "existing_vpc_id"),
    ("aws-staging", _set("aws.network.existing_vpc_id", "vpc-0123456789abcdef0"), "aws.network",
     "set create_vpc: false"),
    ("aws-staging", _both(_set("aws.network.create_vpc", False),
                          _set("aws.network.existing_vpc_id", "vpc-0123456789abcdef0"),
                          _set("aws.network.existing_private_subnet_ids", ["subnet-0123456789abcdef0"])),
     "aws.network", "at least 2"),
    ("aws-staging", _set("aws.quarantine.create_vpc", False), "aws.quarantine", "existing_vpc_id"),
    ("aws-staging", _set("aws.kms.create_key", False), "aws.kms", "requires existing_key_arn"),
    ("aws-staging", _set("aws.kms.existing_key_arn", "arn:aws:kms:us-east-1:111122223333:key/"
                     "11111111-2222-4333-8444-555555555555"), "aws.kms", "set create_key: false"),
    ("gcp-staging", _set("gcp.network.create_network", False), "gcp.network", "existing_network"),
    ("gcp-staging", _set("gcp.kms.create_key", False), "gcp.kms", "requires existing_key_id"),
    ("azure-staging", _set("azure.network.create_vnet", False), "azure.network", "existing_vnet_id"),
    ("azure-staging", _set("azure.resource_group.create", False), "azure.resource_group", "existing_name"),
    ("aws-staging", _set("aws.network.vpc_cidr", "10.0.0.0/24"), "aws.network", "/20 or larger"),
    # staging-only SKUs and undersized values in production
    ("aws-production", _set("redis.sku", "cache.t4g.medium"), "redis.sku", "not burstable must be non-burstable"),
    ("aws-production", _set("postgres.sku", "db.m7g.large"), "postgres.sku", "vCPU must be >= 8 in production"),
    ("aws-production", _set("brainstore.reader.sku", "c8gd.4xlarge"), "brainstore.reader.sku", "local NVMe"),
    ("aws-production", _set("brainstore.reader.count", 1), "brainstore.reader.count", "must be >= 2 in production"),
    ("aws-production", _set("brainstore.writer.count", 0), "brainstore.writer.count", ">= 1 in production"),
    ("aws-staging", _set("brainstore.writer.count", 2), "brainstore.writer.count", "<= 1"),
    ("aws-production", _set("postgres.iops", 3000), "postgres.iops", ">= 15000"),
    ("aws-production", _set("postgres.storage_gb", 100), "postgres.storage_gb", ">= 1000"),
    ("aws-production", _set("postgres.max_storage_gb", 500), "postgres.max_storage_gb", ">= storage_gb"),
    ("aws-staging", _set("postgres.version", 14), "postgres.version", "greater than or equal to 15"),
    ("aws-production", _set("postgres.version", 16), "postgres.version", ">= 17"),
    ("aws-staging", _set("redis.version", "6.2"), "redis.version", ">= 7"),
    ("gcp-production", _set("api.replicas", 2), "api.replicas", ">= 4"),
    ("gcp-production", _set("api.node_memory_percent", 60), "api.node_memory_percent", "80-90"),
    ("azure-production", _set("postgres.sku", "Standard_E8ds_v5"), "postgres.iops", ">= 15000"),
    ("aws-production", _set("postgres.sku", "db.x2g.huge"), "postgres.sku", "one of:"),
    ("azure-production", _set("brainstore.reader.sku", "Standard_D16pds_v6"), "brainstore.reader.sku", "NVMe"),
    # conflicting flags and cross-section rules
    ("aws-staging", _set("gcp", {"project_id": "acme-braintrust-x"}), "gcp", "cloud is aws"),
    ("aws-staging", _set("api", {"replicas": 2}), "api", "no effect on AWS"),
    # remote support exists on every cloud, each with its own principals (issue 13)
    ("gcp-staging", _set("remote_support", {"enabled": True, "braintrust_account_ids": ["123456789012"],
                                            "external_id": "abcdefgh"}),
     "remote_support.braintrust_account_ids", "only applies on AWS"),
    ("gcp-staging", _set("remote_support", {"enabled": True, "gcp_members": ["group:support@example.com"]}),
     "remote_support.expires_on", "is required on GCP"),
    ("azure-staging", _set("remote_support", {"enabled": True, "expires_on": "2026-09-01"}),
     "remote_support.azure_principal_ids", "at least one principal"),
    ("gcp-staging", _set("remote_support", {"enabled": True, "gcp_members": ["support@example.com"],
                                            "expires_on": "2026-09-01"}),
     "remote_support.gcp_members[0]", "IAM principal"),
    ("azure-staging", _set("remote_support.expires_on", "2026-09-01"), "remote_support.expires_on",
     "enabled: false"),
    # alerts: a target per size, the pager webhook encrypted and production-only
    ("aws-production", _set("alerts", {}), "alerts", "needs a notification target"),
    ("gcp-production", _set("alerts", {"enabled": False}), "alerts.enabled", "must alert someone"),
    ("azure-staging", _set("alerts", {}), "alerts.emails", "alerts.enabled: false"),
    ("aws-staging", _set("alerts.emails", ["not-an-address"]), "alerts.emails[0]", "one email address"),
    ("aws-staging", _set("alerts.webhook_url", "https://events.example.com/x"), "alerts.webhook_url",
     "never page"),
    ("gcp-production", _set("alerts.webhook_url", "https://events.example.com/x"), "alerts.webhook_url",
     "stored encrypted"),
    ("azure-production", _set("alerts.webhook_url", "http://events.example.com/x"), "alerts.webhook_url",
     "https:// URL"),
    ("aws-staging", _both(_set("alerts.enabled", False), _set("alerts.emails", ["a@example.com"])),
     "alerts.emails", "no effect"),
    ("aws-staging", _set("remote_support.enabled", True), "remote_support", "braintrust_account_ids"),
    ("aws-staging", _set("ingress.certificate", "arn:aws:acm:us-east-1:1:certificate/x"), "ingress",
     "custom_domain is not"),
    ("aws-staging", _set("ingress.custom_domain", "bt.example.com"), "ingress.certificate", "required"),
    ("aws-staging", _both(_set("ingress.custom_domain", "bt.example.com"),
                          _set("ingress.certificate", "arn:aws:acm:eu-west-1:111122223333:certificate/"
                               "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b")), "ingress.certificate", "us-east-1"),
    ("aws-staging", _set("ingress.waf_acl", "my-acl"), "ingress.waf_acl", "CLOUDFRONT-scope"),
    ("aws-staging", _set("control_plane.extra_cors_origins", ["http://insecure.example.com"]),
     "control_plane.extra_cors_origins[0]", "https origin"),
    ("aws-staging", _set("org.name", "*"), "org", "primary_org_name is required"),
    ("aws-staging", _set("org.allowed_org_ids", ["not-a-uuid"]), "org.allowed_org_ids[0]", "UUID"),
    ("aws-staging", _set("org.allowed_org_ids", [UUID, UUID]), "org", "duplicates"),
    ("aws-staging", _set("tags.braintrust-deployment", "x"), "tags.braintrust-deployment", "reserved"),
    ("gcp-staging", _set("tags.Team", "ML"), "tags", "not a valid GCP label key"),
    ("gcp-staging", _set("release.helm_chart_version", None), "release.helm_chart_version", "required on gcp"),
    ("aws-staging", _set("release.version", "latest"), "release.version", "pinned release"),
    ("aws-staging", _set("release.brainstore_image_tag", "latest"), "release.brainstore_image_tag", "pinned"),
    ("aws-staging", _set("release.release_date", "2026-01-01"), "release.release_date", "at least once per quarter"),
    ("aws-staging", _set("release.release_date", "2027-01-01"), "release.release_date", "in the future"),
    ("gcp-production", _set("redis.memory_gib", 2), "redis.memory_gib", "memory must be >= 4 GB"),
    ("azure-staging", _set("redis.memory_gib", 4), "redis.memory_gib", "only applies to GCP"),
]


def _problems(stack: str, mutation: Mutation) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        stack_config(stack, mutate=mutation)
    return caught.value


def test_there_are_at_least_forty_negative_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize(("stack", "mutation", "path", "fragment"), CASES,
                         ids=[f"{c[0]}:{c[2]}:{i}" for i, c in enumerate(CASES)])
def test_rejected_with_key_path(stack: str, mutation: Mutation, path: str, fragment: str):
    error = _problems(stack, mutation)
    matching = [p for p in error.problems if p.path == path]
    assert matching, f"no problem at {path}; got:\n{error}"
    assert any(fragment in p.message for p in matching), f"{fragment!r} not in:\n{error}"
    # The rendered message names the key with its namespace, once per problem.
    assert f"braintrust:{path}:" in str(error)


def test_every_problem_is_reported_at_once():
    error = _problems("aws-production", _both(
        _set("colud", "aws"),
        _set("brainstore.reader.count", 1),
        _set("redis.sku", "cache.t4g.small"),
        _set("deployment_name", "a" * 30),
        _set("org.nmae", "x"),
    ))
    assert {"colud", "org.nmae", "brainstore.reader.count", "redis.sku", "deployment_name"} <= set(error.paths)


def test_missing_license_key_is_named_with_the_command_to_fix_it():
    from components.config import parse_config
    from tests.support.stacks import stack_file

    sf = stack_file("aws-staging")
    with pytest.raises(ConfigError) as caught:
        parse_config(sf.values, today=FIXED_TODAY, secrets_set=[])
    assert "pulumi config set --secret brainstore_license_key" in str(caught.value)


def test_plaintext_license_key_is_rejected(tmp_path):

    from components.config import StackFile
    from tests.support.stacks import STACKS_DIR

    text = (STACKS_DIR / "Pulumi.aws-staging.yaml").read_text()
    path = tmp_path / "Pulumi.leaky.yaml"
    path.write_text(text + "  braintrust:brainstore_license_key: plain-text-key\n")
    with pytest.raises(ConfigError) as caught:
        StackFile(path).parse(FIXED_TODAY)
    assert caught.value.paths == ["brainstore_license_key"]
    assert "plain-text-key" not in str(caught.value)
