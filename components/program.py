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


class NotBuiltYetError(NotImplementedError):
    """The chosen cloud has no data-plane component yet."""


def deploy(cfg: DataPlaneConfig, secrets: Secrets) -> dict[str, Any]:
    """Create the providers and the data plane for ``cfg.cloud``; return the stack outputs."""
    if cfg.cloud is Cloud.AWS:
        raise NotBuiltYetError("the AWS data plane is not built yet (issue: AWS data plane)")
    if cfg.cloud is Cloud.GCP:
        raise NotBuiltYetError("the GCP data plane is not built yet (issue: GCP data plane)")
    raise NotBuiltYetError("the Azure data plane is not built yet (issue: Azure data plane)")
