"""Failures the contract suite finds today, each marked precisely so the suite is green and turns red
(strict XPASS) the moment a fix lands: then delete the entry.

A known failure is keyed by (check, stack, subject): the check's general test skips exactly that subject and a
dedicated test asserts it, expected to fail. Nothing else is excused.
"""

from __future__ import annotations

from typing import Any

import pytest

_FIXED_ON = "fixed on branch wt/{area}"
_UNASSIGNED = "new finding of the contract suite, not yet assigned"

_CLUSTER = "gcp:container/cluster:Cluster"
_GCP = ("gcp-production", "gcp-staging")

# (check, stack, subject) -> reason. Subjects: a resource name, or "<pulumi type>::<provider path>".
KNOWN: dict[tuple[str, str, str], str] = {
    **{
        ("gcp-value", stack, f"{_CLUSTER}::securityPostureConfig.vulnerabilityMode"):
            "issue 11: GKE vulnerabilityMode VULNERABILITY_BASIC is Deprecated in container.v1; "
            + _FIXED_ON.format(area="gcpk8s")
        for stack in _GCP
    },
    **{
        ("gcp-field", stack, f"{_CLUSTER}::securityPostureConfig.vulnerabilityMode"):
            "issue 11: SecurityPostureConfig.vulnerabilityMode is itself Deprecated in container.v1 (any "
            "value, VULNERABILITY_DISABLED included): omit it; " + _UNASSIGNED
        for stack in _GCP
    },
    **{
        ("gcp-field", stack, f"{_CLUSTER}::nodeConfig.workloadMetadataConfig.mode"):
            "issue 11: Cluster.nodeConfig is Deprecated in container.v1 (node pools carry their config); the "
            "cluster sets it for the default pool it then removes; " + _UNASSIGNED
        for stack in _GCP
    },
    **{
        ("iam-action-resource", stack, f"{prefix}-{vpc}-flow-logs-deliver-flow-logs"):
            "issue 11: logs:DescribeLogGroups supports no resource-level permissions, so granting it on "
            "log-group ARNs grants nothing (VPC flow-log delivery role); " + _UNASSIGNED
        for stack, prefix in (("aws-production", "acme-prod"), ("aws-staging", "acme-stg"))
        for vpc in ("network", "quarantine")
    },
}


def known(check: str, stack: str, subject: str) -> bool:
    return (check, stack, subject) in KNOWN


def known_cases(check: str) -> list[Any]:
    """``pytest.param(stack, subject)`` for each known failure of ``check``, marked strict xfail."""
    return [
        pytest.param(stack, subject, id=f"{stack}::{subject}",
                     marks=pytest.mark.xfail(strict=True, reason=reason))
        for (c, stack, subject), reason in sorted(KNOWN.items()) if c == check
    ]
