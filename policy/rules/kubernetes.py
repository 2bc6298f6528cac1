"""Kubernetes rules (pulumi-kubernetes 4.x): workloads we create, and the Braintrust Helm chart's values.

Under `pulumi preview` the objects a `helm.v4.Chart` renders are registered as resources too, so the
workload rules also judge the chart's Deployments. Offline (mocks) the chart is not rendered; the
chart-values rule checks the values that shape those Deployments instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import Severity

from .common import (
    ADVISORY,
    MANDATORY,
    Config,
    Resource,
    ResourceRule,
    StackRule,
    StackViolation,
    dig,
    is_map,
    is_set,
    is_true,
    items,
    plaintext_secret,
    secrets_in_tree,
)

FAMILY = "kubernetes"

POD_SPEC_PATHS: dict[str, str] = {
    "kubernetes:core/v1:Pod": "spec",
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
}
WORKLOADS = tuple(POD_SPEC_PATHS)
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
SERVICE = "kubernetes:core/v1:Service"
NAMESPACE = "kubernetes:core/v1:Namespace"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
CHARTS = ("kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release")

# Braintrust chart (braintrustdata/helm) value paths of the pods it renders.
CHART_WORKLOADS = ("api", "brainstore.reader", "brainstore.writer", "brainstore.fastreader")
DANGEROUS_CAPABILITIES = {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH", "NET_RAW"}
INTERNAL_LB_ANNOTATIONS: Mapping[str, str] = {
    "networking.gke.io/load-balancer-type": "internal",
    "cloud.google.com/load-balancer-type": "internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
}
_EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")


def _pod_spec(r: Resource) -> Any:
    return r.get(POD_SPEC_PATHS[r.type])


def _containers(spec: Any) -> list[tuple[str, Mapping[str, Any]]]:
    found: list[tuple[str, Mapping[str, Any]]] = []
    for kind in ("initContainers", "containers"):
        for c in items(dig(spec, kind)):
            if is_map(c):
                found.append((f"{kind[:-1]} {c.get('name')}", c))
    return found


def _privilege_problems(where: str, context: Any) -> Iterator[str]:
    if is_true(dig(context, "privileged")):
        yield f"{where}: privileged must not be true"
    if dig(context, "allowPrivilegeEscalation") is not False:
        yield f"{where}: securityContext.allowPrivilegeEscalation must be false"
    dropped = {str(c).upper() for c in items(dig(context, "capabilities.drop"))}
    if "ALL" not in dropped:
        yield f"{where}: securityContext.capabilities.drop must include ALL"
    added = {str(c).upper() for c in items(dig(context, "capabilities.add"))} & DANGEROUS_CAPABILITIES
    if added:
        yield f"{where}: securityContext.capabilities.add grants {', '.join(sorted(added))}"


def _no_privileged(r: Resource, _: Config) -> Iterator[str]:
    spec = _pod_spec(r)
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if is_true(dig(spec, flag)):
            yield f"spec.{flag} must not be true"
    for where, container in _containers(spec):
        yield from _privilege_problems(where, container.get("securityContext"))


def _non_root(r: Resource, _: Config) -> Iterator[str]:
    spec = _pod_spec(r)
    pod_non_root = is_true(dig(spec, "securityContext.runAsNonRoot"))
    for where, container in _containers(spec):
        context = container.get("securityContext")
        if not (pod_non_root or is_true(dig(context, "runAsNonRoot"))):
            yield f"{where}: runAsNonRoot should be true"
        if not is_true(dig(context, "readOnlyRootFilesystem")):
            yield f"{where}: readOnlyRootFilesystem should be true"


def _resources(r: Resource, _: Config) -> Iterator[str]:
    for where, container in _containers(_pod_spec(r)):
        if not is_set(dig(container, "resources.requests.cpu")) or not is_set(
                dig(container, "resources.requests.memory")):
            yield f"{where}: resources.requests.cpu and .memory must be set"
        if not is_set(dig(container, "resources.limits.memory")):
            yield f"{where}: resources.limits.memory must be set"


def _env_secrets(where: str, container: Mapping[str, Any]) -> Iterator[str]:
    for env in items(container.get("env")):
        if is_map(env) and "value" in env:
            reason = plaintext_secret(str(env.get("name")), env.get("value"))
            if reason:
                yield f"{where}: {reason}; use valueFrom.secretKeyRef"


def _plaintext_secrets(r: Resource, _: Config) -> Iterator[str]:
    if r.type in POD_SPEC_PATHS:
        for where, container in _containers(_pod_spec(r)):
            yield from _env_secrets(where, container)
    elif r.type == CONFIG_MAP:
        data = r.get("data")
        if is_map(data):
            for key, value in data.items():
                reason = plaintext_secret(str(key), value)
                if reason:
                    yield f"data.{reason}; put it in a Secret"
    else:
        for finding in secrets_in_tree(r.get("values"), "values"):
            yield f"{finding}; pass it through the Kubernetes Secret the chart reads"


def _image_pinned(image: Any) -> bool:
    if not isinstance(image, str) or not image:
        return False
    if "@sha256:" in image:
        return True
    last = image.rsplit("/", 1)[-1]
    return ":" in last and not last.endswith(":latest")


def _pinned(r: Resource, _: Config) -> Iterator[str]:
    if r.type in CHARTS:
        version = r.get("version")
        if not isinstance(version, str) or not _EXACT_VERSION.match(version):
            yield f"chart version {version!r} must be an exact release (e.g. 6.11.0), not empty or a range"
        for section in sorted({path.split(".")[0] for path in CHART_WORKLOADS}):
            tag = dig(r.get("values"), f"{section}.image.tag")
            if tag is not None and (not isinstance(tag, str) or tag in ("", "latest")):
                yield f"values.{section}.image.tag {tag!r} must be a pinned release"
        return
    for where, container in _containers(_pod_spec(r)):
        if not _image_pinned(container.get("image")):
            yield f"{where}: image {container.get('image')!r} must carry a version tag or digest (not latest)"


def _chart_hardened(r: Resource, _: Config) -> Iterator[str]:
    values = r.get("values")
    if not _is_braintrust_chart(r):
        return
    for path in CHART_WORKLOADS:
        section = dig(values, path)
        if not is_map(section):
            continue  # the role is not rendered with our values (e.g. no fast reader)
        yield from _privilege_problems(f"values.{path}", section.get("securityContext"))
        if not is_set(dig(section, "resources.limits.memory")):
            yield f"values.{path}.resources.limits.memory must be set (Brainstore/API pods are sized per node)"
        if dig(section, "podSecurityContext.seccompProfile.type") not in ("RuntimeDefault", "Localhost"):
            yield f"values.{path}.podSecurityContext.seccompProfile.type must be RuntimeDefault"


def _is_braintrust_chart(r: Resource) -> bool:
    chart = r.get("chart")
    return isinstance(chart, str) and "braintrust" in chart


def _internal_lb(r: Resource, _: Config) -> Iterator[str]:
    if r.get("spec.type") != "LoadBalancer":
        return
    annotations = r.get("metadata.annotations")
    if is_map(annotations) and any(
        str(annotations.get(key, "")).lower() == value for key, value in INTERNAL_LB_ANNOTATIONS.items()
    ):
        return
    yield ("a LoadBalancer Service without an internal-load-balancer annotation gets a public IP; "
           "annotate it internal (ingress.private_only) or restrict loadBalancerSourceRanges")


def _namespace_policies(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    covered = {
        r.get("metadata.namespace") for r in resources if r.type == NETWORK_POLICY
    }
    for ns in (r for r in resources if r.type == NAMESPACE):
        name = ns.get("metadata.name") or ns.name
        if name not in covered:
            yield StackViolation(f"namespace {name} has no NetworkPolicy (pods accept traffic from anywhere "
                                 "in the cluster)", ns.urn)


RULES: list[ResourceRule | StackRule] = [
    ResourceRule(
        "k8s-no-privileged-pods",
        family=FAMILY,
        description="Pods run unprivileged: no host namespaces, no privilege escalation, all capabilities dropped.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="securityContext: allowPrivilegeEscalation: false, capabilities.drop: [ALL], no privileged; "
                    "no hostNetwork/hostPID/hostIPC.",
        types=WORKLOADS, check=_no_privileged,
    ),
    ResourceRule(
        "k8s-run-as-non-root",
        family=FAMILY,
        description="Containers run as a non-root user on a read-only root filesystem.",
        severity=Severity.MEDIUM, enforcement=ADVISORY,
        remediation="runAsNonRoot: true (needs an image with a numeric non-root USER) and "
                    "readOnlyRootFilesystem: true with an emptyDir for /tmp.",
        types=WORKLOADS, check=_non_root,
    ),
    ResourceRule(
        "k8s-container-resources",
        family=FAMILY,
        description="Every container declares CPU/memory requests and a memory limit.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="Set resources.requests.cpu/memory and resources.limits.memory on every container.",
        types=WORKLOADS, check=_resources,
    ),
    ResourceRule(
        "k8s-no-plaintext-secrets",
        family=FAMILY,
        description="No secret value (by name, or in a known credential format) in container env, ConfigMaps or "
                    "Helm values: they come from Kubernetes Secrets.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="Create a kubernetes Secret (a Pulumi secret input) and reference it with "
                    "valueFrom.secretKeyRef / the chart's existing-secret setting.",
        types=(*WORKLOADS, CONFIG_MAP, *CHARTS), check=_plaintext_secrets,
    ),
    ResourceRule(
        "k8s-pinned-versions",
        family=FAMILY,
        description="Helm charts are pinned to an exact version and images to a tag or digest (never latest).",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="Set the chart `version` to release.helm_chart_version and image tags from the release pin.",
        types=(*WORKLOADS, *CHARTS), check=_pinned,
    ),
    ResourceRule(
        "k8s-braintrust-chart-hardened",
        family=FAMILY,
        description="The Braintrust chart's API and Brainstore pods get a hardened securityContext and memory limits.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Pass securityContext {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}, "
                    "podSecurityContext {seccompProfile: {type: RuntimeDefault}} and resources.limits.memory for "
                    "api and brainstore.{reader,writer,fastreader} (keys the chart honours but does not declare).",
        types=CHARTS, check=_chart_hardened,
    ),
    ResourceRule(
        "k8s-internal-load-balancers",
        family=FAMILY,
        description="LoadBalancer Services are internal unless the stack deliberately exposes the API.",
        severity=Severity.HIGH, enforcement=ADVISORY,
        remediation="Annotate the Service internal (networking.gke.io/load-balancer-type: Internal, "
                    "service.beta.kubernetes.io/azure-load-balancer-internal: 'true').",
        types=(SERVICE,), check=_internal_lb,
    ),
    StackRule(
        "k8s-namespace-network-policy",
        family=FAMILY,
        description="Every namespace the program creates has a NetworkPolicy (default deny plus explicit allows).",
        severity=Severity.MEDIUM, enforcement=ADVISORY,
        remediation="Add a NetworkPolicy selecting all pods that allows only the ingress each workload needs "
                    "(API from the load balancer, Brainstore from the API).",
        types=(NAMESPACE, NETWORK_POLICY), check=_namespace_policies,
    ),
]
