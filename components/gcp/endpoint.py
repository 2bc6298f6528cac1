"""How SDKs and the browser reach the API.

Private (default on GCP): the internal passthrough load balancer the workloads create, on a reserved
address in the node subnet; reachable from the VPC and peered/VPN networks only.

Public (``ingress.private_only: false`` + ``ingress.custom_domain``): a global external Application Load
Balancer built by GKE's Gateway controller, with a Google-managed certificate (or your own Compute Engine
certificate), an optional Cloud Armor policy, and HTTPS only (no port-80 listener).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from components.kubernetes.values import API_NAME, API_PORT
from components.tags import Tags

GATEWAY_CLASS = "gke-l7-global-external-managed"
GATEWAY_NAME = "braintrust-api"
# Long-running requests (streamed LLM responses, large BTQL queries) outlive the LB's 30 s default.
BACKEND_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class EndpointArgs:
    deployment_name: str
    project_id: str
    namespace: pulumi.Input[str]
    internal_ip: pulumi.Input[str]
    internal_port: int
    private: bool
    custom_domain: str | None
    certificate: str | None  # existing Compute Engine SSL certificate name; None = Google-managed
    cloud_armor_policy: str | None
    labels: Tags
    # API enablement (compute.googleapis.com): the address and certificate must wait for it.
    after: Sequence[pulumi.Resource] = ()


class Endpoint(pulumi.ComponentResource):
    api_url: pulumi.Output[str]
    public_ip: pulumi.Output[str] | None
    dns_records: pulumi.Output[list[dict[str, str]]]

    def __init__(self, name: str, args: EndpointArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Endpoint", name, None, opts)
        if args.private:
            self.api_url = pulumi.Output.from_input(args.internal_ip).apply(
                lambda ip: f"http://{ip}:{args.internal_port}"
            )
            self.public_ip = None
            self.dns_records = pulumi.Output.from_input([])
        else:
            assert args.custom_domain, "validated in config: a public endpoint needs ingress.custom_domain"
            self._public(name, args, args.custom_domain)
        self.register_outputs({"api_url": self.api_url, "dns_records": self.dns_records})

    def _public(self, name: str, args: EndpointArgs, domain: str) -> None:
        dn = args.deployment_name
        child = pulumi.ResourceOptions(parent=self)
        cloud = pulumi.ResourceOptions(parent=self, depends_on=list(args.after))
        address = gcp.compute.GlobalAddress(
            f"{name}-ip",
            name=f"{dn}-api-ip",
            project=args.project_id,
            address_type="EXTERNAL",
            ip_version="IPV4",
            labels=args.labels,
            opts=cloud,
        )
        if args.certificate:
            cert_name: pulumi.Input[str] = args.certificate
        else:
            # Provisions once DNS for the domain points at the address (see dns_records).
            cert = gcp.compute.ManagedSslCertificate(
                f"{name}-cert",
                name=f"{dn}-api-cert",
                project=args.project_id,
                managed=gcp.compute.ManagedSslCertificateManagedArgs(domains=[domain]),
                opts=cloud,
            )
            cert_name = cert.name
        gateway = k8s.apiextensions.CustomResource(
            f"{name}-gateway",
            api_version="gateway.networking.k8s.io/v1",
            kind="Gateway",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=GATEWAY_NAME, namespace=args.namespace),
            spec={
                "gatewayClassName": GATEWAY_CLASS,
                "listeners": [{
                    "name": "https",
                    "protocol": "HTTPS",
                    "port": 443,
                    "hostname": domain,
                    "tls": {"mode": "Terminate", "options": {"networking.gke.io/pre-shared-certs": cert_name}},
                    "allowedRoutes": {"namespaces": {"from": "Same"}},
                }],
                "addresses": [{"type": "NamedAddress", "value": address.name}],
            },
            opts=child,
        )
        k8s.apiextensions.CustomResource(
            f"{name}-route",
            api_version="gateway.networking.k8s.io/v1",
            kind="HTTPRoute",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=API_NAME, namespace=args.namespace),
            spec={
                "parentRefs": [{"name": GATEWAY_NAME, "sectionName": "https"}],
                "hostnames": [domain],
                "rules": [{"backendRefs": [{"name": API_NAME, "port": API_PORT}]}],
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
        )
        service_ref = {"group": "", "kind": "Service", "name": API_NAME}
        k8s.apiextensions.CustomResource(
            f"{name}-health-check",
            api_version="networking.gke.io/v1",
            kind="HealthCheckPolicy",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=API_NAME, namespace=args.namespace),
            spec={
                "default": {"config": {"type": "HTTP", "httpHealthCheck": {"port": API_PORT, "requestPath": "/"}}},
                "targetRef": service_ref,
            },
            opts=child,
        )
        backend: dict[str, object] = {"timeoutSec": BACKEND_TIMEOUT_SECONDS, "logging": {"enabled": True}}
        if args.cloud_armor_policy:
            backend["securityPolicy"] = args.cloud_armor_policy
        k8s.apiextensions.CustomResource(
            f"{name}-backend-policy",
            api_version="networking.gke.io/v1",
            kind="GCPBackendPolicy",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=API_NAME, namespace=args.namespace),
            spec={"default": backend, "targetRef": service_ref},
            opts=child,
        )
        self.public_ip = address.address
        self.api_url = pulumi.Output.from_input(f"https://{domain}")
        self.dns_records = address.address.apply(lambda ip: [{"name": domain, "type": "A", "value": ip}])
