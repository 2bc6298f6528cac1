"""How the Braintrust services treat URLs users supply (``braintrust:url_security``): SSRF protection.

The same settings on every cloud: the Helm chart's ``api.unsafeUrlRequestMode`` / ``urlSecurity*`` values on
GKE/AKS, and the ``BRAINTRUST_UNSAFE_URL_REQUEST_MODE`` / ``BRAINTRUST_URL_SECURITY_*`` variables Braintrust's
AWS module gives APIHandler (components/facts: ``braintrust.chart.url_security_values``,
``braintrust.aws.url_security_env``).
"""

from __future__ import annotations

import ipaddress
from typing import Literal, get_args

from pydantic import Field, IPvAnyAddress, IPvAnyNetwork, field_validator, model_validator

from components.facts import aws as aws_facts
from components.facts import kubernetes as k8s_facts

from .common import StrictModel

# Ranges Braintrust's URL checks block whatever the allow list says (metadata, link-local), and loopback,
# which inside a pod reaches its own sidecars (the Redis TLS tunnel on 127.0.0.1).
_NEVER_ALLOWED = tuple(ipaddress.ip_network(n) for n in ("127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10"))
UnsafeUrlRequestMode = Literal["reject", "proxy", "warn", "off"]
assert set(get_args(UnsafeUrlRequestMode)) == set(k8s_facts.UNSAFE_URL_REQUEST_MODES)  # the chart's values


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

    def env_vars(self) -> dict[str, str]:
        """The variables Braintrust's AWS module sets on APIHandler (empty lists leave the app's default)."""
        names = aws_facts.URL_SECURITY_ENV
        out = {names["mode"]: self.unsafe_url_request_mode}
        if self.dns_servers:
            out[names["dns_servers"]] = ",".join(str(s) for s in self.dns_servers)
        if self.allow_cidrs:
            out[names["allow_cidrs"]] = ",".join(str(c) for c in self.allow_cidrs)
        return out
