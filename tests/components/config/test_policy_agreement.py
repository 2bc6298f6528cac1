"""Config validation and the policy pack agree: a stack that validates (no danger_* switch on) passes
every mandatory rule of the pack with its default settings.

The six committed stacks are checked in tests/policy; here are valid but unusual configurations, each at
a floor the validator allows (backups, log retention, allow-list width, zones, regions, BYO networks).
When a rule is tightened or a validator loosened without the other, one of these fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from components.config import networks
from components.config.production import BACKUP_FLOOR_DAYS
from policy.offline import check_run
from tests.support.harness import reset_runtime
from tests.support.stacks import build_stack

from .test_negative import _both, _set

WIDEST_PUBLIC = f"198.18.0.0/{networks.ALLOWLIST_MIN_PUBLIC_PREFIX}"
BYO_SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

UNUSUAL: dict[str, tuple[str, Callable[[dict[str, Any]], None]]] = {
    "aws production at the backup and log floors, explicit zones": ("aws-production", _both(
        _set("postgres.backup_retention_days", BACKUP_FLOOR_DAYS),
        _set("aws.log_retention_days", 30), _set("aws.lambda.log_retention_days", 30),
        _set("aws.network.flow_logs_retention_days", 30), _set("aws.cache.snapshot_retention_days", 1),
        _set("zones", ["us-east-1d", "us-east-1e", "us-east-1f"]))),
    "aws staging in another region with a BYO VPC": ("aws-staging", _both(
        _set("region", "eu-west-1"), _set("aws.network.create_vpc", False), _set("aws.network.nat_gateways", None),
        _set("aws.network.existing_vpc_id", "vpc-0123456789abcdef0"),
        _set("aws.network.existing_private_subnet_ids", BYO_SUBNETS), _set("aws.quarantine.enabled", False),
        _set("postgres.backup_retention_days", 1))),
    "gcp production in a region without an -a zone, widest allowed allow-lists": ("gcp-production", _both(
        _set("region", "europe-west1"), _set("gcp.cluster.authorized_networks", [WIDEST_PUBLIC, "10.0.0.0/8"]),
        _set("postgres.backup_retention_days", BACKUP_FLOOR_DAYS))),
    "gcp staging, private ingress with a wide private allow-list": ("gcp-staging", _both(
        _set("ingress", {"allowed_cidrs": ["10.0.0.0/8", WIDEST_PUBLIC]}), _set("region", "us-east1"))),
    "azure production with the widest allowed API server allow-list": ("azure-production", _both(
        _set("azure.deployer_ip_ranges", [WIDEST_PUBLIC]), _set("azure.cluster.authorized_ip_ranges",
                                                                ["203.0.113.0/24"]),
        _set("postgres.backup_retention_days", BACKUP_FLOOR_DAYS), _set("region", "swedencentral"))),
    "azure staging in a region without availability zones": ("azure-staging", _set("region", "westus")),
}


@pytest.mark.parametrize("case", sorted(UNUSUAL))
def test_a_stack_that_validates_passes_the_mandatory_policies(case: str):
    stack, mutation = UNUSUAL[case]
    try:
        report = check_run(build_stack(stack, mutate=mutation))
    finally:
        reset_runtime()
    assert not report.mandatory, f"{case}: config validation accepted what the pack refuses:\n" + report.render(
        include_advisory=False)
