"""Each Lambda function gets the environment Braintrust's own module gives it (ledger: components/facts/aws.py,
``braintrust.aws.lambda_env.*``, read from upstream's modules/services/lambda-*.tf), apart from the
differences listed here, each on purpose and explained."""

from __future__ import annotations

import json

import pytest

from components.aws import functions as fn
from components.config import DataPlaneConfig
from components.facts import aws as aws_facts
from tests.support.harness import Harness
from tests.support.stacks import build_stack

from .conftest import Mutation, aws_set, both, environment, function

# Variables we add to every function, which upstream does not have.
OURS_EVERYWHERE = {
    # The secrets wrapper (components/aws/lambda_layer): secret values are resolved from Secrets Manager at
    # cold start instead of sitting in plaintext in the configuration, as upstream's do. The secret
    # variables themselves (PG_URL, REDIS_URL, *_SECRET_KEY) still reach the runtime: they are counted
    # below from the wrapper's map, so they are not differences.
    "AWS_LAMBDA_EXEC_WRAPPER",
    "BRAINTRUST_SECRET_ARNS",
    # Node.js functions: the RDS CA bundle, so clients that verify certificates accept sslmode=require.
    "NODE_EXTRA_CA_CERTS",
}
# Variables we add to some functions.
OURS_PER_FUNCTION: dict[str, set[str]] = {
    # Our Redis requires TLS and AUTH (upstream's default does neither): REDIS_URL (rediss:// with the token,
    # a secret) is how a function gets both. Upstream gives REDIS_URL to AutomationCron always, and to the
    # API functions in its TLS mode; we give it to every function that talks to Redis.
    fn.CATCHUP_ETL: {"REDIS_URL"},
    fn.BILLING_CRON: {"REDIS_URL"},
    fn.QUARANTINE_WARMUP: {"REDIS_URL"},
}
# Variables upstream always sets that we do not set. None today: each reaches the runtime, plainly or
# through the wrapper (upstream's null-by-default BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE is in the
# contract's conditional part). Add an entry, with the reason, before leaving one out.
UPSTREAM_ONLY: dict[str, set[str]] = {}


def _ours(env: dict[str, str]) -> set[str]:
    """Plain variables plus the secret ones the wrapper exports at cold start."""
    return set(env) | set(json.loads(env["BRAINTRUST_SECRET_ARNS"]))


def _keys(h: Harness, cfg: DataPlaneConfig) -> list[str]:
    return [f.inputs["name"].removeprefix(f"{cfg.deployment_name}-") for f in h.of_type("aws:lambda/function:Function")]


def test_every_function_has_a_contract():
    assert set(aws_facts.LAMBDA_ENVIRONMENT) == {s.key for s in fn.specs(1024, 1024, quarantine=True)}


def test_each_function_gets_upstreams_variables_and_only_known_ones(stack_and_config: tuple[Harness,
                                                                                            DataPlaneConfig]):
    stack, cfg = stack_and_config
    for key in _keys(stack, cfg):
        contract = aws_facts.LAMBDA_ENVIRONMENT[key]
        ours = _ours(environment(function(stack, key)))
        missing = contract.always - ours - UPSTREAM_ONLY.get(key, set())
        assert not missing, f"{key} lacks what upstream sets: {sorted(missing)}"
        unknown = ours - contract.always - contract.conditional - OURS_EVERYWHERE - OURS_PER_FUNCTION.get(key, set())
        assert not unknown, f"{key} gets variables upstream does not know: {sorted(unknown)}"


def test_upstreams_defaults_for_rate_limits_and_billing_telemetry(stack_and_config: tuple[Harness,
                                                                                          DataPlaneConfig]):
    stack, cfg = stack_and_config
    for key in (fn.API_HANDLER, fn.AI_PROXY):
        env = environment(function(stack, key))
        assert (env["OUTBOUND_RATE_LIMIT_MAX_REQUESTS"], env["OUTBOUND_RATE_LIMIT_WINDOW_MINUTES"]) == ("0", "1")
    for key in (fn.API_HANDLER, fn.AI_PROXY, fn.BILLING_CRON):
        env = environment(function(stack, key))
        assert (env["TELEMETRY_DISABLE_AGGREGATION"], env["TELEMETRY_LOG_LEVEL"]) == ("false", "")
    assert environment(function(stack, fn.QUARANTINE_WARMUP))["BRAINTRUST_DEPLOYMENT_NAME"] == cfg.deployment_name
    for key in (fn.CATCHUP_ETL, fn.AUTOMATION_CRON):
        assert "BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE" not in environment(function(stack, key))


def test_rate_limits_and_the_backfill_batch_size_are_configurable():
    h = build_stack("aws-staging", mutate=both(
        aws_set("lambda.outbound_rate_limit_max_requests", 600),
        aws_set("lambda.outbound_rate_limit_window_minutes", 5), aws_set("lambda.brainstore_etl_batch_size", 250)))
    for key in (fn.API_HANDLER, fn.AI_PROXY):
        env = environment(function(h, key))
        assert (env["OUTBOUND_RATE_LIMIT_MAX_REQUESTS"], env["OUTBOUND_RATE_LIMIT_WINDOW_MINUTES"]) == ("600", "5")
    for key in (fn.CATCHUP_ETL, fn.AUTOMATION_CRON):
        assert environment(function(h, key))["BRAINSTORE_BACKFILL_HISTORICAL_BATCH_SIZE"] == "250"


@pytest.mark.parametrize("mutation", [
    aws_set(".brainstore.fast_reader.count", 2),
    aws_set("lambda.brainstore_etl_batch_size", 100),
    aws_set("quarantine.enabled", False),
])
def test_optional_settings_stay_within_upstreams_contract(mutation: Mutation):
    h = build_stack("aws-production", mutate=mutation)
    for f in h.of_type("aws:lambda/function:Function"):
        key = f.inputs["name"].removeprefix("acme-prod-")
        contract, ours = aws_facts.LAMBDA_ENVIRONMENT[key], _ours(environment(f))
        assert not contract.always - ours - UPSTREAM_ONLY.get(key, set()), key
        unknown = ours - contract.always - contract.conditional - OURS_EVERYWHERE - OURS_PER_FUNCTION.get(key, set())
        assert not unknown, f"{key}: {sorted(unknown)}"


def test_without_a_quarantine_its_variables_are_empty_as_upstream_sets_them():
    h = build_stack("aws-staging", mutate=aws_set("quarantine.enabled", False))
    for key in (fn.API_HANDLER, fn.AI_PROXY):
        env = environment(function(h, key))
        assert {name: env[name] for name in env if name.startswith("QUARANTINE_")} == {
            "QUARANTINE_INVOKE_ROLE": "", "QUARANTINE_FUNCTION_ROLE": "", "QUARANTINE_PRIVATE_SUBNET_1_ID": "",
            "QUARANTINE_PRIVATE_SUBNET_2_ID": "", "QUARANTINE_PRIVATE_SUBNET_3_ID": "",
            "QUARANTINE_PUB_PRIVATE_VPC_DEFAULT_SECURITY_GROUP": "", "QUARANTINE_PUB_PRIVATE_VPC_ID": ""}


def test_apihandler_rejects_user_urls_into_the_network_by_default_and_follows_the_setting():
    """SSRF protection on Lambda too (APIHandler runs inside the VPC): the same url_security settings as the
    chart, under upstream's variable names; only APIHandler gets them, as upstream."""
    default = build_stack("aws-staging")
    env = environment(function(default, fn.API_HANDLER))
    assert env["BRAINTRUST_UNSAFE_URL_REQUEST_MODE"] == "reject"
    assert "BRAINTRUST_URL_SECURITY_ALLOW_CIDRS" not in env
    assert "BRAINTRUST_UNSAFE_URL_REQUEST_MODE" not in environment(function(default, fn.AI_PROXY))
    configured = build_stack("aws-staging", mutate=lambda v: v.update(url_security={
        "unsafe_url_request_mode": "proxy", "dns_servers": ["10.175.0.2"], "allow_cidrs": ["10.30.0.0/16"]}))
    env = environment(function(configured, fn.API_HANDLER))
    assert (env["BRAINTRUST_UNSAFE_URL_REQUEST_MODE"], env["BRAINTRUST_URL_SECURITY_DNS_SERVERS"],
            env["BRAINTRUST_URL_SECURITY_ALLOW_CIDRS"]) == ("proxy", "10.175.0.2", "10.30.0.0/16")
