"""Azure deployment scripts that act once per real change, and never because of a refresh.

How a deployment script's lifecycle meets Pulumi's (sources in ``components/facts/azure.py``):

* Azure deletes the ``deploymentScripts`` resource ``retentionInterval`` after the script finished;
* `pulumi refresh` (or `pulumi up --refresh`) then finds it gone and drops it from the state, and the next
  `pulumi up` creates it again, which runs the script again. A longer retention only delays this;
* ARM reruns a script when one of its properties changes (``forceUpdateTag`` is the explicit knob).

So "once per real change" cannot come from the resource's lifecycle alone. It comes from two things:

1. the trigger (``forceUpdateTag`` and the environment) derives only from the real input, so an unrelated
   change never reruns the script;
2. the script acts only while the cloud reports the change as still pending (Microsoft's advice: write
   idempotent deployment scripts), so a rerun after a refresh, or after an edit of the script text, finds
   nothing to do and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pulumi
import pulumi_azure_native as azure_native

from components.facts.azure import DEPLOYMENT_SCRIPT_AZ_CLI_VERSION as AZ_CLI_VERSION
from components.facts.azure import DEPLOYMENT_SCRIPT_RETENTION
from components.tags import Tags


def trigger_tag(value: object) -> str:
    """A stable digest of the real input a script acts on (its ``forceUpdateTag``)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def cli_script(
    name: str,
    *,
    parent: pulumi.Resource,
    script_name: str,
    resource_group_name: pulumi.Input[str],
    location: str,
    identity_id: pulumi.Input[str],
    content: str,
    environment: Mapping[str, pulumi.Input[str]],
    trigger: str,
    timeout: str,
    tags: Tags,
    depends_on: list[pulumi.Resource],
) -> azure_native.resources.AzureCliScript:
    """One idempotent Azure CLI deployment script (see the module docstring for why it must be)."""
    return azure_native.resources.AzureCliScript(
        name,
        script_name=script_name,
        resource_group_name=resource_group_name,
        location=location,
        kind="AzureCLI",
        az_cli_version=AZ_CLI_VERSION,
        identity=azure_native.resources.ManagedServiceIdentityArgs(
            type=azure_native.resources.ManagedServiceIdentityType.USER_ASSIGNED,
            user_assigned_identities=[identity_id],
        ),
        environment_variables=[azure_native.resources.EnvironmentVariableArgs(name=key, value=value)
                               for key, value in environment.items()],
        script_content=content,
        force_update_tag=trigger,
        timeout=timeout,
        retention_interval=DEPLOYMENT_SCRIPT_RETENTION,
        cleanup_preference=azure_native.resources.CleanupOptions.ON_SUCCESS,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on),
    )
