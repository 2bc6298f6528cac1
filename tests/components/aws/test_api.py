"""The API tier: functions, their settings and secrets, migrations first, schedules, API Gateway, CloudFront."""

from __future__ import annotations

import json

import pytest

from components.aws import functions as fn
from components.aws.edge import routes
from components.config import ConfigError, DataPlaneConfig
from components.facts import aws as aws_facts
from tests.support.harness import Harness
from tests.support.stacks import build_stack, stack_config

from .conftest import aws_set, both, environment, function, user_data

FUNCTION = "aws:lambda/function:Function"
FUNCTION_URL = "https://abcdefghijklmnop.lambda-url.us-east-1.on.aws/"  # what the fakes answer
UPSTREAM_URL = aws_facts.AI_PROXY_FUNCTION_URL
ALL_KEYS = {fn.API_HANDLER, fn.AI_PROXY, fn.MIGRATE, fn.QUARANTINE_WARMUP, fn.CATCHUP_ETL, fn.BILLING_CRON,
            fn.AUTOMATION_CRON}


def test_the_functions_upstream_deploys(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    names = {f.inputs["name"] for f in stack.of_type(FUNCTION)}
    assert names == {f"{cfg.deployment_name}-{key}" for key in ALL_KEYS}
    for f in stack.of_type(FUNCTION):
        key = f.inputs["name"].removeprefix(f"{cfg.deployment_name}-")
        expected_arch = "x86_64" if key == fn.MIGRATE else "arm64"
        assert f.inputs["architectures"] == [expected_arch]
        assert f.inputs["s3Bucket"] == "braintrust-assets-us-east-1"
        assert f.inputs["s3Key"].startswith(f"lambda/{key}/versions/") and f.inputs["s3Key"].endswith(".zip")
        assert f.inputs["publish"] is True
        assert len(f.inputs["vpcConfig"]["subnetIds"]) == 3


def test_memory_and_concurrency_come_from_the_config(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    lam = cfg.aws_section.lambda_
    assert function(stack, fn.API_HANDLER).inputs["memorySize"] == lam.api_handler_memory_mb
    assert function(stack, fn.AI_PROXY).inputs["memorySize"] == lam.ai_proxy_memory_mb
    reserved = function(stack, fn.API_HANDLER).inputs.get("reservedConcurrentExecutions")
    assert reserved == lam.reserved_concurrency
    warm = stack.of_type("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")
    assert len(warm) == (2 if lam.provisioned_concurrency else 0)
    assert all(w.inputs["qualifier"] == "live" for w in warm)


def test_functions_log_to_groups_we_create(stack: Harness):
    groups = {g.inputs["name"]: g for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for f in stack.of_type(FUNCTION):
        target = f.inputs["loggingConfig"]["logGroup"]
        assert target == f"/braintrust/{f.inputs['name'].rsplit('-', 1)[0]}/{f.inputs['name']}"
        assert target in groups, f"{f.inputs['name']} logs to a group nobody created"
        deps = stack.registration(f.name, FUNCTION).dependencies
        assert any(d.endswith(groups[target].name) for d in deps), "function must wait for its log group"


def test_secrets_reach_functions_as_arns_resolved_by_the_wrapper(stack: Harness):
    layer = stack.one("aws:lambda/layerVersion:LayerVersion")
    for f in stack.of_type(FUNCTION):
        env = environment(f)
        assert env["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/braintrust/secrets-wrapper"
        mapping = json.loads(env["BRAINTRUST_SECRET_ARNS"])
        assert mapping and all(arn.startswith("arn:aws:secretsmanager:us-east-1:") for arn in mapping.values())
        assert not set(mapping) & set(env), "a secret name also has a plain value"
        assert any(layer.name in str(arn) or "secrets-wrapper" in str(arn) for arn in f.inputs["layers"])
    api = json.loads(environment(function(stack, fn.API_HANDLER))["BRAINTRUST_SECRET_ARNS"])
    assert set(api) == {"PG_URL", "REDIS_URL", "FUNCTION_SECRET_KEY", "SERVICE_TOKEN_SECRET_KEY",
                        "CRON_OVERRIDE_SECRET_KEY"}
    assert api["FUNCTION_SECRET_KEY"] == api["SERVICE_TOKEN_SECRET_KEY"]  # one signing key, as upstream
    assert set(json.loads(environment(function(stack, fn.MIGRATE))["BRAINTRUST_SECRET_ARNS"])) == {"PG_URL"}


def test_api_settings(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    env = environment(function(stack, fn.API_HANDLER))
    assert env["ORG_NAME"] == cfg.org.name
    assert env["ALLOWED_ORG_IDS"] == ",".join(str(i) for i in cfg.org.allowed_org_ids)
    assert env["BRAINSTORE_URL"].startswith("http://") and env["BRAINSTORE_URL"].endswith(":4000")
    assert (env["BRAINSTORE_WRITER_URL"] != "") is cfg.production
    assert env["CONTROL_PLANE_TELEMETRY"] == "status,metrics,usage"
    assert env["AI_PROXY_FN_URL"] == FUNCTION_URL  # as upstream: the API calls AIProxy's function URL
    assert env["NODE_EXTRA_CA_CERTS"] == "/var/runtime/ca-cert.pem"
    assert env["BRAINSTORE_WAL_FOOTER_VERSION"] == "v3" and env["SKIP_PG_FOR_BRAINSTORE_OBJECTS"] == "all"
    assert env["REDIS_PORT"] == "6379" and env["REDIS_HOST"].startswith("master.")
    assert env["QUARANTINE_PUB_PRIVATE_VPC_ID"].startswith("vpc-")


def test_telemetry_can_be_turned_off():
    h = build_stack("aws-staging", mutate=aws_set(".telemetry.enabled", False))
    assert environment(function(h, fn.API_HANDLER))["CONTROL_PLANE_TELEMETRY"] == ""
    assert environment(function(h, fn.BILLING_CRON))["CONTROL_PLANE_TELEMETRY"] == ""
    assert 'readonly TELEMETRY=""' in user_data(h.one("aws:ec2/launchTemplate:LaunchTemplate"))


def test_migrations_run_before_the_other_functions_update(stack: Harness):
    invocations = {r.name: r for r in stack.of_type("aws:lambda/invocation:Invocation")}
    migration = next(r for n, r in invocations.items() if n.endswith("-run-migrations"))
    migrate = function(stack, fn.MIGRATE)
    assert migration.inputs["functionName"] == migrate.inputs["name"]
    assert migration.inputs["qualifier"] == migration.inputs["triggers"]["version"]
    gate = stack.registration(migration.name, "aws:lambda/invocation:Invocation").urn
    for f in stack.of_type(FUNCTION):
        deps = stack.registration(f.name, FUNCTION).dependencies
        if f is migrate:
            assert gate not in deps
        else:
            assert gate in deps, f"{f.inputs['name']} may update before the migrations ran"


def test_quarantine_warmup_runs_on_each_api_version(stack: Harness):
    warm = next(r for r in stack.of_type("aws:lambda/invocation:Invocation") if r.name.endswith("-warm-quarantine"))
    assert warm.inputs["functionName"].endswith("-QuarantineWarmupFunction")
    assert warm.inputs["triggers"]["api_version"] == "7"  # APIHandler's published version (fake)


def test_crons_are_scheduled_by_eventbridge(stack: Harness):
    rules = {r.name.rsplit("-", 2)[-2]: r.inputs["scheduleExpression"]
             for r in stack.of_type("aws:cloudwatch/eventRule:EventRule")}
    assert rules == {fn.AUTOMATION_CRON: "rate(10 minutes)", fn.BILLING_CRON: "rate(5 minutes)",
                     fn.CATCHUP_ETL: "rate(10 minutes)"}
    permissions = [p for p in stack.of_type("aws:lambda/permission:Permission")
                   if p.inputs["principal"] == "events.amazonaws.com"]
    assert len(permissions) == 3 and all(p.inputs["sourceArn"].startswith("arn:aws:events:") for p in permissions)


def test_api_gateway_is_throttled_logged_and_reaches_the_live_aliases(
        stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    stage = stack.one("aws:apigateway/stage:Stage").inputs
    assert stage["stageName"] == "api"
    assert stage["accessLogSettings"]["destinationArn"].endswith(
        f":log-group:/braintrust/{cfg.deployment_name}/api-gateway")
    settings = stack.one("aws:apigateway/methodSettings:MethodSettings").inputs["settings"]
    assert settings["throttlingRateLimit"] == 1000 and settings["throttlingBurstLimit"] == 2000
    assert settings["metricsEnabled"] is True and settings["loggingLevel"] == "OFF"
    assert stack.one("aws:apigateway/restApi:RestApi").inputs["endpointConfiguration"]["types"] == "REGIONAL"
    integrations = stack.of_type("aws:apigateway/integration:Integration")
    assert len(integrations) == len(routes(ai_proxy_in_gateway=False))
    assert all(i.inputs["type"] == "AWS_PROXY" and i.inputs["uri"].endswith("-APIHandler:live/invocations")
               for i in integrations)
    gateway_permissions = [p for p in stack.of_type("aws:lambda/permission:Permission")
                           if p.inputs["principal"] == "apigateway.amazonaws.com"]
    assert [p.inputs["function"] for p in gateway_permissions] == [f"{cfg.deployment_name}-APIHandler"]
    assert gateway_permissions[0].inputs["qualifier"] == "live"
    assert stack.one("aws:apigateway/account:Account").inputs["cloudwatchRoleArn"].startswith("arn:aws:iam::")


def test_api_gateway_account_role_can_be_left_alone():
    h = build_stack("aws-staging", mutate=aws_set("api_gateway.manage_account_logging_role", False))
    assert not h.of_type("aws:apigateway/account:Account")


def test_cloudfront_is_https_only_uncached_and_uses_the_custom_domain(stack_and_config: tuple[Harness,
                                                                                             DataPlaneConfig]):
    stack, cfg = stack_and_config
    cdn = stack.one("aws:cloudfront/distribution:Distribution").inputs
    behavior = cdn["defaultCacheBehavior"]
    assert behavior["viewerProtocolPolicy"] == "https-only"
    assert behavior["cachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    origin = cdn["origins"][0]
    assert origin["customOriginConfig"]["originProtocolPolicy"] == "https-only"
    assert origin["domainName"].endswith(".execute-api.us-east-1.amazonaws.com") and origin["originPath"] == "/api"
    if cfg.ingress.custom_domain:
        assert cdn["aliases"] == [cfg.ingress.custom_domain]
        cert = cdn["viewerCertificate"]
        assert cert["acmCertificateArn"] == cfg.ingress.certificate
        # Upstream's default since "Make CloudFront minimum TLS version configurable (#338)"
        assert cert["minimumProtocolVersion"] == "TLSv1.3_2025" and cert["sslSupportMethod"] == "sni-only"
        assert origin["customHeaders"] == [{"name": "X-CloudFront-Domain", "value": cfg.ingress.custom_domain}]
    else:
        assert cdn["viewerCertificate"]["cloudfrontDefaultCertificate"] is True


def _read_timeouts(cdn: dict) -> set[int]:
    """Every origin's read timeout: custom origins and the ECS API's VPC origin alike."""
    return {(o.get("customOriginConfig") or o["vpcOriginConfig"])["originReadTimeout"] for o in cdn["origins"]}


def test_cloudfront_waits_for_origins_as_long_as_upstream_and_both_limits_are_configurable(stack: Harness):
    cdn = stack.one("aws:cloudfront/distribution:Distribution").inputs
    assert _read_timeouts(cdn) == {60}
    h = build_stack("aws-production", mutate=both(aws_set("cloudfront_origin_read_timeout_seconds", 180),
                                                  aws_set("cloudfront_minimum_tls", "TLSv1.2_2021")))
    cdn = h.one("aws:cloudfront/distribution:Distribution").inputs
    assert _read_timeouts(cdn) == {180} and len(cdn["origins"]) == 3  # the production example: ECS built warm
    assert cdn["viewerCertificate"]["minimumProtocolVersion"] == "TLSv1.2_2021"


def test_waf_acl_is_attached_when_configured():
    acl = "arn:aws:wafv2:us-east-1:444455556666:global/webacl/braintrust/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    h = build_stack("aws-production", mutate=aws_set(".ingress.waf_acl", acl))
    assert h.one("aws:cloudfront/distribution:Distribution").inputs["webAclId"] == acl


def test_api_deployment_changes_with_its_routes(staging: Harness):
    """The stage serves a deployment; a route or target change must create a new one."""
    trigger = staging.one("aws:apigateway/deployment:Deployment").inputs["triggers"]["routes"]
    other = build_stack("aws-staging", mutate=aws_set("ai_proxy_route", "api_gateway"))
    assert len(trigger) == 64
    assert other.one("aws:apigateway/deployment:Deployment").inputs["triggers"]["routes"] != trigger


def test_ai_proxy_paths_reach_upstreams_function_url_by_default(stack: Harness):
    """Upstream's topology: CloudFront sends the AI proxy paths to AIProxy's function URL (payload 2.0,
    response streaming), whose CORS configuration answers the browser, x-stainless-* headers included."""
    url = stack.one("aws:lambda/functionUrl:FunctionUrl").inputs
    assert url["functionName"].endswith("-AIProxy") and url["qualifier"] == "live"
    assert (url["authorizationType"], url["invokeMode"]) == (UPSTREAM_URL.auth_type, "RESPONSE_STREAM")
    cors = url["cors"]
    assert tuple(cors["allowHeaders"]) == UPSTREAM_URL.allow_headers
    assert {"x-stainless-os", "x-stainless-arch", "x-bt-use-gateway"} <= set(cors["allowHeaders"])
    assert tuple(cors["exposeHeaders"]) == UPSTREAM_URL.expose_headers
    assert (tuple(cors["allowOrigins"]), tuple(cors["allowMethods"]), cors["allowCredentials"], cors["maxAge"]) == (
        UPSTREAM_URL.allow_origins, UPSTREAM_URL.allow_methods, True, UPSTREAM_URL.max_age_s)
    public = [p for p in stack.of_type("aws:lambda/permission:Permission") if p.inputs["principal"] == "*"]
    assert sorted(p.inputs["action"] for p in public) == sorted(aws_facts.AI_PROXY_URL_PERMISSIONS)
    assert all(p.inputs["qualifier"] == "live" for p in public)
    assert next(p for p in public if p.inputs["action"] == "lambda:InvokeFunction").inputs["invokedViaFunctionUrl"]

    cdn = stack.one("aws:cloudfront/distribution:Distribution").inputs
    behaviors = cdn["orderedCacheBehaviors"]
    assert tuple(b["pathPattern"] for b in behaviors) == aws_facts.AI_PROXY_PATHS
    origin = next(o for o in cdn["origins"] if o["originId"] == behaviors[0]["targetOriginId"])
    assert origin["domainName"] == "abcdefghijklmnop.lambda-url.us-east-1.on.aws"
    assert origin["customOriginConfig"]["originProtocolPolicy"] == "https-only"
    for b in behaviors:
        assert b["targetOriginId"] == origin["originId"] and b["viewerProtocolPolicy"] == "https-only"
        assert b["cachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
        assert b["originRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AllViewerExceptHostHeader
    # The API and Brainstore reach AIProxy at its URL, as upstream.
    assert environment(function(stack, fn.API_HANDLER))["AI_PROXY_FN_URL"] == FUNCTION_URL
    [parameter] = [p for p in stack.of_type("aws:ssm/parameter:Parameter")
                   if p.inputs["name"].endswith("/ai-proxy-url")]
    assert parameter.inputs["insecureValue"] == FUNCTION_URL


def test_routing_the_ai_proxy_through_api_gateway_is_an_opt_in():
    h = build_stack("aws-staging", mutate=aws_set("ai_proxy_route", "api_gateway"))
    assert not h.of_type("aws:lambda/functionUrl:FunctionUrl")
    assert not [p for p in h.of_type("aws:lambda/permission:Permission") if p.inputs["principal"] == "*"]
    assert not h.one("aws:cloudfront/distribution:Distribution").inputs.get("orderedCacheBehaviors")
    integrations = h.of_type("aws:apigateway/integration:Integration")
    assert len(integrations) == len(routes(ai_proxy_in_gateway=True))
    streaming = [i for i in integrations if "AIProxy" in i.inputs["uri"]]
    assert streaming and all(i.inputs["uri"].endswith("-AIProxy:live/response-streaming-invocations")
                             and i.inputs["responseTransferMode"] == "STREAM" for i in streaming)
    cloudfront = f"https://{h.outputs['cloudfront_domain_name']}"
    assert environment(function(h, fn.API_HANDLER))["AI_PROXY_FN_URL"] == cloudfront
    assert h.one("aws:ssm/parameter:Parameter").inputs["insecureValue"] == cloudfront


def test_the_replaced_opt_in_key_names_its_successor():
    with pytest.raises(ConfigError) as error:
        stack_config("aws-staging", mutate=aws_set("expose_ai_proxy_function_url", True))
    [problem] = [p for p in error.value.problems if p.path == "aws"]
    assert "aws.ai_proxy_route" in problem.message and "function_url" in problem.message


def test_private_only_ingress_is_refused_on_aws():
    # Refused at config time, before any resource (the data plane re-checks it as a second line).
    with pytest.raises(ConfigError, match=r"ingress\.private_only: is not available on AWS"):
        build_stack("aws-staging", mutate=aws_set(".ingress.private_only", True))
