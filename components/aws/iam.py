"""Least-privilege IAM roles for the functions, the quarantine and the Brainstore instances.

Compared with the official module:
* one role per function family (API, background worker, migration) instead of a shared default role;
* S3 object actions on our three buckets instead of ``s3:*``; logs only on our own log groups;
* secrets readable only by the roles whose functions/instances need them;
* quarantine functions can only be *created* inside the quarantine VPC, with the
  ``BraintrustQuarantine=true`` tag and under the quarantine name prefix; tagging, updating and invoking
  need the prefix *and* the tag already on the function (a foreign function can never be tagged into
  reach); the function role can only be passed to Lambda;
* cross-account ``sts:AssumeRole`` for S3 export only to configured roles (upstream: any role);
* the API on ECS gets its own task role (upstream reuses the Lambda role): no secret access at all (ECS
  injects secrets through the execution role, which reads exactly those and writes only the API's log
  groups), no Lambda network grants; metrics only in the API's CloudWatch namespace, ECS Exec channels only
  when Exec is on;
* the configured permissions boundary on every role (``service_role`` is the only way roles are made).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.facts import aws as aws_facts
from components.facts import monitoring as monitoring_facts

from . import functions as fn
from . import policies as p
from .context import Deployment

QUARANTINE_TAG = aws_facts.QUARANTINE_TAG
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
CW_AGENT_NAMESPACE = monitoring_facts.CW_AGENT.name

S3_OBJECT_RW = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts", "s3:GetObjectTagging", "s3:PutObjectTagging"]
S3_BUCKET_READ = ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"]


@dataclass(frozen=True)
class ServiceRole:
    """A role and its policies. AWS services check a role's permissions when it is handed to them
    (Lambda in a VPC, RDS monitoring, flow logs, API Gateway logging), so users of the role must wait for
    ``ready``, not just for the role."""

    role: aws.iam.Role
    grants: list[pulumi.Resource]

    @property
    def arn(self) -> pulumi.Output[str]:
        return self.role.arn

    @property
    def ready(self) -> list[pulumi.Resource]:
        return [self.role, *self.grants]


def service_role(
    name: str,
    deployment: Deployment,
    *,
    trust: pulumi.Input[str],
    description: str,
    parent: pulumi.Resource,
    inline: Mapping[str, pulumi.Input[str]] | None = None,
    managed: Sequence[str] = (),
) -> ServiceRole:
    """An IAM role with the deployment's permissions boundary, tags, inline and managed policies."""
    role = aws.iam.Role(
        name,
        assume_role_policy=trust,
        description=description,
        permissions_boundary=deployment.permissions_boundary_arn,
        max_session_duration=3600,
        tags=deployment.tags_for(name),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    grants: list[pulumi.Resource] = []
    for policy_name, document in (inline or {}).items():
        grants.append(aws.iam.RolePolicy(
            f"{name}-{policy_name}",
            role=role.id,
            name=policy_name,
            policy=document,
            opts=pulumi.ResourceOptions(parent=parent),
        ))
    for arn in managed:
        grants.append(aws.iam.RolePolicyAttachment(
            f"{name}-{arn.rsplit('/', 1)[-1]}",
            role=role.name,
            policy_arn=arn,
            opts=pulumi.ResourceOptions(parent=parent),
        ))
    return ServiceRole(role, grants)


@dataclass(frozen=True)
class BucketArns:
    brainstore: pulumi.Input[str]
    code_bundles: pulumi.Input[str]
    responses: pulumi.Input[str]


@dataclass(frozen=True)
class SecretArns:
    database_url: pulumi.Input[str]
    redis_url: pulumi.Input[str]
    function_key: pulumi.Input[str]
    cron_key: pulumi.Input[str]
    license_key: pulumi.Input[str]

    def for_functions(self, names: Sequence[fn.Secret]) -> list[pulumi.Input[str]]:
        by_name: dict[fn.Secret, pulumi.Input[str]] = {
            fn.Secret.PG_URL: self.database_url,
            fn.Secret.REDIS_URL: self.redis_url,
            fn.Secret.FUNCTION_SECRET_KEY: self.function_key,
            fn.Secret.SERVICE_TOKEN_SECRET_KEY: self.function_key,
            fn.Secret.CRON_OVERRIDE_SECRET_KEY: self.cron_key,
        }
        return list(dict.fromkeys(by_name[n] for n in names))  # type: ignore[arg-type]


@dataclass(frozen=True)
class EcsRoles:
    """What the ECS API's roles may touch (built only with the ECS API)."""

    log_groups: list[str]  # the services' log groups (the execution role writes the tasks' logs there)
    url_parameter: str  # the ECS API URL parameter Brainstore reads
    execute_command: bool = False  # ECS Exec: the task role opens SSM session channels


@dataclass(frozen=True)
class IamArgs:
    deployment: Deployment
    key_arn: pulumi.Input[str]
    buckets: BucketArns
    secrets: SecretArns
    functions: list[fn.FunctionSpec]
    brainstore_log_group: str
    ai_proxy_url_parameter: str
    quarantine_vpc_id: pulumi.Input[str] | None = None
    s3_export_role_arns: list[str] = field(default_factory=list)
    session_manager_access: bool = True
    ecs: EcsRoles | None = None


class Iam(pulumi.ComponentResource):
    """Roles of the API tier (per function family), the quarantine, and the Brainstore instance profile."""

    roles: dict[fn.Role, ServiceRole]
    ai_proxy_invoke_role: ServiceRole
    quarantine_invoke_role: ServiceRole | None
    quarantine_function_role: ServiceRole | None
    brainstore_role: ServiceRole
    brainstore_instance_profile: aws.iam.InstanceProfile
    ecs_task_role: ServiceRole | None
    ecs_execution_role: ServiceRole | None

    def __init__(self, name: str, args: IamArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Iam", name, None, opts)
        d = args.deployment
        lambda_trust = p.trust("lambda.amazonaws.com")

        # The API roles exist first: the invoke roles below trust them by ARN.
        api_role = service_role(f"{name}-api", d, trust=lambda_trust, parent=self,
                                description="Braintrust API functions (APIHandler, AIProxy, crons)")
        self.ecs_task_role = None
        if args.ecs is not None:
            self.ecs_task_role = service_role(f"{name}-api-tasks", d, trust=p.trust("ecs-tasks.amazonaws.com"),
                                              parent=self, description="Braintrust API tasks on ECS")
        api_principals = [api_role.arn, *([self.ecs_task_role.arn] if self.ecs_task_role else [])]
        self.ai_proxy_invoke_role = service_role(
            f"{name}-ai-proxy-invoke", d, trust=p.trust_roles([api_role.arn]), parent=self,
            description="Assumed by the API to invoke the AIProxy function",
            inline={"invoke-ai-proxy": p.document([p.allow(
                "InvokeAiProxy", ["lambda:InvokeFunction"],
                [d.function_arn(fn.function_name(d.name, fn.AI_PROXY)),
                 pulumi.Output.concat(d.function_arn(fn.function_name(d.name, fn.AI_PROXY)), ":*")],
            )])},
        )
        self.quarantine_function_role = None
        self.quarantine_invoke_role = None
        if args.quarantine_vpc_id is not None:
            self.quarantine_function_role = service_role(
                f"{name}-quarantine-function", d, trust=lambda_trust, parent=self,
                description="Runs user-defined functions in the quarantine VPC (network and own logs only)",
                inline={"quarantine-function": p.document([
                    p.allow("AttachToQuarantineVpc", p.LAMBDA_VPC_ACCESS, "*"),
                    p.allow("WriteOwnLogs", ["logs:CreateLogGroup", *p.LOG_WRITE],
                            [d.log_group_arn("/aws/lambda/*"), d.log_group_arn("/aws/lambda/*:*")]),
                ])},
            )
            self.quarantine_invoke_role = service_role(
                f"{name}-quarantine-invoke", d, trust=p.trust_roles(api_principals), parent=self,
                description="Assumed by the API to invoke user-defined (quarantined) functions",
                inline={"invoke-quarantined": p.document([p.allow(
                    "InvokeTaggedQuarantineFunctions", ["lambda:InvokeFunction"], quarantine_functions(d),
                    {"StringEquals": {f"aws:ResourceTag/{QUARANTINE_TAG}": "true"}},
                )])},
            )

        by_role = {role: [s for s in args.functions if s.role is role] for role in fn.Role}
        api_role.grants.append(aws.iam.RolePolicy(
            f"{name}-api-policy",
            role=api_role.role.id,
            name="braintrust-api",
            policy=p.document(self._api_statements(args, by_role[fn.Role.API])),
            opts=pulumi.ResourceOptions(parent=self),
        ))
        self.roles = {fn.Role.API: api_role}
        for role, description in ((fn.Role.WORKER, "Braintrust background functions (CatchupETL, BillingCron)"),
                                  (fn.Role.MIGRATE, "Braintrust database migrations")):
            self.roles[role] = service_role(
                f"{name}-{role.value}", d, trust=lambda_trust, parent=self, description=description,
                inline={f"braintrust-{role.value}": p.document(self._function_basics(args, by_role[role]))},
            )

        self.ecs_execution_role = None
        if args.ecs is not None and self.ecs_task_role is not None:
            self.ecs_task_role.grants.append(aws.iam.RolePolicy(
                f"{name}-api-tasks-policy", role=self.ecs_task_role.role.id, name="braintrust-api-tasks",
                policy=p.document(self._ecs_task_statements(args, args.ecs)),
                opts=pulumi.ResourceOptions(parent=self)))
            self.ecs_execution_role = service_role(
                f"{name}-api-tasks-exec", d, trust=p.trust("ecs-tasks.amazonaws.com"), parent=self,
                description="ECS starts the Braintrust API tasks: their secrets and log streams",
                inline={"start-api-tasks": p.document(self._ecs_execution_statements(args, args.ecs))})

        ai_proxy_url_parameters = [d.arn("ssm", f"parameter{args.ai_proxy_url_parameter}")]
        if args.ecs is not None:  # while ECS serves, Brainstore reads the ECS API's URL instead
            ai_proxy_url_parameters.append(d.arn("ssm", f"parameter{args.ecs.url_parameter}"))
        brainstore_statements = [
            p.allow("BrainstoreData", S3_OBJECT_RW,
                    [pulumi.Output.concat(args.buckets.brainstore, "/*"),
                     pulumi.Output.concat(args.buckets.responses, "/*")]),
            p.allow("BrainstoreBuckets", S3_BUCKET_READ, [args.buckets.brainstore, args.buckets.responses]),
            p.allow("ReadCodeBundles", ["s3:GetObject", "s3:ListBucket"],
                    [args.buckets.code_bundles, pulumi.Output.concat(args.buckets.code_bundles, "/*")]),
            p.allow("ReadBootSecrets", ["secretsmanager:GetSecretValue"],
                    [args.secrets.database_url, args.secrets.redis_url, args.secrets.function_key,
                     args.secrets.license_key]),
            p.allow("UseDataKey", p.KMS_USE, args.key_arn),
            p.allow("WriteBrainstoreLogs", ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    p.log_group_resources([d.log_group_arn(args.brainstore_log_group)])),
            p.allow("ReadAiProxyUrl", ["ssm:GetParameter"],
                    ai_proxy_url_parameters[0] if len(ai_proxy_url_parameters) == 1 else ai_proxy_url_parameters),
            # The CloudWatch agent (memory and disk for the alarms): its own namespace only, and the instance's
            # tags for the AutoScalingGroupName dimension (DescribeTags takes no resource).
            p.allow("PublishNodeMetrics", ["cloudwatch:PutMetricData"], "*",
                    {"StringEquals": {"cloudwatch:namespace": CW_AGENT_NAMESPACE}}),
            p.allow("ReadInstanceTags", ["ec2:DescribeTags"], "*"),
        ]
        if args.s3_export_role_arns:
            brainstore_statements.append(_export_statement(args.s3_export_role_arns))
        self.brainstore_role = service_role(
            f"{name}-brainstore", d, trust=p.trust("ec2.amazonaws.com"), parent=self,
            description="Brainstore EC2 instances",
            inline={"brainstore": p.document(brainstore_statements)},
            managed=[SSM_CORE] if args.session_manager_access else [],
        )
        self.brainstore_instance_profile = aws.iam.InstanceProfile(
            f"{name}-brainstore",
            role=self.brainstore_role.role.name,
            tags=d.tags_for(f"{name}-brainstore"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({
            "api_role_arn": api_role.arn,
            "ecs_task_role_arn": self.ecs_task_role.arn if self.ecs_task_role else None,
            "ecs_execution_role_arn": self.ecs_execution_role.arn if self.ecs_execution_role else None,
            "brainstore_role_arn": self.brainstore_role.arn,
            "brainstore_instance_profile_arn": self.brainstore_instance_profile.arn,
        })

    @staticmethod
    def _function_basics(args: IamArgs, specs: Sequence[fn.FunctionSpec]) -> list[p.Statement]:
        """Network attachment, own log groups, own secrets: what every function role needs."""
        d = args.deployment
        log_groups = [d.log_group_arn(fn.log_group_name(d.name, s.key)) for s in specs]
        secrets = args.secrets.for_functions([name for s in specs for name in s.secrets])
        return [
            p.allow("AttachToVpc", p.LAMBDA_VPC_ACCESS, "*"),
            p.allow("WriteOwnLogs", p.LOG_WRITE, p.log_group_resources(log_groups)),
            p.allow("ReadOwnSecrets", ["secretsmanager:GetSecretValue"], secrets),
            p.allow("UseDataKey", p.KMS_USE, args.key_arn),
            p.allow("DescribeOwnCache", ["elasticache:DescribeCacheClusters", "elasticache:DescribeReplicationGroups"],
                    "*", {"StringEquals": {"aws:ResourceTag/braintrust-deployment": d.name}}),
        ]

    def _api_statements(self, args: IamArgs, specs: Sequence[fn.FunctionSpec]) -> list[p.Statement]:
        d = args.deployment
        buckets = [args.buckets.brainstore, args.buckets.code_bundles, args.buckets.responses]
        statements = [
            *self._function_basics(args, specs),
            p.allow("BucketObjects", S3_OBJECT_RW, [pulumi.Output.concat(b, "/*") for b in buckets]),
            p.allow("Buckets", S3_BUCKET_READ, buckets),
            p.allow("StartCatchupEtl", ["lambda:InvokeFunction"],
                    [d.function_arn(fn.function_name(d.name, fn.CATCHUP_ETL)),
                     pulumi.Output.concat(d.function_arn(fn.function_name(d.name, fn.CATCHUP_ETL)), ":*")]),
        ]
        chained = [self.ai_proxy_invoke_role.arn]
        if self.quarantine_invoke_role is not None:
            chained.append(self.quarantine_invoke_role.arn)
        statements.append(p.allow("AssumeInvokeRoles", ["sts:AssumeRole"], chained))
        if self.quarantine_function_role is not None and args.quarantine_vpc_id is not None:
            statements += _quarantine_statements(d, args.quarantine_vpc_id, self.quarantine_function_role.arn)
        if args.s3_export_role_arns:
            statements.append(_export_statement(args.s3_export_role_arns))
        return statements


    def _ecs_task_statements(self, args: IamArgs, ecs: EcsRoles) -> list[p.Statement]:
        """What the API does at runtime, as on Lambda, minus what ECS does for it (secrets, logs, network)."""
        d = args.deployment
        buckets = [args.buckets.brainstore, args.buckets.code_bundles, args.buckets.responses]
        alarm = aws_facts.ECS_API_EVENT_LOOP_DELAY
        statements = [
            p.allow("BucketObjects", S3_OBJECT_RW, [pulumi.Output.concat(b, "/*") for b in buckets]),
            p.allow("Buckets", S3_BUCKET_READ, buckets),
            p.allow("UseDataKey", p.KMS_USE, args.key_arn),
            p.allow("DescribeOwnCache", ["elasticache:DescribeCacheClusters", "elasticache:DescribeReplicationGroups"],
                    "*", {"StringEquals": {"aws:ResourceTag/braintrust-deployment": d.name}}),
            # The runtime publishes the metrics its autoscaling tracks (PutMetricData has no resource type).
            p.allow("PublishApiMetrics", ["cloudwatch:PutMetricData"], "*",
                    {"StringEquals": {aws_facts.ECS_API_METRICS_CONDITION_KEY: alarm.namespace}}),
        ]
        if self.quarantine_invoke_role is not None:
            statements.append(p.allow("AssumeInvokeRoles", ["sts:AssumeRole"], [self.quarantine_invoke_role.arn]))
        if self.quarantine_function_role is not None and args.quarantine_vpc_id is not None:
            statements += _quarantine_statements(d, args.quarantine_vpc_id, self.quarantine_function_role.arn)
        if args.s3_export_role_arns:
            statements.append(_export_statement(args.s3_export_role_arns))
        if ecs.execute_command:
            statements.append(p.allow("OpenExecSessions", list(aws_facts.ECS_EXEC_ACTIONS), "*"))
        return statements

    @staticmethod
    def _ecs_execution_statements(args: IamArgs, ecs: EcsRoles) -> list[p.Statement]:
        """Exactly the secrets the tasks get (ECS `secrets`), decrypted only through Secrets Manager, and the
        tasks' log streams. The image is public (ECR Public): no registry permission."""
        d, s = args.deployment, args.secrets
        return [
            p.allow("ReadTaskSecrets", ["secretsmanager:GetSecretValue"],
                    [s.database_url, s.redis_url, s.function_key, s.license_key]),
            p.allow("DecryptTaskSecrets", ["kms:Decrypt"], args.key_arn,
                    {"StringEquals": {"kms:ViaService": f"secretsmanager.{d.region}.amazonaws.com"}}),
            p.allow("WriteTaskLogs", p.LOG_WRITE, p.log_group_resources([d.log_group_arn(g) for g in ecs.log_groups])),
        ]


def quarantine_functions(d: Deployment) -> pulumi.Output[str]:
    """The functions the API creates in the quarantine VPC (upstream's name prefix; versions included)."""
    return d.arn("lambda", f"function:{aws_facts.QUARANTINE_FUNCTION_PREFIX}*")


def _quarantine_statements(d: Deployment, vpc_id: pulumi.Input[str],
                           function_role_arn: pulumi.Input[str]) -> list[p.Statement]:
    tagged = {"StringEquals": {f"aws:ResourceTag/{QUARANTINE_TAG}": "true"}}
    functions = quarantine_functions(d)
    return [
        # Creation is the moment that matters: only inside the quarantine VPC, under the prefix, already tagged.
        p.allow("CreateQuarantineFunctions", ["lambda:CreateFunction"], functions,
                {"StringEquals": {"lambda:VpcIds": vpc_id, f"aws:RequestTag/{QUARANTINE_TAG}": "true"}}),
        # Tagging only what already carries the tag (as upstream; on create, Lambda evaluates the request's
        # tags as the resource's): a function of anyone else can never be tagged into the grants below.
        p.allow("TagQuarantineFunctions", ["lambda:TagResource"], functions, tagged),
        p.allow("ManageQuarantineFunctions",
                ["lambda:InvokeFunction", "lambda:PublishVersion", "lambda:DeleteFunction", "lambda:UpdateFunctionCode",
                 "lambda:GetFunction", "lambda:GetFunctionConfiguration"],
                functions, tagged),
        # A configuration update may not move a quarantined function into another VPC.
        p.allow("ReconfigureQuarantineFunctions", ["lambda:UpdateFunctionConfiguration"], functions,
                {**tagged, "StringEqualsIfExists": {"lambda:VpcIds": vpc_id}}),
        p.allow("PassQuarantineFunctionRole", ["iam:PassRole"], function_role_arn,
                {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        p.allow("DescribeQuarantineNetwork", ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
                "*"),
    ]


def _export_statement(role_arns: Sequence[str]) -> p.Statement:
    return p.allow("AssumeExportRoles", ["sts:AssumeRole"], list(role_arns),
                   {"StringLike": {"sts:ExternalId": "bt:*"}})
