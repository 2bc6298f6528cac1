"""Turn raw stack configuration into a validated ``DataPlaneConfig`` or one readable error.

``__main__.py`` feeds this from ``pulumi.Config``; tests and tools feed it from the stack YAML files.
Neither path raises a Python traceback for a user mistake: everything becomes a ``ConfigError``
listing every problem with its key path.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .root import DataPlaneConfig, Problem, cross_field_problems

NAMESPACE = "braintrust"
# Secret keys are read separately (pulumi.Config.require_secret) and never enter the model.
SECRET_KEYS: tuple[str, ...] = ("brainstore_license_key",)
_MAX_GIVEN = 80


class ConfigError(Exception):
    """Invalid stack configuration; ``str()`` is the message shown to the user."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: p.path)
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        lines = [f"Invalid Braintrust stack configuration ({count} problem{'s' if count != 1 else ''}):"]
        lines += [f"  - {NAMESPACE}:{p.path}: {p.message}" for p in self.problems]
        lines.append("Fix the keys above in stacks/Pulumi.<stack>.yaml (see README: Configuration reference).")
        return "\n".join(lines)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.problems]


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(root)"


def _given(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= _MAX_GIVEN else text[: _MAX_GIVEN - 3] + "..."


def _from_validation_error(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against the configuration reference)"
        elif item["type"] == "missing":
            message = "is required"
        elif "input" in item and not isinstance(item["input"], dict):
            message = f"{message} (given: {_given(item['input'])})"
        problems.append(Problem(path=_path(loc), message=message))
    return problems


def parse_config(
    raw: Mapping[str, Any],
    *,
    today: dt.date,
    secrets_set: Iterable[str] = SECRET_KEYS,
    plaintext_secrets: Iterable[str] = (),
) -> DataPlaneConfig:
    """Validate raw config values (keys without the namespace). Raises ConfigError."""
    problems: list[Problem] = []
    values = {k: v for k, v in raw.items() if k not in SECRET_KEYS}
    plaintext_secrets = list(plaintext_secrets)
    for key in SECRET_KEYS:
        if key not in set(secrets_set) and key not in plaintext_secrets:
            problems.append(Problem(path=key, message=(
                f"is required: pulumi config set --secret {key} <value> (from your Braintrust contact)")))
    for key in plaintext_secrets:
        problems.append(Problem(path=key, message=f"must be stored encrypted: pulumi config set --secret {key} ..."))
    try:
        cfg = DataPlaneConfig.model_validate(values)
    except ValidationError as error:
        field_problems = _from_validation_error(error)
        more = _cross_field_best_effort(values, field_problems, today)
        raise ConfigError([*problems, *field_problems, *more]) from None
    problems += cross_field_problems(cfg, today)
    if problems:
        raise ConfigError(problems)
    return cfg


def _cross_field_best_effort(values: Mapping[str, Any], found: list[Problem], today: dt.date) -> list[Problem]:
    """Also report cross-field problems when some keys are invalid, so one run lists everything.

    The invalid keys are removed (their defaults apply); if the rest validates, its cross-field
    problems are reported, except those about the removed keys.
    """
    broken = [p.path for p in found]
    rest = copy.deepcopy(dict(values))
    for path in broken:
        _remove(rest, path)
    try:
        partial = DataPlaneConfig.model_validate(rest)
    except ValidationError:
        return []

    def about_broken(problem: Problem) -> bool:
        return any(problem.path == b or problem.path.startswith((b + ".", b + "[")) or
                   b.startswith((problem.path + ".", problem.path + "[")) for b in broken)

    return [p for p in cross_field_problems(partial, today) if not about_broken(p)]


def _remove(values: dict[str, Any], path: str) -> None:
    """Delete a dotted path (list indices in brackets remove the whole list) if present."""
    keys = path.split("[", maxsplit=1)[0].split(".")
    node: Any = values
    for key in keys[:-1]:
        if not isinstance(node, dict) or key not in node:
            return
        node = node[key]
    if isinstance(node, dict):
        node.pop(keys[-1], None)


def decode_value(value: Any) -> Any:
    """Pulumi hands structured config to programs as JSON strings; scalars stay strings."""
    if (isinstance(value, str) and value[:1] in ("{", "[")) or value in ("true", "false"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def split_namespace(config: Mapping[str, Any]) -> dict[str, Any]:
    """`braintrust:key` -> `key`; other namespaces (aws:, pulumi:) are ignored."""
    prefix = f"{NAMESPACE}:"
    return {k[len(prefix):]: decode_value(v) for k, v in config.items() if k.startswith(prefix)}


def stack_names(stacks_dir: Path) -> list[str]:
    """Names of the stacks with a `Pulumi.<stack>.yaml` in ``stacks_dir``."""
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in stacks_dir.glob("Pulumi.*.yaml"))


class StackFile:
    """A committed `stacks/Pulumi.<stack>.yaml` read offline (tests, plan report).

    Committed stack files carry no secrets (ciphertext is per stack and per backend); the secret keys
    are set with `pulumi config set --secret`. Offline readers pass ``stand_ins`` for them; a
    `secure:` value present in the file is replaced by its stand-in too.
    """

    def __init__(self, path: Path, stand_ins: Mapping[str, str] | None = None):
        self.path = path
        self.name = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        document = yaml.safe_load(path.read_text()) or {}
        config = document.get("config") or {}
        self.values: dict[str, Any] = {}
        self.secrets: dict[str, str] = {}
        self.plaintext_secrets: list[str] = []
        prefix = f"{NAMESPACE}:"
        for full_key, value in config.items():
            if not full_key.startswith(prefix):
                continue
            key = full_key[len(prefix):]
            if isinstance(value, dict) and set(value) == {"secure"}:
                self.secrets[key] = (stand_ins or {}).get(key, f"stand-in-{key}")
            elif key in SECRET_KEYS:
                self.plaintext_secrets.append(key)
            else:
                self.values[key] = value
        for key, value in (stand_ins or {}).items():
            if key not in self.plaintext_secrets:
                self.secrets.setdefault(key, value)

    def parse(self, today: dt.date) -> DataPlaneConfig:
        return parse_config(
            self.values, today=today, secrets_set=self.secrets, plaintext_secrets=self.plaintext_secrets
        )
