"""The six stacks and a few opt-in variants of them, each built once per test session from its real stack
file, as plain data.

Every contract test reads resources from here: the recording mocks' view (type, name, inputs with Pulumi
secrets unwrapped), never a hand-made fixture, so what is checked is what ``pulumi up`` would send.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from components.config import Cloud, DataPlaneConfig
from tests.support.harness import reset_runtime, unwrap
from tests.support.stacks import build_stack, stack_config, stack_names

_CERTIFICATE = "arn:aws:acm:us-east-1:111122223333:certificate/1f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
# Opt-in shapes the example stacks do not use, built too so their values are checked as well:
# name -> (stack file, mutation of its braintrust:* values).
VARIANTS: dict[str, tuple[str, Callable[[dict[str, Any]], None]]] = {
    "aws-staging~ai-proxy-via-api-gateway": (
        "aws-staging", lambda values: values["aws"].update(ai_proxy_route="api_gateway")),
    # The API on ECS serving CloudFront, over HTTPS inside the VPC (the production example builds it warm, HTTP).
    "aws-staging~ecs-serving-https": (
        "aws-staging", lambda values: values["aws"].update(api={
            "runtime": "ecs", "alb_domain": "api-internal.acme.example.com",
            "alb_certificate_arn": _CERTIFICATE})),
}
STACKS: tuple[str, ...] = (*stack_names(), *VARIANTS)


def _source(name: str) -> tuple[str, Callable[[dict[str, Any]], None] | None]:
    return VARIANTS.get(name, (name, None))


@dataclass(frozen=True)
class Resource:
    typ: str
    name: str
    inputs: Mapping[str, Any]


@dataclass(frozen=True)
class Stack:
    name: str
    cloud: Cloud
    region: str
    resources: tuple[Resource, ...]

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.typ in types]


def stacks_of(cloud: Cloud) -> list[str]:
    return [name for name in STACKS if _config(name).cloud is cloud]


def _config(name: str) -> DataPlaneConfig:
    base, mutate = _source(name)
    return stack_config(base, mutate=mutate)


@cache
def built(name: str) -> Stack:
    cfg = _config(name)
    base, mutate = _source(name)
    try:
        harness = build_stack(base, mutate=mutate)
    finally:
        reset_runtime()  # the next build (maybe inside another test) starts from a clean engine
    resources = tuple(Resource(r.typ, r.name, unwrap(dict(r.inputs))) for r in harness.resources)
    return Stack(name=name, cloud=cfg.cloud, region=cfg.region, resources=resources)


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar inside ``value`` with its dotted path; list items add ``[]`` (``a.b[].c``)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from leaves(item, f"{path}[]")
    else:
        yield path, value


def values_at(inputs: Mapping[str, Any], path: str) -> list[Any]:
    """The scalars at ``path`` (``leaves`` notation) in one resource's inputs."""
    return [v for p, v in leaves(inputs) if p == path]


def as_document(value: Any) -> Any:
    """Policies reach the provider as JSON strings or as dicts: one form for checking."""
    return json.loads(value) if isinstance(value, str) else value
