"""Azure rules (pulumi-azure-native 3.x resource types and camelCase input properties)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from pulumi_policy import Severity

from .common import (
    ADVISORY,
    MANDATORY,
    SIZE_TAG,
    Config,
    Resource,
    ResourceRule,
    Setting,
    StackRule,
    StackViolation,
    as_strings,
    is_map,
    is_set,
    is_true,
    items,
    open_network_setting,
    open_ranges,
    outside,
    plaintext_secret,
    port_range,
    secrets_in_text,
)

FAMILY = "azure"

PG_SERVER = "azure-native:dbforpostgresql:Server"
PG_CONFIGURATION = "azure-native:dbforpostgresql:Configuration"
PG_FIREWALL_RULE = "azure-native:dbforpostgresql:FirewallRule"
REDIS = "azure-native:redis:Redis"
MANAGED_REDIS = "azure-native:redisenterprise:RedisEnterprise"
MANAGED_REDIS_DB = "azure-native:redisenterprise:Database"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_CONTAINER = "azure-native:storage:BlobContainer"
VAULT = "azure-native:keyvault:Vault"
VAULT_KEY = "azure-native:keyvault:Key"
VAULT_SECRET = "azure-native:keyvault:Secret"
# A vault that holds keys only (Managed Redis's CMK: Redis is not a Key Vault trusted service, so it cannot
# reach a firewalled vault; docs/azure.md). Such a vault may stay reachable over the network; the stack rule
# azure-key-only-vaults-hold-no-secrets keeps it key-only.
KEY_ONLY_TAG = "braintrust-key-only-vault"
AKS = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
NSG = "azure-native:network:NetworkSecurityGroup"
SECURITY_RULE = "azure-native:network:SecurityRule"

ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
LOCKS = (
    "azure-native:authorization:ManagementLockByScope",
    "azure-native:authorization:ManagementLockAtResourceLevel",
    "azure-native:authorization:ManagementLockAtResourceGroupLevel",
)
RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
FD_ROUTE = "azure-native:cdn:Route"
FD_ORIGIN = "azure-native:cdn:AFDOrigin"
FD_ORIGIN_GROUP = "azure-native:cdn:AFDOriginGroup"
FD_CUSTOM_DOMAIN = "azure-native:cdn:AFDCustomDomain"
# Azure has no deletion-protection flag on these; a CanNotDelete lock is the cloud-level guard.
LOCKED_IN_PRODUCTION = (PG_SERVER, MANAGED_REDIS, REDIS, STORAGE_ACCOUNT, VAULT)
CLI_SCRIPT = "azure-native:resources:AzureCliScript"
POWERSHELL_SCRIPT = "azure-native:resources:AzurePowerShellScript"
# Built-in roles that administer everything in their scope (role definition GUIDs are global constants).
BROAD_ROLES = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
}
_BROAD_SCOPE = re.compile(r"^/subscriptions/[^/]+(/resourceGroups/[^/]+)?/?$", re.IGNORECASE)

MODERN_TLS = ("1.2", "1.3", "TLS1_2", "TLS1_3", "TLSv1.2", "TLSv1.3")


# ----- PostgreSQL flexible server -----


def _pg_private(r: Resource, _: Config) -> Iterator[str]:
    if r.type == PG_FIREWALL_RULE:
        yield (f"firewall rule {r.name} ({r.get('startIpAddress')}-{r.get('endIpAddress')}) opens the server "
               "to public addresses; use the private endpoint / VNet integration")
        return
    access = r.get("network.publicNetworkAccess")
    if access != "Disabled":
        yield f"network.publicNetworkAccess is {access!r}; must be 'Disabled'"


def _pg_cmk(r: Resource, _: Config) -> Iterator[str]:
    encryption = r.get("dataEncryption")
    if not is_map(encryption) or encryption.get("type") != "AzureKeyVault":
        yield "dataEncryption.type must be 'AzureKeyVault' (customer-managed key)"
        return
    if not is_set(encryption.get("primaryKeyURI")):
        yield "dataEncryption.primaryKeyURI must name the Key Vault key"
    if not is_set(encryption.get("primaryUserAssignedIdentityId")):
        yield "dataEncryption.primaryUserAssignedIdentityId must name the identity allowed to use the key"


def _pg_tls(r: Resource, _: Config) -> Iterator[str]:
    name = r.get("configurationName") or r.name
    value = str(r.get("value") or "").strip().lower()
    if name == "require_secure_transport" and value in ("off", "0", "false"):
        yield "require_secure_transport must stay 'on'"
    if name == "ssl_min_protocol_version" and value and value not in ("tlsv1.2", "tlsv1.3"):
        yield f"ssl_min_protocol_version is {value!r}; must be TLSv1.2 or later"


PG_RULES = [
    ResourceRule(
        "azure-postgres-private",
        family=FAMILY,
        description="Azure Database for PostgreSQL has public network access disabled and no firewall rules.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="network.public_network_access='Disabled' and reach the server through its private endpoint "
                    "(or delegated subnet); delete dbforpostgresql FirewallRule resources.",
        types=(PG_SERVER, PG_FIREWALL_RULE), check=_pg_private,
    ),
    ResourceRule(
        "azure-postgres-cmk",
        family=FAMILY,
        description="PostgreSQL data is encrypted with the deployment's Key Vault key.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="data_encryption={'type': 'AzureKeyVault', 'primary_key_uri': <versionless key URI>, "
                    "'primary_user_assigned_identity_id': <identity id>} (set at creation; the identity needs "
                    "Key Vault Crypto Service Encryption User).",
        types=(PG_SERVER,), check=_pg_cmk,
    ),
    ResourceRule(
        "azure-postgres-tls",
        family=FAMILY,
        description="PostgreSQL server parameters never turn TLS off or allow TLS below 1.2.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Keep require_secure_transport=on and ssl_min_protocol_version=TLSv1.2 (or later).",
        types=(PG_CONFIGURATION,), check=_pg_tls,
    ),
]

# ----- Redis -----


def _redis(r: Resource, _: Config) -> Iterator[str]:
    if r.type == MANAGED_REDIS_DB:
        if r.get("clientProtocol") == "Plaintext":
            yield "clientProtocol must be 'Encrypted' (TLS)"
        return
    if r.get("publicNetworkAccess") != "Disabled":
        yield "publicNetworkAccess must be 'Disabled' (private endpoint only)"
    tls = r.get("minimumTlsVersion")
    if tls is not None and str(tls) not in MODERN_TLS:
        yield f"minimumTlsVersion is {tls!r}; must be 1.2 or later"
    if r.type == REDIS:
        if is_true(r.get("enableNonSslPort")):
            yield "enableNonSslPort must be false"
        if tls is None:
            yield "minimumTlsVersion must be '1.2'"
        return
    if not is_set(r.get("encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl")):
        yield "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl must name the Key Vault key"


REDIS_RULES = [
    ResourceRule(
        "azure-redis-secure",
        family=FAMILY,
        description="Azure Redis is private and TLS-only; Azure Managed Redis also uses the customer-managed key.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="public_network_access='Disabled' with a private endpoint; client_protocol='Encrypted'; "
                    "encryption.customer_managed_key_encryption with the Key Vault key and a user-assigned identity.",
        types=(REDIS, MANAGED_REDIS, MANAGED_REDIS_DB), check=_redis,
    ),
]

# ----- Storage -----


def _storage_private(r: Resource, _: Config) -> Iterator[str]:
    if r.type == BLOB_CONTAINER:
        access = r.get("publicAccess")
        if access not in (None, "None"):
            yield f"publicAccess is {access!r}; must be 'None'"
        return
    if r.get("allowBlobPublicAccess") is not False:
        yield "allowBlobPublicAccess must be false"
    if r.get("publicNetworkAccess") != "Disabled" and r.get("networkRuleSet.defaultAction") != "Deny":
        yield "publicNetworkAccess must be 'Disabled' (or networkRuleSet.defaultAction 'Deny')"


def _storage_tls(r: Resource, _: Config) -> Iterator[str]:
    if r.get("enableHttpsTrafficOnly") is False:
        yield "enableHttpsTrafficOnly must be true"
    tls = r.get("minimumTlsVersion")
    if tls not in ("TLS1_2", "TLS1_3"):
        yield f"minimumTlsVersion is {tls!r}; must be TLS1_2"


def _storage_cmk(r: Resource, _: Config) -> Iterator[str]:
    if r.get("encryption.keySource") != "Microsoft.Keyvault":
        yield "encryption.keySource must be 'Microsoft.Keyvault' (customer-managed key)"
        return
    if not is_set(r.get("encryption.keyVaultProperties.keyVaultUri")) or not is_set(
            r.get("encryption.keyVaultProperties.keyName")):
        yield "encryption.keyVaultProperties must name the vault URI and key"


def _storage_shared_key(r: Resource, _: Config) -> Iterator[str]:
    if r.get("allowSharedKeyAccess") is not False:
        yield "allowSharedKeyAccess should be false (Entra ID only; account keys never expire)"


STORAGE_RULES = [
    ResourceRule(
        "azure-storage-not-public",
        family=FAMILY,
        description="Storage accounts allow no public blob access and no public network access.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="allow_blob_public_access=False, public_network_access='Disabled' (private endpoint), "
                    "containers with public_access='None'.",
        types=(STORAGE_ACCOUNT, BLOB_CONTAINER), check=_storage_private,
    ),
    ResourceRule(
        "azure-storage-tls",
        family=FAMILY,
        description="Storage accounts accept HTTPS only, TLS 1.2 or later.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="enable_https_traffic_only=True, minimum_tls_version='TLS1_2'.",
        types=(STORAGE_ACCOUNT,), check=_storage_tls,
    ),
    ResourceRule(
        "azure-storage-cmk",
        family=FAMILY,
        description="Storage accounts encrypt with the deployment's Key Vault key.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="encryption={'key_source': 'Microsoft.Keyvault', 'key_vault_properties': {...}, "
                    "'encryption_identity': {...}} with a user-assigned identity allowed to use the key.",
        types=(STORAGE_ACCOUNT,), check=_storage_cmk,
    ),
    ResourceRule(
        "azure-storage-no-shared-keys",
        family=FAMILY,
        description="Storage accounts disable shared-key (account key / SAS) authorization.",
        severity=Severity.MEDIUM, enforcement=ADVISORY,
        remediation="allow_shared_key_access=False and grant the workload identities Storage Blob Data roles.",
        types=(STORAGE_ACCOUNT,), check=_storage_shared_key,
    ),
]

# ----- Key Vault -----


def _vault(r: Resource, _: Config) -> Iterator[str]:
    props = r.get("properties")
    if not is_map(props):
        yield "properties must be set"
        return
    if not is_true(props.get("enableRbacAuthorization")):
        yield "properties.enableRbacAuthorization must be true (no access policies)"
    if props.get("enableSoftDelete") is False:
        yield "properties.enableSoftDelete must not be false"
    if r.production and not is_true(props.get("enablePurgeProtection")):
        yield "properties.enablePurgeProtection must be true in production"
    key_only = (r.tags or {}).get(KEY_ONLY_TAG) == "true"
    if (not key_only and props.get("publicNetworkAccess") != "Disabled"
            and r.get("properties.networkAcls.defaultAction") != "Deny"):
        yield ("properties.publicNetworkAccess must be 'Disabled' (or networkAcls.defaultAction 'Deny'), unless the "
               f"vault holds keys only (tag {KEY_ONLY_TAG}=true)")


def _key_only_vaults(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    key_only = {str(r.get("vaultName")) for r in resources
                if r.type == VAULT and (r.tags or {}).get(KEY_ONLY_TAG) == "true" and r.get("vaultName")}
    for r in resources:
        if r.type == VAULT_SECRET and str(r.get("vaultName")) in key_only:
            yield StackViolation(f"secret {r.name} is stored in the key-only vault {r.get('vaultName')}, which is "
                                 "reachable over the network; store secrets in the private vault", r.urn)


def _key_rotation(r: Resource, _: Config) -> Iterator[str]:
    actions = [
        str(a.get("action", {}).get("type", "")).lower()
        for a in items(r.get("properties.rotationPolicy.lifetimeActions")) if is_map(a)
        and is_map(a.get("action"))
    ]
    if "rotate" not in actions:
        yield "properties.rotationPolicy.lifetimeActions must include a 'rotate' action"


VAULT_RULES = [
    ResourceRule(
        "azure-keyvault-hardened",
        family=FAMILY,
        description="Key Vault uses RBAC, soft delete, purge protection in production, and no public network access.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="properties: enable_rbac_authorization=True, enable_soft_delete=True, "
                    "enable_purge_protection=True, public_network_access='Disabled' (or network_acls Deny).",
        types=(VAULT,), check=_vault,
    ),
    StackRule(
        "azure-key-only-vaults-hold-no-secrets",
        family=FAMILY,
        description="A vault reachable over the network (tagged key-only) holds keys and never secrets.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation=f"Store the secret in the private vault, or remove the {KEY_ONLY_TAG} tag and disable public "
                    "network access on this vault.",
        types=(VAULT, VAULT_SECRET), check=_key_only_vaults,
    ),
    ResourceRule(
        "azure-keyvault-key-rotation",
        family=FAMILY,
        description="Key Vault keys rotate automatically (rotation policy with a Rotate action).",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="properties.rotation_policy with lifetime_actions=[{action: {type: 'rotate'}, trigger: "
                    "{time_after_create: 'P1Y'}}]; consumers use the versionless key URI.",
        types=(VAULT_KEY,), check=_key_rotation,
    ),
]

# ----- AKS -----


def _pools(r: Resource) -> list[tuple[str, object]]:
    if r.type == AGENT_POOL:
        return [("pool", r.props)]
    return [(f"agentPoolProfiles[{i}]", p) for i, p in enumerate(items(r.get("agentPoolProfiles")))]


def _aks_api(r: Resource, cfg: Config) -> Iterator[str]:
    if is_true(r.get("apiServerAccessProfile.enablePrivateCluster")):
        return
    ranges = as_strings(r.get("apiServerAccessProfile.authorizedIPRanges"))
    if not ranges:
        yield "the API server must be private (enablePrivateCluster) or limited by authorizedIPRanges"
    public = open_ranges(ranges, int(cfg["min_prefix_length"]))
    if public:
        yield f"apiServerAccessProfile.authorizedIPRanges admits the internet: {', '.join(public)}"


def _aks_identity(r: Resource, _: Config) -> Iterator[str]:
    if not is_true(r.get("oidcIssuerProfile.enabled")):
        yield "oidcIssuerProfile.enabled must be true"
    if not is_true(r.get("securityProfile.workloadIdentity.enabled")):
        yield "securityProfile.workloadIdentity.enabled must be true"
    if r.get("enableRBAC") is False:
        yield "enableRBAC must not be false"
    if not is_true(r.get("aadProfile.managed")) and not is_true(r.get("aadProfile.enableAzureRBAC")):
        yield "aadProfile must enable Entra ID integration (managed / enableAzureRBAC)"


def _aks_local_accounts(r: Resource, _: Config) -> Iterator[str]:
    if not is_true(r.get("disableLocalAccounts")):
        yield "disableLocalAccounts should be true (the static cluster-admin credential stays usable otherwise)"


def _aks_network_policy(r: Resource, _: Config) -> Iterator[str]:
    policy = r.get("networkProfile.networkPolicy")
    if str(policy).lower() not in ("azure", "calico", "cilium"):
        yield f"networkProfile.networkPolicy is {policy!r}; must be azure, calico or cilium"


def _aks_kms(r: Resource, _: Config) -> Iterator[str]:
    if not is_true(r.get("securityProfile.azureKeyVaultKms.enabled")) or not is_set(
            r.get("securityProfile.azureKeyVaultKms.keyId")):
        yield "securityProfile.azureKeyVaultKms must be enabled with keyId = the Key Vault key (etcd encryption)"


def _aks_public_nodes(r: Resource, _: Config) -> Iterator[str]:
    for where, pool in _pools(r):
        if is_map(pool) and is_true(pool.get("enableNodePublicIP")):
            yield f"{where}.enableNodePublicIP must be false"


def _aks_host_encryption(r: Resource, _: Config) -> Iterator[str]:
    for where, pool in _pools(r):
        if is_map(pool) and not is_true(pool.get("enableEncryptionAtHost")):
            yield f"{where}.enableEncryptionAtHost should be true (temp and cache disks encrypted)"


AKS_RULES = [
    ResourceRule(
        "azure-aks-api-restricted",
        family=FAMILY,
        description="The AKS API server is private or limited to authorized IP ranges (never the internet, whole or in "
                    "broad pieces).",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="api_server_access_profile.enable_private_cluster=True, or authorized_ip_ranges = the "
                    "operators' CIDRs (azure.deployer_ip_ranges).",
        types=(AKS,), check=_aks_api, settings=open_network_setting(),
    ),
    ResourceRule(
        "azure-aks-workload-identity",
        family=FAMILY,
        description="AKS uses Entra ID integration with Kubernetes RBAC, and workload identity for pods.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="oidc_issuer_profile.enabled, security_profile.workload_identity.enabled, enable_rbac=True, "
                    "aad_profile={'managed': True, 'enable_azure_rbac': True}.",
        types=(AKS,), check=_aks_identity,
    ),
    ResourceRule(
        "azure-aks-no-local-accounts",
        family=FAMILY,
        description="AKS disables local accounts, so only Entra ID identities can reach the API server.",
        severity=Severity.HIGH, enforcement=ADVISORY,
        remediation="disable_local_accounts=True, and give the deployer an Entra ID credential for the Kubernetes "
                    "provider (kubelogin) instead of listClusterAdminCredential. Advisory: a deployment that "
                    "installs the chart with the admin credential needs local accounts.",
        types=(AKS,), check=_aks_local_accounts,
    ),
    ResourceRule(
        "azure-aks-network-policy",
        family=FAMILY,
        description="AKS enforces Kubernetes NetworkPolicy.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="network_profile.network_policy='cilium' (with network_dataplane='cilium') or 'azure'.",
        types=(AKS,), check=_aks_network_policy,
    ),
    ResourceRule(
        "azure-aks-secrets-encryption",
        family=FAMILY,
        description="Kubernetes Secrets in etcd are encrypted with the deployment's Key Vault key (KMS plugin).",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="security_profile.azure_key_vault_kms={'enabled': True, 'key_id': <versioned key id>, "
                    "'key_vault_network_access': 'Private', 'key_vault_resource_id': ...}.",
        types=(AKS,), check=_aks_kms,
    ),
    ResourceRule(
        "azure-aks-no-public-nodes",
        family=FAMILY,
        description="AKS nodes have no public IP addresses.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Leave enable_node_public_ip unset/False on every agent pool.",
        types=(AKS, AGENT_POOL), check=_aks_public_nodes,
    ),
    ResourceRule(
        "azure-aks-host-encryption",
        family=FAMILY,
        description="AKS node pools encrypt temp/cache disks at the host.",
        severity=Severity.LOW, enforcement=ADVISORY,
        remediation="enable_encryption_at_host=True (register Microsoft.Compute/EncryptionAtHost on the "
                    "subscription first).",
        types=(AKS, AGENT_POOL), check=_aks_host_encryption,
    ),
]

# ----- network -----


def _nsg(r: Resource, cfg: Config) -> Iterator[str]:
    allowed = [int(p) for p in cfg["allowed_public_ports"]]
    rules = [("rule", r.props)] if r.type == SECURITY_RULE else [
        (f"securityRules[{i}]", rule) for i, rule in enumerate(items(r.get("securityRules")))
    ]
    for where, rule in rules:
        if not is_map(rule) or rule.get("direction") != "Inbound" or rule.get("access") != "Allow":
            continue
        sources = as_strings(rule.get("sourceAddressPrefix")) + as_strings(rule.get("sourceAddressPrefixes"))
        public = open_ranges(sources, int(cfg["min_prefix_length"]))
        if not public:
            continue
        ports = as_strings(rule.get("destinationPortRange")) + as_strings(rule.get("destinationPortRanges"))
        for spec in ports or ["*"]:
            gaps = outside(port_range(spec) or (0, 65535), allowed)
            if gaps:
                yield f"{where} ({rule.get('name')}) opens port(s) {', '.join(gaps)} to {', '.join(public)}"


NETWORK_RULES = [
    ResourceRule(
        "azure-nsg-no-public-ingress",
        family=FAMILY,
        description="No network security group admits the internet except on the allowed web ports.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="Allow inbound traffic from VirtualNetwork, AzureLoadBalancer or the operators' CIDRs, "
                    "never from '*'/Internet on data or management ports.",
        types=(NSG, SECURITY_RULE), check=_nsg,
        settings={"allowed_public_ports": Setting("array", [80, 443], "Ports that may face the internet.",
                                                  {"items": {"type": "integer"}}),
                  **open_network_setting()},
    ),
]

def _broad_roles(r: Resource, _: Config) -> Iterator[str]:
    role = str(r.get("roleDefinitionId") or "").rstrip("/").rsplit("/", 1)[-1].lower()
    scope = r.get("scope")
    if role in BROAD_ROLES and isinstance(scope, str) and _BROAD_SCOPE.match(scope):
        whole = "resource group" if "/resourcegroups/" in scope.lower() else "subscription"
        yield f"assigns {BROAD_ROLES[role]} on a whole {whole}; scope it to the one resource or use a narrower role"


def _script_secrets(r: Resource, _: Config) -> Iterator[str]:
    for env in items(r.get("environmentVariables")):
        if is_map(env):
            reason = plaintext_secret(str(env.get("name")), env.get("value"))
            if reason:
                yield f"environmentVariables: {reason}; use secureValue"
    for key in ("scriptContent", "arguments"):
        text = r.get(key)
        for reason in secrets_in_text(text if isinstance(text, str) else ""):
            yield f"{key}: {reason}; pass it as a secureValue environment variable"


IDENTITY_RULES = [
    ResourceRule(
        "azure-no-broad-role-assignments",
        family=FAMILY,
        description="No Owner, Contributor or access-administrator role on a whole subscription or resource group.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Assign data-plane roles (Key Vault Secrets User, Storage Blob Data Contributor, ...) on the "
                    "single resource the identity uses.",
        types=(ROLE_ASSIGNMENT,), check=_broad_roles,
    ),
    ResourceRule(
        "azure-no-plaintext-secrets",
        family=FAMILY,
        description="Deployment scripts receive secrets only as secure values, never in plain variables or the "
                    "script (recognised by name and by known credential formats).",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="Pass secrets through environment_variables[].secure_value (or read them from Key Vault in "
                    "the script with the script's managed identity).",
        types=(CLI_SCRIPT, POWERSHELL_SCRIPT), check=_script_secrets,
    ),
]

def _locks(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    locks = [r for r in resources if r.type in LOCKS and r.get("level") == "CanNotDelete"]
    groups = {r.urn for r in resources if r.type == RESOURCE_GROUP}
    locked_groups = {g for g in groups if any(g in lock.dependencies for lock in locks)}
    for r in resources:
        if r.type not in LOCKED_IN_PRODUCTION or (r.tags or {}).get(SIZE_TAG) == "staging":
            continue
        own = any(r.urn in lock.dependencies for lock in locks)
        in_locked_group = any(g in r.dependencies for g in locked_groups)
        if not (own or in_locked_group):
            yield StackViolation(f"{r.name} has no CanNotDelete management lock in production "
                                 "(Azure's only deletion protection for it)", r.urn)


def _front_door(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    origins = [r for r in resources if r.type == FD_ORIGIN]
    groups = [r for r in resources if r.type == FD_ORIGIN_GROUP]
    for route in (r for r in resources if r.type == FD_ROUTE):
        protocols = set(as_strings(route.get("supportedProtocols")))
        if "Http" in protocols and route.get("httpsRedirect") != "Enabled":
            yield StackViolation(f"route {route.name} serves plain HTTP: set httpsRedirect Enabled "
                                 "(or supportedProtocols ['Https'])", route.urn)
        if route.get("forwardingProtocol") == "HttpsOnly":
            continue
        # Plain HTTP to the origin is acceptable only inside a Private Link connection.
        group_urns = {g.urn for g in groups if g.urn in route.dependencies}
        served = [o for o in origins if group_urns & set(o.dependencies)] or origins
        public = [o.name for o in served if not is_map(o.get("sharedPrivateLinkResource"))]
        if public:
            yield StackViolation(f"route {route.name} forwards {route.get('forwardingProtocol')!r} to origins "
                                 f"outside Private Link ({', '.join(public)}): use HttpsOnly", route.urn)
    for domain in (r for r in resources if r.type == FD_CUSTOM_DOMAIN):
        version = domain.get("tlsSettings.minimumTlsVersion")
        if version not in (None, "TLS12", "TLS13"):
            yield StackViolation(f"custom domain {domain.name} allows {version}; minimumTlsVersion TLS12", domain.urn)


EDGE_RULES = [
    StackRule(
        "azure-frontdoor-https-only",
        family=FAMILY,
        description="Front Door serves users over HTTPS only and reaches origins over TLS or Private Link.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Route https_redirect='Enabled'; forwarding_protocol='HttpsOnly' unless every origin is "
                    "reached through shared_private_link_resource; custom domains with minimum_tls_version TLS12.",
        types=(FD_ROUTE, FD_ORIGIN, FD_ORIGIN_GROUP, FD_CUSTOM_DOMAIN), check=_front_door,
    ),
]

LOCK_RULES = [
    StackRule(
        "azure-production-delete-locks",
        family=FAMILY,
        description="Production PostgreSQL, Redis, storage accounts and Key Vaults carry a CanNotDelete lock.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="azure_native.authorization.ManagementLockByScope(scope=<resource id>, level='CanNotDelete') "
                    "in production; danger_disable_deletion_protection removes it (and this rule must then be "
                    "disabled in the pack config).",
        types=(*LOCKED_IN_PRODUCTION, *LOCKS, RESOURCE_GROUP), check=_locks,
    ),
]

RULES: list[ResourceRule | StackRule] = [
    *PG_RULES, *REDIS_RULES, *STORAGE_RULES, *VAULT_RULES, *AKS_RULES, *NETWORK_RULES, *IDENTITY_RULES,
    *LOCK_RULES, *EDGE_RULES,
]
