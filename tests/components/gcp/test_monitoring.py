"""GCP alerting (issue 13): every alert policy of the table on both stacks with its metric, threshold and
channels; production pages (CRITICAL, the pager), staging only emails; GKE publishes what the alerts read;
remote support is time-bounded by an IAM condition."""

from __future__ import annotations

from typing import Any

import pytest

from components.alerting import Severity
from components.gcp.alert_rules import RULES, GcpRule
from components.gcp.database import database_flags
from tests.support.harness import Harness, unwrap
from tests.support.stacks import build_stack, set_path, stack_config

POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"
WEBHOOK = "https://events.pagerduty.example/integration/zq9-gcp-4471/enqueue"


_set = set_path


def _policies(h: Harness) -> dict[str, dict[str, Any]]:
    return {r.name.split("-monitoring-", 1)[1]: unwrap(dict(r.inputs)) for r in h.of_type(POLICY)}


def _threshold(rule: GcpRule, stack: str) -> float:
    production = stack.endswith("production")
    value = rule.threshold.of(production)
    if rule.scale == "max_connections":
        tier = stack_config(stack).sizing.postgres.sku
        return int(value * int(database_flags(tier)["max_connections"]))
    return value


@pytest.mark.parametrize("stack", ["gcp-staging", "gcp-production"])
def test_every_policy_watches_its_metric_with_the_tables_threshold(stack: str):
    h = build_stack(stack)
    cfg = stack_config(stack)
    production = cfg.production
    policies = _policies(h)
    expected = {r.key for r in RULES if r.target != "load_balancer" or not cfg.private_ingress}
    assert set(policies) == expected
    for rule in RULES:
        if rule.key not in policies:
            continue
        policy = policies[rule.key]
        assert policy["severity"] == ("CRITICAL" if production and rule.severity is Severity.PAGE else "WARNING")
        assert f"Runbook: docs/operations.md#alert-{rule.key}" in policy["documentation"]["content"]
        condition = policy["conditions"][0]
        if rule.target == "gke_prometheus":
            query = condition["conditionPrometheusQueryLanguage"]["query"]
            assert rule.metric in query and 'namespace="braintrust"' in query and query.endswith("> 0")
            assert f'cluster="{cfg.deployment_name}-gke"' in query
            # the kube state metrics do not exist before the first scrape: the API must not refuse the policy
            assert condition["conditionPrometheusQueryLanguage"]["disableMetricValidation"] is True
            continue
        threshold = condition["conditionThreshold"]
        assert f'metric.type="{rule.metric}"' in threshold["filter"]
        assert threshold["thresholdValue"] == _threshold(rule, stack), rule.key
        assert threshold["comparison"] == "COMPARISON_GT"
        assert threshold["aggregations"][0]["perSeriesAligner"] == rule.aligner


def test_policies_select_this_stacks_resources(production: Harness):
    policies = _policies(production)
    sql = policies["gcp-sql-cpu"]["conditions"][0]["conditionThreshold"]["filter"]
    assert 'resource.label.database_id="acme-braintrust-prod:acme-prod-postgres-' in sql
    redis = policies["gcp-redis-memory"]["conditions"][0]["conditionThreshold"]["filter"]
    assert 'instance_id="projects/acme-braintrust-prod/locations/us-central1/instances/acme-prod-redis"' in redis
    restarts = policies["gcp-gke-restarts"]["conditions"][0]["conditionThreshold"]
    assert 'cluster_name="acme-prod-gke"' in restarts["filter"] and 'namespace_name="braintrust"' in restarts["filter"]
    lb = policies["gcp-lb-5xx"]["conditions"][0]["conditionThreshold"]
    assert "response_code_class=500" in lb["filter"] and "response_code_class" not in lb["denominatorFilter"]
    assert "-braintrust-braintrust-api-" in lb["filter"]


def test_production_pages_and_staging_only_emails(staging: Harness, production: Harness):
    for h, address in ((staging, "platform-alerts@acme.example.com"), (production, "oncall@acme.example.com")):
        channels = h.of_type(CHANNEL)
        assert [(c.inputs["type"], c.inputs["labels"]) for c in channels] == [("email", {"email_address": address})]
        for policy in h.of_type(POLICY):
            assert len(policy.inputs["notificationChannels"]) == 1
    stg, prod = _policies(staging), _policies(production)
    assert {p["severity"] for p in stg.values()} == {"WARNING"}
    assert prod["gcp-sql-cpu"]["severity"] == "CRITICAL" and prod["gcp-redis-memory"]["severity"] == "WARNING"
    assert stg["gcp-sql-cpu"]["conditions"][0]["conditionThreshold"]["thresholdValue"] == 0.9
    assert prod["gcp-sql-cpu"]["conditions"][0]["conditionThreshold"]["thresholdValue"] == 0.8


def test_the_pager_channel_gets_paging_policies_and_its_url_stays_secret():
    h = build_stack("gcp-production", mutate=_set("alerts.webhook_url", WEBHOOK), secret_keys={"alerts"})
    webhook = next(c for c in h.of_type(CHANNEL) if c.inputs["type"] == "webhook_tokenauth")
    assert unwrap(webhook.inputs["labels"]) == {"url": WEBHOOK}
    assert h.plaintext_occurrences(WEBHOOK) == [] and h.plaintext_occurrences("oncall@acme.example.com") == []
    policies = {r.name.split("-monitoring-", 1)[1]: r.inputs for r in h.of_type(POLICY)}
    assert len(policies["gcp-sql-cpu"]["notificationChannels"]) == 2  # the pager and the email
    assert len(policies["gcp-sql-disk"]["notificationChannels"]) == 1  # a warning: email only


def test_gke_publishes_the_kube_state_metrics_the_alerts_read(stack: Harness):
    cluster = stack.one("gcp:container/cluster:Cluster")
    monitoring = cluster.inputs["monitoringConfig"]
    assert set(monitoring["enableComponents"]) >= {"SYSTEM_COMPONENTS", "POD", "DEPLOYMENT"}
    assert monitoring["managedPrometheus"]["enabled"] is True


def test_staging_may_opt_out():
    h = build_stack("gcp-staging", mutate=_set("alerts", {"enabled": False}))
    assert not h.of_type(POLICY) and not h.of_type(CHANNEL)


def test_remote_support_is_read_only_and_ends_on_its_date():
    h = build_stack("gcp-production", mutate=_set("remote_support", {
        "enabled": True, "gcp_members": ["group:support@braintrust.example"], "expires_on": "2026-09-15"}))
    bindings = h.of_type("gcp:projects/iAMMember:IAMMember")
    support = [b.inputs for b in bindings if "-support-" in b.name]
    assert {b["role"] for b in support} == {"roles/logging.viewer", "roles/monitoring.viewer",
                                            "roles/container.viewer"}
    for b in support:
        assert b["member"] == "group:support@braintrust.example"
        assert b["condition"]["expression"] == 'request.time < timestamp("2026-09-15T00:00:00Z")'
    assert h.outputs["remote_support_expires_on"] == "2026-09-15"


def test_remote_support_is_off_by_default(stack: Harness):
    assert not [b for b in stack.of_type("gcp:projects/iAMMember:IAMMember") if "-support-" in b.name]
