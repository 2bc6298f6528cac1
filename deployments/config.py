"""Configuration of the Deployments program (keys under `braintrust-deployments:`), validated once.

The data plane's own stack files (../stacks/Pulumi.<stack>.yaml) stay the single source of each
stack's cloud and size: this program reads them instead of repeating them. It manages the stacks
listed under `stacks` (an operator deploying one cloud lists only those) and refuses, with every
problem listed by key: an identity for the wrong cloud, a preview identity equal to the write
identity, a review identity equal to a production write identity, or a managed stack file that does
not import its ESC environment.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from components.facts import pulumi as pulumi_facts

ROOT = Path(__file__).resolve().parents[1]
STACKS_DIR = ROOT / "stacks"
DATA_PLANE_PROJECT = "braintrust"
NAMESPACE = "braintrust-deployments"
# Names of the shared environments (per stack: <stack> and <stack>-preview).
LICENSE_ENV = "license"
REVIEW_ENV = "review"
PREVIEW_SUFFIX = "-preview"

_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where Pulumi Deployments gets the program: this repository, through the Pulumi GitHub app."""

    repository: Annotated[str, Field(pattern=r"^[\w.-]+/[\w.-]+$")] = Field(
        description="GitHub repository, owner/name (needs the Pulumi GitHub app).")
    branch: str = Field(default="main", description="Branch that staging deploys from and PRs target.")
    repo_dir: str = Field(default="", description="Folder of Pulumi.yaml inside the repository ('' = root).")
    paths: list[str] = Field(
        default_factory=lambda: ["__main__.py", "Pulumi.yaml", "components/**", "stacks/**", "policy/**",
                                 "requirements.txt"],
        description="Changes under these paths (relative to repo_dir; '!' excludes) trigger deployments.")

    @field_validator("repo_dir")
    @classmethod
    def _plain_folder(cls, value: str) -> str:
        value = value.strip("/")
        if ".." in value.split("/"):
            raise ValueError("must be a folder inside the repository")
        return value

    @property
    def trigger_paths(self) -> list[str]:
        """The filters Deployments matches against paths from the repository root (prefix repo_dir)."""
        if not self.repo_dir:
            return list(self.paths)
        out = []
        for path in self.paths:
            negate = path.startswith("!")
            out.append(("!" if negate else "") + f"{self.repo_dir}/{path.removeprefix('!').lstrip('/')}")
        return out


class AwsLogin(_Strict):
    role_arn: Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]
    duration: str = Field(default="1h", pattern=r"^\d+[hm]$", description="Session length (role max: 1h default).")

    @property
    def identity(self) -> str:
        return self.role_arn

    @property
    def partition(self) -> str:
        return self.role_arn.split(":")[1]

    @property
    def account_id(self) -> str:
        return self.role_arn.split(":")[4]


class GcpLogin(_Strict):
    project_number: Annotated[str, Field(pattern=r"^\d{6,20}$")] = Field(
        description="Numeric project number that holds the workload identity pool.")
    workload_pool_id: Annotated[str, Field(pattern=r"^[a-z0-9-]{4,32}$")]
    provider_id: Annotated[str, Field(pattern=r"^[a-z0-9-]{4,32}$")]
    service_account: Annotated[str, Field(pattern=r"^[\w.-]+@[\w.-]+\.iam\.gserviceaccount\.com$")]
    token_lifetime: str = Field(default="3600s", pattern=r"^\d+s$")

    @property
    def identity(self) -> str:
        return self.service_account


class AzureLogin(_Strict):
    client_id: Annotated[str, Field(pattern=_UUID)] = Field(description="App registration (client) id.")
    tenant_id: Annotated[str, Field(pattern=_UUID)] | None = Field(
        default=None, description="Default: the data plane stack's azure.tenant_id.")
    subscription_id: Annotated[str, Field(pattern=_UUID)] | None = Field(
        default=None, description="Default: the data plane stack's azure.subscription_id.")

    @property
    def identity(self) -> str:
        return self.client_id


class Login(_Strict):
    """One cloud identity that an ESC environment logs in as (exactly one of aws, gcp, azure)."""

    aws: AwsLogin | None = None
    gcp: GcpLogin | None = None
    azure: AzureLogin | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Login:
        given = [name for name in ("aws", "gcp", "azure") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"exactly one of aws, gcp, azure is required (given: {', '.join(given) or 'none'})")
        return self

    @property
    def cloud(self) -> Literal["aws", "gcp", "azure"]:
        return "aws" if self.aws else "gcp" if self.gcp else "azure"

    @property
    def chosen(self) -> AwsLogin | GcpLogin | AzureLogin:
        login = self.aws or self.gcp or self.azure
        assert login is not None
        return login

    @property
    def identity(self) -> str:
        return self.chosen.identity


class StackSettings(_Strict):
    deploy: Login = Field(description="Write identity: updates, destroys, drift remediation.")
    preview: Login = Field(
        description="Read-only identity: previews (pull requests included), refresh, drift detection.")


class ReviewStacks(_Strict):
    enabled: bool = True
    template_stack: str = Field(
        default="aws-staging",
        description="Staging stack whose settings and config every review stack copies (one per pull request).")
    identity: Login | None = Field(
        default=None, description="Identity of every review stack (ideally a sandbox account); not production's.")
    ttl_days: int = Field(default=7, ge=1, le=90, description="A review stack is destroyed this long after it "
                                                              "is first deployed, even if its PR stays open.")


class Notifications(_Strict):
    format: Literal["raw", "slack", "ms_teams"] = Field(
        default="slack", description="Payload format of the webhook (pulumiservice.WebhookFormat).")


class PolicySettings(_Strict):
    enabled: bool = True
    mode: Literal["preventative", "audit"] = Field(
        default="preventative", description="preventative blocks operations violating a mandatory policy.")
    publish_pack: bool = Field(default=True, description="Publish policy/ to Pulumi Cloud from this program.")


KEYS = ("organization", "source", "esc_project", "stacks", "drift_schedule", "review_stacks", "notifications",
        "policy")
SECRET_KEYS = ("license_key", "notification_url")


class DeploymentsConfig(_Strict):
    organization: str | None = Field(default=None, description="Pulumi organization (default: the current one).")
    source: Source
    esc_project: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")] = Field(
        default="braintrust", description="ESC project of the environments this program creates.")
    stacks: dict[str, StackSettings] = Field(
        min_length=1, description="The data plane stacks these settings manage (a subset of stacks/ is fine).")
    drift_schedule: str = Field(
        default="0 */4 * * *", pattern=r"^(\S+\s+){4}\S+$",
        description="Cron (UTC) of drift detection on production stacks; drift is reported, never auto-fixed.")
    review_stacks: ReviewStacks = Field(default_factory=ReviewStacks)
    notifications: Notifications = Field(default_factory=Notifications)
    policy: PolicySettings = Field(default_factory=PolicySettings)

    @field_validator("esc_project")
    @classmethod
    def _not_legacy(cls, value: str) -> str:
        if value == pulumi_facts.LEGACY_PROJECT:
            raise ValueError("the legacy `default` ESC project drops the project from OIDC subjects; use another")
        return value

    @model_validator(mode="after")
    def _matches_stack_files(self) -> DeploymentsConfig:
        files = stack_files()
        problems = []
        for name, settings in sorted(self.stacks.items()):
            if name not in files:
                problems.append(f"stacks.{name}: no stack file stacks/Pulumi.{name}.yaml")
                continue
            stack = files[name]
            for role in ("deploy", "preview"):
                login: Login = getattr(settings, role)
                if login.cloud != stack.cloud:
                    problems.append(f"stacks.{name}.{role}: is for {login.cloud} but the stack deploys to "
                                    f"{stack.cloud}")
            if settings.deploy.identity == settings.preview.identity:
                problems.append(f"stacks.{name}.preview: must be a read-only identity, not the write identity "
                                f"{settings.deploy.identity}")
            wanted = self.environment(name)
            if wanted not in stack.environments:
                problems.append(f"stacks.{name}: stacks/Pulumi.{name}.yaml must import the ESC environment "
                                f"{wanted} (`environment: [{wanted}]`, or `pulumi config env add {wanted}`)")
            if stack.cloud == "azure":
                for role in ("deploy", "preview"):
                    azure = getattr(settings, role).azure
                    if azure and not ((azure.tenant_id or stack.azure_tenant_id)
                                      and (azure.subscription_id or stack.azure_subscription_id)):
                        problems.append(f"stacks.{name}.{role}.azure: set tenant_id and subscription_id "
                                        "(the stack file has none)")
            if name in (LICENSE_ENV, REVIEW_ENV) or name.endswith(PREVIEW_SUFFIX):
                problems.append(f"stacks.{name}: the name collides with an environment this program creates")
        problems += self._review_problems(files)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _review_problems(self, files: dict[str, DataPlaneStack]) -> list[str]:
        review = self.review_stacks
        if not review.enabled:
            return []
        problems = []
        template = files.get(review.template_stack)
        if review.template_stack not in self.stacks or template is None or template.size != "staging":
            problems.append(f"review_stacks.template_stack: {review.template_stack!r} is not a managed staging stack")
        if review.identity is None:
            problems.append("review_stacks.identity: is required when review stacks are enabled")
        elif template is not None and review.identity.cloud != template.cloud:
            problems.append(f"review_stacks.identity: is for {review.identity.cloud} but "
                            f"{review.template_stack} deploys to {template.cloud}")
        elif review.identity is not None:
            for name, settings in sorted(self.stacks.items()):
                if name in files and files[name].production and settings.deploy.identity == review.identity.identity:
                    problems.append(f"review_stacks.identity: is the production write identity of {name}; "
                                    "pull request code must never run with it")
            azure = review.identity.azure
            if azure and template is not None and not (
                    (azure.tenant_id or template.azure_tenant_id)
                    and (azure.subscription_id or template.azure_subscription_id)):
                problems.append("review_stacks.identity.azure: set tenant_id and subscription_id")
        return problems

    # ----- ESC environment names -----

    def environment(self, stack: str) -> str:
        """The environment a stack file imports: the write identity and the license."""
        return f"{self.esc_project}/{stack}"

    def preview_environment(self, stack: str) -> str:
        return f"{self.esc_project}/{stack}{PREVIEW_SUFFIX}"

    @property
    def review_environment(self) -> str:
        return f"{self.esc_project}/{REVIEW_ENV}"

    @property
    def license_environment(self) -> str:
        return f"{self.esc_project}/{LICENSE_ENV}"


class DataPlaneStack(_Strict):
    """What this program needs from a data plane stack file."""

    name: str
    cloud: Literal["aws", "gcp", "azure"]
    size: Literal["staging", "production"]
    environments: tuple[str, ...] = ()
    azure_subscription_id: str | None = None
    azure_tenant_id: str | None = None

    @property
    def production(self) -> bool:
        return self.size == "production"


_NAME = re.compile(r"^Pulumi\.(.+)\.yaml$")


def _imports(environment: object) -> tuple[str, ...]:
    """A stack file's `environment:` is a list of imports, or an inline definition with `imports`."""
    if isinstance(environment, list):
        return tuple(str(item) for item in environment)
    if isinstance(environment, dict):
        return tuple(str(item) for item in environment.get("imports") or ())
    return ()


def stack_files(directory: Path = STACKS_DIR) -> dict[str, DataPlaneStack]:
    out = {}
    for path in sorted(directory.glob("Pulumi.*.yaml")):
        match = _NAME.match(path.name)
        if not match:
            continue
        document = yaml.safe_load(path.read_text()) or {}
        config = document.get("config") or {}
        azure = config.get("braintrust:azure") or {}
        out[match[1]] = DataPlaneStack(
            name=match[1], cloud=config["braintrust:cloud"], size=config["braintrust:size"],
            environments=_imports(document.get("environment")),
            azure_subscription_id=azure.get("subscription_id"), azure_tenant_id=azure.get("tenant_id"))
    return out


def from_stack_file(path: Path) -> DeploymentsConfig:
    """Validate a committed deployments/Pulumi.<org>.yaml offline (tests, docs, deployments.trust)."""
    config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    prefix = f"{NAMESPACE}:"
    return DeploymentsConfig.model_validate(
        {key[len(prefix):]: value for key, value in config.items()
         if key.startswith(prefix) and key[len(prefix):] not in SECRET_KEYS})
