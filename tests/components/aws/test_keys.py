"""The AWS key component under mocks: proves the harness records options, providers and inputs."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.aws.context import Deployment
from components.aws.keys import Keys, KeysArgs, key_policy
from tests.support.fakes import AWS_ACCOUNT
from tests.support.harness import new_harness, run

TAGS = {"braintrust-deployment": "acme", "managed-by": "pulumi"}


def _build(protect: bool, existing: str | None = None):
    harness = new_harness()

    def program():
        provider = aws.Provider("aws", region="us-east-1")
        deployment = Deployment(name="acme", region="us-east-1", account_id=AWS_ACCOUNT, tags=TAGS, protect=protect)
        keys = Keys("acme-keys", KeysArgs(deployment=deployment, existing_key_arn=existing),
                    opts=pulumi.ResourceOptions(providers={"aws": provider}))
        return {"key_arn": keys.key_arn}

    return run(harness, program)


def test_created_key_rotates_and_is_protected_in_production():
    h = _build(protect=True)
    key = h.one("aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["tags"] == {**TAGS, "Name": "alias/braintrust/acme"}
    reg = h.registration("acme-keys-cmk")
    assert reg.protect is True
    assert reg.retain_on_delete is True
    assert reg.parent.endswith("braintrust:aws:Keys::acme-keys")
    alias = h.one("aws:kms/alias:Alias")
    assert alias.inputs["name"] == "alias/braintrust/acme"
    assert h.outputs["key_arn"].startswith(f"arn:aws:kms:us-east-1:{AWS_ACCOUNT}:key/")
    h.assert_unique_urns()
    h.assert_explicit_providers()


def test_staging_key_is_not_protected_but_still_retained():
    h = _build(protect=False)
    reg = h.registration("acme-keys-cmk")
    assert reg.protect is False
    assert reg.retain_on_delete is True


def test_byo_key_creates_nothing():
    arn = f"arn:aws:kms:us-east-1:{AWS_ACCOUNT}:key/11111111-2222-4333-8444-555555555555"
    h = _build(protect=True, existing=arn)
    assert not h.of_type("aws:kms/key:Key")
    assert h.outputs["key_arn"] == arn


def test_key_policy_limits_logs_to_this_account_and_region():
    policy = json.loads(key_policy(AWS_ACCOUNT, "eu-west-1"))
    logs = next(s for s in policy["Statement"] if s["Sid"] == "CloudWatchLogsEncryptsOurLogGroups")
    assert logs["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    context = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert context == f"arn:aws:logs:eu-west-1:{AWS_ACCOUNT}:log-group:*"
    grant = next(s for s in policy["Statement"] if s["Sid"] == "AutoScalingCreatesGrantsForEbs")
    assert grant["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}


def test_key_policy_admits_auto_scaling_only_by_role_arn_in_this_account():
    """A principal that does not exist yet would make KMS reject the policy on a new account."""
    policy = json.loads(key_policy(AWS_ACCOUNT, "us-east-1"))
    role = (f"arn:aws:iam::{AWS_ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
            "AWSServiceRoleForAutoScaling")
    for sid in ("AutoScalingUsesKeyForEbs", "AutoScalingCreatesGrantsForEbs"):
        statement = next(s for s in policy["Statement"] if s["Sid"] == sid)
        assert statement["Condition"]["ArnEquals"] == {"aws:PrincipalArn": role}
        assert statement["Condition"]["StringEquals"] == {"kms:CallerAccount": AWS_ACCOUNT}
    wildcard = [s for s in policy["Statement"] if s["Principal"] in ({"AWS": "*"}, "*")]
    assert all("aws:PrincipalArn" in s["Condition"].get("ArnEquals", {}) for s in wildcard)
