"""Least privilege: what each role may do, and nothing more."""

from __future__ import annotations

import json
from typing import Any

from components.config import DataPlaneConfig
from tests.support.fakes_aws import fake_id
from tests.support.harness import Harness, unwrap
from tests.support.stacks import build_stack

from .conftest import aws_set, both, statements

POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"


def _policy(h: Harness, suffix: str) -> dict[str, dict[str, Any]]:
    found = [p for p in h.of_type(POLICY) if p.name.endswith(suffix)]
    assert len(found) == 1, f"expected one policy ending {suffix}, found {[p.name for p in found]}"
    return {s["Sid"]: s for s in statements(found[0])}


def _secret_arns(h: Harness, *suffixes: str) -> set[str]:
    return {f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{s.name}-AbCdEf"
            for s in h.of_type("aws:secretsmanager/secret:Secret") if s.name.endswith(suffixes)}


def test_api_role_reads_only_its_buckets_secrets_and_logs(stack: Harness):
    api = _policy(stack, "-iam-api-policy")
    buckets = {b.inputs["bucket"] for b in stack.of_type("aws:s3/bucket:Bucket")}
    assert set(api["Buckets"]["Resource"]) == {f"arn:aws:s3:::{b}" for b in buckets}
    assert set(api["BucketObjects"]["Resource"]) == {f"arn:aws:s3:::{b}/*" for b in buckets}
    assert set(api["ReadOwnSecrets"]["Resource"]) == _secret_arns(
        stack, "-db-url", "-redis-url", "-secrets-function-key", "-secrets-cron-key")
    logs = api["WriteOwnLogs"]["Resource"]
    assert logs and all(":log-group:/braintrust/" in arn for arn in logs)
    assert api["DescribeOwnCache"]["Condition"]["StringEquals"]["aws:ResourceTag/braintrust-deployment"]


def test_worker_and_migration_roles_read_fewer_secrets(stack: Harness):
    worker = _policy(stack, "-iam-worker-braintrust-worker")
    assert set(worker["ReadOwnSecrets"]["Resource"]) == _secret_arns(
        stack, "-db-url", "-redis-url", "-secrets-function-key")
    migrate = _policy(stack, "-iam-migrate-braintrust-migrate")
    assert set(migrate["ReadOwnSecrets"]["Resource"]) == _secret_arns(stack, "-db-url")
    assert "Buckets" not in worker and "Buckets" not in migrate


def test_quarantine_functions_only_in_the_quarantine_vpc_and_tagged(stack: Harness):
    api = _policy(stack, "-iam-api-policy")
    vpc = fake_id("vpc", next(v.name for v in stack.of_type("aws:ec2/vpc:Vpc") if "-quarantine-" in v.name))
    create = api["CreateQuarantineFunctions"]
    assert create["Action"] == ["lambda:CreateFunction"]
    assert create["Condition"] == {
        "StringEquals": {"lambda:VpcIds": vpc, "aws:RequestTag/BraintrustQuarantine": "true"}}
    assert api["ManageQuarantineFunctions"]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/BraintrustQuarantine": "true"}}
    assert api["ReconfigureQuarantineFunctions"]["Condition"]["StringEqualsIfExists"] == {"lambda:VpcIds": vpc}
    pass_role = api["PassQuarantineFunctionRole"]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    assert pass_role["Resource"].endswith("-iam-quarantine-function-1a2b3c4")
    invoke = _policy(stack, "-iam-quarantine-invoke-invoke-quarantined")
    assert invoke["InvokeTaggedQuarantineFunctions"]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/BraintrustQuarantine": "true"}}


def test_invoke_roles_trust_only_the_api_roles(stack_and_config: tuple[Harness, DataPlaneConfig]):
    """The AI proxy invoke role trusts the API functions' role; the quarantine's also the ECS tasks' role when
    the ECS API is built (it creates and invokes user functions too; it never calls AIProxy's function)."""
    stack, cfg = stack_and_config
    api_roles = [r for r in stack.of_type(ROLE) if r.name.endswith(("-iam-api", "-iam-api-tasks"))]
    assert len(api_roles) == (2 if cfg.aws_section.api.ecs_built else 1)
    arns = {r.name: f"arn:aws:iam::123456789012:role/{r.name}-1a2b3c4" for r in api_roles}
    for r in stack.of_type(ROLE):
        if r.name.endswith(("-ai-proxy-invoke", "-quarantine-invoke")):
            trusted = sorted(arn for name, arn in arns.items()
                             if name.endswith("-iam-api") or r.name.endswith("-quarantine-invoke"))
            trust = json.loads(unwrap(r.inputs["assumeRolePolicy"]))["Statement"]
            assert trust == [{"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}]


def test_brainstore_role_reads_boot_secrets_and_writes_its_own_logs(
        stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    bs = _policy(stack, "-iam-brainstore-brainstore")
    assert set(bs["ReadBootSecrets"]["Resource"]) == _secret_arns(
        stack, "-db-url", "-redis-url", "-secrets-function-key", "-secrets-license-key")
    assert all(arn.split(":log-group:")[1].split(":")[0].endswith("/brainstore")
               for arn in bs["WriteBrainstoreLogs"]["Resource"])
    readable = bs["ReadAiProxyUrl"]["Resource"]
    readable = readable if isinstance(readable, list) else [readable]
    # The AI proxy's URL; with the ECS API built, also the ECS API's (read while ECS serves).
    expected = ["ai-proxy-url", *(["ecs-api-url"] if cfg.aws_section.api.ecs_built else [])]
    account = cfg.aws_section.account_id
    assert readable == [f"arn:aws:ssm:us-east-1:{account}:parameter/braintrust/{cfg.deployment_name}/{p}"
                        for p in expected]
    managed = {a.inputs["policyArn"] for a in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
               if "-iam-brainstore" in a.name}
    assert managed == {"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}


def test_session_manager_can_be_turned_off():
    h = build_stack("aws-staging", mutate=aws_set("brainstore.session_manager_access", False))
    attachments = h.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert not [a for a in attachments if "-iam-brainstore" in a.name]


def test_cross_account_export_only_to_configured_roles(stack: Harness):
    assert "AssumeExportRoles" not in _policy(stack, "-iam-api-policy")
    target = "arn:aws:iam::999988887777:role/braintrust-export"
    h = build_stack("aws-staging", mutate=aws_set("s3_export_role_arns", [target]))
    for suffix in ("-iam-api-policy", "-iam-brainstore-brainstore"):
        export = _policy(h, suffix)["AssumeExportRoles"]
        assert export["Resource"] == [target]
        assert export["Condition"] == {"StringLike": {"sts:ExternalId": "bt:*"}}


def test_remote_support_is_off_by_default_and_needs_an_external_id(stack: Harness):
    assert not [r for r in stack.of_type(ROLE) if "-support-" in r.name]
    h = build_stack("aws-production", mutate=both(
        aws_set(".remote_support.enabled", True), aws_set(".remote_support.braintrust_account_ids", ["872608195481"]),
        aws_set(".remote_support.external_id", "acme-7c4e1f0a9d31")))
    role = next(r for r in h.of_type(ROLE) if "-support-" in r.name)
    trust = json.loads(unwrap(role.inputs["assumeRolePolicy"]))["Statement"][0]
    assert trust["Principal"] == {"AWS": ["arn:aws:iam::872608195481:root"]}
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": "acme-7c4e1f0a9d31"}}
    read = _policy(h, "-support-role-read-logs")
    assert all(a.startswith("logs:") for s in read.values() for a in s["Action"])
    assert h.outputs["remote_support_role_arn"].startswith("arn:aws:iam::")


def test_remote_support_ends_on_its_expiry_date():
    h = build_stack("aws-staging", mutate=both(
        aws_set(".remote_support.enabled", True), aws_set(".remote_support.braintrust_account_ids", ["872608195481"]),
        aws_set(".remote_support.external_id", "acme-7c4e1f0a9d31"),
        aws_set(".remote_support.expires_on", "2026-09-10")))
    role = next(r for r in h.of_type(ROLE) if "-support-" in r.name)
    trust = json.loads(unwrap(role.inputs["assumeRolePolicy"]))["Statement"][0]
    assert trust["Condition"]["DateLessThan"] == {"aws:CurrentTime": "2026-09-10T00:00:00Z"}


LAMBDA_MANAGEMENT = {"lambda:TagResource", "lambda:UntagResource", "lambda:UpdateFunctionCode",
                     "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction", "lambda:PublishVersion",
                     "lambda:InvokeFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
                     "lambda:AddPermission", "lambda:CreateFunction"}


def _lambda_grants(h: Harness, suffix: str) -> list[dict[str, Any]]:
    return [s for s in _policy(h, suffix).values() if LAMBDA_MANAGEMENT & set(s["Action"])]


def test_the_api_cannot_tag_update_or_invoke_functions_it_did_not_create(stack_and_config: tuple[Harness,
                                                                                                DataPlaneConfig]):
    """Tagging a foreign function BraintrustQuarantine=true would make it updatable and invokable: every
    Lambda management grant names this deployment's functions, or the quarantine functions' name prefix
    (upstream's naming) together with the tag the function already carries."""
    stack, cfg = stack_and_config
    functions = f"arn:aws:lambda:{cfg.region}:{cfg.aws_section.account_id}:function:"
    own, quarantine = f"{functions}{cfg.deployment_name}-", f"{functions}Quarantine-*"
    for suffix in ("-iam-api-policy", "-iam-quarantine-invoke-invoke-quarantined"):
        for grant in _lambda_grants(stack, suffix):
            resources = grant["Resource"] if isinstance(grant["Resource"], list) else [grant["Resource"]]
            for arn in resources:
                assert arn.startswith(own) or arn == quarantine, f"{grant['Sid']} reaches {arn}"
                if arn == quarantine and grant["Action"] != ["lambda:CreateFunction"]:
                    assert grant["Condition"]["StringEquals"]["aws:ResourceTag/BraintrustQuarantine"] == "true", (
                        f"{grant['Sid']} acts on functions that are not (yet) tagged")
    tagging = [g for g in _lambda_grants(stack, "-iam-api-policy") if "lambda:TagResource" in g["Action"]]
    assert tagging and all(g["Resource"] == quarantine for g in tagging)
