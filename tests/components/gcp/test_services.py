"""Project services: every API the stack calls is enabled by the stack, and never disabled on destroy."""

from __future__ import annotations

from components.gcp.services import REQUIRED_APIS
from tests.support.harness import Harness


def test_required_apis_enabled_and_kept_on_destroy(stack: Harness) -> None:
    services = stack.of_type("gcp:projects/service:Service")
    assert {s.inputs["service"] for s in services} == set(REQUIRED_APIS)
    for s in services:
        assert s.inputs["disableOnDestroy"] is False
        assert s.inputs["disableDependentServices"] is False


def test_apis_cover_what_the_stack_uses(stack: Harness) -> None:
    families = {r.typ.split(":")[1].split("/")[0] for r in stack.resources if r.typ.startswith("gcp:")}
    needs = {"compute": "compute", "container": "container", "sql": "sqladmin", "redis": "redis",
             "storage": "storage", "kms": "cloudkms", "secretmanager": "secretmanager",
             "servicenetworking": "servicenetworking", "serviceaccount": "iam"}
    enabled = {s.inputs["service"].split(".")[0] for s in stack.of_type("gcp:projects/service:Service")}
    for family, api in needs.items():
        if family in families:
            assert api in enabled, f"{family} resources need {api}.googleapis.com"
