"""azure-native input paths mapped, explicitly, to the enum types that define their values.

Two models per field where both exist: the enum class pulumi-azure-native generated for the property (what the
provider accepts: its own REST spec version) and the enum of the azure-mgmt-* package for the same API
(``azure.mgmt.<service>.models``, a newer or older API version: a value must be valid in both to be safe
across the provider's API-version bumps). Azure enums are "extensible" (any string reaches the API), so these
models are the only offline guard against a misspelt or retired value.

``sdk_enum_of`` reads the enum class the SDK itself annotates for a property, so a test can prove each row of
the table names the right class and that no enum-typed property the stacks set is missing from the table.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .models import azure_enum_values


@dataclass(frozen=True)
class AzEnum:
    native: str  # enum class in pulumi_azure_native.<module of the resource type>
    mgmt: tuple[str, str] | None = None  # (azure.mgmt.<service>.models, class), where that package covers it

    def allowed(self, typ: str) -> dict[str, frozenset[str]]:
        module = f"pulumi_azure_native.{typ.split(':')[1]}"
        found = {f"{module}.{self.native}": azure_enum_values(module, self.native)}
        if self.mgmt is not None:
            found[".".join(self.mgmt)] = azure_enum_values(*self.mgmt)
        return found


_CDN, _CS, _PG, _RE = ("azure.mgmt.cdn.models", "azure.mgmt.containerservice.models",
                       "azure.mgmt.postgresqlflexibleservers.models", "azure.mgmt.redisenterprise.models")
_MC = "azure-native:containerservice:ManagedCluster"
_AP = "azure-native:containerservice:AgentPool"
_PGS = "azure-native:dbforpostgresql:Server"
_REC = "azure-native:redisenterprise:RedisEnterprise"
_RED = "azure-native:redisenterprise:Database"
_SA = "azure-native:storage:StorageAccount"
_KV = "azure-native:keyvault:Vault"
_NSG = "azure-native:network:NetworkSecurityGroup"


def _both(name: str, mgmt_module: str, mgmt_name: str | None = None) -> AzEnum:
    return AzEnum(name, (mgmt_module, mgmt_name or name))


TABLE: dict[tuple[str, str], AzEnum] = {
    # Front Door (cdn)
    ("azure-native:cdn:Profile", "sku.name"): _both("SkuName", _CDN),
    ("azure-native:cdn:AFDEndpoint", "enabledState"): _both("EnabledState", _CDN),
    ("azure-native:cdn:AFDOrigin", "enabledState"): _both("EnabledState", _CDN),
    ("azure-native:cdn:AFDOriginGroup", "healthProbeSettings.probeProtocol"): _both("ProbeProtocol", _CDN),
    ("azure-native:cdn:AFDOriginGroup", "healthProbeSettings.probeRequestType"):
        _both("HealthProbeRequestType", _CDN),
    ("azure-native:cdn:Route", "forwardingProtocol"): _both("ForwardingProtocol", _CDN),
    ("azure-native:cdn:Route", "httpsRedirect"): _both("HttpsRedirect", _CDN),
    ("azure-native:cdn:Route", "linkToDefaultDomain"): _both("LinkToDefaultDomain", _CDN),
    ("azure-native:cdn:Route", "supportedProtocols[]"): _both("AFDEndpointProtocols", _CDN),
    # AKS (containerservice)
    (_MC, "sku.name"): _both("ManagedClusterSKUName", _CS),
    (_MC, "sku.tier"): _both("ManagedClusterSKUTier", _CS),
    (_MC, "identity.type"): _both("ResourceIdentityType", _CS),
    (_MC, "autoUpgradeProfile.upgradeChannel"): _both("UpgradeChannel", _CS),
    (_MC, "autoUpgradeProfile.nodeOSUpgradeChannel"): _both("NodeOSUpgradeChannel", _CS),
    (_MC, "networkProfile.loadBalancerSku"): _both("LoadBalancerSku", _CS),
    (_MC, "networkProfile.networkDataplane"): _both("NetworkDataplane", _CS),
    (_MC, "networkProfile.networkPlugin"): _both("NetworkPlugin", _CS),
    (_MC, "networkProfile.networkPluginMode"): _both("NetworkPluginMode", _CS),
    (_MC, "networkProfile.networkPolicy"): _both("NetworkPolicy", _CS),
    (_MC, "networkProfile.outboundType"): _both("OutboundType", _CS),
    (_MC, "securityProfile.azureKeyVaultKms.keyVaultNetworkAccess"): _both("KeyVaultNetworkAccessTypes", _CS),
    (_MC, "agentPoolProfiles[].mode"): _both("AgentPoolMode", _CS),
    (_MC, "agentPoolProfiles[].osType"): _both("OSType", _CS),
    (_MC, "agentPoolProfiles[].osSKU"): _both("OSSKU", _CS),
    (_MC, "agentPoolProfiles[].type"): _both("AgentPoolType", _CS),
    (_AP, "mode"): _both("AgentPoolMode", _CS),
    (_AP, "osType"): _both("OSType", _CS),
    (_AP, "osSKU"): _both("OSSKU", _CS),
    (_AP, "type"): _both("AgentPoolType", _CS),
    (_AP, "osDiskType"): _both("OSDiskType", _CS),
    (_AP, "kubeletDiskType"): _both("KubeletDiskType", _CS),
    # PostgreSQL Flexible Server (dbforpostgresql)
    (_PGS, "version"): AzEnum("PostgresMajorVersion"),  # azure-mgmt types it as a free string
    (_PGS, "sku.tier"): _both("SkuTier", _PG),
    (_PGS, "storage.type"): _both("StorageType", _PG),
    (_PGS, "storage.tier"): _both("AzureManagedDiskPerformanceTier", _PG),
    (_PGS, "storage.autoGrow"): _both("StorageAutoGrow", _PG),
    (_PGS, "highAvailability.mode"): _both("PostgreSqlFlexibleServerHighAvailabilityMode", _PG),
    (_PGS, "backup.geoRedundantBackup"): _both("GeographicallyRedundantBackup", _PG),
    (_PGS, "network.publicNetworkAccess"): _both("ServerPublicNetworkAccessState", _PG),
    (_PGS, "authConfig.activeDirectoryAuth"): _both("MicrosoftEntraAuth", _PG),
    (_PGS, "authConfig.passwordAuth"): _both("PasswordBasedAuth", _PG),
    (_PGS, "dataEncryption.type"): _both("DataEncryptionType", _PG),
    (_PGS, "identity.type"): _both("IdentityType", _PG),
    # Azure Managed Redis (redisenterprise)
    (_REC, "sku.name"): _both("SkuName", _RE),
    (_REC, "highAvailability"): _both("HighAvailability", _RE),
    (_REC, "minimumTlsVersion"): _both("TlsVersion", _RE),
    (_REC, "publicNetworkAccess"): _both("PublicNetworkAccess", _RE),
    (_REC, "identity.type"): _both("ManagedServiceIdentityType", _RE),
    (_REC, "encryption.customerManagedKeyEncryption.keyEncryptionKeyIdentity.identityType"):
        _both("CmkIdentityType", _RE),
    (_RED, "clientProtocol"): _both("Protocol", _RE),
    (_RED, "clusteringPolicy"): _both("ClusteringPolicy", _RE),
    (_RED, "evictionPolicy"): _both("EvictionPolicy", _RE),
    (_RED, "accessKeysAuthentication"): _both("AccessKeysAuthentication", _RE),
    (_RED, "persistence.rdbFrequency"): _both("RdbFrequency", _RE),
    # Storage, Key Vault, networking, authorization, resources: azure-native's own enums only (no azure-mgmt
    # package for them among the pinned oracles).
    (_SA, "kind"): AzEnum("Kind"),
    (_SA, "sku.name"): AzEnum("SkuName"),
    (_SA, "accessTier"): AzEnum("AccessTier"),
    (_SA, "minimumTlsVersion"): AzEnum("MinimumTlsVersion"),
    (_SA, "publicNetworkAccess"): AzEnum("PublicNetworkAccess"),
    (_SA, "identity.type"): AzEnum("IdentityType"),
    (_SA, "encryption.keySource"): AzEnum("KeySource"),
    (_SA, "encryption.services.blob.keyType"): AzEnum("KeyType"),
    (_SA, "networkRuleSet.bypass"): AzEnum("Bypass"),
    (_SA, "networkRuleSet.defaultAction"): AzEnum("DefaultAction"),
    ("azure-native:storage:BlobContainer", "publicAccess"): AzEnum("PublicAccess"),
    ("azure-native:storage:BlobServiceProperties", "cors.corsRules[].allowedMethods[]"): AzEnum("AllowedMethods"),
    ("azure-native:storage:ManagementPolicy", "policy.rules[].type"): AzEnum("RuleType"),
    (_KV, "properties.sku.family"): AzEnum("SkuFamily"),
    (_KV, "properties.sku.name"): AzEnum("SkuName"),
    (_KV, "properties.networkAcls.bypass"): AzEnum("NetworkRuleBypassOptions"),
    (_KV, "properties.networkAcls.defaultAction"): AzEnum("NetworkRuleAction"),
    ("azure-native:keyvault:Key", "properties.kty"): AzEnum("JsonWebKeyType"),
    ("azure-native:keyvault:Key", "properties.keyOps[]"): AzEnum("JsonWebKeyOperation"),
    ("azure-native:keyvault:Key", "properties.rotationPolicy.lifetimeActions[].action.type"):
        AzEnum("KeyRotationPolicyActionType"),
    ("azure-native:network:NatGateway", "sku.name"): AzEnum("NatGatewaySkuName"),
    ("azure-native:network:PublicIPAddress", "sku.name"): AzEnum("PublicIPAddressSkuName"),
    ("azure-native:network:PublicIPAddress", "publicIPAllocationMethod"): AzEnum("IPAllocationMethod"),
    (_NSG, "securityRules[].access"): AzEnum("SecurityRuleAccess"),
    (_NSG, "securityRules[].direction"): AzEnum("SecurityRuleDirection"),
    (_NSG, "securityRules[].protocol"): AzEnum("SecurityRuleProtocol"),
    ("azure-native:network:Subnet", "privateEndpointNetworkPolicies"):
        AzEnum("VirtualNetworkPrivateEndpointNetworkPolicies"),
    ("azure-native:network:Subnet", "privateLinkServiceNetworkPolicies"):
        AzEnum("VirtualNetworkPrivateLinkServiceNetworkPolicies"),
    ("azure-native:network:PrivateEndpoint", "subnet.privateEndpointNetworkPolicies"):
        AzEnum("VirtualNetworkPrivateEndpointNetworkPolicies"),
    ("azure-native:network:PrivateEndpoint", "subnet.privateLinkServiceNetworkPolicies"):
        AzEnum("VirtualNetworkPrivateLinkServiceNetworkPolicies"),
    ("azure-native:authorization:ManagementLockByScope", "level"): AzEnum("LockLevel"),
    ("azure-native:authorization:RoleAssignment", "principalType"): AzEnum("PrincipalType"),
    ("azure-native:resources:AzureCliScript", "cleanupPreference"): AzEnum("CleanupOptions"),
    # Azure Monitor (monitor, operationalinsights): azure-native's enums only.
    ("azure-native:operationalinsights:Workspace", "sku.name"): AzEnum("WorkspaceSkuNameEnum"),
    ("azure-native:monitor:DataCollectionRule", "kind"): AzEnum("KnownDataCollectionRuleResourceKind"),
    ("azure-native:monitor:DataCollectionRule", "dataFlows[].streams[]"): AzEnum("KnownDataFlowStreams"),
    ("azure-native:monitor:DataCollectionRule", "dataSources.extensions[].streams[]"):
        AzEnum("KnownExtensionDataSourceStreams"),
    ("azure-native:monitor:MetricAlert", "criteria.allOf[].timeAggregation"): AzEnum("AggregationTypeEnum"),
    # ``criteria`` is a union of criteria types; the annotation reader follows the first, whose operator enum
    # also holds GreaterThan/LessThan (tests/components/azure/test_enums.py resolves the single-resource type's
    # own Operator enum and checks the value there too).
    ("azure-native:monitor:MetricAlert", "criteria.allOf[].operator"): AzEnum("DynamicThresholdOperator"),
    ("azure-native:monitor:ScheduledQueryRule", "kind"): AzEnum("Kind"),
    ("azure-native:monitor:ScheduledQueryRule", "criteria.allOf[].timeAggregation"): AzEnum("TimeAggregation"),
    ("azure-native:monitor:ScheduledQueryRule", "criteria.allOf[].operator"): AzEnum("ConditionOperator"),
    ("azure-native:resources:AzureCliScript", "identity.type"): AzEnum("ManagedServiceIdentityType"),
}


# ------------------------------------------------------------------- what the SDK annotates, per path
_GETTER = re.compile(
    r'@pulumi\.getter(?:\(name="(?P<wire>\w+)"\))?\s*\n\s*def (?P<attr>\w+)\(self\) -> (?P<ann>[^\n]+):')


@cache
def _class_sources(module: str) -> dict[str, str]:
    """Source of every top-level class of a module, read once (``inspect.getsource`` per class would rescan
    azure-native's very large ``_inputs.py`` files each time)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
    text = Path(spec.origin).read_text()
    starts = [(m.start(), m["name"]) for m in re.finditer(r"^class (?P<name>\w+)\b", text, re.M)]
    ends = [start for start, _ in starts[1:]] + [len(text)] if starts else []
    return {name: text[start:end] for (start, name), end in zip(starts, ends, strict=True)}


@cache
def _fields(module: str, cls_name: str) -> dict[str, str]:
    """Wire name -> type annotation of every property of an azure-native Args class."""
    defining = getattr(importlib.import_module(module), cls_name).__module__
    return {m["wire"] or m["attr"]: m["ann"] for m in _GETTER.finditer(_class_sources(defining)[cls_name])}


def sdk_annotation(typ: str, path: str) -> str | None:
    """The SDK's annotation of the property at ``path`` (``leaves`` notation), following nested Args types."""
    _, service, resource = typ.split(":")
    module, cls = f"pulumi_azure_native.{service}", f"{resource}Args"
    parts = path.replace("[]", "").split(".")
    for i, part in enumerate(parts):
        annotation = _fields(module, cls).get(part)
        if annotation is None:
            return None
        if i == len(parts) - 1:
            return annotation
        nested = re.findall(r"'(\w+Args)'", annotation)
        if not nested:
            return None
        module, cls = f"pulumi_azure_native.{service}._inputs", nested[0]
    return None


def sdk_enum_of(typ: str, path: str) -> str | None:
    """The enum class the SDK annotates for a property, if any (``Union[str, 'Kind']`` -> ``Kind``)."""
    annotation = sdk_annotation(typ, path)
    if annotation is None:
        return None
    names = [n for n in re.findall(r"'(\w+)'", annotation) if not n.endswith("Args")]
    return names[0] if names else None
