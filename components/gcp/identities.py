"""Google service accounts for the API and Brainstore, scoped to the two buckets, bound to the chart's KSAs.

Every grant is a non-authoritative *member* resource: the official module's authoritative bindings
silently remove members that someone else added to the same role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

BUCKET_ROLES = ("roles/storage.objectAdmin", "roles/storage.legacyBucketReader")
WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"
TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator"


@dataclass(frozen=True)
class IdentitiesArgs:
    deployment_name: str
    project_id: str
    workload_pool: str  # <project>.svc.id.goog
    namespace: str
    api_kubernetes_sa: str
    brainstore_kubernetes_sa: str
    buckets: dict[str, pulumi.Input[str]]  # role in the data plane -> bucket name
    after: Sequence[pulumi.Resource] = ()  # the cluster: its identity pool must exist before WI bindings


class Identities(pulumi.ComponentResource):
    api_email: pulumi.Output[str]
    brainstore_email: pulumi.Output[str]
    bindings: list[pulumi.Resource]  # the chart's pods must not start before these exist

    def __init__(self, name: str, args: IdentitiesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Identities", name, None, opts)
        dn = args.deployment_name
        after = list(args.after)
        # Both read and write both buckets: the API writes the realtime WAL to the Brainstore bucket, and
        # Brainstore reads code bundles and writes its response cache in the API bucket.
        accounts = {
            "api": (f"{dn}-api", args.api_kubernetes_sa),
            "brainstore": (f"{dn}-brainstore", args.brainstore_kubernetes_sa),
        }
        emails: dict[str, pulumi.Output[str]] = {}
        self.bindings = []
        for role_name, (account_id, ksa) in accounts.items():
            gsa = gcp.serviceaccount.Account(
                f"{name}-{role_name}",
                account_id=account_id,
                project=args.project_id,
                display_name=f"Braintrust {role_name} ({dn})",
                opts=pulumi.ResourceOptions(parent=self, depends_on=after),
            )
            emails[role_name] = gsa.email
            for bucket_role, bucket in args.buckets.items():
                for role in BUCKET_ROLES:
                    self.bindings.append(gcp.storage.BucketIAMMember(
                        f"{name}-{role_name}-{bucket_role}-{role.rsplit('.', 1)[-1]}",
                        bucket=bucket,
                        role=role,
                        member=gsa.member,
                        opts=pulumi.ResourceOptions(parent=self),
                    ))
            self.bindings.append(gcp.serviceaccount.IAMMember(
                f"{name}-{role_name}-workload-identity",
                service_account_id=gsa.name,
                role=WORKLOAD_IDENTITY_USER,
                member=f"serviceAccount:{args.workload_pool}[{args.namespace}/{ksa}]",
                opts=pulumi.ResourceOptions(parent=self, depends_on=after),
            ))
            if role_name == "api":
                # Signed URLs without a private key: the API signs through IAM signBlob on itself.
                self.bindings.append(gcp.serviceaccount.IAMMember(
                    f"{name}-api-self-token-creator",
                    service_account_id=gsa.name,
                    role=TOKEN_CREATOR,
                    member=gsa.member,
                    opts=pulumi.ResourceOptions(parent=self),
                ))
        self.api_email = emails["api"]
        self.brainstore_email = emails["brainstore"]
        self.register_outputs({"api_email": self.api_email, "brainstore_email": self.brainstore_email})
