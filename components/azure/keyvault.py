"""Key Vault: RBAC, purge protection, no public network access; CMKs with a rotation policy.

How the deployer writes into a vault nobody can reach from the internet: every write (keys, secrets)
goes through Azure Resource Manager (``Microsoft.KeyVault/vaults/keys|secrets``), a control-plane
operation the vault firewall does not apply to. So ``pulumi up`` works from anywhere in one run, with
``publicNetworkAccess: Disabled`` from the first apply. The deployer still gets Key Vault Administrator
on this vault so a person can inspect it from inside the network (break-glass), not for the program.

Azure Managed Redis's key lives in a second, key-only vault without a network firewall: Managed Redis is not
on Key Vault's trusted-services allowlist, which Key Vault applies under ``publicNetworkAccess: Disabled`` too
(``components/facts/azure.py``), and it reaches the vault from Microsoft's network, not from the VNet. That
vault holds nothing but the Redis key (RSA, wrap/unwrap only, rotated yearly); only the Redis identity may
use the key, every request still needs an Entra token and an RBAC grant, and the secrets and the other keys
stay in the private vault.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.facts.azure import MANAGED_REDIS_IS_KEY_VAULT_TRUSTED_SERVICE
from components.tags import Tags

from .common import EndpointTarget, deletion_lock, grant, private_endpoint

# Customer-managed keys, all rotated yearly by Key Vault.
# * Consumers that follow the versionless key URI (PostgreSQL, Storage) always use the newest version, so
#   each version may expire after two years.
# * Azure Managed Redis and AKS KMS only accept a versioned key id: they keep the version they were given
#   until the next `pulumi up --refresh` passes the new one, so their versions never expire (an expired
#   KMS key breaks the cluster).
ROTATE_AFTER = "P1Y"
EXPIRE_AFTER = "P2Y"
NOTIFY_BEFORE_EXPIRY = "P30D"
VERSIONLESS_CMKS = ("postgres-cmk", "storage-cmk")
VERSIONED_CMKS = ("redis-cmk", "aks-kms")
CMK_NAMES = (*VERSIONLESS_CMKS, *VERSIONED_CMKS)
# Keys whose consumer cannot pass a Key Vault firewall: they live in the key-only vault without one.
OPEN_VAULT_CMKS: tuple[str, ...] = () if MANAGED_REDIS_IS_KEY_VAULT_TRUSTED_SERVICE else ("redis-cmk",)
PRIVATE_VAULT_CMKS = tuple(k for k in CMK_NAMES if k not in OPEN_VAULT_CMKS)
# Services wrap/unwrap their data keys; the AKS KMS plugin encrypts/decrypts etcd's data keys directly.
_OPS = azure_native.keyvault.JsonWebKeyOperation
KEY_OPERATIONS: dict[str, list[azure_native.keyvault.JsonWebKeyOperation]] = {
    name: [_OPS.ENCRYPT, _OPS.DECRYPT] if name == "aks-kms" else [_OPS.WRAP_KEY, _OPS.UNWRAP_KEY] for name in CMK_NAMES
}

KEY_ONLY_TAG = "braintrust-key-only-vault"  # the same key as policy/rules/azure.py KEY_ONLY_TAG


@dataclass(frozen=True)
class KeyVaultArgs:
    vault_name: str
    open_vault_name: str  # the key-only vault for OPEN_VAULT_CMKS (same length rules as vault_name)
    resource_group_name: pulumi.Input[str]
    location: str
    tenant_id: pulumi.Input[str]
    subscription_id: str
    tags: Tags
    protect: bool
    soft_delete_days: int
    endpoints_subnet_id: pulumi.Input[str]
    dns_zone_id: pulumi.Input[str]
    deployer_object_id: pulumi.Input[str]
    # principal id -> role on this vault (Key Vault Secrets User for the workloads)
    secret_readers: dict[str, pulumi.Input[str]]
    # key name -> (built-in role, principal id) of the identities that use it (each its own key)
    key_users: dict[str, list[tuple[str, pulumi.Input[str]]]]
    # (grantee, built-in role, principal id) on the whole vault (AKS KMS with a private vault needs one)
    vault_roles: tuple[tuple[str, str, pulumi.Input[str]], ...] = ()
    retain: bool = True  # False only for danger_ephemeral: keys are deleted (soft delete) with the stack


def rotation_policy(expires: bool = True) -> azure_native.keyvault.RotationPolicyArgs:
    rotate = azure_native.keyvault.LifetimeActionArgs(
        action=azure_native.keyvault.ActionArgs(type=azure_native.keyvault.KeyRotationPolicyActionType.ROTATE),
        trigger=azure_native.keyvault.TriggerArgs(time_after_create=ROTATE_AFTER),
    )
    if not expires:
        return azure_native.keyvault.RotationPolicyArgs(lifetime_actions=[rotate])
    return azure_native.keyvault.RotationPolicyArgs(
        attributes=azure_native.keyvault.KeyRotationPolicyAttributesArgs(expiry_time=EXPIRE_AFTER),
        lifetime_actions=[
            rotate,
            azure_native.keyvault.LifetimeActionArgs(
                action=azure_native.keyvault.ActionArgs(type=azure_native.keyvault.KeyRotationPolicyActionType.NOTIFY),
                trigger=azure_native.keyvault.TriggerArgs(time_before_expiry=NOTIFY_BEFORE_EXPIRY),
            ),
        ],
    )


class KeyVault(pulumi.ComponentResource):
    vault_id: pulumi.Output[str]
    vault_name: pulumi.Output[str]
    vault_uri: pulumi.Output[str]
    key_ids: dict[str, pulumi.Output[str]]  # ARM ids (role assignment scopes)
    key_uris: dict[str, pulumi.Output[str]]  # versionless key URIs (follow rotation)
    key_versioned_uris: dict[str, pulumi.Output[str]]  # for consumers that only take a key version
    key_names: dict[str, pulumi.Output[str]]
    key_vault_uris: dict[str, pulumi.Output[str]]  # the vault each key lives in
    grants: list[pulumi.Resource]  # consumers of the keys depend on these

    def __init__(self, name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:KeyVault", name, None, opts)
        vault, deployer = self._vault(name, args.vault_name, args, private=True)
        private_endpoint(
            f"{name}-pe",
            parent=self,
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet_id=args.endpoints_subnet_id,
            target=EndpointTarget(vault.id, "vault", args.dns_zone_id),
            tags=args.tags,
        )
        self.grants = []
        for reader, principal in args.secret_readers.items():
            self.grants.append(grant(
                f"{name}-{reader}-secrets-user", parent=self, subscription_id=args.subscription_id,
                role="Key Vault Secrets User", principal_id=principal, scope=vault.id,
            ))
        self.key_ids, self.key_uris, self.key_versioned_uris, self.key_names = {}, {}, {}, {}
        self.key_vault_uris = {}
        for key_name in PRIVATE_VAULT_CMKS:
            self._key(name, args, key_name, vault, deployer)
        if OPEN_VAULT_CMKS:
            # Key-only, without a firewall: Managed Redis is not a Key Vault trusted service (module docstring).
            open_vault, open_deployer = self._vault(f"{name}-open", args.open_vault_name, args, private=False)
            for key_name in OPEN_VAULT_CMKS:
                self._key(f"{name}-open", args, key_name, open_vault, open_deployer)
        for grantee, role, principal in args.vault_roles:
            self.grants.append(grant(
                f"{name}-{grantee}-{role.lower().replace(' ', '-')}", parent=self,
                subscription_id=args.subscription_id, role=role, principal_id=principal, scope=vault.id,
            ))
        self.vault_id = vault.id
        self.vault_name = vault.name
        self.vault_uri = vault.properties.apply(lambda p: p.vault_uri or "")
        self.register_outputs({"vault_id": self.vault_id, "vault_name": self.vault_name,
                               "vault_uri": self.vault_uri})

    def _vault(self, prefix: str, vault_name: str, args: KeyVaultArgs, *,
               private: bool) -> tuple[azure_native.keyvault.Vault, pulumi.Resource]:
        """A vault with RBAC, soft delete and purge protection (and its lock in production), and the deployer's
        admin grant. ``private``: no public network access (the private endpoint is added by the caller);
        otherwise reachable over the network and declared key-only, which the policy pack holds it to."""
        vault = azure_native.keyvault.Vault(
            f"{prefix}-vault",
            vault_name=vault_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            properties=azure_native.keyvault.VaultPropertiesArgs(
                tenant_id=args.tenant_id,
                sku=azure_native.keyvault.SkuArgs(family=azure_native.keyvault.SkuFamily.A,
                                                  name=azure_native.keyvault.SkuName.STANDARD),
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=args.soft_delete_days,
                enable_purge_protection=True,
                public_network_access="Disabled" if private else "Enabled",
                # Private: trusted services (Storage, PostgreSQL) still reach their CMKs; everyone else needs
                # the private endpoint.
                network_acls=azure_native.keyvault.NetworkRuleSetArgs(
                    default_action=(azure_native.keyvault.NetworkRuleAction.DENY if private
                                    else azure_native.keyvault.NetworkRuleAction.ALLOW),
                    bypass=azure_native.keyvault.NetworkRuleBypassOptions.AZURE_SERVICES,
                ),
                enabled_for_deployment=False,
                enabled_for_template_deployment=False,
                enabled_for_disk_encryption=False,
            ),
            # A vault reachable over the network declares itself key-only: the policy pack refuses any secret
            # stored in it (policy/rules/azure.py KEY_ONLY_TAG).
            tags=args.tags if private else {**args.tags, KEY_ONLY_TAG: "true"},
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect),
        )
        if args.protect:
            deletion_lock(f"{prefix}-lock", parent=self, scope=vault.id,
                          what="Key Vault" if private else "Key Vault (Redis key)")
        deployer = grant(
            f"{prefix}-deployer-admin", parent=self, subscription_id=args.subscription_id,
            role="Key Vault Administrator", principal_id=args.deployer_object_id, scope=vault.id,
            service_principal=False,
        )
        return vault, deployer

    def _key(self, prefix: str, args: KeyVaultArgs, key_name: str, vault: azure_native.keyvault.Vault,
             deployer: pulumi.Resource) -> None:
        key = azure_native.keyvault.Key(
            f"{prefix}-{key_name}",
            vault_name=vault.name,
            resource_group_name=args.resource_group_name,
            key_name=key_name,
            properties=azure_native.keyvault.KeyPropertiesArgs(
                kty=azure_native.keyvault.JsonWebKeyType.RSA,
                key_size=4096,
                key_ops=KEY_OPERATIONS[key_name],
                rotation_policy=rotation_policy(expires=key_name in VERSIONLESS_CMKS),
            ),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.retain,
                                        depends_on=[deployer]),
        )
        self.key_ids[key_name] = key.id
        self.key_uris[key_name] = key.key_uri
        self.key_versioned_uris[key_name] = key.key_uri_with_version
        self.key_names[key_name] = key.name
        self.key_vault_uris[key_name] = vault.properties.apply(lambda p: p.vault_uri or "")
        for index, (role, principal) in enumerate(args.key_users.get(key_name, [])):
            self.grants.append(grant(
                f"{prefix}-{key_name}-user{'' if index == 0 else index + 1}", parent=self,
                subscription_id=args.subscription_id, role=role, principal_id=principal, scope=key.id,
            ))
