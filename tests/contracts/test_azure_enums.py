"""Every enum-typed property the Azure stacks set, against azure-native's own enum classes and the azure-mgmt-*
models (cdn, containerservice, postgresqlflexibleservers, redisenterprise); the mapping is
``azure_fields.TABLE``, and tests prove each row names the class the SDK annotates and that no enum-typed
property the stacks set is missing from it. Also the Azure Managed Redis SKUs of the sizing table.
"""

from __future__ import annotations

import pytest

from components.config import Cloud
from components.sizing import skus
from components.sizing.skus import Kind

from . import azure_fields as a
from .built import built, leaves, stacks_of, values_at
from .known import DELIBERATE, known

AZURE = stacks_of(Cloud.AZURE)
ROWS = sorted(a.TABLE)


def _problems(stack: str, typ: str, path: str) -> list[str]:
    allowed = a.TABLE[(typ, path)].allowed(typ)
    return [f"{r.name}: {path}={value!r} not in {model} {sorted(values)}"
            for r in built(stack).of_type(typ) for value in values_at(r.inputs, path)
            for model, values in allowed.items() if str(value) not in values]


def _cases() -> list[object]:
    return [pytest.param(stack, typ, path, id=f"{stack}::{typ.split(':', 1)[1]}.{path}")
            for stack in AZURE for typ, path in ROWS if not known("azure-value", stack, f"{typ}::{path}")]


@pytest.mark.parametrize(("check", "stack", "subject"), sorted(k for k in DELIBERATE if k[0] == "azure-value"))
def test_deliberate_deviations_are_still_there(check: str, stack: str, subject: str):
    """An exemption for something the program no longer sends would hide the next real finding: drop it."""
    typ, path = subject.split("::")
    assert _problems(stack, typ, path), f"{subject} no longer deviates on {stack}: remove it from DELIBERATE"


@pytest.mark.parametrize(("stack", "typ", "path"), _cases())
def test_mapped_property_is_a_member_of_every_model(stack: str, typ: str, path: str):
    assert not _problems(stack, typ, path)


@pytest.mark.parametrize(("typ", "path"), ROWS, ids=[f"{t.split(':', 1)[1]}.{p}" for t, p in ROWS])
def test_each_row_names_the_enum_the_sdk_annotates(typ: str, path: str):
    assert a.sdk_enum_of(typ, path) == a.TABLE[(typ, path)].native


@pytest.mark.parametrize("stack", AZURE)
def test_every_enum_typed_property_the_stack_sets_is_in_the_table(stack: str):
    unmapped = sorted({f"{r.typ} {path} ({a.sdk_enum_of(r.typ, path)})"
                       for r in built(stack).resources if r.typ.startswith("azure-native:")
                       for path, value in leaves(r.inputs)
                       if isinstance(value, str) and (r.typ, path) not in a.TABLE and a.sdk_enum_of(r.typ, path)})
    assert unmapped == []


def test_every_row_of_the_table_is_used():
    used = {(r.typ, path) for s in AZURE for r in built(s).resources for path, _ in leaves(r.inputs)}
    assert [row for row in ROWS if row not in used] == []


@pytest.mark.parametrize("sku", [s for s in skus.all_skus() if s.cloud is Cloud.AZURE and s.kind is Kind.CACHE],
                         ids=lambda s: s.name)
def test_managed_redis_skus_of_the_sizing_table_exist(sku: skus.Sku):
    row = a.TABLE[("azure-native:redisenterprise:RedisEnterprise", "sku.name")]
    for model, values in row.allowed("azure-native:redisenterprise:RedisEnterprise").items():
        assert sku.name in values, model


# ---------------------------------------------------------------- the checks catch what they must
def test_a_value_missing_from_either_model_is_caught():
    row = a.TABLE[("azure-native:cdn:Route", "forwardingProtocol")]
    models = row.allowed("azure-native:cdn:Route")
    assert len(models) == 2
    assert all("HttpOnly" in v for v in models.values())
    assert not any("HTTPOnly" in v for v in models.values())


def test_the_sdk_annotation_reader_follows_nested_types():
    typ = "azure-native:redisenterprise:RedisEnterprise"
    assert a.sdk_enum_of(typ, "encryption.customerManagedKeyEncryption.keyEncryptionKeyIdentity.identityType") \
        == "CmkIdentityType"
    assert a.sdk_enum_of(typ, "clusterName") is None
