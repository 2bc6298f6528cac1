"""Whole-stack invariants of both Azure stacks: providers, URNs, tags, protection, names, secrets."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from components.azure.keyvault import KEY_ONLY_TAG
from components.config import DataPlaneConfig
from tests.support.fakes_azure import FAKE_REDIS_KEY
from tests.support.harness import Harness
from tests.support.stacks import STAND_INS

from .conftest import private_vault, registration_of

# Stateful Azure resources: deleting one loses data or a globally unique name.
STATEFUL = {
    "azure-native:resources:ResourceGroup",
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key",
    "azure-native:dbforpostgresql:Server",
    "azure-native:dbforpostgresql:Database",
    "azure-native:redisenterprise:RedisEnterprise",
    "azure-native:redisenterprise:Database",
    "azure-native:storage:StorageAccount",
    "azure-native:storage:BlobContainer",
}


def _taggable(type_token: str) -> bool:
    package, module, cls = type_token.split(":")
    if package != "azure-native":
        return False
    resource = getattr(importlib.import_module(f"pulumi_azure_native.{module}"), cls)
    return "tags" in inspect.signature(resource._internal_init).parameters


def test_unique_urns_and_explicit_providers(stack: Harness) -> None:
    stack.assert_unique_urns()
    stack.assert_explicit_providers()


def test_every_taggable_azure_resource_carries_the_stack_tags(stack: Harness, staging_config: DataPlaneConfig,
                                                              production_config: DataPlaneConfig) -> None:
    cfg = production_config if _is_production(stack) else staging_config
    # Tags a component adds on purpose come on top of the stack's (the key-only vault declares itself to the pack).
    missing = [f"{r.typ} {r.name}" for r in stack.resources
               if r.custom and _taggable(r.typ)
               and {k: v for k, v in (r.inputs.get("tags") or {}).items() if k != KEY_ONLY_TAG} != cfg.all_tags]
    assert not missing, "untagged: " + ", ".join(missing)


def test_only_the_redis_key_vault_is_declared_key_only(stack: Harness) -> None:
    key_only = [r for r in stack.of_type("azure-native:keyvault:Vault") if KEY_ONLY_TAG in (r.inputs.get("tags") or {})]
    assert [r.inputs["properties"].get("publicNetworkAccess") for r in key_only] == ["Enabled"]
    private = [r for r in stack.of_type("azure-native:keyvault:Vault") if r not in key_only]
    assert [r.inputs["properties"]["publicNetworkAccess"] for r in private] == ["Disabled"]
    assert not any(s.inputs.get("vaultName") == key_only[0].inputs["vaultName"]
                   for s in stack.of_type("azure-native:keyvault:Secret"))


def _is_production(h: Harness) -> bool:
    return h.one("azure-native:resources:ResourceGroup").inputs["tags"]["braintrust-size"] == "production"


def test_stateful_resources_are_protected_in_production_only(production: Harness, staging: Harness) -> None:
    for h, expected in ((production, True), (staging, False)):
        stateful = [r for r in h.resources if r.typ in STATEFUL]
        assert {r.typ for r in stateful} == STATEFUL
        wrong = [f"{r.typ} {r.name}" for r in stateful if registration_of(h, r).protect is not expected]
        assert not wrong, f"protect should be {expected}: {wrong}"


def test_keys_and_blob_containers_survive_a_stack_destroy(stack: Harness) -> None:
    for token in ("azure-native:keyvault:Key", "azure-native:storage:BlobContainer",
                  "azure-native:storage:StorageAccount"):
        for resource in stack.of_type(token):
            assert registration_of(stack, resource).retain_on_delete, resource.name


def test_global_names_fit_azure_limits_and_use_the_suffix(stack: Harness, production_config: DataPlaneConfig,
                                                          staging_config: DataPlaneConfig) -> None:
    cfg = production_config if _is_production(stack) else staging_config
    vault = private_vault(stack).inputs["vaultName"]
    assert len(vault) <= 24 and re.fullmatch(r"[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]", vault)
    assert "--" not in vault and vault.endswith(cfg.suffix)
    account = stack.one("azure-native:storage:StorageAccount").inputs["accountName"]
    assert re.fullmatch(r"[a-z0-9]{3,24}", account) and account.endswith(cfg.suffix)
    assert stack.one("azure-native:dbforpostgresql:Server").inputs["serverName"].endswith(cfg.suffix)
    assert stack.one("azure-native:redisenterprise:RedisEnterprise").inputs["clusterName"].endswith(cfg.suffix)
    for pool in stack.of_type("azure-native:containerservice:AgentPool"):
        assert re.fullmatch(r"[a-z][a-z0-9]{0,11}", pool.inputs["agentPoolName"])


@pytest.mark.parametrize("secret", [STAND_INS["brainstore_license_key"], FAKE_REDIS_KEY])
def test_no_secret_reaches_any_input_in_plaintext(stack: Harness, secret: str) -> None:
    assert stack.plaintext_occurrences(secret) == []


def test_outputs(production: Harness, staging: Harness) -> None:
    assert staging.outputs["api_url"] == staging.outputs["api_internal_url"] == "http://10.185.127.250:8000"
    # The production example publishes HTTPS through Front Door; the internal address stays an output.
    assert production.outputs["api_url"].startswith("https://")
    assert production.outputs["api_internal_url"] == "http://10.185.127.250:8000"
    for h in (production, staging):
        assert h.outputs["kubernetes_namespace"] == "braintrust"
        assert h.outputs["get_credentials"].startswith("az aks get-credentials")
        assert h.outputs["key_vault_name"] == private_vault(h).inputs["vaultName"]
        assert h.outputs["storage_containers"] == {"brainstore": "brainstore", "responses": "responses",
                                                   "code_bundles": "code-bundles"}


# Resource type (as in its ARM id) and the input holding its physical name, per locked data store.
LOCKED = {
    "azure-native:dbforpostgresql:Server": ("Microsoft.DBforPostgreSQL/flexibleServers", "serverName"),
    "azure-native:redisenterprise:RedisEnterprise": ("Microsoft.Cache/redisEnterprise", "clusterName"),
    "azure-native:storage:StorageAccount": ("Microsoft.Storage/storageAccounts", "accountName"),
    "azure-native:keyvault:Vault": ("Microsoft.KeyVault/vaults", "vaultName"),
}


def test_data_stores_carry_a_delete_lock_in_production_only(production: Harness, staging: Harness) -> None:
    locks = production.of_type("azure-native:authorization:ManagementLockByScope")
    assert {lock.inputs["level"] for lock in locks} == {"CanNotDelete"}
    expected = {f"{arm_type}/{resource.inputs[name_key]}"
                for token, (arm_type, name_key) in LOCKED.items() for resource in production.of_type(token)}
    assert len(expected) == len(LOCKED) + 1  # both vaults: the private one and Managed Redis's key vault
    assert {lock.inputs["scope"].split("/providers/", 1)[1] for lock in locks} == expected
    assert not staging.of_type("azure-native:authorization:ManagementLockByScope")


def test_danger_flag_removes_protection_and_locks() -> None:
    from tests.support.stacks import build_stack

    h = build_stack("azure-production", mutate=lambda v: v.update(danger_disable_deletion_protection=True))
    assert not h.of_type("azure-native:authorization:ManagementLockByScope")
    assert registration_of(h, h.one("azure-native:dbforpostgresql:Server")).protect is False
