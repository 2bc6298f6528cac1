"""Pod shapes from node SKUs: they fit their node, meet the seed, and the cache fits the volume."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.config.common import Cloud, Size
from components.facts import kubernetes as k8s_facts
from components.kubernetes import shapes
from components.kubernetes.args import CloudMode
from components.sizing import presets, seed, skus
from components.sizing.model import BrainstoreRoleSize

MODES = {Cloud.GCP: CloudMode.GOOGLE, Cloud.AZURE: CloudMode.AZURE}
NVME_SKUS = [s for s in skus.all_skus() if s.cloud in MODES and s.kind is skus.Kind.COMPUTE and s.local_nvme_gb]


def test_gke_reservation_matches_the_published_examples():
    # GKE docs: 32 GiB -> 25% of 4 + 20% of 4 + 10% of 8 + 6% of 16 = 3.56 GiB; 4 cores -> 60+10+5+5 = 80m.
    cpu, memory_mib = shapes._gke_reserved(4, 32 * 1024)
    assert cpu == pytest.approx(80)
    assert memory_mib / 1024 == pytest.approx(3.56)


def test_aks_reservation_follows_the_max_pods_formula_capped_at_a_quarter():
    cpu, memory = shapes._aks_reserved(16, 64 * 1024)
    assert cpu == 260 and memory == 20 * 250 + 50
    _, small = shapes._aks_reserved(4, 16 * 1024)
    assert small == 0.25 * 16 * 1024


@pytest.mark.parametrize("sku", NVME_SKUS, ids=lambda s: s.name)
def test_brainstore_pod_fits_its_node_with_room_for_the_system(sku: skus.Sku):
    mode = MODES[sku.cloud]
    shape = shapes.brainstore_role_shape(mode, BrainstoreRoleSize(sku=sku.name, count=1), 0.9)
    assert sku.vcpu is not None and sku.memory_gib is not None
    assert shape.pod.cpu_millis <= sku.vcpu * 1000 - shapes.DAEMONSET_CPU_MILLIS
    assert shape.pod.memory_mib <= sku.memory_gib * 1024 - shapes.DAEMONSET_MEMORY_MIB
    assert shape.volume_gib < sku.local_nvme_gb / skus.GIB_TO_GB
    assert shape.arch is sku.arch


@pytest.mark.parametrize(("cloud", "size"), [(c, s) for c in MODES for s in Size])
def test_brainstore_pods_of_every_preset_get_the_seed_memory(cloud: Cloud, size: Size):
    row = seed.SEED[size].brainstore
    bs = presets.preset(cloud, size).brainstore
    for role in (bs.reader, bs.writer):
        shape = shapes.brainstore_role_shape(MODES[cloud], role, bs.cache_fraction)
        assert shape.pod.memory_mib / 1024 >= row.memory_gb, role.sku
        assert shape.volume_gib * skus.GIB_TO_GB >= row.local_storage_gb, role.sku


@given(sku=st.sampled_from(NVME_SKUS), fraction=st.floats(min_value=0.01, max_value=0.95))
def test_cache_is_always_smaller_than_the_volume(sku: skus.Sku, fraction: float):
    shape = shapes.brainstore_role_shape(MODES[sku.cloud], BrainstoreRoleSize(sku=sku.name, count=1), fraction)
    assert 0 <= shape.cache_gib < shape.volume_gib


def test_unknown_sku_is_refused():
    with pytest.raises(ValueError, match="not a known gcp node SKU"):
        shapes.brainstore_role_shape(CloudMode.GOOGLE, BrainstoreRoleSize(sku="c9-mega-lssd", count=1), 0.9)


def test_quantities_are_kubernetes_spellings():
    assert shapes.cpu_quantity(2000) == "2" and shapes.cpu_quantity(14500) == "14500m"
    assert shapes.memory_quantity(8192) == "8Gi" and shapes.memory_quantity(1536) == "1536Mi"
    assert shapes.parse_gib("1215Gi") == 1215
    with pytest.raises(ValueError):
        shapes.parse_gib("1.2Ti")


def test_api_memory_limit_equals_request_for_node_memory_percent():
    from components.sizing.model import ApiSize

    shape = shapes.api_shape(ApiSize(replicas=4, cpu=2, memory_gib=8, node_memory_percent=85))
    assert (shape.memory, shape.memory_limit, shape.cpu, shape.cpu_limit) == ("8Gi", "8Gi", "2", "4")


@pytest.mark.parametrize("sku", [s for s in NVME_SKUS if s.cloud is Cloud.GCP], ids=lambda s: s.name)
def test_gke_cache_volume_leaves_the_local_ssd_room_for_what_else_lives_there(sku: skus.Sku):
    """On GKE the local SSD is the node's whole ephemeral storage: kubelet state, images, pod logs, /tmp
    and the cache emptyDir share it, and the kubelet evicts at 10% free. The cache volume (its emptyDir
    sizeLimit) plus /tmp plus the node budget must stay below that line."""
    shape = shapes.brainstore_role_shape(CloudMode.GOOGLE, BrainstoreRoleSize(sku=sku.name, count=1), 0.9)
    local_gib = sku.local_nvme_gb / skus.GIB_TO_GB
    usable = local_gib * (1 - k8s_facts.NODEFS_EVICTION_SHARE)
    assert shape.volume_gib + shapes.TMP_VOLUME_GIB + shapes.GKE_NODE_DISK_BUDGET_GIB <= usable
    assert shape.cache_gib < shape.volume_gib


def test_aks_cache_volume_is_its_own_nvme_volume():
    """On AKS the cache is an Azure Container Storage volume on the NVMe pool (images and logs stay on the
    OS disk), so only the eviction headroom comes off."""
    sku = skus.lookup(Cloud.AZURE, skus.Kind.COMPUTE, "Standard_D32pds_v6")
    assert sku is not None
    shape = shapes.brainstore_role_shape(CloudMode.AZURE, BrainstoreRoleSize(sku=sku.name, count=1), 0.9)
    assert shape.volume_gib == int(sku.local_nvme_gb / skus.GIB_TO_GB * (1 - k8s_facts.NODEFS_EVICTION_SHARE))
