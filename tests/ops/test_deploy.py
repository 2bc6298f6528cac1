"""The deployment driver end to end against a fake engine: order of steps, guard, exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import pytest
from pulumi.automation import CommandResult, ConcurrentUpdateError, OpType

from ops.deploy import Exit, main, validate_engine_config
from ops.engine import AutomationEngine, ConfigEntry, EngineUnavailableError
from tests.ops.events import FakeEngine, aws_staging_config, replace, step, summary, urn
from tests.support.stacks import FIXED_TODAY, stack_config

RDS = "aws:rds/instance:Instance"
TODAY = ["--today", FIXED_TODAY.isoformat()]


def drive(engine: FakeEngine, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*argv, *TODAY], engine_factory=lambda options: engine, out=out)
    return code, out.getvalue()


def test_up_runs_refresh_preview_then_preview_then_up_and_summarises():
    engine = FakeEngine(events={
        "preview": [step(OpType.CREATE, "aws:s3/bucket:Bucket", "acme-brainstore"), summary(create=1)],
        "up": [step(OpType.CREATE, "aws:s3/bucket:Bucket", "acme-brainstore"), summary(create=1)],
    })
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.OK == 0
    assert engine.calls == ["config", "refresh_preview", "preview", "up"]
    assert "preview output line" in out  # engine output is streamed
    assert "--- preview: 1 to create" in out
    assert "acme-brainstore" in out


def test_guard_refuses_a_stateful_replacement_and_never_runs_up():
    engine = FakeEngine(events={"preview": replace(RDS, "acme-db", keys=["storageEncrypted"])})
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.GUARD_REFUSED == 4
    assert "up" not in engine.calls
    assert "REFUSED" in out and "acme-db" in out and "storageEncrypted" in out
    assert urn(RDS, "acme-db") in out  # the exact URN to pass to --allow-replace


def test_guard_also_refuses_on_preview_so_ci_fails_the_pull_request():
    engine = FakeEngine(events={"preview": [step(OpType.DELETE, "aws:kms/key:Key", "acme-cmk")]})
    assert drive(engine, "aws-staging", "preview")[0] == Exit.GUARD_REFUSED


def test_allow_replace_per_urn_lets_the_update_proceed():
    engine = FakeEngine(events={"preview": replace(RDS, "acme-db")})
    code, _ = drive(engine, "aws-staging", "up", "--allow-replace", urn(RDS, "acme-db"))
    assert code == Exit.OK
    assert engine.calls[-1] == "up"


def test_allowing_another_urn_does_not_help():
    engine = FakeEngine(events={"preview": replace(RDS, "acme-db")})
    code, _ = drive(engine, "aws-staging", "up", "--allow-replace", urn(RDS, "other-db"))
    assert code == Exit.GUARD_REFUSED


def test_drift_exit_code_when_refresh_preview_finds_changes():
    drifted = FakeEngine(events={"refresh_preview": [summary(same=10, update=1)]})
    clean = FakeEngine(events={"refresh_preview": [summary(same=11)]})
    code, out = drive(drifted, "aws-staging", "drift")
    assert code == Exit.DRIFT == 5 and "DRIFT" in out
    assert drive(clean, "aws-staging", "drift")[0] == Exit.OK
    assert drifted.calls == ["config", "refresh_preview"]  # drift never changes anything


def test_drift_before_preview_is_reported_but_does_not_block():
    engine = FakeEngine(events={"refresh_preview": [summary(update=1)]})
    code, out = drive(engine, "aws-staging", "preview")
    assert code == Exit.OK and "drift found before previewing" in out


def test_destroy_needs_the_stack_name_as_confirmation():
    engine = FakeEngine()
    code, out = drive(engine, "aws-staging", "destroy")
    assert code == Exit.USAGE and engine.calls == []
    assert drive(engine, "aws-staging", "destroy", "--confirm-destroy", "aws-production")[0] == Exit.USAGE
    assert engine.calls == []
    assert "--confirm-destroy aws-staging" in out


def test_confirmed_destroy_keeps_protected_resources_by_default():
    engine = FakeEngine(events={"preview_destroy": [step(OpType.DELETE, "aws:s3/bucket:Bucket", "b")]})
    code, out = drive(engine, "aws-staging", "destroy", "--confirm-destroy", "aws-staging")
    assert code == Exit.OK
    assert engine.calls == ["config", "preview_destroy", "destroy"]
    assert engine.exclude_protected == [True, True]
    assert "protected resources are kept" in out


def test_include_protected_is_passed_through():
    engine = FakeEngine()
    drive(engine, "aws-staging", "destroy", "--confirm-destroy", "aws-staging", "--include-protected")
    assert engine.exclude_protected == [False, False]


def test_invalid_stack_file_stops_before_the_engine_is_created():
    created = []

    def factory(options):
        created.append(options)
        return FakeEngine()

    out = io.StringIO()
    # The pinned release is older than 90 days on this date: the program's own validator refuses it.
    expired = stack_config("aws-staging").release.release_date + dt.timedelta(days=120)
    code = main(["aws-staging", "up", "--today", expired.isoformat()], engine_factory=factory, out=out)
    assert code == Exit.INVALID_CONFIG == 3
    assert created == []
    assert "braintrust:release.release_date" in out.getvalue()


def test_invalid_resolved_config_stops_before_any_operation():
    engine = FakeEngine(config_entries=aws_staging_config(secret_license=False))
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.INVALID_CONFIG
    assert engine.calls == ["config"]
    assert "brainstore_license_key: must be stored encrypted" in out


def test_missing_license_in_the_backend_is_a_config_error():
    engine = FakeEngine(config_entries=aws_staging_config(license_set=False))
    code, out = drive(engine, "aws-staging", "preview")
    assert code == Exit.INVALID_CONFIG and "brainstore_license_key: is required" in out


def test_resolved_config_is_validated_like_main_py():
    cfg = validate_engine_config(aws_staging_config(), FIXED_TODAY)
    assert cfg.deployment_name == "acme-stg" and cfg.aws_section.account_id == "111122223333"
    broken = {**aws_staging_config(), "braintrust:size": ConfigEntry(value="huge", secret=False)}
    with pytest.raises(Exception, match="size"):
        validate_engine_config(broken, FIXED_TODAY)


def test_engine_failure_is_exit_6():
    code, out = drive(FakeEngine(fail_on="preview"), "aws-staging", "up")
    assert code == Exit.ENGINE_ERROR == 6 and "preview failed" in out


def test_concurrent_update_is_an_engine_error_and_is_not_retried():
    class Busy(FakeEngine):
        def preview(self, on_event, on_output):
            self.calls.append("preview")
            raise ConcurrentUpdateError(CommandResult(stdout="", code=255,
                                                      stderr="conflict: Another update is currently in progress."))

    engine = Busy()
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.ENGINE_ERROR and engine.calls.count("preview") == 1
    assert "another update is running" in out


@pytest.mark.skipif(shutil.which("pulumi") is not None, reason="needs a machine without the Pulumi CLI")
def test_missing_cli_is_reported_as_engine_unavailable():
    # The real Automation API engine: this machine has no Pulumi CLI, which is exactly the case to handle.
    with pytest.raises(EngineUnavailableError, match="Pulumi CLI"):
        AutomationEngine("aws-staging")
    code = main(["aws-staging", "preview", *TODAY], out=io.StringIO())
    assert code == Exit.ENGINE_ERROR


def test_unknown_stack_and_bad_usage():
    assert drive(FakeEngine(), "no-such-stack", "preview")[0] == Exit.USAGE
    assert main(["aws-staging", "explode"], out=io.StringIO()) == Exit.USAGE


def test_summary_json_records_steps_and_exit(tmp_path):
    target = tmp_path / "summary.json"
    engine = FakeEngine(events={"preview": replace(RDS, "acme-db")})
    drive(engine, "aws-staging", "up", "--summary-json", str(target))
    record = json.loads(target.read_text())
    assert record["exit"] == "GUARD_REFUSED" and record["exit_code"] == 4
    assert record["steps"]["preview"]["violations"][0]["urn"] == urn(RDS, "acme-db")


def test_exit_codes_are_documented_where_users_look():
    from pathlib import Path

    import ops.deploy

    docs = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    for code in Exit:
        if code is Exit.OK:
            continue
        assert f"| {int(code)} |" in docs, f"docs/operations.md lacks exit code {int(code)}"
        assert f"  {int(code)}  " in (ops.deploy.__doc__ or ""), f"ops/deploy.py docstring lacks {int(code)}"
