"""The GCP alert table: every Cloud Monitoring alert policy the Monitoring component creates, per size, and why.

Metric types come from ``components/facts/monitoring.py`` (each with its source). A ``threshold`` row is a
metric-threshold condition (filter + aggregation); a ``promql`` row is a PromQL condition over the kube state
metrics GKE's managed Prometheus collects (``{threshold}`` in the query is replaced by the size's value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from components.alerting import PerSize, Rule, Severity, same
from components.facts import monitoring as m

Target = Literal["sql", "redis", "gke_container", "gke_node", "gke_prometheus", "load_balancer"]
MINUTE = 60


@dataclass(frozen=True, kw_only=True)
class GcpRule(Rule):
    namespace: m.Namespace
    metric: str  # the metric type (threshold rows) or the first kube state metric the query reads (promql)
    target: Target
    aligner: str = "ALIGN_MEAN"
    reducer: str | None = None  # cross-series reducer, with group_by
    group_by: tuple[str, ...] = ()
    period_s: int = 5 * MINUTE
    duration_s: int = 15 * MINUTE
    extra_filter: str = ""  # e.g. a metric label
    ratio_of_all: bool = False  # the metric restricted by extra_filter, divided by the metric unrestricted
    query: str = ""  # promql rows
    scale: Literal["absolute", "max_connections"] = "absolute"

    def __post_init__(self) -> None:
        self.namespace.metric(self.metric)


_SQL, _REDIS, _GKE, _KSM, _LB = m.CLOUD_SQL, m.MEMORYSTORE, m.GKE, m.GKE_KUBE_STATE, m.GCP_LOAD_BALANCER
_NOT_READY = (
    'sum by (deployment) (kube_deployment_spec_replicas{{namespace="{namespace}",deployment=~"brainstore-.*",'
    'cluster="{cluster}"}}) - sum by (deployment) (kube_deployment_status_replicas_available{{'
    'namespace="{namespace}",deployment=~"brainstore-.*",cluster="{cluster}"}}) > {threshold}')

RULES: tuple[GcpRule, ...] = (
    # ---- Cloud SQL for PostgreSQL ----
    GcpRule(key="gcp-sql-cpu", title="PostgreSQL CPU saturated", severity=Severity.PAGE, namespace=_SQL,
            metric="cloudsql.googleapis.com/database/cpu/utilization", target="sql",
            threshold=PerSize(0.9, 0.8), unit="share of CPU",
            reason="Every API request queries PostgreSQL; 15 minutes above this leaves no headroom for a burst. "
                   "Staging's small instance may run hotter during tests."),
    GcpRule(key="gcp-sql-memory", title="PostgreSQL memory nearly exhausted", severity=Severity.PAGE,
            namespace=_SQL, metric="cloudsql.googleapis.com/database/memory/utilization", target="sql",
            threshold=PerSize(0.95, 0.9), unit="share of memory",
            reason="Above this Cloud SQL risks an out-of-memory restart of the instance (a failover in production)."),
    GcpRule(key="gcp-sql-disk", title="PostgreSQL disk filling up", severity=Severity.WARN, namespace=_SQL,
            metric="cloudsql.googleapis.com/database/disk/utilization", target="sql",
            threshold=PerSize(0.9, 0.85), unit="share of disk",
            reason="Automatic storage increase grows the disk up to its limit; staying this full means the limit "
                   "is near (postgres.max_storage_gb)."),
    GcpRule(key="gcp-sql-connections", title="PostgreSQL connections near max_connections", severity=Severity.PAGE,
            namespace=_SQL, metric="cloudsql.googleapis.com/database/postgresql/num_backends", target="sql",
            aligner="ALIGN_MAX", reducer="REDUCE_SUM", group_by=("resource.label.database_id",),
            duration_s=10 * MINUTE, threshold=PerSize(0.9, 0.8), unit="share of max_connections",
            scale="max_connections",
            reason="At max_connections (a flag this program sets from the tier's memory) new connections are "
                   "refused and the API fails."),
    # ---- Memorystore for Redis ----
    GcpRule(key="gcp-redis-memory", title="Redis memory high", severity=Severity.WARN, namespace=_REDIS,
            metric="redis.googleapis.com/stats/memory/usage_ratio", target="redis", aligner="ALIGN_MAX",
            threshold=PerSize(0.9, 0.8), unit="share of memory",
            reason="Near maxmemory Redis evicts keys; 80% leaves time to grow the instance (redis.memory_gib)."),
    GcpRule(key="gcp-redis-evictions", title="Redis is evicting keys", severity=Severity.PAGE, namespace=_REDIS,
            metric="redis.googleapis.com/stats/evicted_keys", target="redis", aligner="ALIGN_DELTA",
            duration_s=0, threshold=same(0), unit="keys per 5 minutes",
            reason="Brainstore keeps transaction state in Redis: an evicted key is lost work, not a cache miss."),
    # ---- GKE: the Braintrust namespace ----
    GcpRule(key="gcp-gke-restarts", title="Braintrust containers restarting", severity=Severity.PAGE,
            namespace=_GKE, metric="kubernetes.io/container/restart_count", target="gke_container",
            aligner="ALIGN_DELTA", reducer="REDUCE_SUM", group_by=("resource.label.pod_name",),
            period_s=10 * MINUTE, duration_s=0, threshold=PerSize(5, 2), unit="restarts per 10 minutes",
            reason="A container that restarts this often is crash-looping (out of memory, a bad release, a "
                   "dependency it cannot reach)."),
    GcpRule(key="gcp-gke-brainstore-not-ready", title="Brainstore pods not ready", severity=Severity.PAGE,
            namespace=_KSM, metric="kube_deployment_status_replicas_available", target="gke_prometheus",
            query=_NOT_READY, threshold=same(0), unit="pods",
            reason="A Brainstore pod unavailable for 15 minutes (longer than a rollout) serves no queries; staging "
                   "runs one."),
    GcpRule(key="gcp-gke-memory", title="Braintrust container near its memory limit", severity=Severity.WARN,
            namespace=_GKE, metric="kubernetes.io/container/memory/limit_utilization", target="gke_container",
            aligner="ALIGN_MAX", threshold=PerSize(0.95, 0.9), unit="share of the limit",
            reason="At its limit the kernel kills the container (OOMKilled); the pod sizes may need raising."),
    GcpRule(key="gcp-gke-node-cpu", title="GKE node CPU saturated", severity=Severity.WARN, namespace=_GKE,
            metric="kubernetes.io/node/cpu/allocatable_utilization", target="gke_node",
            threshold=PerSize(0.95, 0.9), unit="share of allocatable CPU",
            reason="A saturated node slows every pod on it; the autoscaler adds nodes only for pending pods."),
    # ---- the public load balancer (production with a public endpoint) ----
    GcpRule(key="gcp-lb-5xx", title="Load balancer 5xx rate high", severity=Severity.PAGE, namespace=_LB,
            metric="loadbalancing.googleapis.com/https/request_count", target="load_balancer",
            aligner="ALIGN_RATE", reducer="REDUCE_SUM", extra_filter="metric.label.response_code_class=500",
            ratio_of_all=True, threshold=PerSize(0.10, 0.02), unit="share of requests",
            reason="The share of requests answered 5xx: above 2% for 15 minutes users see failures."),
)
