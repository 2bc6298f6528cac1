"""Per-component overrides on top of the size preset. Every field is optional; unset = preset value."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, Field

from components.sizing.model import (
    ApiSize,
    BrainstoreRoleSize,
    BrainstoreSize,
    CacheSize,
    DatabaseSize,
    EcsApiSize,
    NodePoolSize,
    Sizing,
)

from .common import StrictModel


class ApiOverride(StrictModel):
    """API Deployment on Kubernetes (GCP/Azure only)."""

    replicas: int | None = Field(default=None, ge=1, description="API replicas.")
    cpu: float | None = Field(default=None, gt=0, description="vCPU request per replica.")
    memory_gib: float | None = Field(default=None, gt=0, description="Memory per replica (GiB).")
    node_memory_percent: int | None = Field(
        default=None, ge=50, le=95, description="NODE_MEMORY_PERCENT for the API (seed: 80-90)."
    )


class EcsServiceOverride(StrictModel):
    """One ECS API service (AWS). Fargate accepts only some CPU/memory pairs (checked at config time)."""

    cpu: float | None = Field(default=None, gt=0, description="vCPU per task (Fargate: 0.25, 0.5, 1, 2, 4, 8 or 16).")
    memory_gib: float | None = Field(
        default=None, gt=0, description="Memory per task (GiB); one Fargate accepts with the task's cpu.")
    min_tasks: int | None = Field(default=None, ge=1, description="Fewest tasks (autoscaling floor).")
    max_tasks: int | None = Field(default=None, ge=1, description="Most tasks (autoscaling ceiling).")


class EcsServicesOverride(StrictModel):
    """Braintrust's three API services on ECS: interactive API, ingestion, background (evals, functions)."""

    api: EcsServiceOverride = Field(default_factory=EcsServiceOverride)
    ingest: EcsServiceOverride = Field(default_factory=EcsServiceOverride)
    background: EcsServiceOverride = Field(default_factory=EcsServiceOverride)


class PostgresOverride(StrictModel):
    sku: str | None = Field(default=None, description="Instance class / tier / SKU name.")
    version: int | None = Field(default=None, ge=15, le=18, description="PostgreSQL major version.")
    storage_gb: int | None = Field(default=None, gt=0, description="Allocated storage (GB).")
    max_storage_gb: int | None = Field(default=None, gt=0, description="Storage autoscaling ceiling (GB).")
    iops: int | None = Field(default=None, gt=0, description="Provisioned IOPS.")
    throughput_mibps: int | None = Field(default=None, gt=0, description="Provisioned throughput (MiB/s).")
    high_availability: bool | None = Field(default=None, description="Multi-AZ / regional / zone-redundant HA.")
    backup_retention_days: int | None = Field(default=None, ge=1, le=35, description="Backup retention.")


class RedisOverride(StrictModel):
    sku: str | None = Field(default=None, description="Node type / SKU.")
    version: str | None = Field(default=None, pattern=r"^\d+(\.\d+)?$", description="Redis version.")
    high_availability: bool | None = Field(default=None, description="Replica with automatic failover.")
    memory_gib: float | None = Field(default=None, gt=0, description="Capacity (GCP Memorystore only).")


class BrainstoreRoleOverride(StrictModel):
    sku: str | None = Field(default=None, description="Instance type / machine type / VM size.")
    count: int | None = Field(default=None, ge=0, description="Number of nodes (one pod per node).")


class BrainstoreOverride(StrictModel):
    reader: BrainstoreRoleOverride = Field(default_factory=BrainstoreRoleOverride)
    writer: BrainstoreRoleOverride = Field(default_factory=BrainstoreRoleOverride)
    fast_reader: BrainstoreRoleOverride = Field(default_factory=BrainstoreRoleOverride)
    cache_fraction: float | None = Field(
        default=None, gt=0, le=0.95, description="Share of local NVMe used as object-store cache."
    )


class NodePoolOverride(StrictModel):
    sku: str | None = Field(default=None, description="Machine type / VM size.")
    min_count: int | None = Field(default=None, ge=0, description="Autoscaler minimum nodes.")
    max_count: int | None = Field(default=None, ge=1, description="Autoscaler maximum nodes.")


class NodePoolsOverride(StrictModel):
    """Kubernetes node pools besides Brainstore's (GCP/Azure only)."""

    system: NodePoolOverride = Field(default_factory=NodePoolOverride)
    services: NodePoolOverride = Field(default_factory=NodePoolOverride)


_M = TypeVar("_M", bound=BaseModel)


def _apply(base: _M, override: BaseModel) -> _M:
    changes = {k: v for k, v in override.model_dump(exclude_none=True).items() if not isinstance(v, dict)}
    return base.model_validate({**base.model_dump(), **changes})


def resolve(
    preset: Sizing,
    *,
    api: ApiOverride,
    postgres: PostgresOverride,
    redis: RedisOverride,
    brainstore: BrainstoreOverride,
    node_pools: NodePoolsOverride,
    ecs_api: tuple[EcsServicesOverride, int | None] | None = None,
) -> Sizing:
    """Preset + overrides -> the sizes a stack deploys. ``ecs_api`` is (service overrides, NODE_MEMORY_PERCENT)
    when the stack builds the ECS API (AWS), else None: a stack that does not build it has no ECS size."""
    bs = preset.brainstore
    new_bs = BrainstoreSize(
        reader=_apply(bs.reader, brainstore.reader),
        writer=_apply(bs.writer, brainstore.writer),
        fast_reader=_apply(bs.fast_reader, brainstore.fast_reader),
        cache_fraction=brainstore.cache_fraction or bs.cache_fraction,
    )
    return Sizing(
        postgres=_apply(preset.postgres, postgres),
        redis=_apply(preset.redis, redis),
        brainstore=new_bs,
        api=_apply(preset.api, api) if preset.api else None,
        system_pool=_apply(preset.system_pool, node_pools.system) if preset.system_pool else None,
        services_pool=_apply(preset.services_pool, node_pools.services) if preset.services_pool else None,
        ecs_api=_ecs(preset.ecs_api, *ecs_api) if preset.ecs_api and ecs_api else None,
    )


def _ecs(base: EcsApiSize, services: EcsServicesOverride, node_memory_percent: int | None) -> EcsApiSize:
    return EcsApiSize(
        api=_apply(base.api, services.api), ingest=_apply(base.ingest, services.ingest),
        background=_apply(base.background, services.background),
        node_memory_percent=node_memory_percent or base.node_memory_percent)


__all__ = [
    "ApiOverride",
    "ApiSize",
    "BrainstoreOverride",
    "BrainstoreRoleSize",
    "CacheSize",
    "DatabaseSize",
    "EcsServiceOverride",
    "EcsServicesOverride",
    "NodePoolSize",
    "NodePoolsOverride",
    "PostgresOverride",
    "RedisOverride",
    "resolve",
]
