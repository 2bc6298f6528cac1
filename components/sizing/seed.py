"""The seed document's hardware table, as data (shared/seed/self-hosting-overview.txt).

"Testing/Staging" maps to our ``staging`` preset, "Production" to ``production``. Memory rows say
"GB"; we compare them against GiB figures, which is the stricter reading. Storage rows are decimal GB.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.config.common import Size


@dataclass(frozen=True)
class ApiRow:
    vcpu: float
    memory_gb: float
    instances: int
    node_memory_percent: tuple[int, int] | None  # range, where the seed asks for it


@dataclass(frozen=True)
class PostgresRow:
    vcpu: float
    memory_gb: float
    storage_gb: int
    iops: int
    min_version: int


@dataclass(frozen=True)
class RedisRow:
    vcpu: float
    memory_gb: float
    min_version: int
    burstable_allowed: bool


@dataclass(frozen=True)
class BrainstoreRow:
    vcpu: float
    memory_gb: float
    local_storage_gb: int
    nvme_required: bool  # "NVMe (ephemeral)" in production, "SSD" in testing
    min_readers: int
    min_writers: int
    separate_writers: bool  # "Separate readers and writers" vs "Combined reader/writer"
    min_iops: int | None  # 150,000+ read/write in production; not stated for testing
    arm_recommended: bool


@dataclass(frozen=True)
class SeedRows:
    api: ApiRow  # "This section applies to GCP and Azure with Kubernetes"
    postgres: PostgresRow
    redis: RedisRow
    brainstore: BrainstoreRow


SEED: dict[Size, SeedRows] = {
    Size.STAGING: SeedRows(
        api=ApiRow(vcpu=1, memory_gb=2, instances=1, node_memory_percent=None),
        postgres=PostgresRow(vcpu=2, memory_gb=8, storage_gb=100, iops=3000, min_version=15),
        redis=RedisRow(vcpu=1, memory_gb=1, min_version=7, burstable_allowed=True),
        brainstore=BrainstoreRow(
            vcpu=4, memory_gb=8, local_storage_gb=128, nvme_required=False, min_readers=1,
            min_writers=0, separate_writers=False, min_iops=None, arm_recommended=False,
        ),
    ),
    Size.PRODUCTION: SeedRows(
        api=ApiRow(vcpu=2, memory_gb=8, instances=4, node_memory_percent=(80, 90)),
        postgres=PostgresRow(vcpu=8, memory_gb=64, storage_gb=1000, iops=15000, min_version=17),
        # "Avoid using burstable Redis instances (t-family ...) in production."
        redis=RedisRow(vcpu=2, memory_gb=4, min_version=7, burstable_allowed=False),
        brainstore=BrainstoreRow(
            vcpu=16, memory_gb=32, local_storage_gb=1024, nvme_required=True, min_readers=2,
            min_writers=1, separate_writers=True, min_iops=150_000, arm_recommended=True,
        ),
    ),
}

# "NODE_MEMORY_PERCENT: Set to 80-90 if the API is running on a dedicated instance or container orchestrator
# with cgroup memory limits (e.g. Kubernetes, ECS)." On ECS Fargate the task's memory is always such a limit,
# so the ECS API is held to it in both columns.
NODE_MEMORY_PERCENT_UNDER_CGROUPS: tuple[int, int] = (80, 90)

