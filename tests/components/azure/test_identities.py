"""Workload identity: federated subjects match the chart's service accounts; least-privilege roles."""

from __future__ import annotations

from components.kubernetes.args import KEY_VAULT_SECRET_NAMES, service_account_subjects
from tests.support.fakes_azure import principal_id_of
from tests.support.harness import Harness, depends_transitively, unwrap

from .conftest import chart_values, one_named, private_vault, registration_of

SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"


def _workload(h: Harness):
    return one_named(h, "azure-native:managedidentity:UserAssignedIdentity", "identities-workload")


def test_federated_subjects_match_the_charts_service_accounts_and_namespace(stack: Harness) -> None:
    values = chart_values(stack)
    namespace = values["global"]["namespace"]
    credentials = stack.of_type("azure-native:managedidentity:FederatedIdentityCredential")
    assert sorted(c.inputs["subject"] for c in credentials) == sorted(service_account_subjects(namespace))
    assert {f"system:serviceaccount:{namespace}:{values['api']['serviceAccount'].get('name', 'braintrust-api')}",
            f"system:serviceaccount:{namespace}:{values['brainstore']['serviceAccount'].get('name', 'brainstore')}"
            } == {c.inputs["subject"] for c in credentials}
    for credential in credentials:
        assert credential.inputs["audiences"] == ["api://AzureADTokenExchange"]
        assert credential.inputs["issuer"].endswith("/issuer/")  # the cluster's OIDC issuer (fake)
        assert credential.inputs["resourceName"] == _workload(stack).inputs["resourceName"]


def test_chart_uses_the_workload_identity_everywhere(stack: Harness) -> None:
    values = chart_values(stack)
    client_id = stack.outputs["workload_identity_client_id"]
    assert values["azure"]["keyVaultCSIclientID"] == client_id
    assert values["api"]["serviceAccount"]["azureClientId"] == client_id
    assert values["brainstore"]["serviceAccount"]["azureClientId"] == client_id
    assert values["azure"]["keyVaultName"] == private_vault(stack).inputs["vaultName"]
    assert values["objectStorage"]["azure"]["storageAccountName"] == stack.outputs["storage_account"]


def test_workload_identity_has_only_secret_read_and_blob_data_roles(stack: Harness) -> None:
    principal_id = principal_id_of(_workload(stack).name)
    grants = [r for r in stack.of_type("azure-native:authorization:RoleAssignment")
              if r.inputs["principalId"] == principal_id]
    roles = {r.inputs["roleDefinitionId"].rsplit("/", 1)[-1]: r.inputs["scope"] for r in grants}
    assert set(roles) == {SECRETS_USER, BLOB_CONTRIBUTOR}
    assert roles[SECRETS_USER].endswith(private_vault(stack).inputs["vaultName"])
    assert "/storageAccounts/" in roles[BLOB_CONTRIBUTOR]


def test_key_vault_holds_exactly_the_secrets_the_chart_reads(stack: Harness) -> None:
    secrets = stack.of_type("azure-native:keyvault:Secret")
    assert {s.inputs["secretName"] for s in secrets} == set(KEY_VAULT_SECRET_NAMES)
    values = {s.inputs["secretName"]: unwrap(s.inputs["properties"])["value"] for s in secrets}
    assert values["postgres-connection-string"].endswith(":5432/braintrust?sslmode=require")
    assert values["redis-connection-string"].startswith("rediss://:") and values[
        "redis-connection-string"].endswith(":10000")
    assert values["azure-storage-connection-string"] == (
        f"BlobEndpoint=https://{stack.outputs['storage_account']}.blob.core.windows.net/;")
    chart = registration_of(stack, stack.one("kubernetes:helm.sh/v4:Chart"))
    assert depends_transitively(stack, chart, [registration_of(stack, s).urn for s in secrets])
