"""Azure section of the stack configuration (``braintrust:azure``)."""

from __future__ import annotations

import ipaddress
import uuid
from typing import Annotated

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
    existing_private_dns_zone_ids: dict[str, ResourceId] = Field(
        default_factory=dict,
        description="BYO private DNS zones by zone name (e.g. privatelink.vaultcore.azure.net).",
    )

    @model_validator(mode="after")
    def _byo_complete(self) -> AzureNetworkConfig:
        fields = {
            "existing_vnet_id": self.existing_vnet_id,
            "existing_nodes_subnet_id": self.existing_nodes_subnet_id,
            "existing_private_endpoints_subnet_id": self.existing_private_endpoints_subnet_id,
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
        return self


class AzureClusterConfig(StrictModel):
    private_cluster: bool = Field(default=False, description="Private AKS API server.")
    authorized_ip_ranges: list[ipaddress.IPv4Network] = Field(
        default_factory=list, description="CIDRs allowed to reach a public AKS API server."
    )
    upgrade_channel: str = Field(
        default="patch", pattern=r"^(none|patch|stable|rapid|node-image)$", description="AKS auto-upgrade."
    )


class AzureConfig(StrictModel):
    subscription_id: uuid.UUID = Field(description="Subscription that receives the data plane.")
    tenant_id: uuid.UUID | None = Field(default=None, description="Entra tenant (defaults to the caller's).")
    resource_group: AzureResourceGroupConfig = Field(default_factory=AzureResourceGroupConfig)
    network: AzureNetworkConfig = Field(default_factory=AzureNetworkConfig)
    cluster: AzureClusterConfig = Field(default_factory=AzureClusterConfig)
    deployer_ip_ranges: list[ipaddress.IPv4Network] = Field(
        default_factory=list,
        description="Where `pulumi up` runs from; allowed through the Key Vault firewall to write secrets.",
    )
