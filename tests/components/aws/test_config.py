"""The AWS section of the stack configuration: every validator rejects bad input; names fit their limits."""

from __future__ import annotations

from typing import Any

import pytest

from components import naming
from components.config import Cloud, ConfigError
from components.config.aws import SUPPORTED_REGIONS, daily_window, weekly_window, windows_overlap
from tests.support.harness import Harness
from tests.support.stacks import build_stack, stack_config

from .conftest import Mutation, aws_set, both

CASES: list[tuple[str, Mutation, str, str]] = [
    # region guard (the Lambda bundles exist only in these regions)
    ("aws-staging", aws_set(".region", "ap-southeast-1"), "region", "no Braintrust Lambda bundles"),
    ("aws-staging", aws_set(".region", "af-south-1"), "region", "no Braintrust Lambda bundles"),
    # log retention must be a CloudWatch value
    ("aws-staging", aws_set("log_retention_days", 45), "aws.log_retention_days", "retention periods"),
    ("aws-staging", aws_set("lambda.log_retention_days", 2), "aws.lambda.log_retention_days", "retention periods"),
    ("aws-staging", aws_set("network.flow_logs_retention_days", 10), "aws.network.flow_logs_retention_days",
     "retention periods"),
    # environment extras: names, secrets, characters
    ("aws-staging", aws_set("lambda.extra_env", {"lower": "x"}), "aws.lambda.extra_env", "not an environment"),
    ("aws-staging", aws_set("lambda.extra_env", {"OPENAI_API_KEY": "sk-1"}), "aws.lambda.extra_env",
     "looks like a secret"),
    ("aws-staging", aws_set("brainstore.extra_env", {"PG_URL": "postgres://x"}), "aws.brainstore.extra_env",
     "looks like a secret"),
    ("aws-staging", aws_set("brainstore.extra_env", {"BRAINSTORE_X": "a b"}), "aws.brainstore.extra_env",
     "may only contain"),
    ("aws-staging", aws_set("brainstore.extra_env", {"BRAINSTORE_X": "$(reboot)"}), "aws.brainstore.extra_env",
     "may only contain"),
    # database windows and settings
    ("aws-staging", aws_set("database.backup_window", "25:00-01:00"), "aws.database", "daily window"),
    ("aws-staging", aws_set("database.maintenance_window", "monday:08:00-mon:09:00"), "aws.database",
     "weekly window"),
    ("aws-staging", aws_set("database.backup_window", "08:30-09:00"), "aws.database", "overlaps"),
    ("aws-staging", aws_set("database.backup_window", "00:00-00:10"), "aws.database", "at least 30"),
    ("aws-staging", aws_set("database.performance_insights_retention_days", 30), "aws.database", "multiple of 31"),
    ("aws-staging", aws_set("database.monitoring_interval_seconds", 7), "aws.database.monitoring_interval_seconds",
     "Input should be"),
    # cache windows
    ("aws-staging", aws_set("cache.snapshot_window", "05:00-06:00"), "aws.cache", "overlaps"),
    ("aws-staging", aws_set("cache.maintenance_window", "sun:05:00-sun:05:30"), "aws.cache", "at least 60"),
    ("aws-staging", aws_set("cache.snapshot_retention_days", 40), "aws.cache.snapshot_retention_days",
     "less than or equal to 35"),
    # API Gateway and CloudFront
    ("aws-staging", aws_set("api_gateway.throttle_burst_limit", 10), "aws.api_gateway", "throttle_burst_limit"),
    ("aws-staging", aws_set("api_gateway.throttle_rate_limit", 0), "aws.api_gateway.throttle_rate_limit",
     "greater than 0"),
    ("aws-staging", aws_set("cloudfront_minimum_tls", "TLSv1"), "aws.cloudfront_minimum_tls", "Input should be"),
    *[("aws-staging", aws_set("cloudfront_origin_read_timeout_seconds", seconds),
       "aws.cloudfront_origin_read_timeout_seconds", message)
      for seconds, message in ((181, "less than or equal to 180"), (0, "greater than or equal to 1"))],
    # Brainstore
    ("aws-staging", aws_set("brainstore.wal_footer_version", "v9"), "aws.brainstore.wal_footer_version",
     "Input should be"),
    ("aws-staging", aws_set("brainstore.skip_pg_for_brainstore_objects", "ALL;rm"),
     "aws.brainstore.skip_pg_for_brainstore_objects", "pattern"),
    ("aws-staging", aws_set("brainstore.root_volume_gb", 8), "aws.brainstore.root_volume_gb",
     "greater than or equal to 30"),
    # networks
    ("aws-staging", aws_set("quarantine.vpc_cidr", "10.176.0.0/24"), "aws.quarantine", "/20 or larger"),
    ("aws-staging", both(aws_set("network.create_vpc", False), aws_set("network.nat_gateways", None),
                         aws_set("network.existing_vpc_id", "vpc-0123456789abcdef0"),
                         aws_set("network.existing_private_subnet_ids",
                                 ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]),
                         aws_set("network.existing_data_subnet_ids", ["subnet-0123456789abcdef2"])),
     "aws.network", "existing_data_subnet_ids needs at least 2"),
    ("aws-staging", aws_set("network.existing_data_subnet_ids", ["subnet-0123456789abcdef2"]), "aws.network",
     "create_vpc is true"),
    # BYO quarantine VPC: exactly three subnets, as upstream requires (the runtime reads three variables)
    *[("aws-staging", both(aws_set("quarantine.create_vpc", False),
                           aws_set("quarantine.existing_vpc_id", "vpc-0fedcba9876543210"),
                           aws_set("quarantine.existing_subnet_ids", [f"subnet-0fedcba98765432{i}" for i in range(n)])),
       "aws.quarantine", "exactly 3 existing_subnet_ids") for n in (2, 4)],
    ("aws-staging", aws_set("s3_export_role_arns", ["arn:aws:iam::123:role/x"]), "aws.s3_export_role_arns[0]",
     "pattern"),
]


@pytest.mark.parametrize(("stack", "mutation", "path", "fragment"), CASES,
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_invalid_aws_settings_are_rejected(stack: str, mutation: Mutation, path: str, fragment: str):
    with pytest.raises(ConfigError) as error:
        stack_config(stack, mutate=mutation)
    matching = [p for p in error.value.problems if p.path == path]
    assert matching, f"no problem at {path}; got {error.value.paths}"
    assert any(fragment in p.message for p in matching), [p.message for p in matching]


def test_supported_regions_follow_the_official_module():
    assert len(SUPPORTED_REGIONS) == 12
    assert "eu-west-3" in SUPPORTED_REGIONS and "ap-southeast-1" not in SUPPORTED_REGIONS
    cfg = stack_config("aws-staging", mutate=aws_set(".region", "eu-west-3"))
    assert cfg.region == "eu-west-3"


@pytest.mark.parametrize("values", [
    {"log_retention_days": 365, "lambda": {"log_retention_days": 30, "extra_env": {"BRAINTRUST_X": "a,b:c"}}},
    {"database": {"backup_window": "02:00-03:00", "maintenance_window": "sun:04:00-sun:05:00"}},
    {"cache": {"snapshot_window": "23:30-00:30", "maintenance_window": "tue:02:00-tue:03:00"}},
    {"brainstore": {"wal_footer_version": None, "skip_pg_for_brainstore_objects": None, "extra_env": {}}},
])
def test_valid_aws_settings_are_accepted(values: dict[str, Any]):
    def mutate(raw: dict[str, Any]) -> None:
        for key, value in values.items():
            raw["aws"][key] = {**raw["aws"].get(key, {}), **value} if isinstance(value, dict) else value

    stack_config("aws-staging", mutate=mutate)


def test_window_overlap_handles_midnight_and_week_wrap():
    assert windows_overlap(daily_window("23:30-00:30"), weekly_window("mon:00:00-mon:01:00"))
    assert windows_overlap(daily_window("23:30-00:30"), weekly_window("sun:23:00-mon:00:10"))
    assert not windows_overlap(daily_window("00:00-00:30"), weekly_window("mon:08:00-mon:11:00"))
    assert daily_window("23:30-00:30") == (23 * 60 + 30, 60)
    assert weekly_window("sun:23:00-mon:01:00")[1] == 120


@pytest.fixture(scope="module")
def longest() -> Harness:
    """Production with the longest deployment name AWS allows: every derived name must still fit."""
    dn = "a" * naming.max_deployment_name_len(Cloud.AWS)
    return build_stack("aws-production", mutate=aws_set(".deployment_name", dn))


def test_longest_deployment_name_fits_every_aws_limit(longest: Harness):
    autoname = naming.AUTONAME_SUFFIX_LEN

    def physical(r: Any, key: str) -> int:
        return len(r.inputs.get(key) or "") or len(r.name) + autoname

    limits = {"aws:lb/loadBalancer:LoadBalancer": ("name", 32), "aws:lb/targetGroup:TargetGroup": ("name", 32),
              "aws:iam/role:Role": ("name", 64), "aws:cloudwatch/eventRule:EventRule": ("name", 64),
              "aws:lambda/function:Function": ("name", 64), "aws:s3/bucket:Bucket": ("bucket", 63),
              "aws:rds/instance:Instance": ("identifier", 63),
              "aws:elasticache/replicationGroup:ReplicationGroup": ("replicationGroupId", 40),
              "aws:autoscaling/group:Group": ("name", 255), "aws:ec2/launchTemplate:LaunchTemplate": ("name", 128),
              "aws:iam/instanceProfile:InstanceProfile": ("name", 128),
              "aws:ec2/securityGroup:SecurityGroup": ("name", 255)}
    for type_token, (key, limit) in limits.items():
        found = longest.of_type(type_token)
        assert found, type_token
        for r in found:
            assert physical(r, key) <= limit, f"{type_token} {r.name}: {physical(r, key)} > {limit}"
