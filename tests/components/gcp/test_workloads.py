"""Workloads tier: a credential-free kubeconfig for the new cluster and the shared chart component on it."""

from __future__ import annotations

import json

from components.gcp.workloads import AUTH_PLUGIN
from tests.support.fakes_gcp import FAKE_CLUSTER_DNS_ENDPOINT, FAKE_CLUSTER_ENDPOINT, FAKE_CLUSTER_PRIVATE_ENDPOINT
from tests.support.harness import Harness
from tests.support.stacks import build_stack


def _kubeconfig(stack: Harness) -> dict:
    return json.loads(stack.one("pulumi:providers:kubernetes").inputs["kubeconfig"])


def test_kubeconfig_authenticates_through_the_gke_plugin_only(stack: Harness) -> None:
    config = _kubeconfig(stack)
    (user,) = config["users"]
    assert user["user"] == {"exec": user["user"]["exec"]}  # no token, password or client key
    assert user["user"]["exec"]["command"] == AUTH_PLUGIN


def test_kubeconfig_targets_the_endpoint_the_config_allows(staging: Harness, production: Harness) -> None:
    # production lists authorized networks: their IP endpoint, verified against the cluster CA
    (prod,) = _kubeconfig(production)["clusters"]
    assert prod["cluster"]["server"] == f"https://{FAKE_CLUSTER_ENDPOINT}"
    assert prod["cluster"]["certificate-authority-data"]
    # staging lists none: the IAM-gated DNS endpoint (publicly trusted certificate), IP endpoint closed
    (stg,) = _kubeconfig(staging)["clusters"]
    assert stg["cluster"] == {"server": f"https://{FAKE_CLUSTER_DNS_ENDPOINT}"}
    cluster = staging.one("gcp:container/cluster:Cluster").inputs
    assert cluster["controlPlaneEndpointsConfig"]["dnsEndpointConfig"]["allowExternalTraffic"] is True
    assert cluster["masterAuthorizedNetworksConfig"] == {"cidrBlocks": [], "gcpPublicCidrsAccessEnabled": False}
    assert "controlPlaneEndpointsConfig" not in production.one("gcp:container/cluster:Cluster").inputs


def test_provider_identity_is_stable(stack: Harness) -> None:
    provider = stack.one("pulumi:providers:kubernetes").inputs
    assert provider["clusterIdentifier"].endswith("-gke")


def test_every_kubernetes_resource_uses_the_cluster_provider(stack: Harness) -> None:
    provider = stack.registrations_of("pulumi:providers:kubernetes")[0]
    for r in stack.resources:
        if r.typ.startswith("kubernetes:") and r.custom:
            assert (r.provider or "").startswith(provider.urn), r.name


def test_internal_load_balancer_uses_the_reserved_address(stack: Harness) -> None:
    address = stack.one("gcp:compute/address:Address").inputs
    assert (address["addressType"], address["purpose"]) == ("INTERNAL", "SHARED_LOADBALANCER_VIP")
    service = next(r for r in stack.of_type("kubernetes:core/v1:Service") if r.inputs["spec"]["type"] == "LoadBalancer")
    annotations = service.inputs["metadata"]["annotations"]
    assert annotations["networking.gke.io/load-balancer-type"] == "Internal"
    assert annotations["networking.gke.io/load-balancer-ip-addresses"] == address["name"]


def test_private_control_plane_uses_the_private_endpoint() -> None:
    def private(values: dict) -> None:
        values["gcp"]["cluster"] = {"private_endpoint": True}

    h = build_stack("gcp-staging", mutate=private)
    assert h.one("gcp:container/cluster:Cluster").inputs["privateClusterConfig"]["enablePrivateEndpoint"] is True
    assert _kubeconfig(h)["clusters"][0]["cluster"]["server"] == f"https://{FAKE_CLUSTER_PRIVATE_ENDPOINT}"


def test_get_credentials_output_matches_the_endpoint(staging: Harness, production: Harness) -> None:
    assert staging.outputs["get_credentials"].endswith("--dns-endpoint")
    assert "--dns-endpoint" not in production.outputs["get_credentials"]
