"""Entry point of `pulumi up`: read config once, validate it, deploy, export.

Everything else lives in ``components/``; nothing there reads ``pulumi.Config``.
"""

from __future__ import annotations

import datetime as dt
import sys

import pulumi
from pulumi.runtime import config as runtime_config

from components.config import SECRET_KEYS, ConfigError, parse_config, split_namespace, warnings
from components.config.loading import provider_keys
from components.program import Secrets, deploy

NAMESPACE = "braintrust"


def read_stack_config() -> tuple[dict, set[str], list[str], dict]:
    """All `braintrust:*` keys (so unknown ones can be rejected), which secrets are set, which secret
    keys were set in plaintext by mistake, and the keys of the providers' namespaces (`aws:region`...),
    which the program's explicit providers would silently ignore."""
    everything = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    raw = split_namespace(everything)
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    present = {key for key in SECRET_KEYS if key in raw}
    plaintext = [key for key in present if f"{NAMESPACE}:{key}" not in secret_keys]
    return raw, present, plaintext, provider_keys(everything)


def main() -> None:
    raw, present, plaintext, providers = read_stack_config()
    try:
        cfg = parse_config(raw, today=dt.date.today(), secrets_set=present, plaintext_secrets=plaintext,
                           provider_config=providers)
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
