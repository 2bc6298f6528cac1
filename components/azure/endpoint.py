"""Opt-in public HTTPS endpoint: Azure Front Door Premium -> Private Link -> the API's internal LB.

The upstream module needs two applies and a manual approval in the portal. Here, in one ``pulumi up``:

1. the API's internal LoadBalancer Service asks AKS for a Private Link Service (Service annotations,
   see ``private_link_annotations``), created in the cluster's node resource group;
2. Front Door's origin connects to it over Private Link (TLS at the edge with a managed certificate on
   ``<endpoint>.azurefd.net``; the hop to the origin stays on Microsoft's backbone);
3. a deployment script approves the pending connection, so traffic flows without a person. It only
   approves connections still pending, so a rerun (after Azure deleted the script resource and a refresh
   re-created it, see ``scripts.py``) changes nothing; its trigger is the Private Link Service it serves.

The origin is never exposed to the internet: the load balancer stays internal. Front Door waits for the
origin at most ``FRONT_DOOR_ORIGIN_TIMEOUT_MAX_S`` (240 s, Front Door's maximum; GCP's load balancer uses
600 s): the longest a Braintrust request may go without a response byte through the public endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from components.facts.azure import FRONT_DOOR_ORIGIN_TIMEOUT_MAX_S
from components.tags import Tags

from .common import grant
from .scripts import cli_script, trigger_tag

APPROVE_SCRIPT = """set -euo pipefail
# Front Door creates its private endpoint connection asynchronously: wait for it, then approve it.
for attempt in $(seq 1 60); do
  pending=$(az network private-endpoint-connection list --id "$PLS_ID" \\
    --query "[?properties.privateLinkServiceConnectionState.status=='Pending'].id" -o tsv)
  approved=$(az network private-endpoint-connection list --id "$PLS_ID" \\
    --query "[?properties.privateLinkServiceConnectionState.status=='Approved'].id" -o tsv)
  for connection in $pending; do
    az network private-endpoint-connection approve --id "$connection" --description "Braintrust Front Door"
  done
  if [ -n "$pending$approved" ]; then exit 0; fi
  sleep 30
done
echo "no Front Door connection appeared on $PLS_ID" >&2; exit 1
"""


def private_link_annotations(pls_name: str, subnet_name: str) -> dict[str, str]:
    """Annotations on the API Service that make AKS create (and own) its Private Link Service."""
    return {
        "service.beta.kubernetes.io/azure-pls-create": "true",
        "service.beta.kubernetes.io/azure-pls-name": pls_name,
        "service.beta.kubernetes.io/azure-pls-ip-configuration-subnet": subnet_name,
        "service.beta.kubernetes.io/azure-pls-proxy-protocol": "false",
    }


@dataclass(frozen=True)
class EndpointArgs:
    deployment_name: str
    endpoint_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: str
    tags: Tags
    node_resource_group: str
    private_link_service_name: str
    origin_ip: str
    origin_port: int
    operations_identity_id: pulumi.Input[str]
    operations_principal_id: pulumi.Input[str]
    waf_policy_id: str | None
    depends_on: list[pulumi.Resource]  # the workloads (their Service creates the Private Link Service)


class Endpoint(pulumi.ComponentResource):
    api_url: pulumi.Output[str]
    host_name: pulumi.Output[str]
    profile_id: pulumi.Output[str]

    def __init__(self, name: str, args: EndpointArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:Endpoint", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # AKS names the Private Link Service after the Service annotation, in the node resource group:
        # its id is known up front (no lookup, so previews show it too).
        pls_id = (f"/subscriptions/{args.subscription_id}/resourceGroups/{args.node_resource_group}"
                  f"/providers/Microsoft.Network/privateLinkServices/{args.private_link_service_name}")
        profile = azure_native.cdn.Profile(
            f"{name}-profile",
            profile_name=f"{args.deployment_name}-afd",
            resource_group_name=args.resource_group_name,
            location="global",
            # Private Link origins need Premium.
            sku=azure_native.cdn.SkuArgs(name=azure_native.cdn.SkuName.PREMIUM_AZURE_FRONT_DOOR),
            # Long queries and streams: the largest value Front Door accepts.
            origin_response_timeout_seconds=FRONT_DOOR_ORIGIN_TIMEOUT_MAX_S,
            tags=args.tags,
            opts=child,
        )
        endpoint = azure_native.cdn.AFDEndpoint(
            f"{name}-endpoint",
            endpoint_name=args.endpoint_name,
            profile_name=profile.name,
            resource_group_name=args.resource_group_name,
            location="global",
            enabled_state=azure_native.cdn.EnabledState.ENABLED,
            tags=args.tags,
            opts=child,
        )
        origin_group = azure_native.cdn.AFDOriginGroup(
            f"{name}-origin-group",
            origin_group_name="api",
            profile_name=profile.name,
            resource_group_name=args.resource_group_name,
            health_probe_settings=azure_native.cdn.HealthProbeParametersArgs(
                probe_path="/", probe_protocol=azure_native.cdn.ProbeProtocol.HTTP,
                probe_request_type=azure_native.cdn.HealthProbeRequestType.GET, probe_interval_in_seconds=60,
            ),
            load_balancing_settings=azure_native.cdn.LoadBalancingSettingsParametersArgs(
                sample_size=4, successful_samples_required=3, additional_latency_in_milliseconds=50,
            ),
            opts=child,
        )
        origin = azure_native.cdn.AFDOrigin(
            f"{name}-origin",
            origin_name="api-internal-lb",
            origin_group_name=origin_group.name,
            profile_name=profile.name,
            resource_group_name=args.resource_group_name,
            host_name=args.origin_ip,
            origin_host_header=args.origin_ip,
            http_port=args.origin_port,
            https_port=443,
            enabled_state=azure_native.cdn.EnabledState.ENABLED,
            shared_private_link_resource=azure_native.cdn.SharedPrivateLinkResourcePropertiesArgs(
                private_link=azure_native.cdn.ResourceReferenceArgs(id=pls_id),
                private_link_location=args.location,
                request_message="Braintrust Front Door",
            ),
            # The Private Link Service exists once the workloads' API Service has its load balancer.
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.depends_on),
        )
        route = azure_native.cdn.Route(
            f"{name}-route",
            route_name="api",
            endpoint_name=endpoint.name,
            profile_name=profile.name,
            resource_group_name=args.resource_group_name,
            origin_group=azure_native.cdn.ResourceReferenceArgs(id=origin_group.id),
            patterns_to_match=["/*"],
            supported_protocols=[azure_native.cdn.AFDEndpointProtocols.HTTP,
                                 azure_native.cdn.AFDEndpointProtocols.HTTPS],
            https_redirect=azure_native.cdn.HttpsRedirect.ENABLED,
            forwarding_protocol=azure_native.cdn.ForwardingProtocol.HTTP_ONLY,
            link_to_default_domain=azure_native.cdn.LinkToDefaultDomain.ENABLED,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[origin]),
        )
        if args.waf_policy_id:
            azure_native.cdn.SecurityPolicy(
                f"{name}-waf",
                security_policy_name="waf",
                profile_name=profile.name,
                resource_group_name=args.resource_group_name,
                parameters=azure_native.cdn.SecurityPolicyWebApplicationFirewallParametersArgs(
                    type="WebApplicationFirewall",
                    waf_policy=azure_native.cdn.ResourceReferenceArgs(id=args.waf_policy_id),
                    associations=[azure_native.cdn.SecurityPolicyWebApplicationFirewallAssociationArgs(
                        domains=[azure_native.cdn.ActivatedResourceReferenceArgs(id=endpoint.id)],
                        patterns_to_match=["/*"],
                    )],
                ),
                opts=child,
            )
        approver = grant(
            f"{name}-approver-role", parent=self, subscription_id=args.subscription_id,
            role="Network Contributor", principal_id=args.operations_principal_id,
            scope=f"/subscriptions/{args.subscription_id}/resourceGroups/{args.node_resource_group}",
            depends_on=args.depends_on,
        )
        cli_script(
            f"{name}-approve-private-link",
            parent=self,
            script_name=f"{args.deployment_name}-approve-afd-link",
            resource_group_name=args.resource_group_name,
            location=args.location,
            identity_id=args.operations_identity_id,
            content=APPROVE_SCRIPT,
            environment={"PLS_ID": pls_id},
            trigger=trigger_tag({"private_link_service": pls_id}),
            timeout="PT45M",
            tags=args.tags,
            depends_on=[origin, route, approver],
        )
        self.host_name = endpoint.host_name
        self.profile_id = profile.id  # alerts (5xx) and diagnostic settings are scoped to it
        self.api_url = endpoint.host_name.apply(lambda host: f"https://{host}")
        self.register_outputs({"api_url": self.api_url, "host_name": self.host_name})
