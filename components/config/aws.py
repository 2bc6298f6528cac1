"""AWS section of the stack configuration (``braintrust:aws``)."""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from components.facts import aws as aws_facts
from components.facts import limits
from components.facts import secrets as secret_facts

from .access import DomainName
from .common import StrictModel, given
from .names import s3_bucket_problems
from .sizing import EcsServicesOverride

if TYPE_CHECKING:  # root imports this module
    from .root import DataPlaneConfig

# Re-exported: the region check in root.py imports it from here. Sources: components/facts/regions.py.
SUPPORTED_REGIONS = aws_facts.SUPPORTED_REGIONS

VpcId = Annotated[str, Field(pattern=r"^vpc-[0-9a-f]{8,17}$")]
SubnetId = Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]
SecurityGroupId = Annotated[str, Field(pattern=r"^sg-[0-9a-f]{8,17}$")]
KmsKeyArn = Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f-]{36}$")]
IamPolicyArn = Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:policy/[\w+=,.@/-]+$")]
def _bucket(value: str) -> str:
    problems = s3_bucket_problems(value)
    if problems:
        raise ValueError(f"is not a valid S3 bucket name: it {'; it '.join(problems)}")
    return value


BucketName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"), AfterValidator(_bucket)]
IamRoleArn = Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]

# CloudWatch Logs accepts only these retention periods; anything else fails at `pulumi up`.
LOG_RETENTION_DAYS = aws_facts.LOG_RETENTION_DAYS


# The policy pack's aws-log-groups-retained-and-encrypted refuses shorter retention by default: a stack
# that validates must pass the pack (tests/components/config/test_policy_agreement.py).
MIN_LOG_RETENTION_DAYS = 30


def _retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"must be one of the CloudWatch Logs retention periods: "
                         f"{', '.join(map(str, LOG_RETENTION_DAYS))}")
    if value < MIN_LOG_RETENTION_DAYS:
        raise ValueError(f"must be at least {MIN_LOG_RETENTION_DAYS} days (logs are evidence for incidents; the "
                         "policy pack refuses shorter retention)")
    return value


RetentionDays = Annotated[int, AfterValidator(_retention)]

# Values that end up in Lambda environments or EC2 user data: a conservative character set, so a value
# can never break out of an env file or a shell script, and names that cannot smuggle a secret in.
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,127}$")
_ENV_VALUE = re.compile(r"^[A-Za-z0-9._:/@,+=%-]{0,1024}$")
_SECRET_LIKE = re.compile(r"(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|LICENSE|CREDENTIAL|PRIVATE|APIKEY|"
                          r"CONNECTION_STRING|(^|_)KEYS?(_|$)|^PG_URL$|^REDIS_URL$)")
_CREDENTIAL_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/@:]*:[^/@]+@", re.IGNORECASE)
_KEY_PATTERNS = [(f.name, re.compile(f.pattern)) for f in secret_facts.KEY_FORMATS]
_SECRETS_INSTEAD = ("secrets never go into Lambda environments or user data (they are resolved from Secrets "
                    "Manager at runtime)")


def credential_in(value: str) -> str | None:
    """Which known credential format ``value`` has (a provider key, a URL with a password), or None."""
    for name, pattern in _KEY_PATTERNS:
        if pattern.search(value):
            return name
    for f in secret_facts.KEY_FORMATS:
        if value.startswith(f.prefixes):
            return f.name
    if _CREDENTIAL_URL.search(value):
        return "a URL with a password"
    return None


def _plain_env(values: dict[str, str]) -> dict[str, str]:
    for name, value in values.items():
        if not _ENV_NAME.match(name):
            raise ValueError(f"{given(name)} is not an environment variable name (A-Z, 0-9, _)")
        if _SECRET_LIKE.search(name):
            raise ValueError(f"{given(name)} looks like a secret; {_SECRETS_INSTEAD}")
        credential = credential_in(value)
        if credential:  # the value itself is never echoed
            raise ValueError(f"value of {given(name)} looks like a credential ({credential}); {_SECRETS_INSTEAD}")
        if not _ENV_VALUE.match(value):
            raise ValueError(f"value of {given(name)} may only contain letters, digits and ._:/@,+=%- "
                             "(it is written into an env file and a shell script)")
    return values


PlainEnv = Annotated[dict[str, str], AfterValidator(_plain_env)]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAILY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_WEEKLY = re.compile(r"^([A-Za-z]{3}):([01]\d|2[0-3]):([0-5]\d)-([A-Za-z]{3}):([01]\d|2[0-3]):([0-5]\d)$")
_DAY_MIN, _WEEK_MIN = 24 * 60, 7 * 24 * 60


def daily_window(value: str) -> tuple[int, int]:
    """'hh:mm-hh:mm' (UTC) -> (start, length) in minutes."""
    match = _DAILY.match(value)
    if not match:
        raise ValueError(f"{given(value)} is not a daily window like 03:00-04:00 (UTC)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return start, (end - start) % _DAY_MIN


def weekly_window(value: str) -> tuple[int, int]:
    """'ddd:hh:mm-ddd:hh:mm' (UTC) -> (start, length) in minutes of the week."""
    match = _WEEKLY.match(value)
    if not match or match.group(1).lower() not in _DAYS or match.group(4).lower() not in _DAYS:
        raise ValueError(f"{given(value)} is not a weekly window like sun:05:00-sun:06:00 (UTC)")
    d1, h1, m1, d2, h2, m2 = match.groups()
    start = _DAYS.index(d1.lower()) * _DAY_MIN + int(h1) * 60 + int(m1)
    end = _DAYS.index(d2.lower()) * _DAY_MIN + int(h2) * 60 + int(m2)
    return start, (end - start) % _WEEK_MIN


def windows_overlap(daily: tuple[int, int], weekly: tuple[int, int]) -> bool:
    """Whether a window repeated every day overlaps a weekly window (both (start, length))."""
    w_start, w_len = weekly
    for day in range(8):  # 8: a daily window starting late on day 6 can spill into day 0 of the week
        d_start = day * _DAY_MIN + daily[0]
        for shift in (-_WEEK_MIN, 0, _WEEK_MIN):
            s = w_start + shift
            if d_start < s + w_len and s < d_start + daily[1]:
                return True
    return False


class AwsNetworkConfig(StrictModel):
    """Main VPC: created (default) or brought by the user (create_vpc: false + existing_*)."""

    create_vpc: bool = Field(default=True, description="Create the main VPC.")
    vpc_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.175.0.0/16"),
        description=(
            "CIDR of the created VPC (/20 or larger). Per AZ: a private subnet of a quarter of it (Lambda "
            "ENIs, Brainstore), and public and data (RDS, Redis; no internet route) subnets of 1/32 each."
        ),
    )
    nat_gateways: Literal["single", "per_az"] | None = Field(
        default=None, description="NAT layout; default single in staging, per_az in production."
    )
    flow_logs_retention_days: RetentionDays = Field(default=90, description="VPC flow log retention (days).")
    existing_vpc_id: VpcId | None = Field(default=None, description="BYO VPC id (create_vpc: false).")
    existing_private_subnet_ids: list[SubnetId] = Field(
        default_factory=list, description="BYO private subnets (>= 2 AZs; egress via NAT)."
    )
    existing_public_subnet_ids: list[SubnetId] = Field(
        default_factory=list, description="BYO public subnets (unused today; kept for future edge needs)."
    )
    existing_data_subnet_ids: list[SubnetId] = Field(
        default_factory=list,
        description="BYO subnets for RDS and Redis (>= 2 AZs). Default: the private subnets.",
    )

    @model_validator(mode="after")
    def _byo_complete(self) -> AwsNetworkConfig:
        byo = (self.existing_vpc_id or self.existing_private_subnet_ids or self.existing_public_subnet_ids
               or self.existing_data_subnet_ids)
        if self.create_vpc and byo:
            raise ValueError("existing_* network ids are set but create_vpc is true; set create_vpc: false")
        if not self.create_vpc:
            missing = []
            if not self.existing_vpc_id:
                missing.append("existing_vpc_id")
            if len(self.existing_private_subnet_ids) < 2:
                missing.append("existing_private_subnet_ids (at least 2, in different AZs)")
            if missing:
                raise ValueError("create_vpc: false requires " + " and ".join(missing))
        if self.vpc_cidr.prefixlen > 20:
            raise ValueError("vpc_cidr must be /20 or larger (each AZ gets a /22 private subnet at /20)")
        if self.existing_data_subnet_ids and len(self.existing_data_subnet_ids) < 2:
            raise ValueError("existing_data_subnet_ids needs at least 2 subnets in different AZs (RDS, Redis)")
        return self


class AwsQuarantineConfig(StrictModel):
    """VPC where user-defined functions run isolated from the data plane (on by default, as upstream)."""

    enabled: bool = Field(default=True, description="Run user-defined functions in a quarantine VPC.")
    create_vpc: bool = Field(default=True, description="Create the quarantine VPC.")
    vpc_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.176.0.0/16"), description="CIDR of the created quarantine VPC."
    )
    existing_vpc_id: VpcId | None = Field(default=None, description="BYO quarantine VPC id.")
    existing_subnet_ids: list[SubnetId] = Field(
        default_factory=list, description="BYO quarantine private subnets (exactly 3, as upstream)."
    )

    @model_validator(mode="after")
    def _byo_complete(self) -> AwsQuarantineConfig:
        byo = self.existing_vpc_id or self.existing_subnet_ids
        if self.create_vpc and byo:
            raise ValueError("existing_* quarantine ids are set but create_vpc is true; set create_vpc: false")
        count = aws_facts.QUARANTINE_SUBNET_COUNT  # the runtime reads exactly three subnet variables
        byo_incomplete = not self.existing_vpc_id or len(self.existing_subnet_ids) != count
        if self.enabled and not self.create_vpc and byo_incomplete:
            raise ValueError(f"create_vpc: false requires existing_vpc_id and exactly {count} existing_subnet_ids")
        if self.vpc_cidr.prefixlen > 20:
            raise ValueError("vpc_cidr must be /20 or larger (each AZ gets a /22 private subnet at /20)")
        return self


class AwsKmsConfig(StrictModel):
    create_key: bool = Field(default=True, description="Create the customer-managed KMS key.")
    existing_key_arn: KmsKeyArn | None = Field(default=None, description="BYO KMS key ARN.")

    @model_validator(mode="after")
    def _pair(self) -> AwsKmsConfig:
        if self.create_key and self.existing_key_arn:
            raise ValueError("existing_key_arn is set but create_key is true; set create_key: false")
        if not self.create_key and not self.existing_key_arn:
            raise ValueError("create_key: false requires existing_key_arn")
        return self


class AwsLambdaConfig(StrictModel):
    """Sizing of the API on Lambda (the seed's API rows do not apply to Lambda)."""

    api_handler_memory_mb: int = Field(
        default=10240, ge=1024, le=aws_facts.LAMBDA_MAX_MEMORY_MB, description="APIHandler memory.")
    ai_proxy_memory_mb: int = Field(
        default=10240, ge=1024, le=aws_facts.LAMBDA_MAX_MEMORY_MB, description="AIProxy memory.")
    provisioned_concurrency: int = Field(
        default=1, ge=0, description="Provisioned concurrency of APIHandler and AIProxy (0 = off)."
    )
    reserved_concurrency: int | None = Field(
        default=None, ge=1, description="Reserved concurrency for APIHandler (protects a shared account)."
    )
    log_retention_days: RetentionDays = Field(default=90, description="Retention of every Lambda log group.")
    extra_env: PlainEnv = Field(
        default_factory=dict,
        description=(
            "More (non-secret) environment variables for the API functions (APIHandler, AIProxy). Names or values "
            "that look like credentials are refused; with the program's own variables they must fit Lambda's 4 KB "
            "(checked at config time)."
        ),
    )
    outbound_rate_limit_max_requests: int = Field(
        default=aws_facts.OUTBOUND_RATE_LIMIT_MAX_REQUESTS, ge=0,
        description="OUTBOUND_RATE_LIMIT_MAX_REQUESTS of APIHandler and AIProxy: requests per user per window "
                    "(0 = no limit; upstream's default).",
    )
    outbound_rate_limit_window_minutes: int = Field(
        default=aws_facts.OUTBOUND_RATE_LIMIT_WINDOW_MINUTES, ge=1,
        description="OUTBOUND_RATE_LIMIT_WINDOW_MINUTES: the window of that per-user limit (upstream's default).",
    )
    brainstore_etl_batch_size: int | None = Field(
        default=None, ge=1,
        description="BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE of CatchupETL and AutomationCron. Default: unset, "
                    "the runtime's own default (as upstream).",
    )


AcmCertificateArn = Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")]
ApiRuntime = Literal["lambda", "ecs"]


class AwsApiConfig(StrictModel):
    """Which runtime serves the API behind CloudFront, and the API on ECS Fargate (Braintrust's v6 path).

    Cutover, as upstream's MIGRATION_V6: set ``ecs_warm: true`` (ECS is built and warms up; Lambda serves),
    then ``runtime: ecs`` (CloudFront switches). Rollback is ``runtime: lambda``: the Lambdas stay deployed."""

    runtime: ApiRuntime = Field(
        default="lambda",
        description=(
            "What CloudFront sends API traffic to: lambda (API Gateway + the functions; upstream's default) or ecs "
            "(the internal ALB of the ECS services). The Lambdas stay deployed either way, so switching back is this "
            "one key."),
    )
    ecs_warm: bool = Field(
        default=False,
        description="Build the ECS API while Lambda still serves (upstream builds it always), to cut over later.",
    )
    services: EcsServicesOverride = Field(
        default_factory=EcsServicesOverride,
        description="ECS task sizes and autoscaling bounds per service (default: the size preset).",
    )
    node_memory_percent: int | None = Field(
        default=None, ge=50, le=95,
        description="NODE_MEMORY_PERCENT of the ECS tasks (default: upstream's 80; the seed asks 80-90).",
    )
    log_retention_days: RetentionDays = Field(default=90, description="Retention of the ECS services' log groups.")
    extra_env: PlainEnv | None = Field(
        default=None,
        description=(
            "More (non-secret) environment variables for the ECS tasks. Default: aws.lambda.extra_env, so the "
            "API keeps its settings across the cutover (upstream makes you copy them)."),
    )
    alb_certificate_arn: AcmCertificateArn | None = Field(
        default=None,
        description=(
            "ACM certificate (in the stack's region) for the internal ALB: with alb_domain, CloudFront and Brainstore "
            "reach the ECS API over HTTPS instead of HTTP inside the VPC."),
    )
    alb_domain: DomainName | None = Field(
        default=None,
        description=(
            "DNS name on alb_certificate_arn that resolves (inside the VPC) to the internal ALB; you create the "
            "record (e.g. a private hosted zone alias)."),
    )
    danger_enable_execute_command: bool = Field(
        default=False,
        description="DANGER: ECS Exec into the API tasks (a shell next to every secret they hold).",
    )

    @property
    def ecs_built(self) -> bool:
        return self.runtime == "ecs" or self.ecs_warm

    @model_validator(mode="after")
    def _consistent(self) -> AwsApiConfig:
        if self.runtime == "ecs" and "ecs_warm" in self.model_fields_set and not self.ecs_warm:
            raise ValueError("ecs_warm: false contradicts runtime: ecs (ECS serves, so it is built); remove ecs_warm "
                             "or set it true")
        if (self.alb_certificate_arn is None) != (self.alb_domain is None):
            raise ValueError("alb_certificate_arn and alb_domain go together: set both or neither")
        return self


class AwsDatabaseConfig(StrictModel):
    """RDS settings that are not sizes (sizes: `postgres.*`)."""

    backup_window: str = Field(default="00:00-00:30", description="Daily backup window (UTC), >= 30 min.")
    maintenance_window: str = Field(
        default="mon:08:00-mon:11:00", description="Weekly maintenance window (UTC), >= 30 min."
    )
    statement_timeout_ms: int = Field(
        default=3_600_000, ge=0, le=limits.POSTGRES_INT_MAX,
        description="PostgreSQL statement_timeout (upstream: 1 hour; 0 = none).",
    )
    performance_insights_retention_days: int = Field(
        default=7, description="Performance Insights retention: 7 (free) or a multiple of 31 up to 731."
    )
    monitoring_interval_seconds: Literal[0, 1, 5, 10, 15, 30, 60] = Field(
        default=60, description="Enhanced Monitoring interval (0 = off)."
    )

    @model_validator(mode="after")
    def _windows(self) -> AwsDatabaseConfig:
        backup = daily_window(self.backup_window)
        maintenance = weekly_window(self.maintenance_window)
        if backup[1] < 30 or maintenance[1] < 30:
            raise ValueError("backup_window and maintenance_window must each last at least 30 minutes")
        if windows_overlap(backup, maintenance):
            raise ValueError("backup_window overlaps maintenance_window (RDS rejects that)")
        retention = self.performance_insights_retention_days
        if retention != 7 and not (retention % 31 == 0 and 31 <= retention <= 731):
            raise ValueError("performance_insights_retention_days must be 7 or a multiple of 31 up to 731")
        return self


class AwsCacheConfig(StrictModel):
    """ElastiCache settings that are not sizes (sizes: `redis.*`)."""

    maintenance_window: str = Field(
        default="sun:05:00-sun:06:00", description="Weekly maintenance window (UTC), >= 60 min."
    )
    snapshot_window: str = Field(default="03:00-04:00", description="Daily snapshot window (UTC), >= 60 min.")
    snapshot_retention_days: int = Field(
        default=7, ge=0, le=35, description="Days of automatic snapshots kept (0 = no snapshots)."
    )

    @model_validator(mode="after")
    def _windows(self) -> AwsCacheConfig:
        snapshot = daily_window(self.snapshot_window)
        maintenance = weekly_window(self.maintenance_window)
        if snapshot[1] < 60 or maintenance[1] < 60:
            raise ValueError("snapshot_window and maintenance_window must each last at least 60 minutes")
        if windows_overlap(snapshot, maintenance):
            raise ValueError("snapshot_window overlaps maintenance_window (ElastiCache rejects that)")
        return self


class AwsApiGatewayConfig(StrictModel):
    """The REST API between CloudFront and the functions."""

    throttle_rate_limit: float = Field(default=1000, gt=0, description="Steady-state requests per second.")
    throttle_burst_limit: int = Field(default=2000, gt=0, description="Burst of requests allowed.")
    manage_account_logging_role: bool = Field(
        default=True,
        description=(
            "Set the region-wide API Gateway CloudWatch role (needed for access logs). Turn off if the "
            "account already has one managed elsewhere: it is one setting per account and region."
        ),
    )

    @model_validator(mode="after")
    def _burst(self) -> AwsApiGatewayConfig:
        if self.throttle_burst_limit < self.throttle_rate_limit:
            raise ValueError("throttle_burst_limit must be >= throttle_rate_limit")
        return self


class AwsBrainstoreConfig(StrictModel):
    """Brainstore on EC2: settings besides sizes (sizes: `brainstore.*`)."""

    root_volume_gb: int | None = Field(
        default=None, ge=30, le=16384, description="Encrypted gp3 root volume. Default 100 (staging), 200 (production)."
    )
    wal_footer_version: Literal["v1", "v2", "v3"] | None = Field(
        default="v3",
        description="BRAINSTORE_WAL_FOOTER_VERSION (upstream greenfield default v3; change only in its own deploy).",
    )
    skip_pg_for_brainstore_objects: str | None = Field(
        default="all",
        pattern=r"^(all|[a-z_]+(,[a-z_]+)*)$",
        description="SKIP_PG_FOR_BRAINSTORE_OBJECTS (upstream greenfield default 'all'; one-way).",
    )
    session_manager_access: bool = Field(
        default=True,
        description="Let operators open a shell on Brainstore nodes with SSM Session Manager (no SSH, no keys).",
    )
    extra_env: PlainEnv = Field(
        default_factory=dict,
        description="More (non-secret) Brainstore settings; names or values that look like credentials are refused.",
    )


class AwsConfig(StrictModel):
    account_id: Annotated[str, Field(pattern=r"^\d{12}$")] | None = Field(
        default=None, description="Expected AWS account id; the provider refuses any other account."
    )
    permissions_boundary_arn: IamPolicyArn | None = Field(
        default=None, description="Permissions boundary attached to every IAM role we create."
    )
    network: AwsNetworkConfig = Field(default_factory=AwsNetworkConfig)
    quarantine: AwsQuarantineConfig = Field(default_factory=AwsQuarantineConfig)
    kms: AwsKmsConfig = Field(default_factory=AwsKmsConfig)
    lambda_: AwsLambdaConfig = Field(default_factory=AwsLambdaConfig, alias="lambda")
    api: AwsApiConfig = Field(default_factory=AwsApiConfig)
    database: AwsDatabaseConfig = Field(default_factory=AwsDatabaseConfig)
    cache: AwsCacheConfig = Field(default_factory=AwsCacheConfig)
    api_gateway: AwsApiGatewayConfig = Field(default_factory=AwsApiGatewayConfig)
    brainstore: AwsBrainstoreConfig = Field(default_factory=AwsBrainstoreConfig)
    log_retention_days: RetentionDays = Field(
        default=90, description="Retention of the Brainstore, API Gateway and RDS log groups."
    )
    s3_export_role_arns: list[IamRoleArn] = Field(
        default_factory=list,
        description=(
            "Roles in other accounts that the API and Brainstore may assume (ExternalId bt:*) to export to "
            "customer S3. Empty = export to other accounts is off (upstream allows any role by default)."
        ),
    )
    database_extra_security_group_ids: list[SecurityGroupId] = Field(
        default_factory=list, description="More security groups allowed to reach Postgres (e.g. a bastion)."
    )
    s3_access_logs_bucket: BucketName | None = Field(
        default=None, description="Existing bucket that receives S3 server access logs."
    )
    cloudfront_price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = Field(
        default="PriceClass_100", description="CloudFront edge locations used."
    )
    cloudfront_minimum_tls: aws_facts.CloudFrontTls = Field(
        default=aws_facts.CLOUDFRONT_MINIMUM_TLS_DEFAULT,
        description=(
            "Minimum viewer TLS with a custom domain (the default *.cloudfront.net certificate cannot set one). "
            "Upstream's default; lower it to TLSv1.2_2021 for clients that cannot negotiate TLS 1.3."
        ),
    )
    cloudfront_origin_read_timeout_seconds: int = Field(
        default=aws_facts.CLOUDFRONT_ORIGIN_READ_TIMEOUT_S, ge=1, le=aws_facts.CLOUDFRONT_ORIGIN_READ_TIMEOUT_MAX_S,
        description=(
            "How long CloudFront waits for a response from an origin (upstream's default). Raise it if long-running "
            "scorers or tools hit 504s; above 60 needs a CloudFront quota increase."
        ),
    )
    ai_proxy_route: Literal["function_url", "api_gateway"] = Field(
        default="function_url",
        description=(
            "How CloudFront reaches AIProxy for /v1/proxy, /v1/eval, /v1/function/<id>/... and /function/...: "
            "function_url = upstream's topology (AIProxy's Lambda function URL, response streaming, upstream's "
            "CORS; the URL is public like upstream's); api_gateway = through the REST API with a streaming "
            "integration, UNVERIFIED against the Braintrust runtime (REST payload 1.0, not the 2.0 it gets upstream)."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _replaced_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and "expose_ai_proxy_function_url" in data:
            raise ValueError(
                "expose_ai_proxy_function_url was replaced by aws.ai_proxy_route: remove it; the default "
                "(function_url) is upstream's function URL, which `true` used to select; `false` (API Gateway) "
                "is now ai_proxy_route: api_gateway")
        return data


def fargate_size_problem(cpu: float, memory_gib: float) -> tuple[str, str] | None:
    """(field, message) when Fargate refuses a task of ``cpu`` vCPU and ``memory_gib`` GiB, else None."""
    sizes = aws_facts.FARGATE_CPU_MEMORY_MIB
    units = float(cpu) * aws_facts.FARGATE_CPU_UNITS_PER_VCPU
    vcpus = ", ".join(f"{u / aws_facts.FARGATE_CPU_UNITS_PER_VCPU:g}" for u in sizes)
    if not units.is_integer() or int(units) not in sizes:
        return "cpu", f"{cpu:g} vCPU is not a Fargate task size; one of {vcpus}"
    memory: tuple[int, ...] = tuple(sizes[int(units)])
    mib = float(memory_gib) * 1024
    if not mib.is_integer() or int(mib) not in memory:
        low, high = memory[0] / 1024, memory[-1] / 1024
        step = (memory[1] - memory[0]) / 1024 if len(memory) > 1 else 0
        return "memory_gib", (f"{memory_gib:g} GiB does not go with {cpu:g} vCPU on Fargate: {low:g}-{high:g} GiB"
                              + (f" in steps of {step:g}" if step else ""))
    return None


def ecs_problems(cfg: DataPlaneConfig) -> list[tuple[str, str]]:
    """The ECS API's sizes as Fargate accepts them, and its certificate where the ALB is (its region)."""
    api = cfg.aws_section.api
    if not api.ecs_built:
        return []
    found: list[tuple[str, str]] = []
    try:
        ecs = cfg.sizing.ecs_api
    except ValueError:  # an impossible override: reported as a sizing problem
        ecs = None
    for key, service in (ecs.services().items() if ecs else ()):
        problem = fargate_size_problem(service.cpu, service.memory_gib)
        if problem:
            found.append((f"aws.api.services.{key}.{problem[0]}", problem[1]))
    if api.alb_certificate_arn and api.alb_certificate_arn.split(":")[3] != cfg.region:
        found.append(("aws.api.alb_certificate_arn", f"must be an ACM certificate in {cfg.region} (the ALB's region)"))
    return found

