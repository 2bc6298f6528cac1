"""Size presets: concrete SKUs per cloud for the seed's two columns.

Why these SKUs (each row is checked against the seed by tests/components/sizing):

* Brainstore prefers ARM where an ARM SKU with local NVMe meets the row (seed: "ARM recommended").
  - AWS: Graviton4 c8gd. Production uses c8gd.8xlarge for readers and the writer: c8gd.4xlarge
    (upstream's reader default) has only 950 GB of NVMe, below the seed's 1024 GB.
  - GCP: Axion C4A ``-lssd`` shapes (Titanium local SSD). Readers 16 vCPU, writer 32 vCPU as in
    Braintrust's GKE production example.
  - Azure: Cobalt 100 Dpdsv6. D16pds_v6 has ~944 GB of NVMe (< 1024), so production uses D32pds_v6.
    Local NVMe reaches the pods through Azure Container Storage v2, whose node driver is published for
    arm64 as well as amd64 (Azure/local-csi-driver builds linux/arm64 images; its DaemonSet tolerates
    every NoSchedule taint), so ARM stays the choice on Azure too.
* PostgreSQL production: 8 vCPU / 64 GiB, 1000 GB, >= 15k IOPS, version 17, HA.
  - GCP: Enterprise Plus ``db-perf-optimized-N-8``; PD-SSD gives 30 IOPS/GiB (1000 GB -> 30k), capped at
    15k per instance for 8-15 vCPUs; Cloud SQL has no provisioned IOPS, so ``iops`` is the derived figure.
  - Azure: memory-optimized E16ds_v5 (E8ds_v5 caps at 12,800 IOPS) on an 8 TiB P60 Premium SSD.
* Redis production: non-burstable, 2 vCPU, >= 4 GB, version 7+, replica + failover.
* The API on ECS Fargate (AWS, when built): upstream's three services, each task sized to the seed's API row
  (production 2 vCPU / 8 GiB, staging 1 vCPU / 2 GiB) instead of upstream's 1 vCPU / 8 GiB, with at least the
  seed's instance count per service (production: 4, and upstream's 6 for ingest) and upstream's ceilings
  (50 / 200 / 50). NODE_MEMORY_PERCENT is upstream's 80 (the seed asks 80-90 under cgroup limits).
* Node pools (GCP/Azure) are x86: the API image and cluster add-ons are not all published for arm64.
"""

from __future__ import annotations

from components.config.common import Cloud, Size
from components.facts import aws as aws_facts

from .model import (
    ApiSize,
    BrainstoreRoleSize,
    BrainstoreSize,
    CacheSize,
    DatabaseSize,
    EcsApiSize,
    EcsServiceSize,
    NodePoolSize,
    Sizing,
)


def _brainstore(reader: str, readers: int, writer: str, writers: int) -> BrainstoreSize:
    return BrainstoreSize(
        reader=BrainstoreRoleSize(sku=reader, count=readers),
        writer=BrainstoreRoleSize(sku=writer, count=writers),
        # Fast readers are optional (not in the seed); enable with brainstore.fast_reader.count.
        fast_reader=BrainstoreRoleSize(sku=reader, count=0),
    )


def _ecs(cpu: float, memory_gib: float, tasks: tuple[tuple[int, int], ...]) -> EcsApiSize:
    """``tasks``: (min, max) for api, ingest and background."""
    api, ingest, background = (EcsServiceSize(cpu=cpu, memory_gib=memory_gib, min_tasks=lo, max_tasks=hi)
                               for lo, hi in tasks)
    return EcsApiSize(api=api, ingest=ingest, background=background,
                      node_memory_percent=aws_facts.ECS_API_NODE_MEMORY_PERCENT)


# Staging: one task each (the seed's testing row), room to absorb a burst; production: upstream's ceilings.
_ECS_STAGING = _ecs(1, 2, ((1, 4), (1, 8), (1, 4)))
_ECS_PRODUCTION = _ecs(2, 8, ((4, 50), (6, 200), (4, 50)))

_API_STAGING = ApiSize(replicas=1, cpu=1, memory_gib=2, node_memory_percent=85)
_API_PRODUCTION = ApiSize(replicas=4, cpu=2, memory_gib=8, node_memory_percent=85)

PRESETS: dict[tuple[Cloud, Size], Sizing] = {
    (Cloud.AWS, Size.STAGING): Sizing(
        # gp3 below 400 GB has a fixed 3,000 IOPS baseline and does not accept provisioned IOPS.
        postgres=DatabaseSize(sku="db.m7g.large", version=17, storage_gb=100, max_storage_gb=500,
                              iops=3000, high_availability=False, backup_retention_days=7),
        redis=CacheSize(sku="cache.t4g.small", version="7.1", high_availability=False),
        brainstore=_brainstore("c8gd.xlarge", 1, "c8gd.xlarge", 0),
        ecs_api=_ECS_STAGING,
    ),
    (Cloud.AWS, Size.PRODUCTION): Sizing(
        postgres=DatabaseSize(sku="db.r8g.2xlarge", version=17, storage_gb=1000, max_storage_gb=4000,
                              iops=15000, throughput_mibps=500, high_availability=True,
                              backup_retention_days=14),
        redis=CacheSize(sku="cache.r7g.large", version="7.1", high_availability=True),
        brainstore=_brainstore("c8gd.8xlarge", 2, "c8gd.8xlarge", 1),
        ecs_api=_ECS_PRODUCTION,
    ),
    (Cloud.GCP, Size.STAGING): Sizing(
        postgres=DatabaseSize(sku="db-custom-2-8192", version=17, storage_gb=100, max_storage_gb=500,
                              iops=3000, high_availability=False, backup_retention_days=7),
        redis=CacheSize(sku="memorystore-redis", version="7.2", high_availability=False, memory_gib=1),
        brainstore=_brainstore("c4a-standard-4-lssd", 1, "c4a-standard-4-lssd", 0),
        api=_API_STAGING,
        system_pool=NodePoolSize(sku="n2-standard-2", min_count=1, max_count=3),
        services_pool=NodePoolSize(sku="n2-standard-4", min_count=1, max_count=3),
    ),
    (Cloud.GCP, Size.PRODUCTION): Sizing(
        postgres=DatabaseSize(sku="db-perf-optimized-N-8", version=17, storage_gb=1000, max_storage_gb=4000,
                              iops=15000, high_availability=True, backup_retention_days=14),
        redis=CacheSize(sku="memorystore-redis", version="7.2", high_availability=True, memory_gib=5),
        brainstore=_brainstore("c4a-standard-16-lssd", 2, "c4a-standard-32-lssd", 1),
        api=_API_PRODUCTION,
        system_pool=NodePoolSize(sku="n2-standard-2", min_count=3, max_count=6),
        services_pool=NodePoolSize(sku="n2-standard-8", min_count=2, max_count=6),
    ),
    (Cloud.AZURE, Size.STAGING): Sizing(
        # 128 GiB Premium SSD with its performance tier raised to P30 (5,000 IOPS).
        postgres=DatabaseSize(sku="Standard_D2ds_v5", version=17, storage_gb=128, max_storage_gb=512,
                              iops=5000, high_availability=False, backup_retention_days=7),
        redis=CacheSize(sku="Balanced_B1", version="7.4", high_availability=False),
        brainstore=_brainstore("Standard_D4pds_v6", 1, "Standard_D4pds_v6", 0),
        api=_API_STAGING,
        system_pool=NodePoolSize(sku="Standard_D2s_v5", min_count=1, max_count=3),
        services_pool=NodePoolSize(sku="Standard_D4s_v5", min_count=1, max_count=3),
    ),
    (Cloud.AZURE, Size.PRODUCTION): Sizing(
        # Premium SSD (v1) reaches 15k IOPS only from P60 (8 TiB, 16,000 IOPS); Premium SSD v2 with HA is
        # still preview in most regions. E8ds_v5 caps at 12,800 IOPS, so E16ds_v5 (25,600) it is.
        postgres=DatabaseSize(sku="Standard_E16ds_v5", version=17, storage_gb=8192, max_storage_gb=16384,
                              iops=16000, high_availability=True, backup_retention_days=14),
        redis=CacheSize(sku="Balanced_B5", version="7.4", high_availability=True),
        brainstore=_brainstore("Standard_D32pds_v6", 2, "Standard_D32pds_v6", 1),
        api=_API_PRODUCTION,
        system_pool=NodePoolSize(sku="Standard_D2s_v5", min_count=3, max_count=6),
        services_pool=NodePoolSize(sku="Standard_D8s_v5", min_count=2, max_count=6),
    ),
}


def preset(cloud: Cloud, size: Size) -> Sizing:
    return PRESETS[(cloud, size)]
