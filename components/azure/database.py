"""PostgreSQL Flexible Server: private endpoint only, TLS required, CMK, zone-redundant HA in production.

Static server parameters (``shared_preload_libraries``, ``cron.database_name``) only apply after a
restart, which azure-native does not do (pulumi/pulumi-azure-native#3618) and the upstream module leaves
to a manual ``az postgres flexible-server restart``. Here the restart is part of the deployment: an
Azure deployment script restarts the server after the parameters are written. It runs again when a static
value changes (its ``forceUpdateTag`` is a digest of them), and it may also run again when Azure has deleted
the script resource and a refresh re-creates it (see ``scripts.py``): so it restarts the server only while
one of the parameters it manages reports ``isConfigPendingRestart``. A rerun with nothing pending is a no-op.

Storage autogrow has no ceiling in the API version azure-native sends (``components/facts/azure.py``):
``max_storage_gb`` equal to ``storage_gb`` turns autogrow off; config validation refuses other ceilings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native
import pulumi_random as random

from components.config.azure import postgres_performance_tier, postgres_storage_problems
from components.sizing.model import DatabaseSize
from components.tags import Tags

from .common import EndpointTarget, deletion_lock, grant, private_endpoint
from .scripts import cli_script, trigger_tag

ADMIN_LOGIN = "braintrust_admin"
DATABASE_NAME = "braintrust"

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

# Idempotent: restart only while a parameter this program manages waits for a restart. Reruns (a refresh that
# re-created the script resource, an edited script) find nothing pending and leave the server alone.
RESTART_SCRIPT = """set -euo pipefail
# An assignment, not a for-list: a failed listing must fail the script (set -e), not look like "nothing".
listed=$(az postgres flexible-server parameter list --resource-group "$RESOURCE_GROUP" \\
  --server-name "$SERVER_NAME" --query "[?isConfigPendingRestart].name" -o tsv)
pending=""
for name in $listed; do
  case " $MANAGED_PARAMETERS " in *" $name "*) pending="$pending $name";; esac
done
if [ -z "$pending" ]; then
  echo "no managed parameter is pending a restart: nothing to do"; exit 0
fi
echo "pending a restart:$pending"
# The server may still be applying the parameters ("ServerIsNotReady"): retry for up to 15 minutes.
for attempt in $(seq 1 30); do
  if az postgres flexible-server restart --resource-group "$RESOURCE_GROUP" --name "$SERVER_NAME"; then
    echo "restarted after ${attempt} attempt(s)"; exit 0
  fi
  sleep 30
done
echo "could not restart $SERVER_NAME" >&2; exit 1
"""


def sku_tier(sku: str) -> str:
    """Flexible Server compute tier of a VM size name."""
    family = sku.removeprefix("Standard_")[:1]
    return {"B": "Burstable", "E": "MemoryOptimized", "M": "MemoryOptimized"}.get(family, "GeneralPurpose")


def _identities(identity_id: str) -> Mapping[str, pulumi.Input[azure_native.dbforpostgresql.UserIdentityArgs]]:
    """ARM keys user-assigned identities by resource id; the id is only known once the identity exists."""
    return {identity_id: azure_native.dbforpostgresql.UserIdentityArgs()}


def static_parameters_tag() -> str:
    """The restart's trigger: only the static parameters' values (nothing else reruns the script)."""
    return trigger_tag(STATIC_PARAMETERS)


def storage_auto_grow(size: DatabaseSize) -> azure_native.dbforpostgresql.StorageAutoGrow:
    """A ceiling equal to the allocated size means "never grow"; any other ceiling is Azure's own maximum
    (config validation refuses ceilings Azure cannot enforce)."""
    if size.max_storage_gb <= size.storage_gb:
        return azure_native.dbforpostgresql.StorageAutoGrow.DISABLED
    return azure_native.dbforpostgresql.StorageAutoGrow.ENABLED


HighAvailabilityMode = azure_native.dbforpostgresql.PostgreSqlFlexibleServerHighAvailabilityMode


def high_availability_mode(size: DatabaseSize, zone_redundant: bool) -> HighAvailabilityMode:
    modes = HighAvailabilityMode
    if zone_redundant:
        return modes.ZONE_REDUNDANT
    return modes.SAME_ZONE if size.high_availability else modes.DISABLED


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
            auth_config=azure_native.dbforpostgresql.AuthConfigArgs(
                password_auth=azure_native.dbforpostgresql.PasswordBasedAuth.ENABLED,
                active_directory_auth=azure_native.dbforpostgresql.MicrosoftEntraAuth.DISABLED),
            storage=azure_native.dbforpostgresql.StorageArgs(
                storage_size_gb=size.storage_gb,
                tier=tier,
                auto_grow=storage_auto_grow(size),
                type=azure_native.dbforpostgresql.StorageType.PREMIUM_LRS,
            ),
            backup=azure_native.dbforpostgresql.BackupArgs(
                backup_retention_days=size.backup_retention_days,
                geo_redundant_backup=(azure_native.dbforpostgresql.GeographicallyRedundantBackup.ENABLED
                                      if args.geo_redundant_backup
                                      else azure_native.dbforpostgresql.GeographicallyRedundantBackup.DISABLED),
            ),
            availability_zone=args.zones[0] if args.zones else None,
            high_availability=azure_native.dbforpostgresql.HighAvailabilityArgs(
                mode=high_availability_mode(size, zone_redundant),
                standby_availability_zone=args.zones[1] if zone_redundant else None,
            ),
            network=azure_native.dbforpostgresql.NetworkArgs(
                public_network_access=azure_native.dbforpostgresql.ServerPublicNetworkAccessState.DISABLED),
            identity=azure_native.dbforpostgresql.UserAssignedIdentityArgs(
                type=azure_native.dbforpostgresql.IdentityType.USER_ASSIGNED,
                user_assigned_identities=pulumi.Output.from_input(args.cmk_identity_id).apply(_identities),
            ),
            data_encryption=azure_native.dbforpostgresql.DataEncryptionArgs(
                type=azure_native.dbforpostgresql.DataEncryptionType.AZURE_KEY_VAULT,
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
        restart = cli_script(
            f"{name}-restart",
            parent=self,
            script_name=f"{args.server_name}-restart",
            resource_group_name=args.resource_group_name,
            location=args.location,
            identity_id=args.operations_identity_id,
            content=RESTART_SCRIPT,
            environment={"RESOURCE_GROUP": args.resource_group_name, "SERVER_NAME": args.server_name,
                         "MANAGED_PARAMETERS": " ".join(sorted(STATIC_PARAMETERS))},
            trigger=static_parameters_tag(),
            timeout="PT30M",
            tags=args.tags,
            depends_on=[previous, restart_role],
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

