"""Numbers within the clouds' limits: database storage and IOPS, backups, Redis capacity, Lambda
concurrency (sources in ``components/facts/limits``). Each rule names the key a user changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.facts import limits
from components.sizing.conformance import AWS_GP3_PROVISIONABLE_FROM_GB

from .common import Cloud, Problem

if TYPE_CHECKING:
    from .root import DataPlaneConfig


def _range(path: str, value: float, low: float, high: float, what: str) -> list[Problem]:
    if low <= value <= high:
        return []
    return [Problem(path=path, message=f"{value:g} is outside {what} ({low:g}-{high:g})")]


def _aws_postgres(cfg: DataPlaneConfig) -> list[Problem]:
    pg = cfg.sizing.postgres
    low, high = limits.RDS_POSTGRES_GP3_STORAGE_GIB
    found = _range("postgres.storage_gb", pg.storage_gb, low, high, "RDS gp3 storage for PostgreSQL, GiB")
    found += _range("postgres.max_storage_gb", pg.max_storage_gb, low, high, "RDS gp3 storage, GiB")
    if pg.storage_gb < AWS_GP3_PROVISIONABLE_FROM_GB:
        # Below 400 GiB gp3 has a fixed baseline (3,000 IOPS, 125 MiB/s) and the program sends neither.
        for key in ("iops", "throughput_mibps"):
            if getattr(cfg.postgres, key) is not None:
                found.append(Problem(path=f"postgres.{key}", message=(
                    f"has no effect below {AWS_GP3_PROVISIONABLE_FROM_GB} GB of gp3 storage (fixed 3,000 IOPS, "
                    f"125 MiB/s); remove it or raise postgres.storage_gb to {AWS_GP3_PROVISIONABLE_FROM_GB}+")))
        return found
    gp3 = limits.RDS_GP3_PROVISIONED
    found += _range("postgres.iops", pg.iops, *gp3["iops"], "RDS gp3 IOPS from 400 GiB")
    ratio_low, ratio_high = limits.RDS_IOPS_PER_GIB
    if not ratio_low * pg.storage_gb <= pg.iops <= ratio_high * pg.storage_gb:
        found.append(Problem(path="postgres.iops", message=(
            f"{pg.iops} is not between {ratio_low:g} and {ratio_high:g} IOPS per GiB of postgres.storage_gb "
            f"({pg.storage_gb})")))
    if pg.throughput_mibps is not None:
        found += _range("postgres.throughput_mibps", pg.throughput_mibps, *gp3["throughput_mibps"],
                        "RDS gp3 throughput from 400 GiB, MiB/s")
    return found


def _gcp_postgres(cfg: DataPlaneConfig) -> list[Problem]:
    pg = cfg.sizing.postgres
    low, high = limits.CLOUDSQL_STORAGE_GB
    found = _range("postgres.storage_gb", pg.storage_gb, low, high, "Cloud SQL storage, GB")
    found += _range("postgres.max_storage_gb", pg.max_storage_gb, low, high, "Cloud SQL storage, GB")
    for key, why in (("iops", "Cloud SQL's IOPS follow the disk size (30 per GB); raise postgres.storage_gb"),
                     ("throughput_mibps", "Cloud SQL's throughput follows the disk size and machine type")):
        if getattr(cfg.postgres, key) is not None:
            found.append(Problem(path=f"postgres.{key}", message=f"has no effect on GCP: {why}; remove it"))
    return found


def _azure_postgres(cfg: DataPlaneConfig) -> list[Problem]:
    pg = cfg.sizing.postgres
    found = []
    low, high = limits.AZURE_POSTGRES_BACKUP_DAYS
    found += _range("postgres.backup_retention_days", pg.backup_retention_days, low, high,
                    "Azure Flexible Server backup retention, days")
    if cfg.postgres.throughput_mibps is not None:
        found.append(Problem(path="postgres.throughput_mibps", message=(
            "has no effect on Azure: Premium SSD throughput follows the performance tier chosen from "
            "postgres.iops; remove it")))
    return found


def _redis(cfg: DataPlaneConfig) -> list[Problem]:
    memory = cfg.redis.memory_gib
    if memory is None:
        return []
    if cfg.cloud is not Cloud.GCP:
        return [Problem(path="redis.memory_gib", message=(
            f"only applies to GCP Memorystore: on {cfg.cloud.value} the node type fixes the memory; choose "
            "redis.sku instead"))]
    found = []
    if memory != int(memory):
        found.append(Problem(path="redis.memory_gib", message=(
            f"{memory:g} is not a whole number of GiB (Memorystore sizes are whole GiB)")))
    low, high = limits.MEMORYSTORE_GB
    found += _range("redis.memory_gib", memory, low, high, "Memorystore capacity, GB")
    return found


def _lambda(cfg: DataPlaneConfig) -> list[Problem]:
    if cfg.cloud is not Cloud.AWS:
        return []
    fn = cfg.aws_section.lambda_
    if fn.reserved_concurrency is not None and fn.provisioned_concurrency > fn.reserved_concurrency:
        return [Problem(path="aws.lambda.provisioned_concurrency", message=(
            f"{fn.provisioned_concurrency} is above aws.lambda.reserved_concurrency {fn.reserved_concurrency}: "
            "Lambda cannot keep more instances warm than the function may run"))]
    return []


def problems(cfg: DataPlaneConfig) -> list[Problem]:
    try:
        cfg.sizing  # noqa: B018 - an impossible override is reported by the caller
    except ValueError:
        return []
    postgres = {Cloud.AWS: _aws_postgres, Cloud.GCP: _gcp_postgres, Cloud.AZURE: _azure_postgres}[cfg.cloud]
    return [*postgres(cfg), *_redis(cfg), *_lambda(cfg)]
