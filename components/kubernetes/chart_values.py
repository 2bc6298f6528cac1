"""The subset of the Braintrust chart's values that we set, as a strict pydantic model.

Key names follow ``braintrust/values.yaml`` of chart 6.11.0 (braintrustdata/helm @ 33f04f8), plus the
two keys the templates honour without declaring them (``podSecurityContext``, ``securityContext`` on the
API and each Brainstore role). ``extra="forbid"`` everywhere: a misspelt key is a validation error,
not a value Helm silently ignores. When upgrading the chart, diff its values.yaml against this file.

Kubernetes-level structures passed through verbatim (affinity, tolerations, security contexts) are
typed loosely here and checked against the Kubernetes JSON schema in the tests instead.
"""

from __future__ import annotations

from typing import Any, Literal

import pulumi
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from .shapes import parse_gib

# Values may be plain strings or Outputs of resources that do not exist yet (bucket names, client ids).
Text = str | pulumi.Output


class _Values(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=False,
        arbitrary_types_allowed=True,
    )


class GlobalValues(_Values):
    org_name: str = Field(min_length=1)
    primary_org_name: str | None = None
    allowed_org_ids: str | None = None
    # The chart builds the API's Brainstore URLs from global.namespace, not the release namespace.
    namespace: str
    create_namespace: Literal[False] = False  # we own the Namespace (Pod Security labels)
    labels: dict[str, str]
    control_plane_telemetry: str


class GoogleValues(_Values):
    mode: Literal["standard", "autopilot"]
    autopilot_machine_family: Literal["c4", "c4d"] | None = None


class AzureValues(_Values):
    tenant_id: Text
    key_vault_name: Text | None = None
    key_vault_csi_client_id: Text | None = Field(default=None, alias="keyVaultCSIclientID")
    enable_azure_key_vault_driver: bool
    enable_azure_container_storage_driver: Literal[True] = True  # local NVMe cache through ACStor v2


class GoogleBuckets(_Values):
    brainstore_bucket: Text
    api_bucket: Text


class AzureContainers(_Values):
    storage_account_name: Text
    brainstore_container: Text
    response_container: Text
    code_bundle_container: Text


class ObjectStorageValues(_Values):
    google: GoogleBuckets | None = None
    azure: AzureContainers | None = None


class ImageValues(_Values):
    tag: str


class Quantities(_Values):
    cpu: str
    memory: str


class ResourcesValues(_Values):
    requests: Quantities
    limits: Quantities


class EnvVar(_Values):
    name: str
    value: Text


class TmpVolume(_Values):
    enabled: bool
    size_limit: str


class CacheVolume(_Values):
    size: str  # ACStor ephemeral PVC size on Azure; ephemeral-storage request on Autopilot
    size_limit: str | None = None  # the cache emptyDir's sizeLimit (every cloud but Azure with ACStor)


class DeploymentAnnotations(_Values):
    deployment: dict[str, str]
    pod: dict[str, Text] | None = None


class ApiServiceAccount(_Values):
    azure_client_id: Text | None = None
    google_service_account: Text | None = None


class ApiValues(_Values):
    replicas: int = Field(ge=1)
    # URL security (SSRF): the chart puts these into the API's (and AI gateway's) ConfigMap.
    unsafe_url_request_mode: Literal["reject", "proxy", "warn", "off"]
    url_security_dns_servers: str | None = None
    url_security_allow_cidrs: str | None = None
    image: ImageValues
    resources: ResourcesValues
    node_memory_percent: str = Field(pattern=r"^\d{2}$")
    enable_gcs_auth: bool | None = None
    service_account: ApiServiceAccount | None = None
    node_selector: dict[str, Text]
    tolerations: list[dict[str, Any]]
    affinity: dict[str, Any]
    extra_env_vars: list[EnvVar]
    annotations: DeploymentAnnotations
    pod_security_context: dict[str, Any]
    security_context: dict[str, Any]
    tmp_volume: TmpVolume
    # Kubernetes Containers / Volumes added to the pod (the Redis TLS sidecar and its CA).
    extra_containers: list[dict[str, Any]] | None = None
    extra_volumes: list[dict[str, Any]] | None = None


class BrainstoreRoleValues(_Values):
    replicas: int = Field(ge=0)
    resources: ResourcesValues
    object_store_cache_file_size: str
    volume: CacheVolume
    node_selector: dict[str, Text]
    tolerations: list[dict[str, Any]]
    affinity: dict[str, Any]
    extra_env_vars: list[EnvVar]
    annotations: DeploymentAnnotations
    pod_security_context: dict[str, Any]
    security_context: dict[str, Any]
    tmp_volume: TmpVolume
    # Kubernetes Containers / Volumes added to the pod (the Redis TLS sidecar and its CA).
    extra_containers: list[dict[str, Any]] | None = None
    extra_volumes: list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _cache_fits_volume(self) -> BrainstoreRoleValues:
        cache = parse_gib(self.object_store_cache_file_size)
        for bound in (self.volume.size, self.volume.size_limit):
            if bound is not None and cache >= parse_gib(bound):
                raise ValueError(
                    f"objectStoreCacheFileSize {self.object_store_cache_file_size} must be smaller than the cache "
                    f"volume {bound} (Brainstore would fill the disk and the pod would be evicted)"
                )
        return self


class BrainstoreServiceAccount(_Values):
    azure_client_id: Text | None = None
    google_service_account: Text | None = None


class BrainstoreValues(_Values):
    image: ImageValues
    locks_backend: Literal["objectStorage", "redis"]
    service_account: BrainstoreServiceAccount
    reader: BrainstoreRoleValues
    fastreader: BrainstoreRoleValues
    writer: BrainstoreRoleValues


class ChartValues(_Values):
    global_: GlobalValues = Field(alias="global")
    cloud: Literal["google", "azure"]
    google: GoogleValues | None = None
    azure: AzureValues | None = None
    object_storage: ObjectStorageValues
    api: ApiValues
    brainstore: BrainstoreValues

    @model_validator(mode="after")
    def _one_cloud(self) -> ChartValues:
        google = (self.google, self.object_storage.google)
        azure = (self.azure, self.object_storage.azure)
        mine, other = (google, azure) if self.cloud == "google" else (azure, google)
        if None in mine or other != (None, None):
            raise ValueError(f"cloud {self.cloud} needs exactly its own cloud and objectStorage sections")
        roles = (self.brainstore.reader, self.brainstore.fastreader, self.brainstore.writer)
        if self.cloud == "azure" and any(r.volume.size_limit for r in roles):
            raise ValueError("volume.sizeLimit has no effect on Azure (the cache is an Azure Container Storage "
                             "volume, not an emptyDir); size it with volume.size")
        return self
