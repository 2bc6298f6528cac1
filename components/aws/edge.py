"""How requests reach the API: CloudFront in front of API Gateway (REST, regional) and AIProxy, or, when the
API runs on ECS (aws.api.runtime: ecs), in front of the ECS services' internal ALB through a VPC origin.

Builders used by the Api component (resources are its children). Upstream allow-lists 121 paths on an
EDGE API; here a greedy proxy integration sends everything to APIHandler (it answers unknown paths with
404), with throttling, access logs (CMK) and metrics. The AI proxy paths go, as upstream, from CloudFront
to AIProxy's Lambda function URL (payload 2.0, response streaming); routing them through API Gateway
with a streaming integration instead is an opt-in that is unverified against the Braintrust runtime.

While the ECS API is built, its VPC origin is always one of the distribution's origins (as upstream's), so
switching the runtime only moves behaviours: the default one and the AI proxy and function paths (upstream's
``enable_ecs_api``). The API Gateway and AIProxy origins stay, so switching back is the same small update.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.facts import aws as aws_facts

from .context import Deployment
from .iam import service_role
from .policies import trust

STAGE = "api"
ALIAS = "live"
# AWS managed CloudFront policies (ids are global constants published by AWS).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
STREAM_TIMEOUT_MS = 900_000  # AIProxy runs up to 15 minutes; streaming integrations allow that


class Target(StrEnum):
    API = "api"  # APIHandler
    AI_PROXY = "ai-proxy"  # AIProxy (streaming)


# Paths CloudFront sends to the AI proxy (upstream's list); everything else is the API.
AI_PROXY_PATTERNS = aws_facts.AI_PROXY_PATHS
AiProxyRoute = Literal["function_url", "api_gateway"]


@dataclass(frozen=True)
class Route:
    path: str  # API Gateway resource path ("/" is the root)
    target: Target


def routes(ai_proxy_in_gateway: bool) -> list[Route]:
    """The resource tree. API Gateway picks the most specific resource, so each static branch that
    leads to the AI proxy gets its own greedy child back to the API."""
    out = [Route("/", Target.API), Route("/{proxy+}", Target.API)]
    if ai_proxy_in_gateway:
        out += [
            Route("/v1", Target.API), Route("/v1/{proxy+}", Target.API),
            Route("/v1/proxy", Target.AI_PROXY), Route("/v1/proxy/{proxy+}", Target.AI_PROXY),
            Route("/v1/eval", Target.AI_PROXY), Route("/v1/eval/{proxy+}", Target.AI_PROXY),
            Route("/v1/function", Target.API), Route("/v1/function/{id}", Target.API),
            Route("/v1/function/{id}/{proxy+}", Target.AI_PROXY),
            Route("/function", Target.API), Route("/function/{proxy+}", Target.AI_PROXY),
        ]
    return out


def integration_uri(region: str, alias_arn: pulumi.Input[str], streaming: bool) -> pulumi.Output[str]:
    if streaming:
        return pulumi.Output.concat(f"arn:aws:apigateway:{region}:lambda:path/2021-11-15/functions/", alias_arn,
                                    "/response-streaming-invocations")
    return pulumi.Output.concat(f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/", alias_arn,
                                "/invocations")


@dataclass(frozen=True)
class GatewayArgs:
    deployment: Deployment
    key_arn: pulumi.Input[str]
    alias_arns: Mapping[Target, pulumi.Input[str]]
    ai_proxy_in_gateway: bool
    throttle_rate_limit: float
    throttle_burst_limit: int
    manage_account_logging_role: bool
    log_retention_days: int


ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "time": "$context.requestTime",
    "method": "$context.httpMethod", "path": "$context.path", "resource": "$context.resourcePath",
    "status": "$context.status", "bytes": "$context.responseLength", "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency", "integrationStatus": "$context.integration.status",
    "userAgent": "$context.identity.userAgent",
}, separators=(",", ":"))


def build_gateway(name: str, args: GatewayArgs,
                  parent: pulumi.Resource) -> tuple[aws.apigateway.RestApi, aws.apigateway.Stage]:
    """REST API + routes + deployment + stage (throttled, access-logged). Integrations name the
    functions' `live` aliases by ARN, so the API can exist before the functions (CloudFront needs it)."""
    d = args.deployment
    child = pulumi.ResourceOptions(parent=parent)
    access_logs = aws.cloudwatch.LogGroup(
        f"{name}-access-logs", name=f"/braintrust/{d.name}/api-gateway", retention_in_days=args.log_retention_days,
        kms_key_id=args.key_arn, tags=d.tags_for(f"{d.name}-api-gateway"), opts=child)
    account_settings: list[pulumi.Resource] = []
    if args.manage_account_logging_role:
        role = service_role(
            f"{name}-cloudwatch", d, parent=parent, trust=trust("apigateway.amazonaws.com"),
            description="API Gateway writes access logs (region-wide account setting)",
            managed=["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"])
        # API Gateway checks the role's permissions when the setting is saved.
        account_settings.append(aws.apigateway.Account(
            f"{name}-account", cloudwatch_role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=parent, depends_on=role.ready)))

    rest_api = aws.apigateway.RestApi(
        f"{name}-rest",
        name=f"{d.name}-api",
        description=f"Braintrust data plane API ({d.name}); reached through CloudFront",
        endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
        # Bodies pass through untouched (attachments, gzip); APIHandler decodes base64 itself.
        binary_media_types=["*/*"],
        tags=d.tags_for(f"{d.name}-api"),
        opts=child,
    )
    table = routes(args.ai_proxy_in_gateway)
    resources: dict[str, pulumi.Input[str]] = {"/": rest_api.root_resource_id}
    wiring: list[pulumi.Resource] = []
    targets: list[pulumi.Output[str]] = []
    for route in sorted(table, key=lambda r: r.path.count("/")):
        if route.path != "/":
            parent_path, _, part = route.path.rpartition("/")
            resource = aws.apigateway.Resource(
                f"{name}-path{_slug(route.path)}", rest_api=rest_api.id, parent_id=resources[parent_path or "/"],
                path_part=part, opts=child)
            resources[route.path] = resource.id
        method = aws.apigateway.Method(
            f"{name}-any{_slug(route.path)}", rest_api=rest_api.id, resource_id=resources[route.path],
            http_method="ANY", authorization="NONE", opts=child)
        streaming = route.target is Target.AI_PROXY
        uri = integration_uri(d.region, args.alias_arns[route.target], streaming)
        integration = aws.apigateway.Integration(
            f"{name}-to{_slug(route.path)}",
            rest_api=rest_api.id, resource_id=resources[route.path], http_method=method.http_method,
            type="AWS_PROXY", integration_http_method="POST",
            uri=uri,
            response_transfer_mode="STREAM" if streaming else None,
            timeout_milliseconds=STREAM_TIMEOUT_MS if streaming else None,
            content_handling=None if streaming else "CONVERT_TO_TEXT",
            opts=child)
        wiring += [method, integration]
        targets.append(pulumi.Output.concat(route.path, " ", uri))

    deployment = aws.apigateway.Deployment(
        f"{name}-deployment", rest_api=rest_api.id, description="Braintrust API routes",
        # A new deployment (which the stage then serves) whenever a route or its target changes.
        triggers={"routes": pulumi.Output.all(*targets).apply(
            lambda lines: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest())},
        opts=pulumi.ResourceOptions(parent=parent, depends_on=wiring))
    stage = aws.apigateway.Stage(
        f"{name}-stage", rest_api=rest_api.id, deployment=deployment.id, stage_name=STAGE,
        access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
            destination_arn=access_logs.arn, format=ACCESS_LOG_FORMAT),
        xray_tracing_enabled=False,
        tags=d.tags_for(f"{d.name}-api-{STAGE}"),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=account_settings))
    aws.apigateway.MethodSettings(
        f"{name}-settings", rest_api=rest_api.id, stage_name=stage.stage_name, method_path="*/*",
        settings=aws.apigateway.MethodSettingsSettingsArgs(
            metrics_enabled=True, throttling_rate_limit=args.throttle_rate_limit,
            throttling_burst_limit=args.throttle_burst_limit,
            # Execution logs can contain request bodies (prompts, data): keep them off.
            logging_level="OFF", data_trace_enabled=False),
        opts=child)
    return rest_api, stage


def _slug(path: str) -> str:
    cleaned = path.replace("{proxy+}", "any").replace("{id}", "id").replace("/", "-")
    return cleaned.rstrip("-") if cleaned != "-" else "-root"


@dataclass(frozen=True)
class EcsOrigin:
    """The ECS API's internal ALB as a CloudFront VPC origin (see ecs_api.py)."""

    vpc_origin_id: pulumi.Input[str]
    domain: pulumi.Input[str]  # the ALB's DNS name, or the ALB's own domain when it serves HTTPS
    https: bool  # the ALB has a certificate: the VPC origin is https-only
    serves: bool  # aws.api.runtime is ecs: the switched behaviours target it


ECS_ORIGIN = "api-ecs"
FORWARDED_PROTO_POLICY = "forwarded-proto"


def forwarded_proto_policy(name: str, d: Deployment, parent: pulumi.Resource) -> aws.cloudfront.OriginRequestPolicy:
    """Every viewer header, cookie and query string plus CloudFront-Forwarded-Proto: over the HTTP VPC origin the
    ALB says the scheme was http, and this header tells the API the viewer used https (upstream's policy). It
    exists while the ECS API is built, attached or not: CloudFront refuses to delete a policy that a distribution
    update is still detaching."""
    return aws.cloudfront.OriginRequestPolicy(
        f"{name}-{FORWARDED_PROTO_POLICY}",
        name=f"{d.name}-all-viewer-with-forwarded-proto",
        comment="All viewer headers plus CloudFront-Forwarded-Proto (HTTP origin of the ECS API)",
        cookies_config=aws.cloudfront.OriginRequestPolicyCookiesConfigArgs(cookie_behavior="all"),
        headers_config=aws.cloudfront.OriginRequestPolicyHeadersConfigArgs(
            header_behavior="allViewerAndWhitelistCloudFront",
            headers=aws.cloudfront.OriginRequestPolicyHeadersConfigHeadersArgs(
                items=[aws_facts.CLOUDFRONT_FORWARDED_PROTO_HEADER])),
        query_strings_config=aws.cloudfront.OriginRequestPolicyQueryStringsConfigArgs(query_string_behavior="all"),
        opts=pulumi.ResourceOptions(parent=parent))


@dataclass(frozen=True)
class DistributionArgs:
    deployment: Deployment
    rest_api: aws.apigateway.RestApi
    price_class: str
    minimum_tls: str
    origin_read_timeout_s: int
    custom_domain: str | None = None
    certificate_arn: str | None = None
    waf_acl_arn: str | None = None
    ai_proxy_function_url: pulumi.Input[str] | None = None  # the AI proxy paths go there (default)
    ecs: EcsOrigin | None = None  # built with the ECS API


def build_distribution(name: str, args: DistributionArgs, parent: pulumi.Resource) -> aws.cloudfront.Distribution:
    """HTTPS only, caching disabled, optional custom domain (SNI, modern TLS minimum) and WAF."""
    d = args.deployment
    ecs = args.ecs
    api_origin = "api-gateway"
    custom_origin = aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
        origin_protocol_policy="https-only", origin_ssl_protocols=["TLSv1.2"], http_port=80, https_port=443,
        origin_read_timeout=args.origin_read_timeout_s, origin_keepalive_timeout=60)
    # The API builds absolute links (e.g. MCP redirects) from this header when a custom domain is used.
    domain_header = ([aws.cloudfront.DistributionOriginCustomHeaderArgs(name="X-CloudFront-Domain",
                                                                         value=args.custom_domain)]
                     if args.custom_domain else None)
    origins = [aws.cloudfront.DistributionOriginArgs(
        origin_id=api_origin,
        domain_name=pulumi.Output.concat(args.rest_api.id, f".execute-api.{d.region}.amazonaws.com"),
        origin_path=f"/{STAGE}", custom_origin_config=custom_origin, custom_headers=domain_header)]
    ordered: list[aws.cloudfront.DistributionOrderedCacheBehaviorArgs] = []
    default_origin: str = api_origin
    default_request_policy: pulumi.Input[str] = ALL_VIEWER_EXCEPT_HOST_HEADER
    proxy_origin, proxy_request_policy = "ai-proxy-function-url", default_request_policy
    if ecs is not None:
        policy = forwarded_proto_policy(name, d, parent)
        if ecs.serves:
            # Over HTTPS the ALB sets X-Forwarded-Proto itself, and forwarding the viewer's Host would make
            # CloudFront check the ALB's certificate against the viewer's host name (upstream's reasoning).
            ecs_policy: pulumi.Input[str] = ALL_VIEWER_EXCEPT_HOST_HEADER if ecs.https else policy.id
            default_origin, default_request_policy = ECS_ORIGIN, ecs_policy
            proxy_origin, proxy_request_policy = ECS_ORIGIN, ecs_policy
    if args.ai_proxy_function_url is not None:
        origins.append(aws.cloudfront.DistributionOriginArgs(
            origin_id="ai-proxy-function-url",
            domain_name=pulumi.Output.from_input(args.ai_proxy_function_url).apply(
                lambda url: url.removeprefix("https://").rstrip("/")),
            custom_origin_config=custom_origin))
        ordered = [aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
            path_pattern=pattern, target_origin_id=proxy_origin, viewer_protocol_policy="https-only",
            allowed_methods=ALL_METHODS, cached_methods=["GET", "HEAD", "OPTIONS"], cache_policy_id=CACHING_DISABLED,
            origin_request_policy_id=proxy_request_policy, compress=False,
        ) for pattern in AI_PROXY_PATTERNS]
    if ecs is not None:  # last, so the origins of a stack without ECS keep their places
        origins.append(aws.cloudfront.DistributionOriginArgs(
            origin_id=ECS_ORIGIN, domain_name=ecs.domain,
            vpc_origin_config=aws.cloudfront.DistributionOriginVpcOriginConfigArgs(
                vpc_origin_id=ecs.vpc_origin_id, origin_keepalive_timeout=60,
                origin_read_timeout=args.origin_read_timeout_s),
            custom_headers=domain_header))
    if args.certificate_arn:
        certificate = aws.cloudfront.DistributionViewerCertificateArgs(
            acm_certificate_arn=args.certificate_arn, ssl_support_method="sni-only",
            minimum_protocol_version=args.minimum_tls)
    else:
        certificate = aws.cloudfront.DistributionViewerCertificateArgs(cloudfront_default_certificate=True)
    return aws.cloudfront.Distribution(
        f"{name}-cdn",
        enabled=True,
        comment=f"Braintrust data plane {d.name}",
        http_version="http2and3",
        is_ipv6_enabled=True,
        price_class=args.price_class,
        aliases=[args.custom_domain] if args.custom_domain else None,
        web_acl_id=args.waf_acl_arn,
        origins=origins,
        default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
            target_origin_id=default_origin, viewer_protocol_policy="https-only", allowed_methods=ALL_METHODS,
            cached_methods=["GET", "HEAD", "OPTIONS"], cache_policy_id=CACHING_DISABLED,
            origin_request_policy_id=default_request_policy, compress=False),
        ordered_cache_behaviors=ordered or None,
        restrictions=aws.cloudfront.DistributionRestrictionsArgs(
            geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(restriction_type="none")),
        viewer_certificate=certificate,
        # The functions only need the domain name; CloudFront finishes propagating in the background.
        wait_for_deployment=False,
        tags=d.tags_for(f"{d.name}-api"),
        opts=pulumi.ResourceOptions(parent=parent),
    )
