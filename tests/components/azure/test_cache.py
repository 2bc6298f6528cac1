"""Azure Managed Redis: Redis >= 7 service, TLS only, private, HA and non-burstable in production."""

from __future__ import annotations

from components.config.common import Cloud
from components.sizing.skus import Kind, lookup
from tests.support.harness import Harness

from .conftest import one_named


def test_tls_only_and_private(stack: Harness) -> None:
    cluster = stack.one("azure-native:redisenterprise:RedisEnterprise").inputs
    assert cluster["minimumTlsVersion"] == "1.2"
    assert cluster["publicNetworkAccess"] == "Disabled"
    database = stack.one("azure-native:redisenterprise:Database").inputs
    assert database["clientProtocol"] == "Encrypted"
    assert database["evictionPolicy"] == "NoEviction"
    endpoint = one_named(stack, "azure-native:network:PrivateEndpoint", "redis-pe")
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["redisEnterprise"]


def test_ha_only_in_production_and_not_burstable(staging: Harness, production: Harness) -> None:
    prod = production.one("azure-native:redisenterprise:RedisEnterprise").inputs
    assert prod["highAvailability"] == "Enabled"
    sku = lookup(Cloud.AZURE, Kind.CACHE, prod["sku"]["name"])
    assert sku is not None and not sku.burstable and (sku.memory_gib or 0) >= 4
    assert staging.one("azure-native:redisenterprise:RedisEnterprise").inputs["highAvailability"] == "Disabled"


def test_encrypted_with_its_own_versioned_cmk(stack: Harness) -> None:
    cluster = stack.one("azure-native:redisenterprise:RedisEnterprise").inputs
    cmk = cluster["encryption"]["customerManagedKeyEncryption"]
    assert "/keys/redis-cmk/" in cmk["keyEncryptionKeyUrl"]  # versioned only (Managed Redis requirement)
    identity = one_named(stack, "azure-native:managedidentity:UserAssignedIdentity", "identities-redis")
    assert cmk["keyEncryptionKeyIdentity"]["identityType"] == "userAssignedIdentity"
    assert cmk["keyEncryptionKeyIdentity"]["userAssignedIdentityResourceId"].endswith(identity.inputs["resourceName"])


def test_brainstore_state_survives_a_cache_failure(stack: Harness) -> None:
    """Brainstore keeps state in Redis: RDB snapshots (like GCP's Memorystore), never AOF at the same time."""
    import azure.mgmt.redisenterprise.models as mgmt
    import pulumi_azure_native as azure_native

    persistence = stack.one("azure-native:redisenterprise:Database").inputs["persistence"]
    assert persistence["rdbEnabled"] is True and not persistence.get("aofEnabled")
    assert persistence["rdbFrequency"] == "1h"
    assert persistence["rdbFrequency"] in {m.value for m in azure_native.redisenterprise.RdbFrequency}
    assert persistence["rdbFrequency"] in {m.value for m in mgmt.RdbFrequency}
