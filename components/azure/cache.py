"""Azure Managed Redis (redisenterprise, Redis 7.4): TLS only, private endpoint only, CMK, HA in production.

Classic Azure Cache for Redis stops at Redis 6, below the seed's 7. The database uses the
``EnterpriseCluster`` policy, which exposes one endpoint to non-cluster-aware clients.

Brainstore keeps state in Redis, so the database persists it (RDB snapshots, like GCP's Memorystore): after a
failure of both nodes the cache comes back from the newest snapshot instead of empty. RDB rather than AOF:
Microsoft documents minimal throughput impact for RDB, and AOF and RDB cannot be combined. Snapshots sit on a
managed disk encrypted with the cache's customer-managed key.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.facts.azure import MANAGED_REDIS_RDB_FREQUENCY
from components.sizing.model import CacheSize
from components.tags import Tags

from .common import EndpointTarget, deletion_lock, private_endpoint

PORT = 10000


def persistence() -> azure_native.redisenterprise.PersistenceArgs:
    return azure_native.redisenterprise.PersistenceArgs(
        rdb_enabled=True,
        rdb_frequency=azure_native.redisenterprise.RdbFrequency(MANAGED_REDIS_RDB_FREQUENCY),
        aof_enabled=False,
    )


@dataclass(frozen=True)
class CacheArgs:
    cluster_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    tags: Tags
    protect: bool
    size: CacheSize
    endpoints_subnet_id: pulumi.Input[str]
    dns_zone_id: pulumi.Input[str]
    cmk_versioned_key_uri: pulumi.Input[str]  # Managed Redis takes only a versioned key URL
    cmk_identity_id: pulumi.Input[str]
    depends_on: list[pulumi.Resource]  # the CMK role assignment must exist before the cache


class Cache(pulumi.ComponentResource):
    host_name: pulumi.Output[str]
    port: int
    access_key: pulumi.Output[str]  # secret

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:Cache", name, None, opts)
        cluster = azure_native.redisenterprise.RedisEnterprise(
            f"{name}-cluster",
            cluster_name=args.cluster_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=azure_native.redisenterprise.SkuArgs(name=args.size.sku),
            minimum_tls_version=azure_native.redisenterprise.TlsVersion.TLS_VERSION_1_2,
            high_availability=(azure_native.redisenterprise.HighAvailability.ENABLED if args.size.high_availability
                               else azure_native.redisenterprise.HighAvailability.DISABLED),
            public_network_access=azure_native.redisenterprise.PublicNetworkAccess.DISABLED,
            identity=azure_native.redisenterprise.ManagedServiceIdentityArgs(
                type=azure_native.redisenterprise.ManagedServiceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[args.cmk_identity_id],
            ),
            encryption=azure_native.redisenterprise.ClusterPropertiesEncryptionArgs(
                customer_managed_key_encryption=azure_native.redisenterprise.ClusterPropertiesCustomerManagedKeyEncryptionArgs(
                    key_encryption_key_url=args.cmk_versioned_key_uri,
                    key_encryption_key_identity=azure_native.redisenterprise.ClusterPropertiesKeyEncryptionKeyIdentityArgs(
                        identity_type=azure_native.redisenterprise.CmkIdentityType.USER_ASSIGNED_IDENTITY,
                        user_assigned_identity_resource_id=args.cmk_identity_id,
                    ),
                ),
            ),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=args.depends_on),
        )
        if args.protect:
            deletion_lock(f"{name}-lock", parent=self, scope=cluster.id, what="Redis cache")
        database = azure_native.redisenterprise.Database(
            f"{name}-db",
            cluster_name=cluster.name,
            resource_group_name=args.resource_group_name,
            database_name="default",
            client_protocol=azure_native.redisenterprise.Protocol.ENCRYPTED,
            port=PORT,
            clustering_policy=azure_native.redisenterprise.ClusteringPolicy.ENTERPRISE_CLUSTER,
            # Locks and transaction state live here: never evict them under memory pressure.
            eviction_policy=azure_native.redisenterprise.EvictionPolicy.NO_EVICTION,
            # The chart reads REDIS_URL with a password; Entra tokens are not supported by the services.
            access_keys_authentication=azure_native.redisenterprise.AccessKeysAuthentication.ENABLED,
            persistence=persistence(),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        private_endpoint(
            f"{name}-pe",
            parent=self,
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet_id=args.endpoints_subnet_id,
            target=EndpointTarget(cluster.id, "redisEnterprise", args.dns_zone_id),
            tags=args.tags,
        )
        keys = azure_native.redisenterprise.list_database_keys_output(
            cluster_name=cluster.name,
            database_name=database.name,
            resource_group_name=args.resource_group_name,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        self.host_name = cluster.host_name
        self.cluster_id = cluster.id  # metric alerts are scoped to it
        self.port = PORT
        self.access_key = pulumi.Output.secret(keys.primary_key.apply(lambda key: key or ""))
        self.register_outputs({"host_name": self.host_name})
