"""pulumi-gcp input paths mapped, explicitly, to the Google API fields they set (discovery documents).

Provider names differ from API names (``datapathProvider`` is ``networkConfig.datapathProvider``; a node pool's
``nodeConfig`` is the API's ``config``; ``diskType`` is ``dataDiskType``), so nothing is guessed: each row says
where the value lands. Three kinds of row:

* ``Api``: an enum in the API. The value must be a member, not marked deprecated (``enumDeprecated`` or an
  ``enumDescriptions`` entry starting "Deprecated"), and no field on the way may be deprecated.
* ``FreeString``: the API types the field as a plain string (``imageType``, ``redisVersion``,
  ``storageClass``...): nothing to check the value against, but the row proves the field exists and has no enum.
* ``ProviderOnly``: a Terraform-provider setting with no API field; its allowed values are read from the
  pulumi-gcp SDK's own docstring for that argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pulumi_gcp

from .models import discovery


@dataclass(frozen=True)
class Api:
    api: str  # discovery document, e.g. "container.v1"
    schema: str  # the resource's schema in that document
    path: str  # dotted field path from that schema (arrays are stepped through implicitly)
    spelling: dict[str, str] = field(default_factory=dict)  # provider value -> API value, where they differ


@dataclass(frozen=True)
class FreeString:
    api: str
    schema: str
    path: str


@dataclass(frozen=True)
class ProviderOnly:
    module: str  # SDK file under pulumi_gcp, e.g. "container/cluster.py"
    argument: str  # the snake_case argument whose docstring lists the values
    why: str


_CLUSTER = "gcp:container/cluster:Cluster"
_POOL = "gcp:container/nodePool:NodePool"
_SQL = "gcp:sql/databaseInstance:DatabaseInstance"
_REDIS = "gcp:redis/instance:Instance"
_NAT = "gcp:compute/routerNat:RouterNat"
_KEY = "gcp:kms/cryptoKey:CryptoKey"
_BUCKET = "gcp:storage/bucket:Bucket"
_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"

TABLE: dict[tuple[str, str], Api | FreeString | ProviderOnly] = {
    # GKE (container.v1)
    (_CLUSTER, "securityPostureConfig.mode"): Api("container.v1", "Cluster", "securityPostureConfig.mode"),
    (_CLUSTER, "securityPostureConfig.vulnerabilityMode"):
        Api("container.v1", "Cluster", "securityPostureConfig.vulnerabilityMode"),
    (_CLUSTER, "databaseEncryption.state"): Api("container.v1", "Cluster", "databaseEncryption.state"),
    (_CLUSTER, "datapathProvider"): Api("container.v1", "Cluster", "networkConfig.datapathProvider"),
    (_CLUSTER, "gatewayApiConfig.channel"): Api("container.v1", "Cluster", "networkConfig.gatewayApiConfig.channel"),
    (_CLUSTER, "loggingConfig.enableComponents[]"):
        Api("container.v1", "Cluster", "loggingConfig.componentConfig.enableComponents"),
    (_CLUSTER, "monitoringConfig.enableComponents[]"):
        Api("container.v1", "Cluster", "monitoringConfig.componentConfig.enableComponents"),
    (_CLUSTER, "releaseChannel.channel"): Api("container.v1", "Cluster", "releaseChannel.channel"),
    (_CLUSTER, "nodeConfig.workloadMetadataConfig.mode"):
        Api("container.v1", "Cluster", "nodeConfig.workloadMetadataConfig.mode"),
    (_CLUSTER, "networkingMode"): ProviderOnly(
        "container/cluster.py", "networking_mode", "the API has ipAllocationPolicy.useIpAliases instead"),
    (_POOL, "nodeConfig.workloadMetadataConfig.mode"):
        Api("container.v1", "NodePool", "config.workloadMetadataConfig.mode"),
    (_POOL, "nodeConfig.taints[].effect"): Api("container.v1", "NodePool", "config.taints.effect"),
    (_POOL, "nodeConfig.imageType"): FreeString("container.v1", "NodePool", "config.imageType"),
    (_POOL, "autoscaling.locationPolicy"): Api("container.v1", "NodePool", "autoscaling.locationPolicy"),
    (_POOL, "upgradeSettings.strategy"): Api("container.v1", "NodePool", "upgradeSettings.strategy"),
    # Cloud SQL (sqladmin.v1)
    (_SQL, "databaseVersion"): Api("sqladmin.v1", "DatabaseInstance", "databaseVersion"),
    (_SQL, "settings.edition"): Api("sqladmin.v1", "DatabaseInstance", "settings.edition"),
    (_SQL, "settings.availabilityType"): Api("sqladmin.v1", "DatabaseInstance", "settings.availabilityType"),
    (_SQL, "settings.diskType"): Api("sqladmin.v1", "DatabaseInstance", "settings.dataDiskType"),
    (_SQL, "settings.ipConfiguration.sslMode"):
        Api("sqladmin.v1", "DatabaseInstance", "settings.ipConfiguration.sslMode"),
    (_SQL, "settings.backupConfiguration.backupRetentionSettings.retentionUnit"):
        Api("sqladmin.v1", "DatabaseInstance", "settings.backupConfiguration.backupRetentionSettings.retentionUnit"),
    (_SQL, "settings.maintenanceWindow.updateTrack"):
        Api("sqladmin.v1", "DatabaseInstance", "settings.maintenanceWindow.updateTrack"),
    (_SQL, "settings.tier"): FreeString("sqladmin.v1", "DatabaseInstance", "settings.tier"),
    ("gcp:sql/user:User", "deletionPolicy"): ProviderOnly(
        "sql/user.py", "deletion_policy", "what the provider does on delete; not sent to the API"),
    # Memorystore for Redis (redis.v1)
    (_REDIS, "tier"): Api("redis.v1", "Instance", "tier"),
    (_REDIS, "connectMode"): Api("redis.v1", "Instance", "connectMode"),
    (_REDIS, "transitEncryptionMode"): Api("redis.v1", "Instance", "transitEncryptionMode"),
    (_REDIS, "persistenceConfig.persistenceMode"): Api("redis.v1", "Instance", "persistenceConfig.persistenceMode"),
    (_REDIS, "persistenceConfig.rdbSnapshotPeriod"):
        Api("redis.v1", "Instance", "persistenceConfig.rdbSnapshotPeriod"),
    (_REDIS, "maintenancePolicy.weeklyMaintenanceWindows[].day"):
        Api("redis.v1", "Instance", "maintenancePolicy.weeklyMaintenanceWindow.day"),
    (_REDIS, "redisVersion"): FreeString("redis.v1", "Instance", "redisVersion"),
    # Cloud KMS (cloudkms.v1)
    (_KEY, "purpose"): Api("cloudkms.v1", "CryptoKey", "purpose"),
    (_KEY, "versionTemplate.algorithm"): Api("cloudkms.v1", "CryptoKey", "versionTemplate.algorithm"),
    (_KEY, "versionTemplate.protectionLevel"): Api("cloudkms.v1", "CryptoKey", "versionTemplate.protectionLevel"),
    # Compute Engine (compute.v1)
    ("gcp:compute/network:Network", "routingMode"): Api("compute.v1", "Network", "routingConfig.routingMode"),
    ("gcp:compute/subnetwork:Subnetwork", "logConfig.aggregationInterval"):
        Api("compute.v1", "Subnetwork", "logConfig.aggregationInterval"),
    ("gcp:compute/subnetwork:Subnetwork", "logConfig.metadata"): Api("compute.v1", "Subnetwork", "logConfig.metadata"),
    ("gcp:compute/firewall:Firewall", "direction"): Api("compute.v1", "Firewall", "direction"),
    ("gcp:compute/firewall:Firewall", "logConfig.metadata"): Api("compute.v1", "Firewall", "logConfig.metadata"),
    ("gcp:compute/address:Address", "addressType"): Api("compute.v1", "Address", "addressType"),
    ("gcp:compute/address:Address", "purpose"): Api("compute.v1", "Address", "purpose"),
    ("gcp:compute/globalAddress:GlobalAddress", "addressType"): Api("compute.v1", "Address", "addressType"),
    ("gcp:compute/globalAddress:GlobalAddress", "purpose"): Api("compute.v1", "Address", "purpose"),
    ("gcp:compute/globalAddress:GlobalAddress", "ipVersion"): Api("compute.v1", "Address", "ipVersion"),
    (_NAT, "natIpAllocateOption"): Api("compute.v1", "RouterNat", "natIpAllocateOption"),
    (_NAT, "sourceSubnetworkIpRangesToNat"): Api("compute.v1", "RouterNat", "sourceSubnetworkIpRangesToNat"),
    (_NAT, "subnetworks[].sourceIpRangesToNats[]"):
        Api("compute.v1", "RouterNat", "subnetworks.sourceIpRangesToNat"),
    (_NAT, "logConfig.filter"): Api("compute.v1", "RouterNat", "logConfig.filter"),
    ("gcp:servicenetworking/connection:Connection", "deletionPolicy"): ProviderOnly(
        "servicenetworking/connection.py", "deletion_policy", "what the provider does on delete; not sent"),
    # Cloud Storage (storage.v1)
    (_BUCKET, "storageClass"): FreeString("storage.v1", "Bucket", "storageClass"),
    (_BUCKET, "location"): FreeString("storage.v1", "Bucket", "location"),
    (_BUCKET, "cors[].methods[]"): FreeString("storage.v1", "Bucket", "cors.method"),
    # Cloud Monitoring (monitoring.v3): alert policies
    (_POLICY, "combiner"): Api("monitoring.v3", "AlertPolicy", "combiner"),
    (_POLICY, "severity"): Api("monitoring.v3", "AlertPolicy", "severity"),
    (_POLICY, "conditions[].conditionThreshold.comparison"):
        Api("monitoring.v3", "AlertPolicy", "conditions.conditionThreshold.comparison"),
    (_POLICY, "conditions[].conditionThreshold.aggregations[].perSeriesAligner"):
        Api("monitoring.v3", "AlertPolicy", "conditions.conditionThreshold.aggregations.perSeriesAligner"),
    (_POLICY, "conditions[].conditionThreshold.aggregations[].crossSeriesReducer"):
        Api("monitoring.v3", "AlertPolicy", "conditions.conditionThreshold.aggregations.crossSeriesReducer"),
    (_POLICY, "conditions[].conditionThreshold.denominatorAggregations[].perSeriesAligner"):
        Api("monitoring.v3", "AlertPolicy", "conditions.conditionThreshold.denominatorAggregations.perSeriesAligner"),
    (_POLICY, "conditions[].conditionThreshold.denominatorAggregations[].crossSeriesReducer"):
        Api("monitoring.v3", "AlertPolicy",
            "conditions.conditionThreshold.denominatorAggregations.crossSeriesReducer"),
    ("gcp:monitoring/notificationChannel:NotificationChannel", "type"):
        FreeString("monitoring.v3", "NotificationChannel", "type"),
    (_BUCKET, "lifecycleRules[].condition.withState"): ProviderOnly(
        "storage/_inputs.py", "with_state", "the provider turns it into the API's condition.isLive"),
}


@cache
def _schema(api: str, name: str) -> dict[str, Any]:
    return discovery(api)["schemas"][name]


def _deprecated(node: dict[str, Any]) -> bool:
    return bool(node.get("deprecated")) or node.get("description", "").lstrip().lower().startswith("deprecated")


def resolve(api: str, schema: str, path: str) -> tuple[dict[str, Any], list[str]]:
    """The API field at ``path`` and the deprecated fields met on the way (the field itself included)."""
    node: dict[str, Any] = _schema(api, schema)
    deprecated: list[str] = []
    walked = []
    for part in path.split("."):
        walked.append(part)
        properties = node.get("properties")
        assert properties is not None and part in properties, f"{api} {schema} has no field {'.'.join(walked)}"
        node = properties[part]
        if _deprecated(node):
            deprecated.append(".".join(walked))
        if node.get("type") == "array":
            node = node["items"]
        if "$ref" in node:
            node = _schema(api, node["$ref"])
    return node, deprecated


def value_problems(row: Api, value: str) -> list[str]:
    """The value must be a member of the API enum and not a deprecated member."""
    node, _ = resolve(row.api, row.schema, row.path)
    assert "enum" in node, f"{row.api} {row.schema}.{row.path} is not an enum: make the row a FreeString"
    api_value = row.spelling.get(value, value)
    where = f"{row.api} {row.schema}.{row.path}"
    if api_value not in node["enum"]:
        return [f"{api_value!r} is not one of {where} {node['enum']}"]
    index = node["enum"].index(api_value)
    flags = node.get("enumDeprecated", [])
    descriptions = node.get("enumDescriptions", [])
    described = descriptions[index] if index < len(descriptions) else ""
    if (index < len(flags) and flags[index]) or described.lstrip().lower().startswith("deprecated"):
        return [f"{api_value!r} of {where} is deprecated: {described}"]
    return []


def field_problems(row: Api | FreeString) -> list[str]:
    """Neither the field nor any field on the way to it may be deprecated."""
    _, deprecated_fields = resolve(row.api, row.schema, row.path)
    return [f"{row.api} {row.schema}.{f} is deprecated" for f in deprecated_fields]


def free_string_problems(row: FreeString) -> list[str]:
    node, _ = resolve(row.api, row.schema, row.path)
    if "enum" in node or node.get("type") != "string":
        return [f"{row.api} {row.schema}.{row.path} is not a free string (type {node.get('type')}, "
                f"enum {node.get('enum')})"]
    return []


_SDK = Path(pulumi_gcp.__file__).parent


@cache
def provider_values(module: str, argument: str) -> frozenset[str]:
    """Values the pulumi-gcp SDK documents for an argument (backquoted or double-quoted in its docstring)."""
    text = (_SDK / module).read_text()
    docs = re.findall(rf"(?:{argument}:|param [^\n]*\b{argument}:)(.*?)(?:\n\s*:param|\n\s*\"\"\")", text, re.S)
    return frozenset(v for doc in docs for v in re.findall(r'[`"]([A-Z][A-Z0-9_]+)[`"]', doc))


def provider_only_problems(row: ProviderOnly, value: str) -> list[str]:
    allowed = provider_values(row.module, row.argument)
    if value not in allowed:
        return [f"{value!r} is not one of the values pulumi_gcp/{row.module} documents for {row.argument}: "
                f"{sorted(allowed)}"]
    return []
