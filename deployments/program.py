"""Pulumi Deployments settings for every data plane stack, as code (pulumi-pulumiservice).

Per stack: source = this repository at the configured branch and folder; cloud credentials by OIDC
(no stored keys); GitHub triggers: previews on every pull request, push-to-deploy on staging only
(production is deployed deliberately: click, REST, or `python -m ops.deploy`); a drift schedule on
production that reports and never auto-remediates. One staging stack is the review-stack template:
each pull request gets its own staging-sized stack, destroyed when the PR closes.

Why Deployments OIDC and not ESC environments (Pulumi's general recommendation): see
docs/operations.md "Credentials: Deployments OIDC or ESC". In short: one self-contained resource per
stack, no change to the data plane's stack files, the credentials also reach pre-run commands (the
review-stack renaming below needs them), and each trust policy can name exactly one stack.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pulumi
import pulumi_pulumiservice as ps

from .config import (
    DATA_PLANE_PROJECT,
    KEYS,
    NAMESPACE,
    DataPlaneStack,
    DeploymentsConfig,
    StackSettings,
    stack_files,
)

# Review stacks copy the template's config; without their own deployment name every review stack would
# collide with the template's cloud resources (names, buckets, DNS). The name is derived from the
# review stack's name, short enough for every cloud's limits ("rv" + 8 hex = 10 characters).
REVIEW_NAME_PREFIX = "rv"


def review_deployment_name(stack: str) -> str:
    return REVIEW_NAME_PREFIX + hashlib.sha256(stack.encode()).hexdigest()[:8]


def review_pre_run_commands(template: str, with_license: bool) -> list[str]:
    """Shell lines run before each deployment of the template *and* of its review stacks.

    They do nothing for the template itself; in a review stack they give it its own stack file
    (a copy of the template's), its own deployment name and, when configured, the license key from
    the secret environment variable BRAINSTORE_LICENSE_KEY. Each line runs in a separate shell.
    """
    only_reviews = f'[ "$PULUMI_CI_STACK" = "{template}" ] ||'
    stack_file = 'stacks/Pulumi.$PULUMI_CI_STACK.yaml'
    derived = (f'"{REVIEW_NAME_PREFIX}$(printf %s "$PULUMI_CI_STACK" | sha256sum | cut -c1-8)"')
    return [
        f"{only_reviews} [ -f {stack_file} ] || cp stacks/Pulumi.{template}.yaml {stack_file}",
        f'{only_reviews} pulumi config set --stack "$PULUMI_CI_STACK" braintrust:deployment_name {derived}',
    ] + ([f'{only_reviews} pulumi config set --secret --stack "$PULUMI_CI_STACK" '
          'braintrust:brainstore_license_key "$BRAINSTORE_LICENSE_KEY"'] if with_license else [])


def _oidc(stack: DataPlaneStack, settings: StackSettings) -> ps.OperationContextOIDCArgsDict:
    oidc = settings.oidc
    if oidc.aws is not None:
        return {"aws": {"role_arn": oidc.aws.role_arn, "duration": oidc.aws.duration,
                        # Shows up in CloudTrail: who assumed the role, for which stack and operation.
                        "session_name": f"pulumi-{stack.name}"[:64]}}
    if oidc.gcp is not None:
        return {"gcp": {"project_id": oidc.gcp.project_number, "workload_pool_id": oidc.gcp.workload_pool_id,
                        "provider_id": oidc.gcp.provider_id, "service_account": oidc.gcp.service_account,
                        "token_lifetime": oidc.gcp.token_lifetime}}
    azure = oidc.azure
    assert azure is not None  # the config validator guarantees exactly one cloud
    subscription = azure.subscription_id or stack.azure_subscription_id
    tenant = azure.tenant_id or stack.azure_tenant_id
    if not subscription or not tenant:
        raise ValueError(f"stacks.{stack.name}.oidc.azure: set tenant_id/subscription_id (the stack file has none)")
    return {"azure": {"client_id": azure.client_id, "tenant_id": tenant, "subscription_id": subscription}}


def configure(cfg: DeploymentsConfig, organization: str,
              review_license_key: pulumi.Input[str] | None = None) -> dict[str, Any]:
    """Register the Deployments resources; return a summary per stack (exported).

    ``review_license_key`` (a Pulumi secret) reaches review stacks as a secret environment variable.
    """
    stacks = stack_files()
    summary: dict[str, Any] = {}
    template = cfg.review_stacks.template_stack if cfg.review_stacks.enabled else None
    for name, settings in sorted(cfg.stacks.items()):
        stack = stacks[name]
        is_template = name == template
        operation_context: ps.DeploymentSettingsOperationContextArgsDict = {
            "oidc": _oidc(stack, settings),
            # Only the newest commit matters; queued intermediate commits are skipped.
            "options": {"skip_intermediate_deployments": True},
        }
        if is_template:
            operation_context["pre_run_commands"] = review_pre_run_commands(name, review_license_key is not None)
            if review_license_key is not None:
                operation_context["environment_variables"] = {
                    "BRAINSTORE_LICENSE_KEY": pulumi.Output.secret(review_license_key)}
        ps.DeploymentSettings(
            f"{name}-deployment-settings",
            organization=organization,
            project=DATA_PLANE_PROJECT,
            stack=name,
            source_context={"git": {"repo_url": cfg.source.repo_url, "branch": f"refs/heads/{cfg.source.branch}",
                                    "repo_dir": cfg.source.repo_dir}},
            github={
                "repository": cfg.source.repository,
                "deploy_commits": not stack.production,
                "preview_pull_requests": True,
                "pull_request_template": is_template,
                "paths": list(cfg.source.paths),
            },
            operation_context=operation_context,
            cache_options={"enable": True},
        )
        entry: dict[str, Any] = {"cloud": stack.cloud, "size": stack.size, "push_to_deploy": not stack.production,
                                 "preview_pull_requests": True, "review_stack_template": is_template}
        if stack.production:
            ps.DriftSchedule(
                f"{name}-drift",
                organization=organization,
                project=DATA_PLANE_PROJECT,
                stack=name,
                schedule_cron=cfg.drift_schedule,
                # Drift in production is a finding for a person, never an automatic `up`.
                auto_remediate=False,
            )
            entry["drift_schedule"] = cfg.drift_schedule
        summary[name] = entry
    return summary


def main() -> None:
    """Read config once (here only), validate it, register, export."""
    config = pulumi.Config(NAMESPACE)
    raw = {key: config.get_object(key) for key in KEYS if key not in ("organization", "drift_schedule")}
    raw |= {key: config.get(key) for key in ("organization", "drift_schedule")}
    cfg = DeploymentsConfig.model_validate({key: value for key, value in raw.items() if value is not None})
    organization = cfg.organization or pulumi.get_organization()
    pulumi.export("stacks", configure(cfg, organization, config.get_secret("review_license_key")))
