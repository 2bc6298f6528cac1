"""The alerts section and time-bounded remote support (issue 13), at config time: targets per size, the pager
webhook only encrypted and only where it pages, never echoed; remote support per cloud, bounded in time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from components.config import ConfigError, StackFile, warnings
from tests.support.harness import reset_runtime
from tests.support.stacks import FIXED_TODAY, STAND_INS, set_path, stack_config, stack_file

WEBHOOK = "https://events.pagerduty.example/integration/zq9-cfg-3318/enqueue"


_with = set_path


def _error(stack: str, mutate: Any, secret_keys: tuple[str, ...] = ()) -> ConfigError:
    with pytest.raises(ConfigError) as error:
        stack_config(stack, mutate=mutate, secret_keys=secret_keys)
    return error.value


def test_every_example_stack_alerts_someone():
    for name in ("aws-staging", "aws-production", "gcp-staging", "gcp-production", "azure-staging",
                 "azure-production"):
        cfg = stack_config(name)
        assert cfg.alerts.enabled and cfg.alerts.emails and cfg.alerts.webhook_url is None


def test_an_encrypted_webhook_is_accepted_in_production_only():
    cfg = stack_config("aws-production", mutate=_with("alerts.webhook_url", WEBHOOK), secret_keys=("alerts",))
    assert cfg.alerts.webhook_url == WEBHOOK and cfg.is_secret("alerts")
    error = _error("aws-staging", _with("alerts.webhook_url", WEBHOOK), ("alerts",))
    assert error.paths == ["alerts.webhook_url"] and "never page" in str(error)


def test_a_bad_webhook_is_never_echoed_when_it_is_secret():
    bad = "http://events.example.com/zq9-secret-token-5521"
    error = _error("gcp-production", _with("alerts.webhook_url", bad), ("alerts",))
    assert "alerts.webhook_url" in error.paths and "zq9-secret-token-5521" not in str(error)


def test_a_stack_file_with_an_encrypted_webhook_reads_offline(tmp_path: Path):
    text = stack_file("azure-production").path.read_text().replace(
        "  braintrust:alerts:\n    emails:\n",
        "  braintrust:alerts:\n    webhook_url:\n      secure: v1:AAAA\n    emails:\n")
    path = tmp_path / "Pulumi.p.yaml"
    path.write_text(text)
    sf = StackFile(path, stand_ins=STAND_INS)
    assert sf.secret_keys == {"alerts"}
    cfg = sf.parse(FIXED_TODAY)  # a shaped stand-in: `make plan` and ops.access read such a stack
    assert cfg.alerts.webhook_url and cfg.alerts.webhook_url.startswith("https://")


SUPPORT = {
    "gcp-staging": {"gcp_members": ["group:support@braintrust.example"]},
    "azure-staging": {"azure_principal_ids": ["5f0c7a1e-2b3d-4c5e-8f90-a1b2c3d4e5f6"]},
    "aws-staging": {"braintrust_account_ids": ["872608195481"], "external_id": "acme-7c4e1f0a9d31"},
}


@pytest.mark.parametrize("stack", sorted(SUPPORT))
def test_remote_support_is_bounded_in_time(stack: str):
    def support(expires: dt.date | None) -> Any:
        value: dict[str, Any] = {"enabled": True, **SUPPORT[stack]}
        if expires is not None:
            value["expires_on"] = expires.isoformat()
        return _with("remote_support", value)

    ok = stack_config(stack, mutate=support(FIXED_TODAY + dt.timedelta(days=30)))
    assert ok.remote_support.expires_on == FIXED_TODAY + dt.timedelta(days=30)
    assert ok.remote_support_active
    # Past its date the access has ended: not an error (that would block the next deploy and leave the grants);
    # the update removes the grants and says so.
    past = stack_config(stack, mutate=support(FIXED_TODAY))
    assert past.remote_support.enabled and not past.remote_support_active
    assert any("has passed: this update removes the remote support grants" in w
               for w in warnings(past, FIXED_TODAY))
    far = _error(stack, support(FIXED_TODAY + dt.timedelta(days=31)))
    assert far.paths == ["remote_support.expires_on"] and "more than 30 days" in str(far)
    if stack == "aws-staging":
        assert stack_config(stack, mutate=support(None)).remote_support.expires_on is None  # optional on AWS
    else:
        assert "is required on" in str(_error(stack, support(None)))


@pytest.mark.parametrize("stack", sorted(SUPPORT))
def test_expired_remote_support_builds_no_grants(stack: str):
    """The day after expires_on the stack still deploys, and the support grants are gone from it."""
    from tests.support.stacks import build_config

    def support(expires: dt.date) -> Any:
        return _with("remote_support", {"enabled": True, "expires_on": expires.isoformat(), **SUPPORT[stack]})

    live = build_config(stack_config(stack, mutate=support(FIXED_TODAY + dt.timedelta(days=1))), stack=stack)
    reset_runtime()
    ended = build_config(stack_config(stack, mutate=support(FIXED_TODAY)), stack=stack)
    granted = {r.name for r in live.resources if "support" in r.name}
    assert granted, "the live support should build grants"
    assert not {r.name for r in ended.resources if "support" in r.name}
