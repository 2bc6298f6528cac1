"""WorkloadsArgs built the way the GCP and Azure data planes build them, from the real stack files.

Cloud resource names are fixed strings here (the pure values function accepts them as well as
Outputs); secrets are distinctive stand-ins so tests can prove none leaks in plaintext.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pulumi
from pulumi.runtime import rpc

from components.config import DataPlaneConfig
from components.kubernetes.args import (
    AzureBlobStorage,
    AzureIdentities,
    BrainstorePlacement,
    CloudMode,
    GcsStorage,
    GoogleIdentities,
    KeyVaultSecrets,
    KubernetesSecretValues,
    Placement,
    PostgresConnection,
    RedisConnection,
    Taint,
    WorkloadsArgs,
)
from tests.support.stacks import STAND_INS, stack_config

NAMESPACE = "bt-data"
BRAINSTORE_GSA = "acme-prod-brainstore@acme-braintrust-prod.iam.gserviceaccount.com"
API_GSA = "acme-prod-api@acme-braintrust-prod.iam.gserviceaccount.com"
AZURE_CLIENT_ID = "6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c"
AZURE_TENANT_ID = "00000000-0000-4000-8000-000000000002"
KEY_VAULT = "acmeprodkvx1y2"
STORAGE_ACCOUNT = "acmeprodsax1y2"
PG_PASSWORD = "pg-P@ss/w:rd#9"  # characters that must be percent-encoded in a URL
REDIS_PASSWORD = "redis-auth-5e1f0c"
FUNCTION_KEY = "function-secret-7d2a9c"
HMAC_SECRET = "hmac-secret-3b8e4f"
LICENSE = STAND_INS["brainstore_license_key"]
REDIS_CA = "-----BEGIN CERTIFICATE-----\nMEMORYSTORE-INSTANCE-CA\n-----END CERTIFICATE-----\n"
SECRET_VALUES = (PG_PASSWORD, REDIS_PASSWORD, FUNCTION_KEY, HMAC_SECRET, LICENSE)
POOLS = {"services": "services", "reader": "bs-reader", "writer": "bs-writer", "fastreader": "bs-fast"}
ROLE_TAINT_KEY = "braintrust.dev/role"


def _placement(cloud: CloudMode, role: str) -> Placement:
    make = Placement.gke_pool if cloud is CloudMode.GOOGLE else Placement.aks_pool
    taints = () if role == "services" else (Taint(ROLE_TAINT_KEY, role),)
    return make(POOLS[role], taints=taints)


def kubernetes_secret_values(*, hmac: bool = False, secret: bool = False,
                             redis_ca: str | None = None) -> KubernetesSecretValues:
    from components.kubernetes.args import GcsHmacKey

    def s(value: str) -> Any:
        return pulumi.Output.secret(value) if secret else value

    return KubernetesSecretValues(
        postgres=PostgresConnection(host="10.10.0.3", user="braintrust", password=s(PG_PASSWORD),
                                    database="braintrust"),
        redis=RedisConnection(host="10.10.0.4", port=6378, password=s(REDIS_PASSWORD), tls=True,
                              ca_certificate=redis_ca),
        brainstore_license_key=s(LICENSE),
        function_secret_key=s(FUNCTION_KEY),
        gcs_hmac=GcsHmacKey(access_id="GOOG1EACCESSID", secret=s(HMAC_SECRET)) if hmac else None,
    )


def args_for(cfg: DataPlaneConfig, *, secret: bool = False, **changes: Any) -> WorkloadsArgs:
    cloud = CloudMode.GOOGLE if cfg.cloud.value == "gcp" else CloudMode.AZURE
    base: dict[str, Any] = {
        "cloud": cloud,
        "namespace": NAMESPACE,
        "release": cfg.release,
        "org": cfg.org,
        "telemetry": cfg.telemetry,
        "sizing": cfg.sizing,
        "production": cfg.production,
        "api_placement": _placement(cloud, "services"),
        "brainstore_placement": BrainstorePlacement(
            reader=_placement(cloud, "reader"), writer=_placement(cloud, "writer"),
        ),
        "labels": cfg.all_tags,
        "url_security": cfg.url_security,
        "redis_tls_proxy_image": cfg.kubernetes.redis_tls_proxy.reference,
    }
    if cloud is CloudMode.GOOGLE:
        base |= {
            "storage": GcsStorage(brainstore_bucket="acme-brainstore-x1y2", api_bucket="acme-api-x1y2",
                                  location=cfg.region.upper()),
            "identities": GoogleIdentities(brainstore_service_account=BRAINSTORE_GSA, api_service_account=API_GSA),
            "secrets": kubernetes_secret_values(secret=secret),
        }
    else:
        base |= {
            "storage": AzureBlobStorage(storage_account_name=STORAGE_ACCOUNT),
            "identities": AzureIdentities(client_id=AZURE_CLIENT_ID, tenant_id=AZURE_TENANT_ID),
            "secrets": KeyVaultSecrets(key_vault_name=KEY_VAULT),
        }
    base |= changes
    return WorkloadsArgs(**base)


def args_for_stack(name: str, **changes: Any) -> WorkloadsArgs:
    return args_for(stack_config(name), **changes)


def with_sizing(args: WorkloadsArgs, **brainstore_or_api: Any) -> dict[str, Any]:
    """Fields of ``args`` with sizing parts replaced (bypassing config validation on purpose)."""
    sizing = args.sizing
    updates: dict[str, Any] = {}
    for key, value in brainstore_or_api.items():
        if key in ("reader", "writer", "fast_reader", "cache_fraction"):
            updates.setdefault("brainstore", sizing.brainstore.model_copy(update={}))
            updates["brainstore"] = updates["brainstore"].model_copy(update={key: value})
        else:
            updates[key] = value
    fields = {f.name: getattr(args, f.name) for f in dataclasses.fields(args)}
    fields["sizing"] = sizing.model_copy(update=updates)
    return fields


def unwrap(value: Any) -> Any:
    """Mock inputs with Pulumi secret wrappers removed (to read what the cluster would receive)."""
    if rpc.is_rpc_secret(value):
        return unwrap(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire protocol turns every number into a float
    return value
