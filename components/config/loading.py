"""Turn raw stack configuration into a validated ``DataPlaneConfig`` or one readable error.

``__main__.py`` feeds this from ``pulumi.Config``; tests and tools feed it from the stack YAML files.
Neither path raises a Python traceback for a user mistake: everything becomes a ``ConfigError``
listing every problem with its key path.

Types mean what they say (``common.StrictModel``): a date is a ``YYYY-MM-DD`` string (not a Unix
timestamp), a count is an integer (not ``true`` or ``"5"``), a switch is a boolean (not ``1`` or
``"yes"``), a size is a finite number (not ``.inf``). Before the model sees them, every key and string
is checked for control characters and every integer for the 32-bit range the clouds' APIs use; keys of
the providers' own namespaces (``aws:region``, ``gcp:project``...) are refused, because the program
builds explicit providers from ``braintrust:*`` keys and those keys would be silently ignored.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from components.facts import limits

from .common import given
from .root import DataPlaneConfig, Problem, cross_field_problems

NAMESPACE = "braintrust"
# Secret keys are read separately (pulumi.Config.require_secret) and never enter the model.
SECRET_KEYS: tuple[str, ...] = ("brainstore_license_key",)

# Namespaces of the providers the program builds itself (explicit providers never read stack config,
# and the stacks disable default providers), with the braintrust key that sets what a user meant.
PROVIDER_NAMESPACES: tuple[str, ...] = ("aws", "gcp", "google-beta", "azure-native", "azure", "kubernetes")
PROVIDER_KEYS_WE_SET: dict[str, str] = {
    "aws:region": "braintrust:region",
    "aws:allowedAccountIds": "braintrust:aws.account_id",
    "aws:defaultTags": "braintrust:tags",
    "gcp:project": "braintrust:gcp.project_id",
    "gcp:region": "braintrust:region",
    "gcp:zone": "braintrust:zones",
    "gcp:defaultLabels": "braintrust:tags",
    "azure-native:location": "braintrust:region",
    "azure-native:subscriptionId": "braintrust:azure.subscription_id",
    "azure-native:tenantId": "braintrust:azure.tenant_id",
}
# Keys a user may store with `pulumi config set --secret` (or `--secret --path <key>.<field>`, which makes the
# whole top-level key secret): every value under them stays a Pulumi secret wherever it becomes a resource
# input (tags: components/tags.py; remote_support: components/*/remote_support.py; alerts:
# components/*/monitoring.py; tests/test_secrecy.py).
# Any other key ends up in resource names, ARNs, ids or sizes, which Pulumi cannot keep secret, so storing
# it as a secret is refused rather than silently leaked.
SECRET_CAPABLE: dict[str, str] = {
    "alerts": "the pager webhook URL and the alert email addresses are secret inputs of every notification "
              "resource (SNS subscriptions, notification channels, action groups)",
    "brainstore_license_key": "stored only in the cloud's secret store (and the chart's Kubernetes Secret)",
    "remote_support": "AWS: the support role's trust policy (account ids, ExternalId) is a secret input; Azure: the "
                      "principal ids; not on GCP (an IAM binding's id names its member)",
    "tags": "tag and label values are secret inputs everywhere, provider default tags included (keys stay "
            "visible; secret values are not copied into Kubernetes labels)",
}
_REDACTED = "[secret]"


class ConfigError(Exception):
    """Invalid stack configuration; ``str()`` is the message shown to the user."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: p.path)
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        lines = [f"Invalid Braintrust stack configuration ({count} problem{'s' if count != 1 else ''}):"]
        lines += [f"  - {_printable(_cut(full_key(p.path)))}: {_printable(_cut(p.message, _MAX_MESSAGE))}"
                  for p in self.problems]
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


def full_key(path: str) -> str:
    """``org.name`` -> ``braintrust:org.name``; a key of another namespace (``aws:region``) stays as is."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    return path if ":" in head else f"{NAMESPACE}:{path}"


_MAX_MESSAGE = 600  # a message never floods the terminal, whatever a validator echoed


def _cut(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _printable(text: str) -> str:
    """Control and invisible characters shown as escapes, so a message cannot rewrite the terminal."""
    return "".join(c if not _invisible(c) else c.encode("unicode_escape").decode() for c in text)


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf") and char != " "


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any, bool]]:
    """(path, item, is_key) for every dict key and every leaf below ``node``."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, key, True
            yield from _walk(value, child)
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")
    else:
        yield path, node, False


def raw_value_problems(values: Mapping[str, Any]) -> list[Problem]:
    """Rules on every key and value, whatever model field it belongs to (the model never sees keys of
    maps such as ``tags`` as fields, and a control character is wrong in any of them)."""
    problems = []
    for path, item, is_key in _walk(values, ""):
        what = "key" if is_key else "value"
        if isinstance(item, str):
            bad = sorted({f"U+{ord(c):04X}" for c in item if _invisible(c)})
            if bad:
                problems.append(Problem(path=path, message=(
                    f"{what} contains control or invisible formatting characters ({', '.join(bad)}); "
                    "remove them")))
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > limits.INT32_MAX:
            problems.append(Problem(path=path, message=(
                f"is out of range: at most {limits.INT32_MAX} (the clouds' APIs take 32-bit integers) "
                f"(given: {given(item)})")))
    return problems


def provider_key_problems(provider_config: Mapping[str, Any]) -> list[Problem]:
    """Keys of the providers' namespaces: the program's explicit providers never read them."""
    problems = []
    for key in sorted(provider_config):
        instead = PROVIDER_KEYS_WE_SET.get(key)
        if instead:
            message = f"is ignored: the program sets it from {instead}; remove this key and set {instead}"
        else:
            message = ("has no effect: the program builds explicit providers from braintrust:* keys (stacks "
                       "disable default providers); remove it and give credentials through the environment "
                       "(AWS_PROFILE, GOOGLE_APPLICATION_CREDENTIALS, az login / ARM_* variables)")
        problems.append(Problem(path=key, message=message))
    return problems


def provider_keys(config: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of ``config`` that belong to a provider namespace the program builds itself."""
    return {k: v for k, v in config.items() if k.split(":", 1)[0] in PROVIDER_NAMESPACES and ":" in k}


def parse_engine_config(config: Mapping[str, Any], secret_full_keys: Iterable[str], *,
                        today: dt.date) -> DataPlaneConfig:
    """Validate what the engine hands a program: every config key with its namespace (``braintrust:org``,
    ``aws:region``) and which of them are stored as secrets. ``__main__.py`` and the deploy driver both go
    through here, so the driver refuses exactly what `pulumi up` refuses. Raises ConfigError."""
    raw = split_namespace(config)
    secret_full_keys = set(secret_full_keys)
    prefix = f"{NAMESPACE}:"
    present = {key for key in SECRET_KEYS if key in raw}
    plaintext = [key for key in sorted(present) if f"{prefix}{key}" not in secret_full_keys]
    # Pulumi reports the top-level key of a `--secret --path key.field` value.
    stored_secret = {key.removeprefix(prefix) for key in secret_full_keys if key.startswith(prefix)}
    return parse_config(raw, today=today, secrets_set=present, plaintext_secrets=plaintext,
                        secret_keys=stored_secret, provider_config=provider_keys(config))


def validate_model(values: Mapping[str, Any], secret_keys: frozenset[str] = frozenset(),
                   today: dt.date | None = None) -> DataPlaneConfig:
    """The model (raises ValidationError); ``StrictModel`` refuses the coercions that change meaning."""
    return DataPlaneConfig.model_validate(values, context={"secret_keys": secret_keys, "today": today})


def _from_validation_error(error: ValidationError, secret_keys: frozenset[str] = frozenset()) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against the configuration reference)"
        elif item["type"] == "missing":
            message = "is required"
        elif "input" in item and loc and loc[0] in secret_keys:
            message = f"{message} (given: {_REDACTED})"
        elif "input" in item and not isinstance(item["input"], dict):
            message = f"{message} (given: {given(item['input'])})"
        problems.append(Problem(path=_path(loc), message=message))
    return problems


def parse_config(
    raw: Mapping[str, Any],
    *,
    today: dt.date,
    secrets_set: Iterable[str] = SECRET_KEYS,
    plaintext_secrets: Iterable[str] = (),
    provider_config: Mapping[str, Any] | None = None,
    secret_keys: Iterable[str] = (),
) -> DataPlaneConfig:
    """Validate raw config values (keys without the namespace). Raises ConfigError.

    ``provider_config``: the stack's keys of other namespaces (``aws:region``...), full keys.
    ``secret_keys``: the top-level keys the stack stores as secrets (Pulumi's secret config keys without
    the namespace). The returned config remembers them (``cfg.is_secret``); no message echoes their values.
    """
    problems: list[Problem] = provider_key_problems(provider_keys(provider_config or {}))
    values = {k: v for k, v in raw.items() if k not in SECRET_KEYS}
    problems += raw_value_problems(values)
    plaintext_secrets = list(plaintext_secrets)
    secret_keys = frozenset(secret_keys)
    given_secrets = dict(secrets_set) if isinstance(secrets_set, Mapping) else {}
    for key in SECRET_KEYS:
        if key not in set(secrets_set) and key not in plaintext_secrets:
            problems.append(Problem(path=key, message=(
                f"is required: pulumi config set --secret {key} <value> (from your Braintrust contact)")))
        value = raw.get(key, given_secrets.get(key))
        if isinstance(value, str) and not value.strip():
            problems.append(Problem(path=key, message=(
                f"is set but empty: pulumi config set --secret {key} <value> (from your Braintrust contact)")))
    for key in plaintext_secrets:
        problems.append(Problem(path=key, message=f"must be stored encrypted: pulumi config set --secret {key} ..."))
    problems += _secret_key_problems(secret_keys)
    hidden = _secret_strings(raw, secret_keys | set(SECRET_KEYS))
    try:
        cfg = validate_model(values, secret_keys, today)
    except ValidationError as error:
        field_problems = _from_validation_error(error, secret_keys)
        more = _cross_field_best_effort(values, field_problems, today)
        raise ConfigError(_redacted([*problems, *field_problems, *more], hidden)) from None
    problems += cross_field_problems(cfg, today)
    if problems:
        raise ConfigError(_redacted(problems, hidden))
    return cfg


def _secret_key_problems(secret_keys: frozenset[str]) -> list[Problem]:
    """Secret keys whose values would end up in plaintext (names, ARNs, ids, sizes): refused, by name."""
    capable = ", ".join(sorted(SECRET_CAPABLE))
    return [Problem(path=key, message=(
        "is stored as a secret, but its values become resource names, ARNs, ids or sizes that cannot stay "
        f"secret; set it without --secret (keys that can be secret: {capable})"))
        for key in sorted(secret_keys) if key not in SECRET_CAPABLE]


def _secret_strings(raw: Mapping[str, Any], keys: Iterable[str]) -> set[str]:
    """Every scalar under the secret keys, as text (what an error message could echo)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif value is not None and str(value).strip():
            found.add(str(value))

    for key in keys:
        if key in raw:
            walk(raw[key])
    return found


def _redacted(problems: Iterable[Problem], hidden: set[str]) -> list[Problem]:
    """Problems whose messages no longer quote a secret value (quoted forms always; bare text when long
    enough not to collide with the words of a message)."""
    out = []
    for problem in problems:
        message = problem.message
        for value in sorted(hidden, key=len, reverse=True):
            for quoted in (repr(value), json.dumps(value)):
                message = message.replace(quoted, _REDACTED)
            if len(value) >= 6:
                message = message.replace(value, _REDACTED)
        out.append(problem if message == problem.message else Problem(path=problem.path, message=message))
    return out


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
        partial = validate_model(rest, today=today)
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
    are set with `pulumi config set --secret`. Offline readers pass ``stand_ins`` for them; a `secure:`
    value present in the file (at the top or nested in an object) is replaced by its stand-in (keyed by
    its dotted path; a generated one otherwise), and its top-level key is recorded in ``secret_keys``,
    exactly as Pulumi reports it to the program.
    """

    def __init__(self, path: Path, stand_ins: Mapping[str, Any] | None = None):
        self.path = path
        self.name = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        document = yaml.safe_load(path.read_text()) or {}
        config = document.get("config") or {}
        stand_ins = dict(stand_ins or {})
        self.values: dict[str, Any] = {}
        self.secrets: dict[str, str] = {}
        self.plaintext_secrets: list[str] = []
        # Keys of the providers' namespaces: refused by parse_config exactly as `pulumi up` refuses them.
        self.provider_values: dict[str, Any] = provider_keys(config)
        self.secret_keys: set[str] = set()
        prefix = f"{NAMESPACE}:"
        for key_in_file, value in config.items():
            if not key_in_file.startswith(prefix):
                continue
            key = key_in_file[len(prefix):]
            if _is_secure(value):
                self.secret_keys.add(key)
                if key in SECRET_KEYS:
                    self.secrets[key] = str(stand_ins.get(key, f"stand-in-{key}"))
                elif key in stand_ins:
                    self.values[key] = stand_ins[key]
                # otherwise the value cannot be read offline: its default applies (or it is reported missing)
            elif key in SECRET_KEYS:
                self.plaintext_secrets.append(key)
            else:
                nested: list[str] = []
                self.values[key] = _stand_in_secure(value, key, stand_ins, nested)
                if nested:
                    self.secret_keys.add(key)
        for key in SECRET_KEYS:
            if key in stand_ins and key not in self.plaintext_secrets:
                self.secrets.setdefault(key, str(stand_ins[key]))

    def parse(self, today: dt.date) -> DataPlaneConfig:
        return parse_config(
            self.values, today=today, secrets_set=self.secrets, plaintext_secrets=self.plaintext_secrets,
            provider_config=self.provider_values,
            secret_keys=self.secret_keys,
        )


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


# Offline stand-ins for nested secret values whose shape is validated (a generic "stand-in-<path>" would be
# refused), so `make plan` and the offline tools read a stack that stores them encrypted.
SHAPED_STAND_INS: dict[str, str] = {"alerts.webhook_url": "https://stand-in.invalid/alerts-webhook"}


def _stand_in_secure(value: Any, path: str, stand_ins: Mapping[str, Any], found: list[str]) -> Any:
    """``value`` with every nested ``{secure: ...}`` replaced by its stand-in; their paths go to ``found``."""
    if _is_secure(value):
        found.append(path)
        return stand_ins.get(path, SHAPED_STAND_INS.get(path, f"stand-in-{path}"))
    if isinstance(value, dict):
        return {k: _stand_in_secure(v, f"{path}.{k}", stand_ins, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_stand_in_secure(v, f"{path}[{i}]", stand_ins, found) for i, v in enumerate(value)]
    return value
