"""Azure alerting (issue 13): every rule of the table on both stacks with its metric or query, threshold and
action group; production pages, staging only emails; logs of every tier in a workspace with retention;
Container Insights on the cluster; remote support read-only and time-bounded where Azure can bound it."""

from __future__ import annotations

from typing import Any

import pytest

from components.alerting import Severity
from components.azure.alert_rules import RULES
from components.azure.remote_support import BLOB_READ
from tests.support.harness import Harness, unwrap
from tests.support.stacks import build_stack, set_path, stack_config

METRIC_ALERT = "azure-native:monitor:MetricAlert"
LOG_ALERT = "azure-native:monitor:ScheduledQueryRule"
ACTION_GROUP = "azure-native:monitor:ActionGroup"
WEBHOOK = "https://events.pagerduty.example/integration/zq9-az-4471/enqueue"
SUPPORT_GROUP = "5f0c7a1e-2b3d-4c5e-8f90-a1b2c3d4e5f6"


_set = set_path


def _rules(h: Harness) -> dict[str, dict[str, Any]]:
    return {r.inputs["ruleName"].split("-", 2)[2]: unwrap(dict(r.inputs))
            for r in [*h.of_type(METRIC_ALERT), *h.of_type(LOG_ALERT)]}


def _group_ids(h: Harness) -> dict[str, str]:
    return {g.inputs["actionGroupName"].rsplit("-", 1)[1]:
            f"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/{g.inputs['resourceGroupName']}"
            f"/providers/Microsoft.Insights/actionGroups/{g.inputs['actionGroupName']}"
            for g in h.of_type(ACTION_GROUP)}


def _actions(rule: dict[str, Any]) -> list[str]:
    if "criteria" in rule and isinstance(rule.get("actions"), list):
        return [a["actionGroupId"] for a in rule["actions"]]
    return rule["actions"]["actionGroups"]


@pytest.mark.parametrize("stack", ["azure-staging", "azure-production"])
def test_every_rule_watches_its_signal_with_the_tables_threshold_and_notifies_its_route(stack: str):
    h = build_stack(stack)
    cfg = stack_config(stack)
    production = cfg.production
    rules, groups = _rules(h), _group_ids(h)
    assert set(rules) == {r.key for r in RULES if r.target != "front_door" or not cfg.private_ingress}
    for rule in RULES:
        if rule.key not in rules:
            continue
        inputs = rules[rule.key]
        route = "page" if production and rule.severity is Severity.PAGE else "notify"
        assert _actions(inputs) == [groups[route]], rule.key
        assert inputs["severity"] == (1 if route == "page" else 2)
        assert f"Runbook: docs/operations.md#alert-{rule.key}" in inputs["description"]
        condition = inputs["criteria"]["allOf"][0]
        assert condition["threshold"] == rule.threshold.of(production), rule.key
        assert condition["operator"] == "GreaterThan"
        if rule.namespace is not None:
            assert (condition["metricNamespace"], condition["metricName"]) == (rule.namespace.name, rule.metric)
            assert condition["timeAggregation"] == rule.aggregation
        else:
            assert condition["query"].startswith(("KubePodInventory", "KubeNodeInventory"))
            assert inputs["skipQueryValidation"] is True and inputs["kind"] == "LogAlert"


def test_rules_are_scoped_to_this_stacks_resources(production: Harness):
    rules = _rules(production)
    assert rules["azure-pg-cpu"]["scopes"][0].endswith("/Microsoft.DBforPostgreSQL/flexibleServers/" +
                                                       production.one("azure-native:dbforpostgresql:Server")
                                                       .inputs["serverName"])
    assert "/Microsoft.Cache/redisEnterprise/" in rules["azure-redis-evictions"]["scopes"][0]
    assert "/Microsoft.ContainerService/managedClusters/" in rules["azure-aks-node-cpu"]["scopes"][0]
    assert "/Microsoft.Cdn/profiles/" in rules["azure-frontdoor-5xx"]["scopes"][0]
    assert rules["azure-aks-restarts"]["scopes"][0].endswith("/Microsoft.OperationalInsights/workspaces/acme-prod-logs")
    assert 'Namespace == "braintrust"' in rules["azure-aks-restarts"]["criteria"]["allOf"][0]["query"]


def test_production_pages_and_staging_only_emails(staging: Harness, production: Harness):
    assert {g.inputs["actionGroupName"] for g in staging.of_type(ACTION_GROUP)} == {"acme-stg-alerts-notify"}
    assert {g.inputs["actionGroupName"] for g in production.of_type(ACTION_GROUP)} == {
        "acme-prod-alerts-page", "acme-prod-alerts-notify"}
    for h, address in ((staging, "platform-alerts@acme.example.com"), (production, "oncall@acme.example.com")):
        for group in h.of_type(ACTION_GROUP):
            assert [e["emailAddress"] for e in group.inputs["emailReceivers"]] == [address]
            assert not group.inputs.get("webhookReceivers")
    stg, prod = _rules(staging), _rules(production)
    assert {r["severity"] for r in stg.values()} == {2}
    assert stg["azure-pg-cpu"]["criteria"]["allOf"][0]["threshold"] == 90
    assert prod["azure-pg-cpu"]["criteria"]["allOf"][0]["threshold"] == 80


def test_the_pager_webhook_gets_paging_rules_and_stays_secret():
    h = build_stack("azure-production", mutate=_set("alerts.webhook_url", WEBHOOK), secret_keys={"alerts"})
    groups = {g.inputs["actionGroupName"]: unwrap(dict(g.inputs)) for g in h.of_type(ACTION_GROUP)}
    assert [w["serviceUri"] for w in groups["acme-prod-alerts-page"]["webhookReceivers"]] == [WEBHOOK]
    assert not groups["acme-prod-alerts-notify"].get("webhookReceivers")
    assert h.plaintext_occurrences(WEBHOOK) == [] and h.plaintext_occurrences("oncall@acme.example.com") == []


def test_logs_of_every_tier_reach_a_workspace_with_retention(staging: Harness, production: Harness):
    for h, days in ((staging, 30), (production, 90)):
        workspace = h.one("azure-native:operationalinsights:Workspace").inputs
        assert workspace["retentionInDays"] == days and workspace["features"]["disableLocalAuth"] is True
        settings = {d.name.rsplit("-", 1)[1]: d.inputs for d in h.of_type("azure-native:monitor:DiagnosticSetting")}
        assert set(settings) >= {"postgres", "keyvault", "aks"}
        assert all(s["workspaceId"].endswith(f"/workspaces/{workspace['workspaceName']}") for s in settings.values())
    diagnostics = production.of_type("azure-native:monitor:DiagnosticSetting")
    assert "frontdoor" in {d.name.rsplit("-", 1)[1] for d in diagnostics}


def test_container_insights_feeds_the_log_alerts(stack: Harness):
    cluster = stack.one("azure-native:containerservice:ManagedCluster").inputs
    addon = cluster["addonProfiles"]["omsagent"]
    assert addon["enabled"] is True and addon["config"]["useAADAuth"] == "true"
    assert addon["config"]["logAnalyticsWorkspaceResourceID"].endswith("/Microsoft.OperationalInsights/workspaces/"
                                                                      + stack.one("azure-native:operationalinsights:"
                                                                                  "Workspace").inputs["workspaceName"])
    association = stack.one("azure-native:monitor:DataCollectionRuleAssociation").inputs
    assert association["associationName"] == "ContainerInsightsExtension"
    assert "/Microsoft.ContainerService/managedClusters/" in association["resourceUri"]
    rule = stack.one("azure-native:monitor:DataCollectionRule").inputs
    assert rule["dataFlows"][0]["streams"] == ["Microsoft-ContainerInsights-Group-Default"]


def test_staging_may_opt_out():
    h = build_stack("azure-staging", mutate=_set("alerts", {"enabled": False}))
    assert not h.of_type(METRIC_ALERT) and not h.of_type(LOG_ALERT) and not h.of_type(ACTION_GROUP)
    # Logs are collected either way: on-call and remote support read the workspace without alerts too.
    assert h.of_type("azure-native:operationalinsights:Workspace")
    assert h.one("azure-native:monitor:DataCollectionRuleAssociation")
    sources = {d.name.rsplit("-", 1)[1] for d in h.of_type("azure-native:monitor:DiagnosticSetting")}
    assert sources >= {"postgres", "keyvault", "aks"}


def test_remote_support_is_read_only_and_its_storage_grant_expires_in_azure():
    h = build_stack("azure-production", mutate=_set("remote_support", {
        "enabled": True, "azure_principal_ids": [SUPPORT_GROUP], "expires_on": "2026-09-15"}))
    grants = [r.inputs for r in h.of_type("azure-native:authorization:RoleAssignment") if "-support-" in r.name]
    roles = {g["roleDefinitionId"].rsplit("/", 1)[1] for g in grants}
    assert roles == {"73c42c96-874c-492b-b04d-ab87d138a893", "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
                     "4abbcc35-e782-43d8-92c5-2d3f1bd2253f", "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
                     "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"}
    assert all(g["principalId"] == SUPPORT_GROUP for g in grants)
    blobs = next(g for g in grants if g["roleDefinitionId"].endswith("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"))
    assert blobs["conditionVersion"] == "2.0"
    assert f"ActionMatches{{'{BLOB_READ}'}}" in blobs["condition"]
    assert "@Environment[UtcNow] DateTimeLessThan '2026-09-15T00:00:00.0Z'" in blobs["condition"]
    assert all("until 2026-09-15" in g["description"] for g in grants)


def test_remote_support_is_off_by_default(stack: Harness):
    assert not [r for r in stack.of_type("azure-native:authorization:RoleAssignment") if "-support-" in r.name]
