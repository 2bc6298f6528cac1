"""The whole stack configuration: one pydantic model, the single source of truth.

Field-level rules live on the fields (pydantic reports all of them at once). Rules that need several
sections (cloud vs. region, size vs. sizes, release age) live in ``cross_field_problems`` so that
they too are reported all at once, each with its key path.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property

from pydantic import Field, PrivateAttr, ValidationInfo, model_validator

from components import naming
from components.facts import gcp as gcp_facts
from components.facts import regions
from components.sizing import conformance, presets
from components.sizing.model import Sizing

from . import alerts as alerting
from . import arns, capacity, ignored, lambda_env, names, networks, production, workloads
from .access import (
    ControlPlaneConfig,
    IngressConfig,
    OrgConfig,
    RemoteSupportConfig,
    TelemetryConfig,
    remote_support_problems,
)
from .alerts import AlertsConfig
from .aws import SUPPORTED_REGIONS, AwsConfig, ecs_problems
from .azure import AzureConfig
from .azure import ingress_problems as azure_ingress_problems
from .azure import postgres_autogrow_problems as azure_postgres_autogrow_problems
from .azure import postgres_storage_problems as azure_postgres_storage_problems
from .common import Cloud, DnsLabel, Problem, Size, StrictModel, UniqueSuffix, given
from .gcp import GcpConfig
from .gcp import ingress_problems as gcp_ingress_problems
from .kubernetes import KubernetesConfig
from .release import ReleaseConfig, release_freshness
from .sizing import (
    ApiOverride,
    BrainstoreOverride,
    NodePoolsOverride,
    PostgresOverride,
    RedisOverride,
    resolve,
)
from .url_security import UrlSecurityConfig

# Tags we always set; users may add their own but not override these (IAM conditions use them).
BASE_TAG_KEYS = ("braintrust-deployment", "braintrust-size", "managed-by")
MAX_USER_TAGS = 40  # AWS allows 50 tags per resource; leave room for ours and the clouds' own

_REGION_PATTERNS = {
    Cloud.AWS: re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$"),
    Cloud.GCP: re.compile(r"^[a-z]+-[a-z]+\d+$"),
    Cloud.AZURE: re.compile(r"^[a-z]+[a-z0-9]*$"),
}


class DataPlaneConfig(StrictModel):
    """Configuration of one Braintrust data plane stack (keys under the `braintrust:` namespace)."""

    cloud: Cloud = Field(description="Cloud to deploy to: aws, gcp or azure.")
    size: Size = Field(description="Size preset: staging (seed testing column) or production.")
    deployment_name: DnsLabel = Field(
        min_length=naming.MIN_DEPLOYMENT_NAME_LEN,
        description=(
            "Prefix of every resource name. Lowercase letters, digits, hyphens; the maximum length is "
            "computed per cloud from its naming limits (AWS 18, GCP 19, Azure 14). Never change it "
            "after the first deployment."
        ),
    )
    unique_suffix: UniqueSuffix | None = Field(
        default=None,
        description=(
            "Suffix for globally unique names (buckets, Key Vault, storage account). Default: derived "
            "from the account/project/subscription and deployment name."
        ),
    )
    region: str = Field(description="Cloud region, e.g. us-east-1, us-central1, eastus2.")
    zones: list[str] | None = Field(
        default=None,
        description="Zones to spread over (default: three). AWS AZ names, GCP zones, Azure zone numbers.",
    )
    org: OrgConfig = Field(description="Braintrust organization(s) allowed to use this data plane.")
    release: ReleaseConfig = Field(description="Pinned Braintrust data plane release.")
    control_plane: ControlPlaneConfig = Field(default_factory=ControlPlaneConfig)
    telemetry: TelemetryConfig = Field(default_factory=TelemetryConfig)
    ingress: IngressConfig = Field(default_factory=IngressConfig)
    remote_support: RemoteSupportConfig = Field(default_factory=RemoteSupportConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    tags: dict[str, str] = Field(
        default_factory=dict, description="Tags/labels added to every taggable resource."
    )
    api: ApiOverride = Field(default_factory=ApiOverride, description="API size overrides (GCP/Azure).")
    postgres: PostgresOverride = Field(default_factory=PostgresOverride, description="Postgres overrides.")
    redis: RedisOverride = Field(default_factory=RedisOverride, description="Redis overrides.")
    brainstore: BrainstoreOverride = Field(
        default_factory=BrainstoreOverride, description="Brainstore overrides."
    )
    node_pools: NodePoolsOverride = Field(
        default_factory=NodePoolsOverride, description="Kubernetes node pool overrides (GCP/Azure)."
    )
    aws: AwsConfig | None = Field(default=None, description="AWS settings (cloud: aws).")
    gcp: GcpConfig | None = Field(default=None, description="GCP settings (cloud: gcp).")
    azure: AzureConfig | None = Field(default=None, description="Azure settings (cloud: azure).")
    kubernetes: KubernetesConfig = Field(
        default_factory=KubernetesConfig, description="Braintrust services on GKE/AKS (cloud: gcp or azure)."
    )
    url_security: UrlSecurityConfig = Field(
        default_factory=UrlSecurityConfig,
        description="SSRF protection: how the services treat user-supplied URLs that resolve to private, "
                    "loopback, link-local or metadata addresses (every cloud).",
    )
    danger_disable_deletion_protection: bool = Field(
        default=False,
        description="DANGER: turn off `protect` and cloud deletion protection on stateful resources.",
    )
    danger_skip_final_snapshot: bool = Field(
        default=False, description="DANGER: delete the database without a final snapshot."
    )
    danger_allow_stale_release: bool = Field(
        default=False, description="DANGER: deploy a release older than 90 days."
    )
    danger_allow_production_downgrade: bool = Field(
        default=False,
        description=(
            "DANGER: allow a production stack without PostgreSQL/Redis HA, with fewer than 7 days of backups, "
            "a single NAT gateway, no Redis snapshots or a cloud-specific danger_* switch on."
        ),
    )
    danger_allow_wide_allowlists: bool = Field(
        default=False,
        description=(
            "DANGER: allow public ranges wider than /16, or more than 2^20 public addresses, in an allow-list "
            "(ingress.allowed_cidrs, gcp.cluster.authorized_networks, azure.*_ip_ranges)."
        ),
    )
    danger_ephemeral: bool = Field(
        default=False,
        description=(
            "DANGER: a throwaway stack (e.g. a pull request's review stack): `pulumi destroy` deletes the "
            "buckets with their objects and the keys (AWS: after 7 days) instead of keeping them. Staging only."
        ),
    )
    # Top-level keys the stack stores as Pulumi secrets (parse_config passes them as validation context);
    # components keep every value under them a secret (components/tags.py, components/aws/remote_support.py).
    _secret_keys: frozenset[str] = PrivateAttr(default_factory=frozenset)
    # The day the configuration was validated for (parse_config's `today`): time-bounded settings end by it.
    _today: dt.date | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _remember_context(self, info: ValidationInfo) -> DataPlaneConfig:
        context = info.context or {}
        self._secret_keys = frozenset(context.get("secret_keys", ()))
        self._today = context.get("today")
        return self

    @property
    def remote_support_active(self) -> bool:
        """Remote support is on and its expiry (remote_support.expires_on, 00:00 UTC) has not come: after it,
        the next update removes the grants (a warning says so) instead of refusing to run."""
        support = self.remote_support
        if not support.enabled:
            return False
        return support.expires_on is None or self._today is None or support.expires_on > self._today

    @property
    def secret_keys(self) -> frozenset[str]:
        return self._secret_keys

    def is_secret(self, path: str) -> bool:
        """Whether the value at ``path`` (``tags``, ``remote_support.external_id``) is a Pulumi secret.

        Pulumi marks a whole top-level key secret when any value inside it is, so the first segment decides."""
        return path.split(".", 1)[0].split("[", 1)[0] in self._secret_keys

    # ----- derived values (components read these, never raw overrides) -----

    @cached_property
    def sizing(self) -> Sizing:
        ecs = self.aws_section.api if self.cloud is Cloud.AWS else None
        return resolve(
            presets.preset(self.cloud, self.size),
            api=self.api,
            postgres=self.postgres,
            redis=self.redis,
            brainstore=self.brainstore,
            node_pools=self.node_pools,
            ecs_api=(ecs.services, ecs.node_memory_percent) if ecs is not None and ecs.ecs_built else None,
        )

    @property
    def production(self) -> bool:
        return self.size is Size.PRODUCTION

    @property
    def protect(self) -> bool:
        """Pulumi `protect` and cloud deletion protection for stateful resources."""
        return self.production and not self.danger_disable_deletion_protection

    @property
    def retain(self) -> bool:
        """Buckets and keys outlive `pulumi destroy` (retain_on_delete), unless the stack is ephemeral."""
        return not self.danger_ephemeral

    @property
    def suffix(self) -> str:
        if self.unique_suffix:
            return self.unique_suffix
        scope = {
            Cloud.AWS: self.aws.account_id if self.aws and self.aws.account_id else self.region,
            Cloud.GCP: self.gcp.project_id if self.gcp else "",
            Cloud.AZURE: str(self.azure.subscription_id) if self.azure else "",
        }[self.cloud]
        return naming.default_suffix(self.cloud.value, scope, self.deployment_name)

    @property
    def zone_names(self) -> list[str]:
        """Explicit zones, or the region's first three from the zone table (components/facts/regions).

        AWS resolves AZ names at deploy time (they are mapped per account). An Azure region without
        availability zones has none (everything is regional there); a GCP region missing from the table
        has none either, which config validation refuses (the user then lists ``zones``).
        """
        if self.zones:
            return list(self.zones)
        if self.cloud is Cloud.GCP:
            return (regions.gcp_zone_names(self.region) or [])[:3]
        if self.cloud is Cloud.AZURE:
            return list(regions.AZURE_ZONES) if regions.azure_has_zones(self.region) else []
        return []

    @property
    def all_tags(self) -> dict[str, str]:
        base = {
            "braintrust-deployment": self.deployment_name,
            "braintrust-size": self.size.value,
            "managed-by": "pulumi",
        }
        return {**self.tags, **base}

    @property
    def private_ingress(self) -> bool:
        """Whether the API is reachable only from inside the network (see ingress.private_only)."""
        if self.ingress.private_only is not None:
            return self.ingress.private_only
        return self.cloud is not Cloud.AWS

    @property
    def aws_section(self) -> AwsConfig:
        return self.aws or AwsConfig()


def cross_field_problems(cfg: DataPlaneConfig, today: dt.date) -> list[Problem]:
    """Every rule that spans sections. Empty list = valid."""
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(path=path, message=message))

    # --- cloud sections: exactly the chosen one ---
    sections = {Cloud.AWS: cfg.aws, Cloud.GCP: cfg.gcp, Cloud.AZURE: cfg.azure}
    for cloud, section in sections.items():
        if cloud is not cfg.cloud and section is not None:
            add(cloud.value, f"section is set but cloud is {cfg.cloud.value}; remove it")
    if cfg.cloud is not Cloud.AWS and sections[cfg.cloud] is None:
        required = "project_id" if cfg.cloud is Cloud.GCP else "subscription_id"
        add(cfg.cloud.value, f"section is required for cloud {cfg.cloud.value} (at least {required})")

    # --- names ---
    suffix_len = len(cfg.suffix)
    limit = naming.max_deployment_name_len(cfg.cloud, suffix_len)
    if len(cfg.deployment_name) > limit:
        rule = naming.binding_rule(cfg.cloud, suffix_len)
        add("deployment_name", f"is {len(cfg.deployment_name)} characters; at most {limit} on "
            f"{cfg.cloud.value} (the {rule.what} {given(rule.render(cfg.deployment_name, cfg.suffix))} "
            f"must fit {rule.limit}) (given: {given(cfg.deployment_name)})")
    else:
        problems += names.reserved_name_problems(cfg)

    # --- region and zones ---
    problems += _region_problems(cfg)

    # --- sizes against the seed, and the pods against the nodes ---
    try:
        sizing = cfg.sizing
    except ValueError as exc:  # an override produced an impossible size
        add("sizing", str(exc))
    else:
        for row in conformance.failures(cfg.cloud, cfg.size, sizing):
            column = "production" if cfg.production else "staging"
            add(row.path, f"{row.component} {row.item} must be {row.required} in {column} "
                f"(given: {given(row.actual)})")
        problems += workloads.problems(cfg)
        problems += capacity.problems(cfg)
        problems += production.downgrade_problems(cfg)

    # --- keys with no effect on this stack ---
    problems += ignored.problems(cfg)

    # --- release pin ---
    state, message = release_freshness(cfg.release, today)
    if state == "future":
        add("release.release_date", f"is in the future ({cfg.release.release_date} > {today})")
    elif state == "expired" and not cfg.danger_allow_stale_release:
        add("release.release_date", message or "too old")
    if cfg.cloud is not Cloud.AWS and not cfg.release.helm_chart_version:
        add("release.helm_chart_version", f"is required on {cfg.cloud.value} (the Helm chart installs the services)")

    # --- tags ---
    for key in BASE_TAG_KEYS:
        if key in cfg.tags:
            add(f"tags.{key}", "is reserved (set by the program)")
    if len(cfg.tags) > MAX_USER_TAGS:
        add("tags", f"has {len(cfg.tags)} entries; at most {MAX_USER_TAGS}")
    problems += names.tag_problems(cfg)

    # --- access ---
    problems += [Problem(path=path, message=message)
                 for path, message in remote_support_problems(cfg.remote_support, cfg.cloud.value, today)]
    problems += alerting.problems(cfg)
    if cfg.ingress.certificate and cfg.cloud is Cloud.AWS and not re.match(
        r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$", cfg.ingress.certificate
    ):
        add("ingress.certificate", "must be an ACM certificate ARN in us-east-1 (CloudFront requirement)")
    if cfg.ingress.custom_domain and cfg.cloud is Cloud.AWS and not cfg.ingress.certificate:
        add("ingress.certificate", "is required with custom_domain on AWS (ACM ARN in us-east-1)")
    if cfg.ingress.waf_acl and cfg.cloud is Cloud.AWS and not re.match(
        r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:global/webacl/", cfg.ingress.waf_acl
    ):
        add("ingress.waf_acl", "must be a CLOUDFRONT-scope WAFv2 web ACL ARN (us-east-1, global/webacl)")
    problems += arns.problems(cfg)

    # --- networks and allow-lists ---
    problems += networks.problems(cfg)

    # --- cloud-specific rules that span sections (also re-checked by each data plane) ---
    problems += cloud_problems(cfg)
    return problems


def cloud_problems(cfg: DataPlaneConfig) -> list[Problem]:
    """Rules of the chosen cloud that span sections. Part of config validation; each data plane checks them
    again before its first resource (it may be handed a config built without parse_config)."""
    found: list[tuple[str, str]] = []
    if cfg.cloud is Cloud.AWS:
        found += lambda_env.problems(cfg)
        found += ecs_problems(cfg)
    if cfg.cloud is Cloud.GCP and cfg.remote_support.enabled and cfg.is_secret("remote_support") \
            and gcp_facts.IAM_MEMBER_ID_NAMES_MEMBER:
        found.append(("remote_support", "cannot stay secret on GCP: each IAM binding's id names its member and "
                      "Pulumi stores ids in plaintext; set it without --secret (principals are not credentials)"))
    if cfg.cloud is Cloud.AWS and cfg.ingress.private_only:
        found.append(("ingress.private_only", "is not available on AWS: the API is served by CloudFront; "
                      "restrict it with ingress.waf_acl"))
    if cfg.cloud is Cloud.GCP:
        found += gcp_ingress_problems(
            private_ingress=cfg.private_ingress, custom_domain=cfg.ingress.custom_domain,
            certificate=cfg.ingress.certificate, waf_policy=cfg.ingress.waf_acl,
            allowed_cidrs=list(cfg.ingress.allowed_cidrs),
        )
    if cfg.cloud is Cloud.AZURE:
        found += [("postgres", m) for m in azure_postgres_storage_problems(
            cfg.sizing.postgres.storage_gb, cfg.sizing.postgres.iops)]
        found += azure_postgres_autogrow_problems(cfg.sizing.postgres.storage_gb, cfg.postgres.max_storage_gb)
        found += azure_ingress_problems(
            private_ingress=cfg.private_ingress, custom_domain=cfg.ingress.custom_domain,
            certificate=cfg.ingress.certificate, waf_policy=cfg.ingress.waf_acl,
        )
    return [Problem(path=path, message=message) for path, message in found]


def _region_problems(cfg: DataPlaneConfig) -> list[Problem]:
    """The region exists for the cloud (cited tables in components/facts/regions) and so do the zones."""
    out: list[Problem] = []
    region = cfg.region
    if not _REGION_PATTERNS[cfg.cloud].match(region):
        return [Problem(path="region", message=f"{given(region)} is not a {cfg.cloud.value} region name")]
    if cfg.cloud is Cloud.AWS and region not in SUPPORTED_REGIONS:
        out.append(Problem(path="region", message=(
            f"{given(region)} has no Braintrust Lambda bundles; supported: {', '.join(SUPPORTED_REGIONS)}")))
    if cfg.cloud is Cloud.GCP and regions.gcp_zone_names(region) is None and not cfg.zones:
        out.append(Problem(path="region", message=(
            f"{given(region)} is not in the GCP zone table (components/facts/regions.py); if it is a GCP region, "
            f"list its zones in zones (e.g. [{region}-a, {region}-b, {region}-c])")))
    if cfg.cloud is Cloud.AZURE and regions.azure_has_zones(region) is None:
        out.append(Problem(path="region", message=(
            f"{given(region)} is not an Azure region (programmatic name, e.g. eastus2; components/facts/regions.py)")))
    if cfg.cloud is Cloud.AZURE and regions.azure_has_zones(region) is False and (cfg.production or cfg.zones):
        out.append(Problem(path="region", message=(
            f"{given(region)} has no availability zones; production (zone-redundant PostgreSQL, nodes in three "
            "zones) and explicit zones need a region that has them (e.g. eastus2, westeurope)")))
        return out
    return out + _zone_problems(cfg)


def _zone_problems(cfg: DataPlaneConfig) -> list[Problem]:
    explicit = cfg.zones is not None
    zones = cfg.zones if explicit else cfg.zone_names
    assert zones is not None
    out: list[Problem] = []
    if len(set(zones)) != len(zones):
        out.append(Problem(path="zones", message="contains duplicates"))
    # Production spreads over three zones; on AWS even staging needs two (RDS and ElastiCache subnet groups).
    # AWS defaults are resolved at deploy time (three AZs), so only explicit lists are counted there.
    # Defaults are counted where the program derives them: AWS resolves AZs at deploy time; an Azure region
    # without availability zones runs staging regionally (production is refused there); a GCP region
    # missing from the table is reported by the region rule.
    minimum = 3 if cfg.production else 2 if cfg.cloud is Cloud.AWS else 1
    derived_elsewhere = cfg.cloud is Cloud.AWS or (cfg.cloud is Cloud.AZURE and not zones) or (
        cfg.cloud is Cloud.GCP and regions.gcp_zone_names(cfg.region) is None)
    if (explicit or not derived_elsewhere) and len(zones) < minimum:
        out.append(Problem(path="zones", message=f"needs at least {minimum} zones in {cfg.size.value} "
                           f"(given: {len(zones)})"))
    known = regions.gcp_zone_names(cfg.region) if cfg.cloud is Cloud.GCP else None
    for i, zone in enumerate(zones if explicit else []):
        ok = {
            Cloud.AWS: re.fullmatch(re.escape(cfg.region) + "[a-z]", zone) is not None,
            Cloud.GCP: zone in known if known is not None else re.fullmatch(
                re.escape(cfg.region) + "-[a-z]", zone) is not None,
            Cloud.AZURE: zone in regions.AZURE_ZONES,
        }[cfg.cloud]
        if not ok:
            choices = f"; one of {', '.join(known)}" if known else ""
            out.append(Problem(path=f"zones[{i}]", message=f"{given(zone)} is not a zone of {cfg.region}{choices}"))
    return out


def warnings(cfg: DataPlaneConfig, today: dt.date) -> list[str]:
    """Non-fatal findings printed with pulumi.log.warn before deploying."""
    out = []
    state, message = release_freshness(cfg.release, today)
    if state in ("stale", "expired") and message:
        out.append(message)
    out += production.danger_warnings(cfg)
    support = cfg.remote_support
    if support.enabled and support.expires_on is not None and support.expires_on <= today:
        out.append(f"remote_support.expires_on ({support.expires_on}) has passed: this update removes the remote "
                   "support grants; set remote_support.enabled: false, or a new date to renew them")
    if cfg.production and not conformance.prefers_arm(cfg.cloud, cfg.size, cfg.sizing):
        out.append("Brainstore readers are not on ARM; the seed recommends ARM for production")
    if not cfg.telemetry.enabled:
        out.append("telemetry is off: Braintrust cannot see health or indexing lag of this data plane")
    if cfg.cloud is not Cloud.AWS:
        from components.kubernetes.values import kubernetes_labels

        dropped = kubernetes_labels(cfg.tags)[1]
        if dropped:
            out.append(f"tags {', '.join(given(k) for k in dropped)} are not valid Kubernetes labels: they are set "
                       "on cloud resources but not on the Kubernetes objects")
    return out
