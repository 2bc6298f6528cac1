"""Network: explicit NSG rules, NAT egress, private DNS zones linked to the VNet, BYO network."""

from __future__ import annotations

from typing import Any

import pytest

from components.config.azure import PRIVATE_DNS_ZONES
from tests.support.fakes import AZURE_SUBSCRIPTION
from tests.support.harness import Harness
from tests.support.stacks import build_stack

from .conftest import one_named

HUB = "/subscriptions/3f2b8c1e-9d4a-4b6f-8e2c-1a7d5f9b0c34/resourceGroups/hub/providers/Microsoft.Network"
STAGING_SUBSCRIPTION_ZONE = f"{HUB}/privateDnsZones/privatelink.blob.core.windows.net"


def _byo(values: dict[str, Any]) -> None:
    values["azure"] = {**values["azure"], "network": {
        "create_vnet": False,
        "existing_vnet_id": f"{HUB}/virtualNetworks/spoke",
        "existing_nodes_subnet_id": f"{HUB}/virtualNetworks/spoke/subnets/aks",
        "existing_private_endpoints_subnet_id": f"{HUB}/virtualNetworks/spoke/subnets/pe",
        "existing_api_server_subnet_id": f"{HUB}/virtualNetworks/spoke/subnets/apiserver",
        "existing_outbound_type": "userDefinedRouting",
        "api_private_ip": "10.50.0.250",
        "existing_private_dns_zone_ids": {"privatelink.blob.core.windows.net": STAGING_SUBSCRIPTION_ZONE},
    }}


@pytest.fixture(scope="module")
def byo() -> Harness:
    return build_stack("azure-staging", mutate=_byo)


def _rules(h: Harness, suffix: str) -> dict[str, dict]:
    nsg = one_named(h, "azure-native:network:NetworkSecurityGroup", suffix)
    return {r["name"]: r for r in nsg.inputs["securityRules"]}


def test_node_subnet_nsg_has_explicit_rules_ending_in_deny(stack: Harness) -> None:
    rules = _rules(stack, "nodes-nsg")
    assert rules["allow-vnet-to-api"]["destinationPortRanges"] == ["8000"]
    assert rules["deny-all-inbound"]["access"] == "Deny"
    assert max(r["priority"] for r in rules.values()) == rules["deny-all-inbound"]["priority"]


def test_endpoint_subnet_only_admits_the_nodes_on_data_store_ports(stack: Harness) -> None:
    rules = _rules(stack, "endpoints-nsg")
    allow = rules["allow-nodes-to-data-stores"]
    assert allow["sourceAddressPrefix"] == "10.185.0.0/17"
    assert set(allow["destinationPortRanges"]) == {"5432", "10000", "443"}
    assert rules["deny-all-inbound"]["access"] == "Deny"
    subnet = one_named(stack, "azure-native:network:Subnet", "network-endpoints")
    assert subnet.inputs["privateEndpointNetworkPolicies"] == "Enabled"  # NSGs apply to private endpoints


def test_nodes_egress_through_the_nat_gateway(stack: Harness) -> None:
    nodes = one_named(stack, "azure-native:network:Subnet", "network-nodes")
    assert "natGateway" in nodes.inputs and nodes.inputs["defaultOutboundAccess"] is False
    assert nodes.inputs["privateLinkServiceNetworkPolicies"] == "Disabled"


def test_every_private_dns_zone_is_created_and_linked(stack: Harness) -> None:
    zones = {z.inputs["privateZoneName"] for z in stack.of_type("azure-native:privatedns:PrivateZone")}
    assert zones == set(PRIVATE_DNS_ZONES.values())
    links = stack.of_type("azure-native:privatedns:VirtualNetworkLink")
    assert {link.inputs["privateZoneName"] for link in links} == zones
    assert all(link.inputs["registrationEnabled"] is False for link in links)


def test_byo_network_creates_no_vnet_and_uses_the_given_subnets(byo: Harness) -> None:
    for token in ("azure-native:network:VirtualNetwork", "azure-native:network:Subnet",
                  "azure-native:network:NatGateway", "azure-native:network:NetworkSecurityGroup"):
        assert not byo.of_type(token), token
    cluster = byo.one("azure-native:containerservice:ManagedCluster").inputs
    assert cluster["networkProfile"]["outboundType"] == "userDefinedRouting"
    assert cluster["agentPoolProfiles"][0]["vnetSubnetID"].endswith("/subnets/aks")
    # Without a NAT IP of ours, only the deployer's range is allowed to the API server.
    assert cluster["apiServerAccessProfile"]["authorizedIPRanges"] == ["203.0.113.10/32"]
    service = byo.one("kubernetes:core/v1:Service").inputs["metadata"]["annotations"]
    assert service["service.beta.kubernetes.io/azure-load-balancer-ipv4"] == "10.50.0.250"
    assert service["service.beta.kubernetes.io/azure-load-balancer-internal-subnet"] == "aks"
    assert byo.outputs["api_url"] == "http://10.50.0.250:8000"


def test_byo_dns_zone_is_used_not_recreated(byo: Harness) -> None:
    zones = {z.inputs["privateZoneName"] for z in byo.of_type("azure-native:privatedns:PrivateZone")}
    assert "privatelink.blob.core.windows.net" not in zones
    groups = [g for g in byo.of_type("azure-native:network:PrivateDnsZoneGroup") if g.name.endswith("storage-pe-dns")]
    assert groups[0].inputs["privateDnsZoneConfigs"][0]["privateDnsZoneId"] == STAGING_SUBSCRIPTION_ZONE
    assert AZURE_SUBSCRIPTION not in STAGING_SUBSCRIPTION_ZONE
