"""GCP rules (pulumi-gcp 10.x resource types and camelCase properties)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import Severity

from .common import (
    MANDATORY,
    Config,
    Resource,
    ResourceRule,
    Setting,
    as_strings,
    is_map,
    is_set,
    is_true,
    items,
    open_network_setting,
    open_ranges,
    outside,
    port_range,
)

FAMILY = "gcp"

SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
REDIS = "gcp:redis/instance:Instance"
BUCKET = "gcp:storage/bucket:Bucket"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
FIREWALL = "gcp:compute/firewall:Firewall"
SA_KEY = "gcp:serviceaccount/key:Key"
SECRET = "gcp:secretmanager/secret:Secret"
IAM_MEMBERS = (
    "gcp:projects/iAMMember:IAMMember", "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:secretmanager/secretIamMember:SecretIamMember",
)
IAM_BINDINGS = (
    "gcp:projects/iAMBinding:IAMBinding", "gcp:storage/bucketIAMBinding:BucketIAMBinding",
    "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding", "gcp:serviceaccount/iAMBinding:IAMBinding",
)
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
PRIMITIVE_ROLES = ("roles/owner", "roles/editor", "roles/viewer")

TLS_MODES = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


# ----- Cloud SQL -----


def _sql_private(r: Resource, _: Config) -> Iterator[str]:
    ip = r.get("settings.ipConfiguration")
    # ipv4Enabled defaults to true on the API: only an explicit false closes the public IP.
    if not is_map(ip) or ip.get("ipv4Enabled") is not False:
        yield "settings.ipConfiguration.ipv4Enabled must be false (no public IP)"
    if not is_set(r.get("settings.ipConfiguration.privateNetwork")):
        yield "settings.ipConfiguration.privateNetwork must name the VPC (private IP via service networking)"
    networks = items(r.get("settings.ipConfiguration.authorizedNetworks"))
    if networks:
        yield "settings.ipConfiguration.authorizedNetworks must be empty"


def _sql_tls(r: Resource, _: Config) -> Iterator[str]:
    mode = r.get("settings.ipConfiguration.sslMode")
    if mode not in TLS_MODES:
        yield f"settings.ipConfiguration.sslMode is {mode!r}; must be ENCRYPTED_ONLY (or client certificates)"


def _sql_cmek(r: Resource, _: Config) -> Iterator[str]:
    if not is_set(r.get("encryptionKeyName")):
        yield "encryptionKeyName must name the deployment's Cloud KMS key"


def _deletion_protection(r: Resource, _: Config) -> Iterator[str]:
    if not r.production:
        return
    if not is_true(r.get("deletionProtection")):
        yield "deletionProtection must be true in production (only danger_disable_deletion_protection turns it off)"
    if r.type == SQL_INSTANCE and not is_true(r.get("settings.deletionProtectionEnabled")):
        yield "settings.deletionProtectionEnabled must be true in production (API-level protection)"


SQL_RULES = [
    ResourceRule(
        "gcp-cloudsql-private-only",
        family=FAMILY,
        description="Cloud SQL has no public IP and no authorized networks; it is reached over private IP only.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="settings.ip_configuration: ipv4_enabled=False, private_network=<VPC self link>, no "
                    "authorized_networks (private services access must exist first).",
        types=(SQL_INSTANCE,), check=_sql_private,
    ),
    ResourceRule(
        "gcp-cloudsql-tls-required",
        family=FAMILY,
        description="Cloud SQL accepts only TLS connections.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="settings.ip_configuration.ssl_mode='ENCRYPTED_ONLY'; clients connect with sslmode=require.",
        types=(SQL_INSTANCE,), check=_sql_tls,
    ),
    ResourceRule(
        "gcp-cloudsql-cmek",
        family=FAMILY,
        description="Cloud SQL data is encrypted with the deployment's Cloud KMS key (CMEK).",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Set encryption_key_name to the CryptoKey id and grant the Cloud SQL service agent "
                    "roles/cloudkms.cryptoKeyEncrypterDecrypter first (CMEK is fixed at creation).",
        types=(SQL_INSTANCE,), check=_sql_cmek,
    ),
    ResourceRule(
        "gcp-deletion-protection",
        family=FAMILY,
        description="Production Cloud SQL and GKE have deletion protection on (Cloud SQL: provider and API level).",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="deletion_protection=True (and settings.deletion_protection_enabled=True on Cloud SQL) in "
                    "production. To tear down, set danger_disable_deletion_protection AND disable this rule.",
        types=(SQL_INSTANCE, CLUSTER), check=_deletion_protection,
    ),
]

# ----- Memorystore, Cloud Storage, KMS, Secret Manager -----


def _redis(r: Resource, _: Config) -> Iterator[str]:
    if r.get("transitEncryptionMode") != "SERVER_AUTHENTICATION":
        yield "transitEncryptionMode must be SERVER_AUTHENTICATION (TLS)"
    if not is_true(r.get("authEnabled")):
        yield "authEnabled must be true (AUTH string required)"
    if not is_set(r.get("customerManagedKey")):
        yield "customerManagedKey must name the deployment's Cloud KMS key"
    if not is_set(r.get("authorizedNetwork")):
        yield "authorizedNetwork must name the deployment's VPC (otherwise the default network is used)"


def _bucket_private(r: Resource, _: Config) -> Iterator[str]:
    if r.get("publicAccessPrevention") != "enforced":
        yield "publicAccessPrevention must be 'enforced'"
    if not is_true(r.get("uniformBucketLevelAccess")):
        yield "uniformBucketLevelAccess must be true (no per-object ACLs)"


def _bucket_cmek(r: Resource, _: Config) -> Iterator[str]:
    if not is_set(r.get("encryption.defaultKmsKeyName")):
        yield "encryption.defaultKmsKeyName must name the deployment's Cloud KMS key"


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)s$")


def _kms_rotation(r: Resource, cfg: Config) -> Iterator[str]:
    if r.get("purpose") not in (None, "ENCRYPT_DECRYPT"):
        return  # only symmetric keys rotate automatically
    period = r.get("rotationPeriod")
    match = _DURATION.match(period) if isinstance(period, str) else None
    if not match:
        yield "rotationPeriod must be set (e.g. '7776000s')"
        return
    days = float(match.group(1)) / 86400
    limit = int(cfg["max_rotation_days"])
    if days > limit:
        yield f"rotationPeriod is {days:g} days; at most {limit}"


def _secret_cmek(r: Resource, _: Config) -> Iterator[str]:
    auto = r.get("replication.auto")
    replicas = items(r.get("replication.userManaged.replicas"))
    if is_map(auto):
        if not is_set(r.get("replication.auto.customerManagedEncryption.kmsKeyName")):
            yield "replication.auto.customerManagedEncryption.kmsKeyName must be set"
    elif replicas:
        for i, replica in enumerate(replicas):
            key = replica.get("customerManagedEncryption") if is_map(replica) else None
            if not (is_map(key) and is_set(key.get("kmsKeyName"))):
                yield f"replication.userManaged.replicas[{i}].customerManagedEncryption.kmsKeyName must be set"
    else:
        yield "replication must be configured with customerManagedEncryption"


DATA_RULES = [
    ResourceRule(
        "gcp-memorystore-secure",
        family=FAMILY,
        description="Memorystore Redis requires TLS and AUTH, uses CMEK, and is attached to the deployment VPC.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="transit_encryption_mode='SERVER_AUTHENTICATION', auth_enabled=True, customer_managed_key="
                    "<CryptoKey id>, authorized_network=<VPC id>; clients use rediss:// and trust the instance CA.",
        types=(REDIS,), check=_redis,
    ),
    ResourceRule(
        "gcp-storage-not-public",
        family=FAMILY,
        description="Cloud Storage buckets enforce public access prevention and uniform bucket-level access.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="public_access_prevention='enforced', uniform_bucket_level_access=True.",
        types=(BUCKET,), check=_bucket_private,
    ),
    ResourceRule(
        "gcp-storage-cmek",
        family=FAMILY,
        description="Cloud Storage buckets encrypt new objects with the deployment's Cloud KMS key.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="encryption={'default_kms_key_name': <CryptoKey id>} after granting the GCS service agent "
                    "encrypter/decrypter on the key.",
        types=(BUCKET,), check=_bucket_cmek,
    ),
    ResourceRule(
        "gcp-kms-rotation",
        family=FAMILY,
        description="Cloud KMS keys rotate automatically.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="Set rotation_period (seconds, e.g. '7776000s' for 90 days) on gcp.kms.CryptoKey.",
        types=(CRYPTO_KEY,), check=_kms_rotation,
        settings={"max_rotation_days": Setting("integer", 365, "Longest allowed rotation period.",
                                               {"minimum": 1})},
    ),
    ResourceRule(
        "gcp-secret-manager-cmek",
        family=FAMILY,
        description="Secret Manager secrets are encrypted with the deployment's Cloud KMS key.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="replication.user_managed.replicas[*].customer_managed_encryption.kms_key_name = a key in the "
                    "replica's location (or replication.auto.customer_managed_encryption for a global key).",
        types=(SECRET,), check=_secret_cmek,
    ),
]

# ----- GKE -----


def _gke_private_nodes(r: Resource, _: Config) -> Iterator[str]:
    if r.type == NODE_POOL:
        if r.get("networkConfig.enablePrivateNodes") is False:
            yield "networkConfig.enablePrivateNodes must not be false (nodes would get public IPs)"
        return
    if not is_true(r.get("privateClusterConfig.enablePrivateNodes")):
        yield "privateClusterConfig.enablePrivateNodes must be true (nodes without public IPs)"


def _gke_control_plane(r: Resource, cfg: Config) -> Iterator[str]:
    if is_true(r.get("privateClusterConfig.enablePrivateEndpoint")):
        return
    config = r.get("masterAuthorizedNetworksConfig")
    blocks = [str(b.get("cidrBlock")) for b in items(r.get("masterAuthorizedNetworksConfig.cidrBlocks")) if is_map(b)]
    if not is_map(config):
        yield "masterAuthorizedNetworksConfig must restrict the public control-plane endpoint (or make it private)"
        return
    if is_true(config.get("gcpPublicCidrsAccessEnabled")):
        yield "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled must not be true"
    public = open_ranges(blocks, int(cfg["min_prefix_length"]))
    if public:
        yield f"masterAuthorizedNetworksConfig admits the internet: {', '.join(public)}"


def _gke_workload_identity(r: Resource, _: Config) -> Iterator[str]:
    if r.type == CLUSTER:
        if not is_set(r.get("workloadIdentityConfig.workloadPool")):
            yield "workloadIdentityConfig.workloadPool must be set (<project>.svc.id.goog)"
        return
    mode = r.get("nodeConfig.workloadMetadataConfig.mode")
    if mode != "GKE_METADATA":
        yield f"nodeConfig.workloadMetadataConfig.mode is {mode!r}; must be GKE_METADATA (hides node credentials)"


def _gke_network_policy(r: Resource, _: Config) -> Iterator[str]:
    if r.get("datapathProvider") == "ADVANCED_DATAPATH":
        return  # Dataplane V2 enforces NetworkPolicy natively
    if not is_true(r.get("networkPolicy.enabled")):
        yield "NetworkPolicy enforcement must be on: datapathProvider='ADVANCED_DATAPATH' (or networkPolicy.enabled)"


def _gke_secrets(r: Resource, _: Config) -> Iterator[str]:
    if r.get("databaseEncryption.state") != "ENCRYPTED" or not is_set(r.get("databaseEncryption.keyName")):
        yield "databaseEncryption must be state=ENCRYPTED with keyName = the deployment's Cloud KMS key"


def _boot_disk_cmek(r: Resource, _: Config) -> Iterator[str]:
    if not is_set(r.get("nodeConfig.bootDiskKmsKey")):
        yield "nodeConfig.bootDiskKmsKey must name the deployment's Cloud KMS key"


def _gke_legacy_auth(r: Resource, _: Config) -> Iterator[str]:
    if is_true(r.get("enableLegacyAbac")):
        yield "enableLegacyAbac must be false"
    if is_true(r.get("masterAuth.clientCertificateConfig.issueClientCertificate")):
        yield "masterAuth.clientCertificateConfig.issueClientCertificate must be false"
    if r.get("enableShieldedNodes") is False:
        yield "enableShieldedNodes must not be false"


GKE_RULES = [
    ResourceRule(
        "gcp-gke-private-nodes",
        family=FAMILY,
        description="GKE nodes have no public IP addresses.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="private_cluster_config={'enable_private_nodes': True, 'master_ipv4_cidr_block': ...}; "
                    "egress through Cloud NAT.",
        types=(CLUSTER, NODE_POOL), check=_gke_private_nodes,
    ),
    ResourceRule(
        "gcp-gke-control-plane-restricted",
        family=FAMILY,
        description="The GKE control plane is private or limited to authorized networks (never the internet, whole or "
                    "in broad pieces).",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="master_authorized_networks_config with the operators' CIDRs "
                    "(gcp.cluster.authorized_networks), or private_cluster_config.enable_private_endpoint=True.",
        types=(CLUSTER,), check=_gke_control_plane, settings=open_network_setting(),
    ),
    ResourceRule(
        "gcp-gke-workload-identity",
        family=FAMILY,
        description="Pods get cloud credentials through Workload Identity; nodes hide their metadata credentials.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="workload_identity_config={'workload_pool': f'{project}.svc.id.goog'} on the cluster and "
                    "node_config.workload_metadata_config.mode='GKE_METADATA' on every node pool.",
        types=(CLUSTER, NODE_POOL), check=_gke_workload_identity,
    ),
    ResourceRule(
        "gcp-gke-network-policy",
        family=FAMILY,
        description="GKE enforces Kubernetes NetworkPolicy (Dataplane V2).",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="datapath_provider='ADVANCED_DATAPATH' at cluster creation.",
        types=(CLUSTER,), check=_gke_network_policy,
    ),
    ResourceRule(
        "gcp-gke-secrets-encryption",
        family=FAMILY,
        description="Kubernetes Secrets in etcd are encrypted with the deployment's Cloud KMS key.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="database_encryption={'state': 'ENCRYPTED', 'key_name': <CryptoKey id>} after granting the "
                    "GKE service agent encrypter/decrypter on the key.",
        types=(CLUSTER,), check=_gke_secrets,
    ),
    ResourceRule(
        "gcp-gke-boot-disks-cmek",
        family=FAMILY,
        description="GKE node boot disks are encrypted with the deployment's Cloud KMS key.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="node_config.boot_disk_kms_key=<CryptoKey id> on every node pool (the Compute Engine "
                    "service agent needs encrypter/decrypter on the key).",
        types=(NODE_POOL,), check=_boot_disk_cmek,
    ),
    ResourceRule(
        "gcp-gke-no-legacy-auth",
        family=FAMILY,
        description="GKE has no legacy ABAC, no client certificates and keeps shielded nodes.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="Leave enable_legacy_abac and issue_client_certificate off and enable_shielded_nodes on.",
        types=(CLUSTER,), check=_gke_legacy_auth,
    ),
]

# ----- network and identity -----


def _firewall(r: Resource, cfg: Config) -> Iterator[str]:
    if r.get("direction") not in (None, "INGRESS") or is_true(r.get("disabled")):
        return
    public = open_ranges(as_strings(r.get("sourceRanges")), int(cfg["min_prefix_length"]))
    if not public:
        return
    allowed = [int(p) for p in cfg["allowed_public_ports"]]
    for i, allow in enumerate(items(r.get("allows"))):
        if not is_map(allow):
            continue
        ports = as_strings(allow.get("ports"))
        ranges = [port_range(p) for p in ports] if ports else [(0, 65535)]
        for found in ranges:
            gaps = outside(found or (0, 65535), allowed)
            if gaps:
                yield f"allows[{i}] opens {allow.get('protocol')} port(s) {', '.join(gaps)} to {', '.join(public)}"


def _iam(r: Resource, _: Config) -> Iterator[str]:
    members = as_strings(r.get("member")) + as_strings(r.get("members"))
    public = [m for m in members if m in PUBLIC_MEMBERS]
    if public:
        yield f"grants {r.get('role')} to {', '.join(public)} (anyone on the internet)"
    if r.get("role") in PRIMITIVE_ROLES:
        yield f"grants the primitive role {r.get('role')}; grant a predefined role scoped to the need"


def _no_sa_keys(r: Resource, _: Config) -> Iterator[str]:
    yield f"service account key {r.name}: long-lived credentials; use Workload Identity"


NETWORK_RULES = [
    ResourceRule(
        "gcp-firewall-no-public-ingress",
        family=FAMILY,
        description="No VPC firewall rule admits the internet except on the allowed web ports.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="Use source_ranges of the load balancer/health-check ranges (35.191.0.0/16, 130.211.0.0/22) "
                    "or internal CIDRs, never 0.0.0.0/0 on data or SSH ports.",
        types=(FIREWALL,), check=_firewall,
        settings={"allowed_public_ports": Setting("array", [80, 443], "Ports that may face the internet.",
                                                  {"items": {"type": "integer"}}),
                  **open_network_setting()},
    ),
    ResourceRule(
        "gcp-iam-least-privilege",
        family=FAMILY,
        description="No IAM grant to allUsers/allAuthenticatedUsers and no primitive owner/editor/viewer roles.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="Grant predefined roles (roles/storage.objectAdmin, roles/cloudkms.cryptoKeyEncrypterDecrypter, "
                    "...) to the workload's service account on the one resource it uses.",
        types=(*IAM_MEMBERS, *IAM_BINDINGS), check=_iam,
    ),
    ResourceRule(
        "gcp-no-service-account-keys",
        family=FAMILY,
        description="No service account keys are created: workloads use Workload Identity.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Delete the gcp.serviceaccount.Key and bind the Kubernetes service account with "
                    "roles/iam.workloadIdentityUser instead.",
        types=(SA_KEY,), check=_no_sa_keys,
    ),
]

RULES: list[ResourceRule] = [*SQL_RULES, *DATA_RULES, *GKE_RULES, *NETWORK_RULES]
