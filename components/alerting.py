"""Alerts as data, the part every cloud shares: severity, routing to the targets, thresholds per size, and
the runbook link in every alert's text.

Each cloud keeps one table of rules (``components/<cloud>/alert_rules.py``) whose rows extend ``Rule`` with
what that cloud's alerting needs (namespace, statistic, filter...). A row states its threshold for staging
and for production and *why* (the reason is rendered into docs/operations.md and into the alert's text).

Routing (documented in docs/operations.md, asserted by the tests of each cloud):

* production: ``PAGE`` alerts reach every target (the pager webhook and the emails); ``WARN`` alerts reach
  the emails (the webhook when no email is configured);
* staging never pages: every alert is emailed (config refuses a staging webhook).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from components.config import DataPlaneConfig

T = TypeVar("T")
RUNBOOK = "docs/operations.md"


@dataclass(frozen=True)
class PerSize(Generic[T]):
    """One value for staging and one for production."""

    staging: T
    production: T

    def of(self, production: bool) -> T:
        return self.production if production else self.staging


def same(value: T) -> PerSize[T]:
    return PerSize(value, value)


class Severity(StrEnum):
    PAGE = "page"  # production: someone is woken (service down or about to be)
    WARN = "warn"  # production: look at it today (degradation, capacity running out)


class Route(StrEnum):
    """Where an alert is delivered: a notification target group per route (SNS topic, channels, action group)."""

    PAGE = "page"
    NOTIFY = "notify"


def route_of(severity: Severity, production: bool) -> Route:
    return Route.PAGE if production and severity is Severity.PAGE else Route.NOTIFY


@dataclass(frozen=True)
class Receivers:
    emails: tuple[str, ...]
    webhook_url: str | None


@dataclass(frozen=True)
class Targets:
    """The validated notification targets of a stack (``None`` from ``of`` when alerts are off)."""

    emails: tuple[str, ...]
    webhook_url: str | None
    production: bool
    secret: bool  # `alerts` is stored as a secret: every value must stay a Pulumi secret

    @staticmethod
    def of(cfg: DataPlaneConfig) -> Targets | None:
        if not cfg.alerts.enabled:
            return None
        return Targets(emails=tuple(cfg.alerts.emails), webhook_url=cfg.alerts.webhook_url,
                       production=cfg.production, secret=cfg.is_secret("alerts"))

    def routes(self) -> list[Route]:
        """The routes alerts of this size use (staging: notify only)."""
        return [Route.PAGE, Route.NOTIFY] if self.production else [Route.NOTIFY]

    def receivers(self, route: Route) -> Receivers:
        if route is Route.PAGE:
            return Receivers(self.emails, self.webhook_url)
        if self.emails:
            return Receivers(self.emails, None)
        return Receivers((), self.webhook_url)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """The cloud-neutral part of one alert rule (a row of a cloud's table)."""

    key: str  # unique across clouds (aws-rds-cpu): resource names and the runbook anchor derive from it
    title: str
    severity: Severity  # in production; staging never pages
    threshold: PerSize[float]
    unit: str  # how the threshold reads: "%", "s", "share of memory", "restarts"...
    reason: str  # why this threshold (docs and the alert text)
    above: bool = True  # fire above the threshold (False: below it)

    @property
    def anchor(self) -> str:
        return f"alert-{self.key}"

    @property
    def runbook(self) -> str:
        return f"{RUNBOOK}#{self.anchor}"

    def condition(self, production: bool) -> str:
        value = self.threshold.of(production)
        shown = f"{value:g}" if not self.unit.startswith("share") else f"{value:.0%}"
        return f"{'>' if self.above else '<'} {shown}{'' if self.unit in ('%',) else ' '}{self.unit}".rstrip()

    def text(self, production: bool) -> str:
        """The alert's description: what fired, the threshold, why, and where the runbook is."""
        size = "production" if production else "staging"
        return (f"{self.title} ({self.condition(production)}, {size}). Why this threshold: {self.reason} "
                f"Runbook: {self.runbook}")
