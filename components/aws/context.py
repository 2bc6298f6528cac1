"""What every AWS component needs to know about the deployment it belongs to.

One small frozen value instead of the same six arguments on every component: the deployment name
(prefix of physical names), where it runs, its tags, and the safety switches for stateful resources.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components import tags as tagging
from components.tags import Tags

PARTITION = "aws"  # SUPPORTED_REGIONS are all commercial regions


@dataclass(frozen=True)
class Deployment:
    name: str
    region: str
    account_id: pulumi.Input[str]
    tags: Tags
    protect: bool = False
    production: bool = False
    retain: bool = True  # buckets and keys outlive `pulumi destroy` (False only for danger_ephemeral)
    permissions_boundary_arn: str | None = None

    def tags_for(self, name: str, **more: str) -> dict[str, pulumi.Input[str]]:
        """Deployment tags plus the console `Name` (and any resource-specific tags; ours win)."""
        return tagging.merged(self.tags, {"Name": name, **more})

    def arn(self, service: str, resource: str) -> pulumi.Output[str]:
        """An ARN in this account and region, for policies that must name resources created later."""
        return pulumi.Output.concat(f"arn:{PARTITION}:{service}:{self.region}:", self.account_id, f":{resource}")

    def log_group_arn(self, log_group: str) -> pulumi.Output[str]:
        return self.arn("logs", f"log-group:{log_group}")

    def function_arn(self, function_name: str) -> pulumi.Output[str]:
        return self.arn("lambda", f"function:{function_name}")
