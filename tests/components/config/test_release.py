"""The seed's update cadence: warn after 30 days, refuse after 90 unless danger_allow_stale_release."""

from __future__ import annotations

import datetime as dt

import pytest

from components.config import ConfigError, warnings
from components.config.release import ReleaseConfig, release_freshness
from tests.support.stacks import stack_config

RELEASE = ReleaseConfig(version="v2.21.0", release_date=dt.date(2026, 10, 1))


@pytest.mark.parametrize(("today", "state"), [
    (dt.date(2026, 9, 30), "future"),
    (dt.date(2026, 10, 1), "fresh"),
    (dt.date(2026, 10, 31), "fresh"),   # 30 days: still fresh
    (dt.date(2026, 11, 1), "stale"),    # 31 days: warn
    (dt.date(2026, 12, 30), "stale"),   # 90 days: last day allowed
    (dt.date(2026, 12, 31), "expired"),  # 91 days: refuse
])
def test_freshness_boundaries(today: dt.date, state: str):
    assert release_freshness(RELEASE, today)[0] == state


def _pin_plus(days: int) -> dt.date:
    return stack_config("aws-staging").release.release_date + dt.timedelta(days=days)


def test_stale_release_warns_but_deploys():
    today = _pin_plus(45)
    cfg = stack_config("aws-staging", today=today)
    assert any("recommends updating monthly" in w for w in warnings(cfg, today))


def test_expired_release_refuses():
    with pytest.raises(ConfigError) as caught:
        stack_config("aws-staging", today=_pin_plus(100))
    assert caught.value.paths == ["release.release_date"]


def test_danger_flag_allows_expired_release_loudly():
    today = _pin_plus(100)
    cfg = stack_config("aws-staging", today=today, mutate=lambda v: v.update(danger_allow_stale_release=True))
    messages = warnings(cfg, today)
    assert any("at least once per quarter" in m for m in messages)
    assert any(m.startswith("danger_allow_stale_release is true") for m in messages)


def test_image_tags_default_to_the_release():
    assert (RELEASE.api_tag, RELEASE.brainstore_tag, RELEASE.lambda_tag) == ("v2.21.0",) * 3
    pinned = RELEASE.model_copy(update={"brainstore_image_tag": "v2.21.1"})
    assert pinned.brainstore_tag == "v2.21.1"
