"""Typed stack configuration. Nothing here reads pulumi.Config; __main__.py does, once."""

from .common import Cloud, Size
from .loading import (
    SECRET_CAPABLE,
    SECRET_KEYS,
    ConfigError,
    StackFile,
    parse_config,
    parse_engine_config,
    split_namespace,
)
from .root import DataPlaneConfig, Problem, warnings

__all__ = [
    "SECRET_CAPABLE",
    "SECRET_KEYS",
    "Cloud",
    "ConfigError",
    "DataPlaneConfig",
    "Problem",
    "Size",
    "StackFile",
    "parse_config",
    "parse_engine_config",
    "split_namespace",
    "warnings",
]
