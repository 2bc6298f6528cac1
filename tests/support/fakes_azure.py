"""Azure fakes: realistic outputs and data-source results for azure-native."""

from __future__ import annotations

from typing import Any

from pulumi.runtime.mocks import MockCallArgs

from .fakes import AZURE_SUBSCRIPTION, AZURE_TENANT, invoke


@invoke("azure-native:authorization:getClientConfig")
def _client_config(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"subscriptionId": AZURE_SUBSCRIPTION, "tenantId": AZURE_TENANT,
            "clientId": "00000000-0000-4000-8000-000000000003",
            "objectId": "00000000-0000-4000-8000-000000000004"}
