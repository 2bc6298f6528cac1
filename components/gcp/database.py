"""Cloud SQL for PostgreSQL: private IP only, TLS required, CMEK, PITR, regional HA in production.

The password is generated here, kept as a Pulumi secret and stored in Secret Manager (CMEK, in-region).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from components.sizing.model import DatabaseSize
from components.tags import Tags

DATABASE = "postgres"  # pg_cron lives in the "postgres" database (cron.database_name default)
USER = "braintrust"
# Connections per GiB of instance memory: the official module sets 8,000 on 64 GiB; smaller tiers get the
# same ratio so a staging instance cannot be configured into out-of-memory.
_CONNECTIONS_PER_GIB = 125
_MAX_CONNECTIONS = 8000


def edition_of(tier: str) -> str:
    """Performance-optimized tiers are Enterprise Plus (data cache, sub-second maintenance)."""
    return "ENTERPRISE_PLUS" if tier.startswith("db-perf-optimized-") else "ENTERPRISE"


def memory_gib_of(tier: str) -> float:
    """db-custom-<vcpu>-<MiB>; db-perf-optimized-N-<vcpu> has 8 GiB per vCPU."""
    parts = tier.split("-")
    if tier.startswith("db-custom-"):
        return int(parts[3]) / 1024
    if tier.startswith("db-perf-optimized-N-"):
        return int(parts[-1]) * 8
    raise ValueError(f"unknown Cloud SQL tier {tier!r}")


def database_flags(tier: str) -> dict[str, str]:
    """The flags the official module sets (pg_cron, pg_hint_plan, planner settings), sized to the tier."""
    flags = {
        "max_connections": str(min(_MAX_CONNECTIONS, int(memory_gib_of(tier) * _CONNECTIONS_PER_GIB))),
        "cloudsql.enable_pg_cron": "on",
        "cloudsql.enable_pg_hint_plan": "on",
        "random_page_cost": "1",
        # Braintrust's queries are tuned for index scans; upstream turns seq scans off unless support says so.
        "enable_seqscan": "off",
        "log_min_duration_statement": "5000",
    }
    if edition_of(tier) == "ENTERPRISE_PLUS":
        flags["cloudsql.enable_index_advisor"] = "on"
    return flags


@dataclass(frozen=True)
class DatabaseArgs:
    deployment_name: str
    instance_suffix: pulumi.Input[str]
    project_id: str
    region: str
    zone: str
    size: DatabaseSize
    network_id: pulumi.Input[str]
    private_service_range_name: pulumi.Input[str] | None
    key_id: pulumi.Input[str]
    labels: Tags
    protect: bool
    skip_final_backup: bool
    # Private service access + the CMEK grants: Cloud SQL must not start before either.
    after: Sequence[pulumi.Resource] = ()


class Database(pulumi.ComponentResource):
    instance_name: pulumi.Output[str]
    private_ip: pulumi.Output[str]
    user: pulumi.Output[str]
    password: pulumi.Output[str]  # secret
    database: pulumi.Output[str]
    password_secret_id: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Database", name, None, opts)
        size = args.size
        edition = edition_of(size.sku)
        # Enterprise keeps at most 7 days of transaction logs; Enterprise Plus up to 35.
        log_days = min(size.backup_retention_days, 35 if edition == "ENTERPRISE_PLUS" else 7)
        instance = gcp.sql.DatabaseInstance(
            f"{name}-instance",
            name=pulumi.Output.from_input(args.instance_suffix).apply(
                lambda s: f"{args.deployment_name}-postgres-{s}"
            ),
            project=args.project_id,
            region=args.region,
            database_version=f"POSTGRES_{size.version}",
            encryption_key_name=args.key_id,
            deletion_protection=args.protect,
            settings=gcp.sql.DatabaseInstanceSettingsArgs(
                tier=size.sku,
                edition=edition,
                availability_type="REGIONAL" if size.high_availability else "ZONAL",
                location_preference=gcp.sql.DatabaseInstanceSettingsLocationPreferenceArgs(zone=args.zone),
                disk_type="PD_SSD",
                disk_size=size.storage_gb,
                disk_autoresize=True,
                disk_autoresize_limit=size.max_storage_gb,
                deletion_protection_enabled=args.protect,
                retain_backups_on_delete=True,
                final_backup_config=gcp.sql.DatabaseInstanceSettingsFinalBackupConfigArgs(
                    enabled=not args.skip_final_backup, retention_days=30
                ),
                ip_configuration=gcp.sql.DatabaseInstanceSettingsIpConfigurationArgs(
                    ipv4_enabled=False,  # private IP only
                    private_network=args.network_id,
                    allocated_ip_range=args.private_service_range_name,
                    ssl_mode="ENCRYPTED_ONLY",
                ),
                backup_configuration=gcp.sql.DatabaseInstanceSettingsBackupConfigurationArgs(
                    enabled=True,
                    start_time="00:30",
                    point_in_time_recovery_enabled=True,
                    transaction_log_retention_days=log_days,
                    backup_retention_settings=gcp.sql.DatabaseInstanceSettingsBackupConfigurationBackupRetentionSettingsArgs(
                        retained_backups=size.backup_retention_days, retention_unit="COUNT"
                    ),
                ),
                maintenance_window=gcp.sql.DatabaseInstanceSettingsMaintenanceWindowArgs(
                    day=7, hour=8, update_track="stable"
                ),
                insights_config=gcp.sql.DatabaseInstanceSettingsInsightsConfigArgs(
                    query_insights_enabled=True,
                    query_plans_per_minute=5,
                    query_string_length=1024,
                    record_application_tags=True,
                    record_client_address=True,
                ),
                data_cache_config=(
                    gcp.sql.DatabaseInstanceSettingsDataCacheConfigArgs(data_cache_enabled=True)
                    if edition == "ENTERPRISE_PLUS" else None
                ),
                database_flags=[
                    gcp.sql.DatabaseInstanceSettingsDatabaseFlagArgs(name=k, value=v)
                    for k, v in database_flags(size.sku).items()
                ],
                user_labels=args.labels,
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                depends_on=list(args.after),
                # Autoresize grows the disk; never shrink it back (Cloud SQL cannot, it would replace).
                ignore_changes=["settings.diskSize"],
            ),
        )
        password = random.RandomPassword(
            f"{name}-password",
            length=32,
            special=True,
            override_special="-_.",  # URL-safe without escaping
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        user = gcp.sql.User(
            f"{name}-user",
            name=USER,
            instance=instance.name,
            project=args.project_id,
            password=pulumi.Output.secret(password.result),
            # With deletion protection the user goes with the instance; deleting it first would cut off
            # the running services during a replace.
            deletion_policy="ABANDON" if args.protect else None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        secret = gcp.secretmanager.Secret(
            f"{name}-password-secret",
            secret_id=f"{args.deployment_name}-postgres-password",
            project=args.project_id,
            labels=args.labels,
            deletion_protection=args.protect,
            replication=gcp.secretmanager.SecretReplicationArgs(
                user_managed=gcp.secretmanager.SecretReplicationUserManagedArgs(
                    replicas=[gcp.secretmanager.SecretReplicationUserManagedReplicaArgs(
                        location=args.region,
                        customer_managed_encryption=(
                            gcp.secretmanager.SecretReplicationUserManagedReplicaCustomerManagedEncryptionArgs(
                                kms_key_name=args.key_id
                            )
                        ),
                    )]
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=list(args.after)),
        )
        gcp.secretmanager.SecretVersion(
            f"{name}-password-version",
            secret=secret.id,
            secret_data=pulumi.Output.secret(password.result),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.instance_name = instance.name
        self.private_ip = instance.private_ip_address
        self.user = user.name
        self.password = pulumi.Output.secret(password.result)
        self.database = pulumi.Output.from_input(DATABASE)
        self.password_secret_id = secret.secret_id
        self.register_outputs({
            "instance_name": self.instance_name,
            "private_ip": self.private_ip,
            "password_secret_id": self.password_secret_id,
        })
