"""Storage account for Brainstore, responses and code bundles.

Entra-only (no shared keys), TLS 1.2, no public blobs, no public network access (private endpoint),
CMK through a user-assigned identity, versioning + soft delete, and lifecycle rules equivalent to the
AWS/GCP buckets (the upstream Azure module has none, so responses and caches never expired there).
StorageV2 Standard rather than upstream's Premium BlockBlob: every data-protection and lifecycle
feature is generally available on it, as on S3/GCS Standard used by the other clouds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.tags import Tags

from .common import EndpointTarget, deletion_lock, grant, private_endpoint

CONTAINERS = {"brainstore": "brainstore", "responses": "responses", "code_bundles": "code-bundles"}
SOFT_DELETE_DAYS = 7
NONCURRENT_VERSION_DAYS = 7
RESPONSE_DAYS = 1  # responses and the Brainstore response cache are short-lived (GCP/AWS: 1 day)
# Brainstore writes delete markers here; Braintrust's modules expire them after 7 days (path is fixed).
DELETE_OPS_PREFIXES = ("brainstore/brainstore/index/delete_ops/", "brainstore/brainstore/wal/delete_ops/")
CORS_METHODS = ["GET", "PUT", "HEAD"]


@dataclass(frozen=True)
class StorageArgs:
    account_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: str
    tags: Tags
    protect: bool
    zone_redundant: bool
    cors_origins: list[str]
    endpoints_subnet_id: pulumi.Input[str]
    dns_zone_id: pulumi.Input[str]
    key_vault_uri: pulumi.Input[str]
    cmk_key_name: pulumi.Input[str]
    cmk_identity_id: pulumi.Input[str]
    data_contributor_principal_id: pulumi.Input[str]  # the workload identity
    depends_on: list[pulumi.Resource]  # the CMK role assignment must exist before the account
    retain: bool = True  # False only for danger_ephemeral: the account goes with the stack


def lifecycle_rules() -> list[azure_native.storage.ManagementPolicyRuleArgs]:
    def rule(name: str, prefixes: list[str], *, base_days: int | None = None,
             version_days: int | None = None) -> azure_native.storage.ManagementPolicyRuleArgs:
        return azure_native.storage.ManagementPolicyRuleArgs(
            name=name,
            type=azure_native.storage.RuleType.LIFECYCLE,
            enabled=True,
            definition=azure_native.storage.ManagementPolicyDefinitionArgs(
                filters=azure_native.storage.ManagementPolicyFilterArgs(blob_types=["blockBlob"],
                                                                        prefix_match=prefixes),
                actions=azure_native.storage.ManagementPolicyActionArgs(
                    base_blob=azure_native.storage.ManagementPolicyBaseBlobArgs(
                        delete=azure_native.storage.DateAfterModificationArgs(
                            days_after_modification_greater_than=base_days),
                    ) if base_days is not None else None,
                    version=azure_native.storage.ManagementPolicyVersionArgs(
                        delete=azure_native.storage.DateAfterCreationArgs(
                            days_after_creation_greater_than=version_days),
                    ) if version_days is not None else None,
                ),
            ),
        )

    return [
        rule("noncurrent-versions", ["brainstore/", "code-bundles/"], version_days=NONCURRENT_VERSION_DAYS),
        rule("brainstore-delete-ops", list(DELETE_OPS_PREFIXES), base_days=7),
        rule("responses-expire", ["responses/"], base_days=RESPONSE_DAYS, version_days=RESPONSE_DAYS),
    ]


class Storage(pulumi.ComponentResource):
    account_name: pulumi.Output[str]
    account_id: pulumi.Output[str]
    blob_endpoint: pulumi.Output[str]
    containers: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:Storage", name, None, opts)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.retain)
        account = azure_native.storage.StorageAccount(
            f"{name}-account",
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind=azure_native.storage.Kind.STORAGE_V2,
            sku=azure_native.storage.SkuArgs(name=(azure_native.storage.SkuName.STANDARD_ZRS if args.zone_redundant
                                                  else azure_native.storage.SkuName.STANDARD_LRS)),
            access_tier=azure_native.storage.AccessTier.HOT,
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            allow_blob_public_access=False,
            allow_cross_tenant_replication=False,
            enable_https_traffic_only=True,
            minimum_tls_version=azure_native.storage.MinimumTlsVersion.TLS1_2,
            public_network_access=azure_native.storage.PublicNetworkAccess.DISABLED,
            network_rule_set=azure_native.storage.NetworkRuleSetArgs(
                default_action=azure_native.storage.DefaultAction.DENY, bypass=azure_native.storage.Bypass.NONE),
            identity=azure_native.storage.IdentityArgs(
                type=azure_native.storage.IdentityType.USER_ASSIGNED, user_assigned_identities=[args.cmk_identity_id],
            ),
            encryption=azure_native.storage.EncryptionArgs(
                key_source=azure_native.storage.KeySource.MICROSOFT_KEYVAULT,
                require_infrastructure_encryption=True,
                key_vault_properties=azure_native.storage.KeyVaultPropertiesArgs(
                    key_name=args.cmk_key_name,
                    key_vault_uri=args.key_vault_uri,  # no key_version: follows automatic rotation
                ),
                encryption_identity=azure_native.storage.EncryptionIdentityArgs(
                    encryption_user_assigned_identity=args.cmk_identity_id,
                ),
                services=azure_native.storage.EncryptionServicesArgs(
                    blob=azure_native.storage.EncryptionServiceArgs(enabled=True,
                                                                key_type=azure_native.storage.KeyType.ACCOUNT),
                ),
            ),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.retain,
                                        depends_on=args.depends_on),
        )
        if args.protect:
            deletion_lock(f"{name}-lock", parent=self, scope=account.id, what="storage account")
        blob_service = azure_native.storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=account.name,
            resource_group_name=args.resource_group_name,
            blob_services_name="default",
            is_versioning_enabled=True,
            delete_retention_policy=azure_native.storage.DeleteRetentionPolicyArgs(enabled=True,
                                                                                 days=SOFT_DELETE_DAYS),
            container_delete_retention_policy=azure_native.storage.DeleteRetentionPolicyArgs(
                enabled=True, days=SOFT_DELETE_DAYS),
            cors=azure_native.storage.CorsRulesArgs(cors_rules=[azure_native.storage.CorsRuleArgs(
                allowed_origins=args.cors_origins,
                allowed_methods=CORS_METHODS,
                allowed_headers=["*"],
                exposed_headers=["*"],
                max_age_in_seconds=3600,
            )]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        azure_native.storage.ManagementPolicy(
            f"{name}-lifecycle",
            account_name=account.name,
            resource_group_name=args.resource_group_name,
            management_policy_name="default",
            policy=azure_native.storage.ManagementPolicySchemaArgs(rules=lifecycle_rules()),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[blob_service]),
        )
        self.containers = {}
        for key, container_name in CONTAINERS.items():
            container = azure_native.storage.BlobContainer(
                f"{name}-{container_name}",
                account_name=account.name,
                resource_group_name=args.resource_group_name,
                container_name=container_name,
                public_access=azure_native.storage.PublicAccess.NONE,
                opts=stateful,
            )
            self.containers[key] = container.name
        grant(
            f"{name}-workload-blob-contributor", parent=self, subscription_id=args.subscription_id,
            role="Storage Blob Data Contributor", principal_id=args.data_contributor_principal_id,
            scope=account.id,
        )
        private_endpoint(
            f"{name}-pe",
            parent=self,
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet_id=args.endpoints_subnet_id,
            target=EndpointTarget(account.id, "blob", args.dns_zone_id),
            tags=args.tags,
        )
        self.account_name = account.name
        self.account_id = account.id
        self.blob_endpoint = account.primary_endpoints.apply(lambda e: e.blob)
        self.register_outputs({"account_name": self.account_name, "blob_endpoint": self.blob_endpoint})
