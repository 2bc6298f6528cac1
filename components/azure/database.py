"""PostgreSQL Flexible Server: private endpoint only, TLS required, CMK, zone-redundant HA in production.

Static server parameters (``shared_preload_libraries``, ``cron.database_name``) only apply after a
restart, which azure-native does not do (pulumi/pulumi-azure-native#3618) and the upstream module leaves
to a manual ``az postgres flexible-server restart``. Here the restart is part of the deployment: an
Azure deployment script restarts the server after the parameters are written, and again whenever a
static value changes (its ``forceUpdateTag`` is a hash of them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native
import pulumi_random as random

from components.config.azure import postgres_performance_tier, postgres_storage_problems
from components.sizing.model import DatabaseSize
from components.tags import Tags

from .common import EndpointTarget, deletion_lock, grant, private_endpoint

ADMIN_LOGIN = "braintrust_admin"
DATABASE_NAME = "braintrust"
AZ_CLI_VERSION = "2.67.0"

# Extensions the services create (pg_partman for INSERT_LOGS2, pg_cron for partition maintenance).
EXTENSIONS = "pg_cron,pg_hint_plan,pg_partman,pg_stat_statements"
# Parameters that only take effect after a restart.
STATIC_PARAMETERS: dict[str, str] = {
    "shared_preload_libraries": "pg_cron,pg_hint_plan,pg_stat_statements",
    "cron.database_name": DATABASE_NAME,
}
DYNAMIC_PARAMETERS: dict[str, str] = {
    "azure.extensions": EXTENSIONS,
    "require_secure_transport": "on",
    "ssl_min_protocol_version": "TLSv1.2",
    # Same guard rail as the upstream Azure module: no query may hold resources for more than an hour.
    "statement_timeout": "3600000",
    "random_page_cost": "1.1",  # SSD storage
    "metrics.collector_database_activity": "on",
    "metrics.autovacuum_diagnostics": "on",
}

RESTART_SCRIPT = """set -euo pipefail
# The server may still be applying the parameters ("ServerIsNotReady"): retry for up to 15 minutes.
for attempt in $(seq 1 30); do
  if az postgres flexible-server restart --ids "$SERVER_ID"; then
    echo "restarted after ${attempt} attempt(s)"; exit 0
  fi
  sleep 30
done
echo "could not restart $SERVER_ID" >&2; exit 1
"""


def sku_tier(sku: str) -> str:
    """Flexible Server compute tier of a VM size name."""
    family = sku.removeprefix("Standard_")[:1]
    return {"B": "Burstable", "E": "MemoryOptimized", "M": "MemoryOptimized"}.get(family, "GeneralPurpose")


def _identities(identity_id: str) -> Mapping[str, pulumi.Input[azure_native.dbforpostgresql.UserIdentityArgs]]:
    """ARM keys user-assigned identities by resource id; the id is only known once the identity exists."""
    return {identity_id: azure_native.dbforpostgresql.UserIdentityArgs()}


def static_parameters_tag() -> str:
    return hashlib.sha256(json.dumps(STATIC_PARAMETERS, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DatabaseArgs:
    server_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: str
    tags: Tags
    protect: bool
    size: DatabaseSize
    zones: list[str]
    geo_redundant_backup: bool
    endpoints_subnet_id: pulumi.Input[str]
    dns_zone_id: pulumi.Input[str]
    cmk_key_uri: pulumi.Input[str]
    cmk_identity_id: pulumi.Input[str]
    operations_identity_id: pulumi.Input[str]
    operations_principal_id: pulumi.Input[str]
    depends_on: list[pulumi.Resource]  # the CMK role assignment must exist before the server


class Database(pulumi.ComponentResource):
    server_id: pulumi.Output[str]
    fqdn: pulumi.Output[str]
    admin_login: str
    admin_password: pulumi.Output[str]  # secret
    database_name: str
    ready: list[pulumi.Resource]  # the restart: clients should start after it

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:Database", name, None, opts)
        size = args.size
        problems = postgres_storage_problems(size.storage_gb, size.iops)
        if problems:
            raise ValueError("; ".join(problems))
        tier = postgres_performance_tier(size.storage_gb, size.iops)

        password = random.RandomPassword(
            f"{name}-admin-password",
            length=32,
            # URL-safe specials only: the password goes into the PG_URL connection string verbatim.
            override_special="-_.~",
            min_lower=2, min_upper=2, min_numeric=2, min_special=1,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        zone_redundant = size.high_availability and len(args.zones) >= 2
        server = azure_native.dbforpostgresql.Server(
            f"{name}-server",
            server_name=args.server_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            version=str(size.version),
            sku=azure_native.dbforpostgresql.SkuArgs(name=size.sku, tier=sku_tier(size.sku)),
            administrator_login=ADMIN_LOGIN,
            # Explicitly secret: azure-native does not mark this input secret, so the engine would store it plainly.
            administrator_login_password=pulumi.Output.secret(password.result),
            auth_config=azure_native.dbforpostgresql.AuthConfigArgs(password_auth="Enabled",
                                                                    active_directory_auth="Disabled"),
            storage=azure_native.dbforpostgresql.StorageArgs(
                storage_size_gb=size.storage_gb,
                tier=tier,
                auto_grow="Enabled",
                type="Premium_LRS",
            ),
            backup=azure_native.dbforpostgresql.BackupArgs(
                backup_retention_days=size.backup_retention_days,
                geo_redundant_backup="Enabled" if args.geo_redundant_backup else "Disabled",
            ),
            availability_zone=args.zones[0] if args.zones else None,
            high_availability=azure_native.dbforpostgresql.HighAvailabilityArgs(
                mode="ZoneRedundant" if zone_redundant else ("SameZone" if size.high_availability else "Disabled"),
                standby_availability_zone=args.zones[1] if zone_redundant else None,
            ),
            network=azure_native.dbforpostgresql.NetworkArgs(public_network_access="Disabled"),
            identity=azure_native.dbforpostgresql.UserAssignedIdentityArgs(
                type="UserAssigned",
                user_assigned_identities=pulumi.Output.from_input(args.cmk_identity_id).apply(_identities),
            ),
            data_encryption=azure_native.dbforpostgresql.DataEncryptionArgs(
                type="AzureKeyVault",
                # Versionless: the server follows the key's automatic rotation.
                primary_key_uri=args.cmk_key_uri,
                primary_user_assigned_identity_id=args.cmk_identity_id,
            ),
            maintenance_window=azure_native.dbforpostgresql.MaintenanceWindowArgs(
                custom_window="Enabled", day_of_week=0, start_hour=2, start_minute=0,
            ),
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                depends_on=args.depends_on,
                additional_secret_outputs=["administratorLoginPassword"],
                # Auto-grow enlarges the disk; a later `pulumi up` must not try to shrink it back. Azure
                # also moves the primary/standby zones on failover.
                ignore_changes=["storage.storageSizeGb", "storage.tier", "availabilityZone",
                                "highAvailability.standbyAvailabilityZone"],
            ),
        )
        if args.protect:
            deletion_lock(f"{name}-lock", parent=self, scope=server.id, what="PostgreSQL server")
        azure_native.dbforpostgresql.Database(
            f"{name}-db",
            server_name=server.name,
            resource_group_name=args.resource_group_name,
            database_name=DATABASE_NAME,
            charset="UTF8",
            collation="en_US.utf8",
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        # Parameter writes on one server must not overlap (the API rejects concurrent updates): chain them.
        previous: pulumi.Resource = server
        for key, value in {**DYNAMIC_PARAMETERS, **STATIC_PARAMETERS}.items():
            previous = azure_native.dbforpostgresql.Configuration(
                f"{name}-param-{key.replace('.', '-').replace('_', '-')}",
                server_name=server.name,
                resource_group_name=args.resource_group_name,
                configuration_name=key,
                value=value,
                source="user-override",
                opts=pulumi.ResourceOptions(parent=self, depends_on=[previous]),
            )
        restart_role = grant(
            f"{name}-restart-role", parent=self, subscription_id=args.subscription_id, role="Contributor",
            principal_id=args.operations_principal_id, scope=server.id,
        )
        restart = azure_native.resources.AzureCliScript(
            f"{name}-restart",
            script_name=f"{args.server_name}-restart",
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="AzureCLI",
            az_cli_version=AZ_CLI_VERSION,
            identity=azure_native.resources.ManagedServiceIdentityArgs(
                type="UserAssigned", user_assigned_identities=[args.operations_identity_id],
            ),
            environment_variables=[azure_native.resources.EnvironmentVariableArgs(name="SERVER_ID",
                                                                                  value=server.id)],
            script_content=RESTART_SCRIPT,
            force_update_tag=static_parameters_tag(),
            timeout="PT30M",
            retention_interval="PT1H",
            cleanup_preference="OnSuccess",
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[previous, restart_role]),
        )
        private_endpoint(
            f"{name}-pe",
            parent=self,
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet_id=args.endpoints_subnet_id,
            target=EndpointTarget(server.id, "postgresqlServer", args.dns_zone_id),
            tags=args.tags,
        )
        self.server_id = server.id
        self.fqdn = server.fully_qualified_domain_name
        self.admin_login = ADMIN_LOGIN
        self.admin_password = pulumi.Output.secret(password.result)
        self.database_name = DATABASE_NAME
        self.ready = [restart]
        self.register_outputs({"server_id": self.server_id, "fqdn": self.fqdn})

