"""Endpoint: internal load balancer by default; opt-in public HTTPS via Front Door + Private Link."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.harness import Harness, depends_transitively
from tests.support.stacks import build_stack

from .conftest import one_named, registration_of


def _public(values: dict[str, Any]) -> None:
    values["ingress"] = {"private_only": False}


@pytest.fixture(scope="module")
def public() -> Harness:
    return build_stack("azure-production", mutate=_public)


def _annotations(h: Harness) -> dict[str, str]:
    return h.one("kubernetes:core/v1:Service").inputs["metadata"]["annotations"]


def test_default_is_an_internal_load_balancer_with_a_pinned_ip(staging: Harness) -> None:
    stack = staging  # no `ingress` section: the Azure default
    annotations = _annotations(stack)
    assert annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] == "true"
    assert annotations["service.beta.kubernetes.io/azure-load-balancer-ipv4"] == "10.185.127.250"
    assert not any(key.startswith("service.beta.kubernetes.io/azure-pls") for key in annotations)
    assert not [r for r in stack.resources if r.typ.startswith("azure-native:cdn:")]
    assert stack.outputs["api_url"] == "http://10.185.127.250:8000"


def test_public_endpoint_is_front_door_over_private_link(public: Harness) -> None:
    annotations = _annotations(public)
    assert annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] == "true"  # origin stays private
    assert annotations["service.beta.kubernetes.io/azure-pls-create"] == "true"
    assert public.one("azure-native:cdn:Profile").inputs["sku"] == {"name": "Premium_AzureFrontDoor"}
    origin = public.one("azure-native:cdn:AFDOrigin").inputs
    assert origin["hostName"] == "10.185.127.250" and origin["httpPort"] == 8000
    link = origin["sharedPrivateLinkResource"]
    pls_name = annotations["service.beta.kubernetes.io/azure-pls-name"]
    assert link["privateLink"]["id"].endswith(f"/privateLinkServices/{pls_name}")
    route = public.one("azure-native:cdn:Route").inputs
    assert route["httpsRedirect"] == "Enabled" and route["patternsToMatch"] == ["/*"]
    assert public.outputs["api_url"].startswith("https://") and public.outputs["api_url"].endswith(".azurefd.net")


def test_private_link_connection_is_approved_in_the_same_deployment(public: Harness) -> None:
    script = one_named(public, "azure-native:resources:AzureCliScript", "approve-private-link")
    assert "private-endpoint-connection approve" in script.inputs["scriptContent"]
    reg = registration_of(public, script)
    origin = registration_of(public, public.one("azure-native:cdn:AFDOrigin"))
    assert depends_transitively(public, reg, [origin.urn])
    # The Private Link Service is created by AKS for the API Service: the origin waits for that Service.
    service = registration_of(public, public.one("kubernetes:core/v1:Service"))
    assert depends_transitively(public, origin, [service.urn])


def test_public_stack_keeps_invariants(public: Harness) -> None:
    public.assert_unique_urns()
    public.assert_explicit_providers()


def test_front_door_waits_as_long_as_it_can_for_slow_queries_and_streams(production: Harness) -> None:
    """120 s cut long Braintrust queries/streams short (GCP allows 600 s); 240 s is Front Door's maximum."""
    from components.facts.azure import FRONT_DOOR_ORIGIN_TIMEOUT_MAX_S, FRONT_DOOR_ORIGIN_TIMEOUT_MIN_S

    timeout = production.one("azure-native:cdn:Profile").inputs["originResponseTimeoutSeconds"]
    assert timeout == FRONT_DOOR_ORIGIN_TIMEOUT_MAX_S == 240
    assert timeout >= FRONT_DOOR_ORIGIN_TIMEOUT_MIN_S
