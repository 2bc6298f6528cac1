"""Federated credentials: the chart's two service accounts act as the workload identity.

The Key Vault CSI driver (SecretProviderClass with ``clientID``) and the pods (``azure.workload.identity/
client-id``) exchange the service-account token of ``braintrust-api`` / ``brainstore`` for this identity,
so each subject must match ``system:serviceaccount:<namespace>:<service account>`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

TOKEN_AUDIENCE = "api://AzureADTokenExchange"


def subject(namespace: str, service_account: str) -> str:
    return f"system:serviceaccount:{namespace}:{service_account}"


@dataclass(frozen=True)
class WorkloadIdentityArgs:
    identity_name: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    issuer_url: pulumi.Input[str]
    namespace: str
    service_accounts: list[str]


class WorkloadIdentity(pulumi.ComponentResource):
    credentials: list[azure_native.managedidentity.FederatedIdentityCredential]

    def __init__(self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:WorkloadIdentity", name, None, opts)
        self.credentials = []
        previous: list[pulumi.Resource] = []
        for account in args.service_accounts:
            credential = azure_native.managedidentity.FederatedIdentityCredential(
                f"{name}-{account}",
                federated_identity_credential_resource_name=account,
                resource_name_=args.identity_name,
                resource_group_name=args.resource_group_name,
                issuer=args.issuer_url,
                subject=subject(args.namespace, account),
                audiences=[TOKEN_AUDIENCE],
                # Azure rejects concurrent writes of federated credentials on one identity.
                opts=pulumi.ResourceOptions(parent=self, depends_on=previous),
            )
            previous = [credential]
            self.credentials.append(credential)
        self.register_outputs({})
