"""docs/facts.md is generated from the ledger: it must be current, and it lists every residual risk."""

from __future__ import annotations

from components.facts import Check, load_all
from scripts import gen_facts


def test_facts_doc_is_current():
    assert gen_facts.DOC.read_text() == gen_facts.render(), "run: venv/bin/python -m scripts.gen_facts --write"


def test_every_docs_only_fact_is_listed_as_a_residual_risk():
    text = gen_facts.render()
    risks = text.split("## Residual risks", 1)[1].split("## All facts by area", 1)[0]
    docs_only = [f.name for f in load_all().values() if f.check is Check.DOCS]
    assert docs_only and all(f"| `{name}` |" in risks for name in docs_only)
    others = [f.name for f in load_all().values() if f.check is not Check.DOCS]
    assert not any(f"| `{name}` |" in risks for name in others)
