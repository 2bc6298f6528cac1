"""Resolved sizes: what a stack actually deploys after preset + overrides.

These are cloud-neutral shapes; the SKU strings are cloud specific and must exist in
``components.sizing.skus``. Component code reads only these resolved values.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Resolved(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApiSize(_Resolved):
    """The API Deployment on Kubernetes (GCP/Azure). On AWS the API runs on Lambda (see aws.lambda_) and, when
    built, on ECS Fargate (``EcsApiSize``)."""

    replicas: int = Field(ge=1)
    cpu: float = Field(gt=0, description="vCPU request per replica")
    memory_gib: float = Field(gt=0, description="memory request and limit per replica")
    node_memory_percent: int = Field(ge=50, le=95, description="NODE_MEMORY_PERCENT (seed: 80-90)")


class EcsServiceSize(_Resolved):
    """One ECS API service (AWS): every task gets this much, and autoscaling stays within the bounds."""

    cpu: float = Field(gt=0, description="vCPU per task")
    memory_gib: float = Field(gt=0, description="memory per task (GiB): the task's cgroup limit")
    min_tasks: int = Field(ge=1, description="autoscaling floor")
    max_tasks: int = Field(ge=1, description="autoscaling ceiling")


class EcsApiSize(_Resolved):
    """The API on ECS Fargate (AWS, when built): Braintrust's three services behind one internal ALB."""

    api: EcsServiceSize
    ingest: EcsServiceSize
    background: EcsServiceSize
    node_memory_percent: int = Field(ge=50, le=95, description="NODE_MEMORY_PERCENT (seed: 80-90)")

    def services(self) -> dict[str, EcsServiceSize]:
        """By configuration key (aws.api.services.<key>), in upstream's order."""
        return {"api": self.api, "ingest": self.ingest, "background": self.background}


class DatabaseSize(_Resolved):
    sku: str
    version: int = Field(ge=15, description="PostgreSQL major version")
    storage_gb: int = Field(gt=0)
    max_storage_gb: int = Field(gt=0, description="upper bound for storage autoscaling")
    iops: int = Field(gt=0, description="provisioned / effective IOPS")
    throughput_mibps: int | None = Field(default=None, description="provisioned throughput where set")
    high_availability: bool
    backup_retention_days: int = Field(ge=1, le=35)


class CacheSize(_Resolved):
    sku: str
    version: str = Field(pattern=r"^\d+(\.\d+)?$", description="Redis major[.minor] version")
    high_availability: bool
    memory_gib: float | None = Field(default=None, description="capacity, where the SKU does not fix it")


class BrainstoreRoleSize(_Resolved):
    sku: str
    count: int = Field(ge=0)


class BrainstoreSize(_Resolved):
    reader: BrainstoreRoleSize
    writer: BrainstoreRoleSize = Field(description="count 0 = readers also write (staging only)")
    fast_reader: BrainstoreRoleSize
    cache_fraction: float = Field(
        default=0.9, gt=0, le=0.95, description="share of local NVMe given to the object-store cache"
    )

    @property
    def combined(self) -> bool:
        """True when one node type serves reads and writes (seed: testing column)."""
        return self.writer.count == 0


class NodePoolSize(_Resolved):
    sku: str
    min_count: int = Field(ge=0)
    max_count: int = Field(ge=1)


class Sizing(_Resolved):
    """Everything size-related for one stack."""

    postgres: DatabaseSize
    redis: CacheSize
    brainstore: BrainstoreSize
    api: ApiSize | None = Field(default=None, description="Kubernetes clouds only")
    ecs_api: EcsApiSize | None = Field(default=None, description="AWS only, when the ECS API is built")
    system_pool: NodePoolSize | None = Field(default=None, description="Kubernetes clouds only")
    services_pool: NodePoolSize | None = Field(default=None, description="Kubernetes clouds only")
