"""Pod shapes derived from the node SKUs in ``cfg.sizing`` (pure; no Pulumi).

Brainstore runs one pod per node (required anti-affinity), so each pod should take what its node can
give: the node's capacity minus what the kubelet reserves (the managed cluster's published formula)
minus a budget for the DaemonSets every node runs (CNI, CSI drivers, metadata/logging agents, the
Key Vault and Azure Container Storage drivers). Requests equal limits (Guaranteed QoS: no eviction
under node memory pressure, no CPU throttling surprises).

The cache lives on the node's local NVMe. At most ``VOLUME_SHARE`` of it is usable (the kubelet evicts
pods when less than 10% of the node filesystem is free). On AKS the cache is its own Azure Container
Storage volume on the NVMe pool and gets all of that. On GKE the local SSD is the node's whole ephemeral
storage (kubelet state, container images, pod logs and /tmp live there too), so the cache volume is what
is left after ``GKE_NODE_DISK_BUDGET_GIB`` and /tmp; it becomes the emptyDir's ``sizeLimit``. The
object-store cache gets ``cache_fraction`` of the volume, so it can never exceed it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from components.config.common import Cloud
from components.facts import kubernetes as k8s_facts
from components.sizing import skus
from components.sizing.model import ApiSize, BrainstoreRoleSize, NodePoolSize

from .args import CloudMode

MIB_PER_GIB = 1024
# Per-node budget for DaemonSets (measured ranges on GKE Dataplane V2 and AKS with the Key Vault
# provider + Azure Container Storage are 0.4-0.9 vCPU and 1-1.7 GiB); rounded up for safety.
DAEMONSET_CPU_MILLIS = 1000
DAEMONSET_MEMORY_MIB = 2048
EVICTION_HARD_MIB = 100  # memory.available<100Mi on both GKE and AKS
AKS_MAX_PODS = 250  # Azure CNI Overlay default; the kube-reserved memory formula scales with it
VOLUME_SHARE = 1 - k8s_facts.NODEFS_EVICTION_SHARE  # of raw local NVMe usable at all (nodefs.available<10%)
CPU_STEP_MILLIS = 500
TMP_VOLUME_GIB = 8  # /tmp emptyDir for Brainstore (read-only root filesystem)
# Our budget for the rest of a GKE node's local SSD (gcp_facts.GKE_LOCAL_SSD_EPHEMERAL_PATHS live there):
# container images of the node's pods and DaemonSets (a few GiB), rotated pod logs and kubelet state, with
# a wide margin. Read-only root filesystems keep writable layers near zero.
GKE_NODE_DISK_BUDGET_GIB = 50


@dataclass(frozen=True)
class PodShape:
    """Requests and limits of one container."""

    cpu_millis: int
    memory_mib: int
    cpu_limit_millis: int | None = None  # None = same as the request
    memory_limit_mib: int | None = None

    @property
    def cpu(self) -> str:
        return cpu_quantity(self.cpu_millis)

    @property
    def memory(self) -> str:
        return memory_quantity(self.memory_mib)

    @property
    def cpu_limit(self) -> str:
        return cpu_quantity(self.cpu_limit_millis or self.cpu_millis)

    @property
    def memory_limit(self) -> str:
        return memory_quantity(self.memory_limit_mib or self.memory_mib)


# The Redis TLS sidecar (Envoy, one worker thread, TCP proxy only) in each API/Brainstore pod when it is
# used. Requests equal limits so Brainstore pods stay Guaranteed QoS; its share comes out of the pod's
# node budget below (a Brainstore pod fills its node).
REDIS_TLS_PROXY = PodShape(cpu_millis=200, memory_mib=128)


@dataclass(frozen=True)
class BrainstoreRoleShape:
    replicas: int
    sku: str
    arch: skus.Arch
    pod: PodShape
    volume_gib: int
    cache_gib: int


def cpu_quantity(millis: int) -> str:
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def memory_quantity(mib: int) -> str:
    return f"{mib // MIB_PER_GIB}Gi" if mib % MIB_PER_GIB == 0 else f"{mib}Mi"


def parse_gib(quantity: str) -> int:
    """'1215Gi' -> 1215 (the only form we write for disk sizes)."""
    if not quantity.endswith("Gi") or not quantity[:-2].isdigit():
        raise ValueError(f"expected a whole number of Gi, got {quantity!r}")
    return int(quantity[:-2])


def _cloud(mode: CloudMode) -> Cloud:
    return Cloud.GCP if mode is CloudMode.GOOGLE else Cloud.AZURE


def compute_sku(mode: CloudMode, name: str) -> skus.Sku:
    sku = skus.lookup(_cloud(mode), skus.Kind.COMPUTE, name)
    if sku is None or sku.vcpu is None or sku.memory_gib is None:
        raise ValueError(f"{name!r} is not a known {_cloud(mode).value} node SKU (components/sizing/skus.py)")
    return sku


def _gke_reserved(vcpu: float, memory_mib: float) -> tuple[float, float]:
    """GKE Standard kube-reserved (cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes)."""
    cores = vcpu
    cpu = 60 * min(cores, 1) + 10 * min(max(cores - 1, 0), 1) + 5 * min(max(cores - 2, 0), 2)
    cpu += 2.5 * max(cores - 4, 0)
    gib = memory_mib / MIB_PER_GIB
    tiers = ((4, 0.25), (4, 0.20), (8, 0.10), (112, 0.06), (math.inf, 0.02))
    reserved_gib, left = 0.0, gib
    for size, share in tiers:
        take = min(left, size)
        reserved_gib += take * share
        left -= take
    return cpu, reserved_gib * MIB_PER_GIB


_AKS_CPU_RESERVED = ((1, 60), (2, 100), (4, 140), (8, 180), (16, 260), (32, 420), (64, 740))


def _aks_reserved(vcpu: float, memory_mib: float) -> tuple[float, float]:
    """AKS kube-reserved for Kubernetes >= 1.29 (learn.microsoft.com/azure/aks/node-resource-reservations)."""
    cpu = next((m for cores, m in _AKS_CPU_RESERVED if vcpu <= cores), 740 + 20 * (vcpu - 64))
    memory = min(20 * AKS_MAX_PODS + 50, 0.25 * memory_mib)
    return float(cpu), memory


def allocatable_for_pods(mode: CloudMode, sku: skus.Sku) -> tuple[int, int]:
    """(cpu millis, memory MiB) a workload pod can request on an otherwise idle node of ``sku``."""
    assert sku.vcpu is not None and sku.memory_gib is not None
    memory_mib = sku.memory_gib * MIB_PER_GIB
    reserve = _gke_reserved if mode is CloudMode.GOOGLE else _aks_reserved
    cpu_res, mem_res = reserve(sku.vcpu, memory_mib)
    cpu = sku.vcpu * 1000 - cpu_res - DAEMONSET_CPU_MILLIS
    memory = memory_mib - mem_res - EVICTION_HARD_MIB - DAEMONSET_MEMORY_MIB
    return int(cpu), int(memory)


def brainstore_role_shape(mode: CloudMode, role: BrainstoreRoleSize, cache_fraction: float,
                          sidecar: PodShape | None = None) -> BrainstoreRoleShape:
    """``sidecar``: a container sharing the pod (the Redis TLS proxy); Brainstore gets what it leaves."""
    sku = compute_sku(mode, role.sku)
    if not sku.local_nvme_gb:
        raise ValueError(f"{role.sku} has no local NVMe; Brainstore's cache needs an -lssd/-d*s SKU")
    cpu, memory = allocatable_for_pods(mode, sku)
    if sidecar is not None:
        cpu -= sidecar.cpu_millis
        memory -= sidecar.memory_mib
    pod = PodShape(
        cpu_millis=cpu // CPU_STEP_MILLIS * CPU_STEP_MILLIS,
        memory_mib=memory // MIB_PER_GIB * MIB_PER_GIB,
    )
    if pod.cpu_millis <= 0 or pod.memory_mib <= 0:
        raise ValueError(f"{role.sku} is too small to host a Brainstore pod next to the system pods")
    volume = cache_volume_gib(mode, sku)
    cache = math.floor(volume * cache_fraction)
    return BrainstoreRoleShape(
        replicas=role.count, sku=role.sku, arch=sku.arch or skus.Arch.X86_64, pod=pod,
        volume_gib=volume, cache_gib=cache,
    )


def cache_volume_gib(mode: CloudMode, sku: skus.Sku) -> int:
    """The Brainstore cache volume on a node of ``sku`` (see the module docstring)."""
    usable = math.floor(sku.local_nvme_gb / skus.GIB_TO_GB * VOLUME_SHARE)
    if mode is CloudMode.GOOGLE:
        usable -= GKE_NODE_DISK_BUDGET_GIB + TMP_VOLUME_GIB
    if usable <= 0:
        raise ValueError(f"{sku.name}'s local NVMe is too small for a Brainstore cache")
    return usable


def api_shape(api: ApiSize) -> PodShape:
    """Memory request = limit (NODE_MEMORY_PERCENT is a share of the cgroup limit); CPU may burst to 2x."""
    cpu = round(api.cpu * 1000)
    memory = round(api.memory_gib * MIB_PER_GIB)
    return PodShape(cpu_millis=cpu, memory_mib=memory, cpu_limit_millis=2 * cpu, memory_limit_mib=memory)


def api_fits(mode: CloudMode, api: PodShape, pool: NodePoolSize, sidecar: PodShape | None = None) -> str | None:
    """Why one API pod (plus ``sidecar``, if any) cannot run on a services-pool node, or None if it can."""
    cpu, memory = allocatable_for_pods(mode, compute_sku(mode, pool.sku))
    if sidecar is not None:
        cpu -= sidecar.cpu_millis
        memory -= sidecar.memory_mib
    if api.cpu_millis > cpu or api.memory_mib > memory:
        with_sidecar = " with the Redis TLS sidecar" if sidecar is not None else ""
        return (f"an API pod ({api.cpu} vCPU, {api.memory}){with_sidecar} does not fit a {pool.sku} node "
                f"({cpu_quantity(cpu)} vCPU, {memory_quantity(memory // MIB_PER_GIB * MIB_PER_GIB)} allocatable)")
    return None


def api_arch(mode: CloudMode, pool: NodePoolSize | None) -> skus.Arch:
    if pool is None:
        return skus.Arch.X86_64
    return compute_sku(mode, pool.sku).arch or skus.Arch.X86_64
