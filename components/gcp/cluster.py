"""GKE Standard: private nodes, Workload Identity, Dataplane V2, shielded nodes, CMEK secrets and disks.

Regional (three zones) in production, zonal in staging. The node service account is dedicated and holds
only the GKE default-node role. Pools come from ``node_pools.pool_specs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.config.gcp import GcpClusterConfig
from components.facts import gcp as gcp_facts
from components.facts import monitoring as monitoring_facts
from components.tags import Tags

from .node_pools import GKE_TAINT_EFFECT, PoolSpec, initial_nodes_per_zone

NODE_ROLES = ("roles/container.defaultNodeServiceAccount",)
_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]  # access is governed by IAM, not scopes


@dataclass(frozen=True)
class ClusterArgs:
    deployment_name: str
    project_id: str
    region: str
    zones: Sequence[str]
    regional: bool
    config: GcpClusterConfig
    master_cidr: str
    network_id: pulumi.Input[str]
    subnetwork_id: pulumi.Input[str]
    pods_range_name: pulumi.Input[str]
    services_range_name: pulumi.Input[str]
    key_id: pulumi.Input[str]
    node_tag: str
    pools: Sequence[PoolSpec]
    labels: Tags
    protect: bool
    gateway_api: bool  # install the Gateway API (external HTTPS endpoint)
    after: Sequence[pulumi.Resource] = ()  # APIs + CMEK grants (secrets encryption, boot disks)


class Cluster(pulumi.ComponentResource):
    name: pulumi.Output[str]
    location: str
    endpoint: pulumi.Output[str]  # what clients (Pulumi, kubectl) connect to
    dns_endpoint: bool  # endpoint is the DNS name (publicly trusted certificate, not the cluster CA)
    ca_certificate: pulumi.Output[str]
    node_service_account: pulumi.Output[str]
    workload_pool: str
    node_pools: dict[str, gcp.container.NodePool]

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Cluster", name, None, opts)
        dn = args.deployment_name
        after = list(args.after)
        self.location = args.region if args.regional else args.zones[0]
        node_zones = list(args.zones) if args.regional else [args.zones[0]]
        self.workload_pool = f"{args.project_id}.svc.id.goog"
        cfg = args.config
        # No IP allow-list and no private endpoint: reach the control plane through its DNS name, which
        # authorizes every request with IAM, instead of leaving the IP endpoint open to the internet.
        self.dns_endpoint = not cfg.private_endpoint and not cfg.authorized_networks

        node_sa = gcp.serviceaccount.Account(
            f"{name}-nodes-sa",
            account_id=f"{dn}-gke-nodes",
            project=args.project_id,
            display_name=f"GKE nodes of Braintrust {dn}",
            opts=pulumi.ResourceOptions(parent=self, depends_on=after),
        )
        node_roles = [
            gcp.projects.IAMMember(
                f"{name}-nodes-{role.rsplit('.', 1)[-1]}",
                project=args.project_id,
                role=role,
                member=node_sa.member,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for role in NODE_ROLES
        ]
        cluster = gcp.container.Cluster(
            f"{name}-cluster",
            name=f"{dn}-gke",
            project=args.project_id,
            location=self.location,
            node_locations=node_zones if args.regional else None,
            network=args.network_id,
            subnetwork=args.subnetwork_id,
            networking_mode="VPC_NATIVE",
            ip_allocation_policy=gcp.container.ClusterIpAllocationPolicyArgs(
                cluster_secondary_range_name=args.pods_range_name,
                services_secondary_range_name=args.services_range_name,
            ),
            private_cluster_config=gcp.container.ClusterPrivateClusterConfigArgs(
                enable_private_nodes=True,  # nodes have no public IPs; egress via Cloud NAT
                enable_private_endpoint=cfg.private_endpoint,
                master_ipv4_cidr_block=args.master_cidr,
                master_global_access_config=gcp.container.ClusterPrivateClusterConfigMasterGlobalAccessConfigArgs(
                    enabled=True
                ),
            ),
            # The IP endpoint admits only the authorized networks; with none listed it admits nobody from
            # outside and operators (and Pulumi) use the IAM-gated DNS endpoint instead.
            master_authorized_networks_config=gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=[
                    gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                        cidr_block=str(net), display_name=f"authorized-{i}"
                    )
                    for i, net in enumerate(cfg.authorized_networks)
                ],
                gcp_public_cidrs_access_enabled=False,
            ) if cfg.authorized_networks or self.dns_endpoint else None,
            control_plane_endpoints_config=gcp.container.ClusterControlPlaneEndpointsConfigArgs(
                dns_endpoint_config=gcp.container.ClusterControlPlaneEndpointsConfigDnsEndpointConfigArgs(
                    allow_external_traffic=True
                )
            ) if self.dns_endpoint else None,
            release_channel=gcp.container.ClusterReleaseChannelArgs(channel=cfg.release_channel),
            workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
                workload_pool=self.workload_pool
            ),
            datapath_provider="ADVANCED_DATAPATH",  # Dataplane V2: eBPF, NetworkPolicy enforced
            enable_shielded_nodes=True,
            enable_l4_ilb_subsetting=True,
            database_encryption=gcp.container.ClusterDatabaseEncryptionArgs(state="ENCRYPTED", key_name=args.key_id),
            addons_config=gcp.container.ClusterAddonsConfigArgs(
                http_load_balancing=gcp.container.ClusterAddonsConfigHttpLoadBalancingArgs(disabled=False),
                horizontal_pod_autoscaling=gcp.container.ClusterAddonsConfigHorizontalPodAutoscalingArgs(
                    disabled=False
                ),
                gce_persistent_disk_csi_driver_config=(
                    gcp.container.ClusterAddonsConfigGcePersistentDiskCsiDriverConfigArgs(enabled=True)
                ),
            ),
            gateway_api_config=gcp.container.ClusterGatewayApiConfigArgs(channel="CHANNEL_STANDARD")
            if args.gateway_api else None,
            # Workload configuration auditing stays on; GKE no longer offers vulnerability scanning on
            # Standard (every scanning mode is Deprecated in the v1 API), so it is off explicitly.
            security_posture_config=gcp.container.ClusterSecurityPostureConfigArgs(
                mode=gcp_facts.GKE_SECURITY_POSTURE_MODE, vulnerability_mode=gcp_facts.GKE_VULNERABILITY_MODE
            ),
            logging_config=gcp.container.ClusterLoggingConfigArgs(
                enable_components=["SYSTEM_COMPONENTS", "WORKLOADS"]
            ),
            # System metrics plus the kube state metrics packages the alerts read (pod and Deployment state).
            monitoring_config=gcp.container.ClusterMonitoringConfigArgs(
                enable_components=list(monitoring_facts.GKE_MONITORING_COMPONENTS),
                managed_prometheus=gcp.container.ClusterMonitoringConfigManagedPrometheusArgs(enabled=True),
            ),
            maintenance_policy=gcp.container.ClusterMaintenancePolicyArgs(
                recurring_window=gcp.container.ClusterMaintenancePolicyRecurringWindowArgs(
                    start_time="2025-01-04T06:00:00Z",
                    end_time="2025-01-04T14:00:00Z",
                    recurrence="FREQ=WEEKLY;BYDAY=SA,SU",
                )
            ),
            # The default pool is replaced by ours; it still must boot with our identity and hardening
            # (orgs often disable the default compute service account).
            remove_default_node_pool=True,
            initial_node_count=1,
            node_config=gcp.container.ClusterNodeConfigArgs(
                service_account=node_sa.email,
                oauth_scopes=_SCOPES,
                boot_disk_kms_key=args.key_id,
                shielded_instance_config=gcp.container.ClusterNodeConfigShieldedInstanceConfigArgs(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                workload_metadata_config=gcp.container.ClusterNodeConfigWorkloadMetadataConfigArgs(
                    mode="GKE_METADATA"
                ),
                tags=[args.node_tag],
            ),
            deletion_protection=args.protect,
            resource_labels=args.labels,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                depends_on=[*after, *node_roles],
                ignore_changes=["nodeConfig", "initialNodeCount"],
            ),
        )
        self.node_pools = {
            spec.name: self._pool(name, spec, args, cluster, node_sa, len(node_zones)) for spec in args.pools
        }
        self.name = cluster.name
        if self.dns_endpoint:
            self.endpoint = cluster.control_plane_endpoints_config.apply(
                lambda c: (c.dns_endpoint_config.endpoint or "") if c and c.dns_endpoint_config else ""
            )
        elif cfg.private_endpoint:
            self.endpoint = cluster.private_cluster_config.apply(
                lambda c: c.private_endpoint if c and c.private_endpoint else ""
            )
        else:
            self.endpoint = cluster.endpoint
        self.ca_certificate = cluster.master_auth.cluster_ca_certificate
        self.node_service_account = node_sa.email
        self.register_outputs({
            "name": self.name,
            "location": self.location,
            "endpoint": self.endpoint,
            "node_pools": list(self.node_pools),
        })

    def _pool(self, name: str, spec: PoolSpec, args: ClusterArgs, cluster: gcp.container.Cluster,
              node_sa: gcp.serviceaccount.Account, zones: int) -> gcp.container.NodePool:
        return gcp.container.NodePool(
            f"{name}-pool-{spec.name}",
            name=spec.name,
            project=args.project_id,
            cluster=cluster.id,
            location=self.location,
            initial_node_count=initial_nodes_per_zone(spec, zones),
            autoscaling=gcp.container.NodePoolAutoscalingArgs(
                total_min_node_count=spec.min_nodes,
                total_max_node_count=spec.max_nodes,
                location_policy="BALANCED",
            ),
            management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            # Node upgrades add a node before draining one: a Brainstore pod always has a node to go to.
            upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(
                strategy="SURGE", max_surge=1, max_unavailable=0
            ),
            node_config=gcp.container.NodePoolNodeConfigArgs(
                machine_type=spec.machine_type,
                image_type="COS_CONTAINERD",
                disk_type=spec.boot_disk_type,
                disk_size_gb=100,
                boot_disk_kms_key=args.key_id,
                service_account=node_sa.email,
                oauth_scopes=_SCOPES,
                labels=spec.labels,
                taints=[
                    gcp.container.NodePoolNodeConfigTaintArgs(
                        key=t.key, value=t.value, effect=GKE_TAINT_EFFECT[t.effect]
                    )
                    for t in spec.taints
                ],
                ephemeral_storage_local_ssd_config=(
                    gcp.container.NodePoolNodeConfigEphemeralStorageLocalSsdConfigArgs(
                        local_ssd_count=spec.local_ssd_count
                    ) if spec.local_ssd_count else None
                ),
                gvnic=gcp.container.NodePoolNodeConfigGvnicArgs(enabled=True),
                shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
                    mode="GKE_METADATA"
                ),
                resource_labels=args.labels,
                tags=[args.node_tag],
            ),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["initialNodeCount"]),
        )
