"""Capabilities of every SKU a preset (or an override) may use, with the source of each figure.

Adding a SKU here is how a user unlocks it for overrides: the config validator rejects SKUs that are
not listed, because we cannot check an unknown SKU against the seed's hardware table.

Units: memory in GiB (as the clouds publish it), local NVMe in decimal GB (as the seed writes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from components.config.common import Cloud


class Kind(StrEnum):
    COMPUTE = "compute"  # VMs / Kubernetes nodes (Brainstore, node pools)
    DATABASE = "database"  # managed PostgreSQL
    CACHE = "cache"  # managed Redis


class Arch(StrEnum):
    ARM64 = "arm64"
    X86_64 = "x86_64"


GIB_TO_GB = 1.073741824


@dataclass(frozen=True)
class Sku:
    cloud: Cloud
    kind: Kind
    name: str
    vcpu: float | None  # None only where the provider does not publish vCPUs (see note)
    memory_gib: float | None  # None where capacity is chosen separately (GCP Memorystore)
    arch: Arch | None
    burstable: bool
    source: str
    local_nvme_gb: int = 0
    max_iops: int | None = None  # instance-level storage IOPS cap, where the provider publishes one
    note: str = ""


_AWS_EC2 = "https://aws.amazon.com/ec2/instance-types/"
_AWS_RDS = "https://aws.amazon.com/rds/instance-types/"
# ElastiCache memory below is usable memory (maxmemory), not node RAM: the stricter reading.
_AWS_CACHE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html"
_GCP_C4A = "https://cloud.google.com/compute/docs/general-purpose-machines#c4a_series"
_GCP_N2 = "https://cloud.google.com/compute/docs/general-purpose-machines#n2_series"
_GCP_SQL = "https://cloud.google.com/sql/docs/postgres/instance-settings#machine-type-2ndgen"
_GCP_REDIS = "https://cloud.google.com/memorystore/docs/redis/pricing#instance_pricing"
_C4A_NOTE = "Titanium SSD as GKE ephemeral storage; Hyperdisk boot disk only"
_AZ_DPDSV6 = "https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dpdsv6-series"
_AZ_DDSV6 = "https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/ddsv6-series"
_AZ_DSV5 = "https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dsv5-series"
_AZ_PG = "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-compute"
_AZ_AMR = "https://learn.microsoft.com/azure/redis/overview#choosing-the-right-tier"

_C, _D, _R = Kind.COMPUTE, Kind.DATABASE, Kind.CACHE
_A, _X = Arch.ARM64, Arch.X86_64

_TABLE: tuple[Sku, ...] = (
    # --- AWS: Brainstore (Graviton4 with local NVMe; upstream uses the c8gd family) ---
    Sku(Cloud.AWS, _C, "c8gd.xlarge", 4, 8, _A, False, _AWS_EC2, local_nvme_gb=237),
    Sku(Cloud.AWS, _C, "c8gd.2xlarge", 8, 16, _A, False, _AWS_EC2, local_nvme_gb=474),
    Sku(Cloud.AWS, _C, "c8gd.4xlarge", 16, 32, _A, False, _AWS_EC2, local_nvme_gb=950),
    Sku(Cloud.AWS, _C, "c8gd.8xlarge", 32, 64, _A, False, _AWS_EC2, local_nvme_gb=1900),
    Sku(Cloud.AWS, _C, "c8gd.12xlarge", 48, 96, _A, False, _AWS_EC2, local_nvme_gb=2850),
    Sku(Cloud.AWS, _C, "m8gd.4xlarge", 16, 64, _A, False, _AWS_EC2, local_nvme_gb=950),
    Sku(Cloud.AWS, _C, "m8gd.8xlarge", 32, 128, _A, False, _AWS_EC2, local_nvme_gb=1900),
    Sku(Cloud.AWS, _C, "i8g.4xlarge", 16, 128, _A, False, _AWS_EC2, local_nvme_gb=3750),
    Sku(Cloud.AWS, _C, "c6id.4xlarge", 16, 32, _X, False, _AWS_EC2, local_nvme_gb=950),
    Sku(Cloud.AWS, _C, "c6id.8xlarge", 32, 64, _X, False, _AWS_EC2, local_nvme_gb=1900),
    # --- AWS: RDS PostgreSQL ---
    Sku(Cloud.AWS, _D, "db.t4g.large", 2, 8, _A, True, _AWS_RDS),
    Sku(Cloud.AWS, _D, "db.m7g.large", 2, 8, _A, False, _AWS_RDS),
    Sku(Cloud.AWS, _D, "db.r8g.large", 2, 16, _A, False, _AWS_RDS),
    Sku(Cloud.AWS, _D, "db.r8g.xlarge", 4, 32, _A, False, _AWS_RDS),
    Sku(Cloud.AWS, _D, "db.r8g.2xlarge", 8, 64, _A, False, _AWS_RDS),
    Sku(Cloud.AWS, _D, "db.r8g.4xlarge", 16, 128, _A, False, _AWS_RDS),
    Sku(Cloud.AWS, _D, "db.r7g.2xlarge", 8, 64, _A, False, _AWS_RDS),
    # --- AWS: ElastiCache (Redis OSS) ---
    Sku(Cloud.AWS, _R, "cache.t4g.small", 2, 1.37, _A, True, _AWS_CACHE),
    Sku(Cloud.AWS, _R, "cache.t4g.medium", 2, 3.09, _A, True, _AWS_CACHE),
    Sku(Cloud.AWS, _R, "cache.m7g.large", 2, 6.38, _A, False, _AWS_CACHE),
    Sku(Cloud.AWS, _R, "cache.r7g.large", 2, 13.07, _A, False, _AWS_CACHE),
    Sku(Cloud.AWS, _R, "cache.r7g.xlarge", 4, 26.32, _A, False, _AWS_CACHE),
    # --- GCP: Brainstore (C4A Axion with Titanium local SSD: 1/2/4/6 x 375 GiB for -4/-8/-16/-32 -lssd).
    # GKE Standard exposes the disks as node ephemeral storage (ephemeral_storage_local_ssd_config);
    # C4A boots only from Hyperdisk, so its pools use hyperdisk-balanced boot disks.
    Sku(Cloud.GCP, _C, "c4a-standard-4-lssd", 4, 16, _A, False, _GCP_C4A, local_nvme_gb=403, note=_C4A_NOTE),
    Sku(Cloud.GCP, _C, "c4a-standard-8-lssd", 8, 32, _A, False, _GCP_C4A, local_nvme_gb=805, note=_C4A_NOTE),
    Sku(Cloud.GCP, _C, "c4a-standard-16-lssd", 16, 64, _A, False, _GCP_C4A, local_nvme_gb=1611, note=_C4A_NOTE),
    Sku(Cloud.GCP, _C, "c4a-standard-32-lssd", 32, 128, _A, False, _GCP_C4A, local_nvme_gb=2416, note=_C4A_NOTE),
    # --- GCP: node pools for system and API ---
    Sku(Cloud.GCP, _C, "n2-standard-2", 2, 8, _X, False, _GCP_N2),
    Sku(Cloud.GCP, _C, "n2-standard-4", 4, 16, _X, False, _GCP_N2),
    Sku(Cloud.GCP, _C, "n2-standard-8", 8, 32, _X, False, _GCP_N2),
    Sku(Cloud.GCP, _C, "n2-standard-16", 16, 64, _X, False, _GCP_N2),
    # --- GCP: Cloud SQL for PostgreSQL on PD-SSD: 30 IOPS per GiB (read and write), capped per instance by
    # vCPU count as for Compute Engine pd-ssd: 15,000 up to 15 vCPUs, 25,000 for 16-31. Storage size drives
    # IOPS (1,000 GB -> 30,000, capped at 15,000 on 8 vCPUs); there is no provisioned-IOPS setting.
    Sku(Cloud.GCP, _D, "db-custom-2-8192", 2, 8, _X, False, _GCP_SQL, max_iops=15000,
        note="Enterprise edition; PD-SSD 30 IOPS/GiB"),
    Sku(Cloud.GCP, _D, "db-custom-4-16384", 4, 16, _X, False, _GCP_SQL, max_iops=15000,
        note="Enterprise edition; PD-SSD 30 IOPS/GiB"),
    Sku(Cloud.GCP, _D, "db-perf-optimized-N-8", 8, 64, _X, False, _GCP_SQL, max_iops=15000,
        note="Enterprise Plus (N2); PD-SSD 30 IOPS/GiB; data cache serves hot reads from local SSD"),
    Sku(Cloud.GCP, _D, "db-perf-optimized-N-16", 16, 128, _X, False, _GCP_SQL, max_iops=25000,
        note="Enterprise Plus (N2); PD-SSD 30 IOPS/GiB; data cache serves hot reads from local SSD"),
    # --- GCP: Memorystore for Redis 7.2 (capacity chosen with memory_gib: M1 1-4 GB, M2 5-10 GB; tier from
    # high_availability: BASIC or STANDARD_HA). In-transit encryption (SERVER_AUTHENTICATION, TLS 1.2+,
    # port 6378, per-instance CA) and CMEK are supported on both tiers.
    Sku(
        Cloud.GCP, _R, "memorystore-redis", None, None, None, False, _GCP_REDIS,
        note="Google publishes capacity tiers, not vCPUs; not a shared-core/burstable product",
    ),
    # --- Azure: Brainstore (Cobalt 100 Dpdsv6 with local NVMe) ---
    Sku(Cloud.AZURE, _C, "Standard_D4pds_v6", 4, 16, _A, False, _AZ_DPDSV6, local_nvme_gb=236),
    Sku(Cloud.AZURE, _C, "Standard_D16pds_v6", 16, 64, _A, False, _AZ_DPDSV6, local_nvme_gb=945),
    Sku(Cloud.AZURE, _C, "Standard_D32pds_v6", 32, 128, _A, False, _AZ_DPDSV6, local_nvme_gb=1890),
    Sku(Cloud.AZURE, _C, "Standard_D32ds_v6", 32, 128, _X, False, _AZ_DDSV6, local_nvme_gb=1890),
    # --- Azure: node pools for system and API ---
    Sku(Cloud.AZURE, _C, "Standard_D2s_v5", 2, 8, _X, False, _AZ_DSV5),
    Sku(Cloud.AZURE, _C, "Standard_D4s_v5", 4, 16, _X, False, _AZ_DSV5),
    Sku(Cloud.AZURE, _C, "Standard_D8s_v5", 8, 32, _X, False, _AZ_DSV5),
    Sku(Cloud.AZURE, _C, "Standard_D16s_v5", 16, 64, _X, False, _AZ_DSV5),
    # --- Azure: PostgreSQL Flexible Server ---
    Sku(Cloud.AZURE, _D, "Standard_B2ms", 2, 8, _X, True, _AZ_PG, note="Burstable tier"),
    Sku(Cloud.AZURE, _D, "Standard_D2ds_v5", 2, 8, _X, False, _AZ_PG, max_iops=3750, note="GeneralPurpose"),
    Sku(Cloud.AZURE, _D, "Standard_D4ds_v5", 4, 16, _X, False, _AZ_PG, max_iops=6400, note="GeneralPurpose"),
    Sku(Cloud.AZURE, _D, "Standard_E8ds_v5", 8, 64, _X, False, _AZ_PG, max_iops=12800, note="MemoryOptimized"),
    Sku(Cloud.AZURE, _D, "Standard_E16ds_v5", 16, 128, _X, False, _AZ_PG, max_iops=25600,
        note="MemoryOptimized"),
    # --- Azure: Azure Managed Redis (redisenterprise, Redis 7.4); vCPUs are only in a docs image ---
    Sku(Cloud.AZURE, _R, "Balanced_B1", None, 1, _X, False, _AZ_AMR, note="vCPU not published as text"),
    Sku(Cloud.AZURE, _R, "Balanced_B3", None, 3, _X, False, _AZ_AMR, note="vCPU not published as text"),
    Sku(Cloud.AZURE, _R, "Balanced_B5", None, 6, _X, False, _AZ_AMR, note="vCPU not published as text"),
    Sku(Cloud.AZURE, _R, "Balanced_B10", None, 12, _X, False, _AZ_AMR, note="vCPU not published as text"),
)

SKUS: dict[tuple[Cloud, Kind, str], Sku] = {(s.cloud, s.kind, s.name): s for s in _TABLE}


def lookup(cloud: Cloud, kind: Kind, name: str) -> Sku | None:
    return SKUS.get((cloud, kind, name))


def names(cloud: Cloud, kind: Kind) -> list[str]:
    return sorted(s.name for s in _TABLE if s.cloud == cloud and s.kind == kind)


def all_skus() -> tuple[Sku, ...]:
    return _TABLE
