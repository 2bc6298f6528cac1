"""GCP section of the stack configuration (``braintrust:gcp``)."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .common import StrictModel

ProjectId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
SelfLink = Annotated[str, Field(pattern=r"^(https://www\.googleapis\.com/compute/v1/)?projects/[a-z0-9-]+/")]
KmsKeyId = Annotated[
    str, Field(pattern=r"^projects/[a-z0-9-]+/locations/[a-z0-9-]+/keyRings/[\w-]+/cryptoKeys/[\w-]+$")
]


class GcpNetworkConfig(StrictModel):
    """VPC network: created (default) or brought by the user (create_network: false + existing_*)."""

    create_network: bool = Field(default=True, description="Create the VPC network and subnetwork.")
    nodes_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.0.0.0/20"), description="Primary range of the node subnet."
    )
    pods_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.4.0.0/14"), description="Secondary range for pods."
    )
    services_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.8.0.0/20"), description="Secondary range for services."
    )
    master_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("172.16.0.0/28"), description="GKE control plane range (/28)."
    )
    private_service_access_prefix_length: int = Field(
        default=16, ge=16, le=24, description="Size of the range reserved for Cloud SQL/Memorystore."
    )
    existing_network: SelfLink | None = Field(default=None, description="BYO network self link.")
    existing_subnetwork: SelfLink | None = Field(default=None, description="BYO subnetwork self link.")
    existing_pods_range_name: str | None = Field(default=None, description="BYO secondary range for pods.")
    existing_services_range_name: str | None = Field(
        default=None, description="BYO secondary range for services."
    )

    @model_validator(mode="after")
    def _byo_complete(self) -> GcpNetworkConfig:
        byo_fields = {
            "existing_network": self.existing_network,
            "existing_subnetwork": self.existing_subnetwork,
            "existing_pods_range_name": self.existing_pods_range_name,
            "existing_services_range_name": self.existing_services_range_name,
        }
        given = [k for k, v in byo_fields.items() if v]
        if self.create_network and given:
            raise ValueError(f"{', '.join(given)} set but create_network is true; set create_network: false")
        if not self.create_network:
            missing = [k for k, v in byo_fields.items() if not v]
            if missing:
                raise ValueError("create_network: false requires " + ", ".join(missing))
        if self.master_cidr.prefixlen != 28:
            raise ValueError("master_cidr must be a /28")
        return self


class GcpKmsConfig(StrictModel):
    create_key: bool = Field(default=True, description="Create the key ring and CMEK key.")
    existing_key_id: KmsKeyId | None = Field(default=None, description="BYO Cloud KMS key id.")
    rotation_days: int = Field(default=90, ge=1, le=90, description="Key rotation period (<= 90 days).")

    @model_validator(mode="after")
    def _pair(self) -> GcpKmsConfig:
        if self.create_key and self.existing_key_id:
            raise ValueError("existing_key_id is set but create_key is true; set create_key: false")
        if not self.create_key and not self.existing_key_id:
            raise ValueError("create_key: false requires existing_key_id")
        return self


class GcpClusterConfig(StrictModel):
    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = Field(
        default="REGULAR", description="GKE release channel."
    )
    private_endpoint: bool = Field(
        default=False, description="Make the GKE control plane reachable only from inside the network."
    )
    authorized_networks: list[ipaddress.IPv4Network] = Field(
        default_factory=list, description="CIDRs allowed to reach the control plane."
    )


class GcpConfig(StrictModel):
    project_id: ProjectId = Field(description="Project that receives the data plane.")
    network: GcpNetworkConfig = Field(default_factory=GcpNetworkConfig)
    kms: GcpKmsConfig = Field(default_factory=GcpKmsConfig)
    cluster: GcpClusterConfig = Field(default_factory=GcpClusterConfig)
