"""Memorystore tier: Redis 7.2, AUTH + TLS, CMEK, private service access, STANDARD_HA only in production."""

from __future__ import annotations

from components.gcp.cache import redis_version_of
from tests.support.fakes_gcp import FAKE_REDIS_CA
from tests.support.harness import Harness, unwrap
from tests.support.stacks import build_stack

REDIS = "gcp:redis/instance:Instance"


def test_standard_ha_only_in_production(staging: Harness, production: Harness) -> None:
    assert staging.one(REDIS).inputs["tier"] == "BASIC"
    prod = production.one(REDIS).inputs
    assert prod["tier"] == "STANDARD_HA"
    assert prod["alternativeLocationId"] != prod["locationId"]
    assert prod["memorySizeGb"] >= 4
    assert prod["persistenceConfig"]["persistenceMode"] == "RDB"


def test_auth_tls_and_private_access(stack: Harness) -> None:
    redis = stack.one(REDIS).inputs
    assert redis["redisVersion"] == "REDIS_7_2"
    assert redis["authEnabled"] is True
    assert redis["transitEncryptionMode"] == "SERVER_AUTHENTICATION"
    assert redis["connectMode"] == "PRIVATE_SERVICE_ACCESS"
    assert redis["authorizedNetwork"] == stack.outputs["network"]
    assert redis["maintenancePolicy"]["weeklyMaintenanceWindows"][0]["day"] == "SUNDAY"
    assert "redis_auth" not in stack.outputs and "GENERATED-REDIS-AUTH" not in str(stack.outputs)


def test_server_ca_is_exported_for_clients(stack: Harness) -> None:
    assert stack.outputs["redis_server_ca"] == FAKE_REDIS_CA
    assert stack.outputs["redis_port"] == 6378


def test_version_enum() -> None:
    assert redis_version_of("7.2") == "REDIS_7_2"
    assert redis_version_of("7") == "REDIS_7_0"


def test_tls_can_only_be_turned_off_through_the_danger_flag() -> None:
    def plain(values: dict) -> None:
        values["gcp"]["danger_disable_redis_tls"] = True

    h = build_stack("gcp-staging", mutate=plain)
    assert h.one(REDIS).inputs["transitEncryptionMode"] == "DISABLED"
    assert unwrap(h.one("kubernetes:core/v1:Secret").inputs["stringData"])["REDIS_URL"].startswith("redis://")
