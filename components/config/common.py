"""Building blocks shared by every section of the stack configuration.

Every model forbids unknown keys (a typo in a stack file must fail, not be ignored) and is frozen
(components receive configuration, they never change it).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """Base of every configuration model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Cloud(StrEnum):
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"


class Size(StrEnum):
    """The two presets. Their rows come from the seed's hardware table (testing vs production)."""

    STAGING = "staging"
    PRODUCTION = "production"


_DNS_LABEL = re.compile(r"^[a-z]([a-z0-9-]*[a-z0-9])?$")
_SUFFIX = re.compile(r"^[a-z0-9]{4,8}$")
_TAG_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_TAG_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")


def _dns_label(value: str) -> str:
    if not _DNS_LABEL.match(value):
        raise ValueError(
            "must start with a lowercase letter, contain only lowercase letters, digits and hyphens, "
            "and not end with a hyphen"
        )
    if "--" in value:
        raise ValueError("must not contain two hyphens in a row (several clouds reject them)")
    return value


def _suffix(value: str) -> str:
    if not _SUFFIX.match(value):
        raise ValueError("must be 4 to 8 lowercase letters or digits")
    return value


DnsLabel = Annotated[str, AfterValidator(_dns_label)]
UniqueSuffix = Annotated[str, AfterValidator(_suffix)]
PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]


def label_safe(tags: dict[str, str]) -> list[str]:
    """Problems that make tags unusable as GCP labels (lowercase keys/values, limited charset)."""
    problems = []
    for key, value in tags.items():
        if not _TAG_KEY.match(key):
            problems.append(f"key {key!r} is not a valid GCP label key (lowercase, [a-z0-9_-], <= 63)")
        if not _TAG_VALUE.match(value):
            problems.append(f"value {value!r} of {key!r} is not a valid GCP label value")
    return problems
