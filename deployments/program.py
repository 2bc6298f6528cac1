"""Pulumi Deployments for the data plane stacks, as code (pulumi-pulumiservice 1.5.0).

What it creates, for the stacks listed in its config:

* ESC environments (project ``esc_project``): ``license`` holds the Brainstore license key as a
  secret ``pulumiConfig`` value; per stack, ``<stack>`` (write identity) and ``<stack>-preview``
  (read-only identity) import it and log in to the stack's cloud by OIDC; ``review`` (review stacks'
  identity) too. Each stack file imports ``<project>/<stack>``, so a laptop, CI and Deployments run
  ``pulumi up`` the same way. Trust documents for every identity are exported (deployments.trust).
* Deployment settings per stack: this repository through the Pulumi GitHub app (``vcs``), previews on
  every pull request (read-only identity, see deployments.prerun), push-to-deploy on staging only
  (production is deployed deliberately: click, REST, or ``python -m ops.deploy``), trigger paths from
  the repository root. One staging stack is the review-stack template.
* Drift detection on production (reported, never auto-remediated), after the settings exist.
* A webhook per stack for drift and failed deployments.
* The policy pack in ``policy/`` published and enforced on every managed stack by a PolicyGroup.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pulumi
import pulumi_pulumiservice as ps
import yaml

from components.facts import pulumi as pulumi_facts

from . import esc, prerun
from .config import (
    DATA_PLANE_PROJECT,
    KEYS,
    LICENSE_ENV,
    NAMESPACE,
    REVIEW_ENV,
    ROOT,
    DataPlaneStack,
    DeploymentsConfig,
    Login,
    stack_files,
)
from .trust import trust_documents

POLICY_DIR = ROOT / "policy"
POLICY_GROUP = "braintrust-data-plane"


def review_deployment_name(stack: str) -> str:
    """What the review pre-run commands set as braintrust:deployment_name ("rv" + 8 hex, every cloud's limits)."""
    return prerun.REVIEW_NAME_PREFIX + hashlib.sha256(stack.encode()).hexdigest()[:8]


def policy_pack_version(directory: Path = POLICY_DIR) -> str:
    """The pack's version (policy/PulumiPolicy.yaml); published versions are immutable: bump it on change."""
    return str((yaml.safe_load((directory / "PulumiPolicy.yaml").read_text()) or {})["version"])


def policy_pack_name() -> str:
    from policy.rules import PACK_NAME

    return PACK_NAME


class _Environments:
    """Creates the ESC environments; ``depends`` lists what settings must wait for."""

    def __init__(self, cfg: DeploymentsConfig, organization: str, license_key: pulumi.Input[str]):
        self.cfg, self.organization = cfg, organization
        secret = pulumi.Output.secret(license_key)
        self.license = ps.Environment(
            f"esc-{LICENSE_ENV}", organization=organization, project=cfg.esc_project, name=LICENSE_ENV,
            yaml=secret.apply(lambda key: pulumi.StringAsset(esc.render(esc.license_document(key)))),
            # The definition carries the license in plaintext until ESC encrypts it on save.
            opts=pulumi.ResourceOptions(additional_secret_outputs=["yaml"]))

    def login(self, environment: str, login: Login, stack: DataPlaneStack | None) -> ps.Environment:
        project, name = environment.split("/", 1)
        document = esc.credentials_document(login, environment, self.cfg.license_environment, stack)
        return ps.Environment(
            f"esc-{name}", organization=self.organization, project=project, name=name,
            yaml=pulumi.StringAsset(esc.render(document)),
            opts=pulumi.ResourceOptions(depends_on=[self.license]))


def _settings(cfg: DeploymentsConfig, organization: str, stack: DataPlaneStack, is_template: bool,
              depends_on: list[pulumi.Resource]) -> ps.DeploymentSettings:
    source = cfg.source
    review = cfg.review_stacks
    review_args = None
    if is_template:
        review_args = (stack.cloud, cfg.review_environment, review.ttl_days)
    commands = prerun.commands(stack.name, cfg.environment(stack.name), cfg.preview_environment(stack.name),
                               repo_dir=source.repo_dir, review=review_args)
    return ps.DeploymentSettings(
        f"{stack.name}-deployment-settings",
        organization=organization,
        project=DATA_PLANE_PROJECT,
        stack=stack.name,
        # With the GitHub app (vcs), the repository comes from the integration: branch and folder only.
        source_context={"git": {"branch": f"refs/heads/{source.branch}", "repo_dir": source.repo_dir}},
        vcs={
            "provider": pulumi_facts.VCS_GITHUB,
            "repository": source.repository,
            "deploy_commits": not stack.production,
            "preview_pull_requests": True,
            "pull_request_template": is_template,
            "paths": source.trigger_paths,
        },
        operation_context={
            "pre_run_commands": commands,
            # Only the newest commit matters; queued intermediate commits are skipped.
            "options": {"skip_intermediate_deployments": True},
        },
        cache_options={"enable": True},
        opts=pulumi.ResourceOptions(depends_on=depends_on),
    )


def _policy(cfg: DeploymentsConfig, organization: str) -> ps.PolicyGroup | None:
    if not cfg.policy.enabled:
        return None
    name, version = policy_pack_name(), policy_pack_version()
    depends: list[pulumi.Resource] = []
    if cfg.policy.publish_pack:
        depends.append(ps.PolicyPack(
            "policy-pack", name=name, organization=organization, source_path=str(POLICY_DIR), version_tag=version))
    return ps.PolicyGroup(
        "policy-group", name=POLICY_GROUP, organization_name=organization, entity_type="stacks",
        mode=cfg.policy.mode,
        policy_packs=[{"name": name, "version_tag": version}],
        stacks=[{"name": stack, "routing_project": DATA_PLANE_PROJECT} for stack in sorted(cfg.stacks)],
        opts=pulumi.ResourceOptions(depends_on=depends))


def configure(cfg: DeploymentsConfig, organization: str, license_key: pulumi.Input[str],
              notification_url: pulumi.Input[str]) -> dict[str, Any]:
    """Register every resource; return what the stack exports."""
    files = stack_files()
    trust = trust_documents(cfg, organization)  # fails early on a subject a cloud cannot map
    envs = _Environments(cfg, organization, license_key)
    review = cfg.review_stacks
    template = review.template_stack if review.enabled else None
    if template is not None and review.identity is not None:
        envs.login(cfg.review_environment, review.identity, files[template])
    summary: dict[str, Any] = {}
    url = pulumi.Output.secret(notification_url)
    for name, settings in sorted(cfg.stacks.items()):
        stack = files[name]
        write = envs.login(cfg.environment(name), settings.deploy, stack)
        read = envs.login(cfg.preview_environment(name), settings.preview, stack)
        deployment = _settings(cfg, organization, stack, name == template, depends_on=[write, read])
        entry: dict[str, Any] = {
            "cloud": stack.cloud, "size": stack.size, "push_to_deploy": not stack.production,
            "preview_pull_requests": True, "review_stack_template": name == template,
            "environment": cfg.environment(name), "preview_environment": cfg.preview_environment(name),
        }
        if stack.production:
            ps.DriftSchedule(
                f"{name}-drift", organization=organization, project=DATA_PLANE_PROJECT, stack=name,
                schedule_cron=cfg.drift_schedule,
                # Drift in production is a finding for a person, never an automatic `up`.
                auto_remediate=False,
                opts=pulumi.ResourceOptions(depends_on=[deployment]))
            entry["drift_schedule"] = cfg.drift_schedule
        ps.Webhook(
            f"{name}-notifications", active=True, display_name=f"braintrust {name}: drift and failed deployments",
            organization_name=organization, project_name=DATA_PLANE_PROJECT, stack_name=name,
            payload_url=url, format=ps.WebhookFormat(cfg.notifications.format),
            filters=[ps.WebhookFilters(value) for value in pulumi_facts.WEBHOOK_FILTERS])
        summary[name] = entry
    group = _policy(cfg, organization)
    return {
        "stacks": summary,
        "environments": {"license": cfg.license_environment,
                         **({"review": cfg.review_environment} if template else {})},
        "review_stacks": {"template": template, "environment": cfg.review_environment,
                          "ttl_days": review.ttl_days} if template else None,
        "policy_group": POLICY_GROUP if group is not None else None,
        "trust": trust,
    }


def main() -> None:
    """Read config once (here only), validate it, register, export."""
    config = pulumi.Config(NAMESPACE)
    raw: dict[str, Any] = {}
    for key in KEYS:
        value = config.get(key) if key in ("organization", "esc_project", "drift_schedule") else config.get_object(key)
        if value is not None:
            raw[key] = value
    cfg = DeploymentsConfig.model_validate(raw)
    organization = cfg.organization or pulumi.get_organization()
    outputs = configure(cfg, organization, config.require_secret("license_key"),
                        config.require_secret("notification_url"))
    for key, value in outputs.items():
        pulumi.export(key, value)


__all__ = ["REVIEW_ENV", "configure", "main", "review_deployment_name"]
