"""Building blocks shared by every section of the stack configuration.

Every model forbids unknown keys (a typo in a stack file must fail, not be ignored) and is frozen
(components receive configuration, they never change it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

MAX_ECHOED = 80  # characters of a user's value repeated in an error message


class StrictModel(BaseModel):
    """Base of every configuration model: unknown keys are errors, instances are immutable, and a
    float is finite (``.inf`` or ``.nan`` would turn into nonsense sizes deep inside a component)."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _types_mean_what_they_say(cls, value: Any, info: ValidationInfo) -> Any:
        """No lax coercion where it changes meaning: a switch is a boolean (not 1 or "yes"), a count is
        an integer (not true, "5" or 5.0), a size is a number (not true), a date is YYYY-MM-DD (not a Unix
        timestamp). Other types keep pydantic's parsing (enums, addresses and UUIDs from text)."""
        field = cls.model_fields.get(info.field_name or "")
        if field is None or value is None:
            return value
        kinds = _scalar_kinds(field.annotation)
        if not kinds:
            return value
        if isinstance(value, bool):
            if bool not in kinds:
                raise ValueError(f"Input should be a valid {_kind_name(kinds)}, not a boolean")
            return value
        if kinds == {bool}:
            raise ValueError("Input should be a valid boolean (true or false)")
        if dt.date in kinds:
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str) or (
                    isinstance(value, str) and not _ISO_DATE.match(value)):
                raise ValueError("Input should be a valid date written YYYY-MM-DD")
            return value
        if int in kinds and float not in kinds and not isinstance(value, int):
            raise ValueError("Input should be a valid integer")
        if float in kinds and not isinstance(value, int | float):
            raise ValueError("Input should be a valid number")
        return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCALARS = (bool, int, float, dt.date)


def _scalar_kinds(annotation: Any) -> set[type]:
    """The scalar types a field annotation admits at its top level (through Optional and Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _scalar_kinds(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_scalar_kinds(a) for a in typing.get_args(annotation)))
    if origin is typing.Literal:
        return {type(a) for a in typing.get_args(annotation)} & set(_SCALARS)
    return {annotation} if annotation in _SCALARS else set()


def _kind_name(kinds: set[type]) -> str:
    return "date" if dt.date in kinds else "integer" if kinds == {int} else "number"


class Problem(StrictModel):
    """One configuration error: the key path (``braintrust:`` omitted, or a full ``ns:key``) and why."""

    path: str
    message: str


def given(value: Any) -> str:
    """A user's value as echoed in a message: quoted, and cut to MAX_ECHOED characters."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= MAX_ECHOED else text[: MAX_ECHOED - 3] + "..."


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
            problems.append(f"key {given(key)} is not a valid GCP label key (lowercase, [a-z0-9_-], <= 63)")
        if not _TAG_VALUE.match(value):
            problems.append(f"value {given(value)} of {given(key)} is not a valid GCP label value")
    return problems
