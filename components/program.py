"""The whole program as a function of validated configuration (called by __main__.py and tests).

Keeping it a function (no resources at import time) is what makes mocked tests reliable: the
mocks are installed first, then ``deploy`` registers everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.config import Cloud, DataPlaneConfig


@dataclass(frozen=True)
class Secrets:
    """Secret stack configuration, already wrapped as Pulumi secrets."""

    brainstore_license_key: pulumi.Output[str]


def deploy(cfg: DataPlaneConfig, secrets: Secrets) -> dict[str, Any]:
    """Create the providers and the data plane for ``cfg.cloud``; return the stack outputs."""
    if cfg.cloud is Cloud.AWS:
        return _deploy_aws(cfg, secrets)
    if cfg.cloud is Cloud.GCP:
        return _deploy_gcp(cfg, secrets)
    return _deploy_azure(cfg, secrets)


def _deploy_aws(cfg: DataPlaneConfig, secrets: Secrets) -> dict[str, Any]:
    import pulumi_random as random

    from components.aws.data_plane import AwsDataPlane, AwsDataPlaneArgs
    from components.providers import aws_provider

    providers = {
        "aws": aws_provider(cfg),
        # Generated passwords and keys; explicit because stacks disable default providers.
        "random": random.Provider(f"{cfg.deployment_name}-random"),
    }
    plane = AwsDataPlane(
        cfg.deployment_name,
        AwsDataPlaneArgs(config=cfg, license_key=secrets.brainstore_license_key),
        opts=pulumi.ResourceOptions(providers=providers),
    )
    return plane.outputs


def _deploy_gcp(cfg: DataPlaneConfig, secrets: Secrets) -> dict[str, Any]:
    """GKE, Cloud SQL, Memorystore, GCS; the Kubernetes provider is built inside, from the new cluster."""
    import pulumi_random as random

    from components.gcp.data_plane import GcpDataPlane, GcpDataPlaneArgs
    from components.providers import gcp_provider

    providers = {"gcp": gcp_provider(cfg), "random": random.Provider(f"{cfg.deployment_name}-random")}
    plane = GcpDataPlane(
        cfg.deployment_name,
        GcpDataPlaneArgs(config=cfg, brainstore_license_key=secrets.brainstore_license_key),
        opts=pulumi.ResourceOptions(providers=providers),
    )
    return plane.outputs


def _deploy_azure(cfg: DataPlaneConfig, secrets: Secrets) -> dict[str, Any]:
    """AKS, Flexible Server, Managed Redis, Blob, Key Vault; the Kubernetes provider is built inside."""
    import pulumi_random as random

    from components.azure.data_plane import AzureDataPlane, AzureDataPlaneArgs
    from components.providers import azure_provider

    providers = {"azure-native": azure_provider(cfg), "random": random.Provider(f"{cfg.deployment_name}-random")}
    plane = AzureDataPlane(
        cfg.deployment_name,
        AzureDataPlaneArgs(config=cfg, brainstore_license_key=secrets.brainstore_license_key),
        opts=pulumi.ResourceOptions(providers=providers),
    )
    return plane.outputs
