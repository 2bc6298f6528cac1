"""AKS: workload identity, Key Vault CSI, Azure CNI overlay + Cilium network policy, zoned node pools.

Node pools (names are AKS agent pool names, <= 12 lowercase alphanumerics):

* ``system``: AKS add-ons only (``CriticalAddonsOnly`` taint).
* ``services``: the API (and anything else that is not Brainstore).
* ``bsreader`` / ``bswriter`` / ``bsfast``: Brainstore roles on VM sizes with local NVMe, tainted so that
  only Brainstore lands there. Each pool has exactly one node per Brainstore pod, plus one spare node
  the autoscaler may add: the chart rolls Deployments out with ``maxSurge: 100%``, so a rollout needs a
  second, full-size node for the writer before the old pod goes away.

Access: local accounts are disabled (Entra ID + Azure RBAC only). The program reaches the cluster with
the deployer's own Entra identity through ``kubelogin`` (the deployer gets "Azure Kubernetes Service RBAC
Cluster Admin" on this cluster), so no static admin credential exists anywhere. etcd is encrypted with the
deployment's Key Vault key (KMS); with a private vault AKS requires API Server VNet Integration, so the API
server sits in its own delegated subnet.

Local NVMe reaches the pods through Azure Container Storage v2 (``microsoft.azurecontainerstoragev2``,
the chart's ``local`` StorageClass). Its node DaemonSet tolerates every NoSchedule taint and is built
for arm64 as well as amd64 (Azure/local-csi-driver), so Cobalt (Dpdsv6) pools work.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import yaml

from components.facts import monitoring as monitoring_facts
from components.kubernetes.args import (
    BrainstorePlacement,
    Placement,
    Taint,
    brainstore_pool_max_nodes,
)
from components.sizing.model import BrainstoreRoleSize, BrainstoreSize, NodePoolSize
from components.tags import Tags

from .common import grant

SYSTEM_POOL = "system"
SERVICES_POOL = "services"
BRAINSTORE_POOLS: dict[str, str] = {"reader": "bsreader", "writer": "bswriter", "fast_reader": "bsfast"}
# Chart names of the Brainstore roles (used in taints, labels and the chart's values).
CHART_ROLES: dict[str, str] = {"reader": "reader", "writer": "writer", "fast_reader": "fastreader"}
BRAINSTORE_TAINT_KEY = "braintrust.dev/brainstore"
POOL_LABEL = "braintrust.dev/pool"
SERVICES_PLACEMENT = Placement.aks_pool(SERVICES_POOL)

# Entra ID application of the AKS API server (the same in every tenant); kubelogin requests tokens for it.
AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"

# Cluster-internal ranges that cannot collide with the VNet (overlay pods never use VNet addresses).
POD_CIDR = "192.168.0.0/16"
SERVICE_CIDR = "172.16.0.0/16"
DNS_SERVICE_IP = "172.16.0.10"


def brainstore_placements(brainstore: BrainstoreSize) -> BrainstorePlacement:
    """Where each Brainstore role runs: its pool's selector plus the toleration of that pool's taint.

    A role without nodes of its own (staging's combined node, no fast readers) runs on the reader pool.
    """

    def own(role: str) -> Placement:
        chart_role = CHART_ROLES[role]
        return Placement.aks_pool(BRAINSTORE_POOLS[role], taints=(Taint(BRAINSTORE_TAINT_KEY, chart_role),))

    reader = own("reader")
    return BrainstorePlacement(
        reader=reader,
        writer=own("writer") if brainstore.writer.count > 0 else reader,
        fast_reader=own("fast_reader") if brainstore.fast_reader.count > 0 else None,
    )


@dataclass(frozen=True)
class ClusterArgs:
    cluster_name: str
    node_resource_group: str
    deployment_name: str
    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: str
    tags: Tags
    production: bool
    zones: list[str]
    nodes_subnet_id: pulumi.Input[str]
    api_server_subnet_id: pulumi.Input[str]
    identity_id: pulumi.Input[str]
    identity_principal_id: pulumi.Input[str]
    system_pool: NodePoolSize
    services_pool: NodePoolSize
    brainstore: BrainstoreSize
    private_cluster: bool
    authorized_ip_ranges: list[pulumi.Input[str]]
    upgrade_channel: str
    outbound_type: str
    kms_key_id: pulumi.Input[str]  # versioned Key Vault key id
    vault_id: pulumi.Input[str]
    deployer_object_id: pulumi.Input[str]
    kubelogin_login: str
    depends_on: list[pulumi.Resource]  # the KMS key grants must exist before the cluster
    # Container Insights (pod restarts and readiness for the alerts): the monitoring add-on with
    # managed-identity authentication, into this workspace. None: no add-on.
    log_analytics_workspace_id: pulumi.Input[str] | None = None


def kubelogin_kubeconfig(raw: str, login: str) -> str:
    """The cluster's user kubeconfig (exec format) with kubelogin's login mode taken from ``login``.

    AKS writes ``--login devicecode`` (interactive); `pulumi up` needs a non-interactive mode, passed
    through the AAD_LOGIN_METHOD variable kubelogin reads, so CI and laptops share one kubeconfig shape.
    """
    config: dict[str, Any] = yaml.safe_load(raw)
    for user in config.get("users", []):
        exec_config = (user.get("user") or {}).get("exec")
        if not exec_config:
            continue
        args: list[str] = list(exec_config.get("args") or [])
        cleaned: list[str] = []
        skip = False
        for arg in args:
            if skip:
                skip = False
                continue
            if arg == "--login":
                skip = True
                continue
            cleaned.append(arg)
        exec_config["args"] = cleaned
        exec_config["env"] = [{"name": "AAD_LOGIN_METHOD", "value": login}]
    return yaml.safe_dump(config, sort_keys=False)

def _upgrade_settings(max_surge: str) -> azure_native.containerservice.AgentPoolUpgradeSettingsArgs:
    return azure_native.containerservice.AgentPoolUpgradeSettingsArgs(
        max_surge=max_surge, max_unavailable="0", drain_timeout_in_minutes=30, node_soak_duration_in_minutes=0,
    )


def monitoring_addon(workspace_id: pulumi.Input[str] | None) -> dict[str, Any]:
    """The Container Insights add-on profile (key and settings: components/facts/monitoring.py)."""
    if workspace_id is None:
        return {}
    ci = monitoring_facts.CONTAINER_INSIGHTS
    return {ci["addon"]: azure_native.containerservice.ManagedClusterAddonProfileArgs(
        enabled=True, config={ci["workspace_setting"]: workspace_id, ci["aad_setting"]: "true"})}


class Cluster(pulumi.ComponentResource):
    name: pulumi.Output[str]
    cluster_id: pulumi.Output[str]
    oidc_issuer_url: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]  # secret: server, CA and the kubelogin exec stanza (no static credential)
    deployer_access: pulumi.Resource  # the deployer's RBAC role on the cluster: install workloads after it
    placements: BrainstorePlacement
    services_placement: Placement
    pools: dict[str, str]  # Brainstore role -> agent pool name (only roles with their own nodes)
    ready: list[pulumi.Resource]  # pools + storage extension: install workloads after these

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:Cluster", name, None, opts)
        subnet_role = grant(
            f"{name}-subnet-network-contributor", parent=self, subscription_id=args.subscription_id,
            role="Network Contributor", principal_id=args.identity_principal_id, scope=args.nodes_subnet_id,
        )
        api_subnet_role = grant(
            f"{name}-api-subnet-network-contributor", parent=self, subscription_id=args.subscription_id,
            role="Network Contributor", principal_id=args.identity_principal_id, scope=args.api_server_subnet_id,
        )
        system = args.system_pool
        cluster = azure_native.containerservice.ManagedCluster(
            f"{name}-aks",
            resource_name_=args.cluster_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            dns_prefix=args.deployment_name,
            node_resource_group=args.node_resource_group,
            sku=azure_native.containerservice.ManagedClusterSKUArgs(
                name=azure_native.containerservice.ManagedClusterSKUName.BASE,
                tier=(azure_native.containerservice.ManagedClusterSKUTier.STANDARD if args.production
                      else azure_native.containerservice.ManagedClusterSKUTier.FREE),
            ),
            identity=azure_native.containerservice.ManagedClusterIdentityArgs(
                type=azure_native.containerservice.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[args.identity_id],
            ),
            enable_rbac=True,
            disable_local_accounts=True,
            aad_profile=azure_native.containerservice.ManagedClusterAADProfileArgs(managed=True,
                                                                                   enable_azure_rbac=True),
            oidc_issuer_profile=azure_native.containerservice.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
            security_profile=azure_native.containerservice.ManagedClusterSecurityProfileArgs(
                workload_identity=azure_native.containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs(
                    enabled=True),
                azure_key_vault_kms=azure_native.containerservice.AzureKeyVaultKmsArgs(
                    enabled=True,
                    key_id=args.kms_key_id,
                    key_vault_network_access=azure_native.containerservice.KeyVaultNetworkAccessTypes.PRIVATE,
                    key_vault_resource_id=args.vault_id,
                ),
            ),
            addon_profiles={
                "azureKeyvaultSecretsProvider": azure_native.containerservice.ManagedClusterAddonProfileArgs(
                    enabled=True, config={"enableSecretRotation": "true", "rotationPollInterval": "2m"},
                ),
                **monitoring_addon(args.log_analytics_workspace_id),
            },
            network_profile=azure_native.containerservice.ContainerServiceNetworkProfileArgs(
                network_plugin=azure_native.containerservice.NetworkPlugin.AZURE,
                network_plugin_mode=azure_native.containerservice.NetworkPluginMode.OVERLAY,
                network_dataplane=azure_native.containerservice.NetworkDataplane.CILIUM,
                network_policy=azure_native.containerservice.NetworkPolicy.CILIUM,
                pod_cidr=POD_CIDR,
                service_cidr=SERVICE_CIDR,
                dns_service_ip=DNS_SERVICE_IP,
                load_balancer_sku=azure_native.containerservice.LoadBalancerSku.STANDARD,
                outbound_type=args.outbound_type,
            ),
            api_server_access_profile=azure_native.containerservice.ManagedClusterAPIServerAccessProfileArgs(
                enable_private_cluster=args.private_cluster,
                enable_vnet_integration=True,
                subnet_id=args.api_server_subnet_id,
                private_dns_zone="system" if args.private_cluster else None,
                authorized_ip_ranges=None if args.private_cluster else (args.authorized_ip_ranges or None),
            ),
            auto_upgrade_profile=azure_native.containerservice.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel=args.upgrade_channel,
                node_os_upgrade_channel=azure_native.containerservice.NodeOSUpgradeChannel.NODE_IMAGE,
            ),
            agent_pool_profiles=[azure_native.containerservice.ManagedClusterAgentPoolProfileArgs(
                name=SYSTEM_POOL,
                mode=azure_native.containerservice.AgentPoolMode.SYSTEM,
                vm_size=system.sku,
                os_type=azure_native.containerservice.OSType.LINUX,
                os_sku=azure_native.containerservice.OSSKU.UBUNTU,
                type=azure_native.containerservice.AgentPoolType.VIRTUAL_MACHINE_SCALE_SETS,
                availability_zones=args.zones,
                vnet_subnet_id=args.nodes_subnet_id,
                enable_auto_scaling=True,
                count=system.min_count,
                min_count=system.min_count,
                max_count=system.max_count,
                node_taints=["CriticalAddonsOnly=true:NoSchedule"],
                node_labels={POOL_LABEL: SYSTEM_POOL},
                upgrade_settings=_upgrade_settings("33%"),
                tags=args.tags,
            )],
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[subnet_role, api_subnet_role, *args.depends_on],
                # The other pools are AgentPool resources; the autoscaler owns node counts; the upgrade
                # channel owns the Kubernetes version.
                ignore_changes=["agentPoolProfiles", "kubernetesVersion"],
            ),
        )
        self.ready = []
        services = args.services_pool
        self.ready.append(self._pool(name, SERVICES_POOL, cluster, args, vm_size=services.sku,
                                     count=services.min_count, max_count=services.max_count, taint=None,
                                     label=SERVICES_POOL, max_surge="33%"))
        for role, pool in BRAINSTORE_POOLS.items():
            size: BrainstoreRoleSize = getattr(args.brainstore, role)
            if size.count == 0:
                continue
            chart_role = CHART_ROLES[role]
            self.ready.append(self._pool(
                name, pool, cluster, args, vm_size=size.sku, count=size.count,
                max_count=brainstore_pool_max_nodes(size.count),
                taint=f"{BRAINSTORE_TAINT_KEY}={chart_role}:NoSchedule", label=f"brainstore-{chart_role}",
                # One extra node at a time: the new node is ready before the old pod is drained.
                max_surge="1",
                # Keep the local NVMe free for Azure Container Storage: OS and kubelet on the managed disk.
                kubelet_on_os_disk=True,
            ))
        self.ready.append(azure_native.kubernetesconfiguration.Extension(
            f"{name}-container-storage",
            resource_group_name=args.resource_group_name,
            cluster_rp="Microsoft.ContainerService",
            cluster_resource_name="managedClusters",
            cluster_name=cluster.name,
            extension_name="acstor",
            extension_type="microsoft.azurecontainerstoragev2",
            auto_upgrade_minor_version=True,
            release_train="stable",
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.ready[:]),
        ))
        self.deployer_access = grant(
            f"{name}-deployer-cluster-admin", parent=self, subscription_id=args.subscription_id,
            role="Azure Kubernetes Service RBAC Cluster Admin", principal_id=args.deployer_object_id,
            scope=cluster.id, service_principal=False,
        )
        credentials = azure_native.containerservice.list_managed_cluster_user_credentials_output(
            resource_group_name=args.resource_group_name,
            resource_name=cluster.name,
            format="exec",
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        login = args.kubelogin_login
        self.kubeconfig = pulumi.Output.secret(credentials.kubeconfigs.apply(
            lambda configs: kubelogin_kubeconfig(base64.b64decode(configs[0].value).decode(), login)))
        self.name = cluster.name
        self.cluster_id = cluster.id
        self.oidc_issuer_url = cluster.oidc_issuer_profile.apply(
            lambda profile: (profile.issuer_url if profile else None) or "")
        self.placements = brainstore_placements(args.brainstore)
        self.services_placement = SERVICES_PLACEMENT
        self.pools = {role: pool for role, pool in BRAINSTORE_POOLS.items()
                      if getattr(args.brainstore, role).count > 0}
        self.register_outputs({"name": self.name, "oidc_issuer_url": self.oidc_issuer_url})

    def _pool(self, name: str, pool: str, cluster: azure_native.containerservice.ManagedCluster,
              args: ClusterArgs, *, vm_size: str, count: int, max_count: int, taint: str | None, label: str,
              max_surge: str, kubelet_on_os_disk: bool = False) -> azure_native.containerservice.AgentPool:
        return azure_native.containerservice.AgentPool(
            f"{name}-{pool}",
            agent_pool_name=pool,
            resource_name_=cluster.name,
            resource_group_name=args.resource_group_name,
            mode=azure_native.containerservice.AgentPoolMode.USER,
            vm_size=vm_size,
            os_type=azure_native.containerservice.OSType.LINUX,
            os_sku=azure_native.containerservice.OSSKU.UBUNTU,
            type=azure_native.containerservice.AgentPoolType.VIRTUAL_MACHINE_SCALE_SETS,
            availability_zones=args.zones,
            vnet_subnet_id=args.nodes_subnet_id,
            enable_auto_scaling=True,
            count=count,
            min_count=count,
            max_count=max(max_count, count),
            node_taints=[taint] if taint else None,
            node_labels={POOL_LABEL: label},
            os_disk_type=azure_native.containerservice.OSDiskType.MANAGED if kubelet_on_os_disk else None,
            kubelet_disk_type=azure_native.containerservice.KubeletDiskType.OS if kubelet_on_os_disk else None,
            upgrade_settings=_upgrade_settings(max_surge),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["count"]),
        )
