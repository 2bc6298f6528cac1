"""Estimated monthly cost of a stack from the dated price sheet ``ops/prices.yaml``.

What is estimated: everything that bills by the hour whether or not anyone uses the data plane
(Brainstore nodes, Kubernetes node pools at their minimum size, databases, caches, cluster fees, NAT
gateways of every VPC, keys). Fixed charges the sheet has no sourced price for are *counted* and listed
under ``not_estimated`` with the reason (Brainstore load balancers, Lambda provisioned concurrency on
arm64, public IPv4 addresses, the Front Door base fee, private endpoints, ...), never silently left
out. Usage-based charges (object storage, egress, requests, logs) are listed by name, so nobody
mistakes the total for a bill.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from components.config import Cloud, DataPlaneConfig, Size
from components.sizing import presets
from components.sizing.model import Sizing
from components.sizing.skus import Kind, lookup

SHEET_PATH = Path(__file__).with_name("prices.yaml")
STALE_AFTER_DAYS = 183  # "older than 6 months"
# Storage that RDS gp3 includes before provisioned IOPS/throughput are billed (from 400 GB).
RDS_GP3_INCLUDED_IOPS, RDS_GP3_INCLUDED_MIBPS, RDS_GP3_LARGE_FROM_GB = 12_000, 500, 400
SECONDS_PER_HOUR = 3600

USAGE_BASED: dict[Cloud, tuple[str, ...]] = {
    Cloud.AWS: ("S3 storage and requests", "CloudFront and data transfer out", "Lambda requests and duration",
                "NAT data processing", "load balancer capacity units", "CloudWatch Logs", "EBS root volumes"),
    Cloud.GCP: ("Cloud Storage", "egress", "Cloud NAT data processing", "load balancer data processing",
                "Cloud Logging", "node boot disks"),
    Cloud.AZURE: ("Blob Storage", "egress", "NAT data processing", "load balancer and private endpoint data",
                  "Front Door requests and data transfer", "Log Analytics", "node OS disks"),
}
NO_SOURCED_PRICE = "no price in ops/prices.yaml from a source readable offline"


@dataclass(frozen=True)
class Price:
    key: str
    usd: float
    unit: str
    verified: bool
    retrieved: dt.date
    source: str


@dataclass(frozen=True)
class Family:
    name: str
    cloud: Cloud
    regions: tuple[str, ...]
    prices: dict[str, Price]


@dataclass(frozen=True)
class PriceSheet:
    as_of: dt.date
    hours_per_month: float
    families: tuple[Family, ...]
    sources: dict[str, str]

    def family_for(self, cloud: Cloud, region: str) -> Family | None:
        return next((f for f in self.families if f.cloud is cloud and region in f.regions), None)

    def regions(self, cloud: Cloud) -> list[str]:
        return sorted(r for f in self.families if f.cloud is cloud for r in f.regions)

    def age_days(self, today: dt.date) -> int:
        return (today - self.as_of).days

    def freshness_warning(self, today: dt.date) -> str | None:
        age = self.age_days(today)
        if age > STALE_AFTER_DAYS:
            return (f"price sheet ops/prices.yaml is {age} days old (as of {self.as_of}; older than 6 months): "
                    "refresh it before trusting the estimate")
        return None


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def parse_sheet(document: dict) -> PriceSheet:
    families = []
    for raw in document["families"]:
        prices = {
            key: Price(key=key, usd=float(row["usd"]), unit=str(row["unit"]), verified=bool(row["verified"]),
                       retrieved=_date(row["retrieved"]), source=str(row["source"]))
            for key, row in raw["prices"].items()
        }
        families.append(Family(name=raw["name"], cloud=Cloud(raw["cloud"]), regions=tuple(raw["regions"]),
                               prices=prices))
    return PriceSheet(as_of=_date(document["as_of"]), hours_per_month=float(document["hours_per_month"]),
                      families=tuple(families), sources=dict(document.get("sources") or {}))


@cache
def load_sheet(path: Path = SHEET_PATH) -> PriceSheet:
    return parse_sheet(yaml.safe_load(path.read_text()))


@dataclass(frozen=True)
class Line:
    component: str
    what: str
    monthly_usd: float | None  # None: no price in the sheet for it
    verified: bool
    price_key: str


@dataclass(frozen=True)
class NotEstimated:
    """A fixed charge the stack incurs that the estimate does not price (and why)."""

    component: str
    what: str
    reason: str

    def describe(self) -> str:
        return f"{self.what} ({self.reason})"


@dataclass
class Estimate:
    size: Size
    family: str | None
    lines: list[Line] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    usage_based: tuple[str, ...] = ()
    not_estimated: list[NotEstimated] = field(default_factory=list)  # fixed charges without a sourced price
    unavailable: str | None = None  # why there is no estimate at all (region not in the sheet)

    @property
    def total_usd(self) -> float:
        return sum(line.monthly_usd or 0.0 for line in self.lines)

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if line.monthly_usd is None]

    @property
    def unverified_usd(self) -> float:
        return sum(line.monthly_usd or 0.0 for line in self.lines if not line.verified)


class _Pricer:
    """Turns quantities into monthly lines against one family's prices."""

    def __init__(self, sheet: PriceSheet, family: Family, estimate: Estimate):
        self.sheet, self.family, self.estimate = sheet, family, estimate

    def add(self, component: str, what: str, key: str, quantity: float) -> None:
        if quantity <= 0:
            return
        price = self.family.prices.get(key)
        if price is None:
            self.estimate.lines.append(Line(component, what, None, False, key))
            return
        per_unit = {
            "hour": self.sheet.hours_per_month,
            "gb_hour": self.sheet.hours_per_month,
            "gb_second": self.sheet.hours_per_month * SECONDS_PER_HOUR,
        }.get(price.unit, 1.0)
        self.estimate.lines.append(Line(component, what, price.usd * per_unit * quantity, price.verified, key))

    def fixed_unpriced(self, component: str, what: str, quantity: float = 1, reason: str = NO_SOURCED_PRICE) -> None:
        """A fixed charge the sheet does not price: listed, with the quantity, so the total is not mistaken."""
        if quantity > 0:
            self.estimate.not_estimated.append(NotEstimated(component, what, reason))


def estimate(cfg: DataPlaneConfig, *, size: Size | None = None, sheet: PriceSheet | None = None) -> Estimate:
    """Monthly estimate for ``cfg`` as configured, or for the plain ``size`` preset in the same region."""
    sheet = sheet or load_sheet()
    as_configured = size is None or size is cfg.size
    size = cfg.size if size is None else size
    sizing = cfg.sizing if as_configured else presets.preset(cfg.cloud, size)
    family = sheet.family_for(cfg.cloud, cfg.region)
    result = Estimate(size=size, family=family.name if family else None, usage_based=USAGE_BASED[cfg.cloud])
    if family is None:
        result.unavailable = (f"no prices for {cfg.cloud.value} region {cfg.region} in ops/prices.yaml "
                              f"(covers: {', '.join(sheet.regions(cfg.cloud)) or 'none'})")
        return result
    pricer = _Pricer(sheet, family, result)
    _brainstore(pricer, cfg.cloud, sizing)
    {Cloud.AWS: _aws, Cloud.GCP: _gcp, Cloud.AZURE: _azure}[cfg.cloud](pricer, cfg, size, sizing, as_configured)
    return result


def _brainstore(p: _Pricer, cloud: Cloud, sizing: Sizing) -> None:
    prefix = {Cloud.AWS: "ec2", Cloud.GCP: "gce", Cloud.AZURE: "vm"}[cloud]
    bs = sizing.brainstore
    for role, spec in (("reader", bs.reader), ("writer", bs.writer), ("fast reader", bs.fast_reader)):
        p.add("brainstore", f"{spec.count} x {spec.sku} ({role})", f"{prefix}/{spec.sku}", spec.count)


def _aws(p: _Pricer, cfg: DataPlaneConfig, size: Size, sizing: Sizing, as_configured: bool) -> None:
    pg, rd = sizing.postgres, sizing.redis
    copies = 2 if pg.high_availability else 1
    label = "Multi-AZ" if pg.high_availability else "Single-AZ"
    p.add("postgres", f"{pg.sku} {label}", f"rds/{pg.sku}", copies)
    p.add("postgres", f"{pg.storage_gb} GB gp3 {label}", "rds/gp3-storage", pg.storage_gb * copies)
    if pg.storage_gb >= RDS_GP3_LARGE_FROM_GB:
        p.add("postgres", f"{pg.iops} IOPS (12,000 included)", "rds/gp3-iops",
              max(0, pg.iops - RDS_GP3_INCLUDED_IOPS) * copies)
        if pg.throughput_mibps:
            p.add("postgres", f"{pg.throughput_mibps} MiB/s (500 included)", "rds/gp3-throughput",
                  max(0, pg.throughput_mibps - RDS_GP3_INCLUDED_MIBPS) * copies)
    nodes = 2 if rd.high_availability else 1
    p.add("redis", f"{nodes} x {rd.sku}", f"elasticache/{rd.sku}", nodes)

    section = cfg.aws_section
    layout = section.network.nat_gateways if as_configured else None
    layout = layout or ("per_az" if size is Size.PRODUCTION else "single")
    azs = len(cfg.zones) if cfg.zones else 3
    public_ips = 0
    if section.network.create_vpc:
        nat = azs if layout == "per_az" else 1
        public_ips += nat
        p.add("network", f"{nat} NAT gateway{'s' if nat > 1 else ''} ({layout})", "vpc/nat-gateway", nat)
        if layout == "per_az" and not cfg.zones:
            p.estimate.assumptions.append("per-AZ NAT counted for 3 availability zones")
    quarantine = section.quarantine
    if quarantine.enabled and quarantine.create_vpc:
        # The quarantine VPC (user-defined functions) has its own NAT gateway and Elastic IP.
        public_ips += 1
        p.add("network", "1 NAT gateway (quarantine VPC)", "vpc/nat-gateway", 1)
    p.fixed_unpriced("network", f"{public_ips} public IPv4 address{'es' if public_ips != 1 else ''} "
                                "(Elastic IPs of the NAT gateways)", public_ips)
    roles = [role for role, spec in (("reader", sizing.brainstore.reader), ("writer", sizing.brainstore.writer),
                                     ("fast reader", sizing.brainstore.fast_reader)) if spec.count > 0]
    p.fixed_unpriced("brainstore", f"{len(roles)} internal Network Load Balancers ({', '.join(roles)}): hourly "
                                   "fee", len(roles))
    if section.kms.create_key:
        p.add("keys", "1 customer-managed KMS key", "kms/key", 1)
    p.fixed_unpriced("keys", "Secrets Manager secrets (monthly fee per secret)")

    lam = section.lambda_
    if as_configured:
        concurrency = lam.provisioned_concurrency
    else:
        concurrency = type(lam).model_fields["provisioned_concurrency"].default
    gb = (lam.api_handler_memory_mb + lam.ai_proxy_memory_mb) / 1024
    # APIHandler and AIProxy run on arm64 (components/aws/functions.py); the sheet has no arm64 price.
    p.fixed_unpriced("api", f"Lambda provisioned concurrency {concurrency} x ({gb:g} GB: APIHandler + AIProxy, "
                            "arm64)", concurrency)
    # The ECS API (when built) runs at least its autoscaling floors around the clock, beside the Lambdas.
    preset_ecs = presets.preset(cfg.cloud, size).ecs_api
    ecs = sizing.ecs_api if as_configured else preset_ecs
    if section.api.ecs_built and ecs is not None:
        floors = ecs.services().values()
        tasks = sum(s.min_tasks for s in floors)
        vcpu, gib = sum(s.min_tasks * s.cpu for s in floors), sum(s.min_tasks * s.memory_gib for s in floors)
        p.fixed_unpriced("api", f"ECS Fargate API: {tasks} tasks at the autoscaling floors ({vcpu:g} vCPU, "
                                f"{gib:g} GiB, arm64)", tasks)
        p.fixed_unpriced("api", "1 internal Application Load Balancer (ECS API): hourly fee and LCUs")


_CUSTOM_SQL = re.compile(r"^db-custom-(\d+)-(\d+)$")


def _gcp(p: _Pricer, cfg: DataPlaneConfig, size: Size, sizing: Sizing, as_configured: bool) -> None:
    _node_pools(p, "gce", sizing)
    p.add("kubernetes", "GKE cluster management fee", "gke/cluster", 1)

    pg = sizing.postgres
    copies = 2 if pg.high_availability else 1
    sku = lookup(Cloud.GCP, Kind.DATABASE, pg.sku)
    custom = _CUSTOM_SQL.match(pg.sku)
    vcpu, memory = (int(custom[1]), int(custom[2]) / 1024) if custom else (
        (sku.vcpu or 0, sku.memory_gib or 0) if sku else (0, 0))
    edition = "enterprise-plus" if pg.sku.startswith("db-perf-optimized") else "enterprise"
    label = "regional HA" if pg.high_availability else "zonal"
    p.add("postgres", f"{pg.sku}: {vcpu:g} vCPU ({edition}, {label})", f"cloudsql/{edition}-vcpu", vcpu * copies)
    p.add("postgres", f"{pg.sku}: {memory:g} GiB ({edition}, {label})", f"cloudsql/{edition}-memory",
          memory * copies)
    p.add("postgres", f"{pg.storage_gb} GB SSD ({label})", "cloudsql/ssd-storage", pg.storage_gb * copies)

    rd = sizing.redis
    gib = rd.memory_gib or 0
    band = "m1" if gib <= 4 else "m2"
    tier = "standard" if rd.high_availability else "basic"
    p.add("redis", f"Memorystore {tier.upper()} {gib:g} GiB", f"memorystore/{tier}-{band}", gib)

    p.fixed_unpriced("network", "Cloud NAT gateway (hourly per VM using it)")
    p.fixed_unpriced("kubernetes", "internal load balancer forwarding rule of the API (hourly)")
    if not cfg.private_ingress:
        p.fixed_unpriced("network", "external HTTPS load balancer forwarding rule (hourly)")


def _azure(p: _Pricer, cfg: DataPlaneConfig, size: Size, sizing: Sizing, as_configured: bool) -> None:
    _node_pools(p, "vm", sizing)
    if size is Size.PRODUCTION:
        p.add("kubernetes", "AKS Standard tier (uptime SLA)", "aks/standard-tier", 1)
        p.estimate.assumptions.append("AKS Standard tier in production, Free tier in staging")

    pg = sizing.postgres
    copies = 2 if pg.high_availability else 1
    label = "zone-redundant HA" if pg.high_availability else "no HA"
    p.add("postgres", f"{pg.sku} ({label})", f"postgres/{pg.sku}", copies)
    p.add("postgres", f"{pg.storage_gb} GiB Premium SSD ({label})", "postgres/premium-ssd", pg.storage_gb * copies)

    rd = sizing.redis
    p.add("redis", f"Azure Managed Redis {rd.sku}", f"redis/{rd.sku}", 1)
    if not rd.high_availability:
        p.estimate.assumptions.append("Azure Managed Redis priced with high availability (the sheet's price); "
                                      "without it the cache costs less")
    p.add("network", "1 NAT gateway", "network/nat-gateway", 1)
    p.estimate.assumptions.append("one NAT gateway for the cluster subnet")
    p.fixed_unpriced("network", "1 public IP address (NAT gateway egress)")
    p.fixed_unpriced("network", "private endpoints of Key Vault, PostgreSQL, Redis and storage (hourly each)")
    if not cfg.private_ingress:
        p.fixed_unpriced("edge", "Azure Front Door Premium profile (monthly base fee)")


def _node_pools(p: _Pricer, prefix: str, sizing: Sizing) -> None:
    for label, pool in (("system pool", sizing.system_pool), ("services pool", sizing.services_pool)):
        if pool:
            p.add("kubernetes", f"{label}: {pool.min_count} x {pool.sku} (autoscaler minimum)",
                  f"{prefix}/{pool.sku}", pool.min_count)
    if sizing.system_pool or sizing.services_pool:
        p.estimate.assumptions.append("node pools at their autoscaler minimum (min_count nodes in total)")
