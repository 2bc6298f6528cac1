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
