"""Small helpers shared by the Azure tiers: built-in roles, role assignments, private endpoints."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.tags import Tags

# Built-in Azure role definition ids (identical in every tenant).
# https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
ROLE_IDS: dict[str, str] = {
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Key Vault Contributor": "f25e0fa2-a7c8-4377-a976-54943a77a395",
    "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    # Read-only roles of remote support (components/azure/remote_support.py).
    "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
    "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
    "Azure Kubernetes Service Cluster User Role": "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    "Azure Kubernetes Service RBAC Reader": "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
}


def role_definition_id(subscription_id: str, role: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{ROLE_IDS[role]}"


def grant(
    name: str,
    *,
    parent: pulumi.Resource,
    subscription_id: str,
    role: str,
    principal_id: pulumi.Input[str],
    scope: pulumi.Input[str],
    service_principal: bool = True,
    depends_on: list[pulumi.Resource] | None = None,
) -> azure_native.authorization.RoleAssignment:
    """One role assignment. ``principal_type`` is set for managed identities: without it, a brand-new
    identity that has not replicated through Entra yet makes the assignment fail on the first apply."""
    return azure_native.authorization.RoleAssignment(
        name,
        role_definition_id=role_definition_id(subscription_id, role),
        principal_id=principal_id,
        principal_type=azure_native.authorization.PrincipalType.SERVICE_PRINCIPAL if service_principal else None,
        scope=scope,
        description=f"braintrust: {role}",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on),
    )


@dataclass(frozen=True)
class EndpointTarget:
    """What a private endpoint connects to and where its DNS record goes."""

    resource_id: pulumi.Input[str]
    group_id: str  # sub-resource: vault, postgresqlServer, redisEnterprise, blob
    dns_zone_id: pulumi.Input[str]


def private_endpoint(
    name: str,
    *,
    parent: pulumi.Resource,
    resource_group_name: pulumi.Input[str],
    location: str,
    subnet_id: pulumi.Input[str],
    target: EndpointTarget,
    tags: Tags,
) -> azure_native.network.PrivateEndpoint:
    """Private endpoint plus the DNS zone group that keeps its A record in the private zone."""
    endpoint = azure_native.network.PrivateEndpoint(
        name,
        resource_group_name=resource_group_name,
        location=location,
        subnet=azure_native.network.SubnetArgs(id=subnet_id),
        private_link_service_connections=[azure_native.network.PrivateLinkServiceConnectionArgs(
            name=name,
            private_link_service_id=target.resource_id,
            group_ids=[target.group_id],
        )],
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    azure_native.network.PrivateDnsZoneGroup(
        f"{name}-dns",
        resource_group_name=resource_group_name,
        private_endpoint_name=endpoint.name,
        private_dns_zone_group_name="default",
        private_dns_zone_configs=[azure_native.network.PrivateDnsZoneConfigArgs(
            name=target.group_id, private_dns_zone_id=target.dns_zone_id,
        )],
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return endpoint


def deletion_lock(name: str, *, parent: pulumi.Resource, scope: pulumi.Input[str],
                  what: str) -> azure_native.authorization.ManagementLockByScope:
    """Azure's deletion protection: a CanNotDelete lock, so neither a stray `pulumi destroy` (past
    `protect`) nor the portal can delete the resource until someone removes the lock on purpose."""
    return azure_native.authorization.ManagementLockByScope(
        name,
        scope=scope,
        lock_name="braintrust-do-not-delete",
        level=azure_native.authorization.LockLevel.CAN_NOT_DELETE,
        notes=f"Braintrust data plane {what}: remove this lock (and set danger_disable_deletion_protection) "
              "only to delete the deployment on purpose.",
        opts=pulumi.ResourceOptions(parent=parent),
    )
