"""VNet, subnets, NSGs with explicit rules, NAT gateway and the private DNS zones (or a BYO network)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

from components.config.azure import (
    PRIVATE_DNS_ZONES,
    api_server_subnet_cidr,
    endpoint_subnet_cidr,
    node_subnet_cidr,
)
from components.tags import Tags

# Ports the cluster reaches on private endpoints: PostgreSQL, Azure Managed Redis (TLS), Blob/Key Vault.
DATA_STORE_PORTS = ["5432", "10000", "443"]
API_PORT = "8000"


@dataclass(frozen=True)
class NetworkArgs:
    deployment_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    tags: Tags
    vnet_cidr: ipaddress.IPv4Network
    create_vnet: bool = True
    existing_vnet_id: str | None = None
    existing_nodes_subnet_id: str | None = None
    existing_endpoints_subnet_id: str | None = None
    existing_api_server_subnet_id: str | None = None
    existing_dns_zone_ids: dict[str, str] = field(default_factory=dict)  # zone name -> id
    api_allowed_cidrs: list[str] = field(default_factory=list)  # besides the VNet itself
    subscription_id: str = ""


def _zone_subscription(zone_id: str) -> str:
    return zone_id.split("/")[2]


def _zone_resource_group(zone_id: str) -> str:
    return zone_id.split("/")[4]


class Network(pulumi.ComponentResource):
    """Outputs the subnet ids and the private DNS zone id per service (vault, postgres, redis, blob)."""

    vnet_id: pulumi.Output[str]
    nodes_subnet_id: pulumi.Output[str]
    endpoints_subnet_id: pulumi.Output[str]
    api_server_subnet_id: pulumi.Output[str]  # delegated to AKS (API Server VNet Integration)
    dns_zone_ids: dict[str, pulumi.Output[str]]
    egress_ip: pulumi.Output[str] | None  # NAT gateway public IP, when the program creates the network

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:Network", name, None, opts)
        self.egress_ip = None
        if args.create_vnet:
            self._create(name, args)
        else:
            assert args.existing_vnet_id and args.existing_nodes_subnet_id and args.existing_endpoints_subnet_id
            assert args.existing_api_server_subnet_id
            self.vnet_id = pulumi.Output.from_input(args.existing_vnet_id)
            self.nodes_subnet_id = pulumi.Output.from_input(args.existing_nodes_subnet_id)
            self.endpoints_subnet_id = pulumi.Output.from_input(args.existing_endpoints_subnet_id)
            self.api_server_subnet_id = pulumi.Output.from_input(args.existing_api_server_subnet_id)
        self.dns_zone_ids = self._dns_zones(name, args)
        self.register_outputs({
            "vnet_id": self.vnet_id,
            "nodes_subnet_id": self.nodes_subnet_id,
            "endpoints_subnet_id": self.endpoints_subnet_id,
            "api_server_subnet_id": self.api_server_subnet_id,
            "dns_zone_ids": self.dns_zone_ids,
        })

    def _create(self, name: str, args: NetworkArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        nodes_cidr = str(node_subnet_cidr(args.vnet_cidr))
        endpoints_cidr = str(endpoint_subnet_cidr(args.vnet_cidr))

        egress_ip = azure_native.network.PublicIPAddress(
            f"{name}-egress-ip",
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=azure_native.network.PublicIPAddressSkuArgs(name=azure_native.network.PublicIPAddressSkuName.STANDARD),
            public_ip_allocation_method=azure_native.network.IPAllocationMethod.STATIC,
            tags=args.tags,
            opts=child,
        )
        nat = azure_native.network.NatGateway(
            f"{name}-nat",
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=azure_native.network.NatGatewaySkuArgs(name=azure_native.network.NatGatewaySkuName.STANDARD),
            public_ip_addresses=[azure_native.network.SubResourceArgs(id=egress_ip.id)],
            idle_timeout_in_minutes=10,
            tags=args.tags,
            opts=child,
        )
        self.egress_ip = egress_ip.ip_address.apply(lambda ip: ip or "")

        # Service tags cannot share a rule with CIDR lists, hence a separate rule for allowed_cidrs.
        allowed_clients = [
            _rule("allow-clients-to-api", 105, "Inbound", "Allow", args.api_allowed_cidrs, "*", [API_PORT],
                  "ingress.allowed_cidrs reach the API load balancer"),
        ] if args.api_allowed_cidrs else []
        nodes_nsg = azure_native.network.NetworkSecurityGroup(
            f"{name}-nodes-nsg",
            resource_group_name=args.resource_group_name,
            location=args.location,
            security_rules=[
                _rule("allow-vnet-to-api", 100, "Inbound", "Allow", ["VirtualNetwork"], "*", [API_PORT],
                      "Clients inside the network reach the API load balancer"),
                *allowed_clients,
                _rule("allow-vnet-inbound", 110, "Inbound", "Allow", ["VirtualNetwork"], "VirtualNetwork", ["*"],
                      "Node-to-node and control-plane traffic inside the VNet"),
                _rule("allow-lb-probes", 120, "Inbound", "Allow", ["AzureLoadBalancer"], "*", ["*"],
                      "Azure load balancer health probes"),
                _rule("deny-all-inbound", 4000, "Inbound", "Deny", ["*"], "*", ["*"],
                      "Nothing else reaches the nodes (no public ingress to nodes)"),
            ],
            tags=args.tags,
            opts=child,
        )
        endpoints_nsg = azure_native.network.NetworkSecurityGroup(
            f"{name}-endpoints-nsg",
            resource_group_name=args.resource_group_name,
            location=args.location,
            security_rules=[
                _rule("allow-nodes-to-data-stores", 100, "Inbound", "Allow", [nodes_cidr], endpoints_cidr,
                      DATA_STORE_PORTS, "AKS nodes reach PostgreSQL, Redis, Blob and Key Vault"),
                _rule("deny-all-inbound", 4000, "Inbound", "Deny", ["*"], "*", ["*"],
                      "Only the cluster reaches the data stores"),
            ],
            tags=args.tags,
            opts=child,
        )
        vnet = azure_native.network.VirtualNetwork(
            f"{name}-vnet",
            resource_group_name=args.resource_group_name,
            location=args.location,
            address_space=azure_native.network.AddressSpaceArgs(address_prefixes=[str(args.vnet_cidr)]),
            tags=args.tags,
            # Subnets are separate resources; inline subnets would fight them on every update.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["subnets"]),
        )
        nodes = azure_native.network.Subnet(
            f"{name}-nodes",
            resource_group_name=args.resource_group_name,
            virtual_network_name=vnet.name,
            subnet_name="aks-nodes",
            address_prefix=nodes_cidr,
            network_security_group=azure_native.network.NetworkSecurityGroupArgs(id=nodes_nsg.id),
            nat_gateway=azure_native.network.SubResourceArgs(id=nat.id),
            # The public endpoint's Private Link Service takes its NAT IPs from this subnet.
            private_link_service_network_policies=azure_native.network.VirtualNetworkPrivateLinkServiceNetworkPolicies.DISABLED,
            default_outbound_access=False,
            opts=child,
        )
        endpoints = azure_native.network.Subnet(
            f"{name}-endpoints",
            resource_group_name=args.resource_group_name,
            virtual_network_name=vnet.name,
            subnet_name="private-endpoints",
            address_prefix=endpoints_cidr,
            network_security_group=azure_native.network.NetworkSecurityGroupArgs(id=endpoints_nsg.id),
            # Without this, NSG rules are not enforced on private endpoints.
            private_endpoint_network_policies=azure_native.network.VirtualNetworkPrivateEndpointNetworkPolicies.ENABLED,
            default_outbound_access=False,
            # Two subnet writes on one VNet at once fail with AnotherOperationInProgress.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[nodes]),
        )
        api_server = azure_native.network.Subnet(
            f"{name}-api-server",
            resource_group_name=args.resource_group_name,
            virtual_network_name=vnet.name,
            subnet_name="aks-api-server",
            address_prefix=str(api_server_subnet_cidr(args.vnet_cidr)),
            # AKS projects the API server's internal load balancer here. No NSG: AKS manages this subnet
            # and a wrong rule would cut the nodes off their control plane.
            delegations=[azure_native.network.DelegationArgs(
                name="aks-api-server", service_name="Microsoft.ContainerService/managedClusters",
            )],
            default_outbound_access=False,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[endpoints]),
        )
        self.vnet_id = vnet.id
        self.nodes_subnet_id = nodes.id
        self.endpoints_subnet_id = endpoints.id
        self.api_server_subnet_id = api_server.id

    def _dns_zones(self, name: str, args: NetworkArgs) -> dict[str, pulumi.Output[str]]:
        zone_ids: dict[str, pulumi.Output[str]] = {}
        for service, zone_name in PRIVATE_DNS_ZONES.items():
            existing = args.existing_dns_zone_ids.get(zone_name)
            if existing:
                zone_ids[service] = pulumi.Output.from_input(existing)
                # A VNet we just created cannot be linked yet; link BYO zones we can reach with this provider.
                if args.create_vnet and _zone_subscription(existing) == args.subscription_id:
                    self._link(f"{name}-{service}-link", _zone_resource_group(existing),
                               zone_name, args)
                continue
            zone = azure_native.privatedns.PrivateZone(
                f"{name}-{service}-zone",
                resource_group_name=args.resource_group_name,
                private_zone_name=zone_name,
                location="global",
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self._link(f"{name}-{service}-link", args.resource_group_name, zone.name, args)
            zone_ids[service] = zone.id
        return zone_ids

    def _link(self, name: str, resource_group: pulumi.Input[str], zone_name: pulumi.Input[str],
              args: NetworkArgs) -> None:
        azure_native.privatedns.VirtualNetworkLink(
            name,
            resource_group_name=resource_group,
            private_zone_name=zone_name,
            location="global",
            virtual_network=azure_native.privatedns.SubResourceArgs(id=self.vnet_id),
            registration_enabled=False,
            virtual_network_link_name=f"{args.deployment_name}-vnet",
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )


def _rule(name: str, priority: int, direction: str, access: str, sources: list[str], destination: str,
          ports: list[str], description: str) -> azure_native.network.SecurityRuleArgs:
    return azure_native.network.SecurityRuleArgs(
        name=name,
        priority=priority,
        direction=direction,
        access=access,
        protocol=(azure_native.network.SecurityRuleProtocol.TCP if ports != ["*"]
                  else azure_native.network.SecurityRuleProtocol.ASTERISK),
        source_address_prefixes=sources if len(sources) > 1 else None,
        source_address_prefix=sources[0] if len(sources) == 1 else None,
        source_port_range="*",
        destination_address_prefix=destination,
        destination_port_ranges=ports if ports != ["*"] else None,
        destination_port_range="*" if ports == ["*"] else None,
        description=description,
    )
