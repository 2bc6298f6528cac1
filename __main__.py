"""Entry point of `pulumi up`: read config once, validate it, deploy, export.

Everything else lives in ``components/``; nothing there reads ``pulumi.Config``.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, NamedTuple

import pulumi
from pulumi.runtime import config as runtime_config

from components.config import SECRET_KEYS, ConfigError, parse_config, split_namespace, warnings
from components.config.loading import provider_keys
from components.program import Secrets, deploy

NAMESPACE = "braintrust"


class StackConfig(NamedTuple):
    """What the engine hands the program, sorted for validation."""

    raw: dict[str, Any]  # every `braintrust:*` key (so unknown ones can be rejected)
    secrets_present: set[str]  # which of SECRET_KEYS are set
    plaintext_secrets: list[str]  # secret keys set without --secret by mistake
    stored_secret: set[str]  # keys stored as secrets (Pulumi reports the top-level key of a --secret --path)
    provider_config: dict[str, Any]  # keys of the providers' namespaces (`aws:region`...), silently ignored


def read_stack_config() -> StackConfig:
    everything = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    raw = split_namespace(everything)
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    present = {key for key in SECRET_KEYS if key in raw}
    plaintext = [key for key in present if f"{NAMESPACE}:{key}" not in secret_keys]
    stored_secret = {key.removeprefix(f"{NAMESPACE}:") for key in secret_keys if key.startswith(f"{NAMESPACE}:")}
    return StackConfig(raw, present, plaintext, stored_secret, provider_keys(everything))


def main() -> None:
    stack = read_stack_config()
    try:
        cfg = parse_config(stack.raw, today=dt.date.today(), secrets_set=stack.secrets_present,
                           plaintext_secrets=stack.plaintext_secrets, secret_keys=stack.stored_secret,
                           provider_config=stack.provider_config)
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
