"""One external fact and the registry that collects them (see ``components/facts/__init__.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar


class Check(StrEnum):
    """How far a fact can be verified without a cloud account."""

    CONTRACT = "contract"  # compared with a published model by tests/contracts
    UPSTREAM = "upstream"  # read from a Braintrust repository at a pinned commit
    DOCS = "docs"  # vendor documentation only: a residual risk


@dataclass(frozen=True)
class Fact:
    """``name`` is unique and dotted (``aws.lambda.max_env_bytes``); ``source`` is a URL or ``repo/path:line``."""

    name: str
    value: Any
    source: str
    check: Check
    note: str = ""

    @property
    def residual_risk(self) -> bool:
        return self.check is Check.DOCS


_LEDGER: dict[str, Fact] = {}
T = TypeVar("T")


def register(name: str, value: T, source: str, check: Check, note: str = "") -> T:
    """Record a fact and hand its value back, so the constant that uses it is defined in one line:

    ``MAX_ENV_BYTES = register("aws.lambda.max_env_bytes", 4096, "https://...", Check.DOCS)``
    """
    fact = Fact(name=name, value=value, source=source, check=check, note=note)
    existing = _LEDGER.get(name)
    if existing is not None and existing != fact:
        raise ValueError(f"fact {name!r} registered twice with different contents")
    _LEDGER[name] = fact
    return value


def ledger() -> dict[str, Fact]:
    """Every fact registered so far (import the modules that define them first: ``load_all``)."""
    return dict(_LEDGER)
