"""Every enum-valued field the GCP stacks set, against Google's discovery documents (google-api-python-client):
a member, not deprecated, on a field that is not deprecated. The provider-to-API table is ``gcp_fields.TABLE``;
a test lists UPPER_CASE values the stacks set outside the table, so no enum escapes unchecked.
"""

from __future__ import annotations

import re

import pytest

from components.config import Cloud

from . import gcp_fields as g
from .built import built, leaves, stacks_of, values_at
from .known import DELIBERATE, known, known_cases

GCP = stacks_of(Cloud.GCP)
ROWS = sorted(g.TABLE)
ENUM_LIKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
# UPPER_CASE values that are not enums of any API: HTTP methods live in FreeString rows; these are data.
NOT_ENUMS: dict[tuple[str, str], str] = {}


def _value_problems(stack: str, typ: str, path: str) -> list[str]:
    row = g.TABLE[(typ, path)]
    problems = []
    for resource in built(stack).of_type(typ):
        for value in values_at(resource.inputs, path):
            if isinstance(row, g.Api):
                found = g.value_problems(row, value)
            elif isinstance(row, g.FreeString):
                found = g.free_string_problems(row)
            else:
                found = g.provider_only_problems(row, value)
            problems.extend(f"{resource.name}: {path}={value!r}: {p}" for p in found)
    return problems


def _field_problems(stack: str, typ: str, path: str) -> list[str]:
    row = g.TABLE[(typ, path)]
    if isinstance(row, g.ProviderOnly):
        return []
    return [f"{r.name}: {p}" for r in built(stack).of_type(typ) if values_at(r.inputs, path)
            for p in g.field_problems(row)]


def _cases(check: str) -> list[object]:
    return [pytest.param(stack, typ, path, id=f"{stack}::{typ.split(':')[1]}.{path}")
            for stack in GCP for typ, path in ROWS if not known(check, stack, f"{typ}::{path}")]


@pytest.mark.parametrize(("stack", "typ", "path"), _cases("gcp-value"))
def test_mapped_value_is_a_current_member(stack: str, typ: str, path: str):
    """A member of the API's enum, not marked deprecated (FreeString: the field really has no enum;
    ProviderOnly: a value the pulumi-gcp SDK documents)."""
    assert not _value_problems(stack, typ, path)


@pytest.mark.parametrize(("stack", "typ", "path"), _cases("gcp-field"))
def test_mapped_field_is_not_deprecated(stack: str, typ: str, path: str):
    assert not _field_problems(stack, typ, path)


@pytest.mark.parametrize(("stack", "subject"), known_cases("gcp-value"))
def test_known_deprecated_or_invalid_values(stack: str, subject: str):
    typ, path = subject.split("::")
    assert not _value_problems(stack, typ, path)


@pytest.mark.parametrize(("stack", "subject"), known_cases("gcp-field"))
def test_known_deprecated_fields(stack: str, subject: str):
    typ, path = subject.split("::")
    assert not _field_problems(stack, typ, path)


@pytest.mark.parametrize(("check", "stack", "subject"), sorted(k for k in DELIBERATE if k[0].startswith("gcp-")))
def test_deliberate_deviations_are_still_there(check: str, stack: str, subject: str):
    """An exemption for something the program no longer does would hide the next real finding: drop it."""
    typ, path = subject.split("::")
    problems = _field_problems(stack, typ, path) if check == "gcp-field" else _value_problems(stack, typ, path)
    assert problems, f"{subject} no longer deviates on {stack}: remove it from DELIBERATE"


@pytest.mark.parametrize("stack", GCP)
def test_every_enum_like_value_is_in_the_table(stack: str):
    """UPPER_CASE strings the stack sets on GCP resources that the table does not map: each is an enum we
    would otherwise not check (add a row) or plain data (add it to NOT_ENUMS with the reason)."""
    unmapped = sorted({
        f"{r.typ} {path}={value}" for r in built(stack).resources if r.typ.startswith("gcp:")
        for path, value in leaves(r.inputs)
        if isinstance(value, str) and ENUM_LIKE.match(value) and (r.typ, path) not in g.TABLE
        and (r.typ, path) not in NOT_ENUMS and not path.startswith(("labels.", "resourceLabels.", "userLabels."))
    })
    assert unmapped == []


def test_every_row_of_the_table_is_used():
    used = {(r.typ, path) for s in GCP for r in built(s).resources for path, _ in leaves(r.inputs)}
    assert [row for row in ROWS if row not in used] == []


# ---------------------------------------------------------------- the checks catch what they must
def test_a_deprecated_member_a_non_member_and_a_deprecated_field_are_caught():
    channel = g.Api("container.v1", "Cluster", "networkConfig.gatewayApiConfig.channel")
    assert g.value_problems(channel, "CHANNEL_STANDARD") == []
    assert g.field_problems(channel) == []
    assert "deprecated" in g.value_problems(channel, "CHANNEL_EXPERIMENTAL")[0]
    assert "is not one of" in g.value_problems(channel, "CHANNEL_STABLE")[0]
    vulnerability = g.Api("container.v1", "Cluster", "securityPostureConfig.vulnerabilityMode")
    assert g.value_problems(vulnerability, "VULNERABILITY_DISABLED") == []
    assert "deprecated" in g.value_problems(vulnerability, "VULNERABILITY_BASIC")[0]
    assert g.field_problems(vulnerability) == [
        "container.v1 Cluster.securityPostureConfig.vulnerabilityMode is deprecated"]


def test_a_spelling_table_translates_provider_values():
    tier = g.Api("redis.v1", "Instance", "tier", spelling={"STANDARD": "STANDARD_HA"})
    assert g.value_problems(tier, "STANDARD") == []


def test_a_free_string_row_on_an_enum_field_is_caught():
    assert g.free_string_problems(g.FreeString("redis.v1", "Instance", "tier"))
    with pytest.raises(AssertionError, match="no field"):
        g.resolve("redis.v1", "Instance", "nosuchField")


def test_provider_only_values_come_from_the_sdk_docstring():
    row = g.TABLE[("gcp:container/cluster:Cluster", "networkingMode")]
    assert isinstance(row, g.ProviderOnly)
    assert g.provider_only_problems(row, "VPC_NATIVE") == []
    assert g.provider_only_problems(row, "VPC_NATIVES")
