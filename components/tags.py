"""Tags and labels applied explicitly to every taggable resource.

Provider-level default tags do not reach everything (AWS launch-template instances and volumes,
Azure has none), so components pass these explicitly; provider defaults are a second layer only.

Tag values may be Pulumi secrets: when the stack stores `tags` as a secret, every user tag value is one
(``resource_tags``), so maps are typed ``Tags`` (values ``pulumi.Input[str]``), never ``dict[str, str]``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from components.config import DataPlaneConfig
from components.config.root import BASE_TAG_KEYS

Tags = Mapping[str, pulumi.Input[str]]


def resource_tags(cfg: DataPlaneConfig) -> dict[str, pulumi.Input[str]]:
    """``cfg.all_tags`` as resource inputs: the user's values become secrets when `tags` is a secret key.

    The program's own tags (deployment, size, managed-by) stay plain: IAM conditions, cost reports and the
    policy pack read them. Tag keys are visible in the stack file either way, so only values are wrapped."""
    if not cfg.is_secret("tags"):
        return dict(cfg.all_tags)
    return {key: value if key in BASE_TAG_KEYS else pulumi.Output.secret(value)
            for key, value in cfg.all_tags.items()}


def merged(base: Tags, *extra: Tags) -> dict[str, pulumi.Input[str]]:
    """Base tags win over extras: the deployment tags are relied on by IAM conditions and cost reports."""
    out: dict[str, pulumi.Input[str]] = {}
    for more in extra:
        out.update(more)
    out.update(base)
    return out


def with_name(base: Tags, name: str) -> dict[str, pulumi.Input[str]]:
    """AWS console shows the `Name` tag; add it on resources people look for by name."""
    return {**base, "Name": name}
