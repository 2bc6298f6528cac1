"""No silently ignored keys: a key that would have no effect on this stack is an error naming what to use.

Unknown keys are refused by the model itself (``extra="forbid"``). This module covers keys that exist
but do nothing here: another cloud's pins, sizes of a service the cloud does not run, and settings of a
network the stack does not create (only when the user set them: ``model_fields_set``). Keys of the
providers' namespaces (``aws:region``...) are refused in ``loading``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from .common import Cloud, Problem

if TYPE_CHECKING:
    from .root import DataPlaneConfig


def _set_keys(model: BaseModel, keys: tuple[str, ...]) -> list[str]:
    """Keys the user wrote with a value (``null`` means unset)."""
    return [k for k in keys if k in model.model_fields_set and getattr(model, k) is not None]


def _byo(path: str, model: BaseModel, keys: tuple[str, ...], switch: str) -> list[Problem]:
    return [Problem(path=f"{path}.{key}", message=f"has no effect with {path}.{switch}: false (the program "
                    "creates no network); remove it") for key in _set_keys(model, keys)]


def _aws(cfg: DataPlaneConfig) -> list[Problem]:
    found: list[Problem] = []
    release = cfg.release
    aws = cfg.aws_section
    ignored = [("helm_chart_version", "the Helm chart is GCP/Azure only")]
    if not aws.api.ecs_built:
        ignored.append(("api_image_tag", "it tags the ECS API's image, and this stack builds no ECS API (aws.api); "
                                          "the Lambdas follow release.lambda_bundle_tag"))
    for key, instead in ignored:
        if getattr(release, key) is not None:
            found.append(Problem(path=f"release.{key}", message=f"has no effect on AWS: {instead}; remove it"))
    for key, instead in (("api", "size the API with aws.lambda, or aws.api.services on ECS"),
                         ("node_pools", "no Kubernetes")):
        if getattr(cfg, key).model_dump(exclude_none=True, exclude_defaults=True):
            found.append(Problem(path=key, message=f"has no effect on AWS ({instead}); remove it"))
    if cfg.kubernetes.model_dump(exclude_defaults=True):
        found.append(Problem(path="kubernetes", message=(
            "has no effect on AWS (no Kubernetes: the API runs on Lambda, Brainstore on EC2); remove it "
            "(url_security, the SSRF settings, applies on every cloud)")))
    if cfg.ingress.allowed_cidrs:
        found.append(Problem(path="ingress.allowed_cidrs", message=(
            "has no effect on AWS: the API is served by CloudFront; restrict it with ingress.waf_acl")))
    if not aws.api.ecs_built:
        for key in _set_keys(aws.api, tuple(sorted(aws.api.model_fields_set - {"runtime", "ecs_warm"}))):
            found.append(Problem(path=f"aws.api.{key}", message=(
                "has no effect: this stack builds no ECS API (set aws.api.ecs_warm: true or aws.api.runtime: ecs); "
                "remove it")))
    if not aws.network.create_vpc:
        found += _byo("aws.network", aws.network, ("vpc_cidr", "nat_gateways"), "create_vpc")
    quarantine = aws.quarantine
    if not quarantine.enabled:
        for key in _set_keys(quarantine, tuple(sorted(quarantine.model_fields_set - {"enabled"}))):
            found.append(Problem(path=f"aws.quarantine.{key}", message=(
                "has no effect with aws.quarantine.enabled: false; remove it")))
    elif not quarantine.create_vpc:
        found += _byo("aws.quarantine", quarantine, ("vpc_cidr",), "create_vpc")
    return found


def _kubernetes(cfg: DataPlaneConfig) -> list[Problem]:
    found: list[Problem] = []
    if cfg.release.lambda_bundle_tag is not None:
        found.append(Problem(path="release.lambda_bundle_tag", message=(
            f"has no effect on {cfg.cloud.value}: the API runs from the chart's image; pin "
            "release.api_image_tag instead")))
    if cfg.cloud is Cloud.GCP and cfg.gcp is not None and not cfg.gcp.network.create_network:
        found += _byo("gcp.network", cfg.gcp.network,
                      ("nodes_cidr", "pods_cidr", "services_cidr", "private_service_access_prefix_length"),
                      "create_network")
    if cfg.cloud is Cloud.AZURE and cfg.azure is not None and not cfg.azure.network.create_vnet:
        found += _byo("azure.network", cfg.azure.network, ("vnet_cidr",), "create_vnet")
    return found


def problems(cfg: DataPlaneConfig) -> list[Problem]:
    return _aws(cfg) if cfg.cloud is Cloud.AWS else _kubernetes(cfg)
