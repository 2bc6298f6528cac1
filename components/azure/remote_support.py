"""`braintrust:azure:RemoteSupport`: read-only access for Braintrust engineers, bounded in time (off by default).

Each configured Entra principal (typically a group holding Braintrust's guest accounts) gets, scoped to this
deployment only:

* Log Analytics Reader on the workspace and Monitoring Reader on the resource group (logs, metrics, alerts);
* AKS Cluster User (to fetch a kubeconfig) and AKS RBAC Reader on the cluster (reads objects, not Secrets);
* Storage Blob Data Reader on the storage account.

Time bound, without PIM: Azure evaluates role-assignment conditions only for Blob and Queue data actions, so
the storage grant carries ``@Environment[UtcNow] DateTimeLessThan <expires_on>`` and Azure itself stops
honouring it on that date. The other four roles cannot carry a condition; they are bounded by configuration:
``remote_support.expires_on`` is required, at most 30 days ahead, and once it has passed the next `pulumi up`
removes them (``DataPlaneConfig.remote_support_active``; a warning says so). Between the date and that
`pulumi up` those four read-only grants remain (docs/azure.md, residual risks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.facts import monitoring as monitoring_facts

from .common import role_definition_id

BLOB_READ = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"


def storage_condition(expires_on: dt.date) -> str:
    """Blob reads are allowed only before 00:00 UTC on ``expires_on`` (the documented condition format)."""
    utc_now = monitoring_facts.AZURE_ABAC_UTC_NOW
    return (f"((!(ActionMatches{{'{BLOB_READ}'}})) OR "
            f"({utc_now} DateTimeLessThan '{expires_on.isoformat()}T00:00:00.0Z'))")


@dataclass(frozen=True)
class RemoteSupportArgs:
    subscription_id: str
    principal_ids: Sequence[str]
    expires_on: dt.date
    secret: bool
    workspace_id: pulumi.Input[str]
    resource_group_id: pulumi.Input[str]
    cluster_id: pulumi.Input[str]
    storage_account_id: pulumi.Input[str]


class RemoteSupport(pulumi.ComponentResource):
    def __init__(self, name: str, args: RemoteSupportArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:RemoteSupport", name, None, opts)
        grants: list[tuple[str, str, pulumi.Input[str], str | None]] = [
            ("logs", "Log Analytics Reader", args.workspace_id, None),
            ("metrics", "Monitoring Reader", args.resource_group_id, None),
            ("cluster-user", "Azure Kubernetes Service Cluster User Role", args.cluster_id, None),
            ("cluster-reader", "Azure Kubernetes Service RBAC Reader", args.cluster_id, None),
            ("blobs", "Storage Blob Data Reader", args.storage_account_id, storage_condition(args.expires_on)),
        ]
        for i, principal in enumerate(args.principal_ids):
            for short, role, scope, condition in grants:
                azure_native.authorization.RoleAssignment(
                    f"{name}-{i}-{short}",
                    role_definition_id=role_definition_id(args.subscription_id, role),
                    principal_id=pulumi.Output.secret(principal) if args.secret else principal,
                    scope=scope,
                    condition=condition,
                    condition_version="2.0" if condition else None,
                    description=f"braintrust remote support until {args.expires_on.isoformat()}: {role}",
                    opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"expires_on": args.expires_on.isoformat()})
