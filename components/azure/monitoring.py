"""Azure monitoring: a Log Analytics workspace that collects the data plane's logs, and the alert rules.

Two components, because the cluster needs the workspace before it exists (the Container Insights add-on is
configured at creation) while the alerts need the cluster:

* `braintrust:azure:LogWorkspace` (before the cluster): the workspace, with retention per size and local
  (shared-key) authentication off, and the data collection rule that routes the Container Insights
  extension's streams into it (managed-identity authentication);
* `braintrust:azure:Monitoring` (after everything): the rule's association with the cluster, diagnostic
  settings of PostgreSQL, Key Vault, AKS and Front Door into the workspace, one action group per route
  (``components/alerting.py``: production's paging rules reach the pager webhook and the emails, everything
  else the emails; staging only emails), metric alerts on platform metrics and log search alerts over the
  Container Insights tables (``alert_rules.RULES``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.alerting import PerSize, Route, Targets, route_of
from components.facts import monitoring as m
from components.kubernetes.args import KEY_VAULT_SECRET_NAMES
from components.tags import Tags

from .alert_rules import RULES, AzureRule

CI = m.CONTAINER_INSIGHTS
# How long the workspace keeps logs (our choice: a quarter of history for production incidents and audits; a
# month for staging, where cost matters more).
LOG_RETENTION_DAYS = PerSize(30, 90)
# The Key Vault secrets holding the connection URLs (the chart syncs them into braintrust-secrets): named in
# the outputs so on-call tooling says where a credential lives, never what it is.
PG_URL_SECRET = next(name for name, key in KEY_VAULT_SECRET_NAMES.items() if key == "PG_URL")
REDIS_URL_SECRET = next(name for name, key in KEY_VAULT_SECRET_NAMES.items() if key == "REDIS_URL")
DESTINATION = "braintrust-workspace"
SEVERITY = {Route.PAGE: 1, Route.NOTIFY: 2}  # Azure Monitor: 1 = Error, 2 = Warning
# The REST API's log search alert operator (azure-native's ConditionOperator enum for this property carries
# another API's values: tests/contracts/known.py).
LOG_ALERT_GREATER_THAN = m.AZURE_LOG_ALERT_OPERATORS[1]


@dataclass(frozen=True)
class LogWorkspaceArgs:
    deployment_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    retention_days: int
    tags: Tags


class LogWorkspace(pulumi.ComponentResource):
    """`workspace_id` for diagnostic settings and the cluster's monitoring add-on; `collection_rule_id` for the
    association LogCollection creates once the cluster exists."""

    workspace_id: pulumi.Output[str]
    customer_id: pulumi.Output[str]  # the workspace GUID queries name (az monitor log-analytics query -w)
    collection_rule_id: pulumi.Output[str]

    def __init__(self, name: str, args: LogWorkspaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:LogWorkspace", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        workspace = azure_native.operationalinsights.Workspace(
            f"{name}-workspace", workspace_name=f"{args.deployment_name}-logs",
            resource_group_name=args.resource_group_name, location=args.location,
            sku=azure_native.operationalinsights.WorkspaceSkuArgs(
                name=azure_native.operationalinsights.WorkspaceSkuNameEnum.PER_GB2018),
            retention_in_days=args.retention_days,
            # Entra ID only: the monitoring add-on authenticates with its managed identity.
            features=azure_native.operationalinsights.WorkspaceFeaturesArgs(disable_local_auth=True),
            tags=args.tags, opts=child)
        rule = azure_native.monitor.DataCollectionRule(
            f"{name}-container-insights", data_collection_rule_name=f"MSCI-{args.deployment_name}",
            resource_group_name=args.resource_group_name, location=args.location,
            kind=azure_native.monitor.KnownDataCollectionRuleResourceKind.LINUX,
            description="Container Insights of the Braintrust cluster",
            data_sources=azure_native.monitor.DataCollectionRuleDataSourcesArgs(extensions=[
                azure_native.monitor.ExtensionDataSourceArgs(
                    name=CI["association"], extension_name=CI["extension"], streams=[CI["stream"]],
                    extension_settings={"dataCollectionSettings": {
                        "interval": "1m", "namespaceFilteringMode": "Off", "enableContainerLogV2": True}})]),
            destinations=azure_native.monitor.DataCollectionRuleDestinationsArgs(log_analytics=[
                azure_native.monitor.LogAnalyticsDestinationArgs(
                    name=DESTINATION, workspace_resource_id=workspace.id)]),
            data_flows=[azure_native.monitor.DataFlowArgs(streams=[CI["stream"]], destinations=[DESTINATION])],
            tags=args.tags, opts=child)
        self.workspace_id = workspace.id
        self.customer_id = workspace.customer_id
        self.collection_rule_id = rule.id
        self.register_outputs({"workspace_id": self.workspace_id, "collection_rule_id": self.collection_rule_id})


@dataclass(frozen=True)
class Watched:
    """Resource ids of what the alerts and diagnostic settings watch."""

    postgres_id: pulumi.Input[str]
    redis_id: pulumi.Input[str]
    cluster_id: pulumi.Input[str]
    key_vault_id: pulumi.Input[str]
    front_door_id: pulumi.Input[str] | None  # the Front Door profile when the API is public
    namespace: str


@dataclass(frozen=True)
class LogCollectionArgs:
    workspace: LogWorkspace
    watched: Watched
    depends_on: Sequence[pulumi.Resource] = ()


class LogCollection(pulumi.ComponentResource):
    """What flows into the workspace, whether or not alerts are on: Container Insights from the cluster and
    the resource logs of PostgreSQL, Key Vault, AKS and Front Door (on-call and remote support read them)."""

    def __init__(self, name: str, args: LogCollectionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:LogCollection", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        azure_native.monitor.DataCollectionRuleAssociation(
            f"{name}-container-insights", association_name=CI["association"], resource_uri=args.watched.cluster_id,
            data_collection_rule_id=args.workspace.collection_rule_id,
            description="Container Insights of the Braintrust cluster", opts=child)
        self._diagnostics(name, args, child)
        self.register_outputs({})

    def _diagnostics(self, name: str, args: LogCollectionArgs, child: pulumi.ResourceOptions) -> None:
        """Resource logs into the workspace (its retention applies): PostgreSQL and Front Door all logs, Key
        Vault's audit, AKS's admin audit, authentication and autoscaler (kube-audit with every read is costly)."""
        w = args.watched
        all_logs, audit = m.DIAGNOSTIC_CATEGORY_GROUPS
        sources: list[tuple[str, pulumi.Input[str], list[azure_native.monitor.DiagnosticsLogSettingsArgs]]] = [
            ("postgres", w.postgres_id, [azure_native.monitor.DiagnosticsLogSettingsArgs(
                category_group=all_logs, enabled=True)]),
            ("keyvault", w.key_vault_id, [azure_native.monitor.DiagnosticsLogSettingsArgs(
                category_group=audit, enabled=True)]),
            ("aks", w.cluster_id, [azure_native.monitor.DiagnosticsLogSettingsArgs(category=category, enabled=True)
                                   for category in m.AKS_LOG_CATEGORIES]),
        ]
        if w.front_door_id is not None:
            sources.append(("frontdoor", w.front_door_id, [azure_native.monitor.DiagnosticsLogSettingsArgs(
                category_group=all_logs, enabled=True)]))
        for source, resource_id, logs in sources:
            azure_native.monitor.DiagnosticSetting(
                f"{name}-diagnostics-{source}", name="braintrust-logs", resource_uri=resource_id,
                workspace_id=args.workspace.workspace_id, logs=logs, opts=child)



@dataclass(frozen=True)
class MonitoringArgs:
    deployment_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    tags: Tags
    targets: Targets
    workspace: LogWorkspace
    watched: Watched
    depends_on: Sequence[pulumi.Resource] = ()


def rules_for(w: Watched, rules: Sequence[AzureRule] = RULES) -> list[AzureRule]:
    return [r for r in rules if r.target != "front_door" or w.front_door_id is not None]


def severity_of(rule: AzureRule, production: bool) -> int:
    """Sev1 (Error) for production's paging rules, Sev2 (Warning) otherwise: staging never pages."""
    return SEVERITY[route_of(rule.severity, production)]


class Monitoring(pulumi.ComponentResource):
    """`action_groups[route]`: the action group id of each route; `rules`: alert rule names by key."""

    action_groups: dict[str, pulumi.Output[str]]
    rules: dict[str, str]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:Monitoring", name, None, opts)
        w, targets, dn = args.watched, args.targets, args.deployment_name
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        self.action_groups = {}
        for route in targets.routes():
            receivers = targets.receivers(route)

            def secret(value: str, always: bool = False) -> pulumi.Input[str]:
                return pulumi.Output.secret(value) if always or targets.secret else value

            group = azure_native.monitor.ActionGroup(
                f"{name}-{route.value}", action_group_name=f"{dn}-alerts-{route.value}",
                resource_group_name=args.resource_group_name, location="global", enabled=True,
                group_short_name=f"bt-{route.value}",
                email_receivers=[azure_native.monitor.MicrosoftCommonEmailReceiverArgs(
                    name=f"email-{i}", email_address=secret(email), use_common_alert_schema=True)
                    for i, email in enumerate(receivers.emails)],
                # The URL carries the pager's credential: always a secret.
                webhook_receivers=[azure_native.monitor.WebhookReceiverArgs(
                    name="pager", service_uri=secret(receivers.webhook_url, always=True),
                    use_common_alert_schema=True)] if receivers.webhook_url else None,
                tags=args.tags, opts=child)
            self.action_groups[route.value] = group.id
        self.rules = {}
        for rule in rules_for(w):
            group_id = self.action_groups[route_of(rule.severity, targets.production).value]
            if rule.namespace is None:
                self._log_alert(name, args, rule, group_id, child)
            else:
                self._metric_alert(name, args, rule, group_id, child)
            self.rules[rule.key] = f"{dn}-{rule.key}"
        self.register_outputs({"action_groups": self.action_groups, "rules": sorted(self.rules)})

    def _metric_alert(self, name: str, args: MonitoringArgs, rule: AzureRule, group_id: pulumi.Input[str],
                      child: pulumi.ResourceOptions) -> None:
        w, production = args.watched, args.targets.production
        scope = {"postgres": w.postgres_id, "redis": w.redis_id, "aks": w.cluster_id,
                 "front_door": w.front_door_id}[rule.target]
        assert rule.namespace is not None and scope is not None
        azure_native.monitor.MetricAlert(
            f"{name}-{rule.key}", rule_name=f"{args.deployment_name}-{rule.key}",
            resource_group_name=args.resource_group_name, location="global",
            description=rule.text(production), severity=severity_of(rule, production), enabled=True,
            scopes=[scope], evaluation_frequency=rule.frequency, window_size=rule.window, auto_mitigate=True,
            criteria=azure_native.monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                all_of=[azure_native.monitor.MetricCriteriaArgs(
                    criterion_type="StaticThresholdCriterion", name=rule.key, metric_name=rule.metric,
                    metric_namespace=rule.namespace.name,
                    operator=azure_native.monitor.Operator.GREATER_THAN if rule.above
                    else azure_native.monitor.Operator.LESS_THAN,
                    threshold=float(rule.threshold.of(production)),
                    time_aggregation=azure_native.monitor.AggregationTypeEnum(rule.aggregation))]),
            actions=[azure_native.monitor.MetricAlertActionArgs(action_group_id=group_id)],
            tags=args.tags, opts=child)

    def _log_alert(self, name: str, args: MonitoringArgs, rule: AzureRule, group_id: pulumi.Input[str],
                   child: pulumi.ResourceOptions) -> None:
        production = args.targets.production
        azure_native.monitor.ScheduledQueryRule(
            f"{name}-{rule.key}", rule_name=f"{args.deployment_name}-{rule.key}",
            resource_group_name=args.resource_group_name, location=args.location,
            kind=azure_native.monitor.Kind.LOG_ALERT, display_name=rule.title, description=rule.text(production),
            severity=severity_of(rule, production), enabled=True, scopes=[args.workspace.workspace_id],
            evaluation_frequency=rule.frequency, window_size=rule.window, auto_mitigate=True,
            # The Container Insights tables appear with the first data after the cluster is up; the rule is
            # valid before that, so the service must not reject it for an unknown table.
            skip_query_validation=True,
            criteria=azure_native.monitor.ScheduledQueryRuleCriteriaArgs(all_of=[azure_native.monitor.ConditionArgs(
                query=rule.query.format(namespace=args.watched.namespace),
                time_aggregation=azure_native.monitor.TimeAggregation(rule.aggregation),
                metric_measure_column=rule.metric or None,
                operator=LOG_ALERT_GREATER_THAN,
                threshold=float(rule.threshold.of(production)),
                failing_periods=azure_native.monitor.ConditionFailingPeriodsArgs(
                    number_of_evaluation_periods=rule.failing_periods,
                    min_failing_periods_to_alert=rule.failing_periods))]),
            actions=azure_native.monitor.ActionsArgs(action_groups=[group_id]),
            tags=args.tags, opts=child)
