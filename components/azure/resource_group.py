"""The resource group every Azure resource of the data plane lives in (created, or brought by the user)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.tags import Tags


@dataclass(frozen=True)
class ResourceGroupArgs:
    name: str
    location: str
    tags: Tags
    protect: bool
    existing_name: str | None = None


class ResourceGroup(pulumi.ComponentResource):
    name: pulumi.Output[str]

    def __init__(self, name: str, args: ResourceGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:ResourceGroup", name, None, opts)
        if args.existing_name:
            # BYO: nothing to create; every other tier just needs the name.
            self.name = pulumi.Output.from_input(args.existing_name)
        else:
            group = azure_native.resources.ResourceGroup(
                f"{name}-rg",
                resource_group_name=args.name,
                location=args.location,
                tags=args.tags,
                # Deleting the group deletes everything in it: protect it like the data stores.
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            self.name = group.name
        self.register_outputs({"name": self.name})
