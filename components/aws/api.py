"""The API tier on Lambda: Braintrust's functions, their log groups and schedules, the database
migration gate, and the way in (API Gateway + CloudFront, see edge.py).

Order on every deployment: the migration function is updated and *invoked* (a failed migration fails
the deployment), and only then are the other functions updated (they depend on the invocation), as
upstream does. Code comes from Braintrust's regional bucket (braintrust-assets-<region>): the release's
pointer object (read over anonymous HTTPS, release.py) names the zip of each function, so a release pin
change is a code change.

No secret value enters a function's configuration: BRAINTRUST_SECRET_ARNS lists secret ARNs and the
secrets wrapper layer (secrets_layer.py) exports the values when the runtime starts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pulumi
import pulumi_aws as aws

from components.facts import aws as aws_facts

from . import edge, release, secrets_layer
from . import functions as fn
from .context import Deployment

# Third-party DuckDB layer upstream attaches to the Node API functions (the runtime relies on it).
DUCKDB_LAYER = aws_facts.DUCKDB_LAYER_ARN
DUCKDB_FUNCTIONS = {fn.API_HANDLER, fn.AI_PROXY, fn.AUTOMATION_CRON, fn.QUARANTINE_WARMUP}
# Lambda Node runtimes ship the Amazon RDS CA bundle here but no longer load it by default.
RDS_CA_BUNDLE = "/var/runtime/ca-cert.pem"
BRAINSTORE_DEFAULT = aws_facts.BRAINSTORE_DEFAULT  # Brainstore is the only backend (upstream default)
FAST_READER_QUERY_SOURCES = aws_facts.FAST_READER_QUERY_SOURCES  # upstream's default list


@dataclass(frozen=True)
class Quarantine:
    """Where the API creates user-defined functions."""

    vpc_id: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    invoke_role_arn: pulumi.Input[str]
    function_role_arn: pulumi.Input[str]


@dataclass(frozen=True)
class BrainstoreUrls:
    reader: pulumi.Input[str]
    writer: pulumi.Input[str] | None = None
    fast_reader: pulumi.Input[str] | None = None


def quarantine_settings(q: Quarantine | None) -> dict[str, pulumi.Input[str]]:
    """Where the API creates user functions; without a quarantine every variable is empty, as upstream sets
    them (lambda-apihandler.tf:41-47, api-ecs/locals.tf:52-59)."""
    names = ("QUARANTINE_INVOKE_ROLE", "QUARANTINE_FUNCTION_ROLE", "QUARANTINE_PRIVATE_SUBNET_1_ID",
             "QUARANTINE_PRIVATE_SUBNET_2_ID", "QUARANTINE_PRIVATE_SUBNET_3_ID",
             "QUARANTINE_PUB_PRIVATE_VPC_DEFAULT_SECURITY_GROUP", "QUARANTINE_PUB_PRIVATE_VPC_ID")
    if q is None:
        return dict.fromkeys(names, "")
    # The runtime reads exactly three subnet variables; the configuration guarantees three subnets.
    subnets = q.subnet_ids
    if len(subnets) != aws_facts.QUARANTINE_SUBNET_COUNT:
        raise ValueError(f"the quarantine needs {aws_facts.QUARANTINE_SUBNET_COUNT} subnets, got {len(subnets)}")
    values = (q.invoke_role_arn, q.function_role_arn, *subnets, q.security_group_id, q.vpc_id)
    return dict(zip(names, values, strict=True))


def data_plane_flags(wal_footer_version: str | None, skip_pg_for_brainstore_objects: str | None) -> dict[str, str]:
    """The data plane 2.0 settings of the API, as upstream derives them."""
    env: dict[str, str] = {}
    if wal_footer_version:
        env["BRAINSTORE_WAL_FOOTER_VERSION"] = wal_footer_version
    if skip_pg_for_brainstore_objects:
        env["SKIP_PG_FOR_BRAINSTORE_OBJECTS"] = skip_pg_for_brainstore_objects
    if wal_footer_version or skip_pg_for_brainstore_objects:
        env["BRAINSTORE_WAL_USE_EFFICIENT_FORMAT"] = "true"
    return env


@dataclass(frozen=True)
class ApiArgs:
    deployment: Deployment
    key_arn: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    role_arns: Mapping[fn.Role, pulumi.Input[str]]
    ai_proxy_invoke_role_arn: pulumi.Input[str]
    release: str  # Lambda bundle version (release pin)
    api_handler_memory_mb: int
    ai_proxy_memory_mb: int
    provisioned_concurrency: int
    reserved_concurrency: int | None
    log_retention_days: int
    gateway_log_retention_days: int
    code_bundles_bucket: pulumi.Input[str]
    responses_bucket: pulumi.Input[str]
    brainstore_bucket: pulumi.Input[str]
    brainstore: BrainstoreUrls
    redis_host: pulumi.Input[str]
    redis_port: int
    secret_arns: Mapping[fn.Secret, pulumi.Input[str]]
    org_name: str
    primary_org_name: str
    allowed_org_ids: list[str]
    telemetry: str
    whitelisted_origins: list[str]
    ai_proxy_url_parameter: str
    price_class: str
    minimum_tls: str
    origin_read_timeout_s: int
    throttle_rate_limit: float
    throttle_burst_limit: int
    manage_account_logging_role: bool
    ai_proxy_route: edge.AiProxyRoute = "function_url"  # upstream's topology; "api_gateway" is unverified
    quarantine: Quarantine | None = None
    wal_footer_version: str | None = None
    skip_pg_for_brainstore_objects: str | None = None
    custom_domain: str | None = None
    certificate_arn: str | None = None
    waf_acl_arn: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    outbound_rate_limit_max_requests: int = aws_facts.OUTBOUND_RATE_LIMIT_MAX_REQUESTS
    outbound_rate_limit_window_minutes: int = aws_facts.OUTBOUND_RATE_LIMIT_WINDOW_MINUTES
    brainstore_etl_batch_size: int | None = None
    url_security_env: dict[str, str] = field(default_factory=dict)  # UrlSecurityConfig.env_vars()
    fetch_pointer: release.Fetch | None = None  # None: anonymous HTTPS, as upstream (tests inject a fake)
    ecs_origin: edge.EcsOrigin | None = None  # the ECS API's VPC origin, while the ECS API is built
    # What must exist before any function runs: the roles' policies (Lambda checks VPC permissions at
    # creation), and the networks' NAT routes (functions reach Secrets Manager at cold start).
    wait_for: list[pulumi.Resource] = field(default_factory=list)


class Api(pulumi.ComponentResource):
    """The Lambda API and the way in. ``ai_proxy_url`` is where AIProxy answers (its function URL, or CloudFront
    when the AI proxy goes through API Gateway); ``migration`` is the database migration run everything else
    waits for (the ECS API too)."""

    api_url: pulumi.Output[str]
    cloudfront_domain: pulumi.Output[str]
    ai_proxy_url: pulumi.Output[str]
    migration: aws.lambda_.Invocation
    rest_api_id: pulumi.Output[str]
    function_names: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: ApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Api", name, None, opts)
        self._name, self._args = name, args
        d = args.deployment
        specs = {s.key: s for s in fn.specs(args.api_handler_memory_mb, args.ai_proxy_memory_mb,
                                           quarantine=args.quarantine is not None)}
        self._layer = aws.lambda_.LayerVersion(
            f"{name}-secrets-layer",
            layer_name=f"{d.name}-secrets-wrapper",
            description="Resolves Braintrust secrets from Secrets Manager at cold start",
            code=secrets_layer.layer_archive(),
            compatible_runtimes=[fn.NODE, fn.PYTHON],
            compatible_architectures=[fn.ARM, fn.X86],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self._log_groups = {key: aws.cloudwatch.LogGroup(
            f"{name}-logs-{key}", name=fn.log_group_name(d.name, key), retention_in_days=args.log_retention_days,
            kms_key_id=args.key_arn, tags=d.tags_for(fn.log_group_name(d.name, key)),
            opts=pulumi.ResourceOptions(parent=self),
        ) for key in specs}

        # API Gateway exists before the functions: its integrations name the aliases by their ARN.
        ai_proxy_in_gateway = args.ai_proxy_route == "api_gateway"
        alias_arns = {edge.Target.API: self._alias_arn(fn.API_HANDLER),
                      edge.Target.AI_PROXY: self._alias_arn(fn.AI_PROXY)}
        rest_api, _stage = edge.build_gateway(name, edge.GatewayArgs(
            deployment=d, key_arn=args.key_arn, alias_arns=alias_arns,
            ai_proxy_in_gateway=ai_proxy_in_gateway,
            throttle_rate_limit=args.throttle_rate_limit, throttle_burst_limit=args.throttle_burst_limit,
            manage_account_logging_role=args.manage_account_logging_role,
            log_retention_days=args.gateway_log_retention_days,
        ), self)
        distribution_args = edge.DistributionArgs(
            deployment=d, rest_api=rest_api, price_class=args.price_class, minimum_tls=args.minimum_tls,
            origin_read_timeout_s=args.origin_read_timeout_s,
            custom_domain=args.custom_domain, certificate_arn=args.certificate_arn, waf_acl_arn=args.waf_acl_arn,
            ecs=args.ecs_origin)

        # 1. Migrations gate everything else.
        migrate = self._function(specs[fn.MIGRATE], {}, depends_on=[])
        migration = aws.lambda_.Invocation(
            f"{name}-run-migrations",
            function_name=migrate.name,
            qualifier=migrate.version,
            input=json.dumps({}),
            triggers={"version": migrate.version},  # a new function version runs the migrations again
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.migration = migration
        after_migration: list[pulumi.Resource] = [migration]

        # 2. AIProxy, then the URL the API (and Brainstore) use to reach it: its function URL, as upstream
        #    (CloudFront's AI proxy paths lead there too), or CloudFront's URL when API Gateway carries them.
        ai_proxy = self._function(specs[fn.AI_PROXY], {}, depends_on=after_migration)
        ai_proxy_alias = self._alias(fn.AI_PROXY, ai_proxy)
        if ai_proxy_in_gateway:
            distribution = edge.build_distribution(name, distribution_args, self)
            ai_proxy_url: pulumi.Output[str] = pulumi.Output.concat("https://", distribution.domain_name)
        else:
            function_url = self._function_url(ai_proxy, ai_proxy_alias)
            ai_proxy_url = function_url.function_url
            distribution = edge.build_distribution(
                name, replace(distribution_args, ai_proxy_function_url=function_url.function_url), self)
        aws.ssm.Parameter(
            f"{name}-ai-proxy-url", name=args.ai_proxy_url_parameter, type="String", insecure_value=ai_proxy_url,
            description="Where Brainstore reaches the AI proxy", tags=d.tags_for(args.ai_proxy_url_parameter),
            opts=pulumi.ResourceOptions(parent=self))

        # 3. The other functions.
        built = {fn.MIGRATE: migrate, fn.AI_PROXY: ai_proxy}
        for key in (fn.CATCHUP_ETL, fn.BILLING_CRON, fn.AUTOMATION_CRON):
            built[key] = self._function(specs[key], {}, depends_on=after_migration)
        api_only = {
            "AI_PROXY_FN_ARN": ai_proxy.arn,
            "AI_PROXY_FN_URL": ai_proxy_url,
            "AI_PROXY_INVOKE_ROLE": args.ai_proxy_invoke_role_arn,
            "CATCHUP_ETL_ARN": built[fn.CATCHUP_ETL].arn,
            **data_plane_flags(args.wal_footer_version, args.skip_pg_for_brainstore_objects),
            **args.url_security_env,  # SSRF protection for user-supplied URLs, as upstream sets it on APIHandler
        }
        api_handler = self._function(specs[fn.API_HANDLER], api_only, depends_on=after_migration)
        built[fn.API_HANDLER] = api_handler
        api_alias = self._alias(fn.API_HANDLER, api_handler)
        if fn.QUARANTINE_WARMUP in specs:
            warmup = self._function(specs[fn.QUARANTINE_WARMUP], {}, depends_on=after_migration)
            built[fn.QUARANTINE_WARMUP] = warmup
            # Pre-creates the quarantine runtimes whenever a new API version ships (as upstream).
            aws.lambda_.Invocation(
                f"{name}-warm-quarantine", function_name=warmup.name, input=json.dumps({}),
                triggers={"api_version": api_handler.version},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[warmup]))
        for key, spec in specs.items():
            if spec.schedule:
                self._schedule(spec, built[key])

        targets = {"api": (api_handler, api_alias)}
        if ai_proxy_in_gateway:
            targets["ai-proxy"] = (ai_proxy, ai_proxy_alias)
        for target, (function, alias) in targets.items():
            aws.lambda_.Permission(
                f"{name}-gateway-invokes-{target}", action="lambda:InvokeFunction", function=function.name,
                qualifier=alias.name, principal="apigateway.amazonaws.com",
                source_arn=pulumi.Output.concat(rest_api.execution_arn, "/*/*"),
                opts=pulumi.ResourceOptions(parent=self))

        self.ai_proxy_url = ai_proxy_url
        self.cloudfront_domain = distribution.domain_name
        self.api_url = (pulumi.Output.from_input(f"https://{args.custom_domain}") if args.custom_domain
                        else pulumi.Output.concat("https://", distribution.domain_name))
        self.rest_api_id = rest_api.id
        self.function_names = {key: f.name for key, f in built.items()}
        self.register_outputs({"api_url": self.api_url, "cloudfront_domain": self.cloudfront_domain})

    # ----- functions -----

    def _alias_arn(self, key: str) -> pulumi.Output[str]:
        d = self._args.deployment
        return pulumi.Output.concat(d.function_arn(fn.function_name(d.name, key)), f":{edge.ALIAS}")

    def _bundle_key(self, key: str) -> str:
        """The zip of ``key`` for the pinned release: Braintrust's pointer object, read over HTTPS (release.py)."""
        return release.bundle_key(key, self._args.release, self._args.deployment.region, self._args.fetch_pointer)

    def _function(self, spec: fn.FunctionSpec, specific: Mapping[str, pulumi.Input[str]],
                  depends_on: list[pulumi.Resource]) -> aws.lambda_.Function:
        a, d = self._args, self._args.deployment
        layers: list[pulumi.Input[str]] = [self._layer.arn]
        if spec.key in DUCKDB_FUNCTIONS:
            layers.append(DUCKDB_LAYER.format(region=d.region))
        return aws.lambda_.Function(
            f"{self._name}-{spec.key}",
            name=fn.function_name(d.name, spec.key),
            description=f"Braintrust {spec.key} ({a.release})",
            role=a.role_arns[spec.role],
            s3_bucket=fn.assets_bucket(d.region),
            s3_key=self._bundle_key(spec.key),
            handler=spec.handler,
            runtime=spec.runtime,
            architectures=[spec.architecture],
            memory_size=spec.memory_mb,
            timeout=spec.timeout_s,
            ephemeral_storage=aws.lambda_.FunctionEphemeralStorageArgs(size=spec.ephemeral_mb),
            reserved_concurrent_executions=a.reserved_concurrency if spec.key == fn.API_HANDLER else None,
            publish=True,
            kms_key_arn=a.key_arn,
            layers=layers,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=self._environment(spec, specific)),
            vpc_config=aws.lambda_.FunctionVpcConfigArgs(
                subnet_ids=a.subnet_ids, security_group_ids=[a.security_group_id]),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="Text", log_group=self._log_groups[spec.key].name),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="PassThrough"),
            tags=d.tags_for(fn.function_name(d.name, spec.key)),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[self._log_groups[spec.key], *a.wait_for, *depends_on]),
        )

    def _environment(self, spec: fn.FunctionSpec,
                     specific: Mapping[str, pulumi.Input[str]]) -> dict[str, pulumi.Input[str]]:
        """Plain settings only. Secrets appear as ARNs in BRAINTRUST_SECRET_ARNS."""
        a = self._args
        env: dict[str, pulumi.Input[str]] = {}
        if spec.serves_api:
            env.update(a.extra_env)  # ours below win: a user value cannot redirect data or secrets
            env.update({
                "PRIMARY_ORG_NAME": a.primary_org_name,
                "ALLOWED_ORG_IDS": ",".join(a.allowed_org_ids),
                "RESPONSE_BUCKET": a.responses_bucket,
                "CODE_BUNDLE_BUCKET": a.code_bundles_bucket,
                "WHITELISTED_ORIGINS": ",".join(a.whitelisted_origins),
                "OUTBOUND_RATE_LIMIT_MAX_REQUESTS": str(a.outbound_rate_limit_max_requests),
                "OUTBOUND_RATE_LIMIT_WINDOW_MINUTES": str(a.outbound_rate_limit_window_minutes),
            })
        if spec.names_deployment:
            env["BRAINTRUST_DEPLOYMENT_NAME"] = a.deployment.name
        if spec.key != fn.MIGRATE:
            env.update({"ORG_NAME": a.org_name, "REDIS_HOST": a.redis_host, "REDIS_PORT": str(a.redis_port)})
        if spec.brainstore:
            env.update(self._brainstore_settings(spec))
        if spec.quarantine:
            env.update(quarantine_settings(a.quarantine))
        if spec.telemetry:
            env.update({"CONTROL_PLANE_TELEMETRY": a.telemetry,
                        # Billing telemetry at upstream's defaults (upstream: change only if support asks).
                        "TELEMETRY_DISABLE_AGGREGATION": aws_facts.TELEMETRY_DISABLE_AGGREGATION,
                        "TELEMETRY_LOG_LEVEL": aws_facts.TELEMETRY_LOG_LEVEL})
        if spec.backfill and a.brainstore_etl_batch_size is not None:
            env["BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE"] = str(a.brainstore_etl_batch_size)
        if spec.runtime == fn.NODE:
            env["NODE_EXTRA_CA_CERTS"] = RDS_CA_BUNDLE  # lets sslmode=require verify the RDS certificate
        env.update(spec.flags)
        env.update(specific)
        env["AWS_LAMBDA_EXEC_WRAPPER"] = secrets_layer.WRAPPER
        env[secrets_layer.MAPPING_VARIABLE] = pulumi.Output.json_dumps(
            {secret.value: a.secret_arns[secret] for secret in spec.secrets})
        return env

    def _brainstore_settings(self, spec: fn.FunctionSpec) -> dict[str, pulumi.Input[str]]:
        a = self._args
        env: dict[str, pulumi.Input[str]] = {
            "BRAINSTORE_ENABLED": "true",
            "BRAINSTORE_URL": a.brainstore.reader,
            "BRAINSTORE_WRITER_URL": a.brainstore.writer or "",
            "BRAINSTORE_REALTIME_WAL_BUCKET": a.brainstore_bucket,
        }
        if spec.serves_api:
            env.update({"BRAINSTORE_DEFAULT": BRAINSTORE_DEFAULT, "BRAINSTORE_INSERT_ROW_REFS": "true"})
            if a.brainstore.fast_reader is not None:
                env["BRAINSTORE_FAST_READER_URL"] = a.brainstore.fast_reader
                env["BRAINSTORE_FAST_READER_QUERY_SOURCES"] = ",".join(FAST_READER_QUERY_SOURCES)
        if spec.key == fn.AUTOMATION_CRON:
            env["BRAINSTORE_BACKFILL_ENABLE_NONHISTORICAL"] = BRAINSTORE_DEFAULT
        return env

    def _alias(self, key: str, function: aws.lambda_.Function) -> aws.lambda_.Alias:
        """`live` follows each published version; provisioned concurrency and the API target it."""
        a = self._args
        alias = aws.lambda_.Alias(
            f"{self._name}-{key}-live", name=edge.ALIAS, function_name=function.name,
            function_version=function.version, opts=pulumi.ResourceOptions(parent=self))
        if a.provisioned_concurrency > 0:
            aws.lambda_.ProvisionedConcurrencyConfig(
                f"{self._name}-{key}-warm", function_name=function.name, qualifier=alias.name,
                provisioned_concurrent_executions=a.provisioned_concurrency,
                opts=pulumi.ResourceOptions(parent=self))
        return alias

    def _function_url(self, function: aws.lambda_.Function, alias: aws.lambda_.Alias) -> aws.lambda_.FunctionUrl:
        """AIProxy's function URL exactly as upstream configures it (facts: lambda-aiproxy.tf), on the `live`
        alias. Public like upstream's: CloudFront's origin access control would let it require IAM auth, but
        then every POST must carry the body's SHA-256 from the client, which the SDKs do not send."""
        contract = aws_facts.AI_PROXY_FUNCTION_URL
        url = aws.lambda_.FunctionUrl(
            f"{self._name}-ai-proxy-url", function_name=function.name, qualifier=alias.name,
            authorization_type=contract.auth_type, invoke_mode=contract.invoke_mode,
            cors=aws.lambda_.FunctionUrlCorsArgs(
                allow_origins=list(contract.allow_origins), allow_methods=list(contract.allow_methods),
                allow_credentials=contract.allow_credentials, allow_headers=list(contract.allow_headers),
                expose_headers=list(contract.expose_headers), max_age=contract.max_age_s),
            opts=pulumi.ResourceOptions(parent=self))
        # Lambda's authorisation model for a NONE URL wants both grants (upstream's pair).
        aws.lambda_.Permission(
            f"{self._name}-ai-proxy-url-public", action="lambda:InvokeFunctionUrl", function=function.name,
            qualifier=alias.name, principal="*", function_url_auth_type=contract.auth_type,
            opts=pulumi.ResourceOptions(parent=self))
        aws.lambda_.Permission(
            f"{self._name}-ai-proxy-url-invoke", action="lambda:InvokeFunction", function=function.name,
            qualifier=alias.name, principal="*", invoked_via_function_url=True,
            opts=pulumi.ResourceOptions(parent=self))
        return url

    def _schedule(self, spec: fn.FunctionSpec, function: aws.lambda_.Function) -> None:
        d = self._args.deployment
        rule = aws.cloudwatch.EventRule(
            f"{self._name}-{spec.key}-schedule", description=f"Runs {fn.function_name(d.name, spec.key)}",
            schedule_expression=spec.schedule, tags=d.tags_for(f"{fn.function_name(d.name, spec.key)}-schedule"),
            opts=pulumi.ResourceOptions(parent=self))
        aws.cloudwatch.EventTarget(
            f"{self._name}-{spec.key}-schedule", rule=rule.name, arn=function.arn,
            opts=pulumi.ResourceOptions(parent=self))
        aws.lambda_.Permission(
            f"{self._name}-{spec.key}-schedule", action="lambda:InvokeFunction", function=function.name,
            principal="events.amazonaws.com", source_arn=rule.arn, opts=pulumi.ResourceOptions(parent=self))
