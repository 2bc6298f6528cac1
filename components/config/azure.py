"""Azure section of the stack configuration (``braintrust:azure``)."""

from __future__ import annotations

import ipaddress
import re
import uuid
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .common import StrictModel

ResourceGroupName = Annotated[str, Field(pattern=r"^[\w.()-]{1,89}[\w()-]$")]
ResourceId = Annotated[str, Field(pattern=r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/.+$")]


class AzureResourceGroupConfig(StrictModel):
    create: bool = Field(default=True, description="Create the resource group.")
    existing_name: ResourceGroupName | None = Field(default=None, description="BYO resource group name.")

    @model_validator(mode="after")
    def _pair(self) -> AzureResourceGroupConfig:
        if self.create and self.existing_name:
            raise ValueError("existing_name is set but create is true; set create: false")
        if not self.create and not self.existing_name:
            raise ValueError("create: false requires existing_name")
        return self


class AzureNetworkConfig(StrictModel):
    """VNet: created (default) or brought by the user (create_vnet: false + existing_*)."""

    create_vnet: bool = Field(default=True, description="Create the VNet and subnets.")
    vnet_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.185.0.0/16"), description="Address space of the created VNet."
    )
    existing_vnet_id: ResourceId | None = Field(default=None, description="BYO VNet resource id.")
    existing_nodes_subnet_id: ResourceId | None = Field(default=None, description="BYO AKS node subnet id.")
    existing_private_endpoints_subnet_id: ResourceId | None = Field(
        default=None, description="BYO subnet for private endpoints."
    )
    existing_api_server_subnet_id: ResourceId | None = Field(
        default=None,
        description=(
            "BYO subnet (/28 or larger, empty, delegated to Microsoft.ContainerService/managedClusters) for "
            "the AKS API server (API Server VNet Integration, required by etcd encryption with a private vault)."
        ),
    )
    existing_private_dns_zone_ids: dict[str, ResourceId] = Field(
        default_factory=dict,
        description=(
            "BYO private DNS zones by zone name (e.g. privatelink.vaultcore.azure.net); the program links "
            "them to a VNet it creates (same subscription) and otherwise expects them linked already."
        ),
    )
    existing_outbound_type: Literal["userAssignedNATGateway", "userDefinedRouting", "loadBalancer"] = Field(
        default="userAssignedNATGateway",
        description=(
            "BYO VNet only: how AKS nodes reach the internet (a NAT gateway on the node subnet, your own "
            "route table/firewall, or the AKS load balancer). A created VNet always uses a NAT gateway."
        ),
    )
    api_private_ip: ipaddress.IPv4Address | None = Field(
        default=None,
        description=(
            "Fixed private IP of the API's internal load balancer, inside the AKS node subnet. Default: an "
            "address near the end of the created node subnet; required with a BYO VNet."
        ),
    )

    @model_validator(mode="after")
    def _byo_complete(self) -> AzureNetworkConfig:
        fields = {
            "existing_vnet_id": self.existing_vnet_id,
            "existing_nodes_subnet_id": self.existing_nodes_subnet_id,
            "existing_private_endpoints_subnet_id": self.existing_private_endpoints_subnet_id,
            "existing_api_server_subnet_id": self.existing_api_server_subnet_id,
        }
        given = [k for k, v in fields.items() if v]
        if self.create_vnet and given:
            raise ValueError(f"{', '.join(given)} set but create_vnet is true; set create_vnet: false")
        if not self.create_vnet:
            missing = [k for k, v in fields.items() if not v]
            if missing:
                raise ValueError("create_vnet: false requires " + ", ".join(missing))
        if self.vnet_cidr.prefixlen > 20:
            raise ValueError("vnet_cidr must be /20 or larger")
        unknown = sorted(set(self.existing_private_dns_zone_ids) - set(PRIVATE_DNS_ZONES.values()))
        if unknown:
            raise ValueError(
                f"existing_private_dns_zone_ids has unknown zone(s) {unknown}; "
                f"expected some of {sorted(PRIVATE_DNS_ZONES.values())}"
            )
        if self.create_vnet and self.existing_outbound_type != "userAssignedNATGateway":
            raise ValueError("existing_outbound_type only applies with create_vnet: false")
        if not self.create_vnet and self.api_private_ip is None:
            raise ValueError("create_vnet: false requires api_private_ip (a free address in the node subnet)")
        if self.create_vnet and self.api_private_ip is not None:
            nodes = node_subnet_cidr(self.vnet_cidr)
            if self.api_private_ip not in nodes or self.api_private_ip in (nodes.network_address,
                                                                            nodes.broadcast_address):
                raise ValueError(f"api_private_ip must be a host address in the node subnet {nodes}")
        return self


# Private DNS zones of the private endpoints, keyed by what they serve (Azure public cloud names).
PRIVATE_DNS_ZONES: dict[str, str] = {
    "vault": "privatelink.vaultcore.azure.net",
    "postgres": "privatelink.postgres.database.azure.com",
    "redis": "privatelink.redis.azure.net",
    "blob": "privatelink.blob.core.windows.net",
}


def node_subnet_cidr(vnet: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
    """First half of the VNet: AKS nodes (Azure CNI overlay gives pods their own, non-VNet range)."""
    return next(vnet.subnets(prefixlen_diff=1))


def endpoint_subnet_cidr(vnet: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
    """A /24 at the start of the second half: private endpoints of the data stores and the vault."""
    second_half = list(vnet.subnets(prefixlen_diff=1))[1]
    return next(second_half.subnets(new_prefix=24))


def api_server_subnet_cidr(vnet: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
    """A /28 right after the private-endpoint /24: the AKS API server's delegated subnet."""
    endpoints = endpoint_subnet_cidr(vnet)
    return ipaddress.IPv4Network((int(endpoints.broadcast_address) + 1, 28))


def default_api_private_ip(vnet: ipaddress.IPv4Network) -> ipaddress.IPv4Address:
    """Near the end of the node subnet: nodes are allocated from the start, so this stays free."""
    nodes = node_subnet_cidr(vnet)
    return nodes.broadcast_address - 5


# Sizes Azure accepts for Flexible Server storage (GiB), and the IOPS of each Premium SSD performance tier.
POSTGRES_STORAGE_GIB: tuple[int, ...] = (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)
PREMIUM_SSD_TIERS: tuple[tuple[str, int, int], ...] = (
    # (tier, smallest disk (GiB) whose base tier it is, provisioned IOPS)
    ("P4", 32, 120), ("P6", 64, 240), ("P10", 128, 500), ("P15", 256, 1100), ("P20", 512, 2300),
    ("P30", 1024, 5000), ("P40", 2048, 7500), ("P50", 4096, 7500), ("P60", 8192, 16000),
    ("P70", 16384, 18000), ("P80", 32767, 20000),
)


def postgres_performance_tier(storage_gib: int, iops: int) -> str | None:
    """Smallest Premium SSD performance tier that gives ``iops`` and is allowed for the disk size.

    A tier can be raised above the disk's base tier (more IOPS at the same size) but never below it.
    None when no tier reaches ``iops`` (then Premium SSD v2 would be needed).
    """
    base = max((i for i, (_, size, _) in enumerate(PREMIUM_SSD_TIERS) if size <= storage_gib), default=0)
    for tier, _, tier_iops in PREMIUM_SSD_TIERS[base:]:
        if tier_iops >= iops:
            return tier
    return None


def postgres_storage_problems(storage_gb: int, iops: int) -> list[str]:
    """What makes a Flexible Server storage size / IOPS pair impossible (empty list = fine)."""
    problems = []
    if storage_gb not in POSTGRES_STORAGE_GIB:
        problems.append(f"postgres.storage_gb must be one of {list(POSTGRES_STORAGE_GIB)} on Azure "
                        f"(given: {storage_gb})")
    elif postgres_performance_tier(storage_gb, iops) is None:
        problems.append(f"postgres.iops {iops} is beyond every Premium SSD tier for {storage_gb} GiB")
    return problems


def postgres_autogrow_problems(storage_gb: int, max_storage_gb: int | None) -> list[tuple[str, str]]:
    """``postgres.max_storage_gb`` as the user set it (None: the preset's) against what Azure can enforce.

    The API version pulumi-azure-native sends has no autogrow ceiling (components/facts/azure.py), so only
    two ceilings mean what they say: ``storage_gb`` itself (autogrow off) and the largest storage size
    (autogrow on, the cloud's own limit). Anything in between would be silently ignored.
    """
    largest = POSTGRES_STORAGE_GIB[-1]
    if max_storage_gb is None or max_storage_gb in (storage_gb, largest) or max_storage_gb > largest:
        return []
    return [("postgres.max_storage_gb",
             f"cannot be enforced on Azure (given: {max_storage_gb}): Flexible Server storage autogrow has no "
             f"ceiling in the API version pulumi-azure-native sends. Set it to postgres.storage_gb "
             f"({storage_gb}) to turn autogrow off, or to {largest} (or remove it) to let Azure grow the disk")]


class AzureClusterConfig(StrictModel):
    private_cluster: bool = Field(default=False, description="Private AKS API server.")
    authorized_ip_ranges: list[ipaddress.IPv4Network] = Field(
        default_factory=list, description="CIDRs allowed to reach a public AKS API server."
    )
    upgrade_channel: str = Field(
        default="patch", pattern=r"^(none|patch|stable|rapid|node-image)$", description="AKS auto-upgrade."
    )
    kubelogin_login: Literal["azurecli", "spn", "workloadidentity", "msi", "azd"] = Field(
        default="azurecli",
        description=(
            "How the deployer signs in to the cluster (local accounts are disabled): kubelogin's login mode "
            "(azurecli after `az login`; spn / workloadidentity / msi read the usual AZURE_* variables in CI)."
        ),
    )

    @model_validator(mode="after")
    def _private_has_no_allowlist(self) -> AzureClusterConfig:
        if self.private_cluster and self.authorized_ip_ranges:
            raise ValueError("authorized_ip_ranges only applies to a public API server; remove it or "
                             "set private_cluster: false")
        if any(net.prefixlen == 0 for net in self.authorized_ip_ranges):
            raise ValueError("authorized_ip_ranges must not contain 0.0.0.0/0 (that is no allowlist at all)")
        return self


class AzureConfig(StrictModel):
    """Azure settings. Deployer needs Owner (or Contributor + Role Based Access Control Administrator) on
    the subscription or resource group: the program creates role assignments."""

    subscription_id: uuid.UUID = Field(description="Subscription that receives the data plane.")
    tenant_id: uuid.UUID | None = Field(default=None, description="Entra tenant (defaults to the caller's).")
    resource_group: AzureResourceGroupConfig = Field(default_factory=AzureResourceGroupConfig)
    network: AzureNetworkConfig = Field(default_factory=AzureNetworkConfig)
    cluster: AzureClusterConfig = Field(default_factory=AzureClusterConfig)
    deployer_ip_ranges: list[ipaddress.IPv4Network] = Field(
        default_factory=list,
        description=(
            "Where `pulumi up` runs from. Allowed to reach a public AKS API server (together with "
            "cluster.authorized_ip_ranges) so the program can install the workloads. Key Vault needs no "
            "allowance: secrets and keys are written through Azure Resource Manager, so the vault stays "
            "private-endpoint-only."
        ),
    )
    key_vault_soft_delete_days: int | None = Field(
        default=None, ge=7, le=90,
        description=(
            "Soft-delete retention of the vault; with purge protection its name stays reserved that long. "
            "Default: 7 in staging, 90 in production."
        ),
    )
    postgres_geo_redundant_backup: bool = Field(
        default=False, description="Geo-redundant PostgreSQL backups (needs a paired region; fixed at creation).",
    )

    @model_validator(mode="after")
    def _api_server_reachable_but_not_open(self) -> AzureConfig:
        if not self.cluster.private_cluster and not (self.deployer_ip_ranges or self.cluster.authorized_ip_ranges):
            raise ValueError("a public AKS API server needs an allowlist: set deployer_ip_ranges (where `pulumi "
                             "up` runs) or cluster.authorized_ip_ranges, or set cluster.private_cluster: true")
        if any(net.prefixlen == 0 for net in self.deployer_ip_ranges):
            raise ValueError("deployer_ip_ranges must not contain 0.0.0.0/0")
        return self


def ingress_problems(*, private_ingress: bool, custom_domain: str | None, certificate: str | None,
                     waf_policy: str | None) -> list[tuple[str, str]]:
    """Azure rules for the ingress section, as (key path, message)."""
    problems = []
    if custom_domain or certificate:
        problems.append(("ingress.custom_domain", "is not supported on Azure yet: the public endpoint is "
                         "<name>.azurefd.net with a Front Door managed certificate; remove it"))
    if waf_policy:
        if private_ingress:
            problems.append(("ingress.waf_acl", "applies to the public Front Door endpoint only; set "
                             "ingress.private_only: false or remove it"))
        elif not re.match(_FRONTDOOR_WAF_POLICY, waf_policy):
            problems.append(("ingress.waf_acl", "must be the resource id of a Front Door WAF policy "
                             "(Microsoft.Network/frontDoorWebApplicationFirewallPolicies)"))
    return problems


_FRONTDOOR_WAF_POLICY = re.compile(
    r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/"
    r"Microsoft\.Network/frontdoorWebApplicationFirewallPolicies/[^/]+$",
    re.IGNORECASE,
)
