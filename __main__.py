"""Entry point of `pulumi up`: read config once, validate it, deploy, export.

Everything else lives in ``components/``; nothing there reads ``pulumi.Config``.
"""

from __future__ import annotations

import datetime as dt
import sys

import pulumi
from pulumi.runtime import config as runtime_config

from components.config import ConfigError, parse_engine_config, warnings
from components.program import Secrets, deploy

NAMESPACE = "braintrust"


def main() -> None:
    everything = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    try:
        cfg = parse_engine_config(everything, secret_keys, today=dt.date.today())
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
