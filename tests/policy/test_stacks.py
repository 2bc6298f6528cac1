"""The pack on the six real stacks: no mandatory violation, and the rules really judge what is built.

A stack that does not build fails here too (once, with the build error): the gate covers all six.
"""

from __future__ import annotations

import pytest

from policy.rules import POLICIES
from policy.rules.multicloud import TAGGABLE
from tests.support.stacks import stack_names

from .sdk import inputs
from .support import built, built_dangerous

STACKS = stack_names()

# Rules that have nothing to judge on a correct stack of that cloud, by design.
NOTHING_TO_JUDGE = {
    # they ban resource types the program never creates
    "aws-no-iam-user-credentials", "gcp-no-service-account-keys",
    # the chart renders its Deployments only in a real preview (judged there); offline the
    # chart's values are judged by k8s-braintrust-chart-hardened instead
    "k8s-no-privileged-pods", "k8s-run-as-non-root", "k8s-container-resources",
    # it judges the public AIProxy function URL, which no committed stack opts into (built below)
    "aws-lambda-function-url-authenticated",
}
# (on AWS, Brainstore runs on EC2 Auto Scaling groups, not Kubernetes node pools)
KUBERNETES_CLOUDS = ("gcp", "azure")
# ... and per stack, where the stack's shape leaves a rule nothing to judge.
# The staging example serves from Lambda without a warm ECS API (the production example builds it).
_ECS_RULES = {"aws-ecs-no-public-ip", "aws-ecs-exec-off-in-production", "aws-ecs-cluster-encrypted",
              "aws-ecs-logs-encrypted", "aws-cloudfront-vpc-origin-tls"}
IDLE_ON = {
    "aws-staging": {"brainstore-node-pools-tainted", *_ECS_RULES}, "aws-production": {"brainstore-node-pools-tainted"},
    # private ingress in staging: no Front Door; no deployment script (no PostgreSQL restart)
    "azure-staging": {"azure-frontdoor-https-only", "azure-no-plaintext-secrets"},
}


def test_all_six_stacks_are_checked():
    assert len(STACKS) == 6


@pytest.mark.parametrize("stack", STACKS)
def test_no_mandatory_violations(stack: str):
    report = built(stack).report
    if report.mandatory:
        pytest.fail(f"{len(report.mandatory)} mandatory violation(s) on {stack}:\n"
                    + report.render(include_advisory=False), pytrace=False)


@pytest.mark.parametrize("stack", STACKS)
def test_rules_of_the_cloud_judge_real_resources(stack: str):
    """A rule that examines nothing proves nothing: every rule of the stack's cloud has resources to judge."""
    cloud = stack.split("-", maxsplit=1)[0]
    families = {cloud, "multi-cloud", *(["kubernetes"] if cloud in KUBERNETES_CLOUDS else [])}
    idle = sorted(
        p.name for p in POLICIES
        if p.family in families and built(stack).report.examined.get(p.name, 0) == 0
        and p.name not in NOTHING_TO_JUDGE | IDLE_ON.get(stack, set())
    )
    assert idle == [], f"rules with nothing to judge on {stack} (did a resource type change?)"


@pytest.mark.parametrize("stack", STACKS)
def test_every_taggable_type_built_is_checked_for_tags(stack: str):
    """New resource types that take tags/labels must join TAGGABLE, or required-tags would not see them."""
    missing = []
    for type_ in sorted(built(stack).types):
        known = inputs(type_) or {}
        takes_tags = ("tags" in known or "labels" in known) and not type_.startswith("kubernetes:")
        if takes_tags and type_ not in TAGGABLE:
            missing.append(type_)
    assert missing == [], "add these to policy/rules/multicloud.py TAGGABLE"


def test_the_runner_catches_a_real_defect_and_prints_it_like_the_cli():
    """End to end on a real stack: turning the danger switch on trips the protection rules, which a
    user must then disable in the pack config on purpose (the second key)."""
    dangerous = built_dangerous("aws-production")
    fired = {v.policy for v in dangerous.report.mandatory}
    assert {"aws-rds-deletion-safeguards", "stateful-resources-protected"} <= fired
    text = dangerous.report.render()
    assert text.startswith("Policy Violations:")
    assert "[mandatory]  braintrust-data-plane v" in text
    assert "aws-rds-deletion-safeguards (acme-prod-db-instance: aws:rds/instance:Instance)" in text


def test_the_public_ai_proxy_function_url_is_flagged_as_advisory_and_the_gateway_route_is_not():
    """The default builds upstream's unauthenticated AIProxy URL: the advisory rule sees the real resource; the
    opt-in route through API Gateway builds no public URL."""
    from .support import build

    default = build("aws-staging")
    flagged = [v for v in default.report.violations if v.policy == "aws-lambda-function-url-authenticated"]
    assert len(flagged) == 1 and "anyone on the internet" in flagged[0].message
    assert not default.report.mandatory
    gateway = build("aws-staging", mutate=lambda v: v["aws"].update(ai_proxy_route="api_gateway"), key="gateway")
    assert not [v for v in gateway.report.violations if v.policy == "aws-lambda-function-url-authenticated"]
