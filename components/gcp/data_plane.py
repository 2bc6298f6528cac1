"""`braintrust:gcp:DataPlane`: every GCP tier, wired in dependency order, for one stack.

Order matters only where GCP needs it and is stated with ``depends_on`` (never left to chance):
APIs -> (project lookup, network, key + service-agent grants) -> (Cloud SQL, Memorystore) after private service access,
(buckets, cluster) after the grants -> identities after the cluster's identity pool -> workloads after
node pools and IAM -> the public endpoint after the workloads' namespace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from components.alerting import Targets
from components.config import ConfigError, DataPlaneConfig
from components.config.gcp import GcpConfig
from components.config.root import cloud_problems
from components.kubernetes.args import (
    API_SERVICE_ACCOUNT,
    BRAINSTORE_SERVICE_ACCOUNT,
    DEFAULT_NAMESPACE,
    SECRET_NAME,
    BrainstorePlacement,
    CloudMode,
    GcsStorage,
    GoogleIdentities,
    KubernetesSecretValues,
    Placement,
    PostgresConnection,
    RedisConnection,
    WorkloadsArgs,
)
from components.tags import resource_tags

from .cache import Cache, CacheArgs
from .cluster import Cluster, ClusterArgs
from .database import Database, DatabaseArgs, database_flags
from .endpoint import GATEWAY_NAME, Endpoint, EndpointArgs
from .identities import Identities, IdentitiesArgs
from .keys import Keys, KeysArgs
from .monitoring import Monitoring
from .monitoring import Watched as MonitoringWatched
from .network import Network, NetworkArgs
from .node_pools import PoolSpec, pool_specs
from .remote_support import RemoteSupport
from .services import ProjectServices, ProjectServicesArgs
from .storage import Storage, StorageArgs
from .workloads import GcpWorkloads, GcpWorkloadsArgs


@dataclass(frozen=True)
class GcpDataPlaneArgs:
    config: DataPlaneConfig
    brainstore_license_key: pulumi.Input[str]


class GcpDataPlane(pulumi.ComponentResource):
    outputs: dict[str, Any]

    def __init__(self, name: str, args: GcpDataPlaneArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:DataPlane", name, None, opts)
        cfg = args.config
        problems = cloud_problems(cfg)
        if problems:
            raise ConfigError(problems)
        gcp_cfg: GcpConfig | None = cfg.gcp
        assert gcp_cfg is not None, "validated: cloud gcp requires the gcp section"
        dn, project, region, zones = cfg.deployment_name, gcp_cfg.project_id, cfg.region, cfg.zone_names
        labels = resource_tags(cfg)
        node_tag = f"{dn}-gke-node"
        child = pulumi.ResourceOptions(parent=self)

        services = ProjectServices(f"{dn}-apis", ProjectServicesArgs(project_id=project), opts=child)
        apis = services.after
        # The lookup calls Cloud Resource Manager, which a fresh project has off until the stack enables it.
        project_info = gcp.organizations.get_project_output(
            project_id=project, opts=pulumi.InvokeOutputOptions(parent=self, depends_on=apis)
        )
        network = Network(f"{dn}-network", NetworkArgs(
            deployment_name=dn, project_id=project, region=region, config=gcp_cfg.network,
            node_tag=node_tag, labels=labels, after=apis,
        ), opts=child)
        keys = Keys(f"{dn}-keys", KeysArgs(
            deployment_name=dn, project_id=project, project_number=project_info.number, region=region,
            labels=labels, protect=cfg.protect, retain=cfg.retain, rotation_days=gcp_cfg.kms.rotation_days,
            existing_key_id=gcp_cfg.kms.existing_key_id, after=apis,
        ), opts=child)
        encrypted = [*apis, *keys.grants]
        private_data = [*encrypted, *network.private_service_access]

        # Cloud SQL instance names stay reserved for days after deletion: a per-stack random part lets a
        # destroyed stack be re-created at once.
        instance_suffix = random.RandomString(f"{dn}-instance-suffix", length=6, special=False, upper=False,
                                              opts=child)
        database = Database(f"{dn}-postgres", DatabaseArgs(
            deployment_name=dn, instance_suffix=instance_suffix.result, project_id=project, region=region,
            zone=zones[0], size=cfg.sizing.postgres, network_id=network.network_id,
            private_service_range_name=network.private_service_range_name, key_id=keys.key_id, labels=labels,
            protect=cfg.protect, skip_final_backup=cfg.danger_skip_final_snapshot, after=private_data,
        ), opts=child)
        cache = Cache(f"{dn}-redis", CacheArgs(
            deployment_name=dn, project_id=project, region=region, zones=zones, size=cfg.sizing.redis,
            network_id=network.network_id, private_service_range_name=network.private_service_range_name,
            key_id=keys.key_id, labels=labels, protect=cfg.protect, tls=not gcp_cfg.danger_disable_redis_tls,
            after=private_data,
        ), opts=child)
        storage = Storage(f"{dn}-storage", StorageArgs(
            deployment_name=dn, suffix=cfg.suffix, project_id=project, region=region, key_id=keys.key_id,
            cors_origins=cfg.control_plane.cors_origins, labels=labels, protect=cfg.protect, retain=cfg.retain,
            after=encrypted,
        ), opts=child)
        pools = pool_specs(cfg.sizing)
        cluster = Cluster(f"{dn}-gke", ClusterArgs(
            deployment_name=dn, project_id=project, region=region, zones=zones, regional=cfg.production,
            config=gcp_cfg.cluster, master_cidr=str(gcp_cfg.network.master_cidr), network_id=network.network_id,
            subnetwork_id=network.subnetwork_id, pods_range_name=network.pods_range_name,
            services_range_name=network.services_range_name, key_id=keys.key_id, node_tag=node_tag, pools=pools,
            labels=labels, protect=cfg.protect, gateway_api=not cfg.private_ingress, after=encrypted,
        ), opts=child)
        identities = Identities(f"{dn}-identities", IdentitiesArgs(
            deployment_name=dn, project_id=project, workload_pool=cluster.workload_pool,
            namespace=DEFAULT_NAMESPACE, api_kubernetes_sa=API_SERVICE_ACCOUNT,
            brainstore_kubernetes_sa=BRAINSTORE_SERVICE_ACCOUNT,
            buckets={"brainstore": storage.brainstore_bucket, "api": storage.api_bucket},
            after=[*apis, cluster],
        ), opts=child)

        function_key = random.RandomPassword(f"{dn}-function-secret-key", length=48, special=False,
                                             opts=pulumi.ResourceOptions(parent=self, protect=cfg.protect))
        node_pools = cluster.node_pools
        workloads = GcpWorkloads(f"{dn}-workloads", GcpWorkloadsArgs(
            deployment_name=dn, project_id=project, region=region, cluster_name=cluster.name,
            cluster_location=cluster.location, endpoint=cluster.endpoint,
            ca_certificate=None if cluster.dns_endpoint else cluster.ca_certificate,
            subnetwork_id=network.subnetwork_id, labels=labels,
            allowed_cidrs=tuple(cfg.ingress.allowed_cidrs),
            workloads=WorkloadsArgs(
                cloud=CloudMode.GOOGLE,
                namespace=DEFAULT_NAMESPACE,
                release=cfg.release,
                org=cfg.org,
                telemetry=cfg.telemetry,
                sizing=cfg.sizing,
                production=cfg.production,
                api_placement=Placement.gke_pool(node_pools["services"].name),
                brainstore_placement=_brainstore_placement(pools, node_pools),
                storage=GcsStorage(brainstore_bucket=storage.brainstore_bucket, api_bucket=storage.api_bucket,
                                   location=region),
                identities=GoogleIdentities(brainstore_service_account=identities.brainstore_email,
                                            api_service_account=identities.api_email),
                secrets=KubernetesSecretValues(
                    postgres=PostgresConnection(host=database.private_ip, user=database.user,
                                                password=database.password, database=database.database),
                    # Memorystore's per-instance CA: the workloads verify Redis through a TLS sidecar.
                    redis=RedisConnection(host=cache.host, port=cache.port, password=cache.auth_string,
                                          tls=cache.tls, ca_certificate=cache.server_ca_pem if cache.tls else None),
                    brainstore_license_key=args.brainstore_license_key,
                    function_secret_key=pulumi.Output.secret(function_key.result),
                ),
                labels=labels,
                chart_depends_on=[*node_pools.values(), *identities.bindings],
                redis_tls_proxy_image=cfg.kubernetes.redis_tls_proxy.reference,
                url_security=cfg.url_security,
            ),
        ), opts=child)
        endpoint = Endpoint(f"{dn}-endpoint", EndpointArgs(
            deployment_name=dn, project_id=project, namespace=workloads.namespace,
            internal_ip=workloads.internal_ip, internal_port=8000, private=cfg.private_ingress,
            custom_domain=cfg.ingress.custom_domain, certificate=cfg.ingress.certificate,
            cloud_armor_policy=cfg.ingress.waf_acl, labels=labels, after=apis,
        ), opts=pulumi.ResourceOptions(parent=self, providers={"kubernetes": workloads.provider}))

        targets = Targets.of(cfg)
        monitoring = None
        if targets is not None:
            monitoring = Monitoring(
                f"{dn}-monitoring", deployment_name=dn, targets=targets, labels=labels,
                watched=MonitoringWatched(
                    project_id=project, region=region, sql_instance=database.instance_name,
                    sql_max_connections=int(database_flags(cfg.sizing.postgres.sku)["max_connections"]),
                    redis_instance=f"{dn}-redis", cluster_name=cluster.name, namespace=DEFAULT_NAMESPACE,
                    public_gateway=None if cfg.private_ingress else GATEWAY_NAME),
                # The API first; alert policies on a metric type GKE has not published yet are accepted.
                after=apis, opts=child)
        support = cfg.remote_support
        if cfg.remote_support_active:
            assert support.expires_on is not None, "validated: remote support on GCP has an expiry"
            RemoteSupport(f"{dn}-support", project_id=project, members=support.gcp_members,
                          expires_on=support.expires_on, opts=child)

        location = cluster.location
        self.outputs = {
            "api_url": endpoint.api_url,
            "dns_records": endpoint.dns_records,
            "api_internal_ip": workloads.internal_ip,
            "kubernetes_namespace": workloads.namespace,
            "gke_cluster": cluster.name,
            "gke_location": location,
            "get_credentials": cluster.name.apply(
                lambda n: f"gcloud container clusters get-credentials {n} --location {location} --project {project}"
                + (" --dns-endpoint" if cluster.dns_endpoint else "")
            ),
            "network": network.network_id,
            "postgres_instance": database.instance_name,
            "postgres_private_ip": database.private_ip,
            "postgres_user": database.user,
            "postgres_password_secret": database.password_secret_id,
            "redis_host": cache.host,
            "redis_port": cache.port,
            "redis_server_ca": cache.server_ca_pem,
            "brainstore_bucket": storage.brainstore_bucket,
            "api_bucket": storage.api_bucket,
            "api_service_account": identities.api_email,
            "brainstore_service_account": identities.brainstore_email,
            "kms_key": keys.key_id,
            # On-call access (python -m ops.access): names only, never a secret value.
            "deployment_name": dn,
            "project_id": project,
            "region": region,
            "kubernetes_secret": SECRET_NAME,
            "redis_tls_proxy": cache.tls,
            "alert_channels": monitoring.channels if monitoring is not None else {},
        }
        if cfg.remote_support_active:
            self.outputs["remote_support_expires_on"] = str(support.expires_on)
        self.register_outputs(self.outputs)


def _brainstore_placement(pools: list[PoolSpec], node_pools: dict[str, gcp.container.NodePool]) -> BrainstorePlacement:
    """Each role on its own tainted pool; staging's combined reader/writer uses the reader pool for both."""
    by_role = {spec.brainstore_role: spec for spec in pools if spec.brainstore_role}

    def place(role: str) -> Placement:
        spec = by_role[role]
        return Placement.gke_pool(node_pools[spec.name].name, taints=spec.taints)

    reader = place("reader")
    return BrainstorePlacement(
        reader=reader,
        writer=place("writer") if "writer" in by_role else reader,
        fast_reader=place("fastreader") if "fastreader" in by_role else None,
    )
