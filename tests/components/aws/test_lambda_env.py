"""The Lambda environment budget (4 KB per function) is counted at config time, and the count is real.

The config-time bound (components/config/lambda_env.py) must cover what the program really sets: every
variable of every function built under mocks is listed there, no value exceeds its bound, and so no total
exceeds the bound the config check uses. A config whose extra_env would cross the limit fails by name,
before any resource.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from components.config import ConfigError, DataPlaneConfig, lambda_env
from components.facts import secrets as facts
from tests.support.harness import Harness, reset_runtime, unwrap
from tests.support.stacks import build_config, stack_config


# The stacks (the AI proxy on its function URL, the default), plus a variant that adds every variable set
# only when configured: the fast reader's, the URL-security lists, the ETL batch size; it also routes the AI
# proxy through API Gateway (AI_PROXY_FN_URL is then CloudFront's domain).
def _fast_reader_and_gateway(values: dict[str, Any]) -> None:
    values.setdefault("brainstore", {}).update({"fast_reader": {"count": 2}})
    values["aws"].update({"ai_proxy_route": "api_gateway"})
    values["aws"]["lambda"] = {**values["aws"].get("lambda", {}), "brainstore_etl_batch_size": 5000}
    values["url_security"] = {"dns_servers": ["10.175.0.2"], "allow_cidrs": ["10.30.0.0/16", "10.31.0.0/16"]}


VARIANTS: dict[str, tuple[str, Callable[[dict[str, Any]], None] | None]] = {
    "aws-staging": ("aws-staging", None),
    "aws-production": ("aws-production", None),
    "aws-production-fast-reader-gateway": ("aws-production", _fast_reader_and_gateway),
}


@cache
def _variant(name: str) -> tuple[DataPlaneConfig, Harness]:
    stack, mutate = VARIANTS[name]
    cfg = stack_config(stack, mutate=mutate)
    try:
        return cfg, build_config(cfg, stack=stack)
    finally:
        reset_runtime()


def _environments(h: Harness) -> dict[str, dict[str, str]]:
    return {r.name: unwrap(r.inputs["environment"]["variables"]) for r in h.of_type("aws:lambda/function:Function")}


def _measured(env: dict[str, str]) -> int:
    return len(json.dumps(env, separators=(",", ":")))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variable_the_program_sets_is_budgeted(variant: str):
    _, h = _variant(variant)
    environments = _environments(h)
    assert len(environments) >= 6
    unlisted = {f"{fn}: {name}" for fn, env in environments.items() for name in env
                if name not in lambda_env.OWN_VARIABLES}
    assert unlisted == set(), "add them to components/config/lambda_env.py OWN_VARIABLES"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_no_value_exceeds_its_bound_and_no_function_the_total(variant: str):
    cfg, h = _variant(variant)
    bound = lambda_env.own_bound(cfg)
    for fn, env in _environments(h).items():
        unbudgeted = sorted(name for name in env if name not in bound)
        assert unbudgeted == [], f"{fn}: set although the budget counts them as unset"
        over = {name: (len(json.dumps(value)) - 2, bound[name]) for name, value in env.items()
                if len(json.dumps(value)) - 2 > bound[name]}
        assert over == {}, f"{fn}: value longer than its bound"
        assert _measured(env) <= lambda_env.total_bound(cfg) <= facts.LAMBDA_MAX_ENVIRONMENT_BYTES


def test_the_variants_really_set_the_variables_they_exist_for():
    _, h = _variant("aws-production-fast-reader-gateway")
    handler = next(env for fn, env in _environments(h).items() if fn.endswith("APIHandler"))
    assert "BRAINSTORE_FAST_READER_URL" in handler and ".lambda-url." not in handler["AI_PROXY_FN_URL"]
    assert handler["BRAINTRUST_URL_SECURITY_ALLOW_CIDRS"] == "10.30.0.0/16,10.31.0.0/16"
    _, h = _variant("aws-production")
    handler = next(env for fn, env in _environments(h).items() if fn.endswith("APIHandler"))
    assert ".lambda-url." in handler["AI_PROXY_FN_URL"]


def test_secret_names_in_the_mapping_are_the_budgeted_ones():
    cfg, h = _variant("aws-production")
    handler = next(env for fn, env in _environments(h).items() if fn.endswith("APIHandler"))
    mapping = json.loads(handler["BRAINTRUST_SECRET_ARNS"])
    assert set(mapping) == set(lambda_env.API_SECRET_VARIABLES)
    for arn in mapping.values():
        name = re.sub(r"-[A-Za-z0-9]{6}$", "", arn.split(":secret:", 1)[1])  # the mocks add no auto-name suffix
        assert name.removeprefix(f"{cfg.deployment_name}-") in lambda_env.SECRET_ROLES, name


@pytest.mark.parametrize("stack", ["aws-staging", "aws-production"])
def test_committed_stacks_leave_room_for_extra_env(stack: str):
    """Room for a handful of extra_env variables under the conservative bound (the Redis host at 255
    characters, ARNs at their longest names); the measured environments are ~1,000 bytes smaller. Upstream's
    variables (telemetry, outbound rate limit) took ~150 bytes of the 500 this asked before."""
    cfg = stack_config(stack)
    assert facts.LAMBDA_MAX_ENVIRONMENT_BYTES - lambda_env.total_bound(cfg) >= 300


def _extra_env(size: int) -> dict[str, str]:
    """Variables whose compact-JSON pairs take exactly ``size`` bytes (each pair plus its comma)."""
    out: dict[str, str] = {}
    remaining, i = size, 0
    while remaining > 0:
        name = f"BRAINTRUST_X{i:03d}"
        overhead = len(json.dumps(name)) + 1 + 2 + 1
        value_chars = min(max(remaining - overhead, 0), 200)
        out[name] = "v" * value_chars
        remaining -= overhead + value_chars
        i += 1
    assert remaining == 0, "pick a size the helper can hit exactly"
    return out


def test_extra_env_that_crosses_4_kb_is_refused_at_config_time_with_the_budget():
    base = stack_config("aws-production")
    room = facts.LAMBDA_MAX_ENVIRONMENT_BYTES - lambda_env.total_bound(base)
    fits = _extra_env(room)
    cfg = stack_config("aws-production", mutate=lambda v: v["aws"]["lambda"].update(extra_env=fits))
    assert lambda_env.total_bound(cfg) == facts.LAMBDA_MAX_ENVIRONMENT_BYTES
    crossing = {**fits, "BRAINTRUST_ONE_MORE": "x"}
    with pytest.raises(ConfigError) as error:
        stack_config("aws-production", mutate=lambda v: v["aws"]["lambda"].update(extra_env=crossing))
    assert error.value.paths == ["aws.lambda.extra_env"]
    message = error.value.problems[0].message
    assert f"Lambda allows {facts.LAMBDA_MAX_ENVIRONMENT_BYTES}" in message and f"within {room} bytes" in message


def test_a_config_that_overflows_without_extra_env_names_its_biggest_key():
    ids = [f"5b0f6a8e-3c1d-4d8e-9a2b-{i:012d}" for i in range(40)]
    with pytest.raises(ConfigError) as error:
        stack_config("aws-staging", mutate=lambda v: v["org"].update(allowed_org_ids=ids))
    assert error.value.paths == ["org.allowed_org_ids"]
