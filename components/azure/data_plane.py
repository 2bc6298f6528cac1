"""`braintrust:azure:DataPlane`: every Azure tier, wired in dependency order, for one stack.

Resource group -> (network, identities, log workspace) -> Key Vault with CMKs and their role assignments ->
(PostgreSQL, Storage after the CMK grants; Redis) -> AKS (Container Insights into the workspace) -> federated
credentials -> Key Vault secrets -> workloads (Helm chart, Azure mode) -> optional public Front Door endpoint ->
alerts and diagnostic settings on all of them -> optional remote support.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import pulumi_kubernetes as k8s

from components.alerting import Targets
from components.config import ConfigError, DataPlaneConfig
from components.config.azure import AzureConfig, default_api_private_ip
from components.config.root import cloud_problems
from components.kubernetes.args import (
    API_SERVICE_ACCOUNT,
    BRAINSTORE_SERVICE_ACCOUNT,
    DEFAULT_NAMESPACE,
    AzureBlobStorage,
    AzureIdentities,
    CloudMode,
    InternalLoadBalancer,
    KeyVaultSecrets,
    PostgresConnection,
    RedisConnection,
    WorkloadsArgs,
)
from components.kubernetes.connection_urls import azure_storage_connection_string, postgres_url, redis_url
from components.kubernetes.workloads import Workloads
from components.tags import resource_tags

from .cache import Cache, CacheArgs
from .cluster import Cluster, ClusterArgs
from .database import Database, DatabaseArgs
from .endpoint import Endpoint, EndpointArgs, private_link_annotations
from .identities import Identities, IdentitiesArgs
from .keyvault import KeyVault, KeyVaultArgs
from .monitoring import (
    LOG_RETENTION_DAYS,
    PG_URL_SECRET,
    REDIS_URL_SECRET,
    LogCollection,
    LogCollectionArgs,
    LogWorkspace,
    LogWorkspaceArgs,
    Monitoring,
    MonitoringArgs,
)
from .monitoring import Watched as MonitoringWatched
from .names import AzureNames
from .network import API_PORT, Network, NetworkArgs
from .remote_support import RemoteSupport, RemoteSupportArgs
from .resource_group import ResourceGroup, ResourceGroupArgs
from .secrets import AppSecrets, AppSecretsArgs
from .storage import Storage, StorageArgs
from .workload_identity import WorkloadIdentity, WorkloadIdentityArgs

NODES_SUBNET_NAME = "aks-nodes"
WRAP = "Key Vault Crypto Service Encryption User"  # wrap/unwrap only: what a service's CMK identity needs


def authorized_ip_ranges(azure: AzureConfig, egress_ip: pulumi.Output[str] | None) -> list[pulumi.Input[str]]:
    """Who may reach a public AKS API server: the deployer (installs the chart), the configured ranges,
    and the nodes' own NAT egress address. Empty = open to the internet (no deployer range given)."""
    configured = [str(n) for n in [*azure.deployer_ip_ranges, *azure.cluster.authorized_ip_ranges]]
    ranges: list[pulumi.Input[str]] = list(dict.fromkeys(configured))
    if ranges and egress_ip is not None:
        ranges.append(egress_ip.apply(lambda ip: f"{ip}/32"))
    return ranges


@dataclass(frozen=True)
class AzureDataPlaneArgs:
    config: DataPlaneConfig
    brainstore_license_key: pulumi.Input[str]


class AzureDataPlane(pulumi.ComponentResource):
    outputs: dict[str, Any]

    def __init__(self, name: str, args: AzureDataPlaneArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:DataPlane", name, None, opts)
        cfg = args.config
        problems = cloud_problems(cfg)
        if problems:
            raise ConfigError(problems)
        azure = cfg.azure
        assert azure is not None, "validated: cloud azure requires the azure section"
        dn, region, zones, tags = cfg.deployment_name, cfg.region, cfg.zone_names, resource_tags(cfg)
        subscription = str(azure.subscription_id)
        names = AzureNames.of(dn, cfg.suffix)
        child = pulumi.ResourceOptions(parent=self)

        caller = azure_native.authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        tenant_id: pulumi.Input[str] = str(azure.tenant_id) if azure.tenant_id else caller.tenant_id

        group = ResourceGroup(f"{dn}-group", ResourceGroupArgs(
            name=names.resource_group, location=region, tags=tags, protect=cfg.protect,
            existing_name=azure.resource_group.existing_name,
        ), opts=child)
        rg = group.name
        rg_name = azure.resource_group.existing_name or names.resource_group
        net_cfg = azure.network
        network = Network(f"{dn}-network", NetworkArgs(
            deployment_name=dn, resource_group_name=rg, location=region, tags=tags, vnet_cidr=net_cfg.vnet_cidr,
            create_vnet=net_cfg.create_vnet, existing_vnet_id=net_cfg.existing_vnet_id,
            existing_nodes_subnet_id=net_cfg.existing_nodes_subnet_id,
            existing_endpoints_subnet_id=net_cfg.existing_private_endpoints_subnet_id,
            existing_api_server_subnet_id=net_cfg.existing_api_server_subnet_id,
            existing_dns_zone_ids=dict(net_cfg.existing_private_dns_zone_ids),
            api_allowed_cidrs=[str(c) for c in cfg.ingress.allowed_cidrs], subscription_id=subscription,
        ), opts=child)
        # Logs of every tier and Container Insights (the cluster's monitoring add-on is set at creation).
        logs = LogWorkspace(f"{dn}-logs", LogWorkspaceArgs(
            deployment_name=dn, resource_group_name=rg, location=region, tags=tags,
            retention_days=LOG_RETENTION_DAYS.of(cfg.production)), opts=child)
        identities = Identities(f"{dn}-identities", IdentitiesArgs(
            deployment_name=dn, resource_group_name=rg, location=region, tags=tags,
        ), opts=child)
        vault = KeyVault(f"{dn}-keyvault", KeyVaultArgs(
            vault_name=names.key_vault, open_vault_name=names.open_key_vault, resource_group_name=rg,
            location=region, tenant_id=tenant_id,
            subscription_id=subscription, tags=tags, protect=cfg.protect, retain=cfg.retain,
            soft_delete_days=azure.key_vault_soft_delete_days or (90 if cfg.production else 7),
            endpoints_subnet_id=network.endpoints_subnet_id, dns_zone_id=network.dns_zone_ids["vault"],
            deployer_object_id=caller.object_id,
            secret_readers={"workload": identities.workload.principal_id},
            key_users={
                "postgres-cmk": [(WRAP, identities.postgres.principal_id)],
                "storage-cmk": [(WRAP, identities.storage.principal_id)],
                "redis-cmk": [(WRAP, identities.redis.principal_id)],
                # KMS encrypts and decrypts etcd's data keys with it.
                "aks-kms": [("Key Vault Crypto User", identities.cluster.principal_id)],
            },
            # AKS creates its own private endpoint to a private vault for KMS (AKS documentation).
            vault_roles=(("cluster", "Key Vault Contributor", identities.cluster.principal_id),),
        ), opts=child)

        database = Database(f"{dn}-postgres", DatabaseArgs(
            server_name=names.postgres, resource_group_name=rg, location=region, subscription_id=subscription,
            tags=tags, protect=cfg.protect, size=cfg.sizing.postgres, zones=zones,
            geo_redundant_backup=azure.postgres_geo_redundant_backup,
            endpoints_subnet_id=network.endpoints_subnet_id, dns_zone_id=network.dns_zone_ids["postgres"],
            cmk_key_uri=vault.key_uris["postgres-cmk"], cmk_identity_id=identities.postgres.id,
            operations_identity_id=identities.operations.id,
            operations_principal_id=identities.operations.principal_id, depends_on=vault.grants,
        ), opts=child)
        cache = Cache(f"{dn}-redis", CacheArgs(
            cluster_name=names.redis, resource_group_name=rg, location=region, tags=tags, protect=cfg.protect,
            size=cfg.sizing.redis, endpoints_subnet_id=network.endpoints_subnet_id,
            dns_zone_id=network.dns_zone_ids["redis"], cmk_versioned_key_uri=vault.key_versioned_uris["redis-cmk"],
            cmk_identity_id=identities.redis.id, depends_on=vault.grants,
        ), opts=child)
        storage = Storage(f"{dn}-storage", StorageArgs(
            account_name=names.storage_account, resource_group_name=rg, location=region,
            subscription_id=subscription, tags=tags, protect=cfg.protect, retain=cfg.retain,
            zone_redundant=cfg.production,
            cors_origins=cfg.control_plane.cors_origins, endpoints_subnet_id=network.endpoints_subnet_id,
            dns_zone_id=network.dns_zone_ids["blob"], key_vault_uri=vault.vault_uri,
            cmk_key_name=vault.key_names["storage-cmk"], cmk_identity_id=identities.storage.id,
            data_contributor_principal_id=identities.workload.principal_id, depends_on=vault.grants,
        ), opts=child)

        sizing = cfg.sizing
        assert sizing.system_pool and sizing.services_pool, "Azure presets define the node pools"
        outbound = "userAssignedNATGateway" if net_cfg.create_vnet else net_cfg.existing_outbound_type
        cluster = Cluster(f"{dn}-aks", ClusterArgs(
            cluster_name=names.aks, node_resource_group=names.aks_node_resource_group, deployment_name=dn,
            resource_group_name=rg, location=region, subscription_id=subscription, tags=tags,
            production=cfg.production, zones=zones, nodes_subnet_id=network.nodes_subnet_id,
            api_server_subnet_id=network.api_server_subnet_id,
            identity_id=identities.cluster.id, identity_principal_id=identities.cluster.principal_id,
            system_pool=sizing.system_pool, services_pool=sizing.services_pool, brainstore=sizing.brainstore,
            private_cluster=azure.cluster.private_cluster,
            authorized_ip_ranges=authorized_ip_ranges(azure, network.egress_ip),
            upgrade_channel=azure.cluster.upgrade_channel, outbound_type=outbound,
            kms_key_id=vault.key_versioned_uris["aks-kms"], vault_id=vault.vault_id,
            deployer_object_id=caller.object_id, kubelogin_login=azure.cluster.kubelogin_login,
            depends_on=vault.grants, log_analytics_workspace_id=logs.workspace_id,
        ), opts=child)
        federation = WorkloadIdentity(f"{dn}-federation", WorkloadIdentityArgs(
            identity_name=f"{dn}-workload", resource_group_name=rg, issuer_url=cluster.oidc_issuer_url,
            namespace=DEFAULT_NAMESPACE, service_accounts=[API_SERVICE_ACCOUNT, BRAINSTORE_SERVICE_ACCOUNT],
        ), opts=pulumi.ResourceOptions(parent=self, depends_on=[identities]))
        app_secrets = AppSecrets(f"{dn}-app-secrets", AppSecretsArgs(
            vault_name=vault.vault_name, resource_group_name=rg, tags=tags,
            postgres_url=postgres_url(PostgresConnection(host=database.fqdn, user=database.admin_login,
                                                         password=database.admin_password,
                                                         database=database.database_name)),
            redis_url=redis_url(RedisConnection(host=cache.host_name, port=cache.port, password=cache.access_key,
                                                tls=True)),
            license_key=args.brainstore_license_key,
            storage_connection_string=azure_storage_connection_string(storage.account_name), protect=cfg.protect,
        ), opts=child)

        api_ip = str(net_cfg.api_private_ip or default_api_private_ip(net_cfg.vnet_cidr))
        subnet_name = (NODES_SUBNET_NAME if net_cfg.create_vnet
                       else str(net_cfg.existing_nodes_subnet_id).rsplit("/", 1)[-1])
        annotations: dict[str, pulumi.Input[str]] = {
            "service.beta.kubernetes.io/azure-load-balancer-ipv4": api_ip,
            "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": subnet_name,
        }
        if not cfg.private_ingress:
            annotations.update(private_link_annotations(names.private_link_service, subnet_name))
        provider = k8s.Provider(
            f"{dn}-kubernetes",
            kubeconfig=cluster.kubeconfig,
            # Stable identity: rotated credentials must not look like a new cluster (which would replace
            # every Kubernetes object).
            cluster_identifier=f"{subscription}/{rg_name}/{names.aks}",
            enable_server_side_apply=True,
            opts=child,
        )
        workloads = Workloads(f"{dn}-workloads", WorkloadsArgs(
            cloud=CloudMode.AZURE,
            namespace=DEFAULT_NAMESPACE,
            release=cfg.release,
            org=cfg.org,
            telemetry=cfg.telemetry,
            sizing=sizing,
            production=cfg.production,
            api_placement=cluster.services_placement,
            brainstore_placement=cluster.placements,
            storage=AzureBlobStorage(storage_account_name=storage.account_name),
            identities=AzureIdentities(client_id=identities.workload.client_id, tenant_id=tenant_id),
            secrets=KeyVaultSecrets(key_vault_name=vault.vault_name),
            labels=tags,
            load_balancer=InternalLoadBalancer(port=int(API_PORT), extra_annotations=annotations),
            chart_depends_on=[*cluster.ready, cluster.deployer_access, *federation.credentials,
                              *app_secrets.secrets, *vault.grants, storage, *database.ready, cache],
            url_security=cfg.url_security,
        ), opts=pulumi.ResourceOptions(parent=self, providers={"kubernetes": provider}))

        # The load balancer's address is pinned by annotation, so the URL is known before it exists.
        internal_url = f"http://{api_ip}:{API_PORT}"
        api_url: pulumi.Input[str] = internal_url
        public_host: pulumi.Output[str] | None = None
        front_door_id: pulumi.Output[str] | None = None
        if not cfg.private_ingress:
            endpoint = Endpoint(f"{dn}-endpoint", EndpointArgs(
                deployment_name=dn, endpoint_name=names.frontdoor_endpoint, resource_group_name=rg,
                location=region, subscription_id=subscription, tags=tags,
                node_resource_group=names.aks_node_resource_group,
                private_link_service_name=names.private_link_service, origin_ip=api_ip, origin_port=int(API_PORT),
                operations_identity_id=identities.operations.id,
                operations_principal_id=identities.operations.principal_id,
                waf_policy_id=cfg.ingress.waf_acl, depends_on=[workloads],
            ), opts=child)
            api_url, public_host, front_door_id = endpoint.api_url, endpoint.host_name, endpoint.profile_id

        watched = MonitoringWatched(
            postgres_id=database.server_id, redis_id=cache.cluster_id, cluster_id=cluster.cluster_id,
            key_vault_id=vault.vault_id, front_door_id=front_door_id, namespace=DEFAULT_NAMESPACE)
        # Logs are collected in every stack; alerts only where there is someone to tell (alerts.enabled).
        LogCollection(f"{dn}-log-collection", LogCollectionArgs(
            workspace=logs, watched=watched, depends_on=[workloads]), opts=child)
        targets = Targets.of(cfg)
        monitoring = None
        if targets is not None:
            monitoring = Monitoring(f"{dn}-monitoring", MonitoringArgs(
                deployment_name=dn, resource_group_name=rg, location=region, tags=tags, targets=targets,
                workspace=logs, watched=watched, depends_on=[workloads]), opts=child)
        support = cfg.remote_support
        if cfg.remote_support_active:
            assert support.expires_on is not None, "validated: remote support on Azure has an expiry"
            RemoteSupport(f"{dn}-support", RemoteSupportArgs(
                subscription_id=subscription, principal_ids=[str(p) for p in support.azure_principal_ids],
                expires_on=support.expires_on, secret=cfg.is_secret("remote_support"),
                workspace_id=logs.workspace_id,
                resource_group_id=f"/subscriptions/{subscription}/resourceGroups/{rg_name}",
                cluster_id=cluster.cluster_id,
                storage_account_id=storage.account_id), opts=child)

        self.outputs = {
            "api_url": api_url,
            "api_internal_url": internal_url,
            "api_private_ip": api_ip,
            "kubernetes_namespace": workloads.namespace,
            "resource_group": rg,
            "aks_cluster": cluster.name,
            "get_credentials": cluster.name.apply(
                lambda n: f"az aks get-credentials --subscription {subscription} "
                          f"--resource-group {rg_name} --name {n}"),
            "kubeconfig": cluster.kubeconfig,
            "key_vault_name": vault.vault_name,
            "storage_account": storage.account_name,
            "storage_containers": storage.containers,
            "postgres_fqdn": database.fqdn,
            "postgres_admin_login": database.admin_login,
            "redis_host": cache.host_name,
            "redis_port": cache.port,
            "workload_identity_client_id": identities.workload.client_id,
            "tenant_id": tenant_id,
            # On-call access (python -m ops.access): names only, never a secret value.
            "deployment_name": dn,
            "subscription_id": subscription,
            "postgres_url_secret": PG_URL_SECRET,
            "redis_url_secret": REDIS_URL_SECRET,
            "log_analytics_workspace_id": logs.workspace_id,
            "log_analytics_workspace": logs.customer_id,
            "alert_action_groups": monitoring.action_groups if monitoring is not None else {},
        }
        if cfg.remote_support_active:
            self.outputs["remote_support_expires_on"] = str(support.expires_on)
        if public_host is not None:
            self.outputs["api_public_host"] = public_host
        self.register_outputs(self.outputs)
