"""PostgreSQL Flexible Server: version, size, HA only in production, private, TLS, parameters, restart."""

from __future__ import annotations

from components.azure.database import STATIC_PARAMETERS, static_parameters_tag
from tests.support.harness import Harness, depends_transitively

from .conftest import one_named, registration_of


def _server(h: Harness) -> dict:
    return h.one("azure-native:dbforpostgresql:Server").inputs


def test_version_and_preset_sizes(staging: Harness, production: Harness) -> None:
    prod, stg = _server(production), _server(staging)
    assert prod["version"] == stg["version"] == "17"
    assert prod["sku"] == {"name": "Standard_E16ds_v5", "tier": "MemoryOptimized"}
    assert stg["sku"] == {"name": "Standard_D2ds_v5", "tier": "GeneralPurpose"}
    # Production: 8 TiB P60 = 16,000 IOPS (>= the seed's 15k); staging: 128 GiB raised to P30 (5,000).
    assert prod["storage"] == {"storageSizeGB": 8192, "tier": "P60", "autoGrow": "Enabled", "type": "Premium_LRS"}
    assert stg["storage"]["storageSizeGB"] == 128 and stg["storage"]["tier"] == "P30"


def test_zone_redundant_ha_only_in_production(staging: Harness, production: Harness) -> None:
    prod = _server(production)
    assert prod["highAvailability"]["mode"] == "ZoneRedundant"
    assert prod["highAvailability"]["standbyAvailabilityZone"] != prod["availabilityZone"]
    assert _server(staging)["highAvailability"]["mode"] == "Disabled"


def test_private_only_with_tls_and_backups(stack: Harness) -> None:
    server = _server(stack)
    assert server["network"] == {"publicNetworkAccess": "Disabled"}
    assert server["backup"]["backupRetentionDays"] >= 7
    endpoint = one_named(stack, "azure-native:network:PrivateEndpoint", "postgres-pe")
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["postgresqlServer"]
    params = {c.inputs["configurationName"]: c.inputs["value"]
              for c in stack.of_type("azure-native:dbforpostgresql:Configuration")}
    assert params["require_secure_transport"] == "on"
    assert params["ssl_min_protocol_version"] == "TLSv1.2"
    assert {"pg_partman", "pg_cron"} <= set(params["azure.extensions"].split(","))
    assert "pg_cron" in params["shared_preload_libraries"].split(",")
    assert params["cron.database_name"] == "braintrust"


def test_admin_password_is_generated_and_secret(stack: Harness) -> None:
    reg = registration_of(stack, stack.one("azure-native:dbforpostgresql:Server"))
    assert reg.protect == (stack.outputs["resource_group"].startswith("acme-prod"))
    password = stack.one("random:index/randomPassword:RandomPassword", _name(stack, "postgres-admin-password"))
    assert password.inputs["length"] >= 32
    assert set(password.inputs["overrideSpecial"]) <= set("-_.~")  # URL-safe in PG_URL


def _name(h: Harness, suffix: str) -> str:
    return next(r.name for r in h.resources if r.name.endswith(suffix))


def test_parameter_writes_are_serialised(stack: Harness) -> None:
    configs = stack.of_type("azure-native:dbforpostgresql:Configuration")
    regs = [registration_of(stack, c) for c in configs]
    # Each write waits for the previous one: a chain, not a fan-out from the server.
    urns = {r.urn for r in regs}
    waiting_on_a_config = [r for r in regs if any(d in urns for d in r.dependencies)]
    assert len(waiting_on_a_config) == len(regs) - 1


def test_restart_is_part_of_the_deployment(stack: Harness) -> None:
    script = one_named(stack, "azure-native:resources:AzureCliScript", "postgres-restart")
    assert "az postgres flexible-server restart" in script.inputs["scriptContent"]
    assert script.inputs["forceUpdateTag"] == static_parameters_tag()
    reg = registration_of(stack, script)
    static = [c for c in stack.of_type("azure-native:dbforpostgresql:Configuration")
              if c.inputs["configurationName"] in STATIC_PARAMETERS]
    for config in static:
        assert depends_transitively(stack, reg, [registration_of(stack, config).urn])
    # The workloads install only after the restart (pg_cron is loaded when the services migrate).
    chart = registration_of(stack, stack.one("kubernetes:helm.sh/v4:Chart"))
    assert depends_transitively(stack, chart, [reg.urn])


def test_restart_tag_changes_with_the_static_parameters(monkeypatch) -> None:
    before = static_parameters_tag()
    monkeypatch.setitem(STATIC_PARAMETERS, "shared_preload_libraries", "pg_cron")
    assert static_parameters_tag() != before


def test_pinned_sdk_has_no_autogrow_ceiling_but_the_newer_api_does() -> None:
    """Why postgres.max_storage_gb is refused on Azure, checked against both published models: when a newer
    azure-native sends the ceiling, this fails and the refusal can become an implementation."""
    import inspect

    import azure.mgmt.postgresqlflexibleservers.models as mgmt
    import pulumi_azure_native as azure_native

    from components.facts.azure import POSTGRES_AUTOGROW_CEILING_FIELD, POSTGRES_PENDING_RESTART_FIELD

    native = inspect.signature(azure_native.dbforpostgresql.StorageArgs.__init__).parameters
    assert "auto_grow_max_threshold_mb" not in native
    assert mgmt.Storage(auto_grow_max_threshold_mb=1).as_dict() == {POSTGRES_AUTOGROW_CEILING_FIELD: 1}
    pending = inspect.getattr_static(mgmt.ConfigurationProperties, "is_config_pending_restart")
    assert pending._rest_name == POSTGRES_PENDING_RESTART_FIELD


def test_a_ceiling_equal_to_the_disk_turns_autogrow_off() -> None:
    from tests.support.stacks import build_config, stack_config

    def pin(values: dict) -> None:
        values["postgres"] = {"max_storage_gb": 128}  # staging disk: 128 GiB

    stack = build_config(stack_config("azure-staging", mutate=pin))
    assert stack.one("azure-native:dbforpostgresql:Server").inputs["storage"]["autoGrow"] == "Disabled"


def test_presets_keep_autogrow_on(stack: Harness) -> None:
    assert _server(stack)["storage"]["autoGrow"] == "Enabled"
