"""Enum-valued AWS properties against the enum shapes of botocore's service models (the API's own
definition) or, where the API types a field as a bare number/string, CloudFormation's registry schema for the
stack's region (cfn-lint ships it). The table maps pulumi-aws input paths to those shapes explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from components.config import Cloud
from tests.support.stacks import FIXED_TODAY

from . import models
from .built import built, leaves, stacks_of, values_at

AWS = stacks_of(Cloud.AWS)


@dataclass(frozen=True)
class Botocore:
    service: str
    shape: str

    def allowed(self, region: str) -> tuple[Any, ...]:
        return models.botocore_enum(self.service, self.shape)


@dataclass(frozen=True)
class Cfn:
    cfn_type: str
    prop: str

    def allowed(self, region: str) -> tuple[Any, ...]:
        schema = models.cfn_resource_schema(region, self.cfn_type)["properties"][self.prop]
        return tuple(schema["enum"])


_CF = "aws:cloudfront/distribution:Distribution"
_LT = "aws:ec2/launchTemplate:LaunchTemplate"
_RG = "aws:elasticache/replicationGroup:ReplicationGroup"
_LF = "aws:lambda/function:Function"
_TG = "aws:lb/targetGroup:TargetGroup"
_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
_TD = "aws:ecs/taskDefinition:TaskDefinition"
_SVC = "aws:ecs/service:Service"
_POLICY = "aws:appautoscaling/policy:Policy"
_TRACK = "targetTrackingScalingPolicyConfiguration"
_STEP = "stepScalingPolicyConfiguration"
_ORP = "aws:cloudfront/originRequestPolicy:OriginRequestPolicy"
_VO = "aws:cloudfront/vpcOrigin:VpcOrigin"

# (pulumi type, input path in leaves() notation) -> where the allowed values are published.
TABLE: dict[tuple[str, str], Botocore | Cfn] = {
    (_CF, "viewerCertificate.minimumProtocolVersion"): Botocore("cloudfront", "MinimumProtocolVersion"),
    (_CF, "viewerCertificate.sslSupportMethod"): Botocore("cloudfront", "SSLSupportMethod"),
    (_CF, "defaultCacheBehavior.viewerProtocolPolicy"): Botocore("cloudfront", "ViewerProtocolPolicy"),
    (_CF, "defaultCacheBehavior.allowedMethods[]"): Botocore("cloudfront", "Method"),
    (_CF, "defaultCacheBehavior.cachedMethods[]"): Botocore("cloudfront", "Method"),
    (_CF, "priceClass"): Botocore("cloudfront", "PriceClass"),
    (_CF, "httpVersion"): Botocore("cloudfront", "HttpVersion"),
    (_CF, "origins[].customOriginConfig.originProtocolPolicy"): Botocore("cloudfront", "OriginProtocolPolicy"),
    (_CF, "origins[].customOriginConfig.originSslProtocols[]"): Botocore("cloudfront", "SslProtocol"),
    (_CF, "restrictions.geoRestriction.restrictionType"): Botocore("cloudfront", "GeoRestrictionType"),
    (_LF, "runtime"): Botocore("lambda", "Runtime"),
    (_LF, "architectures[]"): Botocore("lambda", "Architecture"),
    (_LF, "tracingConfig.mode"): Botocore("lambda", "TracingMode"),
    (_LF, "loggingConfig.logFormat"): Botocore("lambda", "LogFormat"),
    ("aws:lambda/layerVersion:LayerVersion", "compatibleRuntimes[]"): Botocore("lambda", "Runtime"),
    ("aws:lambda/layerVersion:LayerVersion", "compatibleArchitectures[]"): Botocore("lambda", "Architecture"),
    ("aws:cloudwatch/logGroup:LogGroup", "retentionInDays"): Cfn("AWS::Logs::LogGroup", "RetentionInDays"),
    (_RG, "transitEncryptionMode"): Botocore("elasticache", "TransitEncryptionMode"),
    (_RG, "authTokenUpdateStrategy"): Botocore("elasticache", "AuthTokenUpdateStrategyType"),
    (_RG, "logDeliveryConfigurations[].logType"): Botocore("elasticache", "LogType"),
    (_RG, "logDeliveryConfigurations[].destinationType"): Botocore("elasticache", "DestinationType"),
    (_RG, "logDeliveryConfigurations[].logFormat"): Botocore("elasticache", "LogFormat"),
    (_LT, "metadataOptions.httpTokens"): Botocore("ec2", "LaunchTemplateHttpTokensState"),
    (_LT, "metadataOptions.httpEndpoint"): Botocore("ec2", "LaunchTemplateInstanceMetadataEndpointState"),
    (_LT, "metadataOptions.instanceMetadataTags"): Botocore("ec2", "LaunchTemplateInstanceMetadataTagsState"),
    (_LT, "blockDeviceMappings[].ebs.volumeType"): Botocore("ec2", "VolumeType"),
    (_LT, "tagSpecifications[].resourceType"): Botocore("ec2", "ResourceType"),
    ("aws:ec2/flowLog:FlowLog", "trafficType"): Botocore("ec2", "TrafficType"),
    ("aws:ec2/flowLog:FlowLog", "logDestinationType"): Botocore("ec2", "LogDestinationType"),
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "vpcEndpointType"): Botocore("ec2", "VpcEndpointType"),
    ("aws:ec2/eip:Eip", "domain"): Botocore("ec2", "DomainType"),
    (_TG, "protocol"): Botocore("elbv2", "ProtocolEnum"),
    (_TG, "healthCheck.protocol"): Botocore("elbv2", "ProtocolEnum"),
    (_TG, "targetType"): Botocore("elbv2", "TargetTypeEnum"),
    ("aws:lb/loadBalancer:LoadBalancer", "loadBalancerType"): Botocore("elbv2", "LoadBalancerTypeEnum"),
    ("aws:lb/listener:Listener", "protocol"): Botocore("elbv2", "ProtocolEnum"),
    ("aws:lb/listener:Listener", "defaultActions[].type"): Botocore("elbv2", "ActionTypeEnum"),
    ("aws:autoscaling/group:Group", "instanceRefresh.strategy"): Botocore("autoscaling", "RefreshStrategy"),
    ("aws:apigateway/integration:Integration", "type"): Botocore("apigateway", "IntegrationType"),
    ("aws:apigateway/integration:Integration", "contentHandling"): Botocore("apigateway", "ContentHandlingStrategy"),
    ("aws:apigateway/integration:Integration", "responseTransferMode"):
        Botocore("apigateway", "ResponseTransferMode"),
    ("aws:apigateway/restApi:RestApi", "endpointConfiguration.types"): Botocore("apigateway", "EndpointType"),
    ("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "rule.objectOwnership"):
        Botocore("s3", "ObjectOwnership"),
    ("aws:s3/bucketVersioning:BucketVersioning", "versioningConfiguration.status"):
        Botocore("s3", "BucketVersioningStatus"),
    ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "rules[].status"):
        Botocore("s3", "ExpirationStatus"),
    ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
     "rules[].applyServerSideEncryptionByDefault.sseAlgorithm"): Botocore("s3", "ServerSideEncryption"),
    ("aws:ssm/parameter:Parameter", "type"): Botocore("ssm", "ParameterType"),
    (_ALARM, "comparisonOperator"): Botocore("cloudwatch", "ComparisonOperator"),
    (_ALARM, "statistic"): Botocore("cloudwatch", "Statistic"),
    (_ALARM, "metricQueries[].metric.stat"): Botocore("cloudwatch", "Statistic"),
    (_ALARM, "treatMissingData"): Cfn("AWS::CloudWatch::Alarm", "TreatMissingData"),
    # the API on ECS (aws.api): cluster, task definitions, services, autoscaling, alarms, ALB, VPC origin
    ("aws:ecs/cluster:Cluster", "settings[].name"): Botocore("ecs", "ClusterSettingName"),
    ("aws:ecs/cluster:Cluster", "configuration.executeCommandConfiguration.logging"):
        Botocore("ecs", "ExecuteCommandLogging"),
    (_TD, "requiresCompatibilities[]"): Botocore("ecs", "Compatibility"),
    (_TD, "networkMode"): Botocore("ecs", "NetworkMode"),
    (_TD, "runtimePlatform.operatingSystemFamily"): Botocore("ecs", "OSFamily"),
    (_TD, "runtimePlatform.cpuArchitecture"): Botocore("ecs", "CPUArchitecture"),
    (_SVC, "launchType"): Botocore("ecs", "LaunchType"),
    (_SVC, "propagateTags"): Botocore("ecs", "PropagateTags"),
    ("aws:appautoscaling/target:Target", "scalableDimension"): Botocore("application-autoscaling", "ScalableDimension"),
    ("aws:appautoscaling/target:Target", "serviceNamespace"): Botocore("application-autoscaling", "ServiceNamespace"),
    (_POLICY, "policyType"): Botocore("application-autoscaling", "PolicyType"),
    (_POLICY, f"{_TRACK}.predefinedMetricSpecification.predefinedMetricType"):
        Botocore("application-autoscaling", "MetricType"),
    (_POLICY, f"{_TRACK}.customizedMetricSpecification.statistic"):
        Botocore("application-autoscaling", "MetricStatistic"),
    (_POLICY, f"{_STEP}.adjustmentType"): Botocore("application-autoscaling", "AdjustmentType"),
    (_POLICY, f"{_STEP}.metricAggregationType"): Botocore("application-autoscaling", "MetricAggregationType"),
    ("aws:lb/listenerRule:ListenerRule", "actions[].type"): Botocore("elbv2", "ActionTypeEnum"),
    (_VO, "vpcOriginEndpointConfig.originProtocolPolicy"): Botocore("cloudfront", "OriginProtocolPolicy"),
    (_VO, "vpcOriginEndpointConfig.originSslProtocols.items[]"): Botocore("cloudfront", "SslProtocol"),
    (_ORP, "cookiesConfig.cookieBehavior"): Botocore("cloudfront", "OriginRequestPolicyCookieBehavior"),
    (_ORP, "headersConfig.headerBehavior"): Botocore("cloudfront", "OriginRequestPolicyHeaderBehavior"),
    (_ORP, "queryStringsConfig.queryStringBehavior"): Botocore("cloudfront", "OriginRequestPolicyQueryStringBehavior"),
}
ROWS = sorted(TABLE)


def _member(value: Any, allowed: tuple[Any, ...]) -> bool:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value in allowed


def _violations(stack: str, typ: str, path: str) -> list[str]:
    st = built(stack)
    allowed = TABLE[(typ, path)].allowed(st.region)
    return [f"{r.name}: {path}={v!r} not in {TABLE[(typ, path)]}"
            for r in st.of_type(typ) for v in values_at(r.inputs, path) if not _member(v, allowed)]


@pytest.mark.parametrize("stack", AWS)
@pytest.mark.parametrize(("typ", "path"), ROWS, ids=[f"{t.split(':')[1]}.{p}" for t, p in ROWS])
def test_enum_valued_property_is_a_member(stack: str, typ: str, path: str):
    assert not _violations(stack, typ, path)


def test_every_row_of_the_table_is_used():
    """A row that matches no value (a typo in its path) would check nothing."""
    used = {(r.typ, path) for s in AWS for r in built(s).resources for path, _ in leaves(r.inputs)}
    assert [row for row in ROWS if row not in used] == []


@pytest.mark.parametrize("stack", AWS)
def test_lambda_runtimes_are_not_deprecated(stack: str):
    """cfn-lint's Lambda runtime lifecycle (AWS's deprecation calendar), judged on the suite's fixed day."""
    lifecycle = models.lambda_runtime_lifecycle()
    runtimes = {r.inputs["runtime"] for r in built(stack).of_type("aws:lambda/function:Function")}
    assert runtimes
    for runtime in runtimes:
        assert runtime in lifecycle, runtime
        assert lifecycle[runtime]["deprecated"] > FIXED_TODAY.isoformat(), (runtime, lifecycle[runtime])


def test_a_non_member_is_caught():
    assert not _member("TLSv1.2_2099", Botocore("cloudfront", "MinimumProtocolVersion").allowed("us-east-1"))
    assert _member(90.0, Cfn("AWS::Logs::LogGroup", "RetentionInDays").allowed("us-east-1"))
    assert not _member(91.0, Cfn("AWS::Logs::LogGroup", "RetentionInDays").allowed("us-east-1"))
