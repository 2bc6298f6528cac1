"""The API on ECS Fargate, per shape (lambda, lambda + warm ECS, ECS serving) on both sizes: what is built, how
big, how it is reached, what it is told, and that switching back to Lambda is one key."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockResourceArgs

from components.aws import ecs_api
from components.aws import functions as fn
from components.aws.edge import ALL_VIEWER_EXCEPT_HOST_HEADER, ECS_ORIGIN
from components.config import ConfigError, DataPlaneConfig
from components.facts import aws as aws_facts
from components.sizing import presets
from policy.rules.common import plaintext_secret
from tests.support.fakes_aws import GENERATED_PREFIX, fake_id
from tests.support.harness import Harness, depends_transitively
from tests.support.stacks import STAND_INS, build_stack, stack_config

from .conftest import Mutation, aws_set, both, environment, function, statements, user_data

SHAPES = {"lambda": {"runtime": "lambda", "ecs_warm": False},
          "warm": {"runtime": "lambda", "ecs_warm": True},
          "ecs": {"runtime": "ecs", "ecs_warm": True}}
SIZES = ("aws-staging", "aws-production")
CASES = [(stack, shape) for stack in SIZES for shape in SHAPES]
BUILT = [(stack, shape) for stack, shape in CASES if shape != "lambda"]

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CDN = "aws:cloudfront/distribution:Distribution"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ALB_PORT = 80
FUNCTION_URL = "https://abcdefghijklmnop.lambda-url.us-east-1.on.aws/"  # what the fakes answer


def _hex(text: str, n: int) -> str:  # the fakes' deterministic ids (tests/support/fakes_aws.py)
    return hashlib.sha256(text.encode()).hexdigest()[:n]


PREFIX_LIST = f"pl-{_hex(aws_facts.CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, 8)}"


def shape(name: str, *more: Mutation) -> Mutation:
    def mutate(values: dict[str, Any]) -> None:
        values.setdefault("aws", {})["api"] = dict(SHAPES[name])
        for m in more:
            m(values)

    return mutate


@cache
def built(stack: str, shape_name: str) -> Harness:
    return build_stack(stack, mutate=shape(shape_name))


@cache
def config(stack: str, shape_name: str) -> DataPlaneConfig:
    return stack_config(stack, mutate=shape(shape_name))


def containers(h: Harness) -> dict[str, dict[str, Any]]:
    """The API container of each service's task definition, by service key."""
    out = {}
    for task in h.of_type(TASK):
        key = next(k for k, s in ecs_api.SERVICES.items() if task.inputs["family"].endswith(f"-{s.name}"))
        [container] = json.loads(task.inputs["containerDefinitions"])
        out[key] = container
    return out


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["environment"]}


def sg_id(h: Harness, suffix: str) -> str:
    [group] = [g for g in h.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name.endswith(suffix)]
    return fake_id("sg", group.name)


def comparable(value: Any) -> Any:
    """Inputs with archives replaced by their path (archive objects have no value equality)."""
    if isinstance(value, pulumi.FileArchive):
        return ("archive", value.path)
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


def role_policy(h: Harness, suffix: str) -> MockResourceArgs:
    [policy] = [p for p in h.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith(suffix)]
    return policy


def application_load_balancer(h: Harness) -> MockResourceArgs:
    [alb] = [lb for lb in h.of_type("aws:lb/loadBalancer:LoadBalancer")
             if lb.inputs["loadBalancerType"] == "application"]
    return alb


def rules_on(h: Harness, kind: str, group: str) -> list[MockResourceArgs]:
    return [r for r in h.of_type(kind) if r.inputs["securityGroupId"] == group]


# ----- the shapes -----


@pytest.mark.parametrize(("stack", "shape_name"), CASES)
def test_each_shape_builds_what_it_says(stack: str, shape_name: str):
    h = built(stack, shape_name)
    has_ecs = shape_name != "lambda"
    assert len(h.of_type(SERVICE)) == (3 if has_ecs else 0)
    assert len(h.of_type("aws:ecs/cluster:Cluster")) == int(has_ecs)
    assert len(h.of_type("aws:cloudfront/vpcOrigin:VpcOrigin")) == int(has_ecs)
    assert ("ecs_api" in h.outputs) is has_ecs and h.outputs["api_runtime"] == SHAPES[shape_name]["runtime"]
    # The Lambdas stay deployed in every shape: switching back is one key.
    assert len(h.of_type("aws:lambda/function:Function")) == 7


@pytest.mark.parametrize("stack", SIZES)
def test_switching_the_runtime_changes_only_cloudfront_and_brainstores_url(stack: str):
    """Rollback is `runtime: lambda`: between warm and serving, the Lambdas, the ECS services and everything
    else are the same resources with the same inputs; only CloudFront's behaviours and the URL Brainstore reads
    (so its nodes roll) change."""
    warm = {(r.typ, r.name): comparable(r.inputs) for r in built(stack, "warm").resources}
    serving = {(r.typ, r.name): comparable(r.inputs) for r in built(stack, "ecs").resources}
    assert set(warm) == set(serving)
    changed = {key[0] for key, inputs in warm.items() if serving[key] != inputs}
    assert changed == {CDN, "aws:ec2/launchTemplate:LaunchTemplate"}


# ----- task sizes -----


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_task_sizes_are_the_presets_seed_rows_and_fargate_pairs(stack: str, shape_name: str):
    h, cfg = built(stack, shape_name), config(stack, shape_name)
    preset = presets.preset(cfg.cloud, cfg.size).ecs_api
    assert preset is not None and cfg.sizing.ecs_api == preset
    for task in h.of_type(TASK):
        key = next(k for k, s in ecs_api.SERVICES.items() if task.inputs["family"].endswith(f"-{s.name}"))
        size = preset.services()[key]
        cpu, memory = int(task.inputs["cpu"]), int(task.inputs["memory"])
        assert (cpu, memory) == (int(size.cpu * 1024), int(size.memory_gib * 1024))
        assert memory in aws_facts.FARGATE_CPU_MEMORY_MIB[cpu]
        assert task.inputs["requiresCompatibilities"] == ["FARGATE"] and task.inputs["networkMode"] == "awsvpc"
        assert task.inputs["runtimePlatform"] == {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}
    expected = (2048, 8192) if cfg.production else (1024, 2048)  # the seed: 2 vCPU / 8 GB; 1 vCPU / 2 GB
    assert {(int(t.inputs["cpu"]), int(t.inputs["memory"])) for t in h.of_type(TASK)} == {expected}
    for container in containers(h).values():
        assert env_of(container)["NODE_MEMORY_PERCENT"] == "80"
        assert container["image"] == f"public.ecr.aws/braintrust/standalone-api:{cfg.release.api_tag}"


def test_task_sizes_are_overridable_and_refused_when_fargate_would_refuse_them():
    h = build_stack("aws-staging", mutate=shape("warm", aws_set("api.services.ingest.cpu", 4),
                                               aws_set("api.services.ingest.memory_gib", 12),
                                               aws_set("api.node_memory_percent", 88)))
    ingest = next(t for t in h.of_type(TASK) if t.inputs["family"].endswith("-braintrust-api-ingest"))
    assert (ingest.inputs["cpu"], ingest.inputs["memory"]) == ("4096", "12288")
    assert {env_of(c)["NODE_MEMORY_PERCENT"] for c in containers(h).values()} == {"88"}
    with pytest.raises(ConfigError) as error:
        stack_config("aws-staging", mutate=shape("warm", aws_set("api.services.background.memory_gib", 9)))
    [problem] = error.value.problems
    assert problem.path == "aws.api.services.background.memory_gib" and "2-8 GiB" in problem.message
    with pytest.raises(ConfigError, match=r"aws\.api\.services\.api\.cpu: 3 vCPU is not a Fargate task size"):
        stack_config("aws-staging", mutate=shape("ecs", aws_set("api.services.api.cpu", 3)))


def test_production_is_held_to_the_seeds_api_rows():
    for path, value, item in (("api.services.api.cpu", 1, "vCPU per task"), ("api.services.background.min_tasks", 2,
                                                                                    "tasks"),
                              ("api.services.ingest.memory_gib", 4, "memory per task"),
                              ("api.node_memory_percent", 75, "NODE_MEMORY_PERCENT")):
        with pytest.raises(ConfigError) as error:
            stack_config("aws-production", mutate=shape("warm", aws_set(path, value)))
        assert any(p.path == f"aws.{path}" and item in p.message for p in error.value.problems), path


# ----- secrets -----


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_secrets_reach_the_tasks_only_through_ecs_secrets(stack: str, shape_name: str):
    h = built(stack, shape_name)
    secret_arns = {f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{s.name}-AbCdEf"
                   for s in h.of_type("aws:secretsmanager/secret:Secret")}
    for container in containers(h).values():
        secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
        assert set(secrets) == set(aws_facts.ECS_API_SECRETS)
        assert set(secrets.values()) <= secret_arns
        assert secrets["FUNCTION_SECRET_KEY"] == secrets["SERVICE_TOKEN_SECRET_KEY"]  # one signing key, as upstream
        env = env_of(container)
        assert not set(env) & set(secrets), "a secret name also has a plain value"
        assert not [reason for name, value in env.items() if (reason := plaintext_secret(name, value))]
    text = " ".join(t.inputs["containerDefinitions"] for t in h.of_type(TASK))
    assert STAND_INS["brainstore_license_key"] not in text and GENERATED_PREFIX not in text


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_the_execution_role_reads_exactly_the_tasks_secrets_and_the_task_role_none(stack: str, shape_name: str):
    h, account = built(stack, shape_name), config(stack, shape_name).aws_section.account_id
    [execution] = [p for p in h.of_type("aws:iam/role:Role") if p.name.endswith("-iam-api-tasks-exec")]
    assert json.loads(execution.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "ecs-tasks.amazonaws.com"}
    policy = role_policy(h, "-iam-api-tasks-exec-start-api-tasks")
    grants = {s["Sid"]: s for s in statements(policy)}
    assert set(grants["ReadTaskSecrets"]["Resource"]) == {
        s["valueFrom"] for c in containers(h).values() for s in c["secrets"]}
    assert grants["DecryptTaskSecrets"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}
    assert set(grants["WriteTaskLogs"]["Resource"]) == {
        f"arn:aws:logs:us-east-1:{account}:log-group:{g}{tail}" for g in ecs_api.log_groups(
            h.one("aws:ecs/cluster:Cluster").inputs["name"]) for tail in ("", ":*")}
    task_policy = role_policy(h, "-iam-api-tasks-policy")
    actions = {a for s in statements(task_policy) for a in s["Action"]}
    assert not {a for a in actions if a.startswith(("secretsmanager:", "ssmmessages:", "ec2:CreateNetwork"))}
    metrics = next(s for s in statements(task_policy) if s["Sid"] == "PublishApiMetrics")
    assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Braintrust/Api"}}


# ----- the way in -----


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_the_alb_is_internal_and_admits_only_cloudfront_and_brainstore(stack: str, shape_name: str):
    h = built(stack, shape_name)
    alb = application_load_balancer(h)
    assert alb.inputs["internal"] is True
    private = h.of_type("aws:lambda/function:Function")[0].inputs["vpcConfig"]["subnetIds"]
    assert alb.inputs["subnets"] == private
    alb_sg = alb.inputs["securityGroups"][0]
    ingress = rules_on(h, INGRESS, alb_sg)
    sources = {r.inputs.get("prefixListId") or r.inputs.get("referencedSecurityGroupId") for r in ingress}
    assert sources == {PREFIX_LIST, sg_id(h, "-sg-brainstore")}
    assert all("cidrIpv4" not in r.inputs and "cidrIpv6" not in r.inputs for r in ingress)
    assert {(r.inputs["fromPort"], r.inputs["toPort"]) for r in ingress} == {(ALB_PORT, ALB_PORT)}
    [egress] = rules_on(h, EGRESS, alb_sg)
    tasks = sg_id(h, "-sg-api-tasks")
    assert (egress.inputs["referencedSecurityGroupId"], egress.inputs["fromPort"]) == (tasks, 8000)
    [into_tasks] = rules_on(h, INGRESS, tasks)
    assert (into_tasks.inputs["referencedSecurityGroupId"], into_tasks.inputs["fromPort"]) == (alb_sg, 8000)
    for service in h.of_type(SERVICE):
        net = service.inputs["networkConfiguration"]
        assert net["assignPublicIp"] is False and net["securityGroups"] == [tasks] and net["subnets"] == private


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_the_tasks_reach_postgres_redis_and_brainstore_like_the_functions(stack: str, shape_name: str):
    h = built(stack, shape_name)
    tasks = sg_id(h, "-sg-api-tasks")
    admitted = [r for r in h.of_type(INGRESS) if r.inputs.get("referencedSecurityGroupId") == tasks]
    ports = {r.inputs["fromPort"] for r in admitted}
    assert ports == {5432, 6379, 4000}


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_upstreams_path_routes_send_ingest_and_background_to_their_services(stack: str, shape_name: str):
    h = built(stack, shape_name)
    by_arn = {f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{tg.inputs['name']}/0123456789abcdef":
              tg.inputs["name"] for tg in h.of_type("aws:lb/targetGroup:TargetGroup") if "name" in tg.inputs}
    dn = h.one("aws:ecs/cluster:Cluster").inputs["name"]
    rules = sorted(h.of_type("aws:lb/listenerRule:ListenerRule"), key=lambda r: r.inputs["priority"])
    seen = []
    for rule in rules:
        conditions = rule.inputs["conditions"]
        path = next(c["pathPattern"]["values"][0] for c in conditions if "pathPattern" in c)
        method = next((c["httpRequestMethod"]["values"][0] for c in conditions if "httpRequestMethod" in c), None)
        target = by_arn[rule.inputs["actions"][0]["targetGroupArn"]].removeprefix(f"{dn}-")
        service = next(s.key for s in aws_facts.ECS_API_SERVICES if s.target_group == target)
        seen.append((path, method, service))
    assert tuple(seen) == aws_facts.ECS_API_ROUTES
    [listener] = [li for li in h.of_type("aws:lb/listener:Listener") if li.inputs["protocol"] == "HTTP"]
    assert by_arn[listener.inputs["defaultActions"][0]["targetGroupArn"]] == f"{dn}-api"


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_target_groups_check_health_as_upstream_and_services_roll_back(stack: str, shape_name: str):
    h, health = built(stack, shape_name), aws_facts.ECS_API_HEALTH
    for tg in (t for t in h.of_type("aws:lb/targetGroup:TargetGroup") if t.inputs.get("targetType") == "ip"):
        check = tg.inputs["healthCheck"]
        assert (check["path"], check["matcher"], tg.inputs["port"]) == ("/", "200-399", 8000)
        assert tg.inputs["deregistrationDelay"] == health.deregistration_delay_s
    for service in h.of_type(SERVICE):
        i = service.inputs
        assert i["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert i["launchType"] == "FARGATE" and i["waitForSteadyState"] is True
        assert i["enableExecuteCommand"] is False and i["healthCheckGracePeriodSeconds"] == 60
        assert h.registration(service.name, SERVICE).ignore_changes == ["desiredCount"]
    for container in containers(h).values():
        assert container["healthCheck"]["command"] == list(health.command)
        assert container["portMappings"] == [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp"}]


# ----- autoscaling and the event-loop delay alarm -----


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_autoscaling_stays_within_the_configured_bounds(stack: str, shape_name: str):
    h, cfg = built(stack, shape_name), config(stack, shape_name)
    size = cfg.sizing.ecs_api
    assert size is not None
    services = {s.inputs["name"]: s for s in h.of_type(SERVICE)}
    targets = {t.inputs["resourceId"].rsplit("/", 1)[-1]: t for t in h.of_type("aws:appautoscaling/target:Target")}
    assert set(targets) == set(services)
    for key, bounds in size.services().items():
        name = f"{cfg.deployment_name}-{ecs_api.SERVICES[key].name}"
        target = targets[name].inputs
        assert (target["minCapacity"], target["maxCapacity"]) == (bounds.min_tasks, bounds.max_tasks)
        assert target["resourceId"] == f"service/{cfg.deployment_name}/{name}"
        assert services[name].inputs["desiredCount"] == bounds.min_tasks
    if cfg.production:
        assert [(b.min_tasks, b.max_tasks) for b in size.services().values()] == [(4, 50), (6, 200), (4, 50)]
    policies = h.of_type("aws:appautoscaling/policy:Policy")
    assert sorted(p.inputs["policyType"] for p in policies) == ["StepScaling"] * 3 + ["TargetTrackingScaling"] * 6
    cpu = [p for p in policies if p.inputs["name"].endswith("-cpu-target")]
    assert {p.inputs["targetTrackingScalingPolicyConfiguration"]["targetValue"] for p in cpu} == {50}


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_event_loop_delay_alarms_drive_step_scaling_as_upstream(stack: str, shape_name: str):
    h, alarm = built(stack, shape_name), aws_facts.ECS_API_EVENT_LOOP_DELAY
    dn = h.one("aws:ecs/cluster:Cluster").inputs["name"]
    # The ECS API's own alarms (the stack's Monitoring tier adds others, on other dimensions).
    alarms = {a.inputs["dimensions"]["ServiceName"]: a for a in h.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
              if a.inputs.get("namespace") == alarm.namespace}
    assert set(alarms) == {s.name for s in aws_facts.ECS_API_SERVICES}
    steps = {p.inputs["name"]: p for p in h.of_type("aws:appautoscaling/policy:Policy")
             if p.inputs["policyType"] == "StepScaling"}
    for service in aws_facts.ECS_API_SERVICES:
        a = alarms[service.name].inputs
        assert (a["metricName"], a["namespace"], a["statistic"]) == (alarm.metric, alarm.namespace, "Average")
        assert a["dimensions"] == {"DeploymentName": dn, "ServiceName": service.name}
        assert a["threshold"] == service.delay_steps[0][0] and a["treatMissingData"] == "notBreaching"
        step = steps[f"{dn}-{service.name}-event-loop-delay-step"]
        policy_id = f"{_hex(step.name, 8)}-0000-4000-8000-000000000000"
        assert a["alarmActions"] == [
            f"arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:{policy_id}:"
            f"resource/service/{dn}/{dn}-{service.name}:policyName/{dn}-{service.name}-event-loop-delay-step"]
        adjustments = step.inputs["stepScalingPolicyConfiguration"]["stepAdjustments"]
        assert [(s["metricIntervalLowerBound"], s.get("metricIntervalUpperBound"), s["scalingAdjustment"])
                for s in adjustments] == [(str(lo), None if up is None else str(up), pct)
                                          for lo, up, pct in ecs_api.step_adjustments(service.delay_steps)]
    assert ecs_api.step_adjustments(((50, 10), (70, 25), (150, 50))) == [(0, 20, 10), (20, 100, 25), (100, None, 50)]


# ----- CloudFront: behaviours and the VPC origin -----


@pytest.mark.parametrize(("stack", "shape_name"), CASES)
def test_cloudfront_behaviours_follow_the_runtime(stack: str, shape_name: str):
    h = built(stack, shape_name)
    cdn = h.one(CDN).inputs
    origins = {o["originId"]: o for o in cdn["origins"]}
    behaviours = [cdn["defaultCacheBehavior"], *cdn["orderedCacheBehaviors"]]
    assert [b.get("pathPattern", "*") for b in behaviours] == list(aws_facts.CLOUDFRONT_ECS_SWITCHED_PATHS)
    serving = shape_name == "ecs"
    targets = {b["targetOriginId"] for b in behaviours}
    if serving:
        assert targets == {ECS_ORIGIN}
        [policy] = h.of_type("aws:cloudfront/originRequestPolicy:OriginRequestPolicy")
        policy_id = f"{_hex(policy.name, 8)}-0000-4000-8000-000000000000"
        assert {b["originRequestPolicyId"] for b in behaviours} == {policy_id}
        assert policy.inputs["headersConfig"]["headers"]["items"] == ["CloudFront-Forwarded-Proto"]
    else:
        assert cdn["defaultCacheBehavior"]["targetOriginId"] == "api-gateway"
        assert {b["targetOriginId"] for b in cdn["orderedCacheBehaviors"]} == {"ai-proxy-function-url"}
        assert {b["originRequestPolicyId"] for b in behaviours} == {ALL_VIEWER_EXCEPT_HOST_HEADER}
    # Lambda's origins stay in every shape; the ECS origin exists whenever ECS is built.
    assert {"api-gateway", "ai-proxy-function-url"} <= set(origins)
    assert (ECS_ORIGIN in origins) is (shape_name != "lambda")
    if ECS_ORIGIN in origins:
        vpc = origins[ECS_ORIGIN]["vpcOriginConfig"]
        assert vpc["vpcOriginId"].startswith("vo_") and origins[ECS_ORIGIN]["domainName"].startswith("internal-")
        [origin] = h.of_type("aws:cloudfront/vpcOrigin:VpcOrigin")
        config_ = origin.inputs["vpcOriginEndpointConfig"]
        assert config_["arn"].endswith(f"loadbalancer/app/{config_['name']}/0123456789abcdef")
        assert config_["originProtocolPolicy"] == "http-only"  # as upstream, unless the ALB has a certificate


@pytest.mark.parametrize("stack", SIZES)
def test_cloudfront_switches_only_once_the_services_are_steady(stack: str):
    h = built(stack, "ecs")
    cdn = h.registration(h.one(CDN).name, CDN)
    for service in h.of_type(SERVICE):
        assert service.inputs["waitForSteadyState"] is True
        assert depends_transitively(h, cdn, [h.registration(service.name, SERVICE).urn]), service.name
    warm = built(stack, "warm")
    warm_cdn = warm.registration(warm.one(CDN).name, CDN)
    assert not depends_transitively(warm, warm_cdn, [warm.registration(s.name, SERVICE).urn
                                                     for s in warm.of_type(SERVICE)])


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_the_tasks_start_only_after_the_database_migrations(stack: str, shape_name: str):
    h = built(stack, shape_name)
    migration = next(r for r in h.of_type("aws:lambda/invocation:Invocation") if r.name.endswith("-run-migrations"))
    gate = h.registration(migration.name, "aws:lambda/invocation:Invocation").urn
    for service in h.of_type(SERVICE):
        assert gate in h.registration(service.name, SERVICE).dependencies


@pytest.mark.parametrize(("stack", "shape_name"), CASES)
def test_brainstore_reads_the_api_url_of_the_runtime_that_serves(stack: str, shape_name: str):
    h, cfg = built(stack, shape_name), config(stack, shape_name)
    dn = cfg.deployment_name
    expected = f"/braintrust/{dn}/ecs-api-url:3" if shape_name == "ecs" else f"/braintrust/{dn}/ai-proxy-url"
    for template in h.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        assert f'readonly AI_PROXY_URL_PARAMETER="{expected}"' in user_data(template)
    parameters = {p.inputs["name"]: p.inputs["insecureValue"] for p in h.of_type("aws:ssm/parameter:Parameter")}
    assert parameters[f"/braintrust/{dn}/ai-proxy-url"] == FUNCTION_URL
    if shape_name != "lambda":
        assert parameters[f"/braintrust/{dn}/ecs-api-url"] == (
            f"http://internal-{dn}-api-ecs-0123456789.us-east-1.elb.amazonaws.com")
    brainstore = role_policy(h, "-iam-brainstore-brainstore")
    readable = next(s for s in statements(brainstore) if s["Sid"] == "ReadAiProxyUrl")["Resource"]
    readable = readable if isinstance(readable, list) else [readable]
    assert {r.rsplit("parameter", 1)[1] for r in readable} == {f"/braintrust/{dn}/ai-proxy-url", *(
        [f"/braintrust/{dn}/ecs-api-url"] if shape_name != "lambda" else [])}


# ----- the cluster, logs, the key -----


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_cluster_encrypts_exec_and_ephemeral_storage_with_the_cmk_and_logs_are_ours(stack: str, shape_name: str):
    h, cfg = built(stack, shape_name), config(stack, shape_name)
    key = h.one("aws:kms/key:Key")
    key_arn = f"arn:aws:kms:us-east-1:123456789012:key/{_hex(key.name, 8)}-0000-4000-8000-000000000000"
    cluster = h.one("aws:ecs/cluster:Cluster").inputs
    assert cluster["name"] == cfg.deployment_name
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert cluster["configuration"]["executeCommandConfiguration"] == {"kmsKeyId": key_arn, "logging": "DEFAULT"}
    assert cluster["configuration"]["managedStorageConfiguration"] == {
        "kmsKeyId": key_arn, "fargateEphemeralStorageKmsKeyId": key_arn}
    fargate = [s for s in json.loads(key.inputs["policy"])["Statement"] if s["Principal"] == {
        "Service": "fargate.amazonaws.com"}]
    assert {s["Action"] for s in fargate} == set(aws_facts.FARGATE_KEY_ACTIONS)
    bound = [s for s in fargate if "Condition" in s]
    assert all(s["Condition"]["StringEquals"]["kms:EncryptionContext:aws:ecs:clusterName"] == cfg.deployment_name
               for s in bound) and len(bound) == 2
    groups = {g.inputs["name"]: g.inputs for g in h.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for key_, container in containers(h).items():
        options = container["logConfiguration"]["options"]
        assert container["logConfiguration"]["logDriver"] == "awslogs"
        group = groups[options["awslogs-group"]]
        assert group["kmsKeyId"] == key_arn and group["retentionInDays"] == cfg.aws_section.api.log_retention_days
        assert options["awslogs-group"] == f"/braintrust/{cfg.deployment_name}/{ecs_api.SERVICES[key_].name}"


def test_without_ecs_the_key_policy_grants_fargate_nothing():
    key = built("aws-staging", "lambda").one("aws:kms/key:Key")
    assert not [s for s in json.loads(key.inputs["policy"])["Statement"] if "fargate" in json.dumps(s)]


# ----- what the tasks are told -----


@pytest.mark.parametrize(("stack", "shape_name"), BUILT)
def test_each_service_gets_upstreams_variables_and_only_known_ones(stack: str, shape_name: str):
    contract = aws_facts.ECS_API_ENVIRONMENT
    for key, container in containers(built(stack, shape_name)).items():
        ours = set(env_of(container)) | {s["name"] for s in container["secrets"]}
        assert not contract.always - ours, f"{key} lacks {sorted(contract.always - ours)}"
        assert not ours - contract.always - contract.conditional, f"{key}: {sorted(ours - contract.always)}"
        env = env_of(container)
        assert env["CLOUDWATCH_METRICS_SERVICE_NAME"] == ecs_api.SERVICES[key].name
        assert env["QUARANTINE_PROXY_URL"] == FUNCTION_URL  # AIProxy's public URL, as upstream
        assert {k: env[k] for k in aws_facts.ECS_API_FIXED_ENV} == aws_facts.ECS_API_FIXED_ENV


def test_the_tasks_get_the_same_wiring_as_the_functions():
    h = built("aws-production", "warm")
    lam = environment(function(h, fn.API_HANDLER))
    for container in containers(h).values():
        env = env_of(container)
        shared = {k for k in env if k in lam and k not in ("AI_PROXY_FN_URL", "INSERT_LOGS2")}
        assert len(shared) > 25
        assert {k: env[k] for k in shared} == {k: lam[k] for k in shared}


def test_extra_env_follows_lambdas_unless_set_for_ecs():
    inherited = build_stack("aws-staging", mutate=shape("warm", aws_set("lambda.extra_env", {"LOG_LEVEL": "debug"})))
    assert {env_of(c)["LOG_LEVEL"] for c in containers(inherited).values()} == {"debug"}
    own = build_stack("aws-staging", mutate=shape("warm", aws_set("lambda.extra_env", {"LOG_LEVEL": "debug"}),
                                                  aws_set("api.extra_env", {"LOG_LEVEL": "info"})))
    assert {env_of(c)["LOG_LEVEL"] for c in containers(own).values()} == {"info"}
    with pytest.raises(ConfigError, match=r"aws\.api\.extra_env"):
        stack_config("aws-staging", mutate=shape("warm", aws_set("api.extra_env", {"PG_URL": "x"})))


# ----- options and what the configuration refuses -----


def test_exec_is_off_unless_the_danger_key_and_refused_in_production_without_the_downgrade_key():
    h = build_stack("aws-staging", mutate=shape("warm", aws_set("api.danger_enable_execute_command", True)))
    assert {s.inputs["enableExecuteCommand"] for s in h.of_type(SERVICE)} == {True}
    task_policy = role_policy(h, "-iam-api-tasks-policy")
    exec_ = next(s for s in statements(task_policy) if s["Sid"] == "OpenExecSessions")
    assert set(exec_["Action"]) == set(aws_facts.ECS_EXEC_ACTIONS)
    with pytest.raises(ConfigError, match=r"aws\.api\.danger_enable_execute_command: is on in production"):
        stack_config("aws-production", mutate=shape("warm", aws_set("api.danger_enable_execute_command", True)))


def test_an_alb_certificate_makes_cloudfront_and_brainstore_use_https():
    cert = "arn:aws:acm:us-east-1:444455556666:certificate/1f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    h = build_stack("aws-production", mutate=shape("ecs", aws_set("api.alb_certificate_arn", cert),
                                                  aws_set("api.alb_domain", "api-internal.acme.example.com")))
    [listener] = [li for li in h.of_type("aws:lb/listener:Listener") if li.inputs["protocol"] != "TCP"]
    assert (listener.inputs["protocol"], listener.inputs["port"]) == ("HTTPS", 443)
    assert listener.inputs["sslPolicy"] == aws_facts.ECS_API_ALB.https_policy
    assert listener.inputs["certificateArn"] == cert
    [origin] = h.of_type("aws:cloudfront/vpcOrigin:VpcOrigin")
    assert origin.inputs["vpcOriginEndpointConfig"]["originProtocolPolicy"] == "https-only"
    cdn = h.one(CDN).inputs
    assert cdn["defaultCacheBehavior"]["originRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    [ecs_origin] = [o for o in cdn["origins"] if o["originId"] == ECS_ORIGIN]
    assert ecs_origin["domainName"] == "api-internal.acme.example.com"
    url = next(p for p in h.of_type("aws:ssm/parameter:Parameter") if p.inputs["name"].endswith("/ecs-api-url"))
    assert url.inputs["insecureValue"] == "https://api-internal.acme.example.com"
    alb_sg = application_load_balancer(h).inputs["securityGroups"][0]
    assert {(r.inputs["fromPort"], r.inputs["toPort"]) for r in rules_on(h, INGRESS, alb_sg)} == {(443, 443)}
    with pytest.raises(ConfigError, match=r"alb_certificate_arn: must be an ACM certificate in eu-west-1"):
        stack_config("aws-production", mutate=shape("ecs", aws_set(".region", "eu-west-1"),
                                                    aws_set("api.alb_certificate_arn", cert),
                                                    aws_set("api.alb_domain", "api-internal.acme.example.com")))
    with pytest.raises(ConfigError, match="set both or neither"):
        stack_config("aws-production", mutate=shape("ecs", aws_set("api.alb_certificate_arn", cert)))


def test_ecs_keys_without_an_ecs_api_and_a_contradiction_are_refused():
    with pytest.raises(ConfigError) as error:
        stack_config("aws-staging", mutate=shape("lambda", aws_set("api.services.api.min_tasks", 2),
                                                 aws_set("api.log_retention_days", 30)))
    assert {p.path for p in error.value.problems} == {"aws.api.services", "aws.api.log_retention_days"}
    assert all("builds no ECS API" in p.message for p in error.value.problems)
    with pytest.raises(ConfigError, match="ecs_warm: false contradicts runtime: ecs"):
        stack_config("aws-staging", mutate=both(aws_set("api.runtime", "ecs"), aws_set("api.ecs_warm", False)))
    with pytest.raises(ConfigError, match=r"release\.api_image_tag: has no effect on AWS"):
        stack_config("aws-staging", mutate=shape("lambda", aws_set(".release.api_image_tag", "v2.12.0")))
    tagged = stack_config("aws-staging", mutate=shape("warm", aws_set(".release.api_image_tag", "v2.12.1")))
    assert tagged.release.api_tag == "v2.12.1"


def test_the_ai_proxy_through_api_gateway_still_builds_with_ecs_serving():
    """The tasks need CloudFront's domain there (no function URL): CloudFront cannot wait for them, and does not."""
    h = build_stack("aws-staging", mutate=shape("ecs", aws_set("ai_proxy_route", "api_gateway")))
    cloudfront = f"https://{h.outputs['cloudfront_domain_name']}"
    assert {env_of(c)["QUARANTINE_PROXY_URL"] for c in containers(h).values()} == {cloudfront}
    assert h.one(CDN).inputs["defaultCacheBehavior"]["targetOriginId"] == ECS_ORIGIN


def test_monitoring_names_are_outputs():
    h, cfg = built("aws-production", "ecs"), config("aws-production", "ecs")
    out = h.outputs["ecs_api"]
    assert out["cluster_name"] == cfg.deployment_name and out["alb_arn_suffix"].startswith("app/")
    assert set(out["services"]) == {"api", "ingest", "background"}
    for key, service in out["services"].items():
        assert service["target_group_arn_suffix"].startswith("targetgroup/")
        assert service["service_name"] == f"{cfg.deployment_name}-{ecs_api.SERVICES[key].name}"
        assert service["event_loop_delay_alarm"].endswith("-event-loop-delay-high")

