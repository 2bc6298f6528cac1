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


def _what(estimate: cost.Estimate, component: str) -> list[str]:
    return [line.what for line in estimate.lines if line.component == component]


def _unpriced(estimate: cost.Estimate) -> str:
    return " | ".join(item.describe() for item in estimate.not_estimated)


def test_the_quarantine_vpc_nat_is_priced_and_disappears_with_the_quarantine_vpc():
    with_quarantine = cost.estimate(stack_config("aws-staging"))
    assert "1 NAT gateway (quarantine VPC)" in _what(with_quarantine, "network")
    without = cost.estimate(stack_config("aws-staging", mutate=lambda v: v["aws"].update(
        quarantine={"enabled": False})))
    assert "1 NAT gateway (quarantine VPC)" not in _what(without, "network")
    sheet = cost.load_sheet()
    family = sheet.family_for(stack_config("aws-staging").cloud, "us-east-1")
    assert family is not None
    assert with_quarantine.total_usd - without.total_usd == pytest.approx(
        family.prices["vpc/nat-gateway"].usd * sheet.hours_per_month)


def test_aws_fixed_charges_without_a_sourced_price_are_counted_not_dropped():
    staging = cost.estimate(stack_config("aws-staging"))
    assert "1 internal Network Load Balancers (reader)" in _unpriced(staging)  # combined reader/writer node
    assert "2 public IPv4 addresses" in _unpriced(staging)  # main NAT + quarantine NAT
    production = cost.estimate(stack_config("aws-production"))
    assert "2 internal Network Load Balancers (reader, writer)" in _unpriced(production)
    assert "4 public IPv4 addresses" in _unpriced(production)  # three per-AZ NATs + quarantine
    # the production example builds the ECS API warm: 4 + 6 + 4 tasks of 2 vCPU / 8 GiB at least
    assert "ECS Fargate API: 14 tasks at the autoscaling floors (28 vCPU, 112 GiB, arm64)" in _unpriced(production)
    assert "Application Load Balancer" not in _unpriced(staging)
    assert all(item.reason == cost.NO_SOURCED_PRICE for item in production.not_estimated)


def test_arm64_provisioned_concurrency_is_not_priced_at_the_x86_rate():
    warm = cost.estimate(stack_config("aws-staging", mutate=lambda v: v["aws"]["lambda"].update(
        provisioned_concurrency=2)))
    assert "Lambda provisioned concurrency 2 x (8 GB: APIHandler + AIProxy, arm64)" in _unpriced(warm)
    assert not any(line.price_key.startswith("lambda/") for line in warm.lines)
    cold = cost.estimate(stack_config("aws-staging"))  # provisioned_concurrency: 0 in this stack
    assert "provisioned concurrency" not in _unpriced(cold)


def test_azure_front_door_and_private_endpoints_are_listed_when_deployed():
    for name in ("azure-staging", "azure-production"):
        cfg = stack_config(name)
        unpriced = _unpriced(cost.estimate(cfg))
        assert "private endpoints" in unpriced
        assert ("Front Door Premium profile (monthly base fee)" in unpriced) is (not cfg.private_ingress), name


def test_gcp_load_balancer_and_nat_hours_are_listed():
    for name in ("gcp-staging", "gcp-production"):
        cfg = stack_config(name)
        unpriced = _unpriced(cost.estimate(cfg))
        assert "Cloud NAT gateway" in unpriced and "internal load balancer forwarding rule" in unpriced
        assert ("external HTTPS load balancer" in unpriced) is (not cfg.private_ingress), name

