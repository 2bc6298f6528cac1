"""The facts ledger: every external fact has a source; the SKU table is part of it."""

from __future__ import annotations

import re

import pytest

from components.config import Cloud  # noqa: F401  (loads the config package before the SKU table: import order)
from components.facts import Check, Fact, load_all, model
from components.facts.model import register
from components.sizing import skus

# A source is a URL or an upstream file reference such as
# braintrustdata/terraform-aws-braintrust-data-plane/modules/services/main.tf:42 (@commit optional).
_URL = re.compile(r"^https://[^\s]+$")
_UPSTREAM = re.compile(r"^[\w.-]+/[\w.-]+(@[0-9a-f]{7,40})?/[^\s:]+(:\d+(-\d+)?)?$")
_PACKAGE = re.compile(r"^(pypi|package):[\w.-]+==[\w.]+(/[^\s]*)?$")


def _well_formed(source: str) -> bool:
    return any(p.match(part.strip()) for part in source.split(" ; ") for p in (_URL, _UPSTREAM, _PACKAGE))


FACTS = sorted(load_all().values(), key=lambda f: f.name)


def test_ledger_is_not_empty() -> None:
    assert len(FACTS) >= 1


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.name)
def test_every_fact_has_a_well_formed_source(fact: Fact) -> None:
    assert fact.source.strip(), f"{fact.name} has no source"
    assert all(_well_formed(part) for part in fact.source.split(" ; ")), (
        f"{fact.name}: source {fact.source!r} is neither a URL, an upstream repo/path[:line] nor pypi:pkg==ver")
    assert fact.check in Check


@pytest.mark.parametrize("sku", skus.all_skus(), ids=lambda s: f"{s.cloud}-{s.name}")
def test_every_sku_has_a_source(sku: skus.Sku) -> None:
    assert _URL.match(sku.source), f"{sku.name}: {sku.source!r}"


def test_a_fact_without_a_source_is_caught() -> None:
    assert not _well_formed("")
    assert not _well_formed("I remember this")
    assert _well_formed("https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html")
    assert _well_formed("braintrustdata/helm@33f04f8/braintrust/Chart.yaml:3")
    assert _well_formed("pypi:botocore==1.44.8/botocore/data/ec2")


def test_registering_a_name_twice_with_other_contents_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "_LEDGER", {})
    register("test.ledger.sample", 1, "https://example.com/a", Check.DOCS)
    assert register("test.ledger.sample", 1, "https://example.com/a", Check.DOCS) == 1
    with pytest.raises(ValueError, match="registered twice"):
        register("test.ledger.sample", 2, "https://example.com/a", Check.DOCS)
