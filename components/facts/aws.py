"""AWS facts: limits and enum values of AWS services, and what Braintrust's AWS module does.

Upstream references point at ``braintrustdata/terraform-aws-braintrust-data-plane`` at commit 6bf9b11
(v6.6.0 + 2, 2026-08-21) unless another commit is named; chart references at ``braintrustdata/helm``
33f04f8 (chart 6.11.0). Read them with ``git -C <mirror> show 6bf9b11:<path>``.

Pure data: no Pulumi or cloud SDK import, so the configuration models can use these facts too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import regions
from .model import Check, register

MODULE = "braintrustdata/terraform-aws-braintrust-data-plane@6bf9b11"
CHART = "braintrustdata/helm@33f04f8"
BOTOCORE = "pypi:botocore==1.44.8/botocore/data"

# ----- regions and service limits -----

# Braintrust publishes Lambda bundles only in these regions: one fact, registered (and checked against
# botocore's partitions) with the other region tables in components/facts/regions.py.
SUPPORTED_REGIONS: tuple[str, ...] = regions.AWS_BRAINTRUST_REGIONS

KMS_MIN_DELETION_WINDOW_DAYS: int = register(
    "aws.kms.min_deletion_window_days", 7,
    "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
    Check.DOCS,
    note="PendingWindowInDays: 7 to 30 for a customer managed key (botocore's shape allows 1-365, other key kinds)",
)

# CloudWatch Logs accepts only these retention periods; anything else fails at `pulumi up`.
LOG_RETENTION_DAYS: tuple[int, ...] = register(
    "aws.logs.retention_days",
    (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653),
    f"{BOTOCORE}/logs/2014-03-28/service-2.json.gz ; "
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
    Check.CONTRACT,
    note="the Days shape's documentation lists the values (tests/components/aws/test_facts.py)",
)

LAMBDA_MAX_MEMORY_MB: int = register(
    "aws.lambda.max_memory_mb", 10240,
    "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
    Check.DOCS,
    note="botocore's MemorySize allows 32768 (Lambda Managed Instances); standard functions stop at 10,240 MB",
)

# ----- the quarantine: where the API creates user-defined functions -----

# The tag the API puts on every function it creates; the invoke role and upstream's management grants
# require it on the function (aws:ResourceTag).
QUARANTINE_TAG: str = register(
    "aws.braintrust.quarantine_tag", "BraintrustQuarantine",
    f"{MODULE}/modules/services-common/iam-quarantine.tf:38-42 ; "
    f"{MODULE}/modules/services-common/iam-quarantine.tf:117-127",
    Check.UPSTREAM,
)

# Name prefix of the functions the API creates: Braintrust's own cleanup script selects them by it.
QUARANTINE_FUNCTION_PREFIX: str = register(
    "aws.braintrust.quarantine_function_prefix", "Quarantine-",
    f"{MODULE}/scripts/delete-quarantine-lambdas:38",
    Check.UPSTREAM,
    note="not per deployment: two deployments in one account share it (the VPC and tag conditions separate them)",
)

# Upstream authorises lambda:TagResource only on functions that already carry the tag (aws:ResourceTag),
# with no request-tag condition, and the API creates its functions tagged: so Lambda evaluates
# aws:ResourceTag against the tags of a CreateFunction request (tag on create). Our grants rely on that.
TAG_ON_CREATE_USES_RESOURCE_TAG: bool = register(
    "aws.lambda.tag_on_create_evaluates_resource_tag", True,
    f"{MODULE}/modules/services-common/iam-quarantine.tf:103-127 ; "
    "https://docs.aws.amazon.com/lambda/latest/dg/attribute-based-access-control-example.html",
    Check.UPSTREAM,
    note="inferred from upstream's working policy; AWS's ABAC example also conditions CreateFunction+TagResource "
         "on aws:ResourceTag",
)

# A quarantine VPC the user brings needs exactly three private subnets: upstream requires all three
# variables and hands each to QUARANTINE_PRIVATE_SUBNET_{1,2,3}_ID, the only subnet variables the runtime reads.
QUARANTINE_SUBNET_COUNT: int = register(
    "aws.braintrust.quarantine_subnet_count", 3,
    f"{MODULE}/variables.tf:214-242 ; {MODULE}/modules/services/lambda-apihandler.tf:43-45",
    Check.UPSTREAM,
)

# ----- Brainstore on EC2 -----

BRAINSTORE_PORT: int = register(
    "braintrust.brainstore.port", 4000,
    f"{MODULE}/modules/brainstore-ec2/variables.tf:27-31 ; {CHART}/braintrust/values.yaml:293-296",
    Check.UPSTREAM,
)

# Where Brainstore answers health probes: Braintrust's Helm chart probes readiness and liveness with
# HTTP GET / on the service port. (The Terraform module's NLB only checks that the port accepts TCP,
# modules/brainstore-ec2/main.tf:144-150, which also routes to a process that cannot serve.)
BRAINSTORE_HEALTH_PATH: str = register(
    "braintrust.brainstore.health_path", "/",
    f"{CHART}/braintrust/values.yaml:292-310",
    Check.UPSTREAM,
    note="chart commit 555787d (2025-12-05) introduced the probes; unchanged at 6.11.0",
)

# A Kubernetes HTTP probe succeeds on any status from 200 to 399: the NLB check uses the same range.
HTTP_PROBE_SUCCESS: str = register(
    "kubernetes.probe.http_success_codes", "200-399",
    "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    Check.DOCS,
)

# ----- CloudFront -----

# Viewer TLS floor with a custom certificate: upstream's default since commit 738c6f4 ("Make CloudFront
# minimum TLS version configurable (#338)"); the default *.cloudfront.net certificate cannot set one.
CloudFrontTls = Literal["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]
CLOUDFRONT_MINIMUM_TLS_DEFAULT: CloudFrontTls = register(
    "aws.cloudfront.minimum_tls_default", "TLSv1.3_2025",
    f"{MODULE}/modules/ingress/cloudfront.tf:283 ; {MODULE}/variables.tf:1081-1097",
    Check.UPSTREAM,
)

# The floors we offer (the modern subset of CloudFront's MinimumProtocolVersion enum; upstream also
# accepts older ones down to TLSv1, which we do not).
CLOUDFRONT_MINIMUM_TLS_CHOICES: tuple[str, ...] = register(
    "aws.cloudfront.minimum_tls_choices", ("TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"),
    f"{BOTOCORE}/cloudfront/2020-05-31/service-2.json.gz",
    Check.CONTRACT,
    note="each value is a member of the MinimumProtocolVersion shape (tests/components/aws/test_facts.py)",
)

# How long CloudFront waits for an origin's response (and between chunks): upstream's default, and its
# accepted range; above 60 s needs a CloudFront quota increase.
CLOUDFRONT_ORIGIN_READ_TIMEOUT_S: int = register(
    "aws.cloudfront.origin_read_timeout_default_s", 60,
    f"{MODULE}/variables.tf:1070-1079 ; {MODULE}/modules/ingress/cloudfront.tf:116",
    Check.UPSTREAM,
)
CLOUDFRONT_ORIGIN_READ_TIMEOUT_MAX_S: int = register(
    "aws.cloudfront.origin_read_timeout_max_s", 180,
    f"{MODULE}/variables.tf:1075-1078 ; https://repost.aws/knowledge-center/cloudfront-custom-origin-response",
    Check.UPSTREAM,
    note="botocore's OriginReadTimeout documentation says 120; upstream and AWS's knowledge center say 180 "
         "after a quota increase (a residual risk for values above 120)",
)


# ----- release pointers: which zip each function of a release uses -----


@dataclass(frozen=True)
class Retry:
    attempts: int
    min_delay_s: float
    max_delay_s: float
    timeout_s: float


# https://braintrust-assets-<region>.s3.<region>.amazonaws.com/lambda/<Function>/version-<tag>, read anonymously.
POINTER_URL_TEMPLATE: str = register(
    "braintrust.aws.release_pointer_url",
    "https://braintrust-assets-{region}.s3.{region}.amazonaws.com/lambda/{function}/version-{version}",
    f"{MODULE}/modules/services/main.tf:19 ; {MODULE}/modules/services/main.tf:78-99",
    Check.UPSTREAM,
    note="a status of 400 or more is a failed plan upstream (postcondition, main.tf:93-97)",
)
POINTER_RETRY: Retry = register(
    "braintrust.aws.release_pointer_retry", Retry(attempts=5, min_delay_s=0.5, max_delay_s=5.0, timeout_s=10.0),
    f"{MODULE}/modules/services/main.tf:84-91",
    Check.UPSTREAM,
)

# ----- AIProxy: upstream runs it as a Lambda function URL behind CloudFront -----


@dataclass(frozen=True)
class FunctionUrlContract:
    """How upstream configures AIProxy's function URL (auth, streaming, CORS the browser UI relies on)."""

    auth_type: str
    invoke_mode: str
    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...]
    allow_credentials: bool
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age_s: int


AI_PROXY_FUNCTION_URL: FunctionUrlContract = register(
    "braintrust.aws.ai_proxy_function_url",
    FunctionUrlContract(
        auth_type="NONE", invoke_mode="RESPONSE_STREAM", allow_origins=("*",), allow_methods=("POST", "GET"),
        allow_credentials=True,
        allow_headers=("authorization", "content-type", "x-bt-org-name", "x-bt-project-id", "x-bt-auth-token",
                       "x-bt-stream-fmt", "x-bt-use-cache", "x-bt-use-gateway", "x-bt-app-origin", "x-bt-parent",
                       "x-stainless-os", "x-stainless-lang", "x-stainless-package-version", "x-stainless-runtime",
                       "x-stainless-runtime-version", "x-stainless-arch"),
        expose_headers=("content-type", "keep-alive", "access-control-allow-credentials",
                        "access-control-allow-origin", "access-control-allow-methods", "x-bt-internal-trace-id",
                        "x-bt-span-id", "x-bt-error-origin", "x-bt-used-endpoint"),
        max_age_s=86400),
    f"{MODULE}/modules/services/lambda-aiproxy.tf:60-99",
    Check.UPSTREAM,
)

# Lambda's function URL authorisation model requires both grants for a public (NONE) URL: invoking the URL
# and invoking the function through it; upstream verified the pair on its test stack (commit 9aca6a0).
AI_PROXY_URL_PERMISSIONS: tuple[str, ...] = register(
    "braintrust.aws.ai_proxy_url_permissions", ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"),
    f"{MODULE}/modules/services/lambda-aiproxy.tf:106-125",
    Check.UPSTREAM,
)

# The paths CloudFront sends to AIProxy; everything else goes to the API.
AI_PROXY_PATHS: tuple[str, ...] = register(
    "braintrust.aws.ai_proxy_paths",
    ("/v1/proxy", "/v1/proxy/*", "/v1/eval", "/v1/eval/*", "/v1/function/*/?*", "/function/*"),
    f"{MODULE}/modules/ingress/cloudfront.tf:232-262",
    Check.UPSTREAM,
)

# Why CloudFront's origin access control (which would let the URL require IAM auth) is not used: for a
# Lambda URL origin, every POST/PUT must carry the body's SHA-256 in x-amz-content-sha256 from the client,
# which the SDKs and the UI calling /v1/proxy do not send. Upstream does not use it either.
OAC_LAMBDA_NEEDS_CLIENT_PAYLOAD_HASH: bool = register(
    "aws.cloudfront.oac_lambda_url_requires_payload_hash", True,
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-lambda.html",
    Check.DOCS,
)

# ----- the environment each Lambda function gets upstream -----


@dataclass(frozen=True)
class EnvContract:
    """Variable names upstream sets on one function: ``always`` with its default inputs, ``conditional``
    only for some inputs (optional features, values that default to unset). Datadog's DD_* variables
    (upstream's internal observability option) are left out: nothing here sets them."""

    always: frozenset[str]
    conditional: frozenset[str] = frozenset()


_QUARANTINE_ENV = frozenset({
    "QUARANTINE_INVOKE_ROLE", "QUARANTINE_FUNCTION_ROLE", "QUARANTINE_PRIVATE_SUBNET_1_ID",
    "QUARANTINE_PRIVATE_SUBNET_2_ID", "QUARANTINE_PRIVATE_SUBNET_3_ID",
    "QUARANTINE_PUB_PRIVATE_VPC_DEFAULT_SECURITY_GROUP", "QUARANTINE_PUB_PRIVATE_VPC_ID"})
_API_COMMON_ENV = frozenset({
    "ORG_NAME", "PRIMARY_ORG_NAME", "ALLOWED_ORG_IDS", "BRAINTRUST_DEPLOYMENT_NAME", "BRAINTRUST_LEGACY_IDS",
    "PG_URL", "REDIS_HOST", "REDIS_PORT", "RESPONSE_BUCKET", "CODE_BUNDLE_BUCKET", "WHITELISTED_ORIGINS",
    "OUTBOUND_RATE_LIMIT_WINDOW_MINUTES", "OUTBOUND_RATE_LIMIT_MAX_REQUESTS", *_QUARANTINE_ENV,
    "FUNCTION_SECRET_KEY", "BRAINSTORE_ENABLED", "BRAINSTORE_DEFAULT", "BRAINSTORE_URL", "BRAINSTORE_WRITER_URL",
    "BRAINSTORE_REALTIME_WAL_BUCKET", "BRAINSTORE_INSERT_ROW_REFS", "CONTROL_PLANE_TELEMETRY",
    "TELEMETRY_DISABLE_AGGREGATION", "TELEMETRY_LOG_LEVEL", "SERVICE_TOKEN_SECRET_KEY", "CRON_OVERRIDE_SECRET_KEY"})
_API_COMMON_CONDITIONAL = frozenset({
    "BRAINTRUST_UNSAFE_URL_REQUEST_MODE", "BRAINTRUST_URL_SECURITY_DNS_SERVERS", "BRAINTRUST_URL_SECURITY_ALLOW_CIDRS",
    "REDIS_URL",  # only with use_redis_replication_group (rediss://)
    "BRAINSTORE_FAST_READER_URL", "BRAINSTORE_FAST_READER_QUERY_SOURCES",  # only with fast readers
    "GATEWAY_URL", "LOOP_RUNTIME_URL"})  # optional AI gateway / Loop runtime (root main.tf:86-106)
_SERVICES = f"{MODULE}/modules/services"

# SSRF settings of APIHandler: set only when configured upstream; we always set the mode (default reject).
URL_SECURITY_ENV: dict[str, str] = register(
    "braintrust.aws.url_security_env",
    {"mode": "BRAINTRUST_UNSAFE_URL_REQUEST_MODE", "dns_servers": "BRAINTRUST_URL_SECURITY_DNS_SERVERS",
     "allow_cidrs": "BRAINTRUST_URL_SECURITY_ALLOW_CIDRS"},
    f"{_SERVICES}/lambda-apihandler.tf:8-17 ; {_SERVICES}/lambda-apihandler.tf:64",
    Check.UPSTREAM,
)

LAMBDA_ENVIRONMENT: dict[str, EnvContract] = {
    "APIHandler": register(
        "braintrust.aws.lambda_env.APIHandler",
        EnvContract(
            always=_API_COMMON_ENV | {"AI_PROXY_FN_ARN", "AI_PROXY_FN_URL", "AI_PROXY_INVOKE_ROLE", "CATCHUP_ETL_ARN",
                                      "INSERT_LOGS2"},
            conditional=_API_COMMON_CONDITIONAL | {
                "BRAINSTORE_WAL_FOOTER_VERSION", "SKIP_PG_FOR_BRAINSTORE_OBJECTS",
                "BRAINSTORE_WAL_USE_EFFICIENT_FORMAT", "BRAINSTORE_EXPORT_MIGRATION_ENABLED",
                "BTQL_AUDIT_LOGS_STRICT_ORG_IDS", "BTQL_AUDIT_LOGS_BEST_EFFORT_ORG_IDS"}),
        f"{_SERVICES}/lambda-apihandler.tf:8-99 ; {_SERVICES}/lambda-apihandler.tf:134-145 ; {MODULE}/main.tf:86-106",
        Check.UPSTREAM),
    "AIProxy": register(
        "braintrust.aws.lambda_env.AIProxy",
        EnvContract(always=_API_COMMON_ENV, conditional=_API_COMMON_CONDITIONAL),
        f"{_SERVICES}/lambda-aiproxy.tf:36-46 ; {_SERVICES}/lambda-apihandler.tf:8-68",
        Check.UPSTREAM),
    "QuarantineWarmupFunction": register(
        "braintrust.aws.lambda_env.QuarantineWarmupFunction",
        EnvContract(always=frozenset({"ORG_NAME", "BRAINTRUST_DEPLOYMENT_NAME", "BRAINTRUST_LEGACY_IDS", "PG_URL",
                                      "REDIS_HOST", "REDIS_PORT", *_QUARANTINE_ENV})),
        f"{_SERVICES}/lambda-quarantine-warmup.tf:29-53",
        Check.UPSTREAM),
    "AutomationCron": register(
        "braintrust.aws.lambda_env.AutomationCron",
        EnvContract(
            always=frozenset({"ORG_NAME", "BRAINTRUST_LEGACY_IDS", "PG_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_URL",
                              "BRAINSTORE_ENABLED", "BRAINSTORE_BACKFILL_ENABLE_NONHISTORICAL", "BRAINSTORE_URL",
                              "BRAINSTORE_WRITER_URL", "BRAINSTORE_REALTIME_WAL_BUCKET", "FUNCTION_SECRET_KEY",
                              "CRON_OVERRIDE_SECRET_KEY"}),
            # upstream's brainstore_etl_batch_size defaults to null (no value): set only when configured
            conditional=frozenset({"BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE",
                                   "BRAINSTORE_EXPORT_MIGRATION_ENABLED"})),
        f"{_SERVICES}/lambda-automation-cron.tf:31-57 ; {MODULE}/variables.tf:1195-1199",
        Check.UPSTREAM),
    "BillingCron": register(
        "braintrust.aws.lambda_env.BillingCron",
        EnvContract(always=frozenset({"ORG_NAME", "BRAINTRUST_LEGACY_IDS", "PG_URL", "REDIS_HOST", "REDIS_PORT",
                                      "CONTROL_PLANE_TELEMETRY", "TELEMETRY_DISABLE_AGGREGATION", "TELEMETRY_LOG_LEVEL",
                                      "SERVICE_TOKEN_SECRET_KEY"})),
        f"{_SERVICES}/lambda-billing-cron.tf:24-42",
        Check.UPSTREAM),
    "CatchupETL": register(
        "braintrust.aws.lambda_env.CatchupETL",
        EnvContract(
            always=frozenset({"ORG_NAME", "BRAINTRUST_LEGACY_IDS", "PG_URL", "REDIS_HOST", "REDIS_PORT",
                              "BRAINSTORE_ENABLED", "BRAINSTORE_URL", "BRAINSTORE_WRITER_URL",
                              "BRAINSTORE_REALTIME_WAL_BUCKET"}),
            conditional=frozenset({"BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE"})),  # null by default, as above
        f"{_SERVICES}/lambda-catchup-etl.tf:23-42 ; {MODULE}/variables.tf:1195-1199",
        Check.UPSTREAM),
    "MigrateDatabaseFunction": register(
        "braintrust.aws.lambda_env.MigrateDatabaseFunction",
        EnvContract(always=frozenset({"BRAINTRUST_LEGACY_IDS", "BRAINTRUST_RUN_DRAFT_MIGRATIONS", "PG_URL",
                                      "INSERT_LOGS2"})),
        f"{_SERVICES}/lambda-migrate-database.tf:25-38",
        Check.UPSTREAM),
}

# Upstream's default values of the settings we pass as upstream does.
OUTBOUND_RATE_LIMIT_WINDOW_MINUTES: int = register(
    "braintrust.aws.outbound_rate_limit_window_minutes_default", 1, f"{MODULE}/variables.tf:1029-1033", Check.UPSTREAM)
OUTBOUND_RATE_LIMIT_MAX_REQUESTS: int = register(
    "braintrust.aws.outbound_rate_limit_max_requests_default", 0, f"{MODULE}/variables.tf:1023-1027", Check.UPSTREAM,
    note="0 disables the per-user limit")
TELEMETRY_DISABLE_AGGREGATION: str = register(
    "braintrust.aws.telemetry_disable_aggregation_default", "false", f"{MODULE}/variables.tf:956-960", Check.UPSTREAM,
    note="'Do not disable this unless instructed by support'")
TELEMETRY_LOG_LEVEL: str = register(
    "braintrust.aws.telemetry_log_level_default", "", f"{MODULE}/variables.tf:962-971", Check.UPSTREAM,
    note="empty = the runtime's default ('error')")

# ----- fixed settings of the functions, as upstream pins them -----

# DuckDB for Node on arm64 (third party: tobilg/duckdb-nodejs-layer), attached to the Node API functions.
DUCKDB_LAYER_ARN: str = register(
    "braintrust.aws.duckdb_layer_arn", "arn:aws:lambda:{region}:041475135427:layer:duckdb-nodejs-arm64:14",
    f"{_SERVICES}/main.tf:22 ; {_SERVICES}/lambda-apihandler.tf:124-128",
    Check.UPSTREAM,
)
# Brainstore is the only backend (BRAINSTORE_DEFAULT, also BRAINSTORE_BACKFILL_ENABLE_NONHISTORICAL).
BRAINSTORE_DEFAULT: str = register(
    "braintrust.aws.brainstore_default", "force", f"{MODULE}/variables.tf:1119-1127", Check.UPSTREAM)
# The query sources fast readers serve when they exist.
FAST_READER_QUERY_SOURCES: tuple[str, ...] = register(
    "braintrust.aws.fast_reader_query_sources",
    ("summaryPaginatedObjectViewer [realtime]", "summaryPaginatedObjectViewer", "a602c972-1843-4ee1-b6bc-d3c1075cd7e7",
     "traceQueryFn-id", "traceQueryFn-rootSpanId", "fullSpanQueryFn-root_span_id", "fullSpanQueryFn-id"),
    f"{_SERVICES}/main.tf:67-75",
    Check.UPSTREAM,
)

# ----- the API on ECS Fargate: upstream's v6 path (modules/api-ecs, modules/ecs, modules/ingress) -----

_API_ECS = f"{MODULE}/modules/api-ecs"
_INGRESS = f"{MODULE}/modules/ingress"

# Fargate's task sizes: CPU units -> the memory values (MiB) each accepts. Checked against cfn-lint's schema of
# AWS::ECS::TaskDefinition (tests/contracts/test_aws_ecs.py); upstream's own precondition table agrees
# (modules/api-ecs/locals.tf:335-343) up to 16 vCPU.
FARGATE_CPU_MEMORY_MIB: dict[int, tuple[int, ...]] = register(
    "aws.ecs.fargate_cpu_memory_mib",
    {
        256: (512, 1024, 2048),
        512: tuple(range(1024, 4096 + 1, 1024)),
        1024: tuple(range(2048, 8192 + 1, 1024)),
        2048: tuple(range(4096, 16384 + 1, 1024)),
        4096: tuple(range(8192, 30720 + 1, 1024)),
        8192: tuple(range(16384, 61440 + 1, 4096)),
        16384: tuple(range(32768, 122880 + 1, 8192)),
    },
    "pypi:cfn-lint==1.58.0/cfnlint/data/schemas/extensions/aws_ecs_taskdefinition/fargate_cpu_memory.json ; "
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size ; "
    f"{_API_ECS}/locals.tf:335-343",
    Check.CONTRACT,
    note="32 vCPU tasks exist on Fargate too but not for every platform; the configuration offers up to 16",
)
FARGATE_CPU_UNITS_PER_VCPU: int = register(
    "aws.ecs.cpu_units_per_vcpu", 1024,
    f"{BOTOCORE}/ecs/2014-11-13/service-2.json.gz ; "
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
    Check.CONTRACT, note="RegisterTaskDefinitionRequest.cpu documents '128 CPU units (0.125 vCPUs)'")

# The image upstream's ECS API runs, tagged with the release (modules/api-ecs/VERSIONS.json; components/facts/
# braintrust.py registers the release).
ECS_API_IMAGE_REPOSITORY: str = register(
    "braintrust.aws.ecs_api_image_repository", "public.ecr.aws/braintrust/standalone-api",
    f"{_API_ECS}/variables.tf:37-46 ; {_API_ECS}/locals.tf:148",
    Check.UPSTREAM,
)
ECS_API_PORT: int = register(
    "braintrust.aws.ecs_api_port", 8000, f"{_API_ECS}/locals.tf:153-159 ; {_API_ECS}/alb.tf:87-92", Check.UPSTREAM)
ECS_API_CONTAINER: str = register(
    "braintrust.aws.ecs_api_container_name", "api", f"{_API_ECS}/locals.tf:147 ; {_API_ECS}/braintrust-api.tf:64-68",
    Check.UPSTREAM)


@dataclass(frozen=True)
class EcsApiService:
    """One of upstream's three API services: the same image, routed by path on one ALB."""

    key: str  # our configuration key: aws.api.services.<key>
    name: str  # upstream's service name; also the ServiceName metric dimension and CLOUDWATCH_METRICS_SERVICE_NAME
    target_group: str  # upstream's target group name suffix: <deployment>-<target_group>
    delay_steps: tuple[tuple[int, int], ...]  # event-loop delay step scaling: (threshold ms, +% tasks)
    default_cpu_units: int
    default_memory_mib: int
    default_min_tasks: int
    default_max_tasks: int


ECS_API_SERVICES: tuple[EcsApiService, ...] = register(
    "braintrust.aws.ecs_api_services",
    (
        EcsApiService("api", "braintrust-api", "api", ((50, 10), (70, 25), (150, 50)), 1024, 8192, 3, 50),
        EcsApiService("ingest", "braintrust-api-ingest", "api-ingest", ((100, 15), (200, 30), (400, 100)),
                      1024, 8192, 6, 200),
        EcsApiService("background", "braintrust-api-background", "api-bg", ((100, 15), (200, 30), (400, 100)),
                      1024, 8192, 3, 50),
    ),
    f"{_API_ECS}/locals.tf:117 ; {_API_ECS}/alb.tf:87-154 ; {MODULE}/variables.tf:628-851",
    Check.UPSTREAM,
    note="our presets size them from the seed's API rows instead of these defaults (components/sizing/presets.py)",
)


@dataclass(frozen=True)
class HealthCheck:
    """The container's own health check (ECS restarts an unhealthy task) and the ALB's target health check."""

    command: tuple[str, ...]
    interval_s: int
    timeout_s: int
    retries: int
    start_period_s: int
    path: str
    matcher: str
    target_interval_s: int
    target_timeout_s: int
    healthy_threshold: int
    unhealthy_threshold: int
    grace_period_s: int  # the service ignores target health this long after a task starts
    deregistration_delay_s: int


ECS_API_HEALTH: HealthCheck = register(
    "braintrust.aws.ecs_api_health",
    HealthCheck(command=("CMD-SHELL", "curl -f http://localhost:8000/ || exit 1"), interval_s=30, timeout_s=5,
                retries=3, start_period_s=10, path="/", matcher="200-399", target_interval_s=10, target_timeout_s=5,
                healthy_threshold=2, unhealthy_threshold=3, grace_period_s=60, deregistration_delay_s=300),
    f"{_API_ECS}/locals.tf:178-184 ; {_API_ECS}/alb.tf:96-103 ; {_API_ECS}/braintrust-api.tf:47 ; "
    f"{_API_ECS}/variables.tf:696-705",
    Check.UPSTREAM,
)


@dataclass(frozen=True)
class TargetTracking:
    target: float
    scale_in_cooldown_s: int
    scale_out_cooldown_s: int


# Application Auto Scaling per service: CPU and event-loop utilisation target tracking, and step scaling on
# the event-loop delay alarm (upstream's defaults for every service).
ECS_API_CPU_TARGET: TargetTracking = register(
    "braintrust.aws.ecs_api_cpu_target", TargetTracking(50, 300, 60),
    f"{MODULE}/variables.tf:662-671 ; {_API_ECS}/braintrust-api.tf:92-108", Check.UPSTREAM)
ECS_API_ELU_TARGET: TargetTracking = register(
    "braintrust.aws.ecs_api_event_loop_utilization_target", TargetTracking(40, 300, 60),
    f"{MODULE}/variables.tf:673-682 ; {_API_ECS}/braintrust-api.tf:110-138", Check.UPSTREAM)


@dataclass(frozen=True)
class EventLoopDelayAlarm:
    """The alarm that drives step scaling; its metric is what a monitoring component would watch too."""

    namespace: str
    metric: str
    utilization_metric: str  # the target-tracking metric of the same namespace
    statistic: str
    comparison: str
    evaluation_periods: int
    period_s: int
    cooldown_s: int
    treat_missing_data: str
    dimensions: tuple[str, str]  # (deployment dimension, service dimension)


ECS_API_EVENT_LOOP_DELAY: EventLoopDelayAlarm = register(
    "braintrust.aws.ecs_api_event_loop_delay_alarm",
    EventLoopDelayAlarm(namespace="Braintrust/Api", metric="EventLoopDelayMeanMs",
                        utilization_metric="EventLoopUtilizationPercent", statistic="Average",
                        comparison="GreaterThanThreshold", evaluation_periods=2, period_s=60, cooldown_s=60,
                        treat_missing_data="notBreaching", dimensions=("DeploymentName", "ServiceName")),
    f"{_API_ECS}/braintrust-api.tf:117-132 ; {_API_ECS}/braintrust-api.tf:140-184 ; {MODULE}/variables.tf:684-701",
    Check.UPSTREAM,
)


@dataclass(frozen=True)
class AlbSettings:
    idle_timeout_s: int
    client_keep_alive_s: int
    http2: bool
    desync_mitigation_mode: str
    drop_invalid_header_fields: bool
    https_policy: str  # with a certificate: TLS 1.3 and 1.2 (CloudFront reaches origins with TLS 1.2)


ECS_API_ALB: AlbSettings = register(
    "braintrust.aws.ecs_api_alb",
    AlbSettings(idle_timeout_s=900, client_keep_alive_s=3600, http2=True, desync_mitigation_mode="defensive",
                drop_invalid_header_fields=False, https_policy="ELBSecurityPolicy-TLS13-1-2-2021-06"),
    f"{_API_ECS}/alb.tf:67-85 ; {_API_ECS}/alb.tf:156-171 ; {MODULE}/variables.tf:893-897",
    Check.UPSTREAM,
)

# Requests the ALB sends to ingest or background instead of the API service (first match wins, in this
# order; anything else goes to the API service): (path pattern, method or None for any, service key).
ECS_API_ROUTES: tuple[tuple[str, str | None, str], ...] = register(
    "braintrust.aws.ecs_api_routes",
    (
        ("/logs3", "POST", "ingest"),
        ("/otel/v1/*", "POST", "ingest"),
        ("/attachment", "POST", "ingest"),
        ("/attachment/status", "POST", "ingest"),
        ("/v1/eval", "POST", "background"),
        ("/v1/eval/*", "POST", "background"),
        ("/function/eval", "POST", "background"),
        ("/function/sandbox", "POST", "background"),
        ("/function/use", "POST", "background"),
        ("/function/invoke-async-batch", "POST", "background"),
        ("/function/insert-functions", "POST", "background"),
        ("/automation/logs/trigger", "POST", "background"),
        ("/v1/proxy/chat/completions", None, "background"),
        ("/v1/proxy/responses", None, "background"),
        ("/logs3/overflow", "POST", "ingest"),
    ),
    f"{_API_ECS}/alb-path-routes.tf:12-31 ; {_API_ECS}/alb-path-routes.tf:43-73",
    Check.UPSTREAM,
)

# The settings upstream fixes on every ECS API container (besides those computed from the deployment): the
# runtime serves on 8000, calls its own AI proxy locally, and leaves crons and the ETL loop to the Lambdas.
ECS_API_FIXED_ENV: dict[str, str] = register(
    "braintrust.aws.ecs_api_fixed_env",
    {"BRAINTRUST_LEGACY_IDS": "true", "BRAINSTORE_ENABLED": "true", "BRAINSTORE_INSERT_ROW_REFS": "true",
     "INSERT_LOGS2": "true", "AI_PROXY_FN_URL": "http://127.0.0.1:8000", "BRAINSTORE_DISABLE_ETL_LOOP": "true",
     "DISABLE_ASYNC_SCORING": "false", "DISABLE_ATTACHMENT_OPTIMIZATION": "false",
     "ENABLE_DEEP_SEARCH_LOGGING": "false", "ENABLE_CLOUDWATCH_METRICS": "true", "ENABLE_RUNTIME_METRICS": "false",
     "AUTOMATION_CRON_MAX_CONCURRENCY": "0", "DISABLE_LOCAL_BACKGROUND_LOOPS": "true", "TS_API_HOST": "0.0.0.0",
     "TS_API_PORT": "8000", "PROXY_URL": "http://127.0.0.1:8000/v1/proxy",
     "TS_API_ASYNC_SCORING_PROXY_URL": "http://127.0.0.1:8000"},
    f"{_API_ECS}/locals.tf:41-84",
    Check.UPSTREAM,
)
# NODE_MEMORY_PERCENT upstream sets on the container (the seed asks 80-90 under cgroup limits such as ECS).
ECS_API_NODE_MEMORY_PERCENT: int = register(
    "braintrust.aws.ecs_api_node_memory_percent", 80, f"{_API_ECS}/locals.tf:70", Check.UPSTREAM)

# Secret variables: upstream injects the first four through ECS `secrets` (valueFrom Secrets Manager) and
# the license key as a plain variable (locals.tf:111-113); here all five come from Secrets Manager.
ECS_API_SECRETS: tuple[str, ...] = register(
    "braintrust.aws.ecs_api_secrets",
    ("FUNCTION_SECRET_KEY", "PG_URL", "REDIS_URL", "SERVICE_TOKEN_SECRET_KEY", "BRAINSTORE_LICENSE_KEY"),
    f"{_API_ECS}/locals.tf:160-177 ; {_API_ECS}/locals.tf:111-115",
    Check.UPSTREAM,
)

ECS_API_ENVIRONMENT: EnvContract = register(
    "braintrust.aws.ecs_api_env",
    EnvContract(
        always=frozenset({
            "ORG_NAME", "PRIMARY_ORG_NAME", "ALLOWED_ORG_IDS", "BRAINTRUST_DEPLOYMENT_NAME", "RESPONSE_BUCKET",
            "CODE_BUNDLE_BUCKET", "WHITELISTED_ORIGINS", "OUTBOUND_RATE_LIMIT_WINDOW_MINUTES",
            "OUTBOUND_RATE_LIMIT_MAX_REQUESTS", *_QUARANTINE_ENV, "QUARANTINE_PROXY_URL", "BRAINSTORE_DEFAULT",
            "BRAINSTORE_URL", "BRAINSTORE_WRITER_URL", "BRAINSTORE_REALTIME_WAL_BUCKET", "CONTROL_PLANE_TELEMETRY",
            "TELEMETRY_DISABLE_AGGREGATION", "TELEMETRY_LOG_LEVEL", "NODE_MEMORY_PERCENT",
            "CLOUDWATCH_METRICS_SERVICE_NAME", "CLOUDWATCH_METRICS_DEPLOYMENT_NAME",
            *ECS_API_FIXED_ENV, *ECS_API_SECRETS}),
        conditional=frozenset({
            "BRAINTRUST_UNSAFE_URL_REQUEST_MODE", "BRAINTRUST_URL_SECURITY_DNS_SERVERS",
            "BRAINTRUST_URL_SECURITY_ALLOW_CIDRS", "BTQL_AUDIT_LOGS_STRICT_ORG_IDS",
            "BTQL_AUDIT_LOGS_BEST_EFFORT_ORG_IDS", "BRAINSTORE_FAST_READER_URL",
            "BRAINSTORE_FAST_READER_QUERY_SOURCES", "BRAINSTORE_WAL_FOOTER_VERSION", "SKIP_PG_FOR_BRAINSTORE_OBJECTS",
            "BRAINSTORE_WAL_USE_EFFICIENT_FORMAT", "BRAINSTORE_EXPORT_MIGRATION_ENABLED",
            "BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE", "GATEWAY_URL", "LOOP_RUNTIME_URL"})),
    f"{_API_ECS}/locals.tf:41-131 ; {_API_ECS}/locals.tf:160-177 ; {MODULE}/main.tf:475",
    Check.UPSTREAM,
)

ECS_API_LOG_RETENTION_DAYS: int = register(
    "braintrust.aws.ecs_api_log_retention_days_default", 14, f"{MODULE}/variables.tf:614-626", Check.UPSTREAM,
    note="ours defaults to 90 (aws.api.log_retention_days): the policy pack refuses less than 30")

# The cluster: Container Insights on, ECS Exec sessions and Fargate ephemeral storage under the CMK.
ECS_CONTAINER_INSIGHTS: str = register(
    "braintrust.aws.ecs_container_insights", "enabled",
    f"{MODULE}/modules/ecs/variables.tf:11-20 ; {MODULE}/modules/ecs/main.tf:22-25", Check.UPSTREAM)
ECS_EXEC_LOGGING: str = register(
    "braintrust.aws.ecs_exec_logging", "DEFAULT", f"{MODULE}/modules/ecs/main.tf:10-14", Check.UPSTREAM,
    note="DEFAULT: exec session output goes to the task's awslogs group (ours: CMK-encrypted)")

# What Fargate itself needs in the key policy to encrypt ephemeral storage with a customer-managed key
# (a service principal gets nothing through IAM): data keys and a Decrypt grant, both bound to our cluster.
FARGATE_KEY_ACTIONS: tuple[str, ...] = register(
    "aws.ecs.fargate_ephemeral_storage_key_actions",
    ("kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant", "kms:DescribeKey"),
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-create-storage-key.html ; "
    f"{MODULE}/modules/kms/main.tf:89-138",
    Check.UPSTREAM,
)

# ECS Exec: the task role opens the SSM session channels (only when exec is on).
ECS_EXEC_ACTIONS: tuple[str, ...] = register(
    "aws.ecs.exec_task_role_actions",
    ("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
     "ssmmessages:OpenDataChannel"),
    f"{MODULE}/modules/services-common/iam-api.tf:173-185 ; "
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html",
    Check.UPSTREAM,
)

# CloudFront reaches the internal ALB through a VPC origin; the ALB admits CloudFront's origin-facing
# managed prefix list (upstream's rule), and CloudFront talks HTTP to it unless the ALB has a certificate.
CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST: str = register(
    "aws.cloudfront.origin_facing_prefix_list", "com.amazonaws.global.cloudfront.origin-facing",
    f"{_API_ECS}/alb.tf:34-45 ; "
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html",
    Check.UPSTREAM,
)
CLOUDFRONT_VPC_ORIGIN_TIMEOUT: str = register(
    "braintrust.aws.cloudfront_vpc_origin_timeout", "30m", f"{_INGRESS}/cloudfront.tf:93-96", Check.UPSTREAM,
    note="creating or updating a VPC origin takes minutes; the provider's default would fail first")
# The ALB answers CloudFront over plain HTTP, so it tells the API the scheme was http; this header restores
# the viewer's (https) for the API. Upstream attaches it only to the HTTP ECS origin and always creates it
# (CloudFront cannot delete a policy in the same update that detaches it).
CLOUDFRONT_FORWARDED_PROTO_HEADER: str = register(
    "braintrust.aws.cloudfront_forwarded_proto_header", "CloudFront-Forwarded-Proto",
    f"{_INGRESS}/cloudfront.tf:28-77", Check.UPSTREAM)
# Which CloudFront behaviours follow enable_ecs_api: the default one, the AI proxy paths and the function
# paths (every path of AI_PROXY_PATHS); upstream's other origins (hosted gateway, Loop) are not built here.
CLOUDFRONT_ECS_SWITCHED_PATHS: tuple[str, ...] = register(
    "braintrust.aws.cloudfront_ecs_switched_paths", ("*", *AI_PROXY_PATHS),
    f"{_INGRESS}/cloudfront.tf:14-26 ; {_INGRESS}/cloudfront.tf:222-262", Check.UPSTREAM)

# Where Brainstore reads the API URL for its AI proxy calls: a name, or name:version (a new version is new
# user data, so the nodes roll and read the new URL); the ECS parameter is selected while ECS serves.
ECS_API_URL_PARAMETER: str = register(
    "braintrust.aws.ecs_api_url_parameter", "/braintrust/{deployment}/ecs-api-url",
    f"{MODULE}/main.tf:58-71 ; {_API_ECS}/alb.tf:173-180", Check.UPSTREAM)

# The ECS API's custom metrics (autoscaling) need PutMetricData in this namespace only.
ECS_API_METRICS_CONDITION_KEY: str = register(
    "aws.cloudwatch.namespace_condition_key", "cloudwatch:namespace",
    f"{MODULE}/modules/services-common/iam-api.tf:96-117 ; "
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html",
    Check.UPSTREAM,
)
