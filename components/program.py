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
    """Create the providers and the data plane for ``cfg.cloud``; return the stack outputs.

    Cloud SDKs are imported here, per cloud, so a stack loads only the SDK it deploys with. Each data
    plane builds its Kubernetes provider itself (GCP, Azure), from the cluster it creates.
    """
    import pulumi_random as random

    from components import providers

    # Generated passwords and keys need an explicit provider: the stacks disable default providers.
    random_provider = random.Provider(f"{cfg.deployment_name}-random")
    if cfg.cloud is Cloud.AWS:
        from components.aws.data_plane import AwsDataPlane, AwsDataPlaneArgs

        plane: Any = AwsDataPlane(
            cfg.deployment_name,
            AwsDataPlaneArgs(config=cfg, license_key=secrets.brainstore_license_key),
            opts=pulumi.ResourceOptions(providers={"aws": providers.aws_provider(cfg), "random": random_provider}),
        )
    elif cfg.cloud is Cloud.GCP:
        from components.gcp.data_plane import GcpDataPlane, GcpDataPlaneArgs

        plane = GcpDataPlane(
            cfg.deployment_name,
            GcpDataPlaneArgs(config=cfg, brainstore_license_key=secrets.brainstore_license_key),
            opts=pulumi.ResourceOptions(providers={"gcp": providers.gcp_provider(cfg), "random": random_provider}),
        )
    else:
        from components.azure.data_plane import AzureDataPlane, AzureDataPlaneArgs

        plane = AzureDataPlane(
            cfg.deployment_name,
            AzureDataPlaneArgs(config=cfg, brainstore_license_key=secrets.brainstore_license_key),
            opts=pulumi.ResourceOptions(
                providers={"azure-native": providers.azure_provider(cfg), "random": random_provider}),
        )
    return plane.outputs
