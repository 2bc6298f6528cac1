"""Service limits and naming rules the configuration validator enforces, each with its source.

A value here is something a cloud (or an RFC) decides and that fails ``pulumi up`` when exceeded; the
validator (``components/config``) refuses it before any resource exists. Choices that are ours (floors
on allow-lists, the production backup floor) live next to the rule that uses them, not here.
"""

from __future__ import annotations

import ipaddress

from .model import Check, register

# ----- address space -----

PRIVATE_RANGES: tuple[ipaddress.IPv4Network, ...] = register(
    "net.private_ranges",
    tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")),
    "https://www.rfc-editor.org/rfc/rfc1918#section-3 ; https://www.rfc-editor.org/rfc/rfc6598#section-7",
    Check.DOCS,
    note="RFC 1918 private space plus RFC 6598 shared address space (accepted by AWS, GCP and Azure networks)",
)
AWS_VPC_PREFIX = register(
    "aws.vpc.cidr_prefix_range", (16, 28),
    "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
    Check.DOCS, note="a VPC's IPv4 block is between a /16 and a /28",
)
GKE_MAX_AUTHORIZED_NETWORKS = register(
    "gcp.gke.max_authorized_networks", 50,
    "https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks",
    Check.DOCS, note="CIDR blocks in masterAuthorizedNetworksConfig of a cluster with a public endpoint",
)
AKS_MAX_AUTHORIZED_IP_RANGES = register(
    "azure.aks.max_authorized_ip_ranges", 200,
    "https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges",
    Check.DOCS, note="apiServerAccessProfile.authorizedIPRanges entries",
)
AKS_OVERLAY_NO_OVERLAP = register(
    "azure.aks.overlay_ranges_outside_vnet", True,
    "https://learn.microsoft.com/azure/aks/azure-cni-overlay#ip-address-planning",
    Check.DOCS,
    note="the overlay pod CIDR and the service CIDR must not overlap the cluster VNet or peered networks",
)

# ----- names and tags -----

S3_RESERVED_PREFIXES: tuple[str, ...] = register(
    "aws.s3.bucket_reserved_prefixes", ("xn--", "sthree-", "amzn-s3-demo-"),
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    Check.DOCS,
)
S3_RESERVED_SUFFIXES: tuple[str, ...] = register(
    "aws.s3.bucket_reserved_suffixes", ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"),
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    Check.DOCS,
)
GCS_RESERVED = register(
    "gcp.gcs.bucket_reserved_words", {"prefix": "goog", "contains": ("google", "g00gle")},
    "https://cloud.google.com/storage/docs/buckets#naming",
    Check.DOCS, note="names cannot begin with 'goog' nor contain 'google' or close misspellings such as 'g00gle'",
)
AZURE_RESERVED = register(
    "azure.names.reserved_words", {"substrings": ("microsoft", "windows"), "prefixes": ("login",)},
    "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-reserved-resource-name ; "
    "MicrosoftDocs/azure-docs@012ad30/articles/azure-resource-manager/troubleshooting/error-reserved-resource-name.md",
    Check.DOCS,
    note="resources with a public endpoint (Key Vault, storage account, PostgreSQL, Redis, Front Door); the whole-"
         "word list cannot match our composite names",
)
AWS_TAGS = register(
    "aws.tags.rules", {"key_max": 128, "value_max": 256, "per_resource": 50, "reserved_prefix": "aws:",
                       "allowed_punctuation": " _.:/=+-@"},
    "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html",
    Check.DOCS,
)
AZURE_TAGS = register(
    "azure.tags.rules", {"key_max": 128, "value_max": 256, "per_resource": 15, "forbidden_in_key": "<>%&\\?/#:"},
    "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations ; "
    "MicrosoftDocs/azure-docs@ccf574a/articles/azure-resource-manager/management/tag-resources.md",
    Check.DOCS,
    note="key 128 for storage accounts (512 elsewhere); Front Door forbids # and : in keys; CDN/Front Door "
         "profiles and private DNS zones take only 15 tags; DNS zone tag names: no spaces, no leading digit",
)
GCP_LABELS = register(
    "gcp.labels.rules", {"per_resource": 64, "key_max": 63, "value_max": 63},
    "https://cloud.google.com/compute/docs/labeling-resources#requirements",
    Check.DOCS,
)

# ----- sizes and counts -----

RDS_POSTGRES_GP3_STORAGE_GIB = register(
    "aws.rds.postgres_gp3_storage_gib", (20, 65536),
    "pypi:botocore==1.44.8/botocore/data/rds/2014-10-31/service-2.json",
    Check.CONTRACT, note="CreateDBInstanceMessage.AllocatedStorage, RDS for PostgreSQL, gp2/gp3",
)
RDS_IOPS_PER_GIB = register(
    "aws.rds.iops_per_gib", (0.5, 50),
    "pypi:botocore==1.44.8/botocore/data/rds/2014-10-31/service-2.json",
    Check.CONTRACT, note="CreateDBInstanceMessage.Iops: a multiple between .5 and 50 of the storage amount",
)
RDS_GP3_PROVISIONED = register(
    "aws.rds.gp3_provisioned_range", {"iops": (12000, 64000), "throughput_mibps": (500, 4000)},
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage",
    Check.DOCS, note="RDS for PostgreSQL gp3 from 400 GiB: baseline 12,000 IOPS / 500 MiB/s, up to 64,000 / 4,000",
)
CLOUDSQL_STORAGE_GB = register(
    "gcp.cloudsql.storage_gb", (10, 65536),
    "pypi:google-api-python-client==2.202.0/googleapiclient/discovery_cache/documents/sqladmin.v1.json ; "
    "https://cloud.google.com/sql/docs/quotas#storage_limits",
    Check.CONTRACT,
    note="the minimum (10 GB) is in Settings.dataDiskSizeGb of the discovery document; the 64 TB maximum is docs",
)
MEMORYSTORE_GB = register(
    "gcp.memorystore.capacity_gb", (1, 300),
    "https://cloud.google.com/memorystore/docs/redis/pricing#instance_pricing ; "
    "pypi:google-api-python-client==2.202.0/googleapiclient/discovery_cache/documents/redis.v1.json",
    Check.DOCS,
    note="capacity tiers M1 (1 GB) to M5 (300 GB); Instance.memorySizeGb is a whole number of GiB (int32)",
)
GKE_NODES_PER_POOL_ZONE = register(
    "gcp.gke.max_nodes_per_pool_per_zone", 1000,
    "https://cloud.google.com/kubernetes-engine/quotas",
    Check.DOCS,
)
AKS_NODES_PER_POOL = register(
    "azure.aks.max_nodes_per_pool", 1000,
    "https://learn.microsoft.com/azure/aks/quotas-skus-regions",
    Check.DOCS,
)
SYSTEM_POOL_MIN_NODES = register(
    "kubernetes.system_pool_min_nodes", 1,
    "https://learn.microsoft.com/azure/aks/use-system-pools",
    Check.DOCS, note="a system node pool keeps at least one node (AKS refuses 0); GKE needs one for kube-system",
)
AZURE_POSTGRES_BACKUP_DAYS = register(
    "azure.postgres.backup_retention_days", (7, 35),
    "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore",
    Check.DOCS,
)
LAMBDA_PROVISIONED_WITHIN_RESERVED = register(
    "aws.lambda.provisioned_le_reserved", True,
    "https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html",
    Check.DOCS, note="a function's provisioned concurrency cannot exceed its reserved concurrency",
)
POSTGRES_INT_MAX = register(
    "postgres.int_setting_max", 2_147_483_647,
    "https://www.postgresql.org/docs/current/view-pg-settings.html",
    Check.DOCS, note="integer settings such as statement_timeout are 32-bit (pg_settings.max_val)",
)
INT32_MAX = register(
    "api.int32_max", 2_147_483_647,
    "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/",
    Check.DOCS,
    note="counts and sizes cross the clouds' APIs as int32 (Kubernetes replicas, Memorystore memorySizeGb, "
         "GKE node counts); no configured integer may exceed it",
)
DEFAULT_BACKUP_DAYS = register(
    "postgres.default_backup_retention_days", 7,
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html ; "
    "https://cloud.google.com/sql/docs/postgres/backup-recovery/backups ; "
    "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore",
    Check.DOCS,
    note="the default retention of the three managed PostgreSQL services (RDS console, Cloud SQL, Flexible "
         "Server); production may not go below it (policy postgres-backup-retention uses the same floor)",
)

# ----- Braintrust -----

UPSTREAM_CORS_ORIGINS: tuple[str, ...] = register(
    "braintrust.cors.default_origins",
    ("https://braintrust.dev", "https://*.braintrust.dev", "https://*.preview.braintrust.dev"),
    "braintrustdata/terraform-aws-braintrust-data-plane@6bf9b11/modules/storage/main.tf:3-7 ; "
    "braintrustdata/terraform-google-braintrust-data-plane@1bb7454/modules/storage/main.tf:6-10",
    Check.UPSTREAM,
    note="the browser UI is served from braintrust.dev and its subdomains (previews); the wildcard is "
         "Braintrust's own and the only one allowed",
)
