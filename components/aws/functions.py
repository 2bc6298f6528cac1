"""The Braintrust Lambda functions as data: what runs, how big, on which role, with which settings.

Facts (handlers, runtimes, architectures, timeouts, ephemeral storage, schedules, which function gets
which setting) follow Braintrust's official module (terraform-aws-braintrust-data-plane,
modules/services/lambda-*.tf, v6.6.0). Memory of the two API functions comes from the stack config.

Secrets are *names* here: ``secrets`` lists the environment variables the function needs whose values
live in Secrets Manager. They are never put into the Lambda configuration; the secrets wrapper layer
(components/aws/lambda_layer/) resolves them when the runtime starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """Which IAM role a function runs as (least privilege per family)."""

    API = "api"  # serves requests, manages quarantine functions, reads/writes buckets
    WORKER = "worker"  # background crons without bucket access
    MIGRATE = "migrate"  # database migrations only


class Secret(StrEnum):
    """Environment variable names whose values are resolved from Secrets Manager at cold start."""

    PG_URL = "PG_URL"
    REDIS_URL = "REDIS_URL"
    FUNCTION_SECRET_KEY = "FUNCTION_SECRET_KEY"
    SERVICE_TOKEN_SECRET_KEY = "SERVICE_TOKEN_SECRET_KEY"
    CRON_OVERRIDE_SECRET_KEY = "CRON_OVERRIDE_SECRET_KEY"


API_SECRETS = (Secret.PG_URL, Secret.REDIS_URL, Secret.FUNCTION_SECRET_KEY, Secret.SERVICE_TOKEN_SECRET_KEY,
               Secret.CRON_OVERRIDE_SECRET_KEY)


@dataclass(frozen=True)
class FunctionSpec:
    key: str  # Braintrust's name: bundle path lambda/<key>/..., physical name <deployment>-<key>
    handler: str
    runtime: str
    architecture: str
    timeout_s: int
    memory_mb: int
    role: Role
    secrets: tuple[Secret, ...]
    ephemeral_mb: int = 512
    schedule: str | None = None  # EventBridge schedule expression for crons
    serves_api: bool = False  # the API settings: org allow-list, buckets, CORS, data-plane 2.0 flags
    brainstore: bool = False  # Brainstore URLs and WAL bucket
    quarantine: bool = False  # where to create user functions (roles, subnets, security group; empty when off)
    telemetry: bool = False  # CONTROL_PLANE_TELEMETRY and the billing telemetry settings
    names_deployment: bool = False  # BRAINTRUST_DEPLOYMENT_NAME
    backfill: bool = False  # BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE (when configured)
    flags: dict[str, str] = field(default_factory=dict)  # fixed settings upstream sets on this function


NODE = "nodejs22.x"
PYTHON = "python3.13"
ARM = "arm64"
X86 = "x86_64"
# emit v3 spans in the SDKs (upstream sets this on every function until its v4 migration completes)
LEGACY_IDS = {"BRAINTRUST_LEGACY_IDS": "true"}

API_HANDLER = "APIHandler"
AI_PROXY = "AIProxy"
MIGRATE = "MigrateDatabaseFunction"
QUARANTINE_WARMUP = "QuarantineWarmupFunction"
CATCHUP_ETL = "CatchupETL"
BILLING_CRON = "BillingCron"
AUTOMATION_CRON = "AutomationCron"


def specs(api_handler_memory_mb: int, ai_proxy_memory_mb: int, quarantine: bool) -> list[FunctionSpec]:
    """Every function of this deployment; the migration first (the others wait for it)."""
    out = [
        FunctionSpec(MIGRATE, "lambda_function.lambda_handler", PYTHON, X86, 900, 1024, Role.MIGRATE,
                     (Secret.PG_URL,),
                     flags={**LEGACY_IDS, "BRAINTRUST_RUN_DRAFT_MIGRATIONS": "false", "INSERT_LOGS2": "true"}),
        FunctionSpec(AI_PROXY, "index.handler", NODE, ARM, 900, ai_proxy_memory_mb, Role.API, API_SECRETS,
                     ephemeral_mb=1024, serves_api=True, brainstore=True, quarantine=True, telemetry=True,
                     names_deployment=True, flags=dict(LEGACY_IDS)),
        FunctionSpec(CATCHUP_ETL, "index.handler", NODE, ARM, 900, 1024, Role.WORKER,
                     (Secret.PG_URL, Secret.REDIS_URL), schedule="rate(10 minutes)", brainstore=True, backfill=True,
                     flags=dict(LEGACY_IDS)),
        FunctionSpec(API_HANDLER, "index.handler", NODE, ARM, 600, api_handler_memory_mb, Role.API, API_SECRETS,
                     ephemeral_mb=4096, serves_api=True, brainstore=True, quarantine=True, telemetry=True,
                     names_deployment=True, flags={**LEGACY_IDS, "INSERT_LOGS2": "true"}),
        FunctionSpec(BILLING_CRON, "lambda.handler", NODE, ARM, 300, 1024, Role.WORKER,
                     (Secret.PG_URL, Secret.REDIS_URL, Secret.SERVICE_TOKEN_SECRET_KEY),
                     schedule="rate(5 minutes)", telemetry=True, flags=dict(LEGACY_IDS)),
        FunctionSpec(AUTOMATION_CRON, "index.handler", NODE, ARM, 300, 2048, Role.API,
                     (Secret.PG_URL, Secret.REDIS_URL, Secret.FUNCTION_SECRET_KEY, Secret.CRON_OVERRIDE_SECRET_KEY),
                     ephemeral_mb=4096, schedule="rate(10 minutes)", brainstore=True, backfill=True,
                     flags=dict(LEGACY_IDS)),
    ]
    if quarantine:
        out.append(FunctionSpec(QUARANTINE_WARMUP, "index.handler", NODE, ARM, 900, 2048, Role.API,
                                (Secret.PG_URL, Secret.REDIS_URL), ephemeral_mb=4096, quarantine=True,
                                names_deployment=True, flags=dict(LEGACY_IDS)))
    return out


def function_name(deployment_name: str, key: str) -> str:
    return f"{deployment_name}-{key}"


def log_group_name(deployment_name: str, key: str) -> str:
    """Upstream's layout (/braintrust/<deployment>/<function name>), but created by us with CMK + retention."""
    return f"/braintrust/{deployment_name}/{function_name(deployment_name, key)}"


def bundle_pointer_key(key: str, version: str) -> str:
    """Object in braintrust-assets-<region> whose body is the S3 key of the function's zip for a release.

    Layout from the official module (modules/services/main.tf, data "http" "lambda_versions"):
    ``lambda/<Function>/version-<tag>`` holds e.g. ``lambda/APIHandler/versions/<hash>.zip``.
    """
    return f"lambda/{key}/version-{version}"


def assets_bucket(region: str) -> str:
    """Braintrust's public per-region bucket; Lambda only deploys code from a bucket in its own region."""
    return f"braintrust-assets-{region}"
