"""Braintrust services on the GKE cluster: a Kubernetes provider for it, then the shared workloads component.

The provider's kubeconfig carries no credential: ``gke-gcloud-auth-plugin`` mints a short-lived token
from the deployer's Google credentials on every call (nothing long-lived lands in state).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from components.kubernetes.args import InternalLoadBalancer, WorkloadsArgs
from components.kubernetes.workloads import Workloads
from components.tags import Tags

AUTH_PLUGIN = "gke-gcloud-auth-plugin"


def kubeconfig(cluster_id: str, endpoint: str, ca_certificate: str | None) -> str:
    """A kubeconfig for one cluster that authenticates through the GKE auth plugin (exec credential).

    ``ca_certificate`` None: the endpoint (GKE's DNS endpoint) serves a publicly trusted certificate.
    """
    cluster: dict[str, str] = {"server": f"https://{endpoint}"}
    if ca_certificate:
        cluster["certificate-authority-data"] = ca_certificate
    return json.dumps({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_id, "cluster": cluster}],
        "users": [{"name": cluster_id, "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": AUTH_PLUGIN,
            "installHint": "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
            "provideClusterInfo": True,
            "interactiveMode": "Never",
        }}}],
        "contexts": [{"name": cluster_id, "context": {"cluster": cluster_id, "user": cluster_id}}],
        "current-context": cluster_id,
    })


@dataclass(frozen=True)
class GcpWorkloadsArgs:
    deployment_name: str
    project_id: str
    region: str
    cluster_name: pulumi.Input[str]
    cluster_location: str
    endpoint: pulumi.Input[str]
    ca_certificate: pulumi.Input[str] | None  # None for the DNS endpoint
    subnetwork_id: pulumi.Input[str]
    labels: Tags
    # Everything except the load balancer, which this component completes with a reserved internal IP.
    workloads: WorkloadsArgs
    allowed_cidrs: tuple[str, ...] = ()


class GcpWorkloads(pulumi.ComponentResource):
    provider: k8s.Provider
    workloads: Workloads
    internal_ip: pulumi.Output[str]
    namespace: pulumi.Output[str]

    def __init__(self, name: str, args: GcpWorkloadsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Workloads", name, None, opts)
        cluster_id = f"{args.project_id}/{args.cluster_location}/{args.deployment_name}-gke"
        config = pulumi.Output.all(args.endpoint, args.ca_certificate).apply(
            lambda parts: kubeconfig(cluster_id, parts[0], parts[1] or None)
        )
        self.provider = k8s.Provider(
            f"{name}-provider",
            kubeconfig=config,
            # A stable identity: a new endpoint or CA (cluster upgrade, rotation) must not replace every
            # Kubernetes resource, which is what a changed kubeconfig alone would do.
            cluster_identifier=cluster_id,
            enable_server_side_apply=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # A fixed internal address: the API URL survives Service re-creation and can go into DNS.
        address = gcp.compute.Address(
            f"{name}-api-ilb-ip",
            name=f"{args.deployment_name}-api-ilb",
            project=args.project_id,
            region=args.region,
            subnetwork=args.subnetwork_id,
            address_type="INTERNAL",
            purpose="SHARED_LOADBALANCER_VIP",
            labels=args.labels,
            opts=pulumi.ResourceOptions(parent=self),
        )
        lb = InternalLoadBalancer(
            allowed_cidrs=args.allowed_cidrs,
            extra_annotations={"networking.gke.io/load-balancer-ip-addresses": address.name},
        )
        shared = dataclasses.replace(args.workloads, load_balancer=lb)
        self.workloads = Workloads(
            f"{name}-k8s",
            shared,
            opts=pulumi.ResourceOptions(parent=self, providers={"kubernetes": self.provider}),
        )
        self.internal_ip = address.address
        self.namespace = self.workloads.namespace
        self.register_outputs({"internal_ip": self.internal_ip, "namespace": self.namespace})
