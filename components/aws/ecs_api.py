"""The API on ECS Fargate: Braintrust's v6 path (upstream modules/ecs and modules/api-ecs), built warm beside
the Lambdas (aws.api.ecs_warm) or serving CloudFront (aws.api.runtime: ecs).

* One cluster: Container Insights on, ECS Exec sessions and Fargate ephemeral storage under the CMK, Exec off
  unless aws.api.danger_enable_execute_command.
* Upstream's three services on the standalone-api image (arm64): api (everything not routed elsewhere), ingest
  and background. Each has its task definition, log group (retention + CMK), target group and autoscaling
  (CPU and event-loop utilisation target tracking; step scaling on the event-loop delay alarm, upstream's
  thresholds); circuit-breaker rollback; no public IP; desired count owned by autoscaling.
* One internal ALB in the private subnets with upstream's path routes, reachable only from CloudFront's
  origin-facing prefix list (the VPC origin) and from Brainstore (its AI proxy calls while ECS serves).
* The CloudFront VPC origin of that ALB, and the URL parameter Brainstore reads while ECS serves.

Secrets reach the containers only through ECS ``secrets`` (valueFrom Secrets Manager, read by the execution
role when a task starts): the task definition holds ARNs, never a value. The tasks start only after the
database migrations ran (they wait for the migration run of the Lambda tier, which stays the migration gate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.facts import aws as aws_facts
from components.sizing.model import EcsApiSize, EcsServiceSize

from .api import (
    BRAINSTORE_DEFAULT,
    FAST_READER_QUERY_SOURCES,
    BrainstoreUrls,
    Quarantine,
    data_plane_flags,
    quarantine_settings,
)
from .context import Deployment
from .security_groups import security_group

SERVICES: dict[str, aws_facts.EcsApiService] = {s.key: s for s in aws_facts.ECS_API_SERVICES}
PORT = aws_facts.ECS_API_PORT
CONTAINER = aws_facts.ECS_API_CONTAINER
HEALTH = aws_facts.ECS_API_HEALTH
ALB = aws_facts.ECS_API_ALB
DELAY = aws_facts.ECS_API_EVENT_LOOP_DELAY
HTTP_PORT, HTTPS_PORT = 80, 443

# Application Auto Scaling's argument classes, by shorter names.
_scaling = aws.appautoscaling
_Tracking = _scaling.PolicyTargetTrackingScalingPolicyConfigurationArgs
_Predefined = _scaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs
_Customized = _scaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs
_Dimension = _scaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensionArgs
_Steps = _scaling.PolicyStepScalingPolicyConfigurationArgs
_Step = _scaling.PolicyStepScalingPolicyConfigurationStepAdjustmentArgs


def log_group_name(deployment: str, service: str) -> str:
    """Upstream's layout, /braintrust/<deployment>/<service> (created here with retention and the CMK)."""
    return f"/braintrust/{deployment}/{service}"


def log_groups(deployment: str) -> list[str]:
    return [log_group_name(deployment, s.name) for s in aws_facts.ECS_API_SERVICES]


def url_parameter(deployment: str) -> str:
    return aws_facts.ECS_API_URL_PARAMETER.format(deployment=deployment)


def cpu_units(size: EcsServiceSize) -> str:
    return str(int(size.cpu * aws_facts.FARGATE_CPU_UNITS_PER_VCPU))


def memory_mib(size: EcsServiceSize) -> str:
    return str(int(size.memory_gib * 1024))


def step_adjustments(steps: tuple[tuple[int, int], ...]) -> list[tuple[int, int | None, int]]:
    """(lower, upper, +%) per step, relative to the alarm threshold (the first step), as upstream computes them."""
    first = steps[0][0]
    return [(threshold - first, steps[i + 1][0] - first if i + 1 < len(steps) else None, adjustment)
            for i, (threshold, adjustment) in enumerate(steps)]


@dataclass(frozen=True)
class EcsApiSettings:
    """What the tasks are told: the same wiring as the Lambda API (Redis and Postgres come as secrets)."""

    org_name: str
    primary_org_name: str
    allowed_org_ids: list[str]
    telemetry: str
    whitelisted_origins: list[str]
    responses_bucket: pulumi.Input[str]
    code_bundles_bucket: pulumi.Input[str]
    brainstore_bucket: pulumi.Input[str]
    brainstore: BrainstoreUrls
    quarantine_proxy_url: pulumi.Input[str]  # where quarantined functions reach the AI proxy (AIProxy's URL)
    quarantine: Quarantine | None = None
    outbound_rate_limit_max_requests: int = aws_facts.OUTBOUND_RATE_LIMIT_MAX_REQUESTS
    outbound_rate_limit_window_minutes: int = aws_facts.OUTBOUND_RATE_LIMIT_WINDOW_MINUTES
    brainstore_etl_batch_size: int | None = None
    wal_footer_version: str | None = None
    skip_pg_for_brainstore_objects: str | None = None
    url_security_env: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)


def environment(settings: EcsApiSettings, deployment: str, service: aws_facts.EcsApiService,
                node_memory_percent: int) -> dict[str, pulumi.Input[str]]:
    """Plain settings of one service's container, as upstream's locals.tf builds them (ledger:
    braintrust.aws.ecs_api_env). ``extra_env`` first: ours win, so a user value cannot redirect data."""
    s = settings
    env: dict[str, pulumi.Input[str]] = dict(s.extra_env)
    env.update({
        "ORG_NAME": s.org_name,
        "PRIMARY_ORG_NAME": s.primary_org_name,
        "ALLOWED_ORG_IDS": ",".join(s.allowed_org_ids),
        "BRAINTRUST_DEPLOYMENT_NAME": deployment,
        "RESPONSE_BUCKET": s.responses_bucket,
        "CODE_BUNDLE_BUCKET": s.code_bundles_bucket,
        "WHITELISTED_ORIGINS": ",".join(s.whitelisted_origins),
        "OUTBOUND_RATE_LIMIT_WINDOW_MINUTES": str(s.outbound_rate_limit_window_minutes),
        "OUTBOUND_RATE_LIMIT_MAX_REQUESTS": str(s.outbound_rate_limit_max_requests),
        **quarantine_settings(s.quarantine),
        "QUARANTINE_PROXY_URL": s.quarantine_proxy_url,
        "BRAINSTORE_DEFAULT": BRAINSTORE_DEFAULT,
        "BRAINSTORE_URL": s.brainstore.reader,
        "BRAINSTORE_WRITER_URL": s.brainstore.writer or "",
        "BRAINSTORE_REALTIME_WAL_BUCKET": s.brainstore_bucket,
        "CONTROL_PLANE_TELEMETRY": s.telemetry,
        "TELEMETRY_DISABLE_AGGREGATION": aws_facts.TELEMETRY_DISABLE_AGGREGATION,
        "TELEMETRY_LOG_LEVEL": aws_facts.TELEMETRY_LOG_LEVEL,
        "NODE_MEMORY_PERCENT": str(node_memory_percent),
        **aws_facts.ECS_API_FIXED_ENV,
        **s.url_security_env,
        **data_plane_flags(s.wal_footer_version, s.skip_pg_for_brainstore_objects),
        # The metrics the service's autoscaling tracks carry these two dimensions.
        "CLOUDWATCH_METRICS_SERVICE_NAME": service.name,
        "CLOUDWATCH_METRICS_DEPLOYMENT_NAME": deployment,
    })
    if s.brainstore.fast_reader is not None:
        env["BRAINSTORE_FAST_READER_URL"] = s.brainstore.fast_reader
        env["BRAINSTORE_FAST_READER_QUERY_SOURCES"] = ",".join(FAST_READER_QUERY_SOURCES)
    if s.brainstore_etl_batch_size is not None:
        env["BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE"] = str(s.brainstore_etl_batch_size)
    return env


@dataclass(frozen=True)
class EcsApiArgs:
    deployment: Deployment
    key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    size: EcsApiSize
    image_tag: str
    task_role_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    tasks_security_group_id: pulumi.Input[str]
    # Inside the VPC, only these reach the ALB besides CloudFront: name -> security group id (Brainstore).
    alb_clients: Mapping[str, pulumi.Input[str]]
    secret_arns: Mapping[str, pulumi.Input[str]]  # variable name -> Secrets Manager ARN (aws_facts.ECS_API_SECRETS)
    settings: EcsApiSettings
    log_retention_days: int
    execute_command: bool = False
    alb_certificate_arn: str | None = None
    alb_domain: str | None = None
    # What must exist before a task starts: the roles' policies, the NAT routes, the database migrations.
    wait_for: list[pulumi.Resource] = field(default_factory=list)


class EcsApi(pulumi.ComponentResource):
    """The ECS API. Attributes a monitoring component needs: ``cluster_name``, ``service_names`` and
    ``target_group_arn_suffixes`` (by service key), ``alb_arn_suffix``, ``alarm_names``, ``log_group_names``;
    CloudFront needs ``vpc_origin_id``, ``origin_domain`` and ``https``; Brainstore ``url_parameter_selector``."""

    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    service_names: dict[str, pulumi.Output[str]]
    services: list[aws.ecs.Service]
    target_group_arn_suffixes: dict[str, pulumi.Output[str]]
    alarm_names: dict[str, pulumi.Output[str]]
    log_group_names: dict[str, str]
    alb_arn_suffix: pulumi.Output[str]
    alb_dns_name: pulumi.Output[str]
    url: pulumi.Output[str]
    url_parameter_selector: pulumi.Output[str]
    vpc_origin_id: pulumi.Output[str]
    origin_domain: pulumi.Output[str]
    alb_security_group_id: pulumi.Output[str]
    https: bool

    def __init__(self, name: str, args: EcsApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:EcsApi", name, None, opts)
        self._name, self._args = name, args
        d = args.deployment
        child = pulumi.ResourceOptions(parent=self)
        self.https = args.alb_certificate_arn is not None and args.alb_domain is not None

        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=d.name,  # the key policy's Fargate grant names the cluster (keys.py)
            configuration=aws.ecs.ClusterConfigurationArgs(
                execute_command_configuration=aws.ecs.ClusterConfigurationExecuteCommandConfigurationArgs(
                    kms_key_id=args.key_arn, logging=aws_facts.ECS_EXEC_LOGGING),
                managed_storage_configuration=aws.ecs.ClusterConfigurationManagedStorageConfigurationArgs(
                    kms_key_id=args.key_arn, fargate_ephemeral_storage_kms_key_id=args.key_arn)),
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=aws_facts.ECS_CONTAINER_INSIGHTS)],
            tags=d.tags_for(d.name), opts=child)
        self.cluster_name, self.cluster_arn = cluster.name, cluster.arn

        alb, alb_sg, listener, target_groups, rules, cloudfront_rule = self._load_balancer()
        self.alb_arn_suffix, self.alb_dns_name = alb.arn_suffix, alb.dns_name
        self.target_group_arn_suffixes = {key: tg.arn_suffix for key, tg in target_groups.items()}

        self.services, self.service_names, self.alarm_names, self.log_group_names = [], {}, {}, {}
        for key, size in args.size.services().items():
            # The ALB must know a target group (listener or rule) before ECS attaches a service to it.
            attached: list[pulumi.Resource] = [listener] if key == "api" else list(rules)
            service = self._service(key, size, cluster, target_groups[key], attached)
            self.services.append(service)
            self.service_names[key] = service.name

        self.origin_domain = (pulumi.Output.from_input(args.alb_domain) if self.https and args.alb_domain
                              else alb.dns_name)
        self.url = pulumi.Output.concat("https://" if self.https else "http://", self.origin_domain)
        parameter = aws.ssm.Parameter(
            f"{name}-url", name=url_parameter(d.name), type="String", insecure_value=self.url,
            description="Where Brainstore reaches the API (ECS) while it serves",
            tags=d.tags_for(url_parameter(d.name)), opts=child)
        # name:version: a new URL is a new version, so Brainstore's user data changes and its nodes roll.
        self.url_parameter_selector = pulumi.Output.concat(parameter.name, ":", parameter.version.apply(str))
        origin = aws.cloudfront.VpcOrigin(
            f"{name}-origin",
            vpc_origin_endpoint_config=aws.cloudfront.VpcOriginVpcOriginEndpointConfigArgs(
                name=f"{d.name}-api-ecs", arn=alb.arn, http_port=HTTP_PORT, https_port=HTTPS_PORT,
                origin_protocol_policy="https-only" if self.https else "http-only",
                origin_ssl_protocols=aws.cloudfront.VpcOriginVpcOriginEndpointConfigOriginSslProtocolsArgs(
                    items=["TLSv1.2"], quantity=1)),
            timeouts=aws.cloudfront.VpcOriginTimeoutsArgs(
                create=aws_facts.CLOUDFRONT_VPC_ORIGIN_TIMEOUT, update=aws_facts.CLOUDFRONT_VPC_ORIGIN_TIMEOUT),
            tags=d.tags_for(f"{d.name}-api-ecs"),
            # CloudFront's connections must be admitted before the origin can serve.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[cloudfront_rule]))
        self.vpc_origin_id = origin.id
        self.alb_security_group_id = alb_sg.id
        self.register_outputs({
            "cluster_name": self.cluster_name,
            "service_names": self.service_names,
            "target_group_arn_suffixes": self.target_group_arn_suffixes,
            "alb_arn_suffix": self.alb_arn_suffix,
            "alarm_names": self.alarm_names,
            "url": self.url,
            "vpc_origin_id": self.vpc_origin_id,
        })

    # ----- the way in: internal ALB, path routes, who may connect -----

    def _load_balancer(self) -> tuple[aws.lb.LoadBalancer, aws.ec2.SecurityGroup, aws.lb.Listener,
                                      dict[str, aws.lb.TargetGroup], list[aws.lb.ListenerRule],
                                      aws.vpc.SecurityGroupIngressRule]:
        name, a = self._name, self._args
        d = a.deployment
        child = pulumi.ResourceOptions(parent=self)
        port = HTTPS_PORT if self.https else HTTP_PORT
        alb_sg = security_group(f"{name}-alb-sg", d, a.vpc_id, "Braintrust API ALB (CloudFront VPC origin)", self)
        prefix_list = aws.ec2.get_managed_prefix_list_output(
            name=aws_facts.CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, opts=pulumi.InvokeOutputOptions(parent=self))
        cloudfront_rule = aws.vpc.SecurityGroupIngressRule(
            f"{name}-alb-from-cloudfront", security_group_id=alb_sg.id, prefix_list_id=prefix_list.id,
            ip_protocol="tcp", from_port=port, to_port=port, description="CloudFront (VPC origin) reaches the API",
            tags=d.tags_for(f"{name}-alb-from-cloudfront"), opts=child)
        for client, group_id in sorted(a.alb_clients.items()):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-alb-from-{client}", security_group_id=alb_sg.id, referenced_security_group_id=group_id,
                ip_protocol="tcp", from_port=port, to_port=port, description=f"{client} reaches the API",
                tags=d.tags_for(f"{name}-alb-from-{client}"), opts=child)
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-to-tasks", security_group_id=alb_sg.id, referenced_security_group_id=a.tasks_security_group_id,
            ip_protocol="tcp", from_port=PORT, to_port=PORT, description="Forward to the API tasks",
            tags=d.tags_for(f"{name}-alb-to-tasks"), opts=child)
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-tasks-from-alb", security_group_id=a.tasks_security_group_id,
            referenced_security_group_id=alb_sg.id, ip_protocol="tcp", from_port=PORT, to_port=PORT,
            description="The ALB forwards requests and health checks", tags=d.tags_for(f"{name}-tasks-from-alb"),
            opts=child)

        alb = aws.lb.LoadBalancer(
            f"{name}-alb", name=f"{d.name}-api-ecs", internal=True, load_balancer_type="application",
            subnets=a.subnet_ids, security_groups=[alb_sg.id], idle_timeout=ALB.idle_timeout_s,
            client_keep_alive=ALB.client_keep_alive_s, enable_http2=ALB.http2,
            desync_mitigation_mode=ALB.desync_mitigation_mode, enable_cross_zone_load_balancing=True,
            drop_invalid_header_fields=ALB.drop_invalid_header_fields, enable_deletion_protection=False,
            tags=d.tags_for(f"{d.name}-api-ecs"), opts=child)
        target_groups = {key: aws.lb.TargetGroup(
            f"{name}-{key}-tg", name=f"{d.name}-{service.target_group}", port=PORT, protocol="HTTP",
            target_type="ip", vpc_id=a.vpc_id, deregistration_delay=HEALTH.deregistration_delay_s,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                protocol="HTTP", path=HEALTH.path, matcher=HEALTH.matcher, interval=HEALTH.target_interval_s,
                timeout=HEALTH.target_timeout_s, healthy_threshold=HEALTH.healthy_threshold,
                unhealthy_threshold=HEALTH.unhealthy_threshold),
            tags=d.tags_for(f"{d.name}-{service.name}"), opts=child) for key, service in SERVICES.items()}
        listener = aws.lb.Listener(
            f"{name}-listener", load_balancer_arn=alb.arn, port=port, protocol="HTTPS" if self.https else "HTTP",
            ssl_policy=ALB.https_policy if self.https else None,
            certificate_arn=a.alb_certificate_arn if self.https else None,
            # Anything no rule claims is the interactive API's.
            default_actions=[aws.lb.ListenerDefaultActionArgs(
                type="forward", target_group_arn=target_groups["api"].arn)],
            tags=d.tags_for(f"{d.name}-api-ecs"), opts=child)
        rules = []
        for priority, (path, method, key) in enumerate(aws_facts.ECS_API_ROUTES, start=1):
            conditions = [aws.lb.ListenerRuleConditionArgs(http_request_method=(
                aws.lb.ListenerRuleConditionHttpRequestMethodArgs(values=[method])))] if method else []
            conditions.append(aws.lb.ListenerRuleConditionArgs(
                path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=[path])))
            rules.append(aws.lb.ListenerRule(
                f"{name}-route-{priority}", listener_arn=listener.arn, priority=priority,
                actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_groups[key].arn)],
                conditions=conditions, tags=d.tags_for(f"{d.name}-api-ecs-route-{priority}"), opts=child))
        return alb, alb_sg, listener, target_groups, rules, cloudfront_rule

    # ----- one service: logs, task definition, service, autoscaling, the event-loop delay alarm -----

    def _service(self, key: str, size: EcsServiceSize, cluster: aws.ecs.Cluster, target_group: aws.lb.TargetGroup,
                 attached: list[pulumi.Resource]) -> aws.ecs.Service:
        name, a = self._name, self._args
        d, spec = a.deployment, SERVICES[key]
        child = pulumi.ResourceOptions(parent=self)
        physical = f"{d.name}-{spec.name}"
        group = log_group_name(d.name, spec.name)
        self.log_group_names[key] = group
        logs = aws.cloudwatch.LogGroup(
            f"{name}-{key}-logs", name=group, retention_in_days=a.log_retention_days, kms_key_id=a.key_arn,
            tags=d.tags_for(group), opts=child)
        container = {
            "name": CONTAINER,
            "image": f"{aws_facts.ECS_API_IMAGE_REPOSITORY}:{a.image_tag}",
            "essential": True,
            "linuxParameters": {"initProcessEnabled": True},
            "portMappings": [{"containerPort": PORT, "hostPort": PORT, "protocol": "tcp"}],
            "secrets": [{"name": variable, "valueFrom": arn} for variable, arn in sorted(a.secret_arns.items())],
            "environment": [{"name": variable, "value": value} for variable, value in sorted(
                environment(a.settings, d.name, spec, a.size.node_memory_percent).items())],
            "healthCheck": {"command": list(HEALTH.command), "interval": HEALTH.interval_s,
                            "timeout": HEALTH.timeout_s, "retries": HEALTH.retries,
                            "startPeriod": HEALTH.start_period_s},
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": group, "awslogs-region": d.region, "awslogs-stream-prefix": spec.name}},
            "mountPoints": [], "systemControls": [], "volumesFrom": [],
        }
        task = aws.ecs.TaskDefinition(
            f"{name}-{key}-task", family=physical, requires_compatibilities=["FARGATE"], network_mode="awsvpc",
            cpu=cpu_units(size), memory=memory_mib(size), execution_role_arn=a.execution_role_arn,
            task_role_arn=a.task_role_arn,
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture="ARM64"),
            container_definitions=pulumi.Output.json_dumps([container]),
            tags=d.tags_for(physical), opts=child)
        service = aws.ecs.Service(
            f"{name}-{key}", name=physical, cluster=cluster.arn, task_definition=task.arn,
            desired_count=size.min_tasks, launch_type="FARGATE", propagate_tags="SERVICE",
            enable_ecs_managed_tags=True, enable_execute_command=a.execute_command,
            health_check_grace_period_seconds=HEALTH.grace_period_s, wait_for_steady_state=True,
            sigint_rollback=False,  # upstream: instant rollbacks on a first deployment otherwise
            # A deployment whose tasks never turn healthy rolls back to the last one that did.
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=a.subnet_ids, security_groups=[a.tasks_security_group_id], assign_public_ip=False),
            load_balancers=[aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=target_group.arn, container_name=CONTAINER, container_port=PORT)],
            tags=d.tags_for(physical),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs, *attached, *a.wait_for],
                                        # autoscaling owns the task count between min and max
                                        ignore_changes=["desiredCount"]))
        self._autoscaling(key, size, cluster, service)
        return service

    def _autoscaling(self, key: str, size: EcsServiceSize, cluster: aws.ecs.Cluster, service: aws.ecs.Service) -> None:
        name, d, spec = self._name, self._args.deployment, SERVICES[key]
        child = pulumi.ResourceOptions(parent=self)
        prefix = f"{d.name}-{spec.name}"
        target = aws.appautoscaling.Target(
            f"{name}-{key}-scaling", min_capacity=size.min_tasks, max_capacity=size.max_tasks,
            resource_id=pulumi.Output.concat("service/", cluster.name, "/", service.name),
            scalable_dimension="ecs:service:DesiredCount", service_namespace="ecs",
            tags=d.tags_for(f"{prefix}-scaling"), opts=child)
        cpu, elu = aws_facts.ECS_API_CPU_TARGET, aws_facts.ECS_API_ELU_TARGET
        aws.appautoscaling.Policy(
            f"{name}-{key}-cpu", name=f"{prefix}-cpu-target", policy_type="TargetTrackingScaling",
            resource_id=target.resource_id, scalable_dimension=target.scalable_dimension,
            service_namespace=target.service_namespace,
            target_tracking_scaling_policy_configuration=_Tracking(
                predefined_metric_specification=_Predefined(predefined_metric_type="ECSServiceAverageCPUUtilization"),
                target_value=cpu.target, scale_in_cooldown=cpu.scale_in_cooldown_s,
                scale_out_cooldown=cpu.scale_out_cooldown_s),
            opts=child)
        deployment_dim, service_dim = DELAY.dimensions
        aws.appautoscaling.Policy(
            f"{name}-{key}-elu", name=f"{prefix}-event-loop-target", policy_type="TargetTrackingScaling",
            resource_id=target.resource_id, scalable_dimension=target.scalable_dimension,
            service_namespace=target.service_namespace,
            target_tracking_scaling_policy_configuration=_Tracking(
                customized_metric_specification=_Customized(
                    metric_name=DELAY.utilization_metric, namespace=DELAY.namespace, statistic=DELAY.statistic,
                    dimensions=[_Dimension(name=service_dim, value=spec.name),
                                _Dimension(name=deployment_dim, value=d.name)]),
                target_value=elu.target, scale_in_cooldown=elu.scale_in_cooldown_s,
                scale_out_cooldown=elu.scale_out_cooldown_s),
            opts=child)
        step = aws.appautoscaling.Policy(
            f"{name}-{key}-delay-step", name=f"{prefix}-event-loop-delay-step", policy_type="StepScaling",
            resource_id=target.resource_id, scalable_dimension=target.scalable_dimension,
            service_namespace=target.service_namespace,
            step_scaling_policy_configuration=_Steps(
                adjustment_type="PercentChangeInCapacity", cooldown=DELAY.cooldown_s,
                metric_aggregation_type=DELAY.statistic,
                step_adjustments=[_Step(
                    metric_interval_lower_bound=str(lower),
                    metric_interval_upper_bound=str(upper) if upper is not None else None,
                    scaling_adjustment=adjustment) for lower, upper, adjustment in step_adjustments(spec.delay_steps)]),
            opts=child)
        threshold = spec.delay_steps[0][0]
        alarm = aws.cloudwatch.MetricAlarm(
            f"{name}-{key}-delay-alarm", name=f"{prefix}-event-loop-delay-high",
            comparison_operator=DELAY.comparison, evaluation_periods=DELAY.evaluation_periods,
            metric_name=DELAY.metric, namespace=DELAY.namespace, period=DELAY.period_s, statistic=DELAY.statistic,
            threshold=threshold, treat_missing_data=DELAY.treat_missing_data,
            alarm_description=f"Scale out {spec.name} when {DELAY.metric} exceeds {threshold} ms.",
            alarm_actions=[step.arn], dimensions={deployment_dim: d.name, service_dim: spec.name},
            tags=d.tags_for(f"{prefix}-event-loop-delay-high"), opts=child)
        self.alarm_names[key] = alarm.name
