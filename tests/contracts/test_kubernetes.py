"""Every Kubernetes object the GKE and AKS stacks create, validated (strict: unknown fields fail) with
kubernetes-validate for every Kubernetes minor the clusters may run: from the project's minimum
(``MIN_KUBERNETES_VERSION``; GKE's release channel and AKS's default move within it) to the newest schema the
pinned package ships.

The chart's rendered Deployments are not here: the Helm chart is not rendered offline. What we pass *through*
the chart into its pod specs is validated by ``tests/components/kubernetes/test_schema.py`` (not repeated here).
Custom resources (Gateway API, GKE policies) have no schema in kubernetes-validate: they are listed below and a
test proves the package really has none, so nothing is skipped silently.
"""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
from kubernetes_validate.utils import latest_version

from components.config import Cloud
from components.kubernetes.args import MIN_KUBERNETES_VERSION

from .built import built, stacks_of

STACKS = stacks_of(Cloud.GCP) + stacks_of(Cloud.AZURE)
_MIN_MINOR = int(MIN_KUBERNETES_VERSION.split(".")[1])
_MAX_MINOR = int(latest_version().split(".")[1])
VERSIONS = [f"1.{minor}" for minor in range(_MIN_MINOR, _MAX_MINOR + 1)]
# Resource types that are not Kubernetes objects with a published schema.
NO_SCHEMA: dict[str, str] = {
    "kubernetes:helm.sh/v4:Chart": "a Helm release, not an object (its values: tests/components/kubernetes)",
    "kubernetes:gateway.networking.k8s.io/v1:Gateway": "Gateway API CRD",
    "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": "Gateway API CRD",
    "kubernetes:networking.gke.io/v1:HealthCheckPolicy": "GKE CRD",
    "kubernetes:networking.gke.io/v1:GCPBackendPolicy": "GKE CRD",
}


def _objects(stack: str) -> list[tuple[str, dict[str, Any]]]:
    return [(r.name, dict(r.inputs)) for r in built(stack).resources
            if r.typ.startswith("kubernetes:") and r.typ not in NO_SCHEMA]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("stack", STACKS)
def test_every_kubernetes_object_is_valid(stack: str, version: str):
    objects = _objects(stack)
    assert {o["kind"] for _, o in objects} >= {"Namespace", "NetworkPolicy", "PodDisruptionBudget", "Service"}
    failures = []
    for name, manifest in objects:
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            failures.append(f"{name} ({manifest['kind']}): {error.message} at {list(error.path)}")
    assert failures == []


@pytest.mark.parametrize("stack", STACKS)
def test_only_the_listed_types_go_unvalidated(stack: str):
    kubernetes_types = {r.typ for r in built(stack).resources if r.typ.startswith("kubernetes:")}
    skipped = kubernetes_types & set(NO_SCHEMA)
    for typ in skipped - {"kubernetes:helm.sh/v4:Chart"}:
        manifest = next(dict(r.inputs) for r in built(stack).of_type(typ))
        with pytest.raises(kubernetes_validate.SchemaNotFoundError):
            kubernetes_validate.validate(manifest, VERSIONS[-1], strict=True)


def test_the_validator_rejects_an_unknown_field():
    stack = STACKS[0]
    manifest = next(o for _, o in _objects(stack) if o["kind"] == "PodDisruptionBudget")
    broken = {**manifest, "spec": {**manifest["spec"], "minAvailible": 1}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[0], strict=True)
