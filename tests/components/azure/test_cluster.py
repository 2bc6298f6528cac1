"""AKS: identity features, networking, upgrades, and Brainstore pools tainted and matched by the chart."""

from __future__ import annotations

import yaml

from components.azure.cluster import BRAINSTORE_TAINT_KEY, kubelogin_kubeconfig
from components.config.common import Cloud
from components.sizing.skus import Kind, lookup
from tests.support.fakes_azure import DEPLOYER_OBJECT_ID, principal_id_of
from tests.support.harness import Harness, depends_transitively, unwrap

from .conftest import chart_values, private_vault, registration_of

NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"


def _cluster(h: Harness) -> dict:
    return h.one("azure-native:containerservice:ManagedCluster").inputs


def _pools(h: Harness) -> dict[str, dict]:
    return {p.inputs["agentPoolName"]: p.inputs for p in h.of_type("azure-native:containerservice:AgentPool")}


def test_workload_identity_oidc_and_key_vault_csi(stack: Harness) -> None:
    cluster = _cluster(stack)
    assert cluster["oidcIssuerProfile"] == {"enabled": True}
    assert cluster["securityProfile"]["workloadIdentity"] == {"enabled": True}
    csi = cluster["addonProfiles"]["azureKeyvaultSecretsProvider"]
    assert csi["enabled"] is True and csi["config"]["enableSecretRotation"] == "true"
    assert cluster["identity"]["type"] == "UserAssigned"


def test_cni_overlay_with_network_policy_and_nat_egress(stack: Harness) -> None:
    net = _cluster(stack)["networkProfile"]
    assert (net["networkPlugin"], net["networkPluginMode"]) == ("azure", "overlay")
    assert net["networkPolicy"] == "cilium"
    assert net["outboundType"] == "userAssignedNATGateway"


def test_auto_upgrades_and_uptime_sla_in_production(staging: Harness, production: Harness) -> None:
    for h in (staging, production):
        upgrades = _cluster(h)["autoUpgradeProfile"]
        assert upgrades == {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"}
    assert _cluster(production)["sku"]["tier"] == "Standard"
    assert _cluster(staging)["sku"]["tier"] == "Free"


def test_public_api_server_is_limited_to_the_deployer_and_the_nodes(stack: Harness) -> None:
    access = _cluster(stack)["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is False
    assert access["authorizedIPRanges"] == ["203.0.113.10/32", "198.51.100.7/32"]  # deployer, NAT egress


def test_system_pool_runs_only_critical_addons_across_zones(stack: Harness) -> None:
    system = _cluster(stack)["agentPoolProfiles"][0]
    assert system["mode"] == "System"
    assert system["nodeTaints"] == ["CriticalAddonsOnly=true:NoSchedule"]
    assert system["availabilityZones"] == ["1", "2", "3"]


def test_brainstore_pools_are_tainted_zoned_and_on_local_nvme(production: Harness) -> None:
    pools = _pools(production)
    assert set(pools) == {"services", "bsreader", "bswriter"}
    assert pools["services"].get("nodeTaints") is None
    for name, role, count in (("bsreader", "reader", 2), ("bswriter", "writer", 1)):
        pool = pools[name]
        assert pool["nodeTaints"] == [f"{BRAINSTORE_TAINT_KEY}={role}:NoSchedule"]
        assert pool["availabilityZones"] == ["1", "2", "3"]
        # One node per pod, one spare for the chart's maxSurge 100% rollout; surge one node at a time.
        assert (pool["count"], pool["minCount"], pool["maxCount"]) == (count, count, count + 1)
        assert pool["upgradeSettings"]["maxSurge"] == "1" and pool["upgradeSettings"]["maxUnavailable"] == "0"
        assert pool["kubeletDiskType"] == "OS"  # local NVMe left to Azure Container Storage
        sku = lookup(Cloud.AZURE, Kind.COMPUTE, pool["vmSize"])
        assert sku is not None and sku.local_nvme_gb >= 1024


def test_chart_places_each_brainstore_role_on_its_tainted_pool(production: Harness) -> None:
    values = chart_values(production)["brainstore"]
    pools = _pools(production)
    for chart_role, pool_name in (("reader", "bsreader"), ("writer", "bswriter")):
        role = values[chart_role]
        assert role["nodeSelector"]["kubernetes.azure.com/agentpool"] == pool_name
        key, value, effect = pools[pool_name]["nodeTaints"][0].replace("=", ":").split(":")
        assert {"key": key, "operator": "Equal", "value": value, "effect": effect} in role["tolerations"]


def test_staging_combined_node_hosts_every_role(staging: Harness) -> None:
    pools = _pools(staging)
    assert set(pools) == {"services", "bsreader"}
    values = chart_values(staging)["brainstore"]
    for chart_role in ("reader", "writer"):
        assert values[chart_role]["nodeSelector"]["kubernetes.azure.com/agentpool"] == "bsreader"


def test_container_storage_extension_for_the_charts_local_storage_class(stack: Harness) -> None:
    extension = stack.one("azure-native:kubernetesconfiguration:Extension").inputs
    assert extension["extensionType"] == "microsoft.azurecontainerstoragev2"
    assert chart_values(stack)["azure"]["enableAzureContainerStorageDriver"] is True
    chart = registration_of(stack, stack.one("kubernetes:helm.sh/v4:Chart"))
    ext = registration_of(stack, stack.one("azure-native:kubernetesconfiguration:Extension"))
    assert depends_transitively(stack, chart, [ext.urn])


def test_cluster_identity_is_network_contributor_on_its_subnets_only(stack: Harness) -> None:
    grants = [r for r in stack.of_type("azure-native:authorization:RoleAssignment")
              if r.inputs["roleDefinitionId"].endswith(NETWORK_CONTRIBUTOR)
              and r.inputs["principalId"] == principal_id_of(_identity_name(stack, "identities-cluster"))]
    assert sorted(g.inputs["scope"].rsplit("/", 1)[-1] for g in grants) == ["aks-api-server", "aks-nodes"]
    cluster = registration_of(stack, stack.one("azure-native:containerservice:ManagedCluster"))
    assert depends_transitively(stack, cluster, [registration_of(stack, g).urn for g in grants])
    assert not [r for r in stack.of_type("azure-native:authorization:RoleAssignment")
                if "/subnets/" not in r.inputs["scope"] and r.inputs["roleDefinitionId"].endswith(NETWORK_CONTRIBUTOR)
                and r.inputs["principalId"] == principal_id_of(_identity_name(stack, "identities-cluster"))]

KV_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"
KV_CONTRIBUTOR = "f25e0fa2-a7c8-4377-a976-54943a77a395"
AKS_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"


def test_entra_only_sign_in_and_deployer_access(stack: Harness) -> None:
    cluster = _cluster(stack)
    assert cluster["disableLocalAccounts"] is True
    assert cluster["aadProfile"] == {"managed": True, "enableAzureRBAC": True}
    admins = [r for r in stack.of_type("azure-native:authorization:RoleAssignment")
              if r.inputs["roleDefinitionId"].endswith(AKS_CLUSTER_ADMIN)]
    assert [a.inputs["principalId"] for a in admins] == [DEPLOYER_OBJECT_ID]
    chart = registration_of(stack, stack.one("kubernetes:helm.sh/v4:Chart"))
    assert depends_transitively(stack, chart, [registration_of(stack, admins[0]).urn])


def test_kubernetes_provider_signs_in_with_kubelogin_non_interactively(stack: Harness) -> None:
    provider = stack.one("pulumi:providers:kubernetes")
    config = yaml.safe_load(unwrap(provider.inputs["kubeconfig"]))
    exec_config = config["users"][0]["user"]["exec"]
    assert exec_config["command"] == "kubelogin"
    assert "--login" not in exec_config["args"]  # AKS writes devicecode (interactive)
    assert exec_config["env"] == [{"name": "AAD_LOGIN_METHOD", "value": "azurecli"}]
    assert "token" not in config["users"][0]["user"]


def test_kubelogin_rewrite_keeps_other_arguments() -> None:
    raw = yaml.safe_dump({"users": [{"name": "u", "user": {"exec": {
        "command": "kubelogin", "args": ["get-token", "--login", "devicecode", "--server-id", "x"]}}}]})
    rewritten = yaml.safe_load(kubelogin_kubeconfig(raw, "spn"))
    exec_config = rewritten["users"][0]["user"]["exec"]
    assert exec_config["args"] == ["get-token", "--server-id", "x"]
    assert exec_config["env"] == [{"name": "AAD_LOGIN_METHOD", "value": "spn"}]


def test_etcd_is_encrypted_with_the_kms_key_through_vnet_integration(stack: Harness) -> None:
    cluster = _cluster(stack)
    kms = cluster["securityProfile"]["azureKeyVaultKms"]
    assert kms["enabled"] is True and kms["keyVaultNetworkAccess"] == "Private"
    assert "/keys/aks-kms/" in kms["keyId"]  # versioned (legacy KMS requirement)
    assert kms["keyVaultResourceId"].endswith(private_vault(stack).inputs["vaultName"])
    access = cluster["apiServerAccessProfile"]
    assert access["enableVnetIntegration"] is True and access["subnetId"].endswith("/subnets/aks-api-server")
    roles = {r.inputs["roleDefinitionId"].rsplit("/", 1)[-1]: r for r in
             stack.of_type("azure-native:authorization:RoleAssignment")
             if r.inputs["principalId"] == principal_id_of(_identity_name(stack, "identities-cluster"))}
    assert roles[KV_CRYPTO_USER].inputs["scope"].endswith("/keys/aks-kms")
    assert KV_CONTRIBUTOR in roles  # AKS creates its own private endpoint to the vault
    reg = registration_of(stack, stack.one("azure-native:containerservice:ManagedCluster"))
    assert depends_transitively(stack, reg, [registration_of(stack, roles[KV_CRYPTO_USER]).urn])


def _identity_name(h: Harness, suffix: str) -> str:
    return next(r.name for r in h.of_type("azure-native:managedidentity:UserAssignedIdentity")
                if r.name.endswith(suffix))
