"""Kubernetes fakes (the Helm chart is an opaque remote component under mocks).

A LoadBalancer Service gets an internal address in ``status`` (what the cloud controller would
assign), so code reading ``status.loadBalancer.ingress`` sees a realistic value.
"""

from __future__ import annotations

from typing import Any

from pulumi.runtime.mocks import MockResourceArgs

from .fakes import output

FAKE_INTERNAL_LB_IP = "10.0.32.7"


@output("kubernetes:core/v1:Service")
def _service(args: MockResourceArgs, region: str) -> dict[str, Any]:
    spec = args.inputs.get("spec") or {}
    if spec.get("type") != "LoadBalancer":
        return {"status": {"loadBalancer": {}}}
    return {"status": {"loadBalancer": {"ingress": [{"ip": FAKE_INTERNAL_LB_IP}]}}}
