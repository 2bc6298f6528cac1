"""Failures the contract suite finds today, each marked precisely so the suite is green and turns red
(strict XPASS) the moment a fix lands: then delete the entry. And deliberate deviations, each with its reason.

A known failure is keyed by (check, stack, subject): the check's general test skips exactly that subject and a
dedicated test asserts it, expected to fail. Nothing else is excused.
"""

from __future__ import annotations

from typing import Any

import pytest

_CLUSTER = "gcp:container/cluster:Cluster"
_GCP = ("gcp-production", "gcp-staging")

# (check, stack, subject) -> reason. Subjects: a resource name, or "<pulumi type>::<provider path>".
# Failures still to fix: each is a strict xfail, so the suite turns red when the fix lands. Empty today.
KNOWN: dict[tuple[str, str, str], str] = {}

# Deliberate deviations: the contract check would object, and we keep the value on purpose for the reason
# given. The general test skips them; test_deliberate_deviations_are_still_there keeps the list honest.
DELIBERATE: dict[tuple[str, str, str], str] = {
    **{
        ("gcp-field", stack, f"{_CLUSTER}::securityPostureConfig.vulnerabilityMode"):
            "the field is Deprecated in container.v1 (vulnerability scanning is no longer supported); we still "
            "send its only non-deprecated value, VULNERABILITY_DISABLED, so no GKE or provider default can select a "
            "deprecated scanning mode (components/facts/gcp.py gcp.gke.vulnerability_mode)"
        for stack in _GCP
    },
    **{
        ("gcp-field", stack, f"{_CLUSTER}::nodeConfig.workloadMetadataConfig.mode"):
            "Cluster.nodeConfig is Deprecated in container.v1, whose description still allows it 'in lieu of a "
            "node_pool object' -- the way pulumi-gcp creates the default pool it then removes "
            "(remove_default_node_pool). Setting GKE_METADATA there keeps the node metadata server hidden during "
            "the minutes that pool exists; the pools we run carry their own config"
        for stack in _GCP
    },
}


_AZURE = ("azure-production", "azure-staging")
DELIBERATE.update({
    **{
        ("azure-value", stack, "azure-native:monitor:ScheduledQueryRule::criteria.allOf[].operator"):
            "the scheduledQueryRules API's ConditionOperator is Equals/GreaterThan/... (components/facts/monitoring.py "
            "monitoring.azure.log_alert_operators); azure-native 3.29.0 annotates the property with the pipeline "
            "groups API's ConditionOperator (eq, gt, ...), a generator name clash. We send the API's value"
        for stack in _AZURE
    },
    **{
        ("azure-value", stack, f"azure-native:monitor:DataCollectionRule::{path}"):
            "Container Insights' stream Microsoft-ContainerInsights-Group-Default "
            "(monitoring.azure.container_insights); the SDK's Known...Streams lists are extensible and name only "
            "the Azure Monitor Agent's generic streams"
        for stack in _AZURE for path in ("dataFlows[].streams[]", "dataSources.extensions[].streams[]")
    },
})


def known(check: str, stack: str, subject: str) -> bool:
    return (check, stack, subject) in KNOWN or (check, stack, subject) in DELIBERATE


def known_cases(check: str) -> list[Any]:
    """``pytest.param(stack, subject)`` for each known failure of ``check``, marked strict xfail."""
    return [
        pytest.param(stack, subject, id=f"{stack}::{subject}",
                     marks=pytest.mark.xfail(strict=True, reason=reason))
        for (c, stack, subject), reason in sorted(KNOWN.items()) if c == check
    ]
