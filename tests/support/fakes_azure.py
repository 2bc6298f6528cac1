"""Azure fakes: realistic outputs and data-source results for azure-native.

The mock engine echoes inputs as outputs; these fakers add what Azure computes (URIs, FQDNs, principal
ids) and reshape the few inputs whose output type differs (identity lists become id-keyed maps).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

from .fakes import AZURE_SUBSCRIPTION, AZURE_TENANT, invoke, output

DEPLOYER_OBJECT_ID = "00000000-0000-4000-8000-000000000004"
FAKE_REDIS_KEY = "FAKE-REDIS-PRIMARY-KEY-7d1e"
# What AKS returns for listClusterUserCredential?format=exec on an Entra-only cluster (no static credential).
FAKE_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- name: aks
  cluster: {server: "https://aks.example.azmk8s.io:443", certificate-authority-data: RkFLRS1DQQ==}
users:
- name: clusterUser_aks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630,
             --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, 00000000-0000-4000-8000-000000000002,
             --login, devicecode]
      provideClusterInfo: false
contexts: [{name: aks, context: {cluster: aks, user: clusterUser_aks}}]
current-context: aks
"""


def _guid(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def principal_id_of(logical_name: str) -> str:
    """The fake Entra object id of a user-assigned identity (by its Pulumi logical name)."""
    return _guid("principal/" + logical_name)


def _arm_id(args: MockResourceArgs, provider_type: str, name_key: str) -> str:
    name = args.inputs.get(name_key) or args.name
    group = args.inputs.get("resourceGroupName", "rg")
    return f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/{group}/providers/{provider_type}/{name}"


def _identity_map(identity: Any) -> Any:
    """Inputs list user-assigned identity ids; Azure returns a map keyed by id."""
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        return {**identity, "userAssignedIdentities": {i: {} for i in identity["userAssignedIdentities"]}}
    return identity


@invoke("azure-native:authorization:getClientConfig")
def _client_config(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"subscriptionId": AZURE_SUBSCRIPTION, "tenantId": AZURE_TENANT,
            "clientId": "00000000-0000-4000-8000-000000000003", "objectId": DEPLOYER_OBJECT_ID}


@invoke("azure-native:redisenterprise:listDatabaseKeys")
def _redis_keys(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"primaryKey": FAKE_REDIS_KEY, "secondaryKey": FAKE_REDIS_KEY + "-2"}


@invoke("azure-native:containerservice:listManagedClusterUserCredentials")
def _user_credentials(args: MockCallArgs, region: str) -> dict[str, Any]:
    assert args.args.get("format") == "exec", "Entra-only clusters need the exec (kubelogin) format"
    value = base64.b64encode(FAKE_KUBECONFIG.encode()).decode()
    return {"kubeconfigs": [{"name": "clusterUser", "value": value}]}


@output("azure-native:managedidentity:UserAssignedIdentity")
def _uami(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": _arm_id(args, "Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName"),
            "principalId": principal_id_of(args.name), "clientId": _guid("client/" + args.name),
            "tenantId": AZURE_TENANT}


@output("azure-native:keyvault:Vault")
def _vault(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("vaultName", args.name)
    properties = {**args.inputs.get("properties", {}), "vaultUri": f"https://{name}.vault.azure.net/"}
    return {"id": _arm_id(args, "Microsoft.KeyVault/vaults", "vaultName"), "properties": properties}


@output("azure-native:keyvault:Key")
def _key(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("keyName", args.name)
    uri = f"https://vault.vault.azure.net/keys/{name}"
    return {"id": _arm_id(args, "Microsoft.KeyVault/vaults/keys", "keyName"), "keyUri": uri,
            "keyUriWithVersion": uri + "/0123456789abcdef"}


@output("azure-native:dbforpostgresql:Server")
def _postgres(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("serverName", args.name)
    return {"id": _arm_id(args, "Microsoft.DBforPostgreSQL/flexibleServers", "serverName"),
            "fullyQualifiedDomainName": f"{name}.postgres.database.azure.com"}


@output("azure-native:redisenterprise:RedisEnterprise")
def _redis(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("clusterName", args.name)
    return {"id": _arm_id(args, "Microsoft.Cache/redisEnterprise", "clusterName"),
            "hostName": f"{name}.{region}.redis.azure.net",
            "identity": _identity_map(args.inputs.get("identity"))}


@output("azure-native:storage:StorageAccount")
def _storage_account(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("accountName", args.name)
    return {"id": _arm_id(args, "Microsoft.Storage/storageAccounts", "accountName"),
            "primaryEndpoints": {"blob": f"https://{name}.blob.core.windows.net/"},
            "identity": _identity_map(args.inputs.get("identity"))}


@output("azure-native:containerservice:ManagedCluster")
def _cluster(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": _arm_id(args, "Microsoft.ContainerService/managedClusters", "resourceName"),
            "oidcIssuerProfile": {"enabled": True,
                                  "issuerURL": f"https://{region}.oic.prod-aks.azure.com/{AZURE_TENANT}/issuer/"},
            "identity": _identity_map(args.inputs.get("identity"))}


@output("azure-native:resources:AzureCliScript")
def _script(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"identity": _identity_map(args.inputs.get("identity"))}


@output("azure-native:network:PublicIPAddress")
def _public_ip(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"ipAddress": "198.51.100.7"}


@output("azure-native:cdn:AFDEndpoint")
def _afd_endpoint(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("endpointName", args.name)
    return {"hostName": f"{name}-abcd1234.z01.azurefd.net"}


@output("azure-native:network:VirtualNetwork")
def _vnet(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": _arm_id(args, "Microsoft.Network/virtualNetworks", "virtualNetworkName")}


@output("azure-native:network:Subnet")
def _subnet(args: MockResourceArgs, region: str) -> dict[str, Any]:
    vnet = args.inputs.get("virtualNetworkName", "vnet")
    name = args.inputs.get("subnetName", args.name)
    group = args.inputs.get("resourceGroupName", "rg")
    return {"id": f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/{group}/providers/"
                  f"Microsoft.Network/virtualNetworks/{vnet}/subnets/{name}"}


# ARM returns the physical name as `name`; the mock would otherwise echo the Pulumi logical name.
_NAME_INPUTS: dict[str, str] = {
    "azure-native:resources:ResourceGroup": "resourceGroupName",
    "azure-native:keyvault:Secret": "secretName",
    "azure-native:dbforpostgresql:Database": "databaseName",
    "azure-native:dbforpostgresql:Configuration": "configurationName",
    "azure-native:redisenterprise:Database": "databaseName",
    "azure-native:storage:BlobContainer": "containerName",
    "azure-native:containerservice:AgentPool": "agentPoolName",
    "azure-native:network:NetworkSecurityGroup": "networkSecurityGroupName",
    "azure-native:network:NatGateway": "natGatewayName",
    "azure-native:network:PrivateEndpoint": "privateEndpointName",
    "azure-native:privatedns:PrivateZone": "privateZoneName",
    "azure-native:cdn:Profile": "profileName",
    "azure-native:cdn:AFDOriginGroup": "originGroupName",
    "azure-native:cdn:AFDOrigin": "originName",
}
_NAME_INPUTS_WITH_FAKER = {
    "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:keyvault:Key": "keyName",
    "azure-native:dbforpostgresql:Server": "serverName",
    "azure-native:redisenterprise:RedisEnterprise": "clusterName",
    "azure-native:storage:StorageAccount": "accountName",
    "azure-native:containerservice:ManagedCluster": "resourceName",
    "azure-native:cdn:AFDEndpoint": "endpointName",
    "azure-native:network:VirtualNetwork": "virtualNetworkName",
    "azure-native:network:Subnet": "subnetName",
}


def _named(token: str, key: str) -> None:
    from .fakes import _OUTPUTS

    inner = _OUTPUTS.get(token)

    def faker(args: MockResourceArgs, region: str) -> dict[str, Any]:
        out = inner(args, region) if inner else {}
        if key in args.inputs:
            out.setdefault("name", args.inputs[key])
        return out

    output(token)(faker)


for _name_token, _name_key in {**_NAME_INPUTS, **_NAME_INPUTS_WITH_FAKER}.items():
    _named(_name_token, _name_key)


@output("azure-native:operationalinsights:Workspace")
def _workspace(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": _arm_id(args, "Microsoft.OperationalInsights/workspaces", "workspaceName"),
            "customerId": _guid("workspace/" + args.name)}


@output("azure-native:monitor:DataCollectionRule")
def _collection_rule(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": _arm_id(args, "Microsoft.Insights/dataCollectionRules", "dataCollectionRuleName")}


@output("azure-native:monitor:ActionGroup")
def _action_group(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": _arm_id(args, "Microsoft.Insights/actionGroups", "actionGroupName")}


@output("azure-native:cdn:Profile")
def _front_door_profile(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": _arm_id(args, "Microsoft.Cdn/profiles", "profileName")}
