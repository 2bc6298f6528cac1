"""Key Vault: private, RBAC, purge protection; CMKs with rotation policy used by PostgreSQL and Storage; Managed
Redis's key in a key-only vault without a firewall (Managed Redis is no Key Vault trusted service)."""

from __future__ import annotations

from components.azure.keyvault import OPEN_VAULT_CMKS
from components.facts.azure import MANAGED_REDIS_IS_KEY_VAULT_TRUSTED_SERVICE
from tests.support.fakes_azure import DEPLOYER_OBJECT_ID
from tests.support.harness import Harness, depends_transitively

from .conftest import one_named, registration_of

CRYPTO_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
KV_ADMIN = "00482a5a-887f-4fb3-b363-3b7fe8e74483"


def _private_vault(h: Harness) -> dict:
    return one_named(h, "azure-native:keyvault:Vault", "keyvault-vault").inputs


def _open_vault(h: Harness) -> dict:
    return one_named(h, "azure-native:keyvault:Vault", "keyvault-open-vault").inputs


def _keys(h: Harness) -> dict[str, dict]:
    return {k.inputs["keyName"]: k.inputs for k in h.of_type("azure-native:keyvault:Key")}


def test_vault_is_private_rbac_and_purge_protected(stack: Harness) -> None:
    props = _private_vault(stack)["properties"]
    assert props["publicNetworkAccess"] == "Disabled"
    assert props["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    assert props["enableRbacAuthorization"] is True
    assert props["enablePurgeProtection"] is True
    assert props["enableSoftDelete"] is True
    endpoint = one_named(stack, "azure-native:network:PrivateEndpoint", "keyvault-pe")
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["vault"]


def test_soft_delete_is_short_in_staging_and_long_in_production(staging: Harness, production: Harness) -> None:
    def days(h: Harness) -> float:
        return _private_vault(h)["properties"]["softDeleteRetentionInDays"]

    assert days(staging) == 7
    assert days(production) == 90
    for h in (staging, production):
        assert _open_vault(h)["properties"]["softDeleteRetentionInDays"] == days(h)


def test_cmks_rotate_and_versions_expire_only_where_consumers_follow_rotation(stack: Harness) -> None:
    keys = {k.inputs["keyName"]: k.inputs["properties"] for k in stack.of_type("azure-native:keyvault:Key")}
    assert set(keys) == {"postgres-cmk", "storage-cmk", "redis-cmk", "aks-kms"}
    for name, props in keys.items():
        assert props["kty"] == "RSA" and props["keySize"] == 4096
        expected_ops = ["encrypt", "decrypt"] if name == "aks-kms" else ["wrapKey", "unwrapKey"]
        assert props["keyOps"] == expected_ops
        policy = props["rotationPolicy"]
        actions = {a["action"]["type"]: a["trigger"] for a in policy["lifetimeActions"]}
        assert actions["rotate"] == {"timeAfterCreate": "P1Y"}
        if name in ("postgres-cmk", "storage-cmk"):  # versionless consumers
            assert policy["attributes"]["expiryTime"] == "P2Y"
            assert actions["notify"] == {"timeBeforeExpiry": "P30D"}
        else:  # Redis and AKS KMS pin a version: it must never expire under them
            assert "attributes" not in policy and "notify" not in actions


def test_postgres_and_storage_encrypt_with_their_own_cmk(stack: Harness) -> None:
    server = stack.one("azure-native:dbforpostgresql:Server").inputs
    assert server["dataEncryption"]["type"] == "AzureKeyVault"
    assert server["dataEncryption"]["primaryKeyURI"].endswith("/keys/postgres-cmk")  # versionless: rotates
    postgres_identity = one_named(stack, "azure-native:managedidentity:UserAssignedIdentity", "identities-postgres")
    assert server["dataEncryption"]["primaryUserAssignedIdentityId"].endswith(postgres_identity.inputs["resourceName"])

    account = stack.one("azure-native:storage:StorageAccount").inputs
    encryption = account["encryption"]
    assert encryption["keySource"] == "Microsoft.Keyvault"
    assert encryption["keyVaultProperties"]["keyName"] == "storage-cmk"
    assert "keyVersion" not in encryption["keyVaultProperties"]
    assert encryption["requireInfrastructureEncryption"] is True


def test_each_cmk_is_usable_only_by_its_identity_and_granted_before_use(stack: Harness) -> None:
    grants = [r for r in stack.of_type("azure-native:authorization:RoleAssignment")
              if r.inputs["roleDefinitionId"].endswith(CRYPTO_USER)]
    scopes = sorted(g.inputs["scope"].rsplit("/", 1)[-1] for g in grants)
    assert scopes == ["postgres-cmk", "redis-cmk", "storage-cmk"]  # key scope, not the vault
    grant_urns = [registration_of(stack, g).urn for g in grants]
    for token in ("azure-native:dbforpostgresql:Server", "azure-native:storage:StorageAccount",
                  "azure-native:redisenterprise:RedisEnterprise"):
        reg = registration_of(stack, stack.one(token))
        assert depends_transitively(stack, reg, grant_urns), f"{token} must wait for its CMK grant"


def test_deployer_is_vault_administrator(stack: Harness) -> None:
    admin = [r for r in stack.of_type("azure-native:authorization:RoleAssignment")
             if r.inputs["roleDefinitionId"].endswith(KV_ADMIN)]
    assert len(admin) == 2  # one per vault
    assert {a.inputs["principalId"] for a in admin} == {DEPLOYER_OBJECT_ID}


def test_managed_redis_key_is_in_a_vault_it_can_reach(stack: Harness) -> None:
    """Managed Redis is not a Key Vault trusted service, so a firewalled (or private) vault would refuse it."""
    assert MANAGED_REDIS_IS_KEY_VAULT_TRUSTED_SERVICE is False
    assert OPEN_VAULT_CMKS == ("redis-cmk",)
    private_name, open_name = _private_vault(stack)["vaultName"], _open_vault(stack)["vaultName"]
    keys = _keys(stack)
    assert keys["redis-cmk"]["vaultName"] == open_name
    assert {k for k, v in keys.items() if v["vaultName"] == private_name} == {"postgres-cmk", "storage-cmk",
                                                                            "aks-kms"}
    # The cache takes its (versioned) key URL from the key in the open vault.
    cluster = registration_of(stack, stack.one("azure-native:redisenterprise:RedisEnterprise"))
    open_key = registration_of(stack, one_named(stack, "azure-native:keyvault:Key", "keyvault-open-redis-cmk"))
    assert open_key.urn in cluster.dependencies


def test_the_open_vault_holds_only_the_redis_key_and_is_otherwise_as_strict(stack: Harness) -> None:
    vault = _open_vault(stack)
    props = vault["properties"]
    assert props["publicNetworkAccess"] == "Enabled" and props["networkAcls"]["defaultAction"] == "Allow"
    assert props["enableRbacAuthorization"] is True and props["enablePurgeProtection"] is True
    assert len(vault["vaultName"]) <= 24 and vault["vaultName"] != _private_vault(stack)["vaultName"]
    assert not [s for s in stack.of_type("azure-native:keyvault:Secret") if s.inputs["vaultName"] == vault["vaultName"]]
    endpoints = [e.name for e in stack.of_type("azure-native:network:PrivateEndpoint")]
    assert not [e for e in endpoints if "open" in e]
    # Only the Redis identity may use the key (wrap/unwrap, on the key); on the vault itself nobody but the
    # deployer's break-glass administrator role.
    on_open = [r for r in stack.of_type("azure-native:authorization:RoleAssignment") if "keyvault-open-" in r.name]
    roles = sorted((r.name.rsplit("keyvault-open-", 1)[-1], r.inputs["roleDefinitionId"].rsplit("/", 1)[-1])
                   for r in on_open)
    assert roles == [("deployer-admin", KV_ADMIN), ("redis-cmk-user", CRYPTO_USER)]
    key_grant = next(r for r in on_open if r.name.endswith("redis-cmk-user"))
    assert key_grant.inputs["principalId"] != DEPLOYER_OBJECT_ID
    open_key = registration_of(stack, one_named(stack, "azure-native:keyvault:Key", "keyvault-open-redis-cmk"))
    assert open_key.urn in registration_of(stack, key_grant).dependencies  # scope = the key, not the vault


def test_the_open_vault_is_protected_like_the_private_one(production: Harness, staging: Harness) -> None:
    prod = registration_of(production, one_named(production, "azure-native:keyvault:Vault", "keyvault-open-vault"))
    assert prod.protect and prod.retain_on_delete
    locks = [r.name for r in production.of_type("azure-native:authorization:ManagementLockByScope")]
    assert any(name.endswith("keyvault-open-lock") for name in locks)
    stg = registration_of(staging, one_named(staging, "azure-native:keyvault:Vault", "keyvault-open-vault"))
    assert not stg.protect
