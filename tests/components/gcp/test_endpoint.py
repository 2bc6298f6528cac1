"""Endpoint tier: internal load balancer by default; opt-in public HTTPS with a Google-managed certificate."""

from __future__ import annotations

import pytest

from components.gcp.endpoint import BACKEND_TIMEOUT_SECONDS, GATEWAY_CLASS
from tests.support.fakes_gcp import FAKE_PUBLIC_IP
from tests.support.harness import Harness
from tests.support.stacks import build_stack

DOMAIN = "braintrust.acme.example"
CR = "kubernetes:gateway.networking.k8s.io/v1:"


@pytest.fixture(scope="module")
def private() -> Harness:
    """The GCP default (no `ingress` section): an internal load balancer only."""
    return build_stack("gcp-production", mutate=lambda values: values.pop("ingress", None))


def test_private_by_default(private: Harness) -> None:
    stack = private
    assert stack.outputs["api_url"].startswith("http://10.")
    assert stack.outputs["dns_records"] == []
    assert not [r for r in stack.resources if "gateway.networking.k8s.io" in r.typ]
    assert not stack.of_type("gcp:compute/managedSslCertificate:ManagedSslCertificate")
    assert "gatewayApiConfig" not in stack.one("gcp:container/cluster:Cluster").inputs


@pytest.fixture(scope="module")
def public() -> Harness:
    def go_public(values: dict) -> None:
        values["ingress"] = {"private_only": False, "custom_domain": DOMAIN, "waf_acl": "acme-armor"}

    return build_stack("gcp-production", mutate=go_public)


def test_public_https_with_managed_certificate(public: Harness) -> None:
    cert = public.one("gcp:compute/managedSslCertificate:ManagedSslCertificate").inputs
    assert cert["managed"]["domains"] == [DOMAIN]
    gateway = public.one(f"{CR}Gateway").inputs
    assert gateway["spec"]["gatewayClassName"] == GATEWAY_CLASS
    (listener,) = gateway["spec"]["listeners"]
    assert (listener["protocol"], listener["port"]) == ("HTTPS", 443)
    assert listener["tls"]["options"]["networking.gke.io/pre-shared-certs"] == cert["name"]
    route = public.one(f"{CR}HTTPRoute").inputs
    assert route["spec"]["rules"][0]["backendRefs"] == [{"name": "braintrust-api", "port": 8000}]
    assert public.one("gcp:container/cluster:Cluster").inputs["gatewayApiConfig"]["channel"] == "CHANNEL_STANDARD"
    assert public.outputs["api_url"] == f"https://{DOMAIN}"
    assert public.outputs["dns_records"] == [{"name": DOMAIN, "type": "A", "value": FAKE_PUBLIC_IP}]
    public.assert_explicit_providers()
    public.assert_unique_urns()


def test_cloud_armor_and_timeouts_on_the_backend(public: Harness) -> None:
    policy = public.one("kubernetes:networking.gke.io/v1:GCPBackendPolicy").inputs["spec"]
    assert policy["default"]["securityPolicy"] == "acme-armor"
    assert policy["default"]["timeoutSec"] == BACKEND_TIMEOUT_SECONDS
    health = public.one("kubernetes:networking.gke.io/v1:HealthCheckPolicy").inputs["spec"]
    assert health["default"]["config"]["httpHealthCheck"]["port"] == 8000


def test_own_certificate_replaces_the_managed_one() -> None:
    def own(values: dict) -> None:
        values["ingress"] = {"private_only": False, "custom_domain": DOMAIN, "certificate": "acme-cert"}

    h = build_stack("gcp-staging", mutate=own)
    assert not h.of_type("gcp:compute/managedSslCertificate:ManagedSslCertificate")
    listener = h.one(f"{CR}Gateway").inputs["spec"]["listeners"][0]
    assert listener["tls"]["options"]["networking.gke.io/pre-shared-certs"] == "acme-cert"
