"""Fabricated provider behaviour: outputs per resource type and results per invoke token.

Per-cloud modules (``fakes_aws``, ``fakes_gcp``, ``fakes_azure``, ``fakes_k8s``) register their
entries with ``output`` and ``invoke``. Unregistered resources echo their inputs plus an id and name,
which is what most tests need; register a faker when code reads a computed output (ARNs, endpoints).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

AWS_ACCOUNT = "123456789012"
GCP_PROJECT = "acme-braintrust-prod"
AZURE_SUBSCRIPTION = "00000000-0000-4000-8000-000000000001"
AZURE_TENANT = "00000000-0000-4000-8000-000000000002"

OutputFaker = Callable[[MockResourceArgs, str], dict[str, Any]]
InvokeFaker = Callable[[MockCallArgs, str], dict[str, Any]]

_OUTPUTS: dict[str, OutputFaker] = {}
_INVOKES: dict[str, InvokeFaker] = {}


def output(type_token: str) -> Callable[[OutputFaker], OutputFaker]:
    def register(fn: OutputFaker) -> OutputFaker:
        _OUTPUTS[type_token] = fn
        return fn

    return register


def invoke(token: str) -> Callable[[InvokeFaker], InvokeFaker]:
    def register(fn: InvokeFaker) -> InvokeFaker:
        _INVOKES[token] = fn
        return fn

    return register


def outputs_for(args: MockResourceArgs, region: str) -> tuple[str | None, dict[str, Any]]:
    state: dict[str, Any] = dict(args.inputs)
    state.setdefault("name", args.name)
    faker = _OUTPUTS.get(args.typ)
    if faker is not None:
        state.update(faker(args, region))
    resource_id = state.get("id") or f"{args.name}-id"
    return str(resource_id), state


def invoke_result(args: MockCallArgs, region: str) -> dict[str, Any]:
    faker = _INVOKES.get(args.token)
    if faker is None:
        raise AssertionError(
            f"no fake for invoke {args.token}; register one in tests/support/fakes_*.py "
            "(an unmocked data source would silently return nothing)"
        )
    return faker(args, region)


def registered_invokes() -> list[str]:
    return sorted(_INVOKES)


# Registration side effects: keep at the bottom so the decorators above exist.
from . import fakes_aws, fakes_azure, fakes_gcp, fakes_k8s  # noqa: E402, F401
