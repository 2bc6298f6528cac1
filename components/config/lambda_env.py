"""The 4 KB Lambda environment, counted at config time: the program's own variables plus extra_env.

Lambda refuses a function whose variables exceed 4 KB in aggregate (measured as JSON), and it does so at
`pulumi up`, after everything before the API exists. So the functions' environment is bounded here: every
variable the program sets, with the exact value when it comes from configuration and an upper bound from
AWS's naming limits when the cloud assigns it (hostnames, ids, ARNs), plus ``aws.lambda.extra_env`` (which
APIHandler and AIProxy get). ``tests/components/aws/test_lambda_env.py`` checks that every variable
``components/aws/api.py`` sets is listed here and that every built value stays within its bound.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from components.facts import aws as aws_facts
from components.facts import secrets as facts

if TYPE_CHECKING:  # root imports this module for its cross-field rules
    from .root import DataPlaneConfig

ACCOUNT_ID_CHARS = 12  # aws.account_id's pattern (\d{12})
# Pulumi's auto-name suffix: "-" plus random hex (7 characters in the SDK's mocks, 8 in the example of
# https://github.com/pulumi/pulumi/issues/16188); 9 covers either.
AUTONAME_SUFFIX_CHARS = 9
# Secrets Manager secrets the API reads, named f"{deployment_name}-<role>" by the AWS components.
SECRET_ROLES = ("secrets-function-key", "secrets-cron-key", "db-url", "redis-url")
API_SECRET_VARIABLES = ("PG_URL", "REDIS_URL", "FUNCTION_SECRET_KEY", "SERVICE_TOKEN_SECRET_KEY",
                        "CRON_OVERRIDE_SECRET_KEY")
FAST_READER_QUERY_SOURCES_CHARS = 193  # components/aws/api.py FAST_READER_QUERY_SOURCES, joined by ","

Bound = Callable[["DataPlaneConfig"], "int | None"]  # None: the program does not set the variable


def _fixed(n: int) -> Bound:
    return lambda _cfg: n


def _exact(value: Callable[[DataPlaneConfig], str]) -> Bound:
    return lambda cfg: len(json.dumps(value(cfg))) - 2  # JSON-escaped length, without the quotes


def _if_set(value: Callable[[DataPlaneConfig], str]) -> Bound:
    """For a variable set only when its configuration is (an empty value sets nothing)."""
    return lambda cfg: (len(json.dumps(text)) - 2) if (text := value(cfg)) else None


def _id(prefix: str) -> Bound:
    return _fixed(len(prefix) + facts.EC2_ID_HEX_CHARS)


_ROLE_ARN = _fixed(len("arn:aws:iam::") + ACCOUNT_ID_CHARS + len(":role/") + facts.IAM_ROLE_NAME_MAX_CHARS)
_BUCKET = _fixed(facts.S3_BUCKET_NAME_MAX_CHARS)


def _host(domain: str) -> Callable[[DataPlaneConfig], int]:
    """A generated label (at most 63 characters) followed by a documented domain."""
    return lambda cfg: facts.DNS_LABEL_MAX_CHARS + len(domain.format(region=cfg.region))


def _brainstore_url(cfg: DataPlaneConfig) -> int:
    return len("http://") + _host(facts.NLB_DOMAIN)(cfg) + len(":4000")


def _ai_proxy_url(cfg: DataPlaneConfig) -> int:
    """Either the public function URL or CloudFront's domain (when the AI proxy goes through it)."""
    host = max(_host(facts.FUNCTION_URL_DOMAIN)(cfg), _host(facts.CLOUDFRONT_DOMAIN)(cfg))
    return len("https://") + host + len("/")


def _function_arn(function: str) -> Bound:
    return _exact(lambda cfg: f"arn:aws:lambda:{cfg.region}:{'0' * ACCOUNT_ID_CHARS}:function:"
                              f"{cfg.deployment_name}-{function}")


def _secret_arn_chars(cfg: DataPlaneConfig) -> int:
    name = len(cfg.deployment_name) + 1 + max(map(len, SECRET_ROLES)) + AUTONAME_SUFFIX_CHARS
    return (len(f"arn:aws:secretsmanager:{cfg.region}:") + ACCOUNT_ID_CHARS + len(":secret:") + name
            + len(facts.SECRETS_MANAGER_ARN_SUFFIX))


def _secret_mapping(cfg: DataPlaneConfig) -> int:
    mapping = json.dumps({name: "x" * _secret_arn_chars(cfg) for name in API_SECRET_VARIABLES})
    return len(json.dumps(mapping)) - 2


def _telemetry(cfg: DataPlaneConfig) -> str:
    return "status,metrics,usage" if cfg.telemetry.enabled else ""


# Every variable the program may set on any of its functions (the union: APIHandler and AIProxy, which also
# get extra_env, the crons, the migration; quarantine and fast-reader variables included), and the most
# characters its value can take. The union bounds every single function.
OWN_VARIABLES: dict[str, Bound] = {
    "PRIMARY_ORG_NAME": _exact(lambda cfg: cfg.org.primary_org_name or ""),
    "ALLOWED_ORG_IDS": _exact(lambda cfg: ",".join(str(i) for i in cfg.org.allowed_org_ids)),
    "BRAINTRUST_DEPLOYMENT_NAME": _exact(lambda cfg: cfg.deployment_name),
    "RESPONSE_BUCKET": _BUCKET,
    "CODE_BUNDLE_BUCKET": _BUCKET,
    "WHITELISTED_ORIGINS": _exact(lambda cfg: ",".join(cfg.control_plane.extra_cors_origins)),
    "ORG_NAME": _exact(lambda cfg: cfg.org.name),
    "REDIS_HOST": _fixed(facts.HOSTNAME_MAX_CHARS),  # ElastiCache does not document its endpoint layout
    "REDIS_PORT": _fixed(5),
    "BRAINSTORE_ENABLED": _fixed(len("true")),
    "BRAINSTORE_URL": _brainstore_url,
    "BRAINSTORE_WRITER_URL": _brainstore_url,
    "BRAINSTORE_FAST_READER_URL": _brainstore_url,
    "BRAINSTORE_FAST_READER_QUERY_SOURCES": _fixed(FAST_READER_QUERY_SOURCES_CHARS),
    "BRAINSTORE_REALTIME_WAL_BUCKET": _BUCKET,
    "BRAINSTORE_DEFAULT": _fixed(len("force")),
    "BRAINSTORE_INSERT_ROW_REFS": _fixed(len("true")),
    "BRAINSTORE_BACKFILL_ENABLE_NONHISTORICAL": _fixed(len("force")),
    "BRAINTRUST_RUN_DRAFT_MIGRATIONS": _fixed(len("false")),
    "QUARANTINE_INVOKE_ROLE": _ROLE_ARN,
    "QUARANTINE_FUNCTION_ROLE": _ROLE_ARN,
    "QUARANTINE_PRIVATE_SUBNET_1_ID": _id("subnet-"),
    "QUARANTINE_PRIVATE_SUBNET_2_ID": _id("subnet-"),
    "QUARANTINE_PRIVATE_SUBNET_3_ID": _id("subnet-"),
    "QUARANTINE_PUB_PRIVATE_VPC_DEFAULT_SECURITY_GROUP": _id("sg-"),
    "QUARANTINE_PUB_PRIVATE_VPC_ID": _id("vpc-"),
    "CONTROL_PLANE_TELEMETRY": _exact(_telemetry),
    "NODE_EXTRA_CA_CERTS": _fixed(len("/var/runtime/ca-cert.pem")),
    "BRAINTRUST_LEGACY_IDS": _fixed(len("true")),
    "INSERT_LOGS2": _fixed(len("true")),
    "AI_PROXY_FN_ARN": _function_arn("AIProxy"),
    "AI_PROXY_FN_URL": _ai_proxy_url,
    "AI_PROXY_INVOKE_ROLE": _ROLE_ARN,
    "CATCHUP_ETL_ARN": _function_arn("CatchupETL"),
    "BRAINSTORE_WAL_FOOTER_VERSION": _exact(lambda cfg: cfg.aws_section.brainstore.wal_footer_version or ""),
    "SKIP_PG_FOR_BRAINSTORE_OBJECTS": _exact(
        lambda cfg: cfg.aws_section.brainstore.skip_pg_for_brainstore_objects or ""),
    "BRAINSTORE_WAL_USE_EFFICIENT_FORMAT": _fixed(len("true")),
    "AWS_LAMBDA_EXEC_WRAPPER": _fixed(len("/opt/braintrust/secrets-wrapper")),
    "OUTBOUND_RATE_LIMIT_MAX_REQUESTS": _exact(
        lambda cfg: str(cfg.aws_section.lambda_.outbound_rate_limit_max_requests)),
    "OUTBOUND_RATE_LIMIT_WINDOW_MINUTES": _exact(
        lambda cfg: str(cfg.aws_section.lambda_.outbound_rate_limit_window_minutes)),
    "TELEMETRY_DISABLE_AGGREGATION": _exact(lambda _cfg: aws_facts.TELEMETRY_DISABLE_AGGREGATION),
    "TELEMETRY_LOG_LEVEL": _exact(lambda _cfg: aws_facts.TELEMETRY_LOG_LEVEL),
    "BRAINTRUST_UNSAFE_URL_REQUEST_MODE": _exact(lambda cfg: cfg.url_security.unsafe_url_request_mode),
    "BRAINTRUST_URL_SECURITY_DNS_SERVERS": _if_set(lambda cfg: ",".join(map(str, cfg.url_security.dns_servers))),
    "BRAINTRUST_URL_SECURITY_ALLOW_CIDRS": _if_set(lambda cfg: ",".join(map(str, cfg.url_security.allow_cidrs))),
    "BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE": _if_set(
        lambda cfg: str(cfg.aws_section.lambda_.brainstore_etl_batch_size or "")),
    "BRAINTRUST_SECRET_ARNS": _secret_mapping,
}
# Configuration keys behind the variables whose size the user controls (named when they alone overflow).
CONFIG_SOURCES = {"ALLOWED_ORG_IDS": "org.allowed_org_ids", "WHITELISTED_ORIGINS": "control_plane.extra_cors_origins",
                  "ORG_NAME": "org.name", "PRIMARY_ORG_NAME": "org.primary_org_name",
                  "BRAINTRUST_URL_SECURITY_DNS_SERVERS": "url_security.dns_servers",
                  "BRAINTRUST_URL_SECURITY_ALLOW_CIDRS": "url_security.allow_cidrs"}


def json_bytes(variables: dict[str, int]) -> int:
    """Size of ``{"NAME":"value",...}`` (compact JSON) for values of the given lengths."""
    return len(json.dumps({name: "x" * length for name, length in variables.items()}, separators=(",", ":")))


def own_bound(cfg: DataPlaneConfig) -> dict[str, int]:
    """The variables the program sets for ``cfg`` and the most characters each value can take."""
    bounds = {name: bound(cfg) for name, bound in OWN_VARIABLES.items()}
    return {name: length for name, length in bounds.items() if length is not None}


def total_bound(cfg: DataPlaneConfig) -> int:
    """Most bytes the API functions' environment can take: ours plus every extra_env pair (counted in full
    even when its name is one of ours, which wins: an over-count, never an under-count)."""
    extra = cfg.aws_section.lambda_.extra_env
    pairs = sum(len(json.dumps(name)) + 1 + len(json.dumps(value)) + 1 for name, value in extra.items())
    return json_bytes(own_bound(cfg)) + pairs


def problems(cfg: DataPlaneConfig) -> list[tuple[str, str]]:
    """(key path, message) when the API functions' environment could exceed Lambda's limit."""
    total = total_bound(cfg)
    limit = facts.LAMBDA_MAX_ENVIRONMENT_BYTES
    if total <= limit:
        return []
    own = own_bound(cfg)
    own_total = json_bytes(own)
    if cfg.aws_section.lambda_.extra_env:
        return [("aws.lambda.extra_env", (
            f"makes the API functions' environment up to {total} bytes; Lambda allows {limit} in total and the "
            f"program's own variables take up to {own_total}: keep extra_env within {max(limit - own_total, 0)} "
            "bytes (names and values, as JSON)"))]
    biggest = max(CONFIG_SOURCES, key=lambda name: own.get(name, 0))
    return [(CONFIG_SOURCES[biggest], (
        f"makes the API functions' environment up to {total} bytes; Lambda allows {limit} in total: shorten it"))]
