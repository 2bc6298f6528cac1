"""Production is not silently downgraded, and every ``danger_*`` switch that is on is said out loud.

In production these are errors unless ``danger_allow_production_downgrade: true`` says the downgrade is
deliberate (it is then warned about on every run, and the mandatory policies that guard the same
property still refuse the stack until their rule is disabled in the pack config: two keys):

* PostgreSQL or Redis without high availability (policies ``postgres-high-availability``,
  ``redis-high-availability``);
* PostgreSQL backups kept fewer than ``BACKUP_FLOOR_DAYS`` days: the default of RDS (console), Cloud SQL
  and Azure Flexible Server alike, and the production floor of ``postgres-backup-retention``;
* AWS: one NAT gateway for every AZ (an AZ outage cuts all egress), no ElastiCache snapshots;
* any cloud-specific ``danger_*`` switch (e.g. ``gcp.danger_disable_redis_tls``).

The top-level switches (``danger_disable_deletion_protection``, ``danger_skip_final_snapshot``,
``danger_allow_stale_release``...) are themselves the deliberate key; they are warned about, not refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import BaseModel

from components.facts import limits

from .common import Cloud, Problem

if TYPE_CHECKING:
    from .root import DataPlaneConfig

BACKUP_FLOOR_DAYS: int = limits.DEFAULT_BACKUP_DAYS
DOWNGRADE_KEY = "danger_allow_production_downgrade"


def danger_flags(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(key path, description) of every ``danger_*`` switch that is on, at any depth of the model."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        key = field.alias or name
        path = f"{prefix}{key}"
        if name.startswith("danger_") and value is True:
            yield path, field.description or ""
        elif isinstance(value, BaseModel):
            yield from danger_flags(value, f"{path}.")


def danger_warnings(cfg: DataPlaneConfig) -> list[str]:
    return [f"{path} is true: {description}" for path, description in danger_flags(cfg)]


def downgrade_problems(cfg: DataPlaneConfig) -> list[Problem]:
    if cfg.production and cfg.danger_ephemeral:  # no second key: production data is never thrown away
        return [Problem(path="danger_ephemeral", message=(
            "is refused in production: it deletes buckets with their objects and keys on `pulumi destroy`; "
            "tear production down with danger_disable_deletion_protection (README: Tearing down)"))]
    if not cfg.production or cfg.danger_allow_production_downgrade:
        return []
    why = f"in production; set {DOWNGRADE_KEY}: true only if this downgrade is deliberate"
    found: list[Problem] = []
    try:
        sizing = cfg.sizing
    except ValueError:  # reported as a sizing problem
        return found
    if not sizing.postgres.high_availability:
        found.append(Problem(path="postgres.high_availability", message=(
            f"is false: PostgreSQL would run without a standby in another zone {why}")))
    if not sizing.redis.high_availability:
        found.append(Problem(path="redis.high_availability", message=(
            f"is false: Redis would run without a replica and automatic failover {why}")))
    if sizing.postgres.backup_retention_days < BACKUP_FLOOR_DAYS:
        found.append(Problem(path="postgres.backup_retention_days", message=(
            f"is {sizing.postgres.backup_retention_days}: production keeps backups for at least "
            f"{BACKUP_FLOOR_DAYS} days (the clouds' default) {why}")))
    if cfg.cloud is Cloud.AWS:
        aws = cfg.aws_section
        if aws.network.create_vpc and aws.network.nat_gateways == "single":
            found.append(Problem(path="aws.network.nat_gateways", message=(
                f"is single: one AZ outage would cut every AZ's egress {why} (use per_az)")))
        if aws.cache.snapshot_retention_days == 0:
            found.append(Problem(path="aws.cache.snapshot_retention_days", message=(
                f"is 0: Redis would keep no snapshots {why}")))
    for path, _ in danger_flags(cfg):
        if "." in path:  # cloud-specific switch
            found.append(Problem(path=path, message=f"is on {why}"))
    return found
