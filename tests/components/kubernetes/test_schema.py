"""Kubernetes JSON-schema validation (offline, kubernetes-validate, strict: unknown fields are errors).

1. Our own objects (Namespace, Secret, PDBs, Service), rebuilt from what the mocked engine received.
2. The Kubernetes structures we pass *through* the chart (nodeSelector, tolerations, affinity, security
   contexts, resources, env, volume sizes), placed in a Pod the way the chart's templates place them:
   the chart does not validate them, so a misspelt field would otherwise reach the cluster.
"""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
from kubernetes_validate.utils import latest_version

from components.kubernetes.args import MIN_KUBERNETES_VERSION
from components.kubernetes.values import chart_values
from tests.components.kubernetes import builders as b
from tests.components.kubernetes.test_workloads import build

VERSIONS = sorted({MIN_KUBERNETES_VERSION, ".".join(latest_version().split(".")[:2])})
STACKS = ["gcp-staging", "gcp-production", "azure-staging", "azure-production"]
OUR_TYPES = (
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:Secret",
    "kubernetes:policy/v1:PodDisruptionBudget",
    "kubernetes:core/v1:Service",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
)


def validate(manifest: dict[str, Any], version: str) -> None:
    kubernetes_validate.validate(manifest, version, strict=True)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("stack", ["gcp-production", "azure-staging"])
def test_our_objects_are_valid_kubernetes(stack: str, version: str):
    h = build(stack)
    manifests = [b.unwrap(r.inputs) for r in h.resources if r.typ in OUR_TYPES]
    kinds = sorted(m["kind"] for m in manifests)
    expected = ["Namespace", *["NetworkPolicy"] * 3, "PodDisruptionBudget", "PodDisruptionBudget", "Service"]
    assert kinds == (sorted([*expected, "Secret"]) if stack.startswith("gcp") else expected)
    for manifest in manifests:
        validate(manifest, version)


def _pod_like_the_chart_renders(role: dict[str, Any], azure: bool) -> dict[str, Any]:
    cache = ({"ephemeral": {"volumeClaimTemplate": {"spec": {
        "volumeMode": "Filesystem", "accessModes": ["ReadWriteOnce"], "storageClassName": "local",
        "resources": {"requests": {"storage": role["volume"]["size"]}}}}}}
        if azure and "volume" in role
        else {"emptyDir": {"sizeLimit": role["volume"]["sizeLimit"]} if "sizeLimit" in role.get("volume", {}) else {}})
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "probe"},
        "spec": {
            "securityContext": role["podSecurityContext"],
            "nodeSelector": role["nodeSelector"],
            "tolerations": role["tolerations"],
            "affinity": role["affinity"],
            "containers": [{
                "name": "main",
                "image": "public.ecr.aws/braintrust/example:v0",
                "securityContext": role["securityContext"],
                "resources": role["resources"],
                "env": role["extraEnvVars"],
                "volumeMounts": [{"name": "cache-volume", "mountPath": "/mnt/tmp/brainstore"},
                                 {"name": "tmp-volume", "mountPath": "/tmp"}],
            }],
            "volumes": [{"name": "cache-volume", **cache},
                        {"name": "tmp-volume", "emptyDir": {"sizeLimit": role["tmpVolume"]["sizeLimit"]}}],
        },
    }


@pytest.mark.parametrize("stack", STACKS)
def test_structures_passed_through_the_chart_are_valid_kubernetes(stack: str):
    values = chart_values(b.args_for_stack(stack))
    workloads = {"api": values["api"], **{r: values["brainstore"][r] for r in ("reader", "fastreader", "writer")}}
    for name, role in workloads.items():
        for version in VERSIONS:
            try:
                validate(_pod_like_the_chart_renders(role, azure=stack.startswith("azure")), version)
            except kubernetes_validate.ValidationError as exc:  # pragma: no cover - message for humans
                pytest.fail(f"{stack} {name} on {version}: {exc}")


def test_the_validator_catches_a_misspelt_field():
    """Guard against a validator that accepts anything (the tests above would then prove nothing)."""
    role = chart_values(b.args_for_stack("gcp-production"))["brainstore"]["reader"]
    pod = _pod_like_the_chart_renders(role, azure=False)
    pod["spec"]["affinity"]["podAntiAffinity"]["requiredDuringScheduling"] = []
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(pod, MIN_KUBERNETES_VERSION)
