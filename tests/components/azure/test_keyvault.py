"""Key Vault: private, RBAC, purge protection; CMKs with rotation policy used by PostgreSQL and Storage."""

from __future__ import annotations

from tests.support.fakes_azure import DEPLOYER_OBJECT_ID
from tests.support.harness import Harness, depends_transitively

from .conftest import one_named, registration_of

CRYPTO_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
KV_ADMIN = "00482a5a-887f-4fb3-b363-3b7fe8e74483"


def test_vault_is_private_rbac_and_purge_protected(stack: Harness) -> None:
    props = stack.one("azure-native:keyvault:Vault").inputs["properties"]
    assert props["publicNetworkAccess"] == "Disabled"
    assert props["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    assert props["enableRbacAuthorization"] is True
    assert props["enablePurgeProtection"] is True
    assert props["enableSoftDelete"] is True
    endpoint = one_named(stack, "azure-native:network:PrivateEndpoint", "keyvault-pe")
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["vault"]


def test_soft_delete_is_short_in_staging_and_long_in_production(staging: Harness, production: Harness) -> None:
    def days(h: Harness) -> float:
        return h.one("azure-native:keyvault:Vault").inputs["properties"]["softDeleteRetentionInDays"]

    assert days(staging) == 7
    assert days(production) == 90


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
    assert len(admin) == 1
    assert admin[0].inputs["principalId"] == DEPLOYER_OBJECT_ID
