"""VPC for the data plane (or the user's own): node subnet with pod/service ranges, NAT, private service access.

Private Service Access (a reserved range peered to Google's service producer network) is how Cloud SQL
and Memorystore get private IPs. Its peering ``connection`` is exported so those components depend on it
explicitly: the official module's "first apply fails, re-run" race is Cloud SQL starting before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.config.gcp import GcpNetworkConfig
from components.facts.gcp import HEALTH_CHECK_RANGES
from components.facts.kubernetes import KUBE_PROXY_HEALTHZ_PORT
from components.kubernetes.values import API_PORT
from components.tags import Tags

PODS_RANGE = "pods"
SERVICES_RANGE = "services"
# What Google's probe ranges reach on the nodes (and the pod IPs they host): the API's serving port (NEG
# health checks and GFE traffic of the public Gateway; the internal LB's backends) and kube-proxy's health
# port, which the internal passthrough LB probes on every node (externalTrafficPolicy Cluster).
HEALTH_CHECKED_PORTS = (API_PORT, KUBE_PROXY_HEALTHZ_PORT)


@dataclass(frozen=True)
class NetworkArgs:
    deployment_name: str
    project_id: str
    region: str
    config: GcpNetworkConfig
    node_tag: str  # network tag on every GKE node (firewall target)
    labels: Tags
    after: Sequence[pulumi.Resource] = ()


class Network(pulumi.ComponentResource):
    network_id: pulumi.Output[str]
    network_name: pulumi.Output[str]
    subnetwork_id: pulumi.Output[str]
    pods_range_name: pulumi.Output[str]
    services_range_name: pulumi.Output[str]
    private_service_range_name: pulumi.Output[str] | None
    # Cloud SQL / Memorystore list these in depends_on (empty for BYO: PSA must already exist there).
    private_service_access: list[pulumi.Resource]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Network", name, None, opts)
        cfg = args.config
        dn = args.deployment_name
        after = list(args.after)
        if not cfg.create_network:
            assert cfg.existing_network and cfg.existing_subnetwork
            assert cfg.existing_pods_range_name and cfg.existing_services_range_name
            self.network_id = pulumi.Output.from_input(cfg.existing_network)
            self.network_name = pulumi.Output.from_input(cfg.existing_network.rstrip("/").rsplit("/", 1)[-1])
            self.subnetwork_id = pulumi.Output.from_input(cfg.existing_subnetwork)
            self.pods_range_name = pulumi.Output.from_input(cfg.existing_pods_range_name)
            self.services_range_name = pulumi.Output.from_input(cfg.existing_services_range_name)
            self.private_service_range_name = None
            self.private_service_access = []
            self.register_outputs({"network_id": self.network_id, "subnetwork_id": self.subnetwork_id})
            return

        child = pulumi.ResourceOptions(parent=self, depends_on=after)
        vpc = gcp.compute.Network(
            f"{name}-vpc",
            name=f"{dn}-vpc",
            project=args.project_id,
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            description=f"Braintrust data plane {dn}",
            opts=child,
        )
        subnet = gcp.compute.Subnetwork(
            f"{name}-nodes",
            name=f"{dn}-nodes",
            project=args.project_id,
            region=args.region,
            network=vpc.id,
            ip_cidr_range=str(cfg.nodes_cidr),
            # Nodes have no public IPs; Google APIs (GCS, KMS, logging) are reached privately.
            private_ip_google_access=True,
            secondary_ip_ranges=[
                gcp.compute.SubnetworkSecondaryIpRangeArgs(range_name=PODS_RANGE, ip_cidr_range=str(cfg.pods_cidr)),
                gcp.compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=SERVICES_RANGE, ip_cidr_range=str(cfg.services_cidr)
                ),
            ],
            log_config=gcp.compute.SubnetworkLogConfigArgs(
                aggregation_interval="INTERVAL_5_SEC", flow_sampling=0.5, metadata="INCLUDE_ALL_METADATA"
            ),
            opts=child,
        )
        router = gcp.compute.Router(
            f"{name}-router",
            name=f"{dn}-router",
            project=args.project_id,
            region=args.region,
            network=vpc.id,
            opts=child,
        )
        gcp.compute.RouterNat(
            f"{name}-nat",
            name=f"{dn}-nat",
            project=args.project_id,
            region=args.region,
            router=router.name,
            # Egress for private nodes (images from public registries, the control plane, LLM providers).
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetworks=[
                gcp.compute.RouterNatSubnetworkArgs(name=subnet.id, source_ip_ranges_to_nats=["ALL_IP_RANGES"])
            ],
            enable_endpoint_independent_mapping=False,
            log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            opts=child,
        )
        psa_range = gcp.compute.GlobalAddress(
            f"{name}-psa-range",
            name=f"{dn}-psa-range",
            project=args.project_id,
            network=vpc.id,
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=cfg.private_service_access_prefix_length,
            description="Private service access: Cloud SQL and Memorystore private IPs",
            labels=args.labels,
            opts=child,
        )
        psa = gcp.servicenetworking.Connection(
            f"{name}-psa",
            network=vpc.id,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[psa_range.name],
            # Deleting the peering fails while Google still holds producer resources (provider issue
            # 19908); abandon it instead: it goes away with the VPC.
            deletion_policy="ABANDON",
            opts=child,
        )
        self._firewall(name, args, vpc)

        self.network_id = vpc.id
        self.network_name = vpc.name
        self.subnetwork_id = subnet.id
        self.pods_range_name = pulumi.Output.from_input(PODS_RANGE)
        self.services_range_name = pulumi.Output.from_input(SERVICES_RANGE)
        self.private_service_range_name = psa_range.name
        self.private_service_access = [psa]
        self.register_outputs({
            "network_id": self.network_id,
            "subnetwork_id": self.subnetwork_id,
            "private_service_range_name": psa_range.name,
        })

    def _firewall(self, name: str, args: NetworkArgs, vpc: gcp.compute.Network) -> None:
        """Minimal and explicit: health checks in on the probed ports only, everything else denied (logged).

        GKE adds its own rules for node-to-node, pod and control-plane traffic and for the load balancers
        it creates (priority 1000, cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules); these
        two only make the default posture visible and auditable, so they must not open more than those.
        """
        dn = args.deployment_name
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.after))
        gcp.compute.Firewall(
            f"{name}-allow-health-checks",
            name=f"{dn}-allow-health-checks",
            project=args.project_id,
            network=vpc.id,
            direction="INGRESS",
            priority=1000,
            source_ranges=list(HEALTH_CHECK_RANGES),
            target_tags=[args.node_tag],
            allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=[str(p) for p in HEALTH_CHECKED_PORTS])],
            description="Google load balancer health checks and proxies to the API port and kube-proxy health",
            log_config=gcp.compute.FirewallLogConfigArgs(metadata="EXCLUDE_ALL_METADATA"),
            opts=child,
        )
        gcp.compute.Firewall(
            f"{name}-deny-ingress",
            name=f"{dn}-deny-ingress",
            project=args.project_id,
            network=vpc.id,
            direction="INGRESS",
            priority=65534,  # just above the implied rules; anything GKE or you allow wins
            source_ranges=["0.0.0.0/0"],
            denies=[gcp.compute.FirewallDenyArgs(protocol="all")],
            description="Default deny for ingress, logged",
            log_config=gcp.compute.FirewallLogConfigArgs(metadata="INCLUDE_ALL_METADATA"),
            opts=child,
        )

