"""Both AWS stacks, built once per session from their real stack files under mocks, plus query helpers."""

from __future__ import annotations

import base64
import importlib
import inspect
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockResourceArgs

from components.config import DataPlaneConfig
from tests.support.harness import Harness, unwrap
from tests.support.stacks import build_stack, stack_config

STACKS = ("aws-staging", "aws-production")
Mutation = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="session")
def staging() -> Harness:
    return build_stack("aws-staging")


@pytest.fixture(scope="session")
def production() -> Harness:
    return build_stack("aws-production")


@pytest.fixture(scope="session", params=STACKS)
def stack(request: pytest.FixtureRequest, staging: Harness, production: Harness) -> Harness:
    return staging if request.param == "aws-staging" else production


@pytest.fixture(scope="session", params=STACKS)
def stack_and_config(request: pytest.FixtureRequest, staging: Harness,
                     production: Harness) -> tuple[Harness, DataPlaneConfig]:
    harness = staging if request.param == "aws-staging" else production
    return harness, stack_config(request.param)


def aws_set(path: str, value: Any) -> Mutation:
    """Set a dotted key under `aws` (or at the root with a leading '.') in the raw stack values."""

    def mutate(values: dict[str, Any]) -> None:
        keys = path.removeprefix(".").split(".") if path.startswith(".") else ["aws", *path.split(".")]
        node = values
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(values: dict[str, Any]) -> None:
        for m in mutations:
            m(values)

    return mutate




def contains_secret_wrapper(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, dict):
        return any(contains_secret_wrapper(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secret_wrapper(v) for v in value)
    return False


def statements(resource: MockResourceArgs, key: str = "policy") -> list[dict[str, Any]]:
    document = unwrap(resource.inputs[key])
    return (json.loads(document) if isinstance(document, str) else document)["Statement"]


def user_data(resource: MockResourceArgs) -> str:
    return base64.b64decode(resource.inputs["userData"]).decode()


def environment(resource: MockResourceArgs) -> dict[str, Any]:
    return resource.inputs["environment"]["variables"]


def function(h: Harness, key: str) -> MockResourceArgs:
    found = [r for r in h.of_type("aws:lambda/function:Function") if r.inputs["name"].endswith(f"-{key}")]
    assert len(found) == 1, f"expected one {key} function, found {[r.inputs['name'] for r in found]}"
    return found[0]


@cache
def taggable(type_token: str) -> bool:
    """Whether the pulumi-aws resource class for ``type_token`` accepts `tags`."""
    package, module_path, class_name = type_token.split(":")
    if package != "aws":
        return False
    module = module_path.split("/")[0]
    module = {"lambda": "lambda_", "index": ""}.get(module, module)
    python_module = importlib.import_module(f"pulumi_aws.{module}" if module else "pulumi_aws")
    cls = getattr(python_module, class_name)
    return "tags" in inspect.signature(cls._internal_init).parameters


def tags_of(resource: MockResourceArgs) -> dict[str, str]:
    tags = resource.inputs.get("tags")
    if isinstance(tags, list):  # Auto Scaling groups: [{key, value, propagateAtLaunch}]
        return {t["key"]: t["value"] for t in tags}
    return dict(tags or {})
