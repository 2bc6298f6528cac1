"""Release pins of the Braintrust data plane and the freshness rule from the seed.

The seed: "Braintrust recommends that you update monthly, but you must update at least once per
quarter." We turn that into: warn when the pinned release is older than 30 days, refuse to deploy
when it is older than 90 days (unless ``danger_allow_stale_release`` is set).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, Field

from .common import StrictModel

WARN_AFTER_DAYS = 30
REFUSE_AFTER_DAYS = 90

_VERSION = re.compile(r"^v\d+\.\d+\.\d+$")
_CHART_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
# An exact release: v2.9.0, 2.9.0, or a pre-release/build of one (v2.9.0-rc.1, v2.9.0-hotfix1). Floating
# names (latest, main, stable, nightly, v2, 2.9...) point at different code from one run to the next.
_IMAGE_TAG = re.compile(r"^v?\d+\.\d+\.\d+(-[0-9A-Za-z][0-9A-Za-z.-]{0,63})?$")


def _version(value: str) -> str:
    if not _VERSION.match(value):
        raise ValueError("must look like v2.12.0 (a pinned release, never 'latest')")
    return value


def _chart_version(value: str) -> str:
    if not _CHART_VERSION.match(value):
        raise ValueError("must be an exact chart version such as 6.11.0")
    return value


def _image_tag(value: str) -> str:
    if not _IMAGE_TAG.match(value):
        raise ValueError("must be a pinned exact version such as v2.9.0 (not 'latest', 'main', 'stable' or "
                         "another floating tag)")
    return value


ReleaseVersion = Annotated[str, AfterValidator(_version)]
ImageTag = Annotated[str, AfterValidator(_image_tag)]
ChartVersion = Annotated[str, AfterValidator(_chart_version)]


class ReleaseConfig(StrictModel):
    """Which Braintrust data plane release this stack runs. Bump all pins together (see README)."""

    version: ReleaseVersion = Field(
        description="Braintrust data plane release, e.g. v2.12.0: one registered in components/facts/braintrust.py."
    )
    release_date: dt.date = Field(
        description="Date that release was published; drives the 30-day warning and 90-day refusal."
    )
    api_image_tag: ImageTag | None = Field(
        default=None, description="Tag of the API container image (GCP/Azure). Defaults to `version`."
    )
    brainstore_image_tag: ImageTag | None = Field(
        default=None, description="Tag of the Brainstore container image. Defaults to `version`."
    )
    lambda_bundle_tag: ImageTag | None = Field(
        default=None, description="Version of the AWS Lambda code bundles. Defaults to `version`."
    )
    helm_chart_version: ChartVersion | None = Field(
        default=None,
        description="Version of oci://public.ecr.aws/braintrust/helm/braintrust (GCP/Azure; required there).",
    )

    @property
    def api_tag(self) -> str:
        return self.api_image_tag or self.version

    @property
    def brainstore_tag(self) -> str:
        return self.brainstore_image_tag or self.version

    @property
    def lambda_tag(self) -> str:
        return self.lambda_bundle_tag or self.version

    def age_days(self, today: dt.date) -> int:
        return (today - self.release_date).days


def release_freshness(release: ReleaseConfig, today: dt.date) -> tuple[str, str | None]:
    """Classify the pin as ("fresh" | "stale" | "expired" | "future", message)."""
    age = release.age_days(today)
    if age < 0:
        return "future", f"release.release_date {release.release_date} is after today ({today})"
    if age > REFUSE_AFTER_DAYS:
        return "expired", (
            f"release {release.version} (published {release.release_date}) is {age} days old; Braintrust requires "
            f"updating at least once per quarter ({REFUSE_AFTER_DAYS} days). Fix: pin a newer release Braintrust "
            f"published: register it in components/facts/braintrust.py with its source, then run "
            f"`make release VERSION=<vX.Y.Z> DATE=<YYYY-MM-DD>` (add CHART=<x.y.z> for GCP/Azure stacks); "
            f"or, knowingly, set danger_allow_stale_release: true"
        )
    if age > WARN_AFTER_DAYS:
        return "stale", (
            f"release {release.version} is {age} days old; Braintrust recommends updating monthly "
            f"({WARN_AFTER_DAYS} days)"
        )
    return "fresh", None
