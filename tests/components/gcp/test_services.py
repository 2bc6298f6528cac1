"""Project services: every API the stack calls is enabled by the stack, and never disabled on destroy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pytest
from pulumi.runtime.proto import resource_pb2

from components.gcp.services import REQUIRED_APIS
from components.program import Secrets, deploy
from tests.support.harness import PROJECT, Harness, RecordingMocks, RecordingMonitor, run
from tests.support.stacks import STAND_INS, stack_config

SERVICE = "gcp:projects/service:Service"
PROJECT_LOOKUP = "gcp:organizations/getProject:getProject"
GCS_AGENT_LOOKUP = "gcp:storage/getProjectServiceAccount:getProjectServiceAccount"


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


class _InvokeGateMonitor(RecordingMonitor):
    """A monitor that, like the real engine, accepts dependencies on invokes (and records them).

    The stock mock monitor does not advertise invoke dependencies, so the SDK never sends them; with this
    one, each data source call arrives with the URNs it waits for, as it would at `pulumi up`.
    """

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.invokes: list[tuple[str, list[str]]] = []

    def GetDeploymentInfo(self, request: Any) -> Any:
        info = super().GetDeploymentInfo(request)
        info.supportedFeatures.append(resource_pb2.RESOURCE_MONITOR_FEATURE_INVOKE_DEPENDS_ON)
        return info

    def Invoke(self, request: Any) -> Any:
        self.invokes.append((request.tok, list(request.dependsOn)))
        return super().Invoke(request)


def _build_recording_invokes(stack: str) -> tuple[Harness, _InvokeGateMonitor]:
    cfg = stack_config(stack)
    mocks = RecordingMocks(region=cfg.region)
    monitor = _InvokeGateMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, monitor=monitor)
    harness = Harness(mocks=mocks, monitor=monitor)

    def program() -> Mapping[str, Any]:
        secrets = Secrets(brainstore_license_key=pulumi.Output.secret(STAND_INS["brainstore_license_key"]))
        return deploy(cfg, secrets)

    return run(harness, program), monitor


@pytest.mark.parametrize("stack_name", ["gcp-staging", "gcp-production"])
def test_data_sources_wait_for_the_apis_they_call(stack_name: str) -> None:
    """On a fresh project the APIs are off until ProjectServices enables them: every GCP data source
    (the project lookup, the GCS service agent) must be gated on that, or the first apply fails."""
    h, monitor = _build_recording_invokes(stack_name)
    services = {r.inputs["service"]: r.name for r in h.of_type(SERVICE)}
    urns = {name: h.registration(name, SERVICE).urn for name in services.values()}
    gcp_invokes = [(tok, deps) for tok, deps in monitor.invokes if tok.startswith("gcp:")]
    assert {tok for tok, _ in gcp_invokes} >= {PROJECT_LOOKUP, GCS_AGENT_LOOKUP}
    for tok, deps in gcp_invokes:
        assert set(urns.values()) <= set(deps), f"{tok} does not wait for every API enablement"
    (project_deps,) = [deps for tok, deps in gcp_invokes if tok == PROJECT_LOOKUP]
    assert urns[services["cloudresourcemanager.googleapis.com"]] in project_deps  # the API it calls
