"""Configuration stored with `pulumi config set --secret` stays a Pulumi secret in every resource input.

Pulumi tells a program which *top-level* keys are secret (a value set with `--secret --path tags.x` makes all
of `tags` secret). The keys whose values the program can keep secret end to end are SECRET_CAPABLE: each
stack is built with them secret and every resource input (providers included) is scanned for a plaintext
copy. Any other key stored as a secret would end up in names, ARNs or sizes: it is refused, by name, before
any resource. No error message quotes a secret value.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import runpy
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from components.config import SECRET_CAPABLE, ConfigError, StackFile, parse_config
from policy.offline import check, recorded
from tests.support.fakes_aws import GENERATED_PREFIX
from tests.support.harness import Harness, new_harness, reset_runtime, run, unwrap
from tests.support.stacks import FIXED_TODAY, STAND_INS, build_stack, stack_config, stack_file, stack_names

MAIN = str(Path(__file__).resolve().parents[1] / "__main__.py")
SECRET_TAG = "zq9-cost-code-7731"
EXTERNAL_ID = "bt-support-zq9-5521"
SUPPORT_ACCOUNT = "210987654329"  # distinctive: no other account id of the stacks looks like it


ALERT_EMAIL = "zq9-oncall-5521@acme.example.com"
PAGER_WEBHOOK = "https://events.pager.example/integration/zq9-pager-6620/enqueue"  # production only pages
GCP_SUPPORT = "group:zq9-support-7731@braintrust.example"
AZURE_SUPPORT = "7a9c3e51-0d2f-4b6a-9e8d-1f2a3b4c5d6e"
SUPPORT_UNTIL = (FIXED_TODAY + dt.timedelta(days=10)).isoformat()


def _secret_values(stack: str) -> dict[str, list[str]]:
    """Per secret key, the distinctive values the build puts under it."""
    keys = {"tags": [SECRET_TAG], "alerts": [ALERT_EMAIL, *([PAGER_WEBHOOK] if "production" in stack else [])]}
    # Not on GCP: an IAM binding's id names its member, so config validation refuses it as a secret there
    # (test_gcp_refuses_remote_support_as_a_secret).
    support = {"aws": [EXTERNAL_ID, SUPPORT_ACCOUNT], "azure": [AZURE_SUPPORT]}.get(stack.split("-", maxsplit=1)[0])
    if support:
        keys["remote_support"] = support
    return keys


def test_gcp_refuses_remote_support_as_a_secret():
    with pytest.raises(ConfigError) as caught:
        stack_config("gcp-staging", mutate=_mutate("gcp-staging"), secret_keys={"remote_support"})
    assert caught.value.paths == ["remote_support"] and "ids in plaintext" in str(caught.value)


def _mutate(stack: str) -> Callable[[dict[str, Any]], None]:
    def mutate(values: dict[str, Any]) -> None:
        values["tags"] = {**(values.get("tags") or {}), "cost-code": SECRET_TAG}
        values["alerts"] = {"emails": [ALERT_EMAIL], **({"webhook_url": PAGER_WEBHOOK} if "production" in stack
                                                        else {})}
        cloud = stack.split("-", maxsplit=1)[0]
        support: dict[str, Any] = {"enabled": True, "expires_on": SUPPORT_UNTIL}
        if cloud == "aws":
            support.update(braintrust_account_ids=[SUPPORT_ACCOUNT], external_id=EXTERNAL_ID)
        elif cloud == "gcp":
            support.update(gcp_members=[GCP_SUPPORT])
        else:
            support.update(azure_principal_ids=[AZURE_SUPPORT])
        values["remote_support"] = support
    return mutate


@cache
def _built(stack: str, secret: bool) -> Harness:
    try:
        return build_stack(stack, mutate=_mutate(stack), secret_keys=_secret_values(stack) if secret else ())
    finally:
        reset_runtime()


def _reaching(h: Harness, value: str) -> list[str]:
    """Resources whose inputs carry ``value`` once secrets are unwrapped (where the value really goes)."""
    return [f"{r.typ} {r.name}" for r in h.resources if value in json.dumps(unwrap(r.inputs), default=str)]


def test_every_secret_capable_key_is_exercised():
    exercised = {key for stack in stack_names() for key in _secret_values(stack)}
    assert exercised == set(SECRET_CAPABLE) - {"brainstore_license_key"}  # the license key: tests/components/*


@pytest.mark.parametrize("stack", stack_names())
def test_secret_config_values_never_reach_an_input_in_plaintext(stack: str):
    h = _built(stack, secret=True)
    for key, values in _secret_values(stack).items():
        for value in values:
            assert _reaching(h, value), f"{key}: {value} reaches no resource (the scan would prove nothing)"
            assert h.plaintext_occurrences(value) == [], f"{key} leaks"


@pytest.mark.parametrize("stack", stack_names())
def test_provider_default_tags_are_secret_with_the_tags(stack: str):
    providers = [r for r in _built(stack, secret=True).resources
                 if r.typ in ("pulumi:providers:aws", "pulumi:providers:gcp")]
    for provider in providers:
        defaults = provider.inputs.get("defaultTags") or provider.inputs.get("defaultLabels")
        assert rpc.is_rpc_secret(defaults), provider.typ
        assert SECRET_TAG in json.dumps(unwrap(defaults))


@pytest.mark.parametrize("stack", stack_names())
def test_generated_passwords_and_keys_only_travel_as_secrets(stack: str):
    """Every cloud wraps them explicitly (azure-native does not mark a server's admin password secret)."""
    h = _built(stack, secret=True)
    generated = h.of_type("random:index/randomPassword:RandomPassword")
    assert len(generated) >= 2
    for r in generated:
        value = f"{GENERATED_PREFIX}{r.name}"
        assert _reaching(h, value), f"{r.name} reaches no resource"
        assert h.plaintext_occurrences(value) == [], r.name


def test_the_scan_finds_the_same_values_when_they_are_not_secret():
    """Control: the same stack without --secret has them in plaintext, trust policy and default tags included."""
    h = _built("aws-staging", secret=False)
    tag_hits = h.plaintext_occurrences(SECRET_TAG)
    assert any(hit.startswith("pulumi:providers:aws") and "defaultTags" in hit for hit in tag_hits)
    assert any(hit.startswith("aws:iam/role:Role") and "assumeRolePolicy" in hit
               for hit in h.plaintext_occurrences(EXTERNAL_ID))


@pytest.mark.parametrize("stack", ["aws-production", "gcp-production", "azure-production"])
def test_secret_tags_keep_the_policy_pack_green(stack: str):
    h = _built(stack, secret=True)
    report = check(recorded(h))
    assert report.mandatory == [], report.render(include_advisory=False)


# ----- config time: which keys may be secret, and what messages show -----


def _parse(stack: str, *, secret_keys: set[str], mutate: Callable[[dict[str, Any]], None] | None = None,
           **secrets: str) -> Any:
    sf = stack_file(stack)
    values = dict(sf.values)
    if mutate:
        mutate(values)
    values.update(secrets)
    return parse_config(values, today=FIXED_TODAY, secrets_set=sf.secrets, secret_keys=secret_keys)


@pytest.mark.parametrize(("stack", "key"), [("aws-staging", "aws"), ("aws-production", "deployment_name"),
                                            ("gcp-staging", "gcp"), ("azure-staging", "org"),
                                            ("azure-production", "ingress"), ("gcp-production", "region")])
def test_a_secret_key_that_cannot_stay_secret_is_refused_by_name(stack: str, key: str):
    with pytest.raises(ConfigError) as error:
        _parse(stack, secret_keys={key})
    assert key in error.value.paths
    message = next(p.message for p in error.value.problems if p.path == key)
    assert "set it without --secret" in message and "tags" in message  # says what to do and what may be secret


def test_secret_capable_keys_are_accepted_and_remembered():
    cfg = _parse("aws-staging", secret_keys={"tags", "remote_support"})
    assert cfg.is_secret("tags") and cfg.is_secret("remote_support.external_id")
    assert not cfg.is_secret("org.name") and not cfg.is_secret("tagsx")


def test_an_empty_license_key_is_an_error_naming_it():
    for value in ("", "   "):
        with pytest.raises(ConfigError) as error:
            _parse("aws-staging", secret_keys={"brainstore_license_key"}, brainstore_license_key=value)
        assert error.value.paths == ["brainstore_license_key"]
        assert "is set but empty" in str(error.value)


def test_an_empty_license_stand_in_is_an_error_offline_too():
    with pytest.raises(ConfigError, match="brainstore_license_key: is set but empty"):
        parse_config(stack_file("gcp-staging").values, today=FIXED_TODAY,
                     secrets_set={"brainstore_license_key": ""})


def test_error_messages_never_quote_a_secret_value():
    def bad_support(values: dict[str, Any]) -> None:
        values["remote_support"] = {"enabled": True, "braintrust_account_ids": ["2109876"],
                                    "external_id": "short7"}

    with pytest.raises(ConfigError) as error:
        _parse("aws-staging", secret_keys={"remote_support"}, mutate=bad_support)
    text = str(error.value)
    assert "remote_support.external_id" in text and "remote_support.braintrust_account_ids[0]" in text
    assert "short7" not in text and "2109876" not in text and "[secret]" in text

    def bad_label(values: dict[str, Any]) -> None:
        values["tags"] = {**values["tags"], "cost-code": "Zq9 Secret Value"}

    with pytest.raises(ConfigError) as error:
        _parse("gcp-staging", secret_keys={"tags"}, mutate=bad_label)
    assert "not a valid GCP label value" in str(error.value) and "Zq9 Secret Value" not in str(error.value)
    with pytest.raises(ConfigError) as error:  # the same mistake, not secret: the value is shown to help
        _parse("gcp-staging", secret_keys=set(), mutate=bad_label)
    assert "Zq9 Secret Value" in str(error.value)


def test_stack_files_mark_secure_values_secret_like_pulumi_does(tmp_path: Path):
    path = tmp_path / "Pulumi.s.yaml"
    document = (stack_file("aws-staging").path.read_text()
                + "  braintrust:tags:\n    secure: v1:AAAA\n"
                + "  braintrust:remote_support:\n    enabled: true\n    braintrust_account_ids: ['210987654329']\n"
                + "    external_id:\n      secure: v1:BBBB\n")
    path.write_text(document.replace("  braintrust:tags:\n    team:", "  braintrust:old_tags:\n    team:"))
    sf = StackFile(path, stand_ins={**STAND_INS, "tags": {"cost-code": SECRET_TAG}})
    assert sf.secret_keys == {"tags", "remote_support"}
    assert sf.values["tags"] == {"cost-code": SECRET_TAG}
    assert sf.values["remote_support"]["external_id"] == "stand-in-remote_support.external_id"
    with pytest.raises(ConfigError) as error:  # old_tags: unknown; the secure keys themselves are fine
        sf.parse(FIXED_TODAY)
    assert error.value.paths == ["old_tags"]

    path.write_text(stack_file("aws-staging").path.read_text().replace(
        "braintrust:deployment_name: acme-stg", "braintrust:deployment_name:\n    secure: v1:CCCC"))
    with pytest.raises(ConfigError) as error:
        StackFile(path, stand_ins=STAND_INS).parse(FIXED_TODAY)
    assert "deployment_name" in error.value.paths and "set it without --secret" in str(error.value)


# ----- end to end through __main__.py: Pulumi's own secret keys decide -----


def _main_config(values: dict[str, Any], secret: set[str]) -> None:
    config = {f"braintrust:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    pulumi.runtime.set_all_config(config, secret_keys=[f"braintrust:{k}" for k in secret])


def test_main_keeps_a_secret_tag_secret(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(dt, "date", _FixedDate)  # __main__ judges the release pin against today
    values = {**stack_file("aws-staging").values, **STAND_INS}
    values["tags"] = {**values["tags"], "cost-code": SECRET_TAG}
    harness = new_harness()
    try:
        _main_config(values, {"tags", "brainstore_license_key"})
        run(harness, lambda: runpy.run_path(MAIN, run_name="__main__") and None)
    finally:
        reset_runtime()
    assert _reaching(harness, SECRET_TAG) and harness.plaintext_occurrences(SECRET_TAG) == []


def test_main_refuses_a_secret_it_cannot_keep_before_any_resource(caplog: pytest.LogCaptureFixture,
                                                                  monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(dt, "date", _FixedDate)
    values = {**stack_file("aws-staging").values, **STAND_INS}
    harness = new_harness()
    try:
        _main_config(values, {"aws", "brainstore_license_key"})
        with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as exited:
            runpy.run_path(MAIN, run_name="__main__")
    finally:
        reset_runtime()
    assert exited.value.code == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "braintrust:aws: is stored as a secret" in errors[0]
    assert harness.mocks.resources == []


class _FixedDate(dt.date):
    @classmethod
    def today(cls) -> _FixedDate:
        return cls(FIXED_TODAY.year, FIXED_TODAY.month, FIXED_TODAY.day)


def test_the_deploy_driver_judges_secret_keys_like_main():
    from ops.deploy import validate_engine_config
    from ops.engine import ConfigEntry
    from tests.ops.events import aws_staging_config

    config = aws_staging_config()
    config["braintrust:tags"] = ConfigEntry(value=config["braintrust:tags"].value, secret=True)
    assert validate_engine_config(config, FIXED_TODAY).is_secret("tags")
    config["braintrust:aws"] = ConfigEntry(value=config["braintrust:aws"].value, secret=True)
    with pytest.raises(ConfigError) as error:
        validate_engine_config(config, FIXED_TODAY)
    assert error.value.paths == ["aws"]
