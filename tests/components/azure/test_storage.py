"""Storage account: Entra-only, TLS 1.2, private, CMK, versioning, soft delete, lifecycle, CORS."""

from __future__ import annotations

from components.config import DataPlaneConfig
from tests.support.harness import Harness

from .conftest import one_named


def _account(h: Harness) -> dict:
    return h.one("azure-native:storage:StorageAccount").inputs


def test_no_shared_keys_no_public_access_tls12(stack: Harness) -> None:
    account = _account(stack)
    assert account["allowSharedKeyAccess"] is False
    assert account["allowBlobPublicAccess"] is False
    assert account["minimumTlsVersion"] == "TLS1_2"
    assert account["enableHttpsTrafficOnly"] is True
    assert account["publicNetworkAccess"] == "Disabled"
    assert account["networkRuleSet"]["defaultAction"] == "Deny"
    endpoint = one_named(stack, "azure-native:network:PrivateEndpoint", "storage-pe")
    assert endpoint.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["blob"]
    for container in stack.of_type("azure-native:storage:BlobContainer"):
        assert container.inputs["publicAccess"] == "None"


def test_zone_redundant_in_production(staging: Harness, production: Harness) -> None:
    assert _account(production)["sku"]["name"] == "Standard_ZRS"
    assert _account(staging)["sku"]["name"] == "Standard_LRS"


def test_versioning_soft_delete_and_cors(stack: Harness, production_config: DataPlaneConfig) -> None:
    service = stack.one("azure-native:storage:BlobServiceProperties").inputs
    assert service["isVersioningEnabled"] is True
    assert service["deleteRetentionPolicy"] == {"enabled": True, "days": 7}
    assert service["containerDeleteRetentionPolicy"] == {"enabled": True, "days": 7}
    rule = service["cors"]["corsRules"][0]
    assert rule["allowedOrigins"] == production_config.control_plane.cors_origins
    assert set(rule["allowedMethods"]) == {"GET", "PUT", "HEAD"}


def test_lifecycle_rules_match_the_other_clouds(stack: Harness) -> None:
    rules = {r["name"]: r["definition"] for r in
             stack.one("azure-native:storage:ManagementPolicy").inputs["policy"]["rules"]}
    responses = rules["responses-expire"]
    assert responses["filters"]["prefixMatch"] == ["responses/"]
    assert responses["actions"]["baseBlob"]["delete"]["daysAfterModificationGreaterThan"] == 1
    delete_ops = rules["brainstore-delete-ops"]
    assert set(delete_ops["filters"]["prefixMatch"]) == {"brainstore/brainstore/index/delete_ops/",
                                                         "brainstore/brainstore/wal/delete_ops/"}
    assert delete_ops["actions"]["baseBlob"]["delete"]["daysAfterModificationGreaterThan"] == 7
    versions = rules["noncurrent-versions"]
    assert versions["actions"]["version"]["delete"]["daysAfterCreationGreaterThan"] == 7
    assert set(versions["filters"]["prefixMatch"]) == {"brainstore/", "code-bundles/"}


def test_containers_are_the_charts(stack: Harness) -> None:
    names = {c.inputs["containerName"] for c in stack.of_type("azure-native:storage:BlobContainer")}
    assert names == {"brainstore", "responses", "code-bundles"}
