"""Price sheet: dated, sourced, fresh; estimates cover every preset SKU."""

from __future__ import annotations

import datetime as dt

import pytest

from components.config import Size
from ops import cost
from tests.support.stacks import stack_config, stack_names


def test_sheet_is_dated_by_its_oldest_figure_and_every_row_names_a_known_source():
    sheet = cost.load_sheet()
    rows = [price for family in sheet.families for price in family.prices.values()]
    assert rows
    assert min(p.retrieved for p in rows) == sheet.as_of
    unknown = sorted({p.source for p in rows} - set(sheet.sources))
    assert not unknown, f"rows cite sources missing from the `sources` table: {unknown}"
    assert all(p.usd > 0 for p in rows)


def test_freshness_warning_after_six_months_only():
    sheet = cost.load_sheet()
    assert sheet.freshness_warning(sheet.as_of + dt.timedelta(days=30)) is None
    assert sheet.freshness_warning(sheet.as_of + dt.timedelta(days=cost.STALE_AFTER_DAYS)) is None
    warning = sheet.freshness_warning(sheet.as_of + dt.timedelta(days=cost.STALE_AFTER_DAYS + 1))
    assert warning is not None and "older than 6 months" in warning and str(sheet.as_of) in warning


@pytest.mark.parametrize("name", stack_names())
@pytest.mark.parametrize("size", list(Size))
def test_every_sku_of_every_preset_has_a_price_in_the_stacks_region(name, size):
    estimate = cost.estimate(stack_config(name), size=size)
    assert estimate.unavailable is None
    assert estimate.missing == [], f"no price for {[line.price_key for line in estimate.missing]}"
    assert estimate.total_usd > 0


def test_production_costs_more_than_staging_on_every_cloud():
    for name in stack_names():
        cfg = stack_config(name)
        assert cost.estimate(cfg, size=Size.PRODUCTION).total_usd > 3 * cost.estimate(cfg, size=Size.STAGING).total_usd


def test_region_outside_the_sheet_says_so_instead_of_guessing():
    cfg = stack_config("gcp-staging", mutate=lambda v: v.update(region="europe-west1"))
    estimate = cost.estimate(cfg)
    assert estimate.lines == [] and estimate.total_usd == 0
    assert estimate.unavailable is not None and "europe-west1" in estimate.unavailable
    assert "us-central1" in estimate.unavailable


def test_high_availability_bills_the_standby():
    def postgres(cfg):
        return sum(line.monthly_usd or 0 for line in cost.estimate(cfg).lines if line.component == "postgres")

    single = stack_config("aws-staging")
    multi = stack_config("aws-staging", mutate=lambda v: v.update(postgres={"high_availability": True}))
    assert postgres(multi) == pytest.approx(2 * postgres(single))


def test_brainstore_lines_follow_the_resolved_sizing():
    cfg = stack_config("aws-production")
    lines = [line for line in cost.estimate(cfg).lines if line.component == "brainstore"]
    sheet = cost.load_sheet()
    price = sheet.family_for(cfg.cloud, cfg.region).prices["ec2/c8gd.8xlarge"].usd  # type: ignore[union-attr]
    assert sum(line.monthly_usd or 0 for line in lines) == pytest.approx(3 * price * sheet.hours_per_month)


def test_an_unpriced_sku_is_reported_missing_not_zero():
    sheet = cost.load_sheet()
    family = sheet.family_for(stack_config("aws-staging").cloud, "us-east-1")
    assert family is not None
    stripped = cost.Family(family.name, family.cloud, family.regions,
                           {k: v for k, v in family.prices.items() if k != "elasticache/cache.t4g.small"})
    partial = cost.PriceSheet(sheet.as_of, sheet.hours_per_month, (stripped,), sheet.sources)
    estimate = cost.estimate(stack_config("aws-staging"), sheet=partial)
    assert [line.price_key for line in estimate.missing] == ["elasticache/cache.t4g.small"]
