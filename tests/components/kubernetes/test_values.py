"""The chart values per cloud x size (golden), and every way they must refuse to be built."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from components.config.access import OrgConfig
from components.config.common import Cloud
from components.facts import braintrust as published
from components.facts import kubernetes as k8s_facts
from components.kubernetes.args import AzureIdentities, GoogleIdentities, WorkloadsArgs
from components.kubernetes.chart_values import ChartValues
from components.kubernetes.shapes import parse_gib
from components.kubernetes.values import chart_values, kubernetes_labels
from components.sizing import skus
from components.sizing.model import ApiSize, BrainstoreRoleSize
from tests.components.kubernetes import builders as b

ALL_BRAINSTORE = ["brainstore-fastreader", "brainstore-reader", "brainstore-writer"]
ARM_TOLERATION = {"key": "kubernetes.io/arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"}

# (replicas, cpu, memory, cache volume, object-store cache) per role, from the preset SKUs:
# c4a-standard-4-lssd 4 vCPU/16 GiB/375 GiB NVMe, c4a-standard-16-lssd 16/64/1500, -32- 32/128/2250 (GKE
# volumes: 90% of it less the node budget and /tmp, components/kubernetes/shapes.py),
# Standard_D4pds_v6 4/16/~220, Standard_D32pds_v6 32/128/~1760 (components/sizing/skus.py).
GOLDEN: dict[str, dict[str, tuple[int, str, str, str, str]]] = {
    "gcp-staging": {
        "reader": (1, "2500m", "11Gi", "279Gi", "251Gi"),
        "writer": (0, "2500m", "11Gi", "279Gi", "251Gi"),
        "fastreader": (0, "2500m", "11Gi", "279Gi", "251Gi"),
    },
    "gcp-production": {
        "reader": (2, "14500m", "56Gi", "1292Gi", "1162Gi"),
        "writer": (1, "30500m", "116Gi", "1967Gi", "1770Gi"),
        "fastreader": (0, "14500m", "56Gi", "1292Gi", "1162Gi"),
    },
    "azure-staging": {
        "reader": (1, "2500m", "9Gi", "197Gi", "177Gi"),
        "writer": (0, "2500m", "9Gi", "197Gi", "177Gi"),
        "fastreader": (0, "2500m", "9Gi", "197Gi", "177Gi"),
    },
    "azure-production": {
        "reader": (2, "30500m", "120Gi", "1584Gi", "1425Gi"),
        "writer": (1, "30500m", "120Gi", "1584Gi", "1425Gi"),
        "fastreader": (0, "30500m", "120Gi", "1584Gi", "1425Gi"),
    },
}
API_GOLDEN = {  # replicas, cpu request, cpu limit, memory (request = limit), NODE_MEMORY_PERCENT
    "staging": (1, "1", "2", "2Gi", "85"),
    "production": (4, "2", "4", "8Gi", "85"),
}
POOL_LABEL = {"gcp": "cloud.google.com/gke-nodepool", "azure": "kubernetes.azure.com/agentpool"}


def values_of(stack: str, **changes: Any) -> dict[str, Any]:
    return chart_values(b.args_for_stack(stack, **changes))


@pytest.mark.parametrize("stack", sorted(GOLDEN))
def test_brainstore_roles_are_sized_and_placed_per_stack(stack: str):
    cloud, size = stack.split("-")
    v = values_of(stack)
    pool_for = {"reader": "bs-reader", "fastreader": "bs-reader", "writer": "bs-writer"}
    for role, (replicas, cpu, memory, volume, cache) in GOLDEN[stack].items():
        r = v["brainstore"][role]
        assert r["replicas"] == replicas, role
        assert r["resources"] == {"requests": {"cpu": cpu, "memory": memory},
                                  "limits": {"cpu": cpu, "memory": memory}}, role
        # GKE: an emptyDir on the node's local SSD, bounded by sizeLimit; Azure: a sized NVMe volume.
        assert r["volume"] == ({"size": volume, "sizeLimit": volume} if cloud == "gcp" else {"size": volume}), role
        assert r["objectStoreCacheFileSize"] == cache, role
        assert r["nodeSelector"] == {POOL_LABEL[cloud]: pool_for[role], "kubernetes.io/arch": "arm64"}, role
        assert r["tolerations"] == [
            {"key": b.ROLE_TAINT_KEY, "operator": "Equal", "value": pool_for[role].removeprefix("bs-"),
             "effect": "NoSchedule"},
            ARM_TOLERATION,
        ], role
        anti = r["affinity"]["podAntiAffinity"]
        assert anti["requiredDuringSchedulingIgnoredDuringExecution"] == [{
            "labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ALL_BRAINSTORE}]},
            "topologyKey": "kubernetes.io/hostname",
        }], role
        zone_spread = "preferredDuringSchedulingIgnoredDuringExecution" in anti
        assert zone_spread == (size == "production" and role != "writer"), role
        if zone_spread:
            term = anti["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]
            assert term == {"labelSelector": {"matchLabels": {"app": f"brainstore-{role}"}},
                            "topologyKey": "topology.kubernetes.io/zone"}


@pytest.mark.parametrize("stack", sorted(GOLDEN))
def test_api_size_placement_and_common_settings(stack: str):
    cloud, size = stack.split("-")
    v = values_of(stack)
    replicas, cpu, cpu_limit, memory, percent = API_GOLDEN[size]
    api = v["api"]
    assert api["replicas"] == replicas
    assert api["resources"] == {"requests": {"cpu": cpu, "memory": memory},
                                "limits": {"cpu": cpu_limit, "memory": memory}}
    assert api["nodeMemoryPercent"] == percent
    assert api["nodeSelector"] == {POOL_LABEL[cloud]: "services", "kubernetes.io/arch": "amd64"}
    assert api["tolerations"] == []
    assert v["global"]["namespace"] == b.NAMESPACE
    assert v["global"]["createNamespace"] is False
    assert v["global"]["orgName"] == "acme"
    assert v["global"]["controlPlaneTelemetry"] == "status,metrics,usage"
    assert v["global"]["labels"]["braintrust-deployment"] == {"staging": "acme-stg", "production": "acme-prod"}[size]
    assert v["brainstore"]["locksBackend"] == "objectStorage"
    tag = {"tag": published.CHART.version}  # the image tags the pinned chart ships with
    assert v["api"]["image"] == tag and v["brainstore"]["image"] == tag
    # data-plane 2.0 defaults stay the chart's
    assert "skipPgForBrainstoreObjects" not in v and "brainstoreWalFooterVersion" not in v


def test_google_values_wire_buckets_and_workload_identity():
    v = values_of("gcp-production")
    assert v["cloud"] == "google"
    assert v["google"] == {"mode": "standard"}
    assert v["objectStorage"] == {"google": {"brainstoreBucket": "acme-brainstore-x1y2", "apiBucket": "acme-api-x1y2"}}
    assert v["brainstore"]["serviceAccount"] == {"googleServiceAccount": b.BRAINSTORE_GSA}
    assert v["api"]["serviceAccount"] == {"googleServiceAccount": b.API_GSA}
    assert v["api"]["enableGcsAuth"] is True
    assert "azure" not in v


def test_google_hmac_mode_sets_bucket_region_and_no_api_identity():
    cfg_args = b.args_for_stack("gcp-production")
    args = b.args_for_stack(
        "gcp-production",
        identities=GoogleIdentities(brainstore_service_account=b.BRAINSTORE_GSA, gcs_auth="hmac"),
        secrets=b.kubernetes_secret_values(hmac=True),
        storage=cfg_args.storage,
    )
    v = chart_values(args)
    assert v["api"]["enableGcsAuth"] is False
    assert "serviceAccount" not in v["api"]
    assert {"name": "AWS_REGION", "value": "us-central1"} in v["api"]["extraEnvVars"]


def test_azure_values_wire_key_vault_csi_identity_and_storage():
    v = values_of("azure-production")
    assert v["cloud"] == "azure"
    assert v["azure"] == {
        "tenantId": b.AZURE_TENANT_ID,
        "keyVaultName": b.KEY_VAULT,
        "keyVaultCSIclientID": b.AZURE_CLIENT_ID,
        "enableAzureKeyVaultDriver": True,
        "enableAzureContainerStorageDriver": True,
    }
    assert v["objectStorage"] == {"azure": {
        "storageAccountName": b.STORAGE_ACCOUNT, "brainstoreContainer": "brainstore",
        "responseContainer": "responses", "codeBundleContainer": "code-bundles"}}
    assert v["api"]["serviceAccount"] == {"azureClientId": b.AZURE_CLIENT_ID}
    assert v["brainstore"]["serviceAccount"] == {"azureClientId": b.AZURE_CLIENT_ID}
    assert "google" not in v


def test_azure_with_a_kubernetes_secret_turns_the_key_vault_driver_off():
    v = values_of("azure-production", secrets=b.kubernetes_secret_values())
    assert v["azure"]["enableAzureKeyVaultDriver"] is False
    assert "keyVaultName" not in v["azure"] and "keyVaultCSIclientID" not in v["azure"]


@pytest.mark.parametrize("stack", ["gcp-staging", "azure-staging"])
def test_staging_runs_one_combined_reader_writer(stack: str):
    v = values_of(stack)
    reader_url = f"http://brainstore-reader.{b.NAMESPACE}:4000"
    assert v["brainstore"]["writer"]["replicas"] == 0
    assert v["brainstore"]["reader"]["extraEnvVars"] == [{"name": "BRAINSTORE_READER_ONLY_MODE", "value": "false"}]
    assert {"name": "BRAINSTORE_WRITER_URL", "value": reader_url} in v["api"]["extraEnvVars"]


def test_production_keeps_the_writer_separate_and_routes_fast_queries_to_readers_without_fast_readers():
    v = values_of("gcp-production")
    assert v["brainstore"]["reader"]["extraEnvVars"] == []
    names = [e["name"] for e in v["api"]["extraEnvVars"]]
    assert "BRAINSTORE_WRITER_URL" not in names
    assert {"name": "BRAINSTORE_FAST_READER_URL", "value": f"http://brainstore-reader.{b.NAMESPACE}:4000"} \
        in v["api"]["extraEnvVars"]


def test_fast_readers_get_their_own_pool_when_enabled():
    from components.kubernetes.args import BrainstorePlacement

    base = b.args_for_stack("gcp-production")
    fields = b.with_sizing(base, fast_reader=BrainstoreRoleSize(sku="c4a-standard-16-lssd", count=2))
    fields["brainstore_placement"] = BrainstorePlacement(
        reader=base.brainstore_placement.reader, writer=base.brainstore_placement.writer,
        fast_reader=b._placement(base.cloud, "fastreader"))
    v = chart_values(WorkloadsArgs(**fields))
    fast = v["brainstore"]["fastreader"]
    assert fast["replicas"] == 2
    assert fast["nodeSelector"]["cloud.google.com/gke-nodepool"] == "bs-fast"
    assert "BRAINSTORE_FAST_READER_URL" not in [e["name"] for e in v["api"]["extraEnvVars"]]


def test_every_workload_is_hardened_and_waits_long_enough():
    v = values_of("azure-production")
    workloads = [v["api"], *(v["brainstore"][r] for r in ("reader", "fastreader", "writer"))]
    for w in workloads:
        assert w["podSecurityContext"] == {"seccompProfile": {"type": "RuntimeDefault"}}
        assert w["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                        "capabilities": {"drop": ["ALL"]}}
        assert w["tmpVolume"]["enabled"] is True  # writable /tmp with the read-only root filesystem
        assert int(w["annotations"]["deployment"]["pulumi.com/timeoutSeconds"]) >= 900


def test_telemetry_off_and_org_allow_list():
    from components.config.access import TelemetryConfig

    org = OrgConfig.model_validate({"name": "*", "primary_org_name": "acme", "allowed_org_ids": [
        "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"]})
    v = values_of("gcp-staging", org=org, telemetry=TelemetryConfig(enabled=False))
    assert v["global"]["orgName"] == "*"
    assert v["global"]["primaryOrgName"] == "acme"
    assert v["global"]["allowedOrgIds"] == "11111111-1111-4111-8111-111111111111,22222222-2222-4222-8222-222222222222"
    assert v["global"]["controlPlaneTelemetry"] == ""


def test_tags_that_are_not_valid_labels_are_dropped_not_sent():
    labels, dropped = kubernetes_labels({"team": "ml", "Cost Center": "AI 1", "owner": "a@b.com",
                                         "example.com/tier": "gold", "empty": ""})
    assert labels == {"team": "ml", "example.com/tier": "gold", "empty": ""}
    assert sorted(dropped) == ["Cost Center", "owner"]


# ----- negative tests: each must fail loudly with a clear message -----


def test_missing_google_identity_is_refused():
    with pytest.raises(ValueError, match="brainstore_service_account is empty"):
        b.args_for_stack("gcp-production", identities=GoogleIdentities(brainstore_service_account="",
                                                                        api_service_account=b.API_GSA))
    with pytest.raises(ValueError, match="api_service_account is required"):
        b.args_for_stack("gcp-production", identities=GoogleIdentities(brainstore_service_account=b.BRAINSTORE_GSA))


def test_missing_azure_identity_is_refused():
    with pytest.raises(ValueError, match="client_id and tenant_id must not be empty"):
        b.args_for_stack("azure-production", identities=AzureIdentities(client_id="", tenant_id=b.AZURE_TENANT_ID))


def test_hmac_mode_without_a_key_and_a_key_without_hmac_mode_are_refused():
    with pytest.raises(ValueError, match=r"gcs_auth=hmac needs secrets\.gcs_hmac"):
        b.args_for_stack("gcp-production",
                         identities=GoogleIdentities(brainstore_service_account=b.BRAINSTORE_GSA, gcs_auth="hmac"))
    with pytest.raises(ValueError, match="gcs_hmac is set but gcs_auth is workload_identity"):
        b.args_for_stack("gcp-production", secrets=b.kubernetes_secret_values(hmac=True))


def test_cloud_sections_must_match_the_cloud():
    azure = b.args_for_stack("azure-production")
    with pytest.raises(ValueError, match="cloud google needs storage=GcsStorage"):
        b.args_for_stack("gcp-production", storage=azure.storage)
    with pytest.raises(ValueError, match="Key Vault secrets are Azure-only"):
        b.args_for_stack("gcp-production", secrets=azure.secrets)
    with pytest.raises(ValueError, match="cloud azure needs identities=AzureIdentities"):
        b.args_for_stack("azure-production", identities=GoogleIdentities(brainstore_service_account=b.BRAINSTORE_GSA))
    with pytest.raises(ValueError, match="google_mode applies to cloud google only"):
        b.args_for_stack("azure-production", google_mode="autopilot")


def test_bad_namespace_and_missing_chart_version_are_refused():
    with pytest.raises(ValueError, match="not a DNS label"):
        b.args_for_stack("gcp-staging", namespace="Braintrust_NS")
    release = b.args_for_stack("gcp-staging").release.model_copy(update={"helm_chart_version": None})
    with pytest.raises(ValueError, match="helm_chart_version is required"):
        b.args_for_stack("gcp-staging", release=release)


def test_empty_org_is_refused():
    with pytest.raises(ValueError, match=r"org\.name is empty"):
        values_of("gcp-staging", org=OrgConfig.model_construct(name="  ", primary_org_name=None, allowed_org_ids=[]))


def test_writer_count_zero_in_production_is_refused():
    args = b.args_for_stack("gcp-production")
    fields = b.with_sizing(args, writer=BrainstoreRoleSize(sku="c4a-standard-32-lssd", count=0))
    with pytest.raises(ValueError, match=r"writer.count is 0 in production.*separate writers"):
        chart_values(WorkloadsArgs(**fields))


def test_single_reader_and_small_api_in_production_are_refused():
    args = b.args_for_stack("azure-production")
    fields = b.with_sizing(args, reader=BrainstoreRoleSize(sku="Standard_D32pds_v6", count=1),
                           api=ApiSize(replicas=2, cpu=1, memory_gib=4, node_memory_percent=70))
    with pytest.raises(ValueError) as err:
        chart_values(WorkloadsArgs(**fields))
    message = str(err.value)
    assert "reader.count is 1 in production" in message
    assert ">= 4 replicas of >= 2 vCPU / 8 GiB" in message
    assert "node_memory_percent is 70" in message


def test_api_pod_larger_than_a_services_node_is_refused():
    args = b.args_for_stack("gcp-staging")  # services pool n2-standard-4: 4 vCPU / 16 GiB
    fields = b.with_sizing(args, api=ApiSize(replicas=1, cpu=2, memory_gib=14, node_memory_percent=85))
    with pytest.raises(ValueError, match="does not fit a n2-standard-4 node"):
        chart_values(WorkloadsArgs(**fields))


def test_brainstore_on_a_sku_without_local_nvme_is_refused():
    args = b.args_for_stack("gcp-staging")
    fields = b.with_sizing(args, reader=BrainstoreRoleSize(sku="n2-standard-16", count=1))
    with pytest.raises(ValueError, match="n2-standard-16 has no local NVMe"):
        chart_values(WorkloadsArgs(**fields))


def _valid_raw() -> dict[str, Any]:
    return copy.deepcopy(values_of("gcp-production"))


def test_cache_larger_than_the_volume_is_refused():
    raw = _valid_raw()
    raw["brainstore"]["writer"]["objectStoreCacheFileSize"] = "2100Gi"  # volume is 1967Gi
    with pytest.raises(ValidationError, match="must be smaller than the cache volume 1967Gi"):
        ChartValues.model_validate(raw)
    raw["brainstore"]["writer"]["objectStoreCacheFileSize"] = "1967Gi"
    with pytest.raises(ValidationError, match="must be smaller"):
        ChartValues.model_validate(raw)


def test_cache_larger_than_the_emptydir_limit_is_refused():
    raw = _valid_raw()
    raw["brainstore"]["writer"]["volume"] = {"size": "1967Gi", "sizeLimit": "1000Gi"}
    with pytest.raises(ValidationError, match="must be smaller than the cache volume 1000Gi"):
        ChartValues.model_validate(raw)


@pytest.mark.parametrize("stack", ["gcp-staging", "gcp-production"])
def test_gke_cache_emptydir_is_bounded_to_fit_the_local_ssd(stack: str):
    """volume.size does nothing on GKE Standard (the chart renders an emptyDir): only sizeLimit bounds it."""
    v = values_of(stack)
    bs = b.args_for_stack(stack).sizing.brainstore
    pools = {"reader": bs.reader.sku, "fastreader": bs.fast_reader.sku, "writer": bs.writer.sku}
    for role, sku_name in pools.items():
        limit = parse_gib(v["brainstore"][role]["volume"]["sizeLimit"])
        sku = skus.lookup(Cloud.GCP, skus.Kind.COMPUTE, sku_name)
        assert sku is not None
        usable = sku.local_nvme_gb / skus.GIB_TO_GB * (1 - k8s_facts.NODEFS_EVICTION_SHARE)
        assert limit + parse_gib(v["brainstore"][role]["tmpVolume"]["sizeLimit"]) < usable, role
        assert parse_gib(v["brainstore"][role]["objectStoreCacheFileSize"]) < limit, role


def test_size_limit_on_azure_is_refused():
    raw = copy.deepcopy(values_of("azure-production"))
    raw["brainstore"]["reader"]["volume"]["sizeLimit"] = raw["brainstore"]["reader"]["volume"]["size"]
    with pytest.raises(ValidationError, match="sizeLimit has no effect on Azure"):
        ChartValues.model_validate(raw)


@pytest.mark.parametrize(("path", "typo"), [
    (("objectStorage", "google"), "brainstoreBukket"),
    (("brainstore", "reader"), "nodeSelecter"),
    (("api",), "nodeMemoryPercentage"),
    (("global",), "orgname"),
    ((), "brainstoreWalFooter"),
])
def test_a_misspelt_values_key_is_a_validation_error(path: tuple[str, ...], typo: str):
    raw = _valid_raw()
    node = raw
    for key in path:
        node = node[key]
    node[typo] = "x"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ChartValues.model_validate(raw)


def test_values_of_the_other_cloud_are_refused():
    raw = _valid_raw()
    raw["objectStorage"]["azure"] = {"storageAccountName": "x", "brainstoreContainer": "a",
                                     "responseContainer": "b", "codeBundleContainer": "c"}
    with pytest.raises(ValidationError, match="exactly its own cloud"):
        ChartValues.model_validate(raw)

