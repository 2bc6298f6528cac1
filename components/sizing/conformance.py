"""Check resolved sizes against the seed's hardware table.

Produces one row per requirement (used by the config validator, the tests and the plan report).
A row's ``path`` is the config key a user changes to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from components.config.common import Cloud, Size

from .model import BrainstoreRoleSize, EcsApiSize, Sizing
from .seed import NODE_MEMORY_PERCENT_UNDER_CGROUPS, SEED
from .skus import Arch, Kind, Sku, lookup, names


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNPUBLISHED = "unpublished"  # the provider does not publish this figure for the SKU


@dataclass(frozen=True)
class Row:
    component: str
    item: str
    path: str
    required: str
    actual: str
    status: Status

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL


def _at_least(component: str, item: str, path: str, need: float, have: float | None, unit: str = "") -> Row:
    if have is None:
        return Row(component, item, path, f">= {need:g}{unit}", "not published", Status.UNPUBLISHED)
    status = Status.PASS if have >= need else Status.FAIL
    return Row(component, item, path, f">= {need:g}{unit}", f"{have:g}{unit}", status)


def _unknown_sku(component: str, path: str, cloud: Cloud, kind: Kind, sku: str) -> Row:
    allowed = ", ".join(names(cloud, kind))
    return Row(component, "known SKU", path, f"one of: {allowed}", sku, Status.FAIL)


def _sku_rows(
    component: str, path: str, cloud: Cloud, kind: Kind, name: str
) -> tuple[Sku | None, list[Row]]:
    sku = lookup(cloud, kind, name)
    if sku is None:
        return None, [_unknown_sku(component, path, cloud, kind, name)]
    return sku, []


# GCP PD-SSD gives 30 IOPS per GB; AWS gp3 below 400 GB has a fixed baseline (3,000 IOPS, 125 MiB/s)
# and rejects provisioned values (components/aws/database.py uses the same threshold).
GCP_PD_SSD_IOPS_PER_GB = 30
AWS_GP3_PROVISIONABLE_FROM_GB = 400
AWS_GP3_SMALL_BASELINE_IOPS = 3000


def storage_iops(cloud: Cloud, requested: int, storage_gb: int, sku: Sku | None) -> int:
    """IOPS the database will really get: what is asked for, bounded by the disk and the instance."""
    effective = requested
    if cloud is Cloud.GCP:
        effective = min(effective, GCP_PD_SSD_IOPS_PER_GB * storage_gb)
    if cloud is Cloud.AWS and storage_gb < AWS_GP3_PROVISIONABLE_FROM_GB:
        effective = min(effective, AWS_GP3_SMALL_BASELINE_IOPS)
    if sku is not None and sku.max_iops:
        effective = min(effective, sku.max_iops)
    return effective


def _brainstore_role(
    cloud: Cloud, size: Size, role: str, spec: BrainstoreRoleSize
) -> list[Row]:
    row = SEED[size].brainstore
    path = f"brainstore.{role}"
    sku, rows = _sku_rows(f"brainstore {role}", f"{path}.sku", cloud, Kind.COMPUTE, spec.sku)
    if sku is None or spec.count == 0:
        return rows
    comp = f"brainstore {role}"
    rows.append(_at_least(comp, "vCPU", f"{path}.sku", row.vcpu, sku.vcpu))
    rows.append(_at_least(comp, "memory", f"{path}.sku", row.memory_gb, sku.memory_gib, " GB"))
    rows.append(_at_least(comp, "local NVMe", f"{path}.sku", row.local_storage_gb, sku.local_nvme_gb, " GB"))
    if sku.burstable:
        rows.append(Row(comp, "not burstable", f"{path}.sku", "non-burstable", "burstable", Status.FAIL))
    return rows


def check(cloud: Cloud, size: Size, sizing: Sizing) -> list[Row]:
    """Every seed requirement for this cloud and size, with pass/fail."""
    seed = SEED[size]
    rows: list[Row] = []

    # PostgreSQL
    pg = sizing.postgres
    sku, sku_rows = _sku_rows("postgres", "postgres.sku", cloud, Kind.DATABASE, pg.sku)
    rows += sku_rows
    if sku is not None:
        rows.append(_at_least("postgres", "vCPU", "postgres.sku", seed.postgres.vcpu, sku.vcpu))
        rows.append(_at_least("postgres", "memory", "postgres.sku", seed.postgres.memory_gb, sku.memory_gib, " GB"))
    rows.append(_at_least("postgres", "storage", "postgres.storage_gb", seed.postgres.storage_gb, pg.storage_gb, " GB"))
    effective_iops = storage_iops(cloud, pg.iops, pg.storage_gb, sku)
    rows.append(_at_least("postgres", "IOPS", "postgres.iops", seed.postgres.iops, effective_iops))
    rows.append(_at_least("postgres", "version", "postgres.version", seed.postgres.min_version, pg.version))
    if pg.max_storage_gb < pg.storage_gb:
        rows.append(Row("postgres", "autoscaling ceiling", "postgres.max_storage_gb",
                        f">= storage_gb ({pg.storage_gb})", str(pg.max_storage_gb), Status.FAIL))

    # Redis
    rd = sizing.redis
    sku, sku_rows = _sku_rows("redis", "redis.sku", cloud, Kind.CACHE, rd.sku)
    rows += sku_rows
    if sku is not None:
        memory = sku.memory_gib if sku.memory_gib is not None else rd.memory_gib
        rows.append(_at_least("redis", "vCPU", "redis.sku", seed.redis.vcpu, sku.vcpu))
        rows.append(_at_least("redis", "memory", "redis.memory_gib", seed.redis.memory_gb, memory, " GB"))
        if not seed.redis.burstable_allowed:
            status = Status.FAIL if sku.burstable else Status.PASS
            rows.append(Row("redis", "not burstable", "redis.sku", "non-burstable",
                            "burstable" if sku.burstable else "non-burstable", status))
    major = int(rd.version.split(".")[0])
    rows.append(_at_least("redis", "version", "redis.version", seed.redis.min_version, major))

    # Brainstore
    bs = sizing.brainstore
    brow = seed.brainstore
    rows += _brainstore_role(cloud, size, "reader", bs.reader)
    rows += _brainstore_role(cloud, size, "writer", bs.writer)
    rows += _brainstore_role(cloud, size, "fast_reader", bs.fast_reader)
    rows.append(_at_least("brainstore", "readers", "brainstore.reader.count", brow.min_readers, bs.reader.count))
    if brow.separate_writers:
        rows.append(_at_least("brainstore", "writers", "brainstore.writer.count", brow.min_writers, bs.writer.count))
    if bs.writer.count > 1:
        # Brainstore runs exactly one writer; more would contend for the same WAL.
        rows.append(Row("brainstore", "writers", "brainstore.writer.count", "<= 1", str(bs.writer.count),
                        Status.FAIL))

    # API on Kubernetes; on AWS the seed exempts Lambda, but an ECS API (when built) is held to the same rows
    if cloud is not Cloud.AWS:
        rows += _api_rows(size, sizing)
    elif sizing.ecs_api is not None:
        rows += _ecs_api_rows(size, sizing.ecs_api)
    return rows


ECS_PATH = "aws.api"


def _ecs_api_rows(size: Size, ecs: EcsApiSize) -> list[Row]:
    """Each service's tasks against the seed's API row: every task is an API instance, and each service (a
    path class of the API) keeps the seed's instance count on its own."""
    row = SEED[size].api
    rows: list[Row] = []
    for key, service in ecs.services().items():
        path, component = f"{ECS_PATH}.services.{key}", f"api (ECS {key})"
        rows.append(_at_least(component, "vCPU per task", f"{path}.cpu", row.vcpu, service.cpu))
        rows.append(_at_least(component, "memory per task", f"{path}.memory_gib", row.memory_gb, service.memory_gib,
                              " GB"))
        rows.append(_at_least(component, "tasks", f"{path}.min_tasks", row.instances, service.min_tasks))
        if service.max_tasks < service.min_tasks:
            rows.append(Row(component, "autoscaling ceiling", f"{path}.max_tasks",
                            f">= min_tasks ({service.min_tasks})", str(service.max_tasks), Status.FAIL))
    low, high = NODE_MEMORY_PERCENT_UNDER_CGROUPS
    ok = low <= ecs.node_memory_percent <= high
    rows.append(Row("api (ECS)", "NODE_MEMORY_PERCENT", f"{ECS_PATH}.node_memory_percent", f"{low}-{high}",
                    str(ecs.node_memory_percent), Status.PASS if ok else Status.FAIL))
    return rows


def _api_rows(size: Size, sizing: Sizing) -> list[Row]:
    row = SEED[size].api
    if sizing.api is None:
        return [Row("api", "defined", "api", "API size for Kubernetes", "missing", Status.FAIL)]
    api = sizing.api
    rows = [
        _at_least("api", "vCPU per instance", "api.cpu", row.vcpu, api.cpu),
        _at_least("api", "memory per instance", "api.memory_gib", row.memory_gb, api.memory_gib, " GB"),
        _at_least("api", "instances", "api.replicas", row.instances, api.replicas),
    ]
    if row.node_memory_percent is not None:
        low, high = row.node_memory_percent
        ok = low <= api.node_memory_percent <= high
        rows.append(Row("api", "NODE_MEMORY_PERCENT", "api.node_memory_percent", f"{low}-{high}",
                        str(api.node_memory_percent), Status.PASS if ok else Status.FAIL))
    return rows


def prefers_arm(cloud: Cloud, size: Size, sizing: Sizing) -> bool:
    """Advisory: the seed recommends ARM for production Brainstore."""
    sku = lookup(cloud, Kind.COMPUTE, sizing.brainstore.reader.sku)
    return sku is not None and sku.arch is Arch.ARM64


def failures(cloud: Cloud, size: Size, sizing: Sizing) -> list[Row]:
    return [r for r in check(cloud, size, sizing) if r.failed]
