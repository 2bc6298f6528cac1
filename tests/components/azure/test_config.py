"""Azure configuration rules: every validator added for the Azure data plane, positive and negative."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from pydantic import ValidationError

from components.config import ConfigError
from components.config.azure import (
    AzureClusterConfig,
    AzureConfig,
    AzureNetworkConfig,
    api_server_subnet_cidr,
    default_api_private_ip,
    endpoint_subnet_cidr,
    ingress_problems,
    node_subnet_cidr,
    postgres_performance_tier,
    postgres_storage_problems,
)
from tests.support.stacks import build_config, stack_config

SUB = "/subscriptions/3f2b8c1e-9d4a-4b6f-8e2c-1a7d5f9b0c34/resourceGroups/hub/providers"
VNET = f"{SUB}/Microsoft.Network/virtualNetworks/hub"
BYO = {
    "create_vnet": False,
    "existing_vnet_id": VNET,
    "existing_nodes_subnet_id": f"{VNET}/subnets/aks",
    "existing_private_endpoints_subnet_id": f"{VNET}/subnets/pe",
    "existing_api_server_subnet_id": f"{VNET}/subnets/apiserver",
    "api_private_ip": "10.1.0.250",
}


def test_byo_network_is_complete_with_an_api_ip() -> None:
    network = AzureNetworkConfig.model_validate(BYO)
    assert network.api_private_ip == ipaddress.IPv4Address("10.1.0.250")


def test_byo_network_without_api_server_subnet_is_rejected() -> None:
    with pytest.raises(ValidationError, match="existing_api_server_subnet_id"):
        AzureNetworkConfig.model_validate({**BYO, "existing_api_server_subnet_id": None})


def test_public_api_server_needs_an_allowlist() -> None:
    base = {"subscription_id": "3f2b8c1e-9d4a-4b6f-8e2c-1a7d5f9b0c34"}
    with pytest.raises(ValidationError, match="needs an allowlist"):
        AzureConfig.model_validate(base)
    with pytest.raises(ValidationError, match=r"0\.0\.0\.0/0"):
        AzureConfig.model_validate({**base, "deployer_ip_ranges": ["0.0.0.0/0"]})
    assert AzureConfig.model_validate({**base, "deployer_ip_ranges": ["203.0.113.10/32"]})
    assert AzureConfig.model_validate({**base, "cluster": {"private_cluster": True}})


def test_byo_network_without_api_ip_is_rejected() -> None:
    with pytest.raises(ValidationError, match="api_private_ip"):
        AzureNetworkConfig.model_validate({**BYO, "api_private_ip": None})


def test_unknown_private_dns_zone_is_rejected() -> None:
    with pytest.raises(ValidationError, match="unknown zone"):
        AzureNetworkConfig.model_validate({"existing_private_dns_zone_ids": {
            "privatelink.redis.cache.windows.net": f"{SUB}/Microsoft.Network/privateDnsZones/x"}})


def test_byo_zone_with_known_name_is_accepted() -> None:
    zone = f"{SUB}/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
    network = AzureNetworkConfig.model_validate({"existing_private_dns_zone_ids": {
        "privatelink.vaultcore.azure.net": zone}})
    assert network.existing_private_dns_zone_ids["privatelink.vaultcore.azure.net"] == zone


def test_outbound_type_only_with_byo_network() -> None:
    with pytest.raises(ValidationError, match="existing_outbound_type"):
        AzureNetworkConfig.model_validate({"existing_outbound_type": "userDefinedRouting"})
    assert AzureNetworkConfig.model_validate({**BYO, "existing_outbound_type": "userDefinedRouting"})


def test_api_ip_must_be_in_the_created_node_subnet() -> None:
    with pytest.raises(ValidationError, match="node subnet"):
        AzureNetworkConfig.model_validate({"api_private_ip": "10.185.200.10"})  # endpoints half
    with pytest.raises(ValidationError, match="node subnet"):
        AzureNetworkConfig.model_validate({"api_private_ip": "10.185.0.0"})  # network address
    assert AzureNetworkConfig.model_validate({"api_private_ip": "10.185.100.10"})


def test_subnet_layout_does_not_overlap_and_default_api_ip_is_in_nodes() -> None:
    for cidr in ("10.185.0.0/16", "10.0.0.0/20"):
        vnet = ipaddress.IPv4Network(cidr)
        subnets = [node_subnet_cidr(vnet), endpoint_subnet_cidr(vnet), api_server_subnet_cidr(vnet)]
        assert all(s.subnet_of(vnet) for s in subnets)
        assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1:])
        assert default_api_private_ip(vnet) in subnets[0]
        assert subnets[2].prefixlen == 28  # AKS API Server VNet Integration minimum


def test_private_cluster_rejects_an_ip_allowlist() -> None:
    with pytest.raises(ValidationError, match="public API server"):
        AzureClusterConfig.model_validate({"private_cluster": True, "authorized_ip_ranges": ["203.0.113.0/24"]})


def test_allowlist_must_not_be_everything() -> None:
    with pytest.raises(ValidationError, match=r"0\.0\.0\.0/0"):
        AzureClusterConfig.model_validate({"authorized_ip_ranges": ["0.0.0.0/0"]})


@pytest.mark.parametrize(("storage", "iops", "tier"), [
    (128, 5000, "P30"),  # staging preset: tier raised above the disk's base P10
    (128, 500, "P10"),
    (8192, 16000, "P60"),  # production preset: the smallest Premium SSD tier with >= 15k IOPS
    (8192, 20000, "P80"),
    (1024, 15000, "P60"),  # a tier may be raised far above the disk size
])
def test_performance_tier(storage: int, iops: int, tier: str) -> None:
    assert postgres_performance_tier(storage, iops) == tier


def test_no_tier_reaches_the_iops() -> None:
    assert postgres_performance_tier(128, 30000) is None
    assert "beyond every Premium SSD tier" in postgres_storage_problems(128, 30000)[0]


def test_storage_size_must_be_an_azure_size() -> None:
    assert "must be one of" in postgres_storage_problems(1000, 5000)[0]
    assert postgres_storage_problems(8192, 16000) == []


def test_ingress_rules() -> None:
    assert ingress_problems(private_ingress=True, custom_domain=None, certificate=None, waf_policy=None) == []
    custom = ingress_problems(private_ingress=False, custom_domain="api.example.com", certificate=None,
                              waf_policy=None)
    assert custom[0][0] == "ingress.custom_domain"
    private_waf = ingress_problems(private_ingress=True, custom_domain=None, certificate=None,
                                   waf_policy=f"{SUB}/Microsoft.Network/frontdoorWebApplicationFirewallPolicies/w")
    assert "public Front Door endpoint only" in private_waf[0][1]
    bad_waf = ingress_problems(private_ingress=False, custom_domain=None, certificate=None, waf_policy="arn:aws:x")
    assert "Front Door WAF policy" in bad_waf[0][1]
    good = ingress_problems(private_ingress=False, custom_domain=None, certificate=None,
                            waf_policy=f"{SUB}/Microsoft.Network/frontdoorWebApplicationFirewallPolicies/w")
    assert good == []


def _with(path: list[str], value: Any):
    def mutate(values: dict[str, Any]) -> None:
        node = values
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return mutate


def test_stack_with_custom_domain_is_rejected_at_config_time() -> None:
    with pytest.raises(ConfigError) as error:
        stack_config("azure-staging", mutate=_with(["ingress"], {"private_only": False,
                                                              "custom_domain": "api.example.com"}))
    assert "ingress.custom_domain" in error.value.paths


def test_stack_with_impossible_postgres_storage_is_rejected_at_config_time() -> None:
    with pytest.raises(ConfigError) as error:
        stack_config("azure-staging", mutate=_with(["postgres"], {"storage_gb": 1000, "max_storage_gb": 2000}))
    assert "postgres" in error.value.paths


def test_data_plane_refuses_azure_problems_even_without_config_validation() -> None:
    """Defence in depth: a config built without parse_config still fails before any resource."""
    cfg = stack_config("azure-staging")
    broken = cfg.model_copy(update={"ingress": cfg.ingress.model_copy(update={"custom_domain": "api.example.com"})})
    with pytest.raises(ConfigError) as error:
        build_config(broken)
    assert "ingress.custom_domain" in error.value.paths


def test_longest_deployment_name_fits_azure_limits_and_one_more_is_rejected() -> None:
    cfg = stack_config("azure-staging", mutate=_with(["deployment_name"], "a" * 14))
    assert len(f"{cfg.deployment_name}-kv-{cfg.suffix}") <= 24
    with pytest.raises(ConfigError) as error:
        stack_config("azure-staging", mutate=_with(["deployment_name"], "a" * 15))
    assert "deployment_name" in error.value.paths


@pytest.mark.parametrize("ceiling", [256, 512, 16384])
def test_a_ceiling_azure_cannot_enforce_is_refused_naming_the_key(ceiling: int) -> None:
    """Autogrow has no ceiling on Azure (API version of azure-native 3.29.0): a silently ignored
    max_storage_gb is refused by config validation, before any resource."""
    with pytest.raises(ConfigError) as error:
        stack_config("azure-staging", mutate=_with(["postgres"], {"max_storage_gb": ceiling}))
    assert "postgres.max_storage_gb" in error.value.paths
    assert "storage_gb (128)" in str(error.value)


@pytest.mark.parametrize("ceiling", [None, 128, 32767, 40000])
def test_ceilings_azure_can_honour_are_accepted(ceiling: int | None) -> None:
    from components.config.azure import postgres_autogrow_problems

    assert postgres_autogrow_problems(128, ceiling) == []
