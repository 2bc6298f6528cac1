"""What every cloud's alerting shares (issue 13): the tables are complete and documented, the routing rule
(production pages, staging emails), and the policy rule that refuses a production stack nobody hears."""

from __future__ import annotations

import dataclasses
from functools import cache

import pytest

from components.alerting import PerSize, Route, Rule, Severity, Targets
from components.aws.alert_rules import RULES as AWS
from components.azure.alert_rules import RULES as AZURE
from components.gcp.alert_rules import RULES as GCP
from policy.offline import Recorded, check, recorded
from scripts import gen_alert_docs
from tests.support.harness import reset_runtime
from tests.support.stacks import build_stack

ALL: tuple[Rule, ...] = (*AWS, *GCP, *AZURE)


def test_rule_keys_are_unique_and_named_after_their_cloud():
    keys = [r.key for r in ALL]
    assert len(keys) == len(set(keys))
    for prefix, rules in (("aws-", AWS), ("gcp-", GCP), ("azure-", AZURE)):
        assert all(r.key.startswith(prefix) for r in rules)


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.key)
def test_every_rule_says_why_and_links_its_runbook(rule: Rule):
    assert rule.reason.endswith(".") and len(rule.reason) > 40
    for production in (False, True):
        text = rule.text(production)
        assert f"docs/operations.md#{rule.anchor}" in text and rule.reason in text
        assert len(text) <= 1024  # CloudWatch's AlarmDescription limit, the smallest of the three


def test_every_cloud_covers_the_tiers_the_issue_names():
    expected = {
        "aws": ("rds-cpu", "rds-memory", "rds-storage", "rds-read-latency", "rds-write-latency", "rds-connections",
                "redis-cpu", "redis-memory", "redis-evictions", "redis-replication-lag", "brainstore-capacity",
                "brainstore-unhealthy", "brainstore-cpu", "brainstore-memory", "brainstore-disk", "lambda-errors",
                "lambda-throttles", "lambda-duration", "api-5xx"),
        "gcp": ("sql-cpu", "sql-memory", "redis-memory", "gke-restarts", "gke-brainstore-not-ready", "gke-memory",
                "gke-node-cpu", "lb-5xx"),
        "azure": ("pg-cpu", "pg-memory", "redis-memory", "aks-node-not-ready", "aks-restarts", "frontdoor-5xx"),
    }
    keys = {r.key for r in ALL}
    for cloud, names in expected.items():
        assert {f"{cloud}-{n}" for n in names} <= keys


def test_production_is_at_least_as_strict_as_staging():
    """Documented difference: where thresholds differ, production fires earlier (never later)."""
    differing = 0
    for rule in ALL:
        staging, production = rule.threshold.staging, rule.threshold.production
        if staging != production:
            differing += 1
            assert (production < staging) if rule.above else (production > staging), rule.key
    assert differing >= 10


def test_routing_production_pages_and_staging_emails():
    prod = Targets(emails=("a@example.com",), webhook_url="https://pager.example/x", production=True, secret=True)
    assert prod.routes() == [Route.PAGE, Route.NOTIFY]
    assert prod.receivers(Route.PAGE).webhook_url and prod.receivers(Route.PAGE).emails
    assert prod.receivers(Route.NOTIFY).webhook_url is None  # warnings do not page
    pager_only = dataclasses.replace(prod, emails=())
    assert pager_only.receivers(Route.NOTIFY).webhook_url  # someone still hears warnings
    staging = Targets(emails=("a@example.com",), webhook_url=None, production=False, secret=False)
    assert staging.routes() == [Route.NOTIFY]


def test_a_condition_reads_like_the_docs():
    rule = Rule(key="x", title="t", severity=Severity.WARN, threshold=PerSize(0.9, 0.8), unit="share of memory",
                reason="r.", above=False)
    assert rule.condition(True) == "< 80% share of memory"


def test_the_alert_reference_in_operations_md_is_current_and_anchors_every_rule():
    text = gen_alert_docs.TARGET.read_text()
    assert gen_alert_docs.regenerate(text) == text, "stale: run `venv/bin/python -m scripts.gen_alert_docs --write`"
    for rule in ALL:
        assert text.count(f'<a id="{rule.anchor}"></a>') == 1, rule.key


# ----- the policy rule on real stacks -----

ALERT_RULES = ("aws:cloudwatch/metricAlarm:MetricAlarm", "gcp:monitoring/alertPolicy:AlertPolicy",
               "azure-native:monitor:MetricAlert", "azure-native:monitor:ScheduledQueryRule")
RECEIVERS = ("aws:sns/topicSubscription:TopicSubscription", "gcp:monitoring/notificationChannel:NotificationChannel")


@cache
def _recorded(stack: str) -> tuple[Recorded, ...]:
    try:
        return tuple(recorded(build_stack(stack)))
    finally:
        reset_runtime()


def _alerting_violations(resources: list[Recorded]) -> list[str]:
    return [v.message for v in check(resources).violations if v.policy == "production-alerting"]


@pytest.mark.parametrize("stack", ["aws-production", "gcp-production", "azure-production"])
def test_production_stacks_alert_someone_and_the_rule_sees_when_nobody_would(stack: str):
    resources = list(_recorded(stack))
    assert _alerting_violations(resources) == []
    unheard: list[Recorded] = []
    for r in resources:
        if r.type in RECEIVERS:
            continue  # no subscription / channel: nobody is told
        unheard.append(dataclasses.replace(r, inputs={**r.inputs, "emailReceivers": []},
                                           state={**r.state, "emailReceivers": []})
                       if r.type == "azure-native:monitor:ActionGroup" else r)
    found = _alerting_violations(unheard)
    assert found and all("notifies nobody" in m for m in found)
    without_rules = [r for r in resources if r.type not in ALERT_RULES]
    assert any("creates no alert rule" in m for m in _alerting_violations(without_rules))
