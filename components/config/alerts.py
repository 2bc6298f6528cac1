"""Who is told when the data plane needs a person: the alert notification targets (every cloud).

Alerting is on by default. Production needs at least one target and pages: its urgent alerts go to the
webhook (a pager: PagerDuty, Opsgenie, an incident tool) and to the emails. Staging never pages: its alerts
are emailed, so a staging stack either lists emails or opts out explicitly with ``alerts.enabled: false``.

``webhook_url`` usually carries the pager's credential (an integration key in the URL), so it must be stored
encrypted (``pulumi config set --secret --path alerts.webhook_url <url>``, which makes all of ``alerts`` a
secret); every value under ``alerts`` then stays a Pulumi secret in every resource it reaches.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from .common import Problem, StrictModel

if TYPE_CHECKING:
    from .root import DataPlaneConfig

# Deliberately plain: one address, no display name, no spaces; the clouds verify it by sending a message.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d{1,5})?(/[^\s]*)?$")
MAX_EMAILS = 10  # Azure action groups take at most 1,000 receivers; a pager belongs behind the webhook


def _email(value: str) -> str:
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError("must be one email address such as oncall@example.com")
    return value


def _webhook(value: str) -> str:
    # Never echo the value: it is a credential (the loader also redacts secret values from messages).
    if not _HTTPS_URL.match(value) or len(value) > 2048:
        raise ValueError("must be an https:// URL (the pager's inbound webhook, e.g. a PagerDuty or Opsgenie "
                         "CloudWatch/Google/Azure integration URL)")
    return value


Email = Annotated[str, AfterValidator(_email)]
WebhookUrl = Annotated[str, AfterValidator(_webhook)]


class AlertsConfig(StrictModel):
    """Alert notification targets: emails and a paging webhook (production pages, staging emails)."""

    enabled: bool = Field(
        default=True,
        description="Create the alerts (every cloud). Production must keep them; staging may set false to opt out.",
    )
    emails: list[Email] = Field(
        default_factory=list, max_length=MAX_EMAILS,
        description="Addresses that receive every alert (each confirms a subscription message first on AWS).",
    )
    webhook_url: WebhookUrl | None = Field(
        default=None,
        description="Production only: HTTPS webhook of your pager, for urgent alerts. Store it encrypted: "
                    "pulumi config set --secret --path alerts.webhook_url <url>.",
    )


def problems(cfg: DataPlaneConfig) -> list[Problem]:
    """Targets per size; ``webhook_url`` only encrypted and only where it pages."""
    alerts = cfg.alerts
    out: list[Problem] = []

    def add(path: str, message: str) -> None:
        out.append(Problem(path=path, message=message))

    if len(set(alerts.emails)) != len(alerts.emails):
        add("alerts.emails", "contains duplicates")
    if not alerts.enabled:
        if cfg.production:
            add("alerts.enabled", "production stacks must alert someone (staging may opt out); set it true and "
                "give alerts.emails and/or alerts.webhook_url")
        for key in ("emails", "webhook_url"):
            if getattr(alerts, key):
                add(f"alerts.{key}", "has no effect with alerts.enabled: false; remove it")
        return out
    if cfg.production and not alerts.emails and not alerts.webhook_url:
        add("alerts", "production needs a notification target: alerts.emails and/or alerts.webhook_url "
            "(the pager)")
    if not cfg.production:
        if alerts.webhook_url:
            add("alerts.webhook_url", "has no effect in staging: staging alerts are emailed and never page; "
                "remove it (production stacks page through it)")
        if not alerts.emails:
            add("alerts.emails", "staging alerts are emailed: list at least one address, or set "
                "alerts.enabled: false to run this staging stack without alerts")
    if alerts.webhook_url and not cfg.is_secret("alerts"):
        add("alerts.webhook_url", "must be stored encrypted (it carries the pager's credential): "
            "pulumi config set --secret --path alerts.webhook_url <url>")
    return out
