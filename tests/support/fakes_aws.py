"""AWS fakes: realistic outputs and data-source results for the AWS provider."""

from __future__ import annotations

import hashlib
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

from components.aws import release

from .fakes import AWS_ACCOUNT, invoke, output


def _digits(text: str, n: int) -> str:
    """Deterministic pseudo-id digits (Python's hash() changes between runs)."""
    return str(int(hashlib.sha256(text.encode()).hexdigest(), 16))[:n]


def _hex(text: str, n: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def fake_id(prefix: str, resource_name: str) -> str:
    """The id the fakes give a VPC, subnet or security group named ``resource_name`` (e.g. subnet-1a2b...)."""
    return f"{prefix}-{_hex(resource_name, 12)}"


@invoke("aws:index/getAvailabilityZones:getAvailabilityZones")
def _azs(args: MockCallArgs, region: str) -> dict[str, Any]:
    names = [f"{region}{z}" for z in "abcdef"]
    return {"names": names, "zoneIds": [f"use1-az{i}" for i in range(1, 7)], "id": region}


@invoke("aws:index/getCallerIdentity:getCallerIdentity")
def _caller(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"accountId": AWS_ACCOUNT, "arn": f"arn:aws:iam::{AWS_ACCOUNT}:role/deployer", "userId": "AIDEXAMPLE",
            "id": AWS_ACCOUNT}


@invoke("aws:index/getRegion:getRegion")
def _region(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region}


@invoke("aws:index/getPartition:getPartition")
def _partition(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": "aws"}


@output("aws:kms/key:Key")
def _kms_key(args: MockResourceArgs, region: str) -> dict[str, Any]:
    key_id = f"{_hex(args.name, 8)}-0000-4000-8000-000000000000"
    return {"id": key_id, "keyId": key_id, "arn": f"arn:aws:kms:{region}:{AWS_ACCOUNT}:key/{key_id}"}


@output("aws:kms/alias:Alias")
def _kms_alias(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("name", f"alias/{args.name}")
    return {"arn": f"arn:aws:kms:{region}:{AWS_ACCOUNT}:{name}"}


# ----- data plane resources whose computed outputs the program reads -----

def _arn(service: str, region: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{AWS_ACCOUNT}:{resource}"


# Braintrust's pointer objects, https://braintrust-assets-<region>.s3.<region>.amazonaws.com/lambda/<Function>/
# version-<tag>, hold the key of the function's zip. The program reads them over HTTPS
# (components/aws/release.py); tests never touch the network: this fake answers every read.
def fake_release_pointer(url: str) -> str:
    function = url.split("/lambda/", 1)[1].split("/", maxsplit=1)[0]
    return f"lambda/{function}/versions/0123456789abcdef{_digits(url, 8)}.zip\n"


release.install_fetcher(fake_release_pointer)


@output("aws:s3/bucket:Bucket")
def _bucket(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("bucket") or args.name
    return {"id": name, "bucket": name, "arn": f"arn:aws:s3:::{name}"}


@output("aws:secretsmanager/secret:Secret")
def _secret(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"arn": _arn("secretsmanager", region, f"secret:{args.name}-AbCdEf")}


@output("aws:iam/role:Role")
def _role(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("name") or f"{args.name}-1a2b3c4"
    return {"name": name, "arn": f"arn:aws:iam::{AWS_ACCOUNT}:role/{name}"}


@output("aws:iam/instanceProfile:InstanceProfile")
def _instance_profile(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:iam::{AWS_ACCOUNT}:instance-profile/{args.name}"}


@output("aws:ec2/vpc:Vpc")
def _vpc(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": fake_id("vpc", args.name)}


@output("aws:ec2/subnet:Subnet")
def _subnet(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": fake_id("subnet", args.name)}


@output("aws:ec2/securityGroup:SecurityGroup")
def _security_group(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": fake_id("sg", args.name)}


@output("aws:rds/instance:Instance")
def _rds(args: MockResourceArgs, region: str) -> dict[str, Any]:
    identifier = args.inputs.get("identifier", args.name)
    return {"address": f"{identifier}.cabcdefghijk.{region}.rds.amazonaws.com", "port": 5432,
            "arn": _arn("rds", region, f"db:{identifier}")}


@output("aws:elasticache/replicationGroup:ReplicationGroup")
def _redis(args: MockResourceArgs, region: str) -> dict[str, Any]:
    group = args.inputs.get("replicationGroupId", args.name)
    nodes = int(args.inputs.get("numCacheClusters") or 1)
    return {"primaryEndpointAddress": f"master.{group}.abcdef.use1.cache.amazonaws.com",
            "arn": _arn("elasticache", region, f"replicationgroup:{group}"),
            "memberClusters": [f"{group}-{i:03d}" for i in range(nodes, 0, -1)]}


@output("aws:lb/loadBalancer:LoadBalancer")
def _load_balancer(args: MockResourceArgs, region: str) -> dict[str, Any]:
    if args.inputs.get("loadBalancerType") == "application":  # ALB DNS names: internal-<name>-<id>.<region>.elb...
        name = args.inputs.get("name") or args.name
        suffix = f"app/{name}/0123456789abcdef"
        return {"dnsName": f"internal-{name}-0123456789.{region}.elb.amazonaws.com",
                "arn": _arn("elasticloadbalancing", region, f"loadbalancer/{suffix}"), "arnSuffix": suffix}
    suffix = f"net/{args.name}/0123456789abcdef"
    return {"dnsName": f"{args.name}-0123456789.elb.{region}.amazonaws.com",
            "arn": _arn("elasticloadbalancing", region, f"loadbalancer/{suffix}"), "arnSuffix": suffix}


@output("aws:lb/targetGroup:TargetGroup")
def _target_group(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("name") or args.name
    return {"arn": _arn("elasticloadbalancing", region, f"targetgroup/{name}/0123456789abcdef"),
            "arnSuffix": f"targetgroup/{name}/0123456789abcdef"}


@output("aws:sns/topic:Topic")
def _topic(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"arn": _arn("sns", region, str(args.inputs.get("name", args.name)))}


@output("aws:lb/listener:Listener")
def _listener(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"arn": _arn("elasticloadbalancing", region, f"listener/app/{args.name}/0123456789abcdef/fedcba98")}


@invoke("aws:ec2/getManagedPrefixList:getManagedPrefixList")
def _prefix_list(args: MockCallArgs, region: str) -> dict[str, Any]:
    name = args.args.get("name", "")
    return {"id": f"pl-{_hex(name, 8)}", "name": name, "arn": _arn("ec2", region, f"prefix-list/pl-{_hex(name, 8)}"),
            "addressFamily": "IPv4", "maxEntries": 55, "entries": [], "ownerId": "AWS", "version": 1, "tags": {}}


@output("aws:ecs/cluster:Cluster")
def _ecs_cluster(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("name") or args.name
    return {"name": name, "arn": _arn("ecs", region, f"cluster/{name}")}


@output("aws:ecs/taskDefinition:TaskDefinition")
def _task_definition(args: MockResourceArgs, region: str) -> dict[str, Any]:
    family = args.inputs.get("family") or args.name
    return {"arn": _arn("ecs", region, f"task-definition/{family}:1"), "revision": 1}


@output("aws:ecs/service:Service")
def _ecs_service(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("name") or args.name
    return {"id": _arn("ecs", region, f"service/{name}"), "name": name}


@output("aws:appautoscaling/policy:Policy")
def _scaling_policy(args: MockResourceArgs, region: str) -> dict[str, Any]:
    # AWS's shape (application-autoscaling's PutScalingPolicy example): policy id, scalable resource, name.
    name = args.inputs.get("name") or args.name
    policy_id = f"{_hex(args.name, 8)}-0000-4000-8000-000000000000"
    return {"arn": _arn("autoscaling", region, f"scalingPolicy:{policy_id}:resource/{args.inputs.get('resourceId')}"
                                                f":policyName/{name}")}


@output("aws:cloudfront/vpcOrigin:VpcOrigin")
def _vpc_origin(args: MockResourceArgs, region: str) -> dict[str, Any]:
    origin_id = f"vo_{_hex(args.name, 20)}"
    return {"id": origin_id, "arn": f"arn:aws:cloudfront::{AWS_ACCOUNT}:vpcorigin/{origin_id}"}


@output("aws:cloudfront/originRequestPolicy:OriginRequestPolicy")
def _origin_request_policy(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": f"{_hex(args.name, 8)}-0000-4000-8000-000000000000"}


@output("aws:ssm/parameter:Parameter")
def _ssm_parameter(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"version": 3, "arn": _arn("ssm", region, f"parameter{args.inputs.get('name', args.name)}")}


@output("aws:ec2/launchTemplate:LaunchTemplate")
def _launch_template(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": f"lt-{_hex(args.name, 12)}", "latestVersion": 1}


@output("aws:lambda/function:Function")
def _function(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("name", args.name)
    arn = _arn("lambda", region, f"function:{name}")
    return {"arn": arn, "version": "7", "qualifiedArn": f"{arn}:7",
            "invokeArn": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"}


@output("aws:lambda/layerVersion:LayerVersion")
def _layer(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("layerName", args.name)
    return {"arn": _arn("lambda", region, f"layer:{name}:3"), "version": "3"}


@output("aws:lambda/functionUrl:FunctionUrl")
def _function_url(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"functionUrl": f"https://abcdefghijklmnop.lambda-url.{region}.on.aws/"}


@output("aws:apigateway/restApi:RestApi")
def _rest_api(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"id": "a1b2c3d4e5", "rootResourceId": "root123456",
            "executionArn": _arn("execute-api", region, "a1b2c3d4e5")}


@output("aws:cloudfront/distribution:Distribution")
def _distribution(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"domainName": "d1234abcdef8.cloudfront.net", "arn": f"arn:aws:cloudfront::{AWS_ACCOUNT}:distribution/E1"}


@output("aws:cloudwatch/logGroup:LogGroup")
def _log_group(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("name", args.name)
    return {"arn": _arn("logs", region, f"log-group:{name}")}


@output("aws:cloudwatch/eventRule:EventRule")
def _event_rule(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"arn": _arn("events", region, f"rule/{args.name}")}


# Generated secrets get distinctive values, so tests can prove none of them leaks into a plain input.
GENERATED_PREFIX = "GENERATED-SECRET-"


@output("random:index/randomPassword:RandomPassword")
def _random_password(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"result": f"{GENERATED_PREFIX}{args.name}"}


@output("random:index/randomId:RandomId")
def _random_id(args: MockResourceArgs, region: str) -> dict[str, Any]:
    return {"hex": "0a1b2c3d", "b64Url": "CgsMDQ"}
