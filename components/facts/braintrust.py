"""What Braintrust has published: release pins and the repositories they are read from.

Every pin in ``stacks/`` must be one of these (``tests/components/facts/test_releases.py``); bump them
with ``make release`` after reading the new versions off Braintrust's repositories:

    fetch github:braintrustdata/terraform-aws-braintrust-data-plane  -> modules/*/VERSIONS.json
    fetch github:braintrustdata/helm                                 -> braintrust/Chart.yaml, values.yaml

The release date is the date Braintrust's bot committed the version bump (the first moment the release was
traceable); the seed's 30/90-day freshness rule is judged from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Check, register

AWS_MODULE = "braintrustdata/terraform-aws-braintrust-data-plane"
HELM_REPO = "braintrustdata/helm"


@dataclass(frozen=True)
class PublishedRelease:
    """A data plane release (services version) as one Braintrust artifact pins it."""

    version: str
    date: dt.date
    chart_version: str | None  # the Helm chart that ships these images by default (GCP/Azure)


# Lambda bundles, Brainstore and ECS API images: the AWS module's VERSIONS.json files, all bumped together
# by commit 933147f ("Update Braintrust Services versions to v2.12.0", 2026-08-21T21:41:44Z).
AWS_SERVICES = register(
    "braintrust.release.aws_services",
    PublishedRelease(version="v2.12.0", date=dt.date(2026, 8, 21), chart_version=None),
    f"{AWS_MODULE}@933147f/modules/services/VERSIONS.json:2 ; "
    f"{AWS_MODULE}@933147f/modules/brainstore-ec2/VERSIONS.json:2 ; "
    f"{AWS_MODULE}@933147f/modules/api-ecs/VERSIONS.json:2",
    Check.UPSTREAM,
    note="newest snapshot of the module readable offline (HEAD 6bf9b11, 2026-08-21)",
)

# The chart and the image tags it defaults to: Chart.yaml version 6.11.0 (commit 33f04f8, 2026-07-30) and
# values.yaml api/brainstore image tags v2.9.0 (commit 24e4f6b, 2026-07-30T23:24:07Z).
CHART = register(
    "braintrust.release.helm_chart",
    PublishedRelease(version="v2.9.0", date=dt.date(2026, 7, 30), chart_version="6.11.0"),
    f"{HELM_REPO}@33f04f8/braintrust/Chart.yaml:3 ; {HELM_REPO}@24e4f6b/braintrust/values.yaml:116",
    Check.UPSTREAM,
    note="newest snapshot of the chart readable offline (HEAD 33f04f8, 2026-07-30)",
)

PUBLISHED: tuple[PublishedRelease, ...] = (AWS_SERVICES, CHART)
