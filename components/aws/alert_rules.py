"""The AWS alert table: every CloudWatch alarm the Monitoring component creates, its threshold per size and why.

Metric names, namespaces and dimensions come from ``components/facts/monitoring.py`` (each with its source).
``scale`` turns a relative threshold into the metric's unit for this stack (a share of the instance's memory
becomes bytes). ``target`` says which resources one row watches: one alarm per database, cache node,
Brainstore role or API function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from components.alerting import PerSize, Rule, Severity, same
from components.facts import monitoring as m

Target = Literal["database", "cache_node", "cache_replica", "brainstore_group", "brainstore_capacity",
                 "brainstore_target_group", "api_function", "rest_api", "custom"]
Scale = Literal["absolute", "instance_memory", "allocated_storage", "max_connections", "function_timeout"]
MINUTE = 60


@dataclass(frozen=True, kw_only=True)
class AwsRule(Rule):
    namespace: m.Namespace
    metric: str
    statistic: str  # Average | Maximum | Minimum | Sum, or a percentile (p99) for extended statistics
    target: Target
    period_s: int = 5 * MINUTE
    evaluation_periods: int = 3
    scale: Scale = "absolute"
    treat_missing: Literal["missing", "notBreaching", "breaching", "ignore"] = "notBreaching"

    def __post_init__(self) -> None:
        self.namespace.metric(self.metric)  # the namespace publishes it (facts)

    @property
    def comparison(self) -> str:
        return "GreaterThanThreshold" if self.above else "LessThanThreshold"


_RDS, _EC, _ASG, _NLB, _EC2, _CWA, _LAMBDA, _APIGW = (
    m.RDS, m.ELASTICACHE, m.AUTOSCALING, m.NETWORK_ELB, m.EC2, m.CW_AGENT, m.LAMBDA, m.API_GATEWAY)

RULES: tuple[AwsRule, ...] = (
    # ---- PostgreSQL (RDS) ----
    AwsRule(key="aws-rds-cpu", title="PostgreSQL CPU saturated", severity=Severity.PAGE,
            namespace=_RDS, metric="CPUUtilization", statistic="Average", target="database",
            threshold=PerSize(90, 80), unit="%",
            reason="Every API request queries PostgreSQL; 15 minutes above this leaves no headroom for a burst "
                   "and latencies climb. Staging's small instance may run hotter during tests."),
    AwsRule(key="aws-rds-memory", title="PostgreSQL freeable memory low", severity=Severity.PAGE,
            namespace=_RDS, metric="FreeableMemory", statistic="Minimum", target="database", above=False,
            threshold=PerSize(0.05, 0.10), unit="share of instance memory", scale="instance_memory",
            reason="Below this the instance swaps and evicts its cache; queries slow down by orders of magnitude."),
    AwsRule(key="aws-rds-storage", title="PostgreSQL free storage low", severity=Severity.PAGE,
            namespace=_RDS, metric="FreeStorageSpace", statistic="Minimum", target="database", above=False,
            threshold=same(0.10), unit="share of allocated storage", scale="allocated_storage",
            evaluation_periods=6,
            reason="Storage autoscaling grows the volume at 10% free; still below it after 30 minutes means growth "
                   "is blocked (ceiling reached or cooldown) and writes stop when the disk is full."),
    AwsRule(key="aws-rds-read-latency", title="PostgreSQL read latency high", severity=Severity.WARN,
            namespace=_RDS, metric="ReadLatency", statistic="Average", target="database",
            threshold=PerSize(0.05, 0.02), unit="s",
            reason="gp3 reads take single-digit milliseconds; 20 ms sustained means the volume's IOPS or "
                   "throughput cap is reached."),
    AwsRule(key="aws-rds-write-latency", title="PostgreSQL write latency high", severity=Severity.WARN,
            namespace=_RDS, metric="WriteLatency", statistic="Average", target="database",
            threshold=PerSize(0.05, 0.02), unit="s",
            reason="Writes (WAL, Brainstore's metadata) slow every ingest; 20 ms sustained means the volume is "
                   "saturated."),
    AwsRule(key="aws-rds-connections", title="PostgreSQL connections near the limit", severity=Severity.PAGE,
            namespace=_RDS, metric="DatabaseConnections", statistic="Maximum", target="database",
            threshold=PerSize(0.9, 0.8), unit="share of max_connections", scale="max_connections",
            evaluation_periods=2,
            reason="At max_connections new connections are refused and the API fails; 80% leaves time to find "
                   "the leak or scale the instance (max_connections follows the instance's memory)."),
    # ---- Redis (ElastiCache), per node ----
    AwsRule(key="aws-redis-cpu", title="Redis engine CPU saturated", severity=Severity.PAGE,
            namespace=_EC, metric="EngineCPUUtilization", statistic="Average", target="cache_node",
            threshold=PerSize(90, 80), unit="%",
            reason="Redis executes commands on one thread: near 100% every command queues and the API's locks "
                   "and Brainstore's transactions time out."),
    AwsRule(key="aws-redis-memory", title="Redis memory high", severity=Severity.WARN,
            namespace=_EC, metric="DatabaseMemoryUsagePercentage", statistic="Maximum", target="cache_node",
            threshold=PerSize(90, 80), unit="%",
            reason="Near maxmemory Redis starts evicting keys; 80% leaves time to move to a larger node."),
    AwsRule(key="aws-redis-evictions", title="Redis is evicting keys", severity=Severity.PAGE,
            namespace=_EC, metric="Evictions", statistic="Sum", target="cache_node", evaluation_periods=1,
            threshold=same(0), unit="keys",
            reason="Brainstore keeps transaction state in Redis: an evicted key is lost work, not a cache miss."),
    AwsRule(key="aws-redis-replication-lag", title="Redis replica lagging", severity=Severity.WARN,
            namespace=_EC, metric="ReplicationLag", statistic="Maximum", target="cache_replica",
            threshold=same(5), unit="s",
            reason="A failover to a replica this far behind loses the last seconds of writes."),
    # ---- Brainstore (EC2 Auto Scaling) ----
    AwsRule(key="aws-brainstore-capacity", title="Brainstore nodes missing (in service < desired)",
            severity=Severity.PAGE, namespace=_ASG, metric="GroupInServiceInstances", statistic="Minimum",
            target="brainstore_capacity", threshold=same(0), unit="nodes", treat_missing="breaching",
            reason="A node out of service for 15 minutes (longer than a boot) is not coming back by itself; with "
                   "one node per role, staging has no Brainstore at all."),
    AwsRule(key="aws-brainstore-unhealthy", title="Brainstore nodes failing the load balancer health check",
            severity=Severity.PAGE, namespace=_NLB, metric="UnHealthyHostCount", statistic="Maximum",
            target="brainstore_target_group", period_s=MINUTE, evaluation_periods=5, threshold=same(0),
            unit="nodes",
            reason="An unhealthy node serves no queries; five minutes rules out a rolling replacement."),
    AwsRule(key="aws-brainstore-cpu", title="Brainstore CPU saturated", severity=Severity.WARN,
            namespace=_EC2, metric="CPUUtilization", statistic="Average", target="brainstore_group",
            threshold=PerSize(95, 85), unit="%",
            reason="Sustained saturation slows search and indexing; add nodes or move to a larger size."),
    AwsRule(key="aws-brainstore-memory", title="Brainstore memory nearly exhausted", severity=Severity.PAGE,
            namespace=_CWA, metric="MemoryUtilization", statistic="Maximum", target="brainstore_group",
            threshold=PerSize(95, 90), unit="%",
            reason="Above this the container's memory limit (the OOM guard) is close: it is killed and restarted, "
                   "dropping in-flight queries."),
    AwsRule(key="aws-brainstore-disk", title="Brainstore root disk filling up", severity=Severity.WARN,
            namespace=_CWA, metric="disk_used_percent", statistic="Maximum", target="brainstore_group",
            threshold=PerSize(90, 80), unit="%",
            reason="The root volume holds images and logs (the cache is on NVMe); a full root disk stops Docker."),
    # ---- API (Lambda, API Gateway) ----
    AwsRule(key="aws-lambda-errors", title="API function errors", severity=Severity.PAGE,
            namespace=_LAMBDA, metric="Errors", statistic="Sum", target="api_function", evaluation_periods=2,
            threshold=PerSize(20, 5), unit="errors per 5 minutes",
            reason="Function errors are crashes and timeouts (handled errors are HTTP responses); more than a few "
                   "in two consecutive periods is a failing release or a failing dependency."),
    AwsRule(key="aws-lambda-throttles", title="API function throttled", severity=Severity.PAGE,
            namespace=_LAMBDA, metric="Throttles", statistic="Sum", target="api_function", evaluation_periods=2,
            threshold=PerSize(10, 0), unit="throttles per 5 minutes",
            reason="A throttled invocation is a request refused: the account's concurrency or the function's "
                   "reservation is exhausted."),
    AwsRule(key="aws-lambda-duration", title="API function duration near its timeout", severity=Severity.WARN,
            namespace=_LAMBDA, metric="Duration", statistic="p99", target="api_function",
            threshold=same(0.9), unit="share of the timeout", scale="function_timeout",
            reason="p99 at 90% of the timeout means requests are about to be cut off (usually a slow database "
                   "or Brainstore)."),
    AwsRule(key="aws-api-5xx", title="API Gateway 5xx rate high", severity=Severity.PAGE,
            namespace=_APIGW, metric="5XXError", statistic="Average", target="rest_api",
            threshold=PerSize(0.10, 0.02), unit="share of requests",
            reason="The share of requests answered 5xx: above 2% for 15 minutes users see failures."),
)
