"""GCP fakes: realistic outputs and data-source results for the Google provider."""

from __future__ import annotations

from typing import Any

from pulumi.runtime.mocks import MockCallArgs

from .fakes import GCP_PROJECT, invoke


@invoke("gcp:organizations/getClientConfig:getClientConfig")
def _client_config(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"project": GCP_PROJECT, "region": region, "zone": f"{region}-a", "accessToken": "fake-token",
            "id": "client-config", "defaultLabels": {}}


@invoke("gcp:organizations/getProject:getProject")
def _project(args: MockCallArgs, region: str) -> dict[str, Any]:
    project = args.args.get("projectId") or GCP_PROJECT
    return {"projectId": project, "number": "123456789012", "name": project, "id": f"projects/{project}"}
