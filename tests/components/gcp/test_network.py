"""Network tier: custom VPC, node subnet with secondary ranges, Private Google Access, NAT, PSA, firewall."""

from __future__ import annotations

from components.facts import gcp as gcp_facts
from components.facts import kubernetes as k8s_facts
from components.kubernetes.values import API_PORT
from tests.support.harness import Harness
from tests.support.stacks import build_stack

PSA = "gcp:servicenetworking/connection:Connection"


def test_custom_vpc_with_ranges_sized_for_production(stack: Harness) -> None:
    vpc = stack.one("gcp:compute/network:Network").inputs
    assert vpc["autoCreateSubnetworks"] is False
    subnet = stack.one("gcp:compute/subnetwork:Subnetwork").inputs
    assert subnet["privateIpGoogleAccess"] is True
    assert subnet["ipCidrRange"] == "10.0.0.0/20"
    ranges = {r["rangeName"]: r["ipCidrRange"] for r in subnet["secondaryIpRanges"]}
    assert ranges == {"pods": "10.4.0.0/14", "services": "10.8.0.0/20"}
    cluster = stack.one("gcp:container/cluster:Cluster").inputs
    policy = cluster["ipAllocationPolicy"]
    assert (policy["clusterSecondaryRangeName"], policy["servicesSecondaryRangeName"]) == ("pods", "services")


def test_nat_logs_and_serves_only_the_node_subnet(stack: Harness) -> None:
    nat = stack.one("gcp:compute/routerNat:RouterNat").inputs
    assert nat["logConfig"] == {"enable": True, "filter": "ERRORS_ONLY"}
    assert nat["sourceSubnetworkIpRangesToNat"] == "LIST_OF_SUBNETWORKS"
    assert len(nat["subnetworks"]) == 1


def test_private_service_access_precedes_cloud_sql_and_redis(stack: Harness) -> None:
    (rng,) = [r.inputs for r in stack.of_type("gcp:compute/globalAddress:GlobalAddress")
              if r.inputs.get("purpose") == "VPC_PEERING"]
    assert (rng["purpose"], rng["addressType"], rng["prefixLength"]) == ("VPC_PEERING", "INTERNAL", 16)
    psa = stack.one(PSA)
    assert psa.inputs["service"] == "servicenetworking.googleapis.com"
    assert psa.inputs["deletionPolicy"] == "ABANDON"
    psa_urn = stack.registrations_of(PSA)[0].urn
    for token in ("gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance"):
        reg = stack.registrations_of(token)[0]
        assert psa_urn in reg.dependencies, f"{token} does not wait for the PSA peering (first-apply race)"


def test_firewall_is_minimal_and_explicit(stack: Harness) -> None:
    rules = {r.inputs["name"].split("-", 2)[-1]: r.inputs for r in stack.of_type("gcp:compute/firewall:Firewall")}
    assert set(rules) == {"allow-health-checks", "deny-ingress"}
    allow = rules["allow-health-checks"]
    assert sorted(allow["sourceRanges"]) == ["130.211.0.0/22", "35.191.0.0/16"]
    (node_tag,) = allow["targetTags"]
    for pool in stack.of_type("gcp:container/nodePool:NodePool"):
        assert node_tag in pool.inputs["nodeConfig"]["tags"], pool.name
    assert allow["direction"] == "INGRESS"
    deny = rules["deny-ingress"]
    assert deny["denies"] == [{"protocol": "all"}] and deny["priority"] == 65534
    assert "logConfig" in deny


def test_bring_your_own_network_creates_none_and_uses_the_given_links() -> None:
    net = "projects/acme-net/global/networks/shared"
    sub = "projects/acme-net/regions/us-central1/subnetworks/braintrust"

    def byo(values: dict) -> None:
        values["gcp"]["network"] = {"create_network": False, "existing_network": net, "existing_subnetwork": sub,
                                    "existing_pods_range_name": "bt-pods", "existing_services_range_name": "bt-svc"}

    h = build_stack("gcp-staging", mutate=byo)
    for token in ("gcp:compute/network:Network", "gcp:compute/subnetwork:Subnetwork", "gcp:compute/router:Router",
                  PSA, "gcp:compute/firewall:Firewall"):
        assert not h.of_type(token), token
    cluster = h.one("gcp:container/cluster:Cluster").inputs
    assert (cluster["network"], cluster["subnetwork"]) == (net, sub)
    assert cluster["ipAllocationPolicy"]["clusterSecondaryRangeName"] == "bt-pods"
    sql = h.one("gcp:sql/databaseInstance:DatabaseInstance").inputs
    assert sql["settings"]["ipConfiguration"]["privateNetwork"] == net
    h.assert_explicit_providers()


def _k8s(stack: Harness, token: str) -> list[dict]:
    return [r.inputs for r in stack.of_type(f"kubernetes:{token}")]


def test_health_check_rule_opens_only_the_ports_the_load_balancers_probe(stack: Harness) -> None:
    """Google's probe ranges reach the nodes on the API's serving port (NEG health checks and GFE traffic to
    the pods, the internal LB's backends) and kube-proxy's health port (the internal LB's node check), not on
    every TCP port (kubelet, metrics, Brainstore)."""
    allow = next(r.inputs for r in stack.of_type("gcp:compute/firewall:Firewall")
                 if r.inputs["name"].endswith("allow-health-checks"))
    (rule,) = allow["allows"]
    assert rule["protocol"] == "tcp"
    ports = {int(p) for p in rule["ports"]}
    assert all(p.isdigit() for p in rule["ports"]), "single ports, no ranges"
    (service,) = [s for s in _k8s(stack, "core/v1:Service") if s["spec"]["type"] == "LoadBalancer"]
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports
    assert k8s_facts.KUBE_PROXY_HEALTHZ_PORT in ports  # externalTrafficPolicy Cluster: node health port
    policies = _k8s(stack, "networking.gke.io/v1:HealthCheckPolicy")
    assert bool(policies) == bool(_k8s(stack, "gateway.networking.k8s.io/v1:Gateway"))  # public endpoint only
    for policy in policies:
        assert policy["spec"]["default"]["config"]["httpHealthCheck"]["port"] in ports
    assert ports == {API_PORT, k8s_facts.KUBE_PROXY_HEALTHZ_PORT}
    assert tuple(allow["sourceRanges"]) == gcp_facts.HEALTH_CHECK_RANGES
