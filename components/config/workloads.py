"""Kubernetes clouds (GCP, Azure): the pods the chart will run fit the nodes the config asks for.

The Kubernetes workloads component sizes every pod from the node SKUs (``components/kubernetes/shapes``)
and raises when a pod cannot fit; by then the network, keys and databases exist. These rules call the
same pure functions at config time, so a services pool too small for the API pod, an unknown node SKU,
a Brainstore SKU without local NVMe or ``api.memory_gib: 100000`` are config errors with a key path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.facts import limits
from components.sizing import skus

from .common import Cloud, Problem, given

if TYPE_CHECKING:
    from components.kubernetes.args import CloudMode
    from components.kubernetes.shapes import PodShape
    from components.sizing.model import ApiSize, NodePoolSize

    from .root import DataPlaneConfig


def _uses_redis_tls_sidecar(cfg: DataPlaneConfig) -> bool:
    """GCP Memorystore has a private server CA: pods reach it through the TLS sidecar (kubernetes/redis_tls)."""
    return cfg.cloud is Cloud.GCP and cfg.gcp is not None and not cfg.gcp.danger_disable_redis_tls


def _max_nodes_per_pool(cfg: DataPlaneConfig) -> int:
    if cfg.cloud is Cloud.AZURE:
        return limits.AKS_NODES_PER_POOL
    return limits.GKE_NODES_PER_POOL_ZONE * max(len(cfg.zone_names) if cfg.production else 1, 1)


def problems(cfg: DataPlaneConfig) -> list[Problem]:
    if cfg.cloud is Cloud.AWS:
        return []
    from components.kubernetes import shapes
    from components.kubernetes.args import CloudMode, brainstore_pool_max_nodes

    mode = CloudMode.GOOGLE if cfg.cloud is Cloud.GCP else CloudMode.AZURE
    sizing = cfg.sizing
    sidecar: PodShape | None = shapes.REDIS_TLS_PROXY if _uses_redis_tls_sidecar(cfg) else None
    most = _max_nodes_per_pool(cfg)
    found: list[Problem] = []

    pools = {"system": sizing.system_pool, "services": sizing.services_pool}
    for role, pool in pools.items():
        if pool is None:
            continue
        path = f"node_pools.{role}"
        if skus.lookup(cfg.cloud, skus.Kind.COMPUTE, pool.sku) is None:
            found.append(Problem(path=f"{path}.sku", message=(
                f"{given(pool.sku)} is not a known {cfg.cloud.value} node SKU; one of: "
                f"{', '.join(skus.names(cfg.cloud, skus.Kind.COMPUTE))} (or add it to components/sizing/skus.py)")))
        if pool.min_count > pool.max_count:
            found.append(Problem(path=f"{path}.min_count", message=(
                f"{pool.min_count} is above {path}.max_count {pool.max_count}")))
        if pool.max_count > most:
            found.append(Problem(path=f"{path}.max_count", message=f"{pool.max_count} is above the cloud's {most} "
                                 "nodes per node pool"))
    if sizing.system_pool is not None and sizing.system_pool.min_count < limits.SYSTEM_POOL_MIN_NODES:
        found.append(Problem(path="node_pools.system.min_count", message=(
            f"must be at least {limits.SYSTEM_POOL_MIN_NODES}: cluster add-ons (DNS, CNI, metrics) run there")))

    bs = sizing.brainstore
    for role, size in (("reader", bs.reader), ("writer", bs.writer), ("fast_reader", bs.fast_reader)):
        path = f"brainstore.{role}"
        if skus.lookup(cfg.cloud, skus.Kind.COMPUTE, size.sku) is None:
            continue  # reported by the seed check (components/sizing/conformance) with the known SKUs
        # The chart renders every role (count 0 too), so every role's SKU must give a valid pod.
        try:
            shape = shapes.brainstore_role_shape(mode, size, bs.cache_fraction, sidecar)
        except ValueError as error:
            found.append(Problem(path=f"{path}.sku", message=str(error)))
            continue
        if shape.volume_gib <= shape.cache_gib:
            found.append(Problem(path=f"{path}.sku", message=f"{size.sku} has too little local NVMe for a cache"))
        if brainstore_pool_max_nodes(size.count) > most:
            found.append(Problem(path=f"{path}.count", message=(
                f"{size.count} needs a node pool of {brainstore_pool_max_nodes(size.count)} nodes; the cloud "
                f"allows {most}")))

    api, services = sizing.api, sizing.services_pool
    if api is not None and services is not None and skus.lookup(cfg.cloud, skus.Kind.COMPUTE, services.sku):
        found += _api_fit(mode, api, services, sidecar)
    return found


def _api_fit(mode: CloudMode, api: ApiSize, services: NodePoolSize, sidecar: PodShape | None) -> list[Problem]:
    """One API pod fits a services node (the chart's check, same function), and all replicas fit the pool."""
    from components.kubernetes import shapes

    pod = shapes.api_shape(api)
    why = shapes.api_fits(mode, pod, services, sidecar)
    found: list[Problem] = []
    if why:
        cpu, memory = shapes.allocatable_for_pods(mode, shapes.compute_sku(mode, services.sku))
        if sidecar is not None:
            cpu, memory = cpu - sidecar.cpu_millis, memory - sidecar.memory_mib
        fix = "; lower it or choose a larger node_pools.services.sku"
        if pod.memory_mib > memory:
            found.append(Problem(path="api.memory_gib", message=why + fix))
        if pod.cpu_millis > cpu:
            found.append(Problem(path="api.cpu", message=why + fix))
        return found
    cpu, memory = shapes.allocatable_for_pods(mode, shapes.compute_sku(mode, services.sku))
    per_pod_cpu = pod.cpu_millis + (sidecar.cpu_millis if sidecar else 0)
    per_pod_memory = pod.memory_mib + (sidecar.memory_mib if sidecar else 0)
    per_node = min(cpu // per_pod_cpu, memory // per_pod_memory)
    if api.replicas > per_node * services.max_count:
        found.append(Problem(path="api.replicas", message=(
            f"{api.replicas} API pods do not fit node_pools.services ({services.max_count} x {services.sku}, "
            f"{per_node} API pod(s) per node); raise node_pools.services.max_count or lower api.replicas")))
    return found
