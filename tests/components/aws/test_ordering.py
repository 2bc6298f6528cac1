"""First `pulumi up` on an empty account: everything waits for what AWS checks or needs at that moment."""

from __future__ import annotations

from tests.support.harness import Harness

from .conftest import function

FUNCTION = "aws:lambda/function:Function"


def _urns(h: Harness, type_token: str, suffix: str) -> list[str]:
    found = [r.urn for r in h.registrations_of(type_token) if r.name.endswith(suffix)]
    assert found, f"no {type_token} ending {suffix}"
    return found


def _deps(h: Harness, name: str, type_token: str) -> set[str]:
    return set(h.registration(name, type_token).dependencies)


def test_functions_wait_for_their_role_policies_and_nat_routes(stack: Harness):
    api_policy = _urns(stack, "aws:iam/rolePolicy:RolePolicy", "-iam-api-policy")[0]
    routes = _urns(stack, "aws:ec2/routeTableAssociation:RouteTableAssociation", "-network-private-0")
    nat = _urns(stack, "aws:ec2/natGateway:NatGateway", "-network-nat-0")
    for f in stack.of_type(FUNCTION):
        deps = _deps(stack, f.name, FUNCTION)
        assert api_policy in deps, f"{f.inputs['name']} may be created before Lambda can attach it to the VPC"
        assert set(routes + nat) <= deps, f"{f.inputs['name']} may start before it can reach Secrets Manager"


def test_migrations_wait_for_the_database_url_to_be_stored(stack: Harness):
    """The wrapper reads PG_URL at cold start: the secret *value* must exist before the first run."""
    version = _urns(stack, "aws:secretsmanager/secretVersion:SecretVersion", "-db-url")[0]
    assert version in _deps(stack, function(stack, "MigrateDatabaseFunction").name, FUNCTION)


def test_brainstore_groups_wait_for_the_instance_role_and_egress(stack: Harness):
    brainstore_policy = _urns(stack, "aws:iam/rolePolicy:RolePolicy", "-iam-brainstore-brainstore")[0]
    nat = _urns(stack, "aws:ec2/natGateway:NatGateway", "-network-nat-0")[0]
    for group in stack.registrations_of("aws:autoscaling/group:Group"):
        assert {brainstore_policy, nat} <= set(group.dependencies), group.name


def test_services_get_roles_only_once_their_policies_exist(stack: Harness):
    rds = stack.registrations_of("aws:rds/instance:Instance")[0]
    assert set(_urns(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                     "-db-monitoring-AmazonRDSEnhancedMonitoringRole")) <= set(rds.dependencies)
    for flow_log in stack.registrations_of("aws:ec2/flowLog:FlowLog"):
        prefix = flow_log.name.removesuffix("-flow-logs")
        assert set(_urns(stack, "aws:iam/rolePolicy:RolePolicy", f"{prefix}-flow-logs-deliver-flow-logs")) <= set(
            flow_log.dependencies)
    account = stack.registrations_of("aws:apigateway/account:Account")[0]
    assert set(_urns(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                     "-api-cloudwatch-AmazonAPIGatewayPushToCloudWatchLogs")) <= set(account.dependencies)


def test_lambda_environments_fit_the_4_kb_limit(stack: Harness):
    for f in stack.of_type(FUNCTION):
        env = f.inputs["environment"]["variables"]
        size = sum(len(k) + len(str(v)) for k, v in env.items())
        assert size < 4096, f"{f.inputs['name']}: {size} bytes of environment (Lambda allows 4 KB)"
