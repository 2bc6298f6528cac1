"""`braintrust:gcp:RemoteSupport`: time-bounded, read-only access for Braintrust engineers (off by default).

Each configured principal gets three read-only roles on the project, every binding with an IAM condition
``request.time < timestamp(<expires_on>T00:00:00Z)``: Google stops honouring the grant at that instant by
itself (no job, no second deployment). Read-only means logs, metrics and alert state, and GKE objects without
Secret contents; no shell into pods, no data in the buckets, no database access (an operator can share a
session when they choose to). The bindings are non-authoritative (``IAMMember``): nothing else on the project
changes. ``remote_support`` cannot be stored as a secret on GCP: a binding's id names its member, and ids are
plaintext in the state (config validation refuses it; components/facts/gcp.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pulumi
import pulumi_gcp as gcp

from components.facts import monitoring as monitoring_facts

# Predefined read-only roles (none reads Secret data or bucket objects): components/facts/monitoring.py.
SUPPORT_ROLES: tuple[str, ...] = monitoring_facts.GCP_SUPPORT_ROLES


def expiry_expression(expires_on: dt.date) -> str:
    return f'request.time < timestamp("{expires_on.isoformat()}T00:00:00Z")'


class RemoteSupport(pulumi.ComponentResource):
    def __init__(self, name: str, *, project_id: str, members: Sequence[str], expires_on: dt.date,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:RemoteSupport", name, None, opts)
        condition = gcp.projects.IAMMemberConditionArgs(
            title=f"braintrust-support-until-{expires_on.isoformat()}",
            description="Braintrust remote support: ends on this date (00:00 UTC)",
            expression=expiry_expression(expires_on))
        for i, member in enumerate(members):
            for role in SUPPORT_ROLES:
                gcp.projects.IAMMember(
                    f"{name}-{i}-{role.rsplit('/', 1)[1].replace('.', '-')}", project=project_id, role=role,
                    member=member, condition=condition,
                    opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"expires_on": expires_on.isoformat(), "roles": list(SUPPORT_ROLES)})
