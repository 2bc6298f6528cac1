"""Explicit providers, one per cloud, built from validated config (never from ambient defaults).

Stack files also set `pulumi:disable-default-providers: ["*"]`, so a resource that forgets its
provider fails loudly at `pulumi up` instead of deploying to whatever the shell is logged into.
"""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_gcp as gcp

from components.config import DataPlaneConfig
from components.tags import resource_tags


def aws_provider(cfg: DataPlaneConfig) -> aws.Provider:
    section = cfg.aws_section
    return aws.Provider(
        f"{cfg.deployment_name}-aws",
        region=cfg.region,
        # Refuse to touch any other account than the one this stack was written for.
        allowed_account_ids=[section.account_id] if section.account_id else None,
        default_tags=aws.ProviderDefaultTagsArgs(tags=resource_tags(cfg)),
    )


def gcp_provider(cfg: DataPlaneConfig) -> gcp.Provider:
    assert cfg.gcp is not None
    return gcp.Provider(
        f"{cfg.deployment_name}-gcp",
        project=cfg.gcp.project_id,
        region=cfg.region,
        default_labels=resource_tags(cfg),
        add_pulumi_attribution_label=False,
    )


def azure_provider(cfg: DataPlaneConfig) -> azure_native.Provider:
    assert cfg.azure is not None
    return azure_native.Provider(
        f"{cfg.deployment_name}-azure",
        subscription_id=str(cfg.azure.subscription_id),
        tenant_id=str(cfg.azure.tenant_id) if cfg.azure.tenant_id else None,
        location=cfg.region,
    )

