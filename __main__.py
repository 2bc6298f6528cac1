"""Entry point of `pulumi up`: read config once, validate it, deploy, export.

Everything else lives in ``components/``; nothing there reads ``pulumi.Config``.
"""

from __future__ import annotations

import datetime as dt
import sys

import pulumi
from pulumi.runtime import config as runtime_config

from components.config import SECRET_KEYS, ConfigError, parse_config, split_namespace, warnings
from components.program import Secrets, deploy

NAMESPACE = "braintrust"


def read_stack_config() -> tuple[dict, set[str], list[str], set[str]]:
    """All `braintrust:*` keys (so unknown ones can be rejected), which secrets are set, which secret
    keys were set in plaintext by mistake, and which keys the stack stores as secrets (Pulumi reports
    the top-level key when any value inside it was set with --secret)."""
    everything = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    raw = split_namespace(everything)
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    present = {key for key in SECRET_KEYS if key in raw}
    plaintext = [key for key in present if f"{NAMESPACE}:{key}" not in secret_keys]
    stored_secret = {key.removeprefix(f"{NAMESPACE}:") for key in secret_keys if key.startswith(f"{NAMESPACE}:")}
    return raw, present, plaintext, stored_secret


def main() -> None:
    raw, present, plaintext, stored_secret = read_stack_config()
    try:
        cfg = parse_config(raw, today=dt.date.today(), secrets_set=present, plaintext_secrets=plaintext,
                           secret_keys=stored_secret)
    except ConfigError as error:
        # One readable message, no traceback, before any resource exists.
        pulumi.log.error(str(error))
        sys.exit(1)
    for message in warnings(cfg, dt.date.today()):
        pulumi.log.warn(message)
    config = pulumi.Config(NAMESPACE)
    secrets = Secrets(brainstore_license_key=config.require_secret("brainstore_license_key"))
    for name, value in deploy(cfg, secrets).items():
        pulumi.export(name, value)


main()
