"""GKE tier: regional in production, private nodes, WI, Dataplane V2, shielded, Brainstore pools that match
the chart values' nodeSelectors and tolerations."""

from __future__ import annotations

import json
from pathlib import Path

import googleapiclient
import pytest

from components.facts import gcp as gcp_facts
from components.gcp.node_pools import GKE_TAINT_EFFECT, local_ssd_count, pool_specs
from components.kubernetes.args import GKE_POOL_LABEL
from tests.support.harness import Harness
from tests.support.stacks import stack_config

CLUSTER = "gcp:container/cluster:Cluster"
POOL = "gcp:container/nodePool:NodePool"


def _pools(stack: Harness) -> dict[str, dict]:
    return {r.inputs["name"]: r.inputs for r in stack.of_type(POOL)}


def test_regional_in_production_zonal_in_staging(staging: Harness, production: Harness) -> None:
    prod = production.one(CLUSTER).inputs
    assert prod["location"] == "us-central1"
    assert prod["nodeLocations"] == ["us-central1-a", "us-central1-b", "us-central1-c"]
    stg = staging.one(CLUSTER).inputs
    assert stg["location"] == "us-central1-a"
    assert "nodeLocations" not in stg


def test_cluster_hardening(stack: Harness) -> None:
    c = stack.one(CLUSTER).inputs
    assert c["privateClusterConfig"]["enablePrivateNodes"] is True
    assert c["workloadIdentityConfig"]["workloadPool"] == f"{c['project']}.svc.id.goog"
    assert c["datapathProvider"] == "ADVANCED_DATAPATH"
    assert c["enableShieldedNodes"] is True
    assert c["removeDefaultNodePool"] is True
    assert c["releaseChannel"]["channel"] == "REGULAR"
    assert c["nodeConfig"]["workloadMetadataConfig"]["mode"] == "GKE_METADATA"


def test_authorized_networks_from_config(staging: Harness, production: Harness) -> None:
    networks = production.one(CLUSTER).inputs["masterAuthorizedNetworksConfig"]
    assert [b["cidrBlock"] for b in networks["cidrBlocks"]] == ["203.0.113.0/24"]
    assert networks["gcpPublicCidrsAccessEnabled"] is False
    # none listed: the IP endpoint admits nobody from outside (the DNS endpoint serves operators)
    assert staging.one(CLUSTER).inputs["masterAuthorizedNetworksConfig"]["cidrBlocks"] == []


def test_nodes_have_no_public_ip_and_use_a_dedicated_minimal_identity(stack: Harness) -> None:
    nodes_sa = next(r for r in stack.of_type("gcp:serviceaccount/account:Account")
                    if r.inputs["accountId"].endswith("-gke-nodes"))
    email = f"{nodes_sa.inputs['accountId']}@{nodes_sa.inputs['project']}.iam.gserviceaccount.com"
    roles = [r.inputs["role"] for r in stack.of_type("gcp:projects/iAMMember:IAMMember")]
    assert roles == ["roles/container.defaultNodeServiceAccount"]
    for name, pool in _pools(stack).items():
        cfg = pool["nodeConfig"]
        assert cfg["serviceAccount"] == email, name
        assert cfg["workloadMetadataConfig"]["mode"] == "GKE_METADATA", name
        assert cfg["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
        assert pool["upgradeSettings"]["maxUnavailable"] == 0


def test_pools_per_size(staging: Harness, production: Harness) -> None:
    assert set(_pools(staging)) == {"system", "services", "brainstore-reader"}
    assert set(_pools(production)) == {"system", "services", "brainstore-reader", "brainstore-writer"}
    prod = _pools(production)
    assert prod["brainstore-reader"]["nodeConfig"]["machineType"] == "c4a-standard-16-lssd"
    assert prod["brainstore-writer"]["nodeConfig"]["machineType"] == "c4a-standard-32-lssd"
    # one Brainstore pod per node: the pool holds exactly the pods, plus one spare for the 100% surge rollout
    assert prod["brainstore-reader"]["autoscaling"]["totalMinNodeCount"] == 2
    assert prod["brainstore-reader"]["autoscaling"]["totalMaxNodeCount"] == 3
    assert prod["brainstore-writer"]["autoscaling"]["totalMaxNodeCount"] == 2


def test_brainstore_pools_use_local_ssd_and_hyperdisk(stack: Harness) -> None:
    for name, pool in _pools(stack).items():
        cfg = pool["nodeConfig"]
        if name.startswith("brainstore-"):
            assert cfg["ephemeralStorageLocalSsdConfig"]["localSsdCount"] >= 1, name
            assert cfg["diskType"] == "hyperdisk-balanced", name  # C4A boots from Hyperdisk only
        else:
            assert "ephemeralStorageLocalSsdConfig" not in cfg
            assert cfg["diskType"] == "pd-balanced"


def test_brainstore_taints_and_labels_match_the_chart_values(stack: Harness) -> None:
    pools = _pools(stack)
    values = stack.one("kubernetes:helm.sh/v4:Chart").inputs["values"]
    chart_roles = {"reader": "reader", "writer": "writer", "fastreader": "fastreader"}
    checked = 0
    for role, key in chart_roles.items():
        pool = pools.get(f"brainstore-{role}")
        if pool is None:
            continue
        checked += 1
        cfg = pool["nodeConfig"]
        assert cfg["labels"]["braintrust.dev/role"] == role
        assert cfg["taints"] == [{"key": "braintrust.dev/role", "value": role, "effect": "NO_SCHEDULE"}]
        role_values = values["brainstore"][key]
        assert role_values["nodeSelector"][GKE_POOL_LABEL] == pool["name"]
        tolerations = {(t["key"], t["value"], t["effect"]) for t in role_values["tolerations"]}
        assert ("braintrust.dev/role", role, "NoSchedule") in tolerations
        assert ("kubernetes.io/arch", "arm64", "NoSchedule") in tolerations  # GKE taints C4A (arm64) nodes
    assert checked >= 1
    assert values["api"]["nodeSelector"][GKE_POOL_LABEL] == "services"


def test_chart_waits_for_pools_and_identity_bindings(stack: Harness) -> None:
    chart = stack.registrations_of("kubernetes:helm.sh/v4:Chart")[0]
    pools = {r.urn for r in stack.registrations_of(POOL)}
    wi = {r.urn for r in stack.registrations_of("gcp:serviceaccount/iAMMember:IAMMember")}
    assert pools <= set(chart.dependencies)
    assert wi <= set(chart.dependencies)


@pytest.mark.parametrize(("machine", "disks"), [
    ("c4a-standard-4-lssd", 1), ("c4a-standard-8-lssd", 2), ("c4a-standard-16-lssd", 4),
    ("c4a-standard-32-lssd", 6), ("n2-standard-8", 0), ("unknown-type", 0),
])
def test_local_ssd_counts(machine: str, disks: int) -> None:
    assert local_ssd_count(machine) == disks


def test_pool_specs_follow_overrides() -> None:
    def fast(values: dict) -> None:
        values["brainstore"] = {"fast_reader": {"count": 2, "sku": "c4a-standard-16-lssd"}}

    specs = {s.name: s for s in pool_specs(stack_config("gcp-production", mutate=fast).sizing)}
    assert specs["brainstore-fastreader"].min_nodes == 2
    assert specs["brainstore-fastreader"].taints[0].value == "fastreader"
    assert all(GKE_TAINT_EFFECT[t.effect] == "NO_SCHEDULE" for s in specs.values() for t in s.taints)


def test_initial_nodes_never_exceed_the_autoscaler_maximum(stack: Harness) -> None:
    cluster = stack.one(CLUSTER).inputs
    zones = len(cluster.get("nodeLocations") or [cluster["location"]])
    for name, pool in _pools(stack).items():
        total = pool["initialNodeCount"] * zones
        assert total <= pool["autoscaling"]["totalMaxNodeCount"], name
    assert _pools(stack)["system"]["initialNodeCount"] >= 1  # kube-system has somewhere to run at once


def _container_enum(schema: str, field: str) -> dict[str, str]:
    """Members of a GKE v1 API enum -> their descriptions (Google's discovery document, pinned package)."""
    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "container.v1.json"
    prop = json.loads(path.read_text())["schemas"][schema]["properties"][field]
    return dict(zip(prop["enum"], prop["enumDescriptions"], strict=True))


@pytest.mark.parametrize("field", ["mode", "vulnerabilityMode"])  # provider and API spell them alike
def test_security_posture_uses_supported_api_values(stack: Harness, field: str) -> None:
    """A deprecated ("no longer supported") posture value can fail cluster creation."""
    value = stack.one(CLUSTER).inputs["securityPostureConfig"][field]
    members = _container_enum("SecurityPostureConfig", field)
    assert value in members
    assert not members[value].startswith("Deprecated"), f"{field}={value}: {members[value]}"
    assert not value.endswith("_UNSPECIFIED")


def test_security_posture_keeps_configuration_auditing(stack: Harness) -> None:
    posture = stack.one(CLUSTER).inputs["securityPostureConfig"]
    assert posture == {"mode": gcp_facts.GKE_SECURITY_POSTURE_MODE, "vulnerabilityMode": "VULNERABILITY_DISABLED"}
    assert posture["mode"] == "BASIC"  # workload configuration auditing stays on
