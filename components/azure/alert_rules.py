"""The Azure alert table: every Azure Monitor alert rule the Monitoring component creates, per size, and why.

``metric`` rows are metric alerts on a platform metric of one resource (names from
``components/facts/monitoring.py``); ``log`` rows are log search alerts over the Container Insights tables in
the Log Analytics workspace (pod restarts and readiness, which AKS publishes as no platform metric).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from components.alerting import PerSize, Rule, Severity, same
from components.facts import monitoring as m

Target = Literal["postgres", "redis", "aks", "front_door", "workspace"]


@dataclass(frozen=True, kw_only=True)
class AzureRule(Rule):
    namespace: m.Namespace | None  # metric rows; None for log rows
    metric: str  # the platform metric (metric rows) or the measured column (log rows, "" = row count)
    target: Target
    aggregation: Literal["Average", "Maximum", "Minimum", "Total", "Count"] = "Average"
    window: str = "PT15M"
    frequency: str = "PT5M"
    query: str = ""  # log rows: KQL over Container Insights tables ({namespace} is filled in)
    failing_periods: int = 1  # log rows: consecutive windows that must all match (state that persists)

    def __post_init__(self) -> None:
        if self.namespace is not None:
            self.namespace.metric(self.metric)
        else:
            tables = m.CONTAINER_INSIGHTS_TABLES
            assert any(self.query.lstrip().startswith(table) for table in tables), self.key


_PG, _REDIS, _AKS, _AFD = m.POSTGRES_FLEXIBLE, m.MANAGED_REDIS, m.AKS, m.FRONT_DOOR
_RESTARTS = ('KubePodInventory | where Namespace == "{namespace}" '
             '| summarize restarts = max(ContainerRestartCount) - min(ContainerRestartCount) by Name, ContainerName')
_NODES_NOT_READY = ('KubeNodeInventory | summarize arg_max(TimeGenerated, Status) by Computer '
                    '| where Status != "Ready"')
_BRAINSTORE_NOT_RUNNING = ('KubePodInventory | where Namespace == "{namespace}" and ControllerName startswith '
                           '"brainstore-" | summarize arg_max(TimeGenerated, PodStatus) by Name '
                           '| where PodStatus != "Running"')

RULES: tuple[AzureRule, ...] = (
    # ---- PostgreSQL Flexible Server ----
    AzureRule(key="azure-pg-cpu", title="PostgreSQL CPU saturated", severity=Severity.PAGE, namespace=_PG,
              metric="cpu_percent", target="postgres", threshold=PerSize(90, 80), unit="%",
              reason="Every API request queries PostgreSQL; 15 minutes above this leaves no headroom for a burst. "
                     "Staging's small server may run hotter during tests."),
    AzureRule(key="azure-pg-memory", title="PostgreSQL memory nearly exhausted", severity=Severity.PAGE,
              namespace=_PG, metric="memory_percent", target="postgres", threshold=PerSize(95, 90), unit="%",
              reason="Above this the server risks an out-of-memory restart (a failover in production)."),
    AzureRule(key="azure-pg-storage", title="PostgreSQL storage filling up", severity=Severity.WARN, namespace=_PG,
              metric="storage_percent", target="postgres", aggregation="Maximum", threshold=PerSize(90, 85),
              unit="%",
              reason="A full disk makes the server read-only; storage autogrow (where on) grows it, so staying "
                     "this full means growth is off or capped."),
    AzureRule(key="azure-pg-iops", title="PostgreSQL disk IOPS at the provisioned limit", severity=Severity.WARN,
              namespace=_PG, metric="disk_iops_consumed_percentage", target="postgres", threshold=PerSize(95, 90),
              unit="%",
              reason="At the provisioned IOPS every query waits on the disk; raise postgres.iops or the disk size."),
    # ---- Azure Managed Redis ----
    AzureRule(key="azure-redis-memory", title="Redis memory high", severity=Severity.WARN, namespace=_REDIS,
              metric="usedmemorypercentage", target="redis", aggregation="Maximum", threshold=PerSize(90, 80),
              unit="%", reason="Near its memory limit Redis evicts keys; 80% leaves time to move to a larger SKU."),
    AzureRule(key="azure-redis-evictions", title="Redis is evicting keys", severity=Severity.PAGE,
              namespace=_REDIS, metric="evictedkeys", target="redis", aggregation="Total", window="PT5M",
              threshold=same(0), unit="keys",
              reason="Brainstore keeps transaction state in Redis: an evicted key is lost work, not a cache miss."),
    # ---- AKS: platform metrics ----
    AzureRule(key="azure-aks-node-cpu", title="AKS node CPU saturated", severity=Severity.WARN, namespace=_AKS,
              metric="node_cpu_usage_percentage", target="aks", threshold=PerSize(95, 90), unit="%",
              reason="A saturated node slows every pod on it; the autoscaler adds nodes only for pending pods."),
    AzureRule(key="azure-aks-node-memory", title="AKS node memory nearly exhausted", severity=Severity.WARN,
              namespace=_AKS, metric="node_memory_working_set_percentage", target="aks", threshold=PerSize(95, 90),
              unit="%", reason="Near full memory the kubelet evicts pods and the kernel kills containers."),
    # ---- AKS: Container Insights (log search alerts) ----
    AzureRule(key="azure-aks-restarts", title="Braintrust containers restarting", severity=Severity.PAGE,
              namespace=None, metric="restarts", target="workspace", aggregation="Maximum", query=_RESTARTS,
              threshold=PerSize(5, 2), unit="restarts per 15 minutes",
              reason="A container that restarts this often is crash-looping (out of memory, a bad release, a "
                     "dependency it cannot reach)."),
    AzureRule(key="azure-aks-node-not-ready", title="AKS nodes not ready", severity=Severity.PAGE, namespace=None,
              metric="", target="workspace", aggregation="Count", query=_NODES_NOT_READY, threshold=same(0),
              window="PT5M", failing_periods=3,
              unit="nodes",
              reason="A node not ready for 15 minutes is not coming back by itself; its pods (a Brainstore node's "
                     "one pod) are not serving."),
    AzureRule(key="azure-aks-brainstore-not-running", title="Brainstore pods not running", severity=Severity.PAGE,
              namespace=None, metric="", target="workspace", aggregation="Count", query=_BRAINSTORE_NOT_RUNNING,
              window="PT5M", failing_periods=3,
              threshold=same(0), unit="pods",
              reason="A Brainstore pod not running for 15 minutes (longer than a rollout) serves no queries; "
                     "staging runs one."),
    # ---- Front Door (production with a public endpoint) ----
    AzureRule(key="azure-frontdoor-5xx", title="Front Door 5xx rate high", severity=Severity.PAGE,
              namespace=_AFD, metric="Percentage5XX", target="front_door", threshold=PerSize(10, 2), unit="%",
              reason="The share of requests answered 5xx: above 2% for 15 minutes users see failures."),
)
