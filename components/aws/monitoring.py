"""`braintrust:aws:Monitoring`: CloudWatch alarms on every tier, delivered through KMS-encrypted SNS topics.

One SNS topic per route (``components/alerting.py``): ``page`` (production's urgent alarms: the pager webhook
and the emails) and ``notify`` (everything else, and all of staging: emails). The topics are encrypted with the
data plane's CMK, whose policy lets CloudWatch publish (``keys.key_policy``). With a key the user brings, whose
policy we cannot assume allows it (an alarm whose topic CloudWatch cannot use never notifies anyone), the
component creates a small key of its own for the topics.

The alarms are the rows of ``alert_rules.RULES`` applied to the resources of this stack (``alarms()``, a pure
function). ``MonitoringArgs.extra_alarms`` takes more concrete alarms built the same way, so another tier
(e.g. an ECS-hosted API) adds its own without touching this file: ``Alarm(rule=AwsRule(..., target="custom"),
suffix="ecs", dimensions={...}, threshold=...)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.alerting import Route, Targets, route_of
from components.facts import monitoring as m

from .alert_rules import RULES, AwsRule
from .context import Deployment


@dataclass(frozen=True)
class Alarm:
    """One concrete alarm: a table row applied to one resource, its threshold in the metric's unit."""

    rule: AwsRule
    suffix: str  # which resource (a Brainstore role, a function, a cache node); "" when the row has one
    dimensions: Mapping[str, pulumi.Input[str]]
    threshold: float

    @property
    def key(self) -> str:
        return f"{self.rule.key}-{self.suffix}" if self.suffix else self.rule.key


@dataclass(frozen=True)
class ApiFunction:
    name: pulumi.Input[str]
    timeout_s: int


@dataclass(frozen=True)
class Watched:
    """What the alarms watch, as the data plane built it."""

    database_identifier: str
    database_memory_gib: float
    database_storage_gb: int
    cache_nodes: Sequence[pulumi.Input[str]]  # CacheClusterId of each node (primary first when known)
    brainstore_groups: Mapping[str, str]  # role -> Auto Scaling group name
    brainstore_health: Mapping[str, tuple[pulumi.Input[str], pulumi.Input[str]]]  # role -> (target group, NLB)
    api_functions: Mapping[str, ApiFunction]  # function key -> name and timeout
    rest_api_name: str
    rest_api_stage: str


def max_connections(memory_gib: float) -> int:
    """RDS for PostgreSQL's default: LEAST({DBInstanceClassMemory/9531392}, 5000) (an upper bound: the class
    memory RDS counts is a little below the instance's)."""
    return min(m.RDS_MAX_CONNECTIONS_CAP, int(memory_gib * 1024**3 / m.RDS_MAX_CONNECTIONS_DIVISOR))


def _threshold(rule: AwsRule, w: Watched, production: bool, timeout_s: int | None = None) -> float:
    value = float(rule.threshold.of(production))
    if rule.scale == "instance_memory":
        return round(value * w.database_memory_gib * 1024**3)
    if rule.scale == "allocated_storage":
        return round(value * w.database_storage_gb * 1000**3)
    if rule.scale == "max_connections":
        return float(int(value * max_connections(w.database_memory_gib)))
    if rule.scale == "function_timeout":
        assert timeout_s is not None
        return round(value * timeout_s * 1000)  # Duration is in milliseconds
    return value


def alarms(w: Watched, production: bool, rules: Sequence[AwsRule] = RULES) -> list[Alarm]:
    """Every alarm of the table for this stack's resources."""
    out: list[Alarm] = []
    for rule in rules:
        dims = rule.namespace.dimensions
        if rule.target == "database":
            out.append(Alarm(rule, "", {dims[0]: w.database_identifier}, _threshold(rule, w, production)))
        elif rule.target in ("cache_node", "cache_replica"):
            if rule.target == "cache_replica" and len(w.cache_nodes) < 2:
                continue  # no replica, no replication lag
            out += [Alarm(rule, f"node{i + 1}", {dims[0]: node}, _threshold(rule, w, production))
                    for i, node in enumerate(w.cache_nodes)]
        elif rule.target in ("brainstore_group", "brainstore_capacity"):
            out += [Alarm(rule, role, {dims[0]: group}, _threshold(rule, w, production))
                    for role, group in w.brainstore_groups.items()]
        elif rule.target == "brainstore_target_group":
            out += [Alarm(rule, role, {"TargetGroup": tg, "LoadBalancer": lb}, _threshold(rule, w, production))
                    for role, (tg, lb) in w.brainstore_health.items()]
        elif rule.target == "api_function":
            out += [Alarm(rule, key.lower(), {dims[0]: f.name}, _threshold(rule, w, production, f.timeout_s))
                    for key, f in w.api_functions.items()]
        elif rule.target == "rest_api":
            out.append(Alarm(rule, "", {"ApiName": w.rest_api_name, "Stage": w.rest_api_stage},
                             _threshold(rule, w, production)))
    return out


def key_policy(account_id: str) -> str:
    """The account administers the key through IAM; CloudWatch may use it to publish alarms to the topics."""
    return json.dumps({"Version": "2012-10-17", "Id": "braintrust-alerts", "Statement": [
        {"Sid": "AccountAdministersThroughIam", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchPublishesAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": list(m.SNS_KMS_FOR_CLOUDWATCH), "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
    ]})


@dataclass(frozen=True)
class MonitoringArgs:
    deployment: Deployment
    targets: Targets
    watched: Watched
    topic_key_arn: pulumi.Input[str] | None  # the CMK (its policy admits CloudWatch); None: create one
    extra_alarms: Sequence[Alarm] = field(default_factory=tuple)


class Monitoring(pulumi.ComponentResource):
    """`topic_arns[route]`: the SNS topic of each route; `alarm_names`: every alarm, by its key."""

    topic_arns: dict[str, pulumi.Output[str]]
    alarm_names: dict[str, str]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Monitoring", name, None, opts)
        d, targets = args.deployment, args.targets
        child = pulumi.ResourceOptions(parent=self)
        topic_key = args.topic_key_arn
        if topic_key is None:
            topic_key = aws.kms.Key(
                f"{name}-key",
                description=f"Braintrust data plane {d.name}: alert topics",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                policy=pulumi.Output.from_input(d.account_id).apply(key_policy),
                tags=d.tags_for(f"{d.name}-alerts"),
                opts=pulumi.ResourceOptions(parent=self, protect=d.protect, retain_on_delete=True),
            ).arn
        self.topic_arns = {}
        for route in targets.routes():
            topic = aws.sns.Topic(
                f"{name}-{route.value}", name=f"{d.name}-alerts-{route.value}", kms_master_key_id=topic_key,
                display_name=f"Braintrust {d.name} ({route.value})", tags=d.tags_for(f"{d.name}-alerts-{route.value}"),
                opts=child)
            self.topic_arns[route.value] = topic.arn
            self._subscribe(name, route, topic, targets)
        self.alarm_names = {}
        for alarm in [*alarms(args.watched, targets.production), *args.extra_alarms]:
            self._alarm(name, d, alarm, targets)
        self.register_outputs({"topic_arns": self.topic_arns, "alarms": sorted(self.alarm_names)})

    def _subscribe(self, name: str, route: Route, topic: aws.sns.Topic, targets: Targets) -> None:
        receivers = targets.receivers(route)

        def endpoint(value: str) -> pulumi.Input[str]:
            return pulumi.Output.secret(value) if targets.secret else value

        for i, email in enumerate(receivers.emails):
            aws.sns.TopicSubscription(
                f"{name}-{route.value}-email-{i}", topic=topic.arn, protocol="email", endpoint=endpoint(email),
                opts=pulumi.ResourceOptions(parent=self))
        if receivers.webhook_url:
            aws.sns.TopicSubscription(
                f"{name}-{route.value}-webhook", topic=topic.arn, protocol="https",
                # The URL carries the pager's credential: config requires it encrypted, so it is always secret.
                endpoint=pulumi.Output.secret(receivers.webhook_url), endpoint_auto_confirms=True,
                opts=pulumi.ResourceOptions(parent=self))

    def _alarm(self, name: str, d: Deployment, alarm: Alarm, targets: Targets) -> None:
        rule = alarm.rule
        topic = self.topic_arns[route_of(rule.severity, targets.production).value]
        alarm_name = f"{d.name}-{alarm.key}"
        common = {
            "name": alarm_name,
            "alarm_description": rule.text(targets.production),
            "comparison_operator": rule.comparison,
            "threshold": alarm.threshold,
            "evaluation_periods": rule.evaluation_periods,
            "treat_missing_data": rule.treat_missing,
            "alarm_actions": [topic],
            "ok_actions": [topic],
            "tags": d.tags_for(alarm_name),
        }
        if rule.target == "brainstore_capacity":
            # In service below desired: desired - in service > 0 (metric math over the group's own metrics).
            group_dims = dict(alarm.dimensions)
            queries = [
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id=query_id, return_data=False, metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                        namespace=rule.namespace.name, metric_name=rule.namespace.metric(metric),
                        dimensions=group_dims, period=rule.period_s, stat="Minimum"))
                for query_id, metric in (("desired", "GroupDesiredCapacity"), ("inservice", "GroupInServiceInstances"))
            ]
            queries.append(aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="missing", expression="desired - inservice", label="Brainstore nodes missing", return_data=True))
            aws.cloudwatch.MetricAlarm(f"{name}-{alarm.key}", metric_queries=queries, **common,
                                       opts=pulumi.ResourceOptions(parent=self))
        else:
            percentile = rule.statistic.startswith("p")
            aws.cloudwatch.MetricAlarm(
                f"{name}-{alarm.key}", namespace=rule.namespace.name, metric_name=rule.metric,
                dimensions=dict(alarm.dimensions), period=rule.period_s,
                statistic=None if percentile else rule.statistic,
                extended_statistic=rule.statistic if percentile else None,
                **common, opts=pulumi.ResourceOptions(parent=self))
        self.alarm_names[alarm.key] = alarm_name
