"""Chart values as a pure function of ``WorkloadsArgs`` (no Pulumi resources; Outputs pass through).

What we set and why (docs/kubernetes.md explains it for users):

* ``global.namespace`` = the install namespace: the chart builds the API's Brainstore URLs from it.
* ``brainstore.locksBackend: objectStorage`` for new installs; no-PG/WAL settings keep chart defaults.
* Sizes from ``cfg.sizing`` through ``shapes`` (pods sized to their dedicated nodes, cache on NVMe; on
  GKE the cache emptyDir gets a ``sizeLimit`` that fits the node's local SSD).
* Placement: each Brainstore role on its pool (nodeSelector + tolerations, arm64 toleration on ARM),
  required anti-affinity on hostname across *all* Brainstore pods (seed: one pod per node), readers
  and fast readers preferring distinct zones in production; API on the services pool, spread too.
* Staging runs one combined reader/writer (seed "testing" column): the writer Deployment is scaled to
  0, the reader is switched out of reader-only mode and the API's writer URL points at the reader.
  Without fast readers the API's fast-reader URL points at the readers (the chart always sets it).
* URL security: user-supplied URLs that resolve to private, loopback, link-local or metadata addresses
  are rejected (``api.unsafeUrlRequestMode: reject``; Braintrust's own default only warns), with the
  resolvers and allowed ranges from ``cfg.url_security``.
* Hardening the chart allows: seccomp RuntimeDefault, no privilege escalation, all capabilities
  dropped, read-only root filesystem with a sized /tmp (as in Braintrust's CEL-compliant example).
* Redis with a private server CA (Memorystore): a TLS sidecar in every API and Brainstore pod
  (``extraContainers``/``extraVolumes``, turned into a native sidecar by a transform on the chart, see
  ``redis_tls``); Brainstore pods are sized around it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pulumi

from components.sizing.skus import Arch

from . import redis_tls, shapes
from .args import (
    AzureBlobStorage,
    AzureIdentities,
    CloudMode,
    GcsStorage,
    GoogleIdentities,
    KeyVaultSecrets,
    Placement,
    WorkloadsArgs,
)
from .chart_values import ChartValues

API_NAME = "braintrust-api"  # api.name: Deployment, Service and pod label `app`
API_PORT = 8000
BRAINSTORE_PORT = 4000
# Chart role key -> its component name (Deployment, Service, pod label `app`).
BRAINSTORE_NAMES: Mapping[str, str] = {
    "reader": "brainstore-reader",
    "fastreader": "brainstore-fastreader",
    "writer": "brainstore-writer",
}
POD_LABEL = "app"  # the chart's selector label on every Deployment
HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
ARCH_LABEL = "kubernetes.io/arch"
TELEMETRY = "status,metrics,usage"  # the seed's default: health, metrics, billing usage
# pulumi-kubernetes waits this long for each Deployment to become ready (default 10 min): Brainstore
# pods start only after their node joins and pass a 60 s initial probe delay.
AWAIT_ANNOTATION = "pulumi.com/timeoutSeconds"
API_AWAIT_SECONDS = 900
BRAINSTORE_AWAIT_SECONDS = 1800
API_TMP_GIB = 2
POD_SECURITY_CONTEXT: Mapping[str, Any] = {"seccompProfile": {"type": "RuntimeDefault"}}
CONTAINER_SECURITY_CONTEXT: Mapping[str, Any] = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}

_LABEL_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$")
_LABEL_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_K8S_ARCH = {Arch.ARM64: "arm64", Arch.X86_64: "amd64"}


def kubernetes_labels(tags: Mapping[str, pulumi.Input[str]]) -> tuple[dict[str, str], list[str]]:
    """Tags usable as Kubernetes labels, and the keys dropped because Kubernetes would reject them.

    A secret tag value (a Pulumi Output) is dropped too: every reader of the cluster can list labels."""
    kept: dict[str, str] = {}
    dropped: list[str] = []
    for key, value in tags.items():
        prefix, _, name = key.rpartition("/")
        prefix_ok = not prefix or (len(prefix) <= 253 and bool(_LABEL_PREFIX.match(prefix)))
        key_ok = prefix_ok and bool(_LABEL_NAME.match(name))
        if key_ok and isinstance(value, str) and (value == "" or _LABEL_NAME.match(value)):
            kept[key] = value
        else:
            dropped.append(key)
    return kept, dropped


def brainstore_url(namespace: str, role: str) -> str:
    return f"http://{BRAINSTORE_NAMES[role]}.{namespace}:{BRAINSTORE_PORT}"


def sizing_problems(args: WorkloadsArgs) -> list[str]:
    """Seed rules the values must satisfy (config validation checks them too; this guards other callers)."""
    problems: list[str] = []
    bs, api = args.sizing.brainstore, args.sizing.api
    if bs.reader.count < 1:
        problems.append("brainstore.reader.count must be at least 1")
    if args.production:
        if bs.writer.count < 1:
            problems.append("brainstore.writer.count is 0 in production; the seed requires separate writers (>= 1)")
        if bs.reader.count < 2:
            problems.append(f"brainstore.reader.count is {bs.reader.count} in production; at least 2 for availability")
        if api is not None:
            if api.replicas < 4 or api.cpu < 2 or api.memory_gib < 8:
                problems.append(f"the API in production needs >= 4 replicas of >= 2 vCPU / 8 GiB (given: "
                                f"{api.replicas} x {api.cpu} vCPU / {api.memory_gib} GiB)")
            if not 80 <= api.node_memory_percent <= 90:
                problems.append(f"api.node_memory_percent is {api.node_memory_percent}; the seed asks for 80-90")
    if api is not None and args.sizing.services_pool is not None:
        why = shapes.api_fits(args.cloud, shapes.api_shape(api), args.sizing.services_pool, _sidecar_shape(args))
        if why:
            problems.append(why)
    return problems


def chart_values(args: WorkloadsArgs) -> dict[str, Any]:
    """The chart's values for ``args``; raises ValueError with every problem found."""
    problems = sizing_problems(args)
    if problems:
        raise ValueError("cannot size the Braintrust workloads: " + "; ".join(problems))
    assert args.sizing.api is not None  # checked by WorkloadsArgs
    raw: dict[str, Any] = {
        "global": _global(args),
        "cloud": args.cloud.value,
        "objectStorage": _object_storage(args),
        "api": _api(args),
        "brainstore": _brainstore(args),
    }
    if args.cloud is CloudMode.GOOGLE:
        raw["google"] = {"mode": args.google_mode}
        if args.google_mode == "autopilot":
            raw["google"]["autopilotMachineFamily"] = args.autopilot_machine_family
    else:
        raw["azure"] = _azure(args)
    return ChartValues.model_validate(raw).model_dump(by_alias=True, exclude_none=True)


def _global(args: WorkloadsArgs) -> dict[str, Any]:
    org = args.org
    if not org.name.strip():
        raise ValueError("org.name is empty; the chart needs the Braintrust organization name (or '*')")
    out: dict[str, Any] = {
        "orgName": org.name,
        "namespace": args.namespace,
        "createNamespace": False,
        "labels": kubernetes_labels(args.labels)[0],
        "controlPlaneTelemetry": TELEMETRY if args.telemetry.enabled else "",
    }
    if org.primary_org_name:
        out["primaryOrgName"] = org.primary_org_name
    if org.allowed_org_ids:
        out["allowedOrgIds"] = ",".join(str(i) for i in org.allowed_org_ids)
    return out


def _object_storage(args: WorkloadsArgs) -> dict[str, Any]:
    s = args.storage
    if isinstance(s, GcsStorage):
        return {"google": {"brainstoreBucket": s.brainstore_bucket, "apiBucket": s.api_bucket}}
    assert isinstance(s, AzureBlobStorage)
    return {"azure": {
        "storageAccountName": s.storage_account_name,
        "brainstoreContainer": s.brainstore_container,
        "responseContainer": s.response_container,
        "codeBundleContainer": s.code_bundle_container,
    }}


def _azure(args: WorkloadsArgs) -> dict[str, Any]:
    ids = args.identities
    assert isinstance(ids, AzureIdentities)
    out: dict[str, Any] = {
        "tenantId": ids.tenant_id,
        "enableAzureContainerStorageDriver": True,
        "enableAzureKeyVaultDriver": isinstance(args.secrets, KeyVaultSecrets),
    }
    if isinstance(args.secrets, KeyVaultSecrets):
        # The CSI driver exchanges the pod's ServiceAccount token for this identity (workload identity).
        out["keyVaultName"] = args.secrets.key_vault_name
        out["keyVaultCSIclientID"] = ids.client_id
    return out


def _autopilot(args: WorkloadsArgs) -> bool:
    return args.cloud is CloudMode.GOOGLE and args.google_mode == "autopilot"


def _node_selector(args: WorkloadsArgs, placement: Placement, arch: Arch) -> dict[str, Any]:
    selector: dict[str, Any] = dict(placement.node_selector)
    if not _autopilot(args):  # Autopilot picks the machine family (x86 C4/C4D) itself
        selector[ARCH_LABEL] = _K8S_ARCH[arch]
    return selector


def _tolerations(args: WorkloadsArgs, placement: Placement, arch: Arch) -> list[dict[str, Any]]:
    out = [{"key": t.key, "operator": "Equal", "value": t.value, "effect": t.effect} for t in placement.taints]
    if arch is Arch.ARM64 and not _autopilot(args):
        # GKE taints every arm64 node kubernetes.io/arch=arm64:NoSchedule; harmless where absent (AKS).
        out.append({"key": ARCH_LABEL, "operator": "Equal", "value": "arm64", "effect": "NoSchedule"})
    return out


def _prefer_apart(app: str, topology_key: str, weight: int) -> dict[str, Any]:
    return {"weight": weight, "podAffinityTerm": {
        "labelSelector": {"matchLabels": {POD_LABEL: app}}, "topologyKey": topology_key}}


def _brainstore_affinity(app: str, spread_zones: bool) -> dict[str, Any]:
    anti: dict[str, Any] = {
        # Every Brainstore pod (any role) on its own node: the seed's hard requirement on Kubernetes.
        "requiredDuringSchedulingIgnoredDuringExecution": [{
            "labelSelector": {"matchExpressions": [
                {"key": POD_LABEL, "operator": "In", "values": sorted(BRAINSTORE_NAMES.values())}]},
            "topologyKey": HOSTNAME,
        }],
    }
    if spread_zones:
        # Soft on purpose: the chart's 100% surge rollout briefly runs twice the readers; a hard zone
        # rule would need as many zones as pods and could deadlock rollouts.
        anti["preferredDuringSchedulingIgnoredDuringExecution"] = [_prefer_apart(app, ZONE, 100)]
    return {"podAntiAffinity": anti}


def _sidecar_shape(args: WorkloadsArgs) -> shapes.PodShape | None:
    return shapes.REDIS_TLS_PROXY if redis_tls.tls_proxy_redis(args) is not None else None


def _redis_tls_proxy(args: WorkloadsArgs) -> dict[str, Any]:
    """The Redis TLS sidecar, its CA volume and a CA-hash pod annotation (empty without a private CA)."""
    redis = redis_tls.tls_proxy_redis(args)
    if redis is None:
        return {}
    assert redis.ca_certificate is not None
    return {
        "extraContainers": [redis_tls.container(redis, args.redis_tls_proxy_image)],
        "extraVolumes": [redis_tls.volume()],
        "pod_annotations": {redis_tls.CA_HASH_ANNOTATION: redis_tls.ca_hash(redis.ca_certificate)},
    }


def _with_sidecar(out: dict[str, Any], sidecar: dict[str, Any]) -> dict[str, Any]:
    if sidecar:
        out["extraContainers"] = sidecar["extraContainers"]
        out["extraVolumes"] = sidecar["extraVolumes"]
        out["annotations"]["pod"] = dict(sidecar["pod_annotations"])
    return out


def _hardening(tmp_gib: int) -> dict[str, Any]:
    return {
        "podSecurityContext": dict(POD_SECURITY_CONTEXT),
        "securityContext": dict(CONTAINER_SECURITY_CONTEXT),
        "tmpVolume": {"enabled": True, "sizeLimit": f"{tmp_gib}Gi"},
    }


def _api(args: WorkloadsArgs) -> dict[str, Any]:
    size = args.sizing.api
    assert size is not None
    shape = shapes.api_shape(size)
    arch = shapes.api_arch(args.cloud, args.sizing.services_pool)
    bs = args.sizing.brainstore
    env: list[dict[str, Any]] = []
    out: dict[str, Any] = {
        "replicas": size.replicas,
        **args.url_security.chart_values(),
        "image": {"tag": args.release.api_tag},
        "resources": {
            "requests": {"cpu": shape.cpu, "memory": shape.memory},
            "limits": {"cpu": shape.cpu_limit, "memory": shape.memory_limit},
        },
        "nodeMemoryPercent": str(size.node_memory_percent),
        "nodeSelector": _node_selector(args, args.api_placement, arch),
        "tolerations": _tolerations(args, args.api_placement, arch),
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            _prefer_apart(API_NAME, HOSTNAME, 100), _prefer_apart(API_NAME, ZONE, 50)]}},
        "extraEnvVars": env,
        "annotations": {"deployment": {AWAIT_ANNOTATION: str(API_AWAIT_SECONDS)}},
        **_hardening(API_TMP_GIB),
    }
    ids = args.identities
    if isinstance(ids, GoogleIdentities):
        out["enableGcsAuth"] = ids.gcs_auth == "workload_identity"
        if ids.gcs_auth == "workload_identity":
            out["serviceAccount"] = {"googleServiceAccount": ids.api_service_account}
        else:
            assert isinstance(args.storage, GcsStorage)
            # S3-compatible GCS access signs requests for the bucket's region.
            env.append({"name": "AWS_REGION", "value": args.storage.location.lower()})
    else:
        assert isinstance(ids, AzureIdentities)
        out["serviceAccount"] = {"azureClientId": ids.client_id}
    reader_url = brainstore_url(args.namespace, "reader")
    if bs.combined:
        env.append({"name": "BRAINSTORE_WRITER_URL", "value": reader_url})
    if bs.fast_reader.count == 0:
        env.append({"name": "BRAINSTORE_FAST_READER_URL", "value": reader_url})
    return _with_sidecar(out, _redis_tls_proxy(args))


def _brainstore(args: WorkloadsArgs) -> dict[str, Any]:
    bs = args.sizing.brainstore
    placement = args.brainstore_placement
    roles = {
        "reader": (bs.reader, placement.reader),
        "fastreader": (bs.fast_reader, placement.fast_reader or placement.reader),
        "writer": (bs.writer, placement.writer),
    }
    out: dict[str, Any] = {
        "image": {"tag": args.release.brainstore_tag},
        "locksBackend": args.locks_backend,
        "serviceAccount": _brainstore_identity(args),
    }
    sidecar = _redis_tls_proxy(args)
    for key, (size, role_placement) in roles.items():
        shape = shapes.brainstore_role_shape(args.cloud, size, bs.cache_fraction, _sidecar_shape(args))
        env: list[dict[str, Any]] = []
        if key == "reader" and bs.combined:
            env.append({"name": "BRAINSTORE_READER_ONLY_MODE", "value": "false"})
        spread = args.production and key in ("reader", "fastreader")
        out[key] = {
            "replicas": shape.replicas,
            "resources": {
                "requests": {"cpu": shape.pod.cpu, "memory": shape.pod.memory},
                "limits": {"cpu": shape.pod.cpu_limit, "memory": shape.pod.memory_limit},
            },
            "objectStoreCacheFileSize": f"{shape.cache_gib}Gi",
            "volume": _cache_volume(args, shape.volume_gib),
            "nodeSelector": _node_selector(args, role_placement, shape.arch),
            "tolerations": _tolerations(args, role_placement, shape.arch),
            "affinity": _brainstore_affinity(BRAINSTORE_NAMES[key], spread),
            "extraEnvVars": env,
            "annotations": {"deployment": {AWAIT_ANNOTATION: str(BRAINSTORE_AWAIT_SECONDS)}},
            **_hardening(shapes.TMP_VOLUME_GIB),
        }
        _with_sidecar(out[key], sidecar)
    return out


def _cache_volume(args: WorkloadsArgs, volume_gib: int) -> dict[str, Any]:
    """``size`` sizes Azure's ephemeral NVMe volume (and Autopilot's storage request); on GKE the chart
    renders an emptyDir on the node's local SSD whose only bound is ``sizeLimit`` (the kubelet evicts the
    pod past it instead of letting the cache fill the node's disk). With Azure Container Storage the chart
    renders no emptyDir, so there is nothing to limit."""
    size = f"{volume_gib}Gi"
    if args.cloud is CloudMode.GOOGLE:
        return {"size": size, "sizeLimit": size}
    return {"size": size}


def _brainstore_identity(args: WorkloadsArgs) -> dict[str, Any]:
    ids = args.identities
    if isinstance(ids, GoogleIdentities):
        return {"googleServiceAccount": ids.brainstore_service_account}
    assert isinstance(ids, AzureIdentities)
    return {"azureClientId": ids.client_id}
