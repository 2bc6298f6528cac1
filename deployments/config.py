"""Configuration of the Deployments program (keys under `braintrust-deployments:`), validated once.

The data plane's own stack files (../stacks/Pulumi.<stack>.yaml) stay the single source of each
stack's cloud and size: this program reads them instead of repeating them, and refuses an OIDC
block for the wrong cloud or a stack file without Deployments settings.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

ROOT = Path(__file__).resolve().parents[1]
STACKS_DIR = ROOT / "stacks"
DATA_PLANE_PROJECT = "braintrust"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where Pulumi Deployments gets the program: this repository."""

    repository: Annotated[str, Field(pattern=r"^[\w.-]+/[\w.-]+$")] = Field(
        description="GitHub repository, owner/name (needs the Pulumi GitHub app).")
    branch: str = Field(default="main", description="Branch that staging deploys from and PRs target.")
    repo_dir: str = Field(default="", description="Folder of Pulumi.yaml inside the repository ('' = root).")
    paths: list[str] = Field(
        default_factory=lambda: ["__main__.py", "Pulumi.yaml", "components/**", "stacks/**", "requirements.txt"],
        description="Only changes under these paths trigger deployments and previews.")

    @property
    def repo_url(self) -> str:
        return f"https://github.com/{self.repository}.git"


class AwsOidc(_Strict):
    role_arn: Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]
    duration: str = Field(default="1h", pattern=r"^\d+[hm]$")


class GcpOidc(_Strict):
    project_number: Annotated[str, Field(pattern=r"^\d{6,20}$")] = Field(
        description="Numeric project number that holds the workload identity pool.")
    workload_pool_id: str
    provider_id: str
    service_account: Annotated[str, Field(pattern=r"^[\w.-]+@[\w.-]+\.iam\.gserviceaccount\.com$")]
    token_lifetime: str = Field(default="3600s", pattern=r"^\d+s$")


class AzureOidc(_Strict):
    client_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")]
    tenant_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")] | None = Field(
        default=None, description="Default: the data plane stack's azure.tenant_id.")
    subscription_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")] | None = Field(
        default=None, description="Default: the data plane stack's azure.subscription_id.")


class Oidc(_Strict):
    aws: AwsOidc | None = None
    gcp: GcpOidc | None = None
    azure: AzureOidc | None = None

    @property
    def cloud(self) -> str:
        given = [name for name in ("aws", "gcp", "azure") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"exactly one of aws, gcp, azure is required (given: {given or 'none'})")
        return given[0]


class StackSettings(_Strict):
    oidc: Oidc


class ReviewStacks(_Strict):
    enabled: bool = True
    template_stack: str = Field(
        default="aws-staging",
        description="Staging stack whose settings and config every review stack copies (one per branch).")


NAMESPACE = "braintrust-deployments"
KEYS = ("organization", "source", "stacks", "drift_schedule", "review_stacks")


class DeploymentsConfig(_Strict):
    organization: str | None = Field(default=None, description="Pulumi organization (default: the current one).")
    source: Source
    stacks: dict[str, StackSettings] = Field(description="Deployments settings per data plane stack.")
    drift_schedule: str = Field(
        default="0 */4 * * *", pattern=r"^(\S+\s+){4}\S+$",
        description="Cron (UTC) of drift detection on production stacks; drift is reported, never auto-fixed.")
    review_stacks: ReviewStacks = Field(default_factory=ReviewStacks)

    @model_validator(mode="after")
    def _matches_stack_files(self) -> DeploymentsConfig:
        problems = []
        files = stack_files()
        for name in sorted(set(files) - set(self.stacks)):
            problems.append(f"stacks.{name}: missing (stacks/Pulumi.{name}.yaml exists)")
        for name, settings in sorted(self.stacks.items()):
            if name not in files:
                problems.append(f"stacks.{name}: no stack file stacks/Pulumi.{name}.yaml")
                continue
            try:
                cloud = settings.oidc.cloud
            except ValueError as error:
                problems.append(f"stacks.{name}.oidc: {error}")
                continue
            if cloud != files[name].cloud:
                problems.append(f"stacks.{name}.oidc: is for {cloud} but the stack deploys to {files[name].cloud}")
        template = self.review_stacks.template_stack
        if self.review_stacks.enabled and (template not in files or files[template].size != "staging"):
            problems.append(f"review_stacks.template_stack: {template!r} is not a staging stack")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class DataPlaneStack(_Strict):
    """What this program needs from a data plane stack file."""

    name: str
    cloud: Literal["aws", "gcp", "azure"]
    size: Literal["staging", "production"]
    azure_subscription_id: str | None = None
    azure_tenant_id: str | None = None

    @property
    def production(self) -> bool:
        return self.size == "production"


_NAME = re.compile(r"^Pulumi\.(.+)\.yaml$")


def stack_files(directory: Path = STACKS_DIR) -> dict[str, DataPlaneStack]:
    out = {}
    for path in sorted(directory.glob("Pulumi.*.yaml")):
        match = _NAME.match(path.name)
        if not match:
            continue
        config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
        azure = config.get("braintrust:azure") or {}
        out[match[1]] = DataPlaneStack(
            name=match[1], cloud=config["braintrust:cloud"], size=config["braintrust:size"],
            azure_subscription_id=azure.get("subscription_id"), azure_tenant_id=azure.get("tenant_id"))
    return out


def from_stack_file(path: Path) -> DeploymentsConfig:
    """Validate a committed deployments/Pulumi.<stack>.yaml offline (tests, docs)."""
    config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    prefix = f"{NAMESPACE}:"
    return DeploymentsConfig.model_validate(
        {key[len(prefix):]: value for key, value in config.items() if key.startswith(prefix)})
