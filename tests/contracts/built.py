"""The six stacks, each built once per test session from its real stack file, as plain data.

Every contract test reads resources from here: the recording mocks' view (type, name, inputs with Pulumi
secrets unwrapped), never a hand-made fixture, so what is checked is what ``pulumi up`` would send.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from components.config import Cloud
from tests.support.harness import reset_runtime, unwrap
from tests.support.stacks import build_stack, stack_config, stack_names

STACKS: tuple[str, ...] = tuple(stack_names())


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
    return [name for name in STACKS if stack_config(name).cloud is cloud]


@cache
def built(name: str) -> Stack:
    cfg = stack_config(name)
    try:
        harness = build_stack(name)
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
