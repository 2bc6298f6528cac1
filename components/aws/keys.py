"""Customer-managed KMS key used by every AWS data store and log group (or a BYO key).

The key policy delegates to IAM (account root), so the roles this program creates get key use through
their own policies (RDS, ElastiCache, S3, Secrets Manager, Lambda and EBS act with the caller's
permissions). Services that encrypt on their own behalf get exactly what they need: CloudWatch Logs (for
log groups of this account), Auto Scaling's service-linked role (it launches Brainstore instances
with CMK-encrypted root volumes), CloudWatch (it publishes alarms to the CMK-encrypted alert topics) and,
when the API runs on ECS, Fargate (ephemeral storage of the tasks of our cluster only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.facts import aws as aws_facts
from components.facts import monitoring as monitoring_facts
from components.facts.aws import KMS_MIN_DELETION_WINDOW_DAYS as EPHEMERAL_DELETION_WINDOW_DAYS

from .context import Deployment


@dataclass(frozen=True)
class KeysArgs:
    deployment: Deployment
    existing_key_arn: str | None = None
    deletion_window_days: int = 30
    fargate_cluster: str | None = None  # the ECS cluster whose Fargate tasks encrypt ephemeral storage with the key


def alias_name(deployment_name: str) -> str:
    return f"alias/braintrust/{deployment_name}"


def fargate_statements(account_id: str, cluster: str) -> list[dict[str, object]]:
    """Fargate's data keys and Decrypt grant for the ephemeral storage of our cluster's tasks (upstream's
    statements; a service principal gets nothing through IAM, so the key policy must say it)."""
    principal = {"Service": "fargate.amazonaws.com"}
    context = {"kms:EncryptionContext:aws:ecs:clusterAccount": account_id,
               "kms:EncryptionContext:aws:ecs:clusterName": cluster}
    generate, grant, describe = aws_facts.FARGATE_KEY_ACTIONS
    return [
        {"Sid": "FargateEncryptsOurTasksStorage", "Effect": "Allow", "Principal": principal, "Action": generate,
         "Resource": "*", "Condition": {"StringEquals": context}},
        {"Sid": "FargateDecryptsOurTasksStorage", "Effect": "Allow", "Principal": principal, "Action": grant,
         "Resource": "*", "Condition": {"StringEquals": context,
                                        "ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt"]}}},
        {"Sid": "FargateDescribesKey", "Effect": "Allow", "Principal": principal, "Action": describe,
         "Resource": "*"},
    ]


def key_policy(account_id: str, region: str, fargate_cluster: str | None = None) -> str:
    """Root delegates to IAM; services that encrypt on our behalf get exactly what they need."""
    root = f"arn:aws:iam::{account_id}:root"
    asg_role = (
        f"arn:aws:iam::{account_id}:role/aws-service-role/autoscaling.amazonaws.com/"
        "AWSServiceRoleForAutoScaling"
    )
    use = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    statements = [
        {"Sid": "AccountAdministersThroughIam", "Effect": "Allow", "Principal": {"AWS": root},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchLogsEncryptsOurLogGroups", "Effect": "Allow",
         "Principal": {"Service": f"logs.{region}.amazonaws.com"},
         "Action": use, "Resource": "*",
         "Condition": {"ArnLike": {
             "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:*"}}},
        # Auto Scaling launches Brainstore instances with CMK-encrypted EBS volumes. Its service-linked
        # role is matched by ARN in a condition rather than named as principal: KMS rejects a policy that
        # names a role that does not exist yet, and new accounts only get this one with their first group.
        {"Sid": "AutoScalingUsesKeyForEbs", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": use, "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": account_id}, "ArnEquals": {"aws:PrincipalArn": asg_role}}},
        # CloudWatch alarms publish to the alert topics (SSE-KMS) only if the key lets CloudWatch use it.
        {"Sid": "CloudWatchPublishesAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": list(monitoring_facts.SNS_KMS_FOR_CLOUDWATCH), "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
        {"Sid": "AutoScalingCreatesGrantsForEbs", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": "kms:CreateGrant", "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": account_id}, "ArnEquals": {"aws:PrincipalArn": asg_role},
                       "Bool": {"kms:GrantIsForAWSResource": "true"}}},
    ]
    if fargate_cluster is not None:
        statements += fargate_statements(account_id, fargate_cluster)
    return json.dumps({"Version": "2012-10-17", "Id": "braintrust-data-plane", "Statement": statements})


class Keys(pulumi.ComponentResource):
    """`key_arn` is the CMK every other AWS component encrypts with."""

    key_arn: pulumi.Output[str]
    key_id: pulumi.Output[str]

    def __init__(self, name: str, args: KeysArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Keys", name, None, opts)
        d = args.deployment
        if args.existing_key_arn:
            self.key_arn = pulumi.Output.from_input(args.existing_key_arn)
            self.key_id = pulumi.Output.from_input(args.existing_key_arn.rsplit("/", 1)[-1])
        else:
            key = aws.kms.Key(
                f"{name}-cmk",
                description=f"Braintrust data plane {d.name}: data at rest",
                enable_key_rotation=True,
                rotation_period_in_days=365,
                # An ephemeral stack's key goes after KMS's shortest window.
                deletion_window_in_days=args.deletion_window_days if d.retain else EPHEMERAL_DELETION_WINDOW_DAYS,
                policy=pulumi.Output.from_input(d.account_id).apply(
                    lambda account: key_policy(account, d.region, args.fargate_cluster)),
                tags=d.tags_for(alias_name(d.name)),
                opts=pulumi.ResourceOptions(parent=self, protect=d.protect, retain_on_delete=d.retain),
            )
            aws.kms.Alias(
                f"{name}-alias",
                name=alias_name(d.name),
                target_key_id=key.key_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.key_arn = key.arn
            self.key_id = key.key_id
        self.register_outputs({"key_arn": self.key_arn, "key_id": self.key_id})
