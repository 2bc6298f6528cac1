"""GCP section of the stack configuration (``braintrust:gcp``)."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import Field, model_validator

from components.facts import limits

from .common import StrictModel, given
from .networks import is_private

ProjectId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
SelfLink = Annotated[str, Field(pattern=r"^(https://www\.googleapis\.com/compute/v1/)?projects/[a-z0-9-]+/")]
_RESOURCE_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")  # Compute Engine resource names
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

    @model_validator(mode="after")
    def _ranges_fit(self) -> GcpNetworkConfig:
        # GKE and Cloud NAT reject overlapping primary/secondary/control-plane ranges only at apply time,
        # after the VPC exists; catching it here keeps the first `pulumi up` clean. A BYO network brings its
        # own node, pod and service ranges: only the control-plane range is ours then.
        ranges = {"master_cidr": self.master_cidr}
        if self.create_network:
            ranges = {"nodes_cidr": self.nodes_cidr, "pods_cidr": self.pods_cidr,
                      "services_cidr": self.services_cidr, **ranges}
        for key, net in ranges.items():
            if not is_private(net):
                raise ValueError(f"{key} {net} is not a private (RFC 1918 / RFC 6598) range")
        names = list(ranges)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if ranges[a].overlaps(ranges[b]):
                    raise ValueError(f"{a} {ranges[a]} overlaps {b} {ranges[b]}")
        # Sized for production scale: >= 4,000 nodes' worth of addresses is overkill, but fewer than 250
        # nodes, 2,000 pods or 1,000 services would cap growth of a busy data plane.
        minimums = {"nodes_cidr": 24, "pods_cidr": 21, "services_cidr": 22}
        for key, max_prefix in minimums.items():
            if key in ranges and ranges[key].prefixlen > max_prefix:
                raise ValueError(f"{key} {ranges[key]} is too small; use /{max_prefix} or larger")
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
    """GKE Standard cluster options (node pools come from the size preset)."""

    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = Field(
        default="REGULAR", description="GKE release channel."
    )
    private_endpoint: bool = Field(
        default=False, description="Make the GKE control plane reachable only from inside the network."
    )
    authorized_networks: list[ipaddress.IPv4Network] = Field(
        default_factory=list,
        description=(
            "CIDRs allowed to reach the control plane (the machine running `pulumi up` must be one of "
            "them, or inside the network when private_endpoint is true). Empty: no IP restriction."
        ),
    )

    @model_validator(mode="after")
    def _no_open_world(self) -> GcpClusterConfig:
        for net in self.authorized_networks:
            if net.prefixlen == 0:
                raise ValueError(
                    f"authorized_networks contains {net}, which authorizes every address; list the "
                    "networks that administer the cluster (or leave the list empty, knowingly)"
                )
        if len(set(self.authorized_networks)) != len(self.authorized_networks):
            raise ValueError("authorized_networks contains duplicates")
        if len(self.authorized_networks) > limits.GKE_MAX_AUTHORIZED_NETWORKS:
            raise ValueError(f"authorized_networks has more than {limits.GKE_MAX_AUTHORIZED_NETWORKS} entries "
                             "(the GKE limit)")
        return self


class GcpConfig(StrictModel):
    project_id: ProjectId = Field(description="Project that receives the data plane.")
    network: GcpNetworkConfig = Field(default_factory=GcpNetworkConfig)
    kms: GcpKmsConfig = Field(default_factory=GcpKmsConfig)
    cluster: GcpClusterConfig = Field(default_factory=GcpClusterConfig)
    danger_disable_redis_tls: bool = Field(
        default=False,
        description=(
            "DANGER: turn off Memorystore in-transit encryption (plain redis:// inside the VPC). Only for "
            "a Braintrust release whose services cannot yet trust the instance's private CA (docs/gcp.md)."
        ),
    )


def ingress_problems(
    *,
    private_ingress: bool,
    custom_domain: str | None,
    certificate: str | None,
    waf_policy: str | None,
    allowed_cidrs: list[str],
) -> list[tuple[str, str]]:
    """GCP rules for the ``ingress`` section, as (key path, message) pairs.

    Private (default): an internal passthrough load balancer inside the VPC; no domain or certificate.
    Public: an external HTTPS load balancer (GKE Gateway) that needs a domain for its certificate.
    """
    problems: list[tuple[str, str]] = []
    if not private_ingress and not custom_domain:
        problems.append(("ingress.custom_domain", "is required on GCP when ingress.private_only is false: the "
                         "external HTTPS load balancer needs a domain for its Google-managed certificate"))
    if private_ingress and custom_domain:
        problems.append(("ingress.custom_domain", "only applies to the public HTTPS endpoint on GCP; set "
                         "ingress.private_only: false or remove it"))
    if certificate and not _RESOURCE_NAME.match(certificate):
        problems.append(("ingress.certificate", "must be the name of a Compute Engine SSL certificate in the "
                         "project (omit it to get a Google-managed certificate)"))
    if waf_policy and not _RESOURCE_NAME.match(waf_policy):
        problems.append(("ingress.waf_acl", "must be the name of a Cloud Armor security policy in the project"))
    if waf_policy and private_ingress:
        problems.append(("ingress.waf_acl", "Cloud Armor applies to the public HTTPS endpoint only; set "
                         "ingress.private_only: false or remove it"))
    for i, cidr in enumerate(allowed_cidrs):
        try:
            ipaddress.IPv4Network(cidr)
        except ValueError:
            problems.append((f"ingress.allowed_cidrs[{i}]", f"{given(cidr)} is not an IPv4 CIDR"))
    return problems
