"""Azure facts: limits, API shapes and service behaviours the Azure tiers rely on, each with its source.

Microsoft's documentation is cited twice where possible: the published page and the docs repository file at
the commit read (``MicrosoftDocs/<repo>@<commit>/<path>``), so a reviewer can see the exact text used.
"""

from __future__ import annotations

from .model import Check, register

_LEARN = "https://learn.microsoft.com/azure"
_DOCS = "MicrosoftDocs/azure-docs"
_SECURITY_DOCS = "MicrosoftDocs/azure-security-docs"
_NATIVE = "pypi:pulumi-azure-native==3.29.0"

# --- Front Door -------------------------------------------------------------------------------------------
# "configure the Origin response timeout ... enter a value between 16 and 240 seconds" (Standard/Premium
# only). The published API models (azure-mgmt-cdn 14.1.0, azure-native 3.29.0) carry no min/max for
# originResponseTimeoutSeconds, so the range is documentation only.
FRONT_DOOR_ORIGIN_TIMEOUT_MIN_S = register(
    "azure.frontdoor.origin_response_timeout_min_s", 16,
    f"{_LEARN}/frontdoor/troubleshoot-issues", Check.DOCS,
)
FRONT_DOOR_ORIGIN_TIMEOUT_MAX_S = register(
    "azure.frontdoor.origin_response_timeout_max_s", 240,
    f"{_LEARN}/frontdoor/troubleshoot-issues", Check.DOCS,
    note="the GCP load balancer uses 600 s; Front Door cannot go above 240 s (residual risk for longer "
         "requests without streamed bytes)",
)

# --- Deployment scripts -----------------------------------------------------------------------------------
# The service deletes the deploymentScripts resource when retentionInterval expires; Microsoft asks for
# idempotent scripts because a script can run again ("Write deployment scripts to ensure idempotence, so
# accidental reruns won't result in system alterations"). The documented range of the interval is
# inconsistent across pages (PT1H-PT26H on the develop page; P26D elsewhere): one day fits both.
# The Azure CLI image the deployment scripts run in: a version Azure lists as supported for deployment scripts
# (`az deployment-scripts list-supported-versions` / the azure-cli tags on mcr.microsoft.com).
DEPLOYMENT_SCRIPT_AZ_CLI_VERSION = register(
    "azure.deployment_script.az_cli_version", "2.67.0",
    f"{_LEARN}/azure-resource-manager/bicep/deployment-script-develop ; "
    "https://mcr.microsoft.com/v2/azure-cli/tags/list",
    Check.DOCS,
    note="not checkable offline: confirm with `az deployment-scripts list-supported-versions` before a bump",
)

DEPLOYMENT_SCRIPT_RETENTION = register(
    "azure.deployment_script.retention_interval", "P1D",
    f"{_LEARN}/azure-resource-manager/bicep/deployment-script-develop ; "
    f"{_DOCS}@03e5750/articles/azure-resource-manager/bicep/deployment-script-develop.md",
    Check.DOCS,
    note="the script resource disappears after this interval; `pulumi refresh` then drops it from the state "
         "and the next `pulumi up` creates (runs) it again, so both scripts are idempotent",
)

# --- PostgreSQL Flexible Server ---------------------------------------------------------------------------
# Each server parameter reports whether its assigned value still waits for a restart; the restart script
# restarts only while one of the parameters it manages does.
POSTGRES_PENDING_RESTART_FIELD = register(
    "azure.postgres.configuration_pending_restart_field", "isConfigPendingRestart",
    "pypi:azure-mgmt-postgresqlflexibleservers==3.0.0/azure/mgmt/postgresqlflexibleservers/models/_models.py ; "
    f"{_LEARN}/postgresql/flexible-server/concepts-server-parameters",
    Check.CONTRACT,
    note="static parameters (shared_preload_libraries, cron.database_name) need a restart to take effect",
)
# Autogrow's ceiling (storage.autoGrowMaxThresholdMb) exists in API 2026-10-01 (azure-mgmt 3.0.0) but not
# in 2025-08-01, the version pulumi-azure-native 3.29.0 sends: postgres.max_storage_gb cannot be honoured.
POSTGRES_AUTOGROW_CEILING_FIELD = register(
    "azure.postgres.autogrow_ceiling_field", "autoGrowMaxThresholdMb",
    "pypi:azure-mgmt-postgresqlflexibleservers==3.0.0/azure/mgmt/postgresqlflexibleservers/models/_models.py ; "
    f"{_NATIVE}/pulumi_azure_native/dbforpostgresql/_inputs.py",
    Check.CONTRACT,
    note="absent from azure-native 3.29.0 StorageArgs (API 2025-08-01); tests fail once it appears",
)

# --- Azure Managed Redis ----------------------------------------------------------------------------------
# Key Vault's trusted-services table is "the complete allowlist"; Azure Managed Redis (redisenterprise) is not
# in it, and "Services that don't appear in this table aren't bypassed by the option, regardless of how they
# authenticate" -- also under publicNetworkAccess Disabled. The Managed Redis CMK page says a firewalled vault
# must "allow trusted services", which the Key Vault page contradicts. Neither page documents a working path
# from Managed Redis to a vault with a firewall, so the Redis key lives in a vault without one.
MANAGED_REDIS_IS_KEY_VAULT_TRUSTED_SERVICE = register(
    "azure.keyvault.managed_redis_is_trusted_service", False,
    f"{_LEARN}/key-vault/general/overview-vnet-service-endpoints ; "
    f"{_SECURITY_DOCS}@0074f08/articles/key-vault/general/overview-vnet-service-endpoints.md ; "
    f"{_LEARN}/redis/how-to-encryption ; {_DOCS}@8ccae94/articles/redis/how-to-encryption.md",
    Check.DOCS,
    note="contradicting Microsoft pages; the Key Vault allowlist (2026-05-19) is the newer and explicit one",
)
# CMK prerequisites for Managed Redis: user-assigned identity only; vault in the same region with soft delete
# and purge protection; RSA keys; Get/Wrap/Unwrap (Key Vault Crypto Service Encryption User).
MANAGED_REDIS_CMK_KEY_TYPE = register(
    "azure.redis.cmk_key_type", "RSA",
    f"{_LEARN}/redis/how-to-encryption ; {_DOCS}@8ccae94/articles/redis/how-to-encryption.md", Check.DOCS,
)
# Persistence: RDB or AOF (never both), on Memory/Compute Optimized, Balanced and Flash Optimized (preview);
# RDB with minimal effect on throughput, snapshot every 1h/6h/12h; the disk is encrypted with the cache's CMK.
MANAGED_REDIS_RDB_FREQUENCY = register(
    "azure.redis.rdb_frequency", "1h",
    f"{_LEARN}/redis/how-to-persistence ; {_DOCS}@08965de/articles/redis/how-to-persistence.md ; "
    "pypi:azure-mgmt-redisenterprise==3.1.0/azure/mgmt/redisenterprise/models/_redis_enterprise_management_client_enums.py",
    Check.CONTRACT,
    note="the value is checked against RdbFrequency (azure-native and azure-mgmt); persistence is preview (DOCS)",
)
