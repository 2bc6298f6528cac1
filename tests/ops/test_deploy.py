"""The deployment driver end to end against a fake engine: order of steps, guard, policy, plans, exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from pulumi import automation as auto
from pulumi.automation import CommandResult, ConcurrentUpdateError, OpType

import ops.deploy
from ops.deploy import POLICY_PACK, Exit, copy_stack_file, main, validate_engine_config
from ops.engine import (
    AutomationEngine,
    ConfigEntry,
    ConfigUnreadableError,
    EngineUnavailableError,
    StackMissingError,
    one_line,
)
from tests.ops.events import (
    FakeEngine,
    aws_staging_config,
    failure,
    policy,
    protected_refusal,
    replace,
    step,
    summary,
    urn,
)
from tests.support.stacks import FIXED_TODAY, STACKS_DIR, stack_config, stack_names

RDS = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
TODAY = ["--today", FIXED_TODAY.isoformat()]
EXPIRED = (stack_config("aws-staging").release.release_date + dt.timedelta(days=120)).isoformat()


def drive(engine: FakeEngine, *argv: str, today: list[str] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*argv, *(TODAY if today is None else today)], engine_factory=lambda options: engine, out=out)
    return code, out.getvalue()


def last_line(out: str) -> str:
    return out.rstrip("\n").splitlines()[-1]


def message_lines(out: str) -> list[str]:
    """Driver lines that are neither streamed engine output, step headers nor the summary."""
    return [line for line in out.splitlines() if line and not line.startswith(("---", "SUMMARY"))
            and not line.endswith("output line")]


# ----- success -----

def test_up_runs_refresh_preview_then_preview_then_the_saved_plan_and_summarises():
    engine = FakeEngine(events={
        "preview": [step(OpType.CREATE, BUCKET, "acme-brainstore"), summary(create=1)],
        "up": [step(OpType.CREATE, BUCKET, "acme-brainstore"), summary(create=1)],
    })
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.OK == 0
    assert engine.calls == ["config", "refresh_preview", "preview", "up"]
    assert "preview output line" in out  # engine output is streamed
    assert "--- preview: 1 to create" in out and "acme-brainstore" in out
    # The update applies exactly the plan the preview saved, and both run the policy pack.
    saved, applied = engine.run_options["preview"], engine.run_options["up"]
    assert saved.plan is not None and saved.plan == applied.plan and saved.plan.endswith(".json")
    assert saved.policy_packs == applied.policy_packs == (str(POLICY_PACK),)
    assert (POLICY_PACK / "PulumiPolicy.yaml").exists()
    assert last_line(out) == ("SUMMARY aws-staging up: OK (exit 0) -- refresh preview (drift): no changes; "
                              "preview: 1 to create; up: 1 to create")


def test_preview_alone_saves_no_plan_but_runs_the_policy_pack():
    engine = FakeEngine()
    assert drive(engine, "aws-staging", "preview")[0] == Exit.OK
    assert engine.run_options["preview"].plan is None
    assert engine.run_options["preview"].policy_packs == (str(POLICY_PACK),)
    assert "up" not in engine.calls


def test_policy_config_is_passed_and_the_pack_can_be_left_to_pulumi_cloud():
    engine = FakeEngine()
    drive(engine, "aws-staging", "preview", "--policy-config", "policy/teardown.json")
    assert engine.run_options["preview"].policy_pack_configs == ("policy/teardown.json",)
    bare = FakeEngine()
    drive(bare, "aws-staging", "preview", "--no-policy-pack")
    assert bare.run_options["preview"].policy_packs == ()


# ----- replace guard -----

def test_guard_refuses_a_stateful_replacement_and_never_runs_up():
    engine = FakeEngine(events={"preview": replace(RDS, "acme-db", keys=["storageEncrypted"])})
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.GUARD_REFUSED == 4
    assert "up" not in engine.calls
    assert "REFUSED by the replace guard" in out and "acme-db" in out and "storageEncrypted" in out
    assert urn(RDS, "acme-db") in out  # the exact URN to pass to --allow-replace
    assert last_line(out).startswith("SUMMARY aws-staging up: GUARD_REFUSED (exit 4)")


def test_a_protected_resource_the_engine_refuses_gets_the_guards_explanation_not_an_engine_error():
    # Production: the engine itself stops the preview on a protected database (its error names the URN).
    engine = FakeEngine(events={"preview": [protected_refusal(RDS, "acme-db")]},
                        errors={"preview": failure("error: preview failed")})
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.GUARD_REFUSED
    assert "REFUSED by the replace guard" in out and "PostgreSQL" in out and "protected" in out
    assert urn(RDS, "acme-db") in out
    assert "engine error" not in out and "up" not in engine.calls


def test_guard_also_refuses_on_preview_so_ci_fails_the_pull_request():
    engine = FakeEngine(events={"preview": [step(OpType.DELETE, "aws:kms/key:Key", "acme-cmk")]})
    assert drive(engine, "aws-staging", "preview")[0] == Exit.GUARD_REFUSED


def test_allow_replace_per_urn_lets_the_update_proceed():
    engine = FakeEngine(events={"preview": replace(RDS, "acme-db"), "up": replace(RDS, "acme-db")})
    code, _ = drive(engine, "aws-staging", "up", "--allow-replace", urn(RDS, "acme-db"))
    assert code == Exit.OK
    assert engine.calls[-1] == "up"


def test_allowing_another_urn_does_not_help():
    engine = FakeEngine(events={"preview": replace(RDS, "acme-db")})
    code, _ = drive(engine, "aws-staging", "up", "--allow-replace", urn(RDS, "other-db"))
    assert code == Exit.GUARD_REFUSED


# ----- policy -----

def test_a_mandatory_policy_violation_fails_the_run_before_any_update():
    violation = policy("aws-s3-encrypted-with-cmk", target=urn(BUCKET, "acme-brainstore"))
    engine = FakeEngine(events={"preview": [violation]}, errors={"preview": failure("error: preview failed")})
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.POLICY_VIOLATION == 7
    assert "up" not in engine.calls
    assert "REFUSED by the policy pack: 1 mandatory violation(s)" in out
    assert ("[mandatory] braintrust-data-plane/aws-s3-encrypted-with-cmk on 'acme-brainstore': "
            "Buckets must be encrypted with the customer-managed key.") in out
    assert "engine error" not in out


def test_advisory_findings_are_printed_and_do_not_block():
    engine = FakeEngine(events={"preview": [policy("aws-tags-present", level="advisory")]})
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.OK and engine.calls[-1] == "up"
    assert "policy (advisory): [advisory] braintrust-data-plane/aws-tags-present" in out


# ----- plans -----

def test_an_update_that_leaves_its_plan_is_a_divergence_error():
    engine = FakeEngine(errors={"up": failure(
        f"error: resource {urn(BUCKET, 'acme-brainstore')} violates plan: properties changed: ~~tags")})
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.PLAN_DIVERGED == 8
    line = next(line for line in message_lines(out) if line.startswith("PLAN DIVERGED"))
    assert "violates plan" in line and "preview again" in line


def test_an_update_doing_what_the_preview_did_not_announce_is_a_divergence_error():
    engine = FakeEngine(events={
        "preview": [step(OpType.UPDATE, BUCKET, "acme-brainstore")],
        "up": [step(OpType.UPDATE, BUCKET, "acme-brainstore"), step(OpType.DELETE, "aws:iam/role:Role", "r")],
    })
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.PLAN_DIVERGED
    assert "PLAN DIVERGED" in out and urn("aws:iam/role:Role", "r") in out


# ----- engine errors -----

def test_engine_failure_is_exit_6_with_one_line():
    code, out = drive(FakeEngine(fail_on="preview"), "aws-staging", "up")
    assert code == Exit.ENGINE_ERROR == 6
    assert "engine error in preview: error: preview failed" in out and "stdout:" not in out


def test_concurrent_update_is_an_engine_error_and_is_neither_retried_nor_cancelled():
    conflict = "error: [409] Conflict: Another update is currently in progress."
    busy = ConcurrentUpdateError(CommandResult(stdout="", code=255, stderr=conflict))
    engine = FakeEngine(errors={"preview": busy})
    code, out = drive(engine, "aws-staging", "up")
    assert code == Exit.ENGINE_ERROR
    assert engine.calls.count("preview") == 1 and "cancel" not in engine.calls
    line = next(line for line in message_lines(out) if line.startswith("another update is running"))
    assert line.endswith("error: [409] Conflict: Another update is currently in progress.")


# ----- stacks: never created implicitly -----

def test_a_missing_stack_stops_with_the_init_command():
    def missing(options):
        raise StackMissingError("stack aws-staging does not exist in the backend; create it deliberately with "
                                "`python -m ops.deploy aws-staging init` (or `pulumi stack init aws-staging`)")

    out = io.StringIO()
    code = main(["aws-staging", "up", *TODAY], engine_factory=missing, out=out)
    assert code == Exit.STACK_MISSING == 9
    assert "python -m ops.deploy aws-staging init" in out.getvalue()


def test_only_init_asks_the_automation_api_to_create(monkeypatch):
    created, selected = [], []
    monkeypatch.setattr(auto, "create_stack", lambda **kw: created.append(kw["stack_name"]) or object())
    monkeypatch.setattr(auto, "select_stack", lambda **kw: selected.append(kw["stack_name"]) or object())
    for operation in ("preview", "up", "refresh", "destroy", "drift"):
        ops.deploy.automation_engine(ops.deploy.Options(stack="aws-staging", operation=operation))
    assert created == [] and selected == ["aws-staging"] * 5
    engine = ops.deploy.automation_engine(ops.deploy.Options(stack="aws-staging", operation="init"))
    assert created == ["aws-staging"] and engine.created  # type: ignore[attr-defined]


def _raise(error: BaseException):
    def select(**_):
        raise error
    return select


@pytest.mark.parametrize(("error", "exception", "words"), [
    (FileNotFoundError("pulumi"), EngineUnavailableError, "Pulumi CLI is not installed"),
    (auto.InvalidVersionError("3.0.0"), EngineUnavailableError, "too old"),
    (auto.StackNotFoundError(CommandResult("", "error: no stack named 'aws-staging' found", 255)),
     StackMissingError, "python -m ops.deploy aws-staging init"),
    (auto.CommandError(CommandResult("", "warning: x\nerror: PULUMI_ACCESS_TOKEN must be set for login during "
                                         "non-interactive CLI sessions", 255)),
     EngineUnavailableError, "cannot select stack aws-staging: error: PULUMI_ACCESS_TOKEN must be set"),
])
def test_every_failure_to_select_the_stack_becomes_one_line(monkeypatch, error, exception, words):
    monkeypatch.setattr(auto, "select_stack", _raise(error))
    with pytest.raises(exception) as raised:
        AutomationEngine("aws-staging")
    assert words in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize(("exception", "code"), [
    (EngineUnavailableError("the Pulumi CLI is not installed or not on PATH"), Exit.ENGINE_ERROR),
    (StackMissingError("stack x does not exist in the backend"), Exit.STACK_MISSING),
])
def test_the_driver_maps_selection_failures_to_documented_exit_codes(exception, code):
    def factory(options):
        raise exception

    out = io.StringIO()
    assert main(["aws-staging", "drift", *TODAY], engine_factory=factory, out=out) == code
    assert len(message_lines(out.getvalue())) == 1


class _Stack:
    def __init__(self, error: BaseException):
        self.error = error

    def get_all_config(self):
        raise self.error


def test_esc_on_a_self_managed_backend_is_a_config_error_with_the_fix(monkeypatch):
    """A stack file still importing ESC on `pulumi login --local`, S3, GCS or Azure Blob."""
    monkeypatch.setattr(auto, "select_stack", lambda **kw: _Stack(auto.CommandError(CommandResult(
        "", "error: opening environment: backend file://~ does not support environments", 255))))
    engine = AutomationEngine("aws-staging")
    with pytest.raises(ConfigUnreadableError, match="drop the stack file's `environment:` block"):
        engine.config()
    out = io.StringIO()
    code = main(["aws-staging", "preview", *TODAY], engine_factory=lambda o: engine, out=out)
    assert code == Exit.INVALID_CONFIG
    assert len(message_lines(out.getvalue())) == 1 and "pulumi config set --secret" in out.getvalue()


def test_one_line_prefers_the_clis_error_line():
    error = auto.CommandError(CommandResult("lots of\nstdout", "warning: a\nerror: the real reason\nmore", 1))
    assert one_line(error) == "error: the real reason"
    assert one_line(auto.CommandError(CommandResult("", "just this", 1))) == "just this"


# ----- interrupt -----

def test_ctrl_c_during_up_cancels_the_operation_and_prints_the_summary(tmp_path):
    engine = FakeEngine(events={"preview": [step(OpType.CREATE, BUCKET, "b"), summary(create=1)]}, interrupt_on="up")
    target = tmp_path / "summary.json"
    code, out = drive(engine, "aws-staging", "up", "--summary-json", str(target))
    assert code == Exit.INTERRUPTED == 130
    assert engine.calls[-2:] == ["up", "cancel"]
    assert "INTERRUPTED during up on aws-staging: cancelling it" in out
    assert last_line(out) == ("SUMMARY aws-staging up: INTERRUPTED (exit 130) -- refresh preview (drift): no "
                              "changes; preview: 1 to create; up: interrupted")
    record = json.loads(target.read_text())
    assert record["exit_code"] == 130 and record["interrupted_step"] == "up"


def test_a_failed_cancel_names_the_manual_command():
    engine = FakeEngine(interrupt_on="preview", cancel_error=failure("error: no update is in progress"))
    code, out = drive(engine, "aws-staging", "preview")
    assert code == Exit.INTERRUPTED
    assert "could not cancel (error: no update is in progress)" in out
    assert "pulumi cancel --stack aws-staging" in out


def test_ctrl_c_before_any_operation_has_nothing_to_cancel():
    def factory(options):
        raise KeyboardInterrupt

    out = io.StringIO()
    assert main(["aws-staging", "drift", *TODAY], engine_factory=factory, out=out) == Exit.INTERRUPTED
    assert "nothing to cancel" in out.getvalue()


# ----- drift, refresh, destroy do not run program validation -----

def test_drift_runs_even_when_the_release_pin_has_expired():
    drifted = FakeEngine(events={"refresh_preview": [summary(same=10, update=1)]})
    code, out = drive(drifted, "aws-staging", "drift", today=["--today", EXPIRED])
    assert code == Exit.DRIFT == 5 and "DRIFT" in out
    assert drifted.calls == ["refresh_preview"]  # no program validation, nothing changed
    assert drive(FakeEngine(), "aws-staging", "drift", today=["--today", EXPIRED])[0] == Exit.OK


def test_refresh_and_destroy_skip_program_validation_but_up_does_not():
    refresh = FakeEngine()
    assert drive(refresh, "aws-staging", "refresh", today=["--today", EXPIRED])[0] == Exit.OK
    assert refresh.calls == ["refresh_preview", "refresh"]
    destroy = FakeEngine()
    assert drive(destroy, "aws-staging", "destroy", "--confirm-destroy", "aws-staging",
                 today=["--today", EXPIRED])[0] == Exit.OK
    code, out = drive(FakeEngine(), "aws-staging", "up", today=["--today", EXPIRED])
    assert code == Exit.INVALID_CONFIG == 3 and "braintrust:release.release_date" in out


def test_drift_with_no_changes_is_ok():
    assert drive(FakeEngine(events={"refresh_preview": [summary(same=11)]}), "aws-staging", "drift")[0] == Exit.OK


def test_drift_before_preview_is_reported_but_does_not_block():
    engine = FakeEngine(events={"refresh_preview": [summary(update=1)]})
    code, out = drive(engine, "aws-staging", "preview")
    assert code == Exit.OK and "drift found before previewing" in out


# ----- destroy -----

def test_destroy_needs_the_stack_name_as_confirmation():
    engine = FakeEngine()
    code, out = drive(engine, "aws-staging", "destroy")
    assert code == Exit.USAGE and engine.calls == []
    assert drive(engine, "aws-staging", "destroy", "--confirm-destroy", "aws-production")[0] == Exit.USAGE
    assert engine.calls == []
    assert "--confirm-destroy aws-staging" in out


def test_confirmed_destroy_keeps_protected_resources_by_default():
    engine = FakeEngine(events={"preview_destroy": [step(OpType.DELETE, BUCKET, "b")]})
    code, out = drive(engine, "aws-staging", "destroy", "--confirm-destroy", "aws-staging")
    assert code == Exit.OK
    assert engine.calls == ["preview_destroy", "destroy"]
    assert engine.exclude_protected == [True, True]
    assert "protected resources are kept" in out


def test_include_protected_is_passed_through():
    engine = FakeEngine()
    drive(engine, "aws-staging", "destroy", "--confirm-destroy", "aws-staging", "--include-protected")
    assert engine.exclude_protected == [False, False]


# ----- configuration checks before preview/up -----

def test_invalid_stack_file_stops_before_the_engine_is_created():
    created = []

    def factory(options):
        created.append(options)
        return FakeEngine()

    out = io.StringIO()
    code = main(["aws-staging", "up", "--today", EXPIRED], engine_factory=factory, out=out)
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


def test_the_driver_refuses_provider_keys_the_program_would_ignore_as_pulumi_up_does(monkeypatch, tmp_path):
    from components.config import ConfigError

    overridden = {**aws_staging_config(), "aws:region": ConfigEntry(value="eu-west-1", secret=False)}
    with pytest.raises(ConfigError) as caught:
        validate_engine_config(overridden, FIXED_TODAY)
    assert caught.value.paths == ["aws:region"] and "braintrust:region" in str(caught.value)
    text = (STACKS_DIR / "Pulumi.aws-staging.yaml").read_text() + '  aws:region: eu-west-1\n'
    (tmp_path / "Pulumi.mystack.yaml").write_text(text)
    monkeypatch.setattr(ops.deploy, "STACKS", tmp_path)
    with pytest.raises(ConfigError) as caught:
        ops.deploy.validate_stack_file("mystack", FIXED_TODAY)
    assert caught.value.paths == ["aws:region"]


# ----- the two ways to deploy: Pulumi Cloud with ESC, a self-managed backend without -----

@pytest.mark.parametrize("name", stack_names())
def test_every_committed_stack_imports_its_esc_environment_and_offline_readers_ignore_it(name):
    document = yaml.safe_load((STACKS_DIR / f"Pulumi.{name}.yaml").read_text())
    assert document["environment"] == [f"braintrust/{name}"]
    assert stack_config(name).deployment_name  # StackFile reads `config:` only: offline plan needs no ESC


@pytest.mark.parametrize("name", stack_names())
def test_a_copy_for_a_self_managed_backend_has_no_esc_import_and_the_same_config(name):
    text = (STACKS_DIR / f"Pulumi.{name}.yaml").read_text()
    original = yaml.safe_load(text)
    copy = yaml.safe_load(copy_stack_file(text))
    assert "environment" not in copy and copy["config"] == original["config"]
    esc = yaml.safe_load(copy_stack_file(text, ["braintrust/mystack"]))
    assert esc["environment"] == ["braintrust/mystack"] and esc["config"] == original["config"]


def test_pulumi_cloud_path_license_from_esc_validates():
    """`pulumi config --show-secrets` resolves ESC: the license arrives as a secret config value."""
    from_esc = {**aws_staging_config(license_set=False),
                "braintrust:brainstore_license_key": ConfigEntry(value="from-esc", secret=True)}
    assert validate_engine_config(from_esc, FIXED_TODAY).deployment_name == "acme-stg"


def test_self_managed_path_init_copies_the_stack_and_creates_it(monkeypatch, tmp_path):
    for path in STACKS_DIR.glob("Pulumi.*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(ops.deploy, "STACKS", tmp_path)
    seen: list[ops.deploy.Options] = []

    def factory(options):
        seen.append(options)
        return FakeEngine()

    out = io.StringIO()
    code = main(["mystack", "init", "--from", "aws-staging", "--secrets-provider", "awskms://alias/pulumi",
                 *TODAY], engine_factory=factory, out=out)
    assert code == Exit.OK
    assert [(o.operation, o.secrets_provider) for o in seen] == [("init", "awskms://alias/pulumi")]
    written = yaml.safe_load((tmp_path / "Pulumi.mystack.yaml").read_text())
    assert "environment" not in written
    assert written["config"] == yaml.safe_load((tmp_path / "Pulumi.aws-staging.yaml").read_text())["config"]
    assert "stack mystack created in the backend" in out.getvalue()
    # The copy then validates with `pulumi config set --secret` standing in for ESC.
    monkeypatch.setattr(ops.deploy, "STACKS", tmp_path)
    assert ops.deploy.validate_stack_file("mystack", FIXED_TODAY).deployment_name == "acme-stg"
    again = io.StringIO()
    assert main(["mystack", "init", "--from", "aws-staging", *TODAY], engine_factory=factory,
                out=again) == Exit.USAGE
    assert "not overwriting" in again.getvalue()


def test_init_of_an_existing_stack_creates_nothing():
    code, out = drive(FakeEngine(created=False), "aws-staging", "init")
    assert code == Exit.OK and "exists already; nothing created" in out


def test_init_without_a_stack_file_is_a_usage_error(monkeypatch, tmp_path):
    monkeypatch.setattr(ops.deploy, "STACKS", tmp_path)
    code, out = drive(FakeEngine(), "mystack", "init")
    assert code == Exit.USAGE and "--from" in out


# ----- usage and records -----

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
    docs = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    for code in Exit:
        if code is Exit.OK:
            continue
        assert f"| {int(code)} |" in docs, f"docs/operations.md lacks exit code {int(code)}"
        assert f"  {int(code)}  " in (ops.deploy.__doc__ or ""), f"ops/deploy.py docstring lacks {int(code)}"
