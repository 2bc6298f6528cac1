"""Properties of the whole AWS data plane that hold for both real stacks (built from their stack files)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from components.config import DataPlaneConfig
from components.facts import aws as aws_facts
from tests.support.fakes import AWS_ACCOUNT
from tests.support.fakes_aws import GENERATED_PREFIX
from tests.support.harness import Harness, unwrap
from tests.support.stacks import STAND_INS, build_stack

from .conftest import aws_set, contains_secret_wrapper, environment, statements, taggable, tags_of, user_data

LICENSE = STAND_INS["brainstore_license_key"]
CMK_PREFIX = f"arn:aws:kms:us-east-1:{AWS_ACCOUNT}:key/"
DATA_PORTS = {5432, 6379, 4000}
ECS_API_PORTS = {80, 8000}  # the ECS API's ALB (from CloudFront and Brainstore) and its tasks (from the ALB)
CLOUDFRONT = f"pl-{hashlib.sha256(aws_facts.CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST.encode()).hexdigest()[:8]}"


def test_every_resource_is_unique_and_uses_the_explicit_providers(stack: Harness):
    stack.assert_unique_urns()
    stack.assert_explicit_providers()
    providers = {r.typ for r in stack.resources if r.typ.startswith("pulumi:providers:")}
    assert providers == {"pulumi:providers:aws", "pulumi:providers:random"}
    # Data sources too: stacks disable default providers, so an invoke without one fails at `pulumi up`.
    assert stack.mocks.calls
    for call in stack.mocks.calls:
        assert "pulumi:providers:aws::" in (call.provider or ""), f"{call.token} uses the default provider"


def test_every_taggable_resource_carries_the_deployment_tags_and_a_name(
        stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    checked = 0
    for r in stack.resources:
        if not r.custom or not taggable(r.typ):
            continue
        tags = tags_of(r)
        missing = {k: v for k, v in cfg.all_tags.items() if tags.get(k) != v}
        assert not missing, f"{r.typ} {r.name} lacks deployment tags {missing}"
        assert tags.get("Name"), f"{r.typ} {r.name} has no Name tag"
        checked += 1
    assert checked > 100  # the check really covered the stack


def test_every_data_store_and_log_group_is_encrypted_with_the_cmk(stack: Harness):
    key = stack.one("aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    keys = {"aws:cloudwatch/logGroup:LogGroup": "kmsKeyId", "aws:secretsmanager/secret:Secret": "kmsKeyId",
            "aws:rds/instance:Instance": "kmsKeyId", "aws:elasticache/replicationGroup:ReplicationGroup": "kmsKeyId",
            "aws:lambda/function:Function": "kmsKeyArn"}
    for type_token, field in keys.items():
        found = stack.of_type(type_token)
        assert found, f"no {type_token} in the stack"
        for r in found:
            assert str(r.inputs.get(field, "")).startswith(CMK_PREFIX), f"{r.name}: {field} is not the CMK"
    sse = stack.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert len(sse) == 3
    for r in sse:
        rule = r.inputs["rules"][0]
        assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
        assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"].startswith(CMK_PREFIX)
        assert rule["bucketKeyEnabled"] is True
    for template in stack.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        ebs = template.inputs["blockDeviceMappings"][0]["ebs"]
        assert ebs["encrypted"] == "true" and ebs["kmsKeyId"].startswith(CMK_PREFIX)
    database = stack.one("aws:rds/instance:Instance")
    assert database.inputs["storageEncrypted"] is True
    assert database.inputs["performanceInsightsKmsKeyId"].startswith(CMK_PREFIX)
    assert stack.one("aws:elasticache/replicationGroup:ReplicationGroup").inputs["atRestEncryptionEnabled"] is True


def test_every_log_group_has_a_retention(stack: Harness):
    for r in stack.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert r.inputs["retentionInDays"] > 0, r.name


def test_nothing_admits_a_cidr_and_no_security_group_opens_a_data_port_to_the_internet(stack: Harness):
    ingress = stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert ingress
    for rule in ingress:
        assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs, rule.name
        # another security group, or (the ECS API's ALB) CloudFront's origin-facing managed prefix list
        assert rule.inputs.get("referencedSecurityGroupId") or rule.inputs["prefixListId"] == CLOUDFRONT, rule.name
    assert not stack.of_type("aws:ec2/securityGroupRule:SecurityGroupRule")
    for group in stack.of_type("aws:ec2/securityGroup:SecurityGroup"):
        assert not group.inputs.get("ingress"), f"{group.name} has inline ingress rules"
    opened = {int(r.inputs["fromPort"]) for r in ingress}
    assert opened <= DATA_PORTS | ECS_API_PORTS


def test_data_stores_have_no_egress(stack: Harness):
    groups = {r.name: r.urn for r in stack.registrations_of("aws:ec2/securityGroup:SecurityGroup")}
    stores = [urn for name, urn in groups.items() if name.endswith(("-db-sg", "-redis-sg"))]
    assert len(stores) == 2
    for rule in stack.registrations_of("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"):
        assert not set(stores) & set(rule.dependencies), f"{rule.name} gives a data store egress"


def _strings(value: Any) -> list[str]:
    value = unwrap(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_no_secret_value_in_any_function_environment_or_user_data(stack: Harness):
    """Scan *through* secret wrappers: a secret in an env var is a leak even if Pulumi masks it."""
    functions = stack.of_type("aws:lambda/function:Function")
    templates = stack.of_type("aws:ec2/launchTemplate:LaunchTemplate")
    assert functions and templates
    for f in functions:
        env = environment(f)
        assert not contains_secret_wrapper(env), f"{f.name}: a secret flowed into the environment"
        for text in _strings(env):
            assert LICENSE not in text and GENERATED_PREFIX not in text, f"{f.name}: {text}"
    for t in templates:
        script = user_data(t)
        assert LICENSE not in script and GENERATED_PREFIX not in script, t.name
        assert not contains_secret_wrapper(t.inputs["userData"])


def test_the_license_key_only_ever_travels_as_a_pulumi_secret(stack: Harness):
    assert stack.plaintext_occurrences(LICENSE) == []
    stored = [r for r in stack.of_type("aws:secretsmanager/secretVersion:SecretVersion")
              if unwrap(r.inputs["secretString"]) == LICENSE]
    assert len(stored) == 1 and contains_secret_wrapper(stored[0].inputs["secretString"])


def test_generated_secrets_only_travel_as_pulumi_secrets(stack: Harness):
    generated = [r for r in stack.of_type("random:index/randomPassword:RandomPassword")]
    assert len(generated) == 4  # database password, Redis AUTH token, function key, cron key
    for r in generated:
        assert stack.plaintext_occurrences(f"{GENERATED_PREFIX}{r.name}") == [], r.name


def test_iam_grants_no_wildcard_actions_and_no_full_s3(stack: Harness):
    policies = [*stack.of_type("aws:iam/rolePolicy:RolePolicy")]
    assert len(policies) >= 8
    for p in policies:
        for s in statements(p):
            actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            assert "*" not in actions and "s3:*" not in actions, f"{p.name}: {actions}"
            assert not any(a.endswith(":*") for a in actions), f"{p.name}: {actions}"


def test_stack_outputs(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    out = stack.outputs
    for key in ("api_url", "kms_key_arn", "vpc_id", "private_subnet_ids", "brainstore_bucket", "code_bundles_bucket",
                "responses_bucket", "database_endpoint", "database_secret_arn", "redis_endpoint",
                "brainstore_nlb_dns_names", "cloudfront_domain_name"):
        assert out.get(key), f"output {key} is empty"
    expected_url = (f"https://{cfg.ingress.custom_domain}" if cfg.ingress.custom_domain
                    else f"https://{out['cloudfront_domain_name']}")
    assert out["api_url"] == expected_url
    assert out["kms_key_arn"].startswith(CMK_PREFIX)
    assert len(out["private_subnet_ids"]) == 3
    assert out["database_secret_arn"].startswith("arn:aws:secretsmanager:")
    roles = {"reader", "writer"} if cfg.production else {"reader"}
    assert set(out["brainstore_nlb_dns_names"]) == roles


@pytest.mark.parametrize("boundary", ["arn:aws:iam::444455556666:policy/org/DataPlaneBoundary"])
def test_permissions_boundary_reaches_every_role(boundary: str):
    h = build_stack("aws-production", mutate=aws_set("permissions_boundary_arn", boundary))
    roles = h.of_type("aws:iam/role:Role")
    assert len(roles) >= 8
    for role in roles:
        assert role.inputs.get("permissionsBoundary") == boundary, role.name


def test_without_a_boundary_no_role_claims_one(production: Harness):
    assert all("permissionsBoundary" not in r.inputs for r in production.of_type("aws:iam/role:Role"))


def test_preview_builds_the_same_resources(production: Harness):
    """In a first `pulumi preview` computed values are unknown: nothing may depend on them to exist."""
    preview = build_stack("aws-production", preview=True)
    assert sorted((r.typ, r.name) for r in preview.resources) == sorted(
        (r.typ, r.name) for r in production.resources)
