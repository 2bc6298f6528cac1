"""User-assigned identities: one per job, so each holds only the roles its job needs.

* ``workload``: the chart's two service accounts (federated credentials) -> Key Vault secrets, Blob data.
* ``postgres`` / ``storage`` / ``redis``: wrap and unwrap with their own customer-managed key, nothing else.
* ``cluster``: the AKS control plane -> Network Contributor on its two subnets (not Contributor on the
  resource group, which is what the upstream module grants), and its KMS key for etcd encryption.
* ``operations``: runs the two deployment scripts (PostgreSQL restart, Private Link approval).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.tags import Tags

ROLES = ("workload", "postgres", "storage", "redis", "cluster", "operations")


@dataclass(frozen=True)
class IdentitiesArgs:
    deployment_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    tags: Tags


@dataclass(frozen=True)
class Identity:
    id: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    client_id: pulumi.Output[str]


class Identities(pulumi.ComponentResource):
    workload: Identity
    postgres: Identity
    storage: Identity
    redis: Identity
    cluster: Identity
    operations: Identity

    def __init__(self, name: str, args: IdentitiesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:Identities", name, None, opts)
        for role in ROLES:
            uami = azure_native.managedidentity.UserAssignedIdentity(
                f"{name}-{role}",
                resource_name_=f"{args.deployment_name}-{role}",
                resource_group_name=args.resource_group_name,
                location=args.location,
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            setattr(self, role, Identity(uami.id, uami.principal_id, uami.client_id))
        self.register_outputs({role: getattr(self, role).id for role in ROLES})
