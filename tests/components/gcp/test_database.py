"""Cloud SQL tier: PG17 on the preset tier, private IP only, TLS required, backups + PITR, HA in production."""

from __future__ import annotations

import pytest

from components.gcp.database import database_flags, edition_of, memory_gib_of
from tests.support.harness import Harness, unwrap

SQL = "gcp:sql/databaseInstance:DatabaseInstance"


def test_version_tier_and_edition_come_from_the_preset(staging: Harness, production: Harness) -> None:
    for h, tier, edition in ((staging, "db-custom-2-8192", "ENTERPRISE"),
                             (production, "db-perf-optimized-N-8", "ENTERPRISE_PLUS")):
        sql = h.one(SQL).inputs
        assert sql["databaseVersion"] == "POSTGRES_17"
        assert (sql["settings"]["tier"], sql["settings"]["edition"]) == (tier, edition)


def test_regional_only_in_production(staging: Harness, production: Harness) -> None:
    assert staging.one(SQL).inputs["settings"]["availabilityType"] == "ZONAL"
    assert production.one(SQL).inputs["settings"]["availabilityType"] == "REGIONAL"


def test_private_only_and_ssl_required(stack: Harness) -> None:
    ip = stack.one(SQL).inputs["settings"]["ipConfiguration"]
    assert ip["ipv4Enabled"] is False
    assert ip["privateNetwork"] == stack.outputs["network"]
    assert ip["sslMode"] == "ENCRYPTED_ONLY"
    assert "authorizedNetworks" not in ip


def test_storage_backups_and_pitr(stack: Harness) -> None:
    settings = stack.one(SQL).inputs["settings"]
    assert settings["diskType"] == "PD_SSD" and settings["diskAutoresize"] is True
    assert settings["diskAutoresizeLimit"] >= settings["diskSize"]
    backup = settings["backupConfiguration"]
    assert backup["enabled"] is True and backup["pointInTimeRecoveryEnabled"] is True
    assert backup["backupRetentionSettings"]["retainedBackups"] >= 7
    assert settings["finalBackupConfig"]["enabled"] is True
    assert "settings.diskSize" in stack.registrations_of(SQL)[0].ignore_changes


def test_upstream_flags_are_set(stack: Harness) -> None:
    flags = {f["name"]: f["value"] for f in stack.one(SQL).inputs["settings"]["databaseFlags"]}
    assert flags["cloudsql.enable_pg_cron"] == "on" and flags["cloudsql.enable_pg_hint_plan"] == "on"
    assert flags["random_page_cost"] == "1"
    assert 100 <= int(flags["max_connections"]) <= 8000


def test_password_is_generated_secret_and_stored_in_secret_manager(stack: Harness) -> None:
    user = stack.one("gcp:sql/user:User").inputs
    assert user["name"] == "braintrust"
    version = stack.one("gcp:secretmanager/secretVersion:SecretVersion").inputs
    assert unwrap(version["secretData"]).startswith("GENERATED-SECRET-")
    assert unwrap(version["secretData"]) != version["secretData"], "secret data must travel as a Pulumi secret"


@pytest.mark.parametrize(("tier", "gib", "edition", "connections"), [
    ("db-custom-2-8192", 8, "ENTERPRISE", "1000"),
    ("db-perf-optimized-N-8", 64, "ENTERPRISE_PLUS", "8000"),
    ("db-perf-optimized-N-16", 128, "ENTERPRISE_PLUS", "8000"),
])
def test_tier_facts(tier: str, gib: float, edition: str, connections: str) -> None:
    assert memory_gib_of(tier) == gib
    assert edition_of(tier) == edition
    flags = database_flags(tier)
    assert flags["max_connections"] == connections
    assert ("cloudsql.enable_index_advisor" in flags) is (edition == "ENTERPRISE_PLUS")


def test_unknown_tier_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown Cloud SQL tier"):
        memory_gib_of("db-f1-micro")
