"""The Workloads component under mocks: what the engine would receive, per cloud."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.facts import braintrust as published
from components.kubernetes.args import CHART, WorkloadsArgs
from components.kubernetes.values import chart_values
from components.kubernetes.workloads import Workloads
from components.sizing.model import BrainstoreRoleSize
from tests.components.kubernetes import builders as b
from tests.support.fakes_k8s import FAKE_INTERNAL_LB_IP
from tests.support.harness import Harness, new_harness, run
from tests.support.stacks import stack_config

CHART_TYPE = "kubernetes:helm.sh/v4:Chart"
SECRET_TYPE = "kubernetes:core/v1:Secret"
PDB_TYPE = "kubernetes:policy/v1:PodDisruptionBudget"
SERVICE_TYPE = "kubernetes:core/v1:Service"
NAMESPACE_TYPE = "kubernetes:core/v1:Namespace"
NETPOL_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
NAME = "acme-k8s"


def build(stack: str, *, secret: bool = True, fields: dict[str, Any] | None = None,
          extra_dependency: bool = False) -> Harness:
    harness = new_harness()

    def program() -> dict[str, Any]:
        provider = k8s.Provider("k8s", kubeconfig="{}")
        deps: list[pulumi.Resource] = []
        if extra_dependency:  # stands for a node pool / IAM binding the cloud component passes in
            deps.append(k8s.core.v1.ConfigMap("node-pool-standin", opts=pulumi.ResourceOptions(provider=provider)))
        args = (WorkloadsArgs(**fields) if fields is not None
                else b.args_for(stack_config(stack), secret=secret, chart_depends_on=deps))
        w = Workloads(NAME, args, opts=pulumi.ResourceOptions(providers={"kubernetes": provider}))
        return {"namespace": w.namespace, "api_address": w.api_address, "api_url": w.api_url,
                "api_cluster_url": w.api_cluster_url, "api_service_name": w.api_service_name,
                "brainstore": w.brainstore_service_names}

    return run(harness, program)


def urn_of(h: Harness, name: str) -> str:
    return h.registration(name).urn


@pytest.mark.parametrize("stack", ["gcp-staging", "gcp-production", "azure-staging", "azure-production"])
def test_chart_is_pinned_and_gets_the_computed_values(stack: str):
    h = build(stack)
    chart = h.one(CHART_TYPE)
    cfg = stack_config(stack)
    assert chart.inputs["chart"] == CHART == "oci://public.ecr.aws/braintrust/helm/braintrust"
    assert chart.inputs["version"] == cfg.release.helm_chart_version == published.CHART.chart_version
    assert chart.inputs["namespace"] == b.NAMESPACE
    assert b.unwrap(chart.inputs["values"]) == chart_values(b.args_for(cfg))
    assert not chart.custom  # a remote component: rendered by the provider at deploy time
    h.assert_unique_urns()
    h.assert_explicit_providers()


def test_secret_exists_before_the_chart_and_holds_tls_urls():
    h = build("gcp-production", extra_dependency=True)
    secret = h.one(SECRET_TYPE)
    assert secret.inputs["metadata"]["name"] == "braintrust-secrets"
    assert secret.inputs["metadata"]["namespace"] == b.NAMESPACE
    data = b.unwrap(secret.inputs["stringData"])
    assert set(data) == {"PG_URL", "REDIS_URL", "BRAINSTORE_LICENSE_KEY", "FUNCTION_SECRET_KEY"}
    assert data["PG_URL"] == "postgres://braintrust:pg-P%40ss%2Fw%3Ard%239@10.10.0.3:5432/braintrust?sslmode=require"
    assert data["REDIS_URL"] == "rediss://:redis-auth-5e1f0c@10.10.0.4:6378"
    assert data["BRAINSTORE_LICENSE_KEY"] == b.LICENSE
    chart = h.registration(f"{NAME}-chart")
    assert urn_of(h, f"{NAME}-secrets") in chart.dependencies
    assert urn_of(h, "node-pool-standin") in chart.dependencies
    assert urn_of(h, f"{NAME}-namespace") in chart.dependencies


def test_hmac_mode_adds_the_gcs_keys_to_the_secret():
    from components.kubernetes.args import GoogleIdentities

    base = b.args_for(stack_config("gcp-production"))
    fields = {**base.__dict__,
              "identities": GoogleIdentities(brainstore_service_account=b.BRAINSTORE_GSA, gcs_auth="hmac"),
              "secrets": b.kubernetes_secret_values(hmac=True, secret=True)}
    h = build("gcp-production", fields=fields)
    data = b.unwrap(h.one(SECRET_TYPE).inputs["stringData"])
    assert data["GCS_ACCESS_KEY_ID"] == "GOOG1EACCESSID"
    assert data["GCS_SECRET_ACCESS_KEY"] == b.HMAC_SECRET
    assert h.plaintext_occurrences(b.HMAC_SECRET) == []


@pytest.mark.parametrize("stack", ["gcp-production", "azure-production"])
def test_no_secret_value_appears_unmasked_in_any_input(stack: str):
    h = build(stack)
    for value in b.SECRET_VALUES:
        assert h.plaintext_occurrences(value) == [], value
    escaped = "pg-P%40ss%2Fw%3Ard%239"
    assert h.plaintext_occurrences(escaped) == []


def test_secret_values_given_as_plain_strings_are_still_wrapped():
    h = build("gcp-production", secret=False)
    for value in b.SECRET_VALUES:
        assert h.plaintext_occurrences(value) == [], value


def test_azure_key_vault_mode_creates_no_secret_and_azure_kubernetes_secret_mode_adds_the_storage_endpoint():
    h = build("azure-production")
    assert h.of_type(SECRET_TYPE) == []
    base = b.args_for(stack_config("azure-production"))
    h = build("azure-production", fields={**base.__dict__, "secrets": b.kubernetes_secret_values(secret=True)})
    data = b.unwrap(h.one(SECRET_TYPE).inputs["stringData"])
    assert data["AZURE_STORAGE_CONNECTION_STRING"] == f"BlobEndpoint=https://{b.STORAGE_ACCOUNT}.blob.core.windows.net/;"


@pytest.mark.parametrize("stack", ["gcp-production", "azure-staging"])
def test_disruption_budgets_select_the_charts_pod_labels(stack: str):
    h = build(stack)
    pdbs = {p.inputs["metadata"]["name"]: b.unwrap(p.inputs["spec"]) for p in h.of_type(PDB_TYPE)}
    # The chart labels every pod `app: <component name>` and selects on it (templates/*-deployment.yaml).
    assert pdbs == {
        "braintrust-api": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "braintrust-api"}},
                           "unhealthyPodEvictionPolicy": "AlwaysAllow"},
        "brainstore-reader": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "brainstore-reader"}},
                              "unhealthyPodEvictionPolicy": "AlwaysAllow"},
    }
    values = b.unwrap(h.one(CHART_TYPE).inputs["values"])
    assert "name" not in values["api"] and "name" not in values["brainstore"]["reader"]  # chart defaults kept


def test_fast_readers_get_a_disruption_budget_when_enabled():
    base = b.args_for(stack_config("gcp-production"))
    fields = b.with_sizing(base, fast_reader=BrainstoreRoleSize(sku="c4a-standard-16-lssd", count=2))
    h = build("gcp-production", fields=fields)
    names = sorted(p.inputs["metadata"]["name"] for p in h.of_type(PDB_TYPE))
    assert names == ["brainstore-fastreader", "brainstore-reader", "braintrust-api"]


@pytest.mark.parametrize(("stack", "annotation"), [
    ("gcp-production", {"networking.gke.io/load-balancer-type": "Internal"}),
    ("azure-production", {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}),
])
def test_api_is_exposed_on_an_internal_load_balancer(stack: str, annotation: dict[str, str]):
    h = build(stack)
    service = h.one(SERVICE_TYPE)
    assert service.inputs["metadata"]["annotations"] == annotation
    spec = b.unwrap(service.inputs["spec"])
    assert spec["type"] == "LoadBalancer"
    assert spec["selector"] == {"app": "braintrust-api"}
    assert spec["ports"] == [{"name": "http", "protocol": "TCP", "port": 8000, "targetPort": 8000}]
    assert urn_of(h, f"{NAME}-chart") in h.registration(f"{NAME}-api-internal").dependencies
    assert h.outputs["api_address"] == FAKE_INTERNAL_LB_IP
    assert h.outputs["api_url"] == f"http://{FAKE_INTERNAL_LB_IP}:8000"


def test_load_balancer_source_ranges_and_extra_annotations():
    from components.kubernetes.args import InternalLoadBalancer

    base = b.args_for(stack_config("azure-production"))
    lb = InternalLoadBalancer(allowed_cidrs=["10.185.0.0/16"], extra_annotations={
        "service.beta.kubernetes.io/azure-pls-create": "true",
        "service.beta.kubernetes.io/azure-load-balancer-internal": "false"})  # cannot turn internal off
    h = build("azure-production", fields={**base.__dict__, "load_balancer": lb})
    service = h.one(SERVICE_TYPE)
    assert service.inputs["spec"]["loadBalancerSourceRanges"] == ["10.185.0.0/16"]
    assert service.inputs["metadata"]["annotations"] == {
        "service.beta.kubernetes.io/azure-pls-create": "true",
        "service.beta.kubernetes.io/azure-load-balancer-internal": "true"}


def test_namespace_enforces_pod_security_and_carries_the_tags():
    h = build("gcp-production")
    ns = h.one(NAMESPACE_TYPE)
    labels = ns.inputs["metadata"]["labels"]
    assert ns.inputs["metadata"]["name"] == b.NAMESPACE
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
    assert labels["pod-security.kubernetes.io/audit"] == "restricted"
    assert labels["braintrust-deployment"] == "acme-prod"
    assert h.outputs["namespace"] == b.NAMESPACE
    assert h.outputs["api_cluster_url"] == f"http://braintrust-api.{b.NAMESPACE}:8000"
    assert h.outputs["brainstore"] == {"reader": "brainstore-reader", "fastreader": "brainstore-fastreader",
                                       "writer": "brainstore-writer"}


def test_children_are_parented_to_the_component():
    h = build("azure-production")
    component = h.registration(NAME, "braintrust:kubernetes:Workloads")
    for reg in h.monitor.registrations:
        if reg.name.startswith(f"{NAME}-"):
            assert reg.parent == component.urn, reg.name


def test_invalid_sizing_fails_the_program_with_the_reason():
    base = b.args_for(stack_config("gcp-production"))
    fields = b.with_sizing(base, writer=BrainstoreRoleSize(sku="c4a-standard-32-lssd", count=0))
    with pytest.raises(ValueError, match=r"writer\.count is 0 in production"):
        build("gcp-production", fields=fields)


def test_network_policies_deny_by_default_and_open_only_what_the_services_use():
    h = build("gcp-production")
    policies = {p.inputs["metadata"]["name"]: b.unwrap(p.inputs["spec"]) for p in h.of_type(NETPOL_TYPE)}
    assert policies["default-deny-ingress"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    api = policies["braintrust-api"]
    assert api["podSelector"] == {"matchExpressions": [{"key": "app", "operator": "In", "values": ["braintrust-api"]}]}
    assert api["ingress"] == [{"ports": [{"port": 8000, "protocol": "TCP"}]}]
    bs = policies["brainstore"]
    brainstore = ["brainstore-fastreader", "brainstore-reader", "brainstore-writer"]
    assert bs["podSelector"]["matchExpressions"][0]["values"] == brainstore
    assert bs["ingress"] == [{
        "from": [{"podSelector": {"matchExpressions": [
            {"key": "app", "operator": "In", "values": ["braintrust-api", *brainstore]}]}}],
        "ports": [{"port": 4000, "protocol": "TCP"}],
    }]
    assert "egress" not in bs and all(p["policyTypes"] == ["Ingress"] for p in policies.values())
