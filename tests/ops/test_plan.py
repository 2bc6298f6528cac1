"""`python -m ops.plan`: every stack reports offline; unbuilt clouds say so instead of faking an inventory."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ops import offline, plan
from tests.support.stacks import FIXED_TODAY, stack_names

TODAY = ["--today", FIXED_TODAY.isoformat()]


@pytest.fixture(scope="module")
def reports(offline_builds) -> dict[str, plan.Report]:
    out = {}
    for name in stack_names():
        built = offline_builds[name]
        if isinstance(built, offline.Build):
            out[name] = plan.build_report(name, FIXED_TODAY, prebuilt=built)
        else:  # the report must handle the failure itself (reported as failed, never hidden)
            out[name] = plan.build_report(name, FIXED_TODAY)
    return out


def test_there_are_six_stacks_and_each_gets_a_full_report(reports):
    assert len(reports) == 6
    for name, report in reports.items():
        assert not report.failed, f"{name}: {report.inventory.reason}"
        assert report.conformance and all(row["status"] != "fail" for row in report.conformance)
        assert report.release["version"] and report.release["state"] == "fresh"
        own = next(col for col in report.cost["columns"] if col["as_configured"])
        assert own["size"] == report.size and own["total_usd"] > 0
        assert {col["size"] for col in report.cost["columns"]} == {"staging", "production"}


def test_every_stack_has_a_real_inventory(reports):
    for name, report in reports.items():
        inventory = report.inventory
        assert inventory.available, f"{name}: {inventory.reason}"
        assert inventory.total > 0 and inventory.by_component, name
        assert sum(sum(types.values()) for types in inventory.by_component.values()) == inventory.total


def test_production_stacks_protect_what_they_build(reports):
    for report in reports.values():
        if report.size == "production":
            assert report.inventory.protected > 0, report.stack


def test_markdown_lists_the_inventory_when_there_is_one(reports):
    for report in reports.values():
        markdown = plan.render_markdown(report)
        assert "| component | type | count |" in markdown and "| output | value |" in markdown


def test_text_report_fits_the_sections(reports):
    text = plan.render_text(reports["aws-production"])
    for needle in ("== aws-production", "release v", "seed conformance:", "estimated monthly cost",
                   "production (this stack)", "staging (preset)", "total / month"):
        assert needle in text
    assert "resources:" in text or "resource inventory unavailable" in text


def test_markdown_and_json(capsys):
    assert plan.main(["gcp-staging", "--markdown", "--no-inventory", *TODAY]) == 0
    markdown = capsys.readouterr().out
    assert "## gcp-staging" in markdown and "| status | component |" in markdown
    # The inventory itself is covered by the `reports` fixture; building every stack again costs ~30 s.
    assert plan.main(["--all", "--json", "--no-inventory", *TODAY]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["stack"] for r in data] == stack_names()
    assert all("inventory" in r and "cost" in r for r in data)


def test_all_prints_every_stack_and_a_summary(capsys):
    assert plan.main(["--all", "--no-inventory", *TODAY]) == 0
    out = capsys.readouterr().out
    for name in stack_names():
        assert f"== {name}:" in out
    assert "== summary" in out


def test_old_price_sheet_is_warned_about(capsys):
    from ops.cost import STALE_AFTER_DAYS, load_sheet

    late = max(load_sheet().as_of + dt.timedelta(days=STALE_AFTER_DAYS + 1), FIXED_TODAY)
    release_expired = plan.load_plannable("aws-staging", late)[1] != []
    assert plan.main(["aws-staging", "--no-inventory", "--today", late.isoformat()]) == int(release_expired)
    assert "price sheet ops/prices.yaml is" in capsys.readouterr().out


def test_invalid_stack_file_fails_with_the_readable_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "Pulumi.broken.yaml").write_text("config:\n  braintrust:cloud: aws\n  braintrust:size: huge\n")
    monkeypatch.setattr(plan, "STACKS", tmp_path)
    assert plan.main(["broken", *TODAY]) == 1
    err = capsys.readouterr().err
    assert "Invalid Braintrust stack configuration" in err and "braintrust:size" in err


def test_name_or_all_is_required():
    with pytest.raises(SystemExit):
        plan.main([])


def test_every_type_the_program_protects_is_known_to_the_replace_guard(offline_builds):
    """So the guard also stops a stateful replacement in staging, where nothing is protected."""
    from ops.guard import STATEFUL

    for name, built in offline_builds.items():
        if not isinstance(built, offline.Build):
            continue
        kept = {r.type for r in built.custom_resources if r.protect or r.retain_on_delete}
        assert kept <= set(STATEFUL), f"{name}: add to ops/guard.py STATEFUL: {sorted(kept - set(STATEFUL))}"


# ----- a release older than the seed's 90 days: the plan is shown, `pulumi up` is refused, the fix is named -----

def _expired_day(stack: str) -> dt.date:
    from tests.support.stacks import stack_config

    return stack_config(stack).release.release_date + dt.timedelta(days=100)


@pytest.mark.parametrize("stack", ["aws-staging", "gcp-production"])
def test_an_expired_release_still_prints_the_whole_plan_and_ends_blocked(stack, capsys):
    code = plan.main([stack, "--no-inventory", "--today", _expired_day(stack).isoformat()])
    out = capsys.readouterr().out.rstrip().splitlines()
    assert code == 1
    text = "\n".join(out)
    assert "seed conformance:" in text and "estimated monthly cost" in text
    assert out[-1].startswith("BLOCKED: `pulumi up` refuses this stack: release v")
    assert "100 days old" in out[-1] and "make release VERSION=" in out[-1]
    assert "danger_allow_stale_release is true" not in text  # forced by the plan, not set by the user


def test_an_expired_release_blocks_in_json_and_in_the_summary(capsys):
    day = max(_expired_day(name) for name in ("aws-staging", "azure-staging"))
    assert plan.main(["--all", "--no-inventory", "--today", day.isoformat()]) == 1
    summary = capsys.readouterr().out.rstrip().splitlines()
    assert summary[-1].startswith("(6 reports")
    assert sum(line.startswith("BLOCKED ") for line in summary) == 6
    assert plan.main(["aws-staging", "--json", "--no-inventory", "--today", day.isoformat()]) == 1
    (report,) = json.loads(capsys.readouterr().out)
    assert report["failed"] and "at least once per quarter" in report["blocking"][0]


def test_the_plan_does_not_hide_other_problems_behind_an_expired_release(monkeypatch):
    from components.config import ConfigError

    day = _expired_day("aws-staging")
    original = plan.StackFile.parse

    def with_a_typo(self, today):
        self.values = {**self.values, "regoin": "us-east-1"}
        return original(self, today)

    monkeypatch.setattr(plan.StackFile, "parse", with_a_typo)
    with pytest.raises(ConfigError) as caught:
        plan.load_plannable("aws-staging", day)
    assert set(caught.value.paths) == {"regoin", "release.release_date"}


def test_a_release_date_in_the_future_is_not_plannable():
    from components.config import ConfigError

    before = (plan.load("aws-staging", FIXED_TODAY).release.release_date - dt.timedelta(days=1))
    with pytest.raises(ConfigError, match="in the future"):
        plan.load_plannable("aws-staging", before)


def test_a_fresh_release_has_nothing_blocking():
    cfg, blocking = plan.load_plannable("aws-staging", FIXED_TODAY)
    assert blocking == [] and not cfg.danger_allow_stale_release


def test_fixed_charges_without_a_price_are_named_in_every_format(reports):
    """A fixed charge the sheet cannot price is listed, never silently left out of the total."""
    report = reports["aws-production"]
    fixed = report.cost["fixed_not_estimated"]
    assert fixed and all(item["component"] and item["what"] and item["reason"] for item in fixed)
    text, markdown = plan.render_text(report), plan.render_markdown(report)
    for item in fixed:
        assert f"{item['component']}: {item['what']}" in text and f"{item['component']}: {item['what']}" in markdown


def test_azure_postgres_growth_is_shown_as_what_azure_can_do(reports):
    """No autogrow ceiling on Azure Flexible Server: the plan says on/off, never a 'max' Azure would ignore."""
    azure = next(line for line in reports["azure-staging"].sizing if line.startswith("postgres"))
    aws = next(line for line in reports["aws-staging"].sizing if line.startswith("postgres"))
    assert "(autogrow on)" in azure and "max" not in azure
    assert "(max " in aws
