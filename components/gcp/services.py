"""Project services (APIs) every other GCP resource needs, enabled by the program itself.

The official module asks users to enable 21 APIs by hand and then "wait about 5 minutes"; its first apply
still races API enablement. Here every other resource lists these in ``depends_on`` (see ``after``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

# What the data plane calls, and why. serviceusage.googleapis.com itself must already be on (it is in every
# new project): it is the API that enables the others.
REQUIRED_APIS: dict[str, str] = {
    "cloudresourcemanager.googleapis.com": "project IAM bindings",
    "compute.googleapis.com": "VPC, NAT, firewall, load balancers, node VMs",
    "container.googleapis.com": "GKE cluster and node pools",
    "servicenetworking.googleapis.com": "private service access for Cloud SQL and Memorystore",
    "sqladmin.googleapis.com": "Cloud SQL for PostgreSQL",
    "redis.googleapis.com": "Memorystore for Redis",
    "storage.googleapis.com": "GCS buckets",
    "cloudkms.googleapis.com": "customer-managed encryption keys",
    "secretmanager.googleapis.com": "the database password secret",
    "iam.googleapis.com": "service accounts",
    "iamcredentials.googleapis.com": "Workload Identity token exchange",
    "sts.googleapis.com": "Workload Identity federation tokens",
    "logging.googleapis.com": "GKE and NAT logs",
    "monitoring.googleapis.com": "GKE system metrics",
}


@dataclass(frozen=True)
class ProjectServicesArgs:
    project_id: str
    extra_apis: Sequence[str] = ()


class ProjectServices(pulumi.ComponentResource):
    """``after`` is the list every other GCP resource depends on."""

    after: list[pulumi.Resource]

    def __init__(self, name: str, args: ProjectServicesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:ProjectServices", name, None, opts)
        apis = list(dict.fromkeys([*REQUIRED_APIS, *args.extra_apis]))
        self.after = [
            gcp.projects.Service(
                f"{name}-{api.split('.', 1)[0]}",
                project=args.project_id,
                service=api,
                # Other workloads in the project may use these APIs: never switch them off on destroy.
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for api in apis
        ]
        self.register_outputs({"apis": apis})
