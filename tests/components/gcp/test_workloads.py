"""Workloads tier: a credential-free kubeconfig for the new cluster and the shared chart component on it."""

from __future__ import annotations

import json

from components.gcp.workloads import AUTH_PLUGIN
from components.kubernetes import redis_tls
from components.kubernetes.args import REDIS_TLS_PROXY_IMAGE
from tests.support.fakes_gcp import (
    FAKE_CLUSTER_DNS_ENDPOINT,
    FAKE_CLUSTER_ENDPOINT,
    FAKE_CLUSTER_PRIVATE_ENDPOINT,
    FAKE_REDIS_AUTH,
    FAKE_REDIS_CA,
)
from tests.support.harness import Harness, unwrap
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


# ----- Memorystore TLS: verified through a sidecar in every API and Brainstore pod -----

SIDECAR_ROLES = ("reader", "writer", "fastreader")


def _chart_values(h: Harness) -> dict:
    return unwrap(h.one("kubernetes:helm.sh/v4:Chart").inputs["values"])


def _pod_specs(values: dict) -> dict[str, dict]:
    return {"api": values["api"], **{role: values["brainstore"][role] for role in SIDECAR_ROLES}}


def test_redis_ca_secret_holds_the_instance_ca_and_precedes_the_chart(stack: Harness) -> None:
    ca = next(r for r in stack.of_type("kubernetes:core/v1:Secret")
              if r.inputs["metadata"]["name"] == redis_tls.CA_SECRET_NAME)
    assert unwrap(ca.inputs["stringData"]) == {redis_tls.CA_SECRET_KEY: FAKE_REDIS_CA}
    chart = next(r for r in stack.registrations_of("kubernetes:helm.sh/v4:Chart"))
    assert stack.registration(ca.name).urn in chart.dependencies


def test_every_pod_reaches_memorystore_through_the_verifying_sidecar(stack: Harness) -> None:
    redis = stack.one("gcp:redis/instance:Instance").inputs
    assert redis["transitEncryptionMode"] == "SERVER_AUTHENTICATION"
    for name, pod in _pod_specs(_chart_values(stack)).items():
        (sidecar,) = pod["extraContainers"]
        assert sidecar["image"] == REDIS_TLS_PROXY_IMAGE, name  # the stack files pin no digest (yet)
        bootstrap = json.loads(sidecar["args"][sidecar["args"].index("--config-yaml") + 1])
        listeners = {listener["name"]: listener for listener in bootstrap["static_resources"]["listeners"]}
        assert set(listeners) == {"redis", "health"}
        assert listeners["redis"]["address"]["socket_address"] == {"address": "127.0.0.1", "port_value": 6379}
        assert sidecar["restartPolicy"] == "Always" and "startupProbe" in sidecar  # moved to initContainers
        (cluster,) = bootstrap["static_resources"]["clusters"]
        (endpoint,) = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"]
        assert endpoint["endpoint"]["address"]["socket_address"] == {"address": "10.100.1.4", "port_value": 6378}
        tls = cluster["transport_socket"]["typed_config"]["common_tls_context"]
        assert tls["validation_context"]["trusted_ca"]["filename"] == f"{redis_tls.MOUNT_PATH}/ca.pem"
        (volume,) = pod["extraVolumes"]
        assert volume["secret"]["secretName"] == redis_tls.CA_SECRET_NAME
        assert sidecar["volumeMounts"][0]["name"] == volume["name"]
        security = sidecar["securityContext"]
        assert security["runAsNonRoot"] and security["readOnlyRootFilesystem"]
        assert security["capabilities"] == {"drop": ["ALL"]} and security["allowPrivilegeEscalation"] is False
        assert sidecar["resources"]["requests"] == sidecar["resources"]["limits"]  # Guaranteed QoS kept
        assert pod["annotations"]["pod"][redis_tls.CA_HASH_ANNOTATION]  # pods roll when the CA rotates


def test_no_redis_credential_reaches_the_sidecar_or_the_chart_values(stack: Harness) -> None:
    assert FAKE_REDIS_AUTH not in json.dumps(_chart_values(stack))
    assert stack.plaintext_occurrences(FAKE_REDIS_AUTH) == []


def test_danger_flag_drops_the_sidecar_and_connects_directly() -> None:
    def plain(values: dict) -> None:
        values["gcp"]["danger_disable_redis_tls"] = True

    h = build_stack("gcp-staging", mutate=plain)
    values = _chart_values(h)
    for name, pod in _pod_specs(values).items():
        assert "extraContainers" not in pod and "extraVolumes" not in pod, name
    assert [r.inputs["metadata"]["name"] for r in h.of_type("kubernetes:core/v1:Secret")] == ["braintrust-secrets"]
    (secret,) = h.of_type("kubernetes:core/v1:Secret")
    assert unwrap(secret.inputs["stringData"])["REDIS_URL"].endswith("@10.100.1.4:6379")


def test_the_sidecar_image_digest_from_the_stack_pins_every_pod() -> None:
    digest = "sha256:" + "0123456789abcdef" * 4

    def pin(values: dict) -> None:
        values["kubernetes"] = {"redis_tls_proxy": {"image": "mirror.example.com/envoyproxy/envoy:distroless-v1.39.1",
                                                    "image_digest": digest}}

    h = build_stack("gcp-staging", mutate=pin)
    for name, pod in _pod_specs(_chart_values(h)).items():
        (sidecar,) = pod["extraContainers"]
        assert sidecar["image"] == f"mirror.example.com/envoyproxy/envoy:distroless-v1.39.1@{digest}", name
