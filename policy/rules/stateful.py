"""Which resource types hold state, by kind; shared by the protection rules and the stateful audit test."""

from __future__ import annotations

DATABASES = (
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "azure-native:dbforpostgresql:Server",
    # Deleting a logical database drops its tables even though the server survives.
    "azure-native:dbforpostgresql:Database",
    "gcp:sql/database:Database",
)
CACHES = (
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/cluster:Cluster",
    "aws:elasticache/serverlessCache:ServerlessCache",
    "gcp:redis/instance:Instance",
    "azure-native:redis:Redis",
    "azure-native:redisenterprise:RedisEnterprise",
    "azure-native:redisenterprise:Database",
)
BUCKETS = (
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "gcp:storage/bucket:Bucket",
    "azure-native:storage:StorageAccount",
    "azure-native:storage:BlobContainer",
)
KEYS = (
    "aws:kms/key:Key",
    "gcp:kms/cryptoKey:CryptoKey",
    "azure-native:keyvault:Key",
)
VAULTS = (
    "azure-native:keyvault:Vault",
)
DISKS = (
    "aws:ebs/volume:Volume",
    "gcp:compute/disk:Disk",
    "azure-native:compute:Disk",
)
# Secret stores and the generators of keys and passwords: deleting or replacing one changes a password or
# a signing key under running services (every function token signed with the old key stops working).
SECRETS = (
    "aws:secretsmanager/secret:Secret",
    "gcp:secretmanager/secret:Secret",
    "azure-native:keyvault:Secret",
    "random:index/randomPassword:RandomPassword",
)

STATEFUL: tuple[str, ...] = (*DATABASES, *CACHES, *BUCKETS, *KEYS, *VAULTS, *DISKS, *SECRETS)
# Deleting these loses data or makes data unreadable even after `pulumi destroy` of a staging stack was
# intended: they stay behind (retain_on_delete) and are cleaned up by hand.
RETAINED: tuple[str, ...] = (*BUCKETS, *KEYS)


def kind_of(resource_type: str) -> str:
    for kind, types in (("database", DATABASES), ("cache", CACHES), ("bucket", BUCKETS), ("key", KEYS),
                        ("vault", VAULTS), ("disk", DISKS), ("secret", SECRETS)):
        if resource_type in types:
            return kind
    return ""
