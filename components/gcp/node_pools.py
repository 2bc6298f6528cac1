"""Node pool shapes derived from the size preset: pure data, shared by the cluster and the workloads.

Brainstore pools are tainted so only Brainstore pods land there, labelled so the chart's nodeSelector can
pick them, sized so every Brainstore pod gets a node of its own, and allowed one spare node: the chart
rolls Deployments out with maxSurge 100%, so a new writer needs a second writer node while the old one
drains (each new pod that turns ready frees an old node).
"""

from __future__ import annotations

from dataclasses import dataclass

from components.config.common import Cloud
from components.kubernetes.args import Taint, brainstore_pool_max_nodes
from components.sizing import skus
from components.sizing.model import BrainstoreRoleSize, NodePoolSize, Sizing
from components.tags import Tags

POOL_LABEL = "braintrust.dev/pool"
ROLE_LABEL = "braintrust.dev/role"
LOCAL_SSD_GIB = 375
# Machine families that boot only from Hyperdisk (Titanium); the rest use Persistent Disk.
_HYPERDISK_FAMILIES = ("c4a-", "c4-", "c4d-", "n4-", "c3-", "c3d-")


# Kubernetes taint effect -> GKE API enum.
GKE_TAINT_EFFECT = {"NoSchedule": "NO_SCHEDULE", "PreferNoSchedule": "PREFER_NO_SCHEDULE", "NoExecute": "NO_EXECUTE"}


@dataclass(frozen=True)
class PoolSpec:
    """One GKE node pool. Node counts are totals across the cluster's zones."""

    name: str  # GKE node pool name (<= 40 chars), also the value of cloud.google.com/gke-nodepool
    machine_type: str
    min_nodes: int
    max_nodes: int
    labels: Tags
    taints: tuple[Taint, ...] = ()  # the chart values get the matching tolerations
    local_ssd_count: int = 0  # Local SSDs backing node ephemeral storage (emptyDir cache)
    brainstore_role: str | None = None

    @property
    def boot_disk_type(self) -> str:
        return "hyperdisk-balanced" if self.machine_type.startswith(_HYPERDISK_FAMILIES) else "pd-balanced"

    @property
    def arm(self) -> bool:
        sku = skus.lookup(Cloud.GCP, skus.Kind.COMPUTE, self.machine_type)
        return sku is not None and sku.arch is skus.Arch.ARM64


def local_ssd_count(machine_type: str) -> int:
    """Disks a -lssd machine comes with (fixed by the machine type on third-generation series)."""
    sku = skus.lookup(Cloud.GCP, skus.Kind.COMPUTE, machine_type)
    if sku is None or not sku.local_nvme_gb:
        return 0
    return round(sku.local_nvme_gb / (LOCAL_SSD_GIB * skus.GIB_TO_GB))


def _general(name: str, size: NodePoolSize) -> PoolSpec:
    return PoolSpec(name=name, machine_type=size.sku, min_nodes=size.min_count,
                    max_nodes=max(size.max_count, size.min_count), labels={POOL_LABEL: name})


def _brainstore(role: str, size: BrainstoreRoleSize) -> PoolSpec:
    name = f"brainstore-{role}"
    return PoolSpec(
        name=name,
        machine_type=size.sku,
        min_nodes=size.count,
        max_nodes=brainstore_pool_max_nodes(size.count),  # a spare node for the chart's 100% surge rollout
        labels={POOL_LABEL: name, ROLE_LABEL: role},
        taints=(Taint(ROLE_LABEL, role),),
        local_ssd_count=local_ssd_count(size.sku),
        brainstore_role=role,
    )


def pool_specs(sizing: Sizing) -> list[PoolSpec]:
    """system + services + one pool per Brainstore role that has nodes (staging: readers also write)."""
    assert sizing.system_pool is not None and sizing.services_pool is not None, "GCP presets define both pools"
    pools = [_general("system", sizing.system_pool), _general("services", sizing.services_pool)]
    bs = sizing.brainstore
    pools.append(_brainstore("reader", bs.reader))
    if bs.writer.count > 0:
        pools.append(_brainstore("writer", bs.writer))
    if bs.fast_reader.count > 0:
        pools.append(_brainstore("fastreader", bs.fast_reader))
    return pools


def initial_nodes_per_zone(spec: PoolSpec, zones: int) -> int:
    """Nodes GKE creates in *each* zone of the pool at creation.

    Never more than the autoscaler's total maximum allows (a writer pool of max 2 in three zones must not
    start with 3 nodes); the autoscaler adds the rest when the chart's pods are pending (it knows each
    pool's labels and taints, so it picks the right pool).
    """
    return spec.min_nodes // max(zones, 1)
