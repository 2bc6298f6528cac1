"""IAM policy documents as plain data (dicts), serialised with ``pulumi.Output.json_dumps``.

Keeping them as data makes every statement assertable in tests (no string matching on JSON).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

Statement = dict[str, Any]

KMS_USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"]
# What a Lambda function needs to attach to its VPC (the managed AWSLambdaVPCAccessExecutionRole also
# grants logs:* on every log group; we grant logs only on our own groups instead).
LAMBDA_VPC_ACCESS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
]
LOG_WRITE = ["logs:CreateLogStream", "logs:PutLogEvents"]


def document(statements: Sequence[Statement]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(sid: str, actions: Sequence[str], resources: Any, condition: dict[str, Any] | None = None) -> Statement:
    statement: Statement = {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def trust(service: str, condition: dict[str, Any] | None = None) -> pulumi.Output[str]:
    """Role trust policy for one AWS service principal."""
    statement: Statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return document([statement])


def trust_roles(role_arns: Sequence[pulumi.Input[str]]) -> pulumi.Output[str]:
    """Role trust policy for specific roles of this account (role chaining)."""
    return document([{"Effect": "Allow", "Principal": {"AWS": list(role_arns)}, "Action": "sts:AssumeRole"}])


def log_group_resources(arns: Sequence[pulumi.Input[str]]) -> list[pulumi.Output[str]]:
    """A log group ARN and its streams (PutLogEvents is authorised on the stream ARN)."""
    out: list[pulumi.Output[str]] = []
    for arn in arns:
        out += [pulumi.Output.from_input(arn), pulumi.Output.concat(arn, ":*")]
    return out
