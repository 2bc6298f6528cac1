"""`braintrust:gcp:Monitoring`: Cloud Monitoring alert policies on Cloud SQL, Memorystore, GKE and the public
load balancer, delivered to notification channels (one per email, one for the pager webhook).

Routing (``components/alerting.py``): production's ``PAGE`` policies notify every channel and carry severity
CRITICAL; the others notify the email channels (the webhook when there is none) with severity WARNING; staging
only emails. A webhook's URL is a channel label: it is always a Pulumi secret (so are the addresses when
``alerts`` is stored as a secret).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.alerting import Severity, Targets, route_of
from components.facts import monitoring as m
from components.tags import Tags

from .alert_rules import RULES, GcpRule


@dataclass(frozen=True)
class Watched:
    project_id: str
    region: str
    sql_instance: pulumi.Input[str]
    sql_max_connections: int
    redis_instance: str  # the Memorystore instance name
    cluster_name: pulumi.Input[str]
    namespace: str
    public_gateway: str | None  # the Gateway's name when the API is public (the load balancer GKE builds)


def _filter(rule: GcpRule, w: Watched) -> pulumi.Output[str]:
    """The condition's time-series filter for this stack's resource."""
    metric = f'metric.type="{rule.metric}"'
    if rule.target == "sql":
        parts: list[pulumi.Input[str]] = [
            f'{metric} AND resource.type="{rule.namespace.name}" AND resource.label.database_id="{w.project_id}:',
            w.sql_instance, '"']
    elif rule.target == "redis":
        parts = [f'{metric} AND resource.type="{rule.namespace.name}" AND resource.label.instance_id='
                 f'"projects/{w.project_id}/locations/{w.region}/instances/{w.redis_instance}"']
    elif rule.target == "gke_container":
        parts = [f'{metric} AND resource.type="k8s_container" AND resource.label.cluster_name="', w.cluster_name,
                 f'" AND resource.label.namespace_name="{w.namespace}"']
    elif rule.target == "gke_node":
        parts = [f'{metric} AND resource.type="k8s_node" AND resource.label.cluster_name="', w.cluster_name, '"']
    else:  # load_balancer: the URL map GKE's Gateway controller names after the namespace and the Gateway
        parts = [f'{metric} AND resource.type="{rule.namespace.name}" AND resource.label.url_map_name='
                 f'monitoring.regex.full_match(".*-{w.namespace}-{w.public_gateway}-.*")']
    return pulumi.Output.concat(*parts)


def threshold_of(rule: GcpRule, w: Watched, production: bool) -> float:
    value = float(rule.threshold.of(production))
    if rule.scale == "max_connections":
        return float(int(value * w.sql_max_connections))
    return value


def rules_for(w: Watched, rules: Sequence[GcpRule] = RULES) -> list[GcpRule]:
    """The rows that apply to this stack (the load balancer only exists with a public endpoint)."""
    return [r for r in rules if r.target != "load_balancer" or w.public_gateway]


class Monitoring(pulumi.ComponentResource):
    """`policies`: alert policy display names by rule key; `channels[route]`: channel ids of each route."""

    policies: dict[str, str]
    channels: dict[str, list[pulumi.Output[str]]]

    def __init__(self, name: str, *, deployment_name: str, targets: Targets, watched: Watched, labels: Tags,
                 after: Sequence[pulumi.Resource] = (), opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Monitoring", name, None, opts)
        w = watched
        child = pulumi.ResourceOptions(parent=self, depends_on=list(after))
        email_channels: list[pulumi.Output[str]] = []
        for i, email in enumerate(targets.emails):
            email_channels.append(gcp.monitoring.NotificationChannel(
                f"{name}-email-{i}", project=w.project_id, type="email",
                display_name=f"Braintrust {deployment_name} alerts (email {i + 1})",
                labels=self._labels({m.GCP_CHANNEL_LABELS["email"]: email}, targets.secret),
                user_labels=labels, opts=child).name)
        webhook_channel: pulumi.Output[str] | None = None
        if targets.webhook_url:
            webhook_channel = gcp.monitoring.NotificationChannel(
                f"{name}-webhook", project=w.project_id, type="webhook_tokenauth",
                display_name=f"Braintrust {deployment_name} pager",
                # The URL carries the pager's credential: always a secret.
                labels=self._labels({m.GCP_CHANNEL_LABELS["webhook_tokenauth"]: targets.webhook_url}, True),
                user_labels=labels, opts=child).name
        self.channels = {}
        for route in targets.routes():
            receivers = targets.receivers(route)
            self.channels[route.value] = [*(email_channels if receivers.emails else []),
                                          *([webhook_channel] if receivers.webhook_url and webhook_channel else [])]
        self.policies = {}
        for rule in rules_for(w):
            route = route_of(rule.severity, targets.production)
            display = f"Braintrust {deployment_name}: {rule.title}"
            gcp.monitoring.AlertPolicy(
                f"{name}-{rule.key}", project=w.project_id, display_name=display, combiner="OR",
                severity=severity_of(rule, targets.production),
                conditions=[self._condition(rule, w, targets.production)],
                notification_channels=self.channels[route.value],
                documentation=gcp.monitoring.AlertPolicyDocumentationArgs(
                    content=rule.text(targets.production), mime_type="text/markdown",
                    subject=f"[{deployment_name}] {rule.title}"),
                alert_strategy=gcp.monitoring.AlertPolicyAlertStrategyArgs(auto_close="1800s"),
                user_labels=labels, opts=child)
            self.policies[rule.key] = display
        self.register_outputs({"policies": sorted(self.policies), "channels": self.channels})

    @staticmethod
    def _labels(values: dict[str, str], secret: bool) -> pulumi.Input[dict[str, str]]:
        return pulumi.Output.secret(values) if secret else values

    @staticmethod
    def _condition(rule: GcpRule, w: Watched, production: bool) -> gcp.monitoring.AlertPolicyConditionArgs:
        threshold = threshold_of(rule, w, production)
        if rule.target == "gke_prometheus":
            query = pulumi.Output.from_input(w.cluster_name).apply(lambda cluster: rule.query.format(
                namespace=w.namespace, cluster=cluster, threshold=f"{threshold:g}"))
            return gcp.monitoring.AlertPolicyConditionArgs(
                display_name=rule.title,
                condition_prometheus_query_language=gcp.monitoring.AlertPolicyConditionConditionPrometheusQueryLanguageArgs(
                    query=query, duration=f"{rule.duration_s}s", evaluation_interval="60s",
                    # kube state metrics appear with the cluster's first scrape, after this policy exists.
                    disable_metric_validation=True))
        aggregation = gcp.monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
            alignment_period=f"{rule.period_s}s", per_series_aligner=rule.aligner,
            cross_series_reducer=rule.reducer, group_by_fields=list(rule.group_by) or None)
        base = _filter(rule, w)
        numerator = base.apply(lambda f: f"{f} AND {rule.extra_filter}") if rule.extra_filter else base
        return gcp.monitoring.AlertPolicyConditionArgs(
            display_name=rule.title,
            condition_threshold=gcp.monitoring.AlertPolicyConditionConditionThresholdArgs(
                filter=numerator,
                comparison="COMPARISON_GT" if rule.above else "COMPARISON_LT",
                threshold_value=threshold,
                duration=f"{rule.duration_s}s",
                aggregations=[aggregation],
                denominator_filter=base if rule.ratio_of_all else None,
                denominator_aggregations=[gcp.monitoring.AlertPolicyConditionConditionThresholdDenominatorAggregationArgs(
                    alignment_period=f"{rule.period_s}s", per_series_aligner=rule.aligner,
                    cross_series_reducer=rule.reducer, group_by_fields=list(rule.group_by) or None,
                )] if rule.ratio_of_all else None,
            ))


def severity_of(rule: GcpRule, production: bool) -> str:
    """CRITICAL for production's paging policies, WARNING otherwise (staging never pages)."""
    return "CRITICAL" if production and rule.severity is Severity.PAGE else "WARNING"
