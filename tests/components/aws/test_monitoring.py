"""AWS alerting (issue 13): every alarm of the table on both stacks, with its metric, threshold and target;
production pages and staging only emails; KMS-encrypted topics CloudWatch may publish to."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from components.alerting import PerSize, Route, Severity, Targets
from components.aws.alert_rules import RULES, AwsRule
from components.aws.context import Deployment
from components.aws.monitoring import Alarm, ApiFunction, Monitoring, MonitoringArgs, Watched, max_connections
from components.facts import monitoring as m
from tests.support.harness import Harness, new_harness, reset_runtime, run, unwrap
from tests.support.stacks import build_stack, stack_config

from .conftest import aws_set, both

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
WEBHOOK = "https://events.pagerduty.example/integration/zq9-hook-4471/enqueue"
GIB, GB = 1024**3, 1000**3

# What each stack runs (the presets; components/sizing/presets.py): memory of the RDS class, storage.
EXPECTED_DB = {"aws-staging": (8, 100), "aws-production": (64, 1000)}  # db.m7g.large, db.r8g.2xlarge
RULE = {r.key: r for r in RULES}


def _alarms(h: Harness) -> dict[str, Any]:
    return {r.inputs["name"]: r.inputs for r in h.of_type(ALARM)}


def _topic_arn(h: Harness, route: Route) -> str:
    name = next(r.inputs["name"] for r in h.of_type(TOPIC) if r.inputs["name"].endswith(f"-alerts-{route.value}"))
    return f"arn:aws:sns:us-east-1:123456789012:{name}"


def _expected_threshold(stack: str, rule: AwsRule) -> float:
    memory_gib, storage_gb = EXPECTED_DB[stack]
    value = rule.threshold.of(stack.endswith("production"))
    if rule.key == "aws-rds-memory":
        return round(value * memory_gib * GIB)
    if rule.key == "aws-rds-storage":
        return round(value * storage_gb * GB)
    if rule.key == "aws-rds-connections":
        return int(value * min(5000, memory_gib * GIB // 9531392))
    if rule.key == "aws-lambda-duration":
        return round(value * 600 * 1000)  # APIHandler's timeout (the AIProxy alarm is checked separately)
    return value


@pytest.mark.parametrize("stack", ["aws-staging", "aws-production"])
def test_every_alarm_watches_its_metric_with_the_tables_threshold_and_notifies_its_route(stack: str):
    h = build_stack(stack)
    production = stack.endswith("production")
    dn = stack_config(stack).deployment_name
    alarms = _alarms(h)
    for rule in RULES:
        if rule.target == "cache_replica" and not production:
            assert not [n for n in alarms if rule.key in n], "staging has no Redis replica"
            continue
        mine = {n: a for n, a in alarms.items() if n.startswith(f"{dn}-{rule.key}")}
        assert mine, f"no alarm for {rule.key}"
        route = Route.PAGE if production and rule.severity is Severity.PAGE else Route.NOTIFY
        for name, alarm in mine.items():
            assert alarm["alarmActions"] == [_topic_arn(h, route)] == alarm["okActions"], name
            assert f"Runbook: docs/operations.md#alert-{rule.key}" in alarm["alarmDescription"]
            assert alarm["comparisonOperator"] == ("GreaterThanThreshold" if rule.above else "LessThanThreshold")
            if rule.target == "brainstore_capacity":
                continue  # metric math, below
            assert (alarm["namespace"], alarm["metricName"]) == (rule.namespace.name, rule.metric), name
            statistic = alarm.get("extendedStatistic") or alarm.get("statistic")
            assert statistic == rule.statistic
            if not name.endswith("aiproxy"):
                assert alarm["threshold"] == _expected_threshold(stack, rule), name


@pytest.mark.parametrize("stack", ["aws-staging", "aws-production"])
def test_alarms_name_the_resources_of_this_stack(stack: str):
    h = build_stack(stack)
    dn = stack_config(stack).deployment_name
    alarms = _alarms(h)
    assert alarms[f"{dn}-aws-rds-cpu"]["dimensions"] == {"DBInstanceIdentifier": f"{dn}-postgres"}
    assert alarms[f"{dn}-aws-redis-cpu-node1"]["dimensions"] == {"CacheClusterId": f"{dn}-redis-001"}
    assert alarms[f"{dn}-aws-brainstore-memory-reader"]["dimensions"] == {
        "AutoScalingGroupName": f"{dn}-brainstore-reader"}
    assert alarms[f"{dn}-aws-lambda-errors-apihandler"]["dimensions"] == {"FunctionName": f"{dn}-APIHandler"}
    assert alarms[f"{dn}-aws-lambda-duration-aiproxy"]["threshold"] == 0.9 * 900 * 1000  # AIProxy: 900 s
    assert alarms[f"{dn}-aws-api-5xx"]["dimensions"] == {"ApiName": f"{dn}-api", "Stage": "api"}
    health = alarms[f"{dn}-aws-brainstore-unhealthy-reader"]["dimensions"]
    assert health["TargetGroup"].startswith("targetgroup/") and health["LoadBalancer"].startswith("net/")
    groups = {g.inputs["name"]: g.inputs for g in h.of_type("aws:autoscaling/group:Group")}
    for group in groups.values():  # the capacity alarm's metrics exist only with collection enabled
        assert set(group["enabledMetrics"]) >= {"GroupDesiredCapacity", "GroupInServiceInstances"}


def test_capacity_alarm_fires_when_in_service_is_below_desired(production: Harness):
    alarm = _alarms(production)["acme-prod-aws-brainstore-capacity-writer"]
    queries = {q["id"]: q for q in alarm["metricQueries"]}
    assert queries["missing"]["expression"] == "desired - inservice" and queries["missing"]["returnData"]
    assert queries["desired"]["metric"]["metricName"] == "GroupDesiredCapacity"
    assert queries["inservice"]["metric"]["metricName"] == "GroupInServiceInstances"
    assert queries["inservice"]["metric"]["dimensions"] == {"AutoScalingGroupName": "acme-prod-brainstore-writer"}
    assert alarm["threshold"] == 0 and alarm["treatMissingData"] == "breaching"


def test_production_pages_and_staging_only_emails(staging: Harness, production: Harness):
    assert {t.inputs["name"] for t in staging.of_type(TOPIC)} == {"acme-stg-alerts-notify"}
    assert {t.inputs["name"] for t in production.of_type(TOPIC)} == {"acme-prod-alerts-page",
                                                                       "acme-prod-alerts-notify"}
    for h, address in ((staging, "platform-alerts@acme.example.com"), (production, "oncall@acme.example.com")):
        subs = h.of_type(SUBSCRIPTION)
        assert subs and all(s.inputs["protocol"] == "email" and s.inputs["endpoint"] == address for s in subs)
    # The thresholds differ as the table documents (production is stricter where it says so).
    stg, prod = _alarms(staging), _alarms(production)
    assert stg["acme-stg-aws-rds-cpu"]["threshold"] == 90 and prod["acme-prod-aws-rds-cpu"]["threshold"] == 80
    assert stg["acme-stg-aws-api-5xx"]["threshold"] == 0.10 and prod["acme-prod-aws-api-5xx"]["threshold"] == 0.02


def test_the_pager_webhook_gets_urgent_alarms_and_stays_secret():
    h = build_stack("aws-production", mutate=aws_set(".alerts.webhook_url", WEBHOOK), secret_keys={"alerts"})
    by_topic: dict[str, list[tuple[str, Any]]] = {}
    for sub in h.of_type(SUBSCRIPTION):
        by_topic.setdefault(sub.inputs["topic"].rsplit(":", 1)[1], []).append(
            (sub.inputs["protocol"], unwrap(sub.inputs["endpoint"])))
    assert sorted(by_topic["acme-prod-alerts-page"]) == [("email", "oncall@acme.example.com"), ("https", WEBHOOK)]
    assert by_topic["acme-prod-alerts-notify"] == [("email", "oncall@acme.example.com")]
    assert h.plaintext_occurrences(WEBHOOK) == [] and h.plaintext_occurrences("oncall@acme.example.com") == []


def test_without_emails_production_warnings_reach_the_webhook():
    h = build_stack("aws-production", mutate=aws_set(".alerts", {"webhook_url": WEBHOOK}), secret_keys={"alerts"})
    for sub in h.of_type(SUBSCRIPTION):
        assert sub.inputs["protocol"] == "https"
    assert len(h.of_type(SUBSCRIPTION)) == 2  # page and notify


def test_topics_are_encrypted_with_a_key_cloudwatch_may_use(stack: Harness):
    cmk = stack.one("aws:kms/key:Key")
    for topic in stack.of_type(TOPIC):
        assert topic.inputs["kmsMasterKeyId"].startswith("arn:aws:kms:")
    policy = json.loads(unwrap(cmk.inputs["policy"]))
    statement = next(s for s in policy["Statement"] if s["Sid"] == "CloudWatchPublishesAlarms")
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert set(statement["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_with_a_key_the_user_brings_the_topics_get_their_own_key():
    byo = "arn:aws:kms:us-east-1:444455556666:key/11111111-2222-4333-8444-555555555555"
    h = build_stack("aws-production", mutate=aws_set("kms", {"create_key": False, "existing_key_arn": byo}))
    key = h.one("aws:kms/key:Key")
    assert key.name == "acme-prod-monitoring-key"
    assert h.registration("acme-prod-monitoring-key").protect
    assert h.registration("acme-prod-monitoring-key").retain_on_delete
    assert any(s["Sid"] == "CloudWatchPublishesAlarms" for s in json.loads(key.inputs["policy"])["Statement"])


def test_staging_may_opt_out_and_then_has_no_alarms():
    h = build_stack("aws-staging", mutate=aws_set(".alerts", {"enabled": False}))
    assert not h.of_type(ALARM) and not h.of_type(TOPIC)
    assert h.outputs["alert_topic_arns"] == {}


def test_descriptions_fit_cloudwatch_and_every_statistic_and_period_is_valid():
    for rule in RULES:
        for production in (False, True):
            assert len(rule.text(production)) <= 1024, rule.key
        assert rule.period_s in m.ALARM_PERIOD_RULE["short"] or rule.period_s % m.ALARM_PERIOD_RULE["multiple_of"] == 0
        assert rule.statistic in ("Average", "Maximum", "Minimum", "Sum", "SampleCount") or (
            rule.statistic.startswith("p") and 0 < float(rule.statistic[1:]) < 100)


def test_max_connections_follows_rds_formula():
    assert max_connections(8) == 901  # 8 GiB / 9531392, as RDS computes it (an upper bound)
    assert max_connections(64) == 5000  # capped


def test_a_misspelt_metric_is_refused_when_the_table_loads():
    with pytest.raises(ValueError, match="publishes no metric"):
        AwsRule(key="x", title="x", severity=Severity.WARN, threshold=PerSize(1, 1), unit="%", reason="x",
                namespace=m.RDS, metric="CPUUtilisation", statistic="Average", target="database")


def test_other_tiers_add_alarms_through_extra_alarms():
    """The hook an ECS-hosted API uses: a row with target "custom" and its own dimensions."""
    ecs = AwsRule(key="aws-ecs-cpu", title="ECS API CPU", severity=Severity.PAGE, threshold=PerSize(90, 80),
                  unit="%", reason="test", namespace=m.EC2, metric="CPUUtilization", statistic="Average",
                  target="custom")
    h = new_harness()
    targets = Targets(emails=("a@example.com",), webhook_url=None, production=True, secret=False)

    def program() -> None:
        d = Deployment(name="t", region="us-east-1", account_id="123456789012", tags={}, production=True)
        watched = Watched(database_identifier="t-postgres", database_memory_gib=8, database_storage_gb=100,
                          cache_nodes=["t-redis-001"], brainstore_groups={}, brainstore_health={},
                          api_functions={"APIHandler": ApiFunction("t-APIHandler", 600)}, rest_api_name="t-api",
                          rest_api_stage="api")
        Monitoring("t-monitoring", MonitoringArgs(
            deployment=d, targets=targets, watched=watched, topic_key_arn="arn:aws:kms:us-east-1:1:key/k",
            extra_alarms=[Alarm(ecs, "service", {"AutoScalingGroupName": "ecs"}, 80.0)]),
            pulumi.ResourceOptions())

    try:
        run(h, program)
    finally:
        reset_runtime()
    alarm = next(r.inputs for r in h.of_type(ALARM) if r.inputs["name"] == "t-aws-ecs-cpu-service")
    assert alarm["dimensions"] == {"AutoScalingGroupName": "ecs"} and alarm["threshold"] == 80.0
    assert alarm["alarmActions"] == ["arn:aws:sns:us-east-1:123456789012:t-alerts-page"]


def test_session_outputs_name_what_on_call_needs(production: Harness):
    out = production.outputs
    assert out["brainstore_asg_names"] == {"reader": "acme-prod-brainstore-reader",
                                           "writer": "acme-prod-brainstore-writer"}
    assert out["redis_url_secret_arn"].startswith("arn:aws:secretsmanager:")
    assert out["brainstore_log_group"] == "/braintrust/acme-prod/brainstore"
    assert set(out["api_log_groups"]) == {"APIHandler", "AIProxy"}


@pytest.mark.parametrize("stack", ["aws-staging", "aws-production"])
def test_both_alerting_variants_build(stack: str):
    """Opting in to a webhook in production and out of alerting in staging are valid stacks."""
    if stack == "aws-production":
        build_stack(stack, mutate=both(aws_set(".alerts.webhook_url", WEBHOOK)), secret_keys={"alerts"})
    else:
        build_stack(stack, mutate=aws_set(".alerts", {"enabled": False}))
