"""__main__.py end to end under mocks: config comes from the Pulumi runtime, errors are one message."""

from __future__ import annotations

import json
import logging
import runpy
from pathlib import Path

import pulumi
import pytest

from tests.support.harness import new_harness
from tests.support.stacks import STAND_INS, stack_file

MAIN = str(Path(__file__).resolve().parents[1] / "__main__.py")


def _set_config(values: dict, secrets: dict[str, str]) -> None:
    config = {f"braintrust:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    config.update({f"braintrust:{k}": v for k, v in secrets.items()})
    pulumi.runtime.set_all_config(config, secret_keys=[f"braintrust:{k}" for k in secrets])


def test_invalid_config_exits_with_one_readable_error_before_any_resource(caplog: pytest.LogCaptureFixture):
    harness = new_harness()
    values = dict(stack_file("aws-staging").values)
    values["colud"] = "aws"
    values["brainstore"] = {"reader": {"count": -1}}
    _set_config(values, STAND_INS)
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as exited:
        runpy.run_path(MAIN, run_name="__main__")
    assert exited.value.code == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "braintrust:colud: unknown key" in errors[0]
    assert "braintrust:brainstore.reader.count" in errors[0]
    assert "Traceback" not in errors[0]
    assert harness.mocks.resources == []


def test_license_key_set_in_plaintext_is_refused(caplog: pytest.LogCaptureFixture):
    new_harness()
    values = dict(stack_file("aws-staging").values)
    values["brainstore_license_key"] = "oops-plaintext"
    _set_config(values, {})
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit):
        runpy.run_path(MAIN, run_name="__main__")
    message = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    assert "must be stored encrypted" in message
    assert "oops-plaintext" not in message


# ----- every validation that can fail runs before the first resource -----
# Each case once raised (or would raise) only after resources were registered, or was silently accepted.
# (stack, mutation of the stack values, extra non-braintrust config, key path the error must name)
REFUSED: list[tuple[str, dict, dict, str]] = [
    # pod sizing on Kubernetes (components/kubernetes/values.py, shapes.py raised mid-build)
    ("gcp-production", {"api": {"memory_gib": 100000}}, {}, "api.memory_gib"),
    ("azure-production", {"api": {"memory_gib": 100000}}, {}, "api.memory_gib"),
    ("gcp-production", {"api": {"cpu": float("inf")}}, {}, "api.cpu"),
    ("gcp-staging", {"api": {"cpu": float("nan")}}, {}, "api.cpu"),
    ("gcp-production", {"node_pools": {"services": {"sku": "n2-standard-2"}}}, {}, "api.memory_gib"),
    ("azure-production", {"node_pools": {"services": {"sku": "Standard_D2s_v5"}}}, {}, "api.memory_gib"),
    ("gcp-staging", {"node_pools": {"services": {"sku": "n2-standard-999"}}}, {}, "node_pools.services.sku"),
    ("azure-staging", {"node_pools": {"system": {"sku": "Standard_Nope"}}}, {}, "node_pools.system.sku"),
    ("azure-staging", {"brainstore": {"fast_reader": {"sku": "Standard_D4s_v5"}}}, {}, "brainstore.fast_reader.sku"),
    ("gcp-staging", {"api": {"replicas": 40}}, {}, "api.replicas"),
    ("gcp-staging", {"node_pools": {"services": {"min_count": 3, "max_count": 1}}}, {},
     "node_pools.services.min_count"),
    # names the chart or the clouds refuse after the network and keys exist
    ("gcp-staging", {"org": {"name": "   "}}, {}, "org.name"),
    ("azure-staging", {"org": {"name": "\t"}}, {}, "org.name"),
    ("gcp-staging", {"deployment_name": "google-bt"}, {}, "deployment_name"),
    ("azure-staging", {"deployment_name": "loginbt"}, {}, "deployment_name"),
    ("aws-staging", {"deployment_name": "sthree-bt"}, {}, "deployment_name"),
    ("gcp-staging", {"region": "us-east1", "zones": ["us-east1-a"]}, {}, "zones[0]"),
    ("azure-production", {"region": "westus"}, {}, "region"),
    # sizes beyond a service's limits
    ("aws-production", {"postgres": {"storage_gb": 70000, "max_storage_gb": 70000}}, {}, "postgres.storage_gb"),
    ("gcp-production", {"redis": {"memory_gib": 4.5}}, {}, "redis.memory_gib"),
    ("azure-staging", {"postgres": {"backup_retention_days": 3}}, {}, "postgres.backup_retention_days"),
    # keys that would have been ignored
    ("aws-staging", {}, {"aws:region": "eu-west-1"}, "aws:region"),
    ("gcp-staging", {}, {"gcp:project": "someone-else"}, "gcp:project"),
    ("azure-staging", {}, {"azure-native:location": "westeurope"}, "azure-native:location"),
    ("aws-staging", {"redis": {"memory_gib": 8}}, {}, "redis.memory_gib"),
    # control characters and out-of-range numbers anywhere
    ("aws-staging", {"tags": {"team": "ml\u202eplatform"}}, {}, "tags.team"),
    ("aws-staging", {"brainstore": {"reader": {"count": 10**12}}}, {}, "brainstore.reader.count"),
]


def _refused(values: dict, extra: dict) -> list:
    """Run __main__.py with this config under mocks; it must exit 1. Returns what was registered."""
    harness = new_harness()
    config = {f"braintrust:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    config.update({f"braintrust:{k}": v for k, v in STAND_INS.items()})
    config.update(extra)
    pulumi.runtime.set_all_config(config, secret_keys=[f"braintrust:{k}" for k in STAND_INS])
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(MAIN, run_name="__main__")
    assert exited.value.code == 1
    return harness.mocks.resources


def _merge(base: dict, change: dict) -> dict:
    out = dict(base)
    for key, value in change.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@pytest.mark.parametrize(("stack", "change", "extra", "path"), REFUSED,
                         ids=[f"{c[0]}:{c[3]}" for c in REFUSED])
def test_refused_with_its_key_before_any_resource(stack: str, change: dict, extra: dict, path: str,
                                                  caplog: pytest.LogCaptureFixture):
    values = _merge(stack_file(stack).values, change)
    with caplog.at_level(logging.ERROR):
        resources = _refused(values, extra)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1, errors
    key = path if ":" in path.split(".", maxsplit=1)[0] else f"braintrust:{path}"
    assert f"{key}:" in errors[0], errors[0]
    assert "Traceback" not in errors[0]
    assert resources == [], f"{len(resources)} resources registered before the error"
