"""Whole-stack properties of both GCP stacks: providers, URNs, ordering, protection, labels, secrets."""

from __future__ import annotations

import pytest

from components.config import ConfigError
from tests.support.harness import Harness, depends_transitively, unwrap
from tests.support.stacks import STAND_INS, build_stack, stack_config

# Resource types that take labels in the GCP API (checked explicitly, not left to provider defaults).
LABELLED = {
    "gcp:kms/cryptoKey:CryptoKey": "labels",
    "gcp:sql/databaseInstance:DatabaseInstance": "settings.userLabels",
    "gcp:redis/instance:Instance": "labels",
    "gcp:storage/bucket:Bucket": "labels",
    "gcp:container/cluster:Cluster": "resourceLabels",
    "gcp:container/nodePool:NodePool": "nodeConfig.resourceLabels",
    "gcp:secretmanager/secret:Secret": "labels",
    "gcp:compute/address:Address": "labels",
}
STATEFUL = (
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:redis/instance:Instance",
    "gcp:storage/bucket:Bucket",
    "gcp:kms/keyRing:KeyRing",
    "gcp:kms/cryptoKey:CryptoKey",
    "gcp:container/cluster:Cluster",
)


def _get(inputs: dict, dotted: str) -> object:
    node: object = inputs
    for part in dotted.split("."):
        assert isinstance(node, dict), f"{dotted}: {part} missing"
        node = node.get(part)
    return node


def test_every_resource_has_an_explicit_provider_and_a_unique_urn(stack: Harness) -> None:
    stack.assert_explicit_providers()
    stack.assert_unique_urns()


def test_one_component_per_tier_with_braintrust_tokens(stack: Harness) -> None:
    tiers = {r.typ for r in stack.resources if not r.custom}
    assert {
        "braintrust:gcp:DataPlane", "braintrust:gcp:ProjectServices", "braintrust:gcp:Network",
        "braintrust:gcp:Keys", "braintrust:gcp:Database", "braintrust:gcp:Cache", "braintrust:gcp:Storage",
        "braintrust:gcp:Cluster", "braintrust:gcp:Identities", "braintrust:gcp:Workloads",
        "braintrust:gcp:Endpoint", "braintrust:kubernetes:Workloads",
    } <= tiers


def test_api_enablement_precedes_every_gcp_resource(stack: Harness) -> None:
    services = [r.urn for r in stack.registrations_of("gcp:projects/service:Service")]
    assert len(services) >= 10
    late = [
        r.name for r in stack.monitor.registrations
        if r.custom and r.type.startswith("gcp:") and r.type != "gcp:projects/service:Service"
        and not depends_transitively(stack, r, services)
    ]
    assert not late, f"created without waiting for API enablement: {late}"


def test_stateful_resources_are_protected_in_production_only(staging: Harness, production: Harness) -> None:
    for token in STATEFUL:
        for reg in production.registrations_of(token):
            assert reg.protect, f"{reg.name} is not protected in production"
        for reg in staging.registrations_of(token):
            assert not reg.protect, f"{reg.name} is protected in staging (teardown would fail)"
    for token in ("gcp:storage/bucket:Bucket", "gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey"):
        for h in (staging, production):
            assert all(r.retain_on_delete for r in h.registrations_of(token)), token


def test_cloud_deletion_protection_follows_protect(staging: Harness, production: Harness) -> None:
    for h, expected in ((staging, False), (production, True)):
        sql = h.one("gcp:sql/databaseInstance:DatabaseInstance").inputs
        assert sql["deletionProtection"] is expected
        assert sql["settings"]["deletionProtectionEnabled"] is expected
        assert h.one("gcp:container/cluster:Cluster").inputs["deletionProtection"] is expected
        assert h.one("gcp:redis/instance:Instance").inputs["deletionProtection"] is expected


@pytest.mark.parametrize("name", ["gcp-staging", "gcp-production"])
def test_labels_are_applied_explicitly(name: str, request: pytest.FixtureRequest) -> None:
    stack: Harness = request.getfixturevalue(name.removeprefix("gcp-"))
    tags = stack_config(name).all_tags
    for token, path in LABELLED.items():
        for r in stack.of_type(token):
            assert _get(r.inputs, path) == tags, f"{token} {r.name} lacks the stack labels"


def test_no_secret_reaches_an_input_in_plaintext(stack: Harness) -> None:
    generated = [r.name for r in stack.of_type("random:index/randomPassword:RandomPassword")]
    assert generated
    values = [STAND_INS["brainstore_license_key"], "GENERATED-REDIS-AUTH-7f3a9c",
              *[f"GENERATED-SECRET-{name}" for name in generated]]
    for value in values:
        assert stack.plaintext_occurrences(value) == [], value


def test_outputs_name_the_endpoint_and_keep_secrets_out(stack: Harness) -> None:
    outputs = stack.outputs
    # staging keeps the private default; the production example publishes HTTPS for the browser UI
    staging = any(r.name.startswith("acme-stg") for r in stack.resources)
    expected = "http://10.0.0.50:8000" if staging else "https://braintrust.acme.example.com"
    assert outputs["api_url"] == expected
    assert outputs["postgres_password_secret"].endswith("-postgres-password")
    flat = str(outputs)
    assert "GENERATED-" not in flat and STAND_INS["brainstore_license_key"] not in flat


def test_names_fit_gcp_limits(stack: Harness) -> None:
    for r in stack.of_type("gcp:serviceaccount/account:Account"):
        assert 6 <= len(r.inputs["accountId"]) <= 30
    limits = {
        "gcp:container/cluster:Cluster": 40, "gcp:redis/instance:Instance": 40,
        "gcp:storage/bucket:Bucket": 63, "gcp:sql/databaseInstance:DatabaseInstance": 98,
        "gcp:kms/keyRing:KeyRing": 63, "gcp:compute/network:Network": 63, "gcp:compute/firewall:Firewall": 63,
        "gcp:container/nodePool:NodePool": 40, "gcp:compute/address:Address": 63,
    }
    for token, limit in limits.items():
        for r in stack.of_type(token):
            assert len(r.inputs["name"]) <= limit, f"{token} {r.inputs['name']}"


def test_public_ingress_without_domain_fails_before_any_resource() -> None:
    def public(values: dict) -> None:
        values["ingress"] = {"private_only": False}

    with pytest.raises(ConfigError) as caught:
        build_stack("gcp-staging", mutate=public)
    assert "ingress.custom_domain" in caught.value.paths


def test_secrets_secret_holds_tls_urls(stack: Harness) -> None:
    (secret,) = [r for r in stack.of_type("kubernetes:core/v1:Secret")
                 if r.inputs["metadata"]["name"] == "braintrust-secrets"]
    data = unwrap(secret.inputs["stringData"])
    # Redis: plaintext only inside the pod, to the TLS sidecar that verifies Memorystore (test_workloads.py).
    assert data["REDIS_URL"].startswith("redis://") and data["REDIS_URL"].endswith("@127.0.0.1:6379")
    assert data["PG_URL"].endswith("sslmode=require")


def test_data_sources_use_the_explicit_provider_too(stack: Harness) -> None:
    # Stack files disable default providers: an invoke without one would fail at `pulumi up`.
    assert stack.mocks.calls
    for call in stack.mocks.calls:
        assert call.provider and "pulumi:providers:gcp::acme-" in call.provider, call.token


def test_preview_with_unknown_outputs_builds_the_same_shape() -> None:
    h = build_stack("gcp-production", preview=True)
    h.assert_unique_urns()
    h.assert_explicit_providers()
    assert len(h.of_type("gcp:container/nodePool:NodePool")) == 4
    assert h.of_type("kubernetes:helm.sh/v4:Chart")
