"""Build whole stacks from their real stack files under mocks.

Secrets: committed stack files hold none. Tests supply ``STAND_INS`` (distinctive strings, so a scan
of every resource input can prove that no secret leaks in plaintext).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pulumi

from components.config import DataPlaneConfig, StackFile, loading, parse_config

from .harness import Harness, new_harness, run

ROOT = Path(__file__).resolve().parents[2]
STACKS_DIR = ROOT / "stacks"


def _week_after_newest_pin() -> dt.date:
    dates = [dt.date.fromisoformat(str(StackFile(path).values["release"]["release_date"]))
             for path in STACKS_DIR.glob("Pulumi.*.yaml")]
    return max(dates) + dt.timedelta(days=7)


# Stack files pin a release date; tests judge its age against a day fixed by the pins themselves (a week
# after the newest one), never the wall clock, so CI does not change verdict as the calendar moves and a
# `make release` bump keeps the suite meaningful. The age rule itself is tested with injected dates, and
# tests/components/facts/test_releases.py shows what the pins mean on the day they were last reviewed.
FIXED_TODAY = _week_after_newest_pin()
STAND_INS: dict[str, str] = {"brainstore_license_key": "STANDIN-LICENSE-4f1c9a7e2b"}


Mutation = Callable[[dict[str, Any]], None]


def set_path(path: str, value: Any) -> Mutation:
    """A mutation of the raw stack values that sets a dotted path (creating dicts on the way)."""

    def mutate(values: dict[str, Any]) -> None:
        keys = path.split(".")
        node = values
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value

    return mutate


def stack_names() -> list[str]:
    return loading.stack_names(STACKS_DIR)


def stack_file(name: str) -> StackFile:
    return StackFile(STACKS_DIR / f"Pulumi.{name}.yaml", stand_ins=STAND_INS)


def stack_config(name: str, *, today: dt.date = FIXED_TODAY,
                 mutate: Callable[[dict[str, Any]], None] | None = None,
                 secret_keys: Iterable[str] = ()) -> DataPlaneConfig:
    """The stack's validated config; ``secret_keys`` marks more keys as stored with --secret."""
    sf = stack_file(name)
    values = dict(sf.values)
    if mutate is not None:
        mutate(values)
    return parse_config(values, today=today, secrets_set=sf.secrets, plaintext_secrets=sf.plaintext_secrets,
                        secret_keys={*sf.secret_keys, *secret_keys})


def build_config(cfg: DataPlaneConfig, *, stack: str = "test", secrets: Mapping[str, str] | None = None,
                 preview: bool = False) -> Harness:
    """Run the real program (components.program.deploy) for ``cfg`` under fresh mocks."""
    from components.program import Secrets, deploy

    values = {**STAND_INS, **(secrets or {})}
    harness = new_harness(stack=stack, region=cfg.region, preview=preview)

    def program() -> Mapping[str, Any]:
        secret_values = Secrets(brainstore_license_key=pulumi.Output.secret(values["brainstore_license_key"]))
        return deploy(cfg, secret_values)

    return run(harness, program)


def build_stack(name: str, *, today: dt.date = FIXED_TODAY, preview: bool = False,
                mutate: Callable[[dict[str, Any]], None] | None = None, secret_keys: Iterable[str] = ()) -> Harness:
    """Build the stack ``name`` from stacks/Pulumi.<name>.yaml (optionally mutated first)."""
    cfg = stack_config(name, today=today, mutate=mutate, secret_keys=secret_keys)
    return build_config(cfg, stack=name, preview=preview)
