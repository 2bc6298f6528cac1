"""GCP fakes: realistic outputs and data-source results for the Google provider."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

from . import fakes
from .fakes import GCP_PROJECT, invoke, output

GCP_PROJECT_NUMBER = "123456789012"
FAKE_REDIS_CA = "-----BEGIN CERTIFICATE-----\nFAKE-MEMORYSTORE-CA\n-----END CERTIFICATE-----"
FAKE_REDIS_AUTH = "GENERATED-REDIS-AUTH-7f3a9c"
FAKE_CLUSTER_ENDPOINT = "34.118.0.10"
FAKE_CLUSTER_PRIVATE_ENDPOINT = "172.16.0.2"
FAKE_CLUSTER_DNS_ENDPOINT = "gke-0123456789abcdef-123456789012.us-central1.gke.goog"
FAKE_ILB_IP = "10.0.0.50"
FAKE_PUBLIC_IP = "34.120.0.1"
GENERATED_PREFIX = "GENERATED-SECRET-"


def _project(args: MockResourceArgs) -> str:
    return str(args.inputs.get("project") or GCP_PROJECT)


@invoke("gcp:organizations/getClientConfig:getClientConfig")
def _client_config(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"project": GCP_PROJECT, "region": region, "zone": f"{region}-a", "accessToken": "fake-token",
            "id": "client-config", "defaultLabels": {}}


@invoke("gcp:organizations/getProject:getProject")
def _get_project(args: MockCallArgs, region: str) -> dict[str, Any]:
    project = args.args.get("projectId") or GCP_PROJECT
    return {"projectId": project, "number": GCP_PROJECT_NUMBER, "name": project, "id": f"projects/{project}"}


@invoke("gcp:storage/getProjectServiceAccount:getProjectServiceAccount")
def _gcs_agent(args: MockCallArgs, region: str) -> dict[str, Any]:
    email = f"service-{GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
    return {"emailAddress": email, "member": f"serviceAccount:{email}", "id": email,
            "project": args.args.get("project") or GCP_PROJECT}


_AGENT_DOMAINS = {
    "sqladmin.googleapis.com": "gcp-sa-cloud-sql",
    "redis.googleapis.com": "cloud-redis",
    "container.googleapis.com": "container-engine-robot",
    "secretmanager.googleapis.com": "gcp-sa-secretmanager",
}


@output("gcp:projects/serviceIdentity:ServiceIdentity")
def _service_identity(args: MockResourceArgs, region: str) -> dict[str, Any]:
    domain = _AGENT_DOMAINS[str(args.inputs["service"])]
    email = f"service-{GCP_PROJECT_NUMBER}@{domain}.iam.gserviceaccount.com"
    return {"email": email, "member": f"serviceAccount:{email}"}


@output("gcp:kms/keyRing:KeyRing")
def _key_ring(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": f"projects/{_project(args)}/locations/{args.inputs['location']}/keyRings/{args.inputs['name']}"}


@output("gcp:kms/cryptoKey:CryptoKey")
def _crypto_key(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": f"{args.inputs['keyRing']}/cryptoKeys/{args.inputs['name']}"}


@output("gcp:compute/network:Network")
def _network(args: MockResourceArgs, region: str) -> dict[str, Any]:
    ref = f"projects/{_project(args)}/global/networks/{args.inputs['name']}"
    return {"id": ref, "selfLink": f"https://www.googleapis.com/compute/v1/{ref}"}


@output("gcp:compute/subnetwork:Subnetwork")
def _subnetwork(args: MockResourceArgs, region: str) -> dict[str, Any]:
    ref = f"projects/{_project(args)}/regions/{args.inputs['region']}/subnetworks/{args.inputs['name']}"
    return {"id": ref, "selfLink": f"https://www.googleapis.com/compute/v1/{ref}"}


@output("gcp:compute/address:Address")
def _address(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"address": FAKE_ILB_IP}


@output("gcp:compute/globalAddress:GlobalAddress")
def _global_address(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"address": FAKE_PUBLIC_IP if args.inputs.get("addressType") == "EXTERNAL" else "10.100.0.0"}


@output("gcp:sql/databaseInstance:DatabaseInstance")
def _sql(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"privateIpAddress": "10.100.0.3", "connectionName": f"{_project(args)}:{region}:{args.inputs['name']}"}


@output("gcp:redis/instance:Instance")
def _redis(args: MockResourceArgs, region: str) -> dict[str, Any]:
    tls = args.inputs.get("transitEncryptionMode") == "SERVER_AUTHENTICATION"
    return {"host": "10.100.1.4", "port": 6378 if tls else 6379, "authString": FAKE_REDIS_AUTH,
            "serverCaCerts": [{"cert": FAKE_REDIS_CA}] if tls else []}


@output("gcp:serviceaccount/account:Account")
def _service_account(args: MockResourceArgs, region: str) -> dict[str, Any]:
    email = f"{args.inputs['accountId']}@{_project(args)}.iam.gserviceaccount.com"
    return {"email": email, "member": f"serviceAccount:{email}",
            "name": f"projects/{_project(args)}/serviceAccounts/{email}"}


@output("gcp:container/cluster:Cluster")
def _cluster(args: MockResourceArgs, region: str) -> dict[str, Any]:
    ca = base64.b64encode(b"FAKE CLUSTER CA").decode()
    private = dict(args.inputs.get("privateClusterConfig") or {})
    private["privateEndpoint"] = FAKE_CLUSTER_PRIVATE_ENDPOINT
    location = args.inputs["location"]
    endpoints = dict(args.inputs.get("controlPlaneEndpointsConfig") or {})
    endpoints["dnsEndpointConfig"] = {**(endpoints.get("dnsEndpointConfig") or {}),
                                      "endpoint": FAKE_CLUSTER_DNS_ENDPOINT}
    return {"endpoint": FAKE_CLUSTER_ENDPOINT, "masterAuth": {"clusterCaCertificate": ca},
            "privateClusterConfig": private, "controlPlaneEndpointsConfig": endpoints,
            "id": f"projects/{_project(args)}/locations/{location}/clusters/{args.inputs['name']}"}


@output("random:index/randomString:RandomString")
def _random_string(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"result": "x7k2m9"[: int(args.inputs.get("length") or 6)]}


# The AWS fakes may already give generated passwords their distinctive values; keep theirs if so.
if "random:index/randomPassword:RandomPassword" not in fakes._OUTPUTS:

    @output("random:index/randomPassword:RandomPassword")
    def _random_password(args: MockResourceArgs, region: str) -> dict[str, Any]:
        return {"result": f"{GENERATED_PREFIX}{args.name}"}


@output("gcp:monitoring/notificationChannel:NotificationChannel")
def _notification_channel(args: MockResourceArgs, region: str) -> dict[str, Any]:
    number = int(hashlib.sha256(args.name.encode()).hexdigest()[:12], 16)
    return {"name": f"projects/{_project(args)}/notificationChannels/{number}"}
