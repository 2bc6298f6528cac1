"""Who may use the data plane and how it is reached: org, control plane/CORS, ingress, support."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from components.facts import limits

from .common import StrictModel

# A user-supplied origin names exactly one host: no wildcard (a browser page on any matching host could
# then call the API with the user's credentials). Braintrust's own wildcard is added by the program.
_ORIGIN = re.compile(r"^https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$")
_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def _origin(value: str) -> str:
    if "*" in value:
        raise ValueError("must name one host: wildcards are not allowed in origins (list each origin)")
    if not _ORIGIN.match(value):
        raise ValueError("must be an https origin such as https://app.example.com (no path, no http)")
    port = value.rsplit(":", 1)[1] if value.count(":") == 2 else None
    if port is not None and not 1 <= int(port) <= 65535:
        raise ValueError("has a port outside 1-65535")
    return value


def _name(value: str) -> str:
    if not value.strip():
        raise ValueError("is blank; give the Braintrust organization name exactly as in the Braintrust UI")
    if value != value.strip():
        raise ValueError("has leading or trailing spaces; give the organization name exactly")
    return value


def _cidr(value: str) -> str:
    try:
        ipaddress.IPv4Network(value)
    except ValueError as error:
        raise ValueError(f"is not an IPv4 CIDR such as 203.0.113.0/24 ({error})") from None
    return value


def _domain(value: str) -> str:
    if not _DOMAIN.match(value):
        raise ValueError("must be a lowercase DNS name such as braintrust.example.com")
    return value


Origin = Annotated[str, AfterValidator(_origin)]
DomainName = Annotated[str, AfterValidator(_domain)]
OrgName = Annotated[str, AfterValidator(_name)]
Cidr = Annotated[str, AfterValidator(_cidr)]


class OrgConfig(StrictModel):
    """Which Braintrust organizations may use this data plane."""

    name: OrgName = Field(
        min_length=1,
        max_length=128,
        description="Braintrust organization name; '*' admits any org (then primary_org_name is required).",
    )
    primary_org_name: OrgName | None = Field(
        default=None, max_length=128, description="Org that owns the data plane when `name` is '*'."
    )
    allowed_org_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Optional allow-list of org ids (UUIDs)."
    )

    @model_validator(mode="after")
    def _primary_when_wildcard(self) -> OrgConfig:
        if self.name == "*" and not self.primary_org_name:
            raise ValueError("primary_org_name is required when name is '*'")
        if len(set(self.allowed_org_ids)) != len(self.allowed_org_ids):
            raise ValueError("allowed_org_ids contains duplicates")
        return self


class ControlPlaneConfig(StrictModel):
    """The hosted Braintrust control plane; its browser UI calls the data plane via CORS."""

    url: Origin = Field(default="https://www.braintrust.dev", description="Control plane URL.")
    extra_cors_origins: list[Origin] = Field(
        default_factory=list, description="More https origins allowed to call the data plane from a browser."
    )

    @property
    def cors_origins(self) -> list[str]:
        # braintrust.dev serves the UI from the apex and from subdomains (previews, regional UIs): the
        # origins Braintrust's own modules allow on their buckets, wildcard included.
        base = [self.url, *limits.UPSTREAM_CORS_ORIGINS]
        return list(dict.fromkeys([*base, *self.extra_cors_origins]))


class TelemetryConfig(StrictModel):
    """Health, metrics and usage telemetry sent to the control plane (seed: on by default)."""

    enabled: bool = Field(default=True, description="Send health/metrics/billing telemetry to Braintrust.")


class IngressConfig(StrictModel):
    """How SDKs and the browser UI reach the API."""

    private_only: bool | None = Field(
        default=None,
        description=(
            "Expose the API only inside the network. Default: false on AWS (public CloudFront), true on "
            "GCP/Azure (internal load balancer; set false for a public HTTPS endpoint)."
        ),
    )
    custom_domain: DomainName | None = Field(default=None, description="DNS name for the API endpoint.")
    certificate: str | None = Field(
        default=None,
        description=(
            "Certificate for custom_domain: AWS ACM ARN (us-east-1 for CloudFront); GCP: omit to get a "
            "Google-managed certificate; Azure: Key Vault certificate secret id."
        ),
    )
    waf_acl: str | None = Field(
        default=None, description="AWS WAFv2 web ACL ARN / GCP Cloud Armor policy / Azure WAF policy id."
    )
    allowed_cidrs: list[Cidr] = Field(
        default_factory=list,
        description=(
            "GCP/Azure: source CIDRs allowed to reach a private endpoint (besides the network itself). Public "
            "ranges: /16 or narrower, at most 2^20 public addresses in all (danger_allow_wide_allowlists)."
        ),
    )

    @model_validator(mode="after")
    def _certificate_needs_domain(self) -> IngressConfig:
        if self.certificate and not self.custom_domain:
            raise ValueError("certificate is set but custom_domain is not; set both or neither")
        return self


# The longest a remote-support grant may run before someone renews it on purpose (our choice: an incident
# plus its follow-up; renewing is a one-line change and a `pulumi up`).
MAX_SUPPORT_DAYS = 30
_GCP_MEMBER = re.compile(r"^(user|group|serviceAccount):[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def _gcp_member(value: str) -> str:
    if not _GCP_MEMBER.match(value):
        raise ValueError("must be an IAM principal such as group:support@example.com or user:engineer@example.com")
    return value


GcpMember = Annotated[str, AfterValidator(_gcp_member)]


class RemoteSupportConfig(StrictModel):
    """Optional access for Braintrust engineers during incidents (seed: faster resolutions). Off."""

    enabled: bool = Field(default=False, description="Create the remote-support role/bastion.")
    braintrust_account_ids: list[Annotated[str, Field(pattern=r"^\d{12}$")]] = Field(
        default_factory=list, description="AWS: Braintrust account ids trusted by the support role."
    )
    external_id: str | None = Field(
        default=None, min_length=8, description="AWS: ExternalId the support role requires."
    )
    gcp_members: list[GcpMember] = Field(
        default_factory=list,
        description="GCP: principals (group:..., user:...) granted read-only logs, metrics and GKE objects.",
    )
    azure_principal_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description="Azure: Entra object ids (e.g. a group of Braintrust guest users) granted read-only access.",
    )
    expires_on: dt.date | None = Field(
        default=None,
        description=f"Day the access ends (00:00 UTC), at most {MAX_SUPPORT_DAYS} days ahead. Required on GCP and "
                    "Azure; on AWS it also bounds the role's trust policy.",
    )


def remote_support_problems(support: RemoteSupportConfig, cloud: str, today: dt.date) -> list[tuple[str, str]]:
    """Each cloud's principals; a bounded, future expiry where the access is time-bounded."""
    out: list[tuple[str, str]] = []
    shown = {"aws": "AWS", "gcp": "GCP", "azure": "Azure"}
    per_cloud = {"aws": ("braintrust_account_ids", "external_id"), "gcp": ("gcp_members",),
                 "azure": ("azure_principal_ids",)}
    for other, keys in per_cloud.items():
        if other == cloud:
            continue
        for key in keys:
            if getattr(support, key):
                out.append((f"remote_support.{key}", f"only applies on {shown[other]}; on {shown[cloud]} use "
                            f"remote_support.{per_cloud[cloud][0]}; remove it"))
    if not support.enabled:
        own = {*per_cloud[cloud], "expires_on"}
        for key in sorted(own & support.model_fields_set):
            if getattr(support, key) not in (None, []):
                out.append((f"remote_support.{key}", "has no effect with remote_support.enabled: false; remove it"))
        return out
    if cloud == "aws" and (not support.braintrust_account_ids or not support.external_id):
        out.append(("remote_support", "enabled requires braintrust_account_ids and external_id on AWS"))
    if cloud != "aws" and not getattr(support, per_cloud[cloud][0]):
        out.append((f"remote_support.{per_cloud[cloud][0]}",
                    f"enabled requires at least one principal on {shown[cloud]}"))
    if cloud != "aws" and support.expires_on is None:
        out.append(("remote_support.expires_on", f"is required on {shown[cloud]}: remote support is time-bounded "
                    f"(a date at most {MAX_SUPPORT_DAYS} days ahead)"))
    # A date that has passed is not an error: the access has ended and the next update removes the grants
    # (DataPlaneConfig.remote_support_active; warnings() says so). Refusing would block the next deploy,
    # an incident's hot fix included, and leave the grants in place.
    if support.expires_on is not None and (support.expires_on - today).days > MAX_SUPPORT_DAYS:
        out.append(("remote_support.expires_on", f"is more than {MAX_SUPPORT_DAYS} days ahead "
                    f"(given: {support.expires_on}); renew it when it ends instead"))
    return out
