"""The monitoring facts marked Check.CONTRACT, against the published models that carry them (botocore's shape
documentation, cfn-lint's CloudWatch alarm schema, Google's container.v1 discovery document), and the
name clash in azure-native that the Azure log alerts work around."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from components.facts import Check, load_all
from components.facts import monitoring as m
from tests.contracts import gcp_fields, models


def test_asg_group_metrics_are_the_ones_enable_metrics_collection_documents():
    doc = models.botocore_shapes("autoscaling")["EnableMetricsCollectionQuery"]["members"]["Metrics"]["documentation"]
    for metric in m.ASG_GROUP_METRICS:
        assert f"<code>{metric}</code>" in doc
    assert set(m.ASG_GROUP_METRICS) <= set(m.AUTOSCALING.metrics)


def test_sns_protocols_are_documented_by_subscribe():
    doc = models.botocore_shapes("sns")["SubscribeInput"]["members"]["Protocol"]["documentation"]
    for protocol in m.SNS_PROTOCOLS:
        assert f"<code>{protocol}</code>" in doc


def test_alarm_period_rule_is_cfn_lints():
    schema = models._cfn_extension("aws_cloudwatch_alarm", "period.json")
    period = schema["then"]["properties"]["Period"]
    assert tuple(period["then"]["enum"]) == m.ALARM_PERIOD_RULE["short"]
    assert period["else"]["multipleOf"] == m.ALARM_PERIOD_RULE["multiple_of"]


def test_gke_monitoring_components_are_current_members():
    row = gcp_fields.Api("container.v1", "Cluster", "monitoringConfig.componentConfig.enableComponents")
    for component in m.GKE_MONITORING_COMPONENTS:
        assert gcp_fields.value_problems(row, component) == []


def test_the_log_alert_operator_is_not_in_the_enum_azure_native_annotates():
    """Why tests/contracts/known.py excuses it: the SDK's ConditionOperator is another API's."""
    native = {e.value for e in importlib.import_module("pulumi_azure_native.monitor").ConditionOperator}
    assert "GreaterThan" in m.AZURE_LOG_ALERT_OPERATORS and "GreaterThan" not in native and "gt" in native


def test_every_monitoring_fact_that_claims_a_contract_is_checked_here():
    names = re.findall(r'register\(\s*"([^"]+)"', Path(m.__file__).read_text())
    ledger = load_all()
    contract = {name for name in names if ledger[name].check is Check.CONTRACT}
    assert contract == {"aws.autoscaling.group_metrics", "aws.sns.subscription_protocols",
                        "aws.cloudwatch.alarm_period_rule", "gcp.gke.monitoring_components"}
