"""Issue 12: input a cloud, the seed or our policy pack would refuse is refused at config time, each
problem with its key path and a message that says how to fix it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from components.config import ConfigError, parse_config, warnings
from tests.support.stacks import FIXED_TODAY, stack_config, stack_file

from .test_negative import Mutation, _both, _drop, _set

ACCOUNT = "444455556666"  # aws-production's account_id
CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
KMS = "arn:aws:kms:{region}:{account}:key/11111111-2222-4333-8444-555555555555"

# (stack, mutation, expected key path, fragment of the message: what is wrong or how to fix it)
CASES: list[tuple[str, Mutation, str, str]] = [
    # --- class 2: production is not silently downgraded ---
    ("aws-production", _set("postgres.high_availability", False), "postgres.high_availability",
     "danger_allow_production_downgrade"),
    ("gcp-production", _set("redis.high_availability", False), "redis.high_availability", "without a replica"),
    ("azure-production", _set("postgres.backup_retention_days", 3), "postgres.backup_retention_days",
     "at least 7 days"),
    ("aws-production", _set("postgres.backup_retention_days", 1), "postgres.backup_retention_days", "at least 7"),
    ("aws-production", _set("aws.network.nat_gateways", "single"), "aws.network.nat_gateways", "per_az"),
    ("aws-production", _set("aws.cache.snapshot_retention_days", 0), "aws.cache.snapshot_retention_days",
     "no snapshots"),
    ("gcp-production", _set("gcp.danger_disable_redis_tls", True), "gcp.danger_disable_redis_tls",
     "danger_allow_production_downgrade"),
    # what the policy pack refuses by default (aws-log-groups-retained-and-encrypted: 30 days)
    ("aws-staging", _set("aws.log_retention_days", 14), "aws.log_retention_days", "at least 30 days"),
    ("aws-staging", _set("aws.network.flow_logs_retention_days", 7), "aws.network.flow_logs_retention_days",
     "policy pack"),
    # --- class 3: networks ---
    ("aws-staging", _set("aws.network.vpc_cidr", "10.0.0.0/8"), "aws.network.vpc_cidr", "between /16 and /20"),
    ("aws-staging", _set("aws.network.vpc_cidr", "8.8.0.0/16"), "aws.network.vpc_cidr", "not private"),
    ("aws-staging", _set("aws.network.vpc_cidr", "127.0.0.0/16"), "aws.network.vpc_cidr", "not private"),
    ("aws-staging", _set("aws.quarantine.vpc_cidr", "10.175.0.0/16"), "aws.quarantine.vpc_cidr", "overlaps"),
    ("aws-staging", _both(_set("aws.network.create_vpc", False),
                          _set("aws.network.existing_vpc_id", "vpc-0123456789abcdef0"),
                          _set("aws.network.existing_private_subnet_ids",
                               ["subnet-0123456789abcdef0", "subnet-0123456789abcdef0"])),
     "aws.network.existing_private_subnet_ids[1]", "listed twice"),
    ("gcp-staging", _set("gcp.network.pods_cidr", "169.254.0.0/16"), "gcp.network", "pods_cidr 169.254.0.0/16 is not"),
    ("azure-staging", _set("azure.network.vnet_cidr", "192.168.0.0/16"), "azure.network.vnet_cidr",
     "AKS pod range"),
    ("azure-staging", _set("azure.network.vnet_cidr", "172.16.0.0/16"), "azure.network.vnet_cidr",
     "AKS service range"),
    ("gcp-production", _set("gcp.cluster.authorized_networks", ["0.0.0.0/1", "128.0.0.0/1"]),
     "gcp.cluster.authorized_networks[0]", "/16 or narrower"),
    ("gcp-production", _set("gcp.cluster.authorized_networks", [f"{i}.0.0.0/16" for i in range(20, 37)]),
     "gcp.cluster.authorized_networks", "public addresses in all"),
    ("azure-staging", _set("azure.deployer_ip_ranges", ["0.0.0.0/1", "128.0.0.0/1"]),
     "azure.deployer_ip_ranges[1]", "danger_allow_wide_allowlists"),
    ("azure-staging", _set("azure.cluster.authorized_ip_ranges", ["64.0.0.0/2"]),
     "azure.cluster.authorized_ip_ranges[0]", "/16 or narrower"),
    ("gcp-staging", _set("ingress.allowed_cidrs", ["0.0.0.0/1"]), "ingress.allowed_cidrs[0]", "/16 or narrower"),
    ("azure-staging", _set("ingress.allowed_cidrs", ["10.0.0.1/8"]), "ingress.allowed_cidrs[0]", "IPv4 CIDR"),
    ("aws-staging", _set("control_plane.extra_cors_origins", ["https://*.example.com"]),
     "control_plane.extra_cors_origins[0]", "wildcards are not allowed"),
    # --- class 4: names, regions, zones, tags ---
    ("gcp-staging", _set("region", "us-centrall1"), "region", "zone table"),
    ("gcp-staging", _set("zones", ["us-east1-b"]), "zones[0]", "not a zone of us-central1"),
    ("gcp-production", _both(_set("region", "europe-west1"), _set("zones", ["europe-west1-a", "europe-west1-b",
                                                                            "europe-west1-c"])),
     "zones[0]", "one of europe-west1-b, europe-west1-c, europe-west1-d"),
    ("azure-staging", _set("region", "eastus3"), "region", "not an Azure region"),
    ("azure-staging", _both(_set("region", "westus"), _set("zones", ["1"])), "region", "no availability zones"),
    ("aws-staging", _set("zones", ["us-east-1a", "us-east-1-b"]), "zones[1]", "not a zone of us-east-1"),
    ("gcp-staging", _set("deployment_name", "googbt"), "deployment_name", "starts with 'goog'"),
    ("gcp-staging", _set("unique_suffix", "google"), "unique_suffix", "contains 'google'"),
    ("aws-staging", _set("unique_suffix", "s3alias"), "unique_suffix", "-s3alias"),
    ("aws-staging", _set("deployment_name", "amzn-s3-demo-x"), "deployment_name", "reserved prefix"),
    ("azure-staging", _set("deployment_name", "microsoftbt"), "deployment_name", "microsoft"),
    ("aws-staging", _set("aws.s3_access_logs_bucket", "logs..bucket"), "aws.s3_access_logs_bucket",
     "adjacent periods"),
    ("aws-staging", _set("tags.aws:owner", "me"), "tags.aws:owner", "reserves"),
    ("aws-staging", _set("tags.team", "x" * 300), "tags.team", "256 characters"),
    ("aws-staging", _set("tags.team", "ml;rm -rf"), "tags.team", "letters, digits"),
    ("aws-staging", _set("tags", {"": "x"}), "tags", "empty key"),
    ("azure-staging", _set("tags.cost&center", "1"), "tags.cost&center", "start with a letter"),
    ("azure-staging", _set("tags", {f"k{i}": "v" for i in range(13)}), "tags", "at most 12"),
    ("aws-staging", _set("org.name", "acme\x00"), "org.name", "control"),
    ("aws-staging", _set("tags.team\x1b[31m", "x"), "tags.team\x1b[31m", "control"),
    ("aws-staging", _set("org.name", " acme"), "org.name", "leading or trailing"),
    # --- class 5: numbers within the cloud's limits ---
    ("aws-production", _set("postgres.iops", 70000), "postgres.iops", "12000-64000"),
    ("aws-production", _both(_set("postgres.storage_gb", 1000), _set("postgres.iops", 60000)), "postgres.iops",
     "IOPS per GiB"),
    ("aws-production", _set("postgres.throughput_mibps", 5000), "postgres.throughput_mibps", "500-4000"),
    ("aws-staging", _set("postgres.iops", 5000), "postgres.iops", "no effect below 400 GB"),
    ("aws-production", _set("postgres.max_storage_gb", 100000), "postgres.max_storage_gb", "20-65536"),
    ("gcp-production", _set("postgres.storage_gb", 70000), "postgres.storage_gb", "Cloud SQL storage"),
    ("gcp-production", _set("postgres.iops", 20000), "postgres.iops", "no effect on GCP"),
    ("azure-production", _set("postgres.throughput_mibps", 500), "postgres.throughput_mibps", "no effect on Azure"),
    ("gcp-production", _set("redis.memory_gib", 400), "redis.memory_gib", "1-300"),
    ("aws-production", _set("aws.lambda.provisioned_concurrency", 600), "aws.lambda.provisioned_concurrency",
     "reserved_concurrency"),
    ("azure-staging", _set("node_pools.system.min_count", 0), "node_pools.system.min_count", "at least 1"),
    ("azure-staging", _set("brainstore.reader.count", 1000), "brainstore.reader.count", "allows 1000"),
    ("gcp-staging", _set("node_pools.services.max_count", 5000), "node_pools.services.max_count",
     "nodes per node pool"),
    ("aws-staging", _set("aws.database.statement_timeout_ms", 2**31), "aws.database.statement_timeout_ms",
     "2147483647"),
    # --- class 7: no silently ignored keys ---
    ("aws-staging", _set("release.helm_chart_version", "6.11.0"), "release.helm_chart_version", "no effect on AWS"),
    ("aws-staging", _set("release.api_image_tag", "v2.9.0"), "release.api_image_tag", "lambda_bundle_tag"),
    ("gcp-staging", _set("release.lambda_bundle_tag", "v2.9.0"), "release.lambda_bundle_tag", "api_image_tag"),
    ("aws-staging", _set("ingress.allowed_cidrs", ["203.0.113.0/24"]), "ingress.allowed_cidrs", "waf_acl"),
    ("aws-staging", _set("kubernetes", {"redis_tls_proxy": {"image": "mirror.example.com/envoy:v1.35.3"}}),
     "kubernetes", "no effect on AWS"),
    ("azure-staging", _set("remote_support.external_id", "abcdefgh"), "remote_support.external_id",
     "only applies on AWS"),
    ("aws-staging", _both(_set("aws.network.create_vpc", False), _set("aws.network.vpc_cidr", "10.1.0.0/16"),
                          _set("aws.network.existing_vpc_id", "vpc-0123456789abcdef0"),
                          _set("aws.network.existing_private_subnet_ids",
                               ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])),
     "aws.network.vpc_cidr", "create_vpc: false"),
    ("aws-staging", _both(_set("aws.quarantine.enabled", False), _set("aws.quarantine.vpc_cidr", "10.9.0.0/16")),
     "aws.quarantine.vpc_cidr", "enabled: false"),
    # --- class 8: types mean what they say ---
    ("aws-staging", _set("release.release_date", 1_793_232_000), "release.release_date", "YYYY-MM-DD"),
    ("aws-staging", _set("release.release_date", "2026-10-28T00:00:00"), "release.release_date", "YYYY-MM-DD"),
    ("aws-staging", _set("telemetry.enabled", 1), "telemetry.enabled", "valid boolean"),
    ("aws-staging", _set("telemetry.enabled", "yes"), "telemetry.enabled", "valid boolean"),
    ("aws-staging", _set("brainstore.reader.count", True), "brainstore.reader.count", "not a boolean"),
    ("aws-staging", _set("brainstore.reader.count", "2"), "brainstore.reader.count", "valid integer"),
    ("aws-staging", _set("brainstore.reader.count", 2.0), "brainstore.reader.count", "valid integer"),
    ("gcp-staging", _set("api.memory_gib", "8"), "api.memory_gib", "valid number"),
    ("aws-staging", _set("aws.database.monitoring_interval_seconds", True), "aws.database.monitoring_interval_seconds",
     "not a boolean"),
    ("aws-staging", _set("release.lambda_bundle_tag", "main"), "release.lambda_bundle_tag", "exact version"),
    ("gcp-staging", _set("release.api_image_tag", "stable"), "release.api_image_tag", "exact version"),
    ("gcp-staging", _set("release.brainstore_image_tag", "v2"), "release.brainstore_image_tag", "exact version"),
    ("aws-production", _set("ingress.certificate", CERT.replace(ACCOUNT, "111122223333")), "ingress.certificate",
     "not aws.account_id 444455556666"),
    ("aws-production", _set("ingress.certificate", CERT.replace("us-east-1", "eu-west-1")), "ingress.certificate",
     "must be in us-east-1"),
    ("aws-production", _both(_set("aws.kms.create_key", False),
                             _set("aws.kms.existing_key_arn", KMS.format(region="us-west-2", account=ACCOUNT))),
     "aws.kms.existing_key_arn", "must be in us-east-1"),
    ("aws-production", _both(_set("aws.kms.create_key", False),
                             _set("aws.kms.existing_key_arn", KMS.format(region="us-east-1", account="111122223333"))),
     "aws.kms.existing_key_arn", "not aws.account_id"),
    ("aws-production", _set("aws.permissions_boundary_arn", "arn:aws:iam::111122223333:policy/boundary"),
     "aws.permissions_boundary_arn", "belongs to account '111122223333'"),
    ("gcp-staging", _both(_set("gcp.kms.create_key", False),
                          _set("gcp.kms.existing_key_id", "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k")),
     "gcp.kms.existing_key_id", "us-central1"),
]


def _error(stack: str, mutation: Mutation) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        stack_config(stack, mutate=mutation)
    return caught.value


@pytest.mark.parametrize(("stack", "mutation", "path", "fragment"), CASES,
                         ids=[f"{c[0]}:{c[2]}:{i}" for i, c in enumerate(CASES)])
def test_refused_with_key_path_and_fix(stack: str, mutation: Mutation, path: str, fragment: str):
    error = _error(stack, mutation)
    matching = [p for p in error.problems if p.path == path]
    assert matching, f"no problem at {path}; got:\n{error}"
    assert any(fragment in p.message for p in matching), f"{fragment!r} not in:\n{error}"


def test_a_key_with_an_effect_is_accepted():
    assert stack_config("gcp-staging", mutate=_set("redis.memory_gib", 2)).sizing.redis.memory_gib == 2


# ----- deliberate downgrades and danger switches -----


def test_a_production_downgrade_needs_the_danger_key_and_is_then_warned_about():
    cfg = stack_config("gcp-production", mutate=_both(
        _set("postgres.high_availability", False), _set("gcp.danger_disable_redis_tls", True),
        _set("danger_allow_production_downgrade", True)))
    messages = warnings(cfg, FIXED_TODAY)
    assert any(m.startswith("danger_allow_production_downgrade is true") for m in messages)
    assert any(m.startswith("gcp.danger_disable_redis_tls is true") for m in messages)


def test_every_danger_switch_of_the_model_is_warned_about():
    """Walk the model: a danger_* field added anywhere is warned about without touching warnings()."""
    from components.config.production import danger_flags

    cfg = stack_config("gcp-staging", mutate=_both(*[_set(p, True) for p in (
        "danger_disable_deletion_protection", "danger_skip_final_snapshot", "danger_allow_stale_release",
        "danger_allow_production_downgrade", "danger_allow_wide_allowlists", "gcp.danger_disable_redis_tls")]))
    flagged = {path for path, _ in danger_flags(cfg)}
    assert flagged == {"danger_disable_deletion_protection", "danger_skip_final_snapshot",
                       "danger_allow_stale_release", "danger_allow_production_downgrade",
                       "danger_allow_wide_allowlists", "gcp.danger_disable_redis_tls"}
    messages = warnings(cfg, FIXED_TODAY)
    assert all(any(m.startswith(f"{path} is true") for m in messages) for path in flagged)


def test_wide_allowlists_need_their_danger_key():
    mutation = _set("gcp.cluster.authorized_networks", ["0.0.0.0/1", "128.0.0.0/1"])
    with pytest.raises(ConfigError):
        stack_config("gcp-production", mutate=mutation)
    cfg = stack_config("gcp-production", mutate=_both(mutation, _set("danger_allow_wide_allowlists", True)))
    assert len(cfg.gcp.cluster.authorized_networks) == 2 if cfg.gcp else False


def test_private_ranges_are_not_limited_in_allowlists():
    cfg = stack_config("gcp-staging", mutate=_set("ingress.allowed_cidrs", ["10.0.0.0/8", "172.16.0.0/12"]))
    assert cfg.ingress.allowed_cidrs == ["10.0.0.0/8", "172.16.0.0/12"]


# ----- regions and zones (issue 11: zones were guessed as {region}-a/b/c) -----


@pytest.mark.parametrize(("region", "zones"), [
    ("us-east1", ["us-east1-b", "us-east1-c", "us-east1-d"]),
    ("europe-west1", ["europe-west1-b", "europe-west1-c", "europe-west1-d"]),
    ("us-central1", ["us-central1-a", "us-central1-b", "us-central1-c"]),
])
def test_gcp_default_zones_come_from_the_table(region: str, zones: list[str]):
    cfg = stack_config("gcp-production", mutate=_set("region", region))
    assert cfg.zone_names == zones


def test_gcp_region_missing_from_the_table_works_with_explicit_zones():
    cfg = stack_config("gcp-staging", mutate=_both(_set("region", "us-west8"), _set("zones", ["us-west8-a"])))
    assert cfg.zone_names == ["us-west8-a"]


def test_azure_region_without_zones_deploys_staging_regionally():
    cfg = stack_config("azure-staging", mutate=_set("region", "westus"))
    assert cfg.zone_names == []


# ----- messages -----


def test_echoed_values_are_truncated_and_control_characters_escaped():
    long_region = "x" * 500
    error = _error("gcp-staging", _set("region", long_region))
    assert long_region not in str(error)
    assert max(len(line) for line in str(error).splitlines()) < 400
    error = _error("aws-staging", _set("tags.team", "ml\x1b[2Jplatform"))
    assert "\x1b" not in str(error)
    assert "\\x1b" in str(error)


def test_provider_keys_are_named_in_full_with_the_key_to_use():
    sf = stack_file("aws-staging")
    with pytest.raises(ConfigError) as caught:
        parse_config(sf.values, today=FIXED_TODAY, secrets_set=sf.secrets,
                     provider_config={"aws:region": "eu-west-1", "aws:profile": "prod", "pulumi:x": "y"})
    text = str(caught.value)
    assert "  - aws:region: is ignored: the program sets it from braintrust:region" in text
    assert "  - aws:profile: has no effect" in text
    assert "pulumi:x" not in text
    from components.config.loading import full_key

    assert full_key("org.name") == "braintrust:org.name"


def test_stack_file_sees_provider_keys(tmp_path):
    from tests.support.stacks import STACKS_DIR, STAND_INS

    text = (STACKS_DIR / "Pulumi.gcp-staging.yaml").read_text()
    path = tmp_path / "Pulumi.other.yaml"
    path.write_text(text + "  gcp:project: someone-elses-project\n")
    from components.config import StackFile

    with pytest.raises(ConfigError) as caught:
        StackFile(path, stand_ins=STAND_INS).parse(FIXED_TODAY)
    assert caught.value.paths == ["gcp:project"]


def _stack_values(stack: str, mutation: Mutation) -> dict[str, Any]:
    values = dict(stack_file(stack).values)
    mutation(values)
    return values


def test_release_date_from_an_unquoted_yaml_date_is_a_date():
    day = FIXED_TODAY - dt.timedelta(days=3)
    values = _stack_values("aws-staging", _set("release.release_date", day))
    cfg = parse_config(values, today=FIXED_TODAY, secrets_set=stack_file("aws-staging").secrets)
    assert cfg.release.release_date == day


def test_staging_keeps_its_downgrades():
    cfg = stack_config("aws-staging", mutate=_drop("tags"))
    assert not cfg.sizing.postgres.high_availability
