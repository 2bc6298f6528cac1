"""Typed inputs of the Kubernetes workloads component (`braintrust:kubernetes:Workloads`).

This is the contract between the cloud data planes (GCP, Azure, or a cluster the user brings) and the
component that installs Braintrust's official Helm chart. It is kept stable: changes are additive only.

The cloud component builds the cluster, pools, buckets, identities and data stores, then hands their
names/ids (plain strings or ``pulumi.Output``) to ``WorkloadsArgs``. Everything size-related comes from
``cfg.sizing`` (one source of truth); the component derives pod shapes from the node SKUs.

GKE (from the GCP data plane)::

    from components.kubernetes.args import (
        BrainstorePlacement, CloudMode, GcsStorage, GoogleIdentities, InternalLoadBalancer,
        KubernetesSecretValues, Placement, PostgresConnection, RedisConnection, Taint, WorkloadsArgs,
    )
    from components.kubernetes.workloads import Workloads

    args = WorkloadsArgs(
        cloud=CloudMode.GOOGLE,
        namespace="braintrust",
        release=cfg.release, org=cfg.org, telemetry=cfg.telemetry,
        sizing=cfg.sizing, production=cfg.production,
        api_placement=Placement.gke_pool(services_pool.name),
        brainstore_placement=BrainstorePlacement(
            reader=Placement.gke_pool(reader_pool.name, taints=(Taint("braintrust.dev/role", "reader"),)),
            writer=Placement.gke_pool(writer_pool.name, taints=(Taint("braintrust.dev/role", "writer"),)),
        ),
        storage=GcsStorage(brainstore_bucket=bs_bucket.name, api_bucket=api_bucket.name,
                           location=cfg.region),
        identities=GoogleIdentities(brainstore_service_account=bs_gsa.email,
                                    api_service_account=api_gsa.email),
        secrets=KubernetesSecretValues(
            postgres=PostgresConnection(host=sql.private_ip_address, user=user.name,
                                        password=user.password, database=db.name),
            redis=RedisConnection(host=redis.host, port=redis.port, password=redis.auth_string, tls=True,
                                  ca_certificate=redis.server_ca_pem),  # -> TLS sidecar, see redis_tls.py
            brainstore_license_key=secrets.brainstore_license_key,
            function_secret_key=function_key.result,
        ),
        load_balancer=InternalLoadBalancer(allowed_cidrs=[str(c) for c in cfg.ingress.allowed_cidrs]),
        labels=cfg.all_tags,
        chart_depends_on=[reader_pool, writer_pool, services_pool, wi_binding],
    )
    workloads = Workloads(f"{cfg.deployment_name}-k8s", args,
                          opts=pulumi.ResourceOptions(parent=self, providers={"kubernetes": k8s_provider}))

AKS (from the Azure data plane; secrets synced from Key Vault by the chart's CSI SecretProviderClass)::

    args = WorkloadsArgs(
        cloud=CloudMode.AZURE,
        namespace="braintrust",
        release=cfg.release, org=cfg.org, telemetry=cfg.telemetry,
        sizing=cfg.sizing, production=cfg.production,
        api_placement=Placement.aks_pool(services_pool.name),
        brainstore_placement=BrainstorePlacement(
            reader=Placement.aks_pool(reader_pool.name, taints=(Taint("braintrust.dev/role", "reader"),)),
            writer=Placement.aks_pool(writer_pool.name, taints=(Taint("braintrust.dev/role", "writer"),)),
        ),
        storage=AzureBlobStorage(storage_account_name=account.name),
        identities=AzureIdentities(client_id=identity.client_id, tenant_id=tenant_id),
        secrets=KeyVaultSecrets(key_vault_name=vault.name),   # KV secrets named per KEY_VAULT_SECRET_NAMES
        labels=cfg.all_tags,
        chart_depends_on=[*kv_secrets, kv_role_assignment, *federated_credentials, acstor_extension],
    )

Helpers the cloud components need for identity wiring (same names the chart renders):
``API_SERVICE_ACCOUNT``, ``BRAINSTORE_SERVICE_ACCOUNT``, ``service_account_subjects(namespace)`` (Azure
federated credentials) and ``gke_workload_identity_members(project, namespace)`` (GKE IAM bindings).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import pulumi

from components.config.access import OrgConfig, TelemetryConfig
from components.config.kubernetes import image_reference_problem
from components.config.release import ReleaseConfig
from components.config.url_security import UrlSecurityConfig
from components.facts import kubernetes as k8s_facts
from components.sizing.model import Sizing
from components.tags import Tags

# ----- facts of the chart (braintrustdata/helm, braintrust/values.yaml) shared with the cloud components -----

CHART = "oci://public.ecr.aws/braintrust/helm/braintrust"
DEFAULT_NAMESPACE = "braintrust"
# The chart hard-codes these ServiceAccount names (api.serviceAccount.name / brainstore.serviceAccount.name);
# GKE Workload Identity bindings and Azure federated credentials must name exactly these.
API_SERVICE_ACCOUNT = "braintrust-api"
BRAINSTORE_SERVICE_ACCOUNT = "brainstore"
# The Secret every chart pod reads with secretKeyRef; the chart never creates it.
SECRET_NAME = "braintrust-secrets"
# Key Vault secret names the chart's SecretProviderClass reads by default (azureKeyVaultDriver.secrets),
# mapped to the key they get in `braintrust-secrets`. The Azure data plane must create these secrets.
KEY_VAULT_SECRET_NAMES: Mapping[str, str] = {
    "redis-connection-string": "REDIS_URL",
    "postgres-connection-string": "PG_URL",
    "brainstore-license-key": "BRAINSTORE_LICENSE_KEY",
    "function-secret-key": "FUNCTION_SECRET_KEY",
    "azure-storage-connection-string": "AZURE_STORAGE_CONNECTION_STRING",
}
# Oldest Kubernetes minor our own objects are validated against (tests) and Pod Security is pinned to.
MIN_KUBERNETES_VERSION = "1.33"
# The chart rolls every Deployment out with maxSurge 100% / maxUnavailable 0 (hard-coded), and each
# Brainstore pod needs a node of its own: a Brainstore pool whose autoscaler maximum leaves no spare
# node deadlocks every rollout. One spare suffices (each new pod that turns ready frees an old node).
ROLLOUT_SPARE_NODES = 1
# Node labels the managed clusters put on every node of a pool.
GKE_POOL_LABEL = "cloud.google.com/gke-nodepool"
AKS_POOL_LABEL = "kubernetes.azure.com/agentpool"
# Envoy's official distroless image (runs as uid 65532): the Redis TLS sidecar. Pinned by tag; the digest is
# a config value (kubernetes.redis_tls_proxy.image_digest), see components/facts/kubernetes.py.
REDIS_TLS_PROXY_IMAGE = k8s_facts.REDIS_TLS_PROXY_IMAGE

_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class CloudMode(StrEnum):
    """The chart's `cloud` switch (it spells GCP "google")."""

    GOOGLE = "google"
    AZURE = "azure"


# ----- placement -----


@dataclass(frozen=True)
class Taint:
    """A taint on a node pool; the pods placed there get the matching toleration."""

    key: str
    value: str
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] = "NoSchedule"


@dataclass(frozen=True)
class Placement:
    """The node pool one workload runs on, identified by node labels (+ the pool's taints).

    The CPU architecture is not given here: it is read from the pool's SKU in ``cfg.sizing`` (an ARM
    pool gets the arm64 toleration GKE requires, and an arch nodeSelector).
    """

    node_selector: Mapping[str, pulumi.Input[str]]
    taints: tuple[Taint, ...] = ()

    @staticmethod
    def gke_pool(pool_name: pulumi.Input[str], taints: tuple[Taint, ...] = ()) -> Placement:
        return Placement(node_selector={GKE_POOL_LABEL: pool_name}, taints=taints)

    @staticmethod
    def aks_pool(pool_name: pulumi.Input[str], taints: tuple[Taint, ...] = ()) -> Placement:
        return Placement(node_selector={AKS_POOL_LABEL: pool_name}, taints=taints)


@dataclass(frozen=True)
class BrainstorePlacement:
    """One dedicated pool per Brainstore role (seed: each Brainstore pod on its own node).

    ``fast_reader`` defaults to the reader pool. In staging (combined reader/writer, writer count 0) the
    writer placement is unused; pass the reader's.
    """

    reader: Placement
    writer: Placement
    fast_reader: Placement | None = None


# ----- object storage -----


@dataclass(frozen=True)
class GcsStorage:
    """GCS buckets (bare names; the chart adds gs:// and prefixes)."""

    brainstore_bucket: pulumi.Input[str]
    api_bucket: pulumi.Input[str]  # responses (response/), code bundles (code-bundle/), brainstore-cache
    location: str  # bucket region, lowercase (e.g. us-central1): AWS_REGION for the S3-compatible HMAC mode


@dataclass(frozen=True)
class AzureBlobStorage:
    """Storage account + containers (defaults = the chart's and the Azure Terraform module's names)."""

    storage_account_name: pulumi.Input[str]
    brainstore_container: pulumi.Input[str] = "brainstore"
    response_container: pulumi.Input[str] = "responses"
    code_bundle_container: pulumi.Input[str] = "code-bundles"


# ----- identities -----


@dataclass(frozen=True)
class GoogleIdentities:
    """GKE Workload Identity: Google service account emails the Kubernetes ServiceAccounts impersonate.

    ``gcs_auth="workload_identity"`` (default) makes the API use GCS natively through its GSA; "hmac"
    uses the S3-compatible endpoint with the HMAC key passed in ``KubernetesSecretValues.gcs_hmac``.
    """

    brainstore_service_account: pulumi.Input[str]
    api_service_account: pulumi.Input[str] | None = None
    gcs_auth: Literal["workload_identity", "hmac"] = "workload_identity"


@dataclass(frozen=True)
class AzureIdentities:
    """Azure Workload Identity: one user-assigned identity for the API, Brainstore and the Key Vault CSI.

    It needs "Storage Blob Data Contributor" on the account, "Key Vault Secrets User" on the vault, and
    federated credentials for ``service_account_subjects(namespace)``.
    """

    client_id: pulumi.Input[str]
    tenant_id: pulumi.Input[str]


# ----- secrets -----


@dataclass(frozen=True)
class PostgresConnection:
    """Parts of the PostgreSQL URL; the component builds it with sslmode=require and escapes the password."""

    host: pulumi.Input[str]
    user: pulumi.Input[str]
    password: pulumi.Input[str]
    database: pulumi.Input[str]
    port: pulumi.Input[int] = 5432


@dataclass(frozen=True)
class RedisConnection:
    """Parts of the Redis URL: rediss:// when ``tls`` (set it whenever the server offers TLS).

    ``ca_certificate``: PEM of the private CA that signs the server certificate (Memorystore's
    per-instance CA). With ``tls`` and a CA, every API and Brainstore pod reaches Redis through a TLS
    sidecar that verifies the server against this CA, and REDIS_URL points at the sidecar on
    127.0.0.1 (components/kubernetes/redis_tls.py): Brainstore cannot be given a CA file otherwise.
    Leave it None for servers with publicly trusted certificates (Azure Cache, ElastiCache).
    """

    host: pulumi.Input[str]
    port: pulumi.Input[int]
    password: pulumi.Input[str] | None
    tls: bool
    ca_certificate: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class GcsHmacKey:
    access_id: pulumi.Input[str]
    secret: pulumi.Input[str]


@dataclass(frozen=True)
class KubernetesSecretValues:
    """Non-Azure mode: the component creates `braintrust-secrets` (before the chart) from these values.

    Every value is wrapped as a Pulumi secret by the component; pass Outputs straight from resources.
    """

    postgres: PostgresConnection
    redis: RedisConnection
    brainstore_license_key: pulumi.Input[str]
    function_secret_key: pulumi.Input[str]
    gcs_hmac: GcsHmacKey | None = None  # only with GoogleIdentities(gcs_auth="hmac")


@dataclass(frozen=True)
class KeyVaultSecrets:
    """Azure mode: the chart's SecretProviderClass syncs `braintrust-secrets` from this Key Vault.

    The vault must hold the secrets named in ``KEY_VAULT_SECRET_NAMES`` (build the URL values with
    ``components.kubernetes.connection_urls``) before the chart installs: list them in chart_depends_on.
    """

    key_vault_name: pulumi.Input[str]


# ----- exposure -----


@dataclass(frozen=True)
class InternalLoadBalancer:
    """The API as an internal (VNet/VPC-only) L4 load balancer Service, owned by this component.

    The cloud's internal-LB annotation is always set; ``extra_annotations`` adds e.g. an Azure Private
    Link Service or a static IP. ``allowed_cidrs`` becomes loadBalancerSourceRanges when non-empty.
    """

    port: int = 8000
    allowed_cidrs: Sequence[str] = ()
    extra_annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


# ----- the whole contract -----


@dataclass(frozen=True)
class WorkloadsArgs:
    cloud: CloudMode
    namespace: str
    release: ReleaseConfig  # chart version + image tags (cfg.release)
    org: OrgConfig  # cfg.org
    telemetry: TelemetryConfig  # cfg.telemetry
    sizing: Sizing  # cfg.sizing: API replicas/size, Brainstore SKUs + counts, cache_fraction
    production: bool  # cfg.production
    api_placement: Placement
    brainstore_placement: BrainstorePlacement
    storage: GcsStorage | AzureBlobStorage
    identities: GoogleIdentities | AzureIdentities
    secrets: KubernetesSecretValues | KeyVaultSecrets
    labels: Tags = field(default_factory=dict)  # cfg.all_tags; invalid label values are dropped
    load_balancer: InternalLoadBalancer = field(default_factory=InternalLoadBalancer)
    # "standard" (our node pools) or "autopilot" (the chart then selects local-SSD C4/C4D nodes itself).
    google_mode: Literal["standard", "autopilot"] = "standard"
    autopilot_machine_family: Literal["c4", "c4d"] = "c4"
    # New installs use object storage for Brainstore locks. NEVER change it on an existing deployment
    # (chart warning: data corruption); a deployment adopted from the Terraform modules may need "redis".
    locks_backend: Literal["objectStorage", "redis"] = "objectStorage"
    # Resources the chart's pods need before they start (node pools, IAM/WI bindings, KV secrets, CSI addon).
    chart_depends_on: Sequence[pulumi.Resource] = ()
    # The Redis TLS sidecar's image (used only with RedisConnection.ca_certificate): a version tag and/or a
    # sha256 digest (cfg.kubernetes.redis_tls_proxy.reference); a mirror where nodes cannot pull Docker Hub.
    redis_tls_proxy_image: str = REDIS_TLS_PROXY_IMAGE
    # SSRF protection for user-supplied URLs (cfg.url_security); the default rejects URLs that
    # resolve into private, loopback, link-local or metadata addresses.
    url_security: UrlSecurityConfig = field(default_factory=UrlSecurityConfig)

    def __post_init__(self) -> None:
        problems = args_problems(self)
        if problems:
            raise ValueError("invalid WorkloadsArgs: " + "; ".join(problems))


def args_problems(args: WorkloadsArgs) -> list[str]:
    """Static checks on the args (values known at construction). Outputs are checked when they resolve."""
    problems: list[str] = []
    if not _DNS_LABEL.match(args.namespace):
        problems.append(f"namespace {args.namespace!r} is not a DNS label (lowercase, <= 63)")
    if not args.release.helm_chart_version:
        problems.append("release.helm_chart_version is required (the chart version to install)")
    if args.sizing.api is None:
        problems.append("sizing.api is missing (the API size of a Kubernetes preset)")
    if args.cloud is CloudMode.GOOGLE:
        if not isinstance(args.storage, GcsStorage):
            problems.append("cloud google needs storage=GcsStorage(...)")
        if not isinstance(args.identities, GoogleIdentities):
            problems.append("cloud google needs identities=GoogleIdentities(...)")
        else:
            ids = args.identities
            if ids.brainstore_service_account == "":
                problems.append("identities.brainstore_service_account is empty (the chart requires it)")
            if ids.gcs_auth == "workload_identity" and not ids.api_service_account:
                problems.append("identities.api_service_account is required with gcs_auth=workload_identity")
            hmac = args.secrets.gcs_hmac if isinstance(args.secrets, KubernetesSecretValues) else None
            if ids.gcs_auth == "hmac" and hmac is None:
                problems.append("gcs_auth=hmac needs secrets.gcs_hmac (the API's HMAC key)")
            if ids.gcs_auth == "workload_identity" and hmac is not None:
                problems.append("secrets.gcs_hmac is set but gcs_auth is workload_identity; drop the key")
        if isinstance(args.secrets, KeyVaultSecrets):
            problems.append("Key Vault secrets are Azure-only; on google pass KubernetesSecretValues")
    else:
        if not isinstance(args.storage, AzureBlobStorage):
            problems.append("cloud azure needs storage=AzureBlobStorage(...)")
        if not isinstance(args.identities, AzureIdentities):
            problems.append("cloud azure needs identities=AzureIdentities(...)")
        elif args.identities.client_id == "" or args.identities.tenant_id == "":
            problems.append("identities.client_id and tenant_id must not be empty (workload identity)")
        if isinstance(args.secrets, KubernetesSecretValues) and args.secrets.gcs_hmac is not None:
            problems.append("secrets.gcs_hmac is GCS-only")
        if args.google_mode != "standard":
            problems.append("google_mode applies to cloud google only")
    if isinstance(args.secrets, KubernetesSecretValues):
        redis = args.secrets.redis
        if redis.ca_certificate is not None and not redis.tls:
            problems.append("secrets.redis.ca_certificate is set but tls is off; a CA only applies with TLS")
        if redis.ca_certificate == "":
            problems.append("secrets.redis.ca_certificate is empty (pass the server CA PEM, or None)")
    image_problem = image_reference_problem(args.redis_tls_proxy_image)
    if image_problem:
        problems.append(f"redis_tls_proxy_image: {image_problem}")
    return problems


def brainstore_pool_max_nodes(pods: int) -> int:
    """Smallest autoscaler maximum for a Brainstore pool running ``pods`` (one per node) that can roll out."""
    return pods + ROLLOUT_SPARE_NODES


def service_account_subjects(namespace: str) -> list[str]:
    """OIDC subjects of the chart's ServiceAccounts (Azure federated identity credentials)."""
    return [f"system:serviceaccount:{namespace}:{sa}" for sa in (API_SERVICE_ACCOUNT, BRAINSTORE_SERVICE_ACCOUNT)]


def gke_workload_identity_members(project_id: str, namespace: str) -> dict[str, str]:
    """IAM members for roles/iam.workloadIdentityUser on each GSA, keyed by Kubernetes ServiceAccount."""
    return {
        sa: f"serviceAccount:{project_id}.svc.id.goog[{namespace}/{sa}]"
        for sa in (API_SERVICE_ACCOUNT, BRAINSTORE_SERVICE_ACCOUNT)
    }
