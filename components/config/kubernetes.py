"""Kubernetes workload settings shared by GKE and AKS (``braintrust:kubernetes``): how the Braintrust
services treat user-supplied URLs, and the Redis TLS sidecar's image."""

from __future__ import annotations

import ipaddress
import re
from typing import Literal, get_args

from pydantic import Field, IPvAnyAddress, IPvAnyNetwork, field_validator, model_validator

from components.facts import kubernetes as k8s_facts

from .common import StrictModel

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
# registry/path:tag, optionally @sha256:<digest>; a port in the registry host is allowed.
_IMAGE = re.compile(r"^(?P<name>[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:\d+/[a-z0-9._/-]+)?)"
                    r"(:(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(@(?P<digest>sha256:[0-9a-f]{64}))?$")
# Ranges Braintrust's URL checks block whatever the allow list says (metadata, link-local), and loopback,
# which inside a pod reaches its own sidecars (the Redis TLS tunnel on 127.0.0.1).
_NEVER_ALLOWED = tuple(ipaddress.ip_network(n) for n in ("127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10"))
UnsafeUrlRequestMode = Literal["reject", "proxy", "warn", "off"]
assert set(get_args(UnsafeUrlRequestMode)) == set(k8s_facts.UNSAFE_URL_REQUEST_MODES)  # the chart's values


def image_reference_problem(reference: str) -> str | None:
    """Why ``reference`` is not a pinned image reference (a version tag and/or a sha256 digest), or None."""
    match = _IMAGE.match(reference)
    if match is None:
        return f"{reference!r} is not an image reference (registry/repository:tag[@sha256:<digest>])"
    tag, digest = match.group("tag"), match.group("digest")
    if digest is None and (tag is None or tag == "latest"):
        return f"{reference!r} names no version: give a version tag or a @sha256: digest, never latest"
    return None


class UrlSecurityConfig(StrictModel):
    """SSRF protection for URLs users supply (the chart's URL-security settings of the API).

    Covers anything the services fetch on a user's behalf (webhooks, custom model endpoints, attachments
    fetched by URL); the chart passes the same settings to the AI gateway when it is enabled.
    """

    unsafe_url_request_mode: UnsafeUrlRequestMode = Field(
        default="reject",
        description=(
            "What the services do with a user-supplied URL that fails Braintrust's URL-security checks "
            "(resolves to a private or reserved address: the VPC/VNet, loopback, link-local, cloud metadata): "
            "reject (default; block it), proxy, warn (allow and log: Braintrust's own default) or off."
        ),
    )
    dns_servers: list[IPvAnyAddress] = Field(
        default_factory=list,
        description="Resolvers the URL checks query first (e.g. your VPC/VNet or corporate DNS). Empty: the "
                    "pod's resolver.",
    )
    allow_cidrs: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="Private ranges user-supplied URLs may reach anyway (e.g. a model server inside the "
                    "network). Every range listed is reachable by any user of the data plane.",
    )

    @field_validator("dns_servers")
    @classmethod
    def _usable_resolvers(cls, servers: list[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> list:
        for server in servers:
            if server.is_loopback or server.is_unspecified:
                raise ValueError(f"{server} is not a resolver a pod can reach")
        if len(set(servers)) != len(servers):
            raise ValueError("contains duplicates")
        return servers

    @field_validator("allow_cidrs")
    @classmethod
    def _no_blanket_or_blocked_ranges(cls, cidrs: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> list:
        for cidr in cidrs:
            if cidr.prefixlen == 0:
                raise ValueError(f"{cidr} allows every address, which turns URL security off")
            blocked = [str(n) for n in _NEVER_ALLOWED if n.version == cidr.version and n.overlaps(cidr)]
            if blocked:
                raise ValueError(f"{cidr} overlaps {', '.join(blocked)} (loopback reaches the pod's own "
                                 "sidecars; metadata and link-local stay blocked by Braintrust anyway)")
        if len(set(cidrs)) != len(cidrs):
            raise ValueError("contains duplicates")
        return cidrs

    @model_validator(mode="after")
    def _allow_list_needs_checks(self) -> UrlSecurityConfig:
        if self.allow_cidrs and self.unsafe_url_request_mode in ("warn", "off"):
            raise ValueError(f"allow_cidrs has no effect with unsafe_url_request_mode "
                             f"{self.unsafe_url_request_mode} (nothing is blocked)")
        return self

    def chart_values(self) -> dict[str, str]:
        """The chart's ``api.*`` keys (comma-separated lists; empty lists leave the app's own default)."""
        out = {"unsafeUrlRequestMode": self.unsafe_url_request_mode}
        if self.dns_servers:
            out["urlSecurityDnsServers"] = ",".join(str(s) for s in self.dns_servers)
        if self.allow_cidrs:
            out["urlSecurityAllowCidrs"] = ",".join(str(c) for c in self.allow_cidrs)
        return out


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

    url_security: UrlSecurityConfig = Field(default_factory=UrlSecurityConfig)
    redis_tls_proxy: RedisTlsProxyConfig = Field(default_factory=RedisTlsProxyConfig)
