"""Kubernetes workload settings shared by GKE and AKS (``braintrust:kubernetes``): the Redis TLS sidecar's
image. (How the services treat user-supplied URLs is cloud-neutral: ``url_security.py``.)"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from components.facts import kubernetes as k8s_facts

from .common import StrictModel

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
# registry/path:tag, optionally @sha256:<digest>; a port in the registry host is allowed.
_IMAGE = re.compile(r"^(?P<name>[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:\d+/[a-z0-9._/-]+)?)"
                    r"(:(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(@(?P<digest>sha256:[0-9a-f]{64}))?$")


def image_reference_problem(reference: str) -> str | None:
    """Why ``reference`` is not a pinned image reference (a version tag and/or a sha256 digest), or None."""
    match = _IMAGE.match(reference)
    if match is None:
        return f"{reference!r} is not an image reference (registry/repository:tag[@sha256:<digest>])"
    tag, digest = match.group("tag"), match.group("digest")
    if digest is None and (tag is None or tag == "latest"):
        return f"{reference!r} names no version: give a version tag or a @sha256: digest, never latest"
    return None


class RedisTlsProxyConfig(StrictModel):
    """The Envoy sidecar that verifies Redis TLS against a private CA (Memorystore): its image."""

    image: str = Field(
        default=k8s_facts.REDIS_TLS_PROXY_IMAGE,
        description="Envoy image (registry/repository:tag). Point it at your mirror where nodes cannot pull "
                    "from Docker Hub.",
    )
    image_digest: str | None = Field(
        default=None,
        description="sha256:<64 hex> digest of that image, pinning it immutably (read it with `crane digest "
                    "<image>`). Unset: the tag alone (a warning at deploy).",
    )

    @field_validator("image")
    @classmethod
    def _image(cls, value: str) -> str:
        problem = image_reference_problem(value)
        if problem:
            raise ValueError(problem)
        if "@" in value:
            raise ValueError("give the digest in image_digest, not in image")
        return value

    @field_validator("image_digest")
    @classmethod
    def _digest(cls, value: str | None) -> str | None:
        if value is not None and not DIGEST.match(value):
            raise ValueError("must be sha256: followed by 64 lowercase hex digits")
        return value

    @property
    def reference(self) -> str:
        return f"{self.image}@{self.image_digest}" if self.image_digest else self.image


class KubernetesConfig(StrictModel):
    """Settings of the Braintrust services on GKE/AKS (no effect on AWS)."""

    redis_tls_proxy: RedisTlsProxyConfig = Field(default_factory=RedisTlsProxyConfig)
