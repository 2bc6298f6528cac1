"""The whole AWS data plane: every tier, wired together from the validated stack configuration.

Creation order follows the data: key -> networks -> workload security groups -> buckets and secrets ->
database and cache (they admit the workload groups) -> IAM (names the buckets, secrets and key) ->
Brainstore (needs the stores) -> API (needs Brainstore's load balancers) -> ECS API when built (needs the
API's migration run and AIProxy URL) -> alarms on all of them -> optional remote support.

Three values flow against that order, as deferred outputs resolved once the ECS API exists: CloudFront's
VPC origin (id and domain) and, while ECS serves, Brainstore's API URL selector. No resource depends on
itself through them: the ECS API depends on Brainstore's load balancers, not on its instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.alerting import Targets
from components.config import ConfigError, DataPlaneConfig
from components.config.root import cloud_problems
from components.sizing import skus
from components.sizing.skus import Kind
from components.tags import resource_tags

from . import ecs_api, network
from . import functions as fn
from .api import Api, ApiArgs, BrainstoreUrls, Quarantine
from .brainstore import Brainstore, BrainstoreArgs
from .cache import PORT as REDIS_PORT
from .cache import Cache, CacheArgs
from .context import Deployment
from .database import Database, DatabaseArgs
from .database import identifier as database_identifier
from .ecs_api import EcsApi, EcsApiArgs, EcsApiSettings
from .edge import STAGE as API_STAGE
from .edge import EcsOrigin
from .iam import BucketArns, EcsRoles, Iam, IamArgs, SecretArns
from .keys import Keys, KeysArgs
from .monitoring import ApiFunction, Monitoring, MonitoringArgs, Watched
from .release import Fetch
from .remote_support import RemoteSupport, RemoteSupportArgs
from .secrets import Secrets, SecretsArgs
from .security_groups import SecurityGroups, SecurityGroupsArgs
from .storage import Storage, StorageArgs

TELEMETRY_ON = "status,metrics,usage"  # the seed's default telemetry: health, metrics, billing usage


def telemetry(cfg: DataPlaneConfig) -> str:
    return TELEMETRY_ON if cfg.telemetry.enabled else ""


@dataclass(frozen=True)
class AwsDataPlaneArgs:
    config: DataPlaneConfig
    license_key: pulumi.Input[str]
    fetch_pointer: Fetch | None = None  # how release pointers are read; None: anonymous HTTPS (release.py)


class AwsDataPlane(pulumi.ComponentResource):
    outputs: dict[str, Any]

    def __init__(self, name: str, args: AwsDataPlaneArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:DataPlane", name, None, opts)
        cfg = args.config
        section = cfg.aws_section
        problems = cloud_problems(cfg)
        if problems:
            raise ConfigError(problems)
        child = pulumi.ResourceOptions(parent=self)
        account_id: pulumi.Input[str] = section.account_id or aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        d = Deployment(name=cfg.deployment_name, region=cfg.region, account_id=account_id, tags=resource_tags(cfg),
                       protect=cfg.protect, production=cfg.production, retain=cfg.retain,
                       permissions_boundary_arn=section.permissions_boundary_arn)
        nat = section.network.nat_gateways or ("per_az" if cfg.production else "single")
        api_cfg = section.api
        ecs_built, ecs_serves = api_cfg.ecs_built, api_cfg.runtime == "ecs"

        keys = Keys(f"{name}-keys", KeysArgs(deployment=d, existing_key_arn=section.kms.existing_key_arn,
                                             fargate_cluster=d.name if ecs_built else None), child)
        key_arn = keys.key_arn

        net = section.network
        created_networks: list[pulumi.Resource] = []  # egress (NAT routes) ready = the component's children
        if net.create_vpc:
            main_network = network.Network(f"{name}-network", network.NetworkArgs(
                deployment=d, purpose="main", cidr=net.vpc_cidr, nat=nat, key_arn=key_arn,
                flow_logs_retention_days=net.flow_logs_retention_days, zones=cfg.zones), child)
            created_networks.append(main_network)
            main = main_network.refs
        else:
            assert net.existing_vpc_id is not None  # guaranteed by AwsNetworkConfig
            main = network.existing(net.existing_vpc_id, net.existing_private_subnet_ids,
                                    net.existing_data_subnet_ids, net.existing_public_subnet_ids)
        q = section.quarantine
        quarantine_net: network.NetworkRefs | None = None
        if q.enabled and q.create_vpc:
            quarantine_network = network.Network(f"{name}-quarantine", network.NetworkArgs(
                # One NAT: user functions need egress, not zone redundancy, and a second set of three
                # Elastic IPs would exceed the default quota of five per region.
                deployment=d, purpose="quarantine", cidr=q.vpc_cidr, nat="single", key_arn=key_arn,
                flow_logs_retention_days=net.flow_logs_retention_days, zones=cfg.zones, data_subnets=False),
                child)
            created_networks.append(quarantine_network)
            quarantine_net = quarantine_network.refs
        elif q.enabled:
            assert q.existing_vpc_id is not None  # guaranteed by AwsQuarantineConfig
            quarantine_net = network.existing(q.existing_vpc_id, q.existing_subnet_ids)

        groups = SecurityGroups(f"{name}-sg", SecurityGroupsArgs(
            deployment=d, vpc_id=main.vpc_id,
            quarantine_vpc_id=quarantine_net.vpc_id if quarantine_net else None, ecs_api=ecs_built), child)
        storage = Storage(f"{name}-storage", StorageArgs(
            deployment=d, suffix=cfg.suffix, key_arn=key_arn, cors_origins=cfg.control_plane.cors_origins,
            access_logs_bucket=section.s3_access_logs_bucket), child)
        secrets = Secrets(f"{name}-secrets", SecretsArgs(deployment=d, key_arn=key_arn,
                                                         license_key=args.license_key), child)
        clients = {"api": groups.api.id, "brainstore": groups.brainstore.id}
        if groups.api_tasks is not None:
            clients["api-tasks"] = groups.api_tasks.id
        database = Database(f"{name}-db", DatabaseArgs(
            deployment=d, size=cfg.sizing.postgres, key_arn=key_arn, vpc_id=main.vpc_id,
            subnet_ids=main.data_subnet_ids, client_security_group_ids=clients,
            backup_window=section.database.backup_window, maintenance_window=section.database.maintenance_window,
            statement_timeout_ms=section.database.statement_timeout_ms,
            performance_insights_retention_days=section.database.performance_insights_retention_days,
            monitoring_interval_seconds=section.database.monitoring_interval_seconds,
            log_retention_days=section.log_retention_days, skip_final_snapshot=cfg.danger_skip_final_snapshot,
            extra_security_group_ids=section.database_extra_security_group_ids), child)
        cache = Cache(f"{name}-redis", CacheArgs(
            deployment=d, size=cfg.sizing.redis, key_arn=key_arn, vpc_id=main.vpc_id,
            subnet_ids=main.data_subnet_ids, client_security_group_ids=clients,
            maintenance_window=section.cache.maintenance_window, snapshot_window=section.cache.snapshot_window,
            snapshot_retention_days=section.cache.snapshot_retention_days,
            log_retention_days=section.log_retention_days), child)

        buckets = storage.buckets
        lam = section.lambda_
        specs = fn.specs(lam.api_handler_memory_mb, lam.ai_proxy_memory_mb, quarantine=quarantine_net is not None)
        ai_proxy_url_parameter = f"/braintrust/{d.name}/ai-proxy-url"
        brainstore_log_group = f"/braintrust/{d.name}/brainstore"
        secret_arns = SecretArns(
            database_url=database.url_secret_arn,
            redis_url=cache.url_secret_arn, function_key=secrets.function_key_arn, cron_key=secrets.cron_key_arn,
            license_key=secrets.license_key_arn)
        iam = Iam(f"{name}-iam", IamArgs(
            deployment=d, key_arn=key_arn,
            buckets=BucketArns(brainstore=buckets["brainstore"].arn, code_bundles=buckets["code-bundles"].arn,
                               responses=buckets["responses"].arn),
            secrets=secret_arns, functions=specs, brainstore_log_group=brainstore_log_group,
            ai_proxy_url_parameter=ai_proxy_url_parameter,
            quarantine_vpc_id=quarantine_net.vpc_id if quarantine_net else None,
            s3_export_role_arns=section.s3_export_role_arns,
            session_manager_access=section.brainstore.session_manager_access,
            ecs=EcsRoles(log_groups=ecs_api.log_groups(d.name), url_parameter=ecs_api.url_parameter(d.name),
                         execute_command=api_cfg.danger_enable_execute_command) if ecs_built else None), child)

        # While ECS serves, Brainstore reads the ECS API's URL parameter (name:version) instead of AIProxy's.
        brainstore_url_parameter: pulumi.Input[str] = ai_proxy_url_parameter
        resolve_brainstore_url_parameter = None
        if ecs_serves:
            brainstore_url_parameter, resolve_brainstore_url_parameter = pulumi.deferred_output()

        brainstore = Brainstore(f"{name}-bs", BrainstoreArgs(
            deployment=d, size=cfg.sizing.brainstore, key_arn=key_arn, vpc_id=main.vpc_id,
            subnet_ids=main.private_subnet_ids, instance_security_group_id=groups.brainstore.id,
            nlb_security_group_id=groups.brainstore_nlb.id,
            instance_profile_arn=iam.brainstore_instance_profile.arn, image_tag=cfg.release.brainstore_tag,
            brainstore_bucket=buckets["brainstore"].bucket, responses_bucket=buckets["responses"].bucket,
            code_bundles_bucket=buckets["code-bundles"].bucket, database_url_secret_arn=database.url_secret_arn,
            redis_secret_arn=cache.url_secret_arn, service_token_secret_arn=secrets.function_key_arn,
            license_secret_arn=secrets.license_key_arn, ai_proxy_url_parameter=brainstore_url_parameter,
            telemetry=telemetry(cfg), log_group=brainstore_log_group, log_retention_days=section.log_retention_days,
            root_volume_gb=section.brainstore.root_volume_gb or (200 if cfg.production else 100),
            skip_pg_for_brainstore_objects=section.brainstore.skip_pg_for_brainstore_objects,
            extra_env=section.brainstore.extra_env, wait_for=[iam, *created_networks]), child)

        quarantine = None
        if quarantine_net is not None:
            assert groups.quarantine is not None and iam.quarantine_invoke_role is not None
            assert iam.quarantine_function_role is not None
            quarantine = Quarantine(
                vpc_id=quarantine_net.vpc_id, subnet_ids=quarantine_net.private_subnet_ids,
                security_group_id=groups.quarantine.id, invoke_role_arn=iam.quarantine_invoke_role.arn,
                function_role_arn=iam.quarantine_function_role.arn)
        # Deferred outputs exist only when they will be resolved: the engine waits for every one of them.
        ecs_origin, resolve_origin = None, None
        if ecs_built:
            origin_id, resolve_origin_id = pulumi.deferred_output()
            origin_domain, resolve_origin_domain = pulumi.deferred_output()
            resolve_origin = (resolve_origin_id, resolve_origin_domain)
            ecs_origin = EcsOrigin(vpc_origin_id=origin_id, domain=origin_domain,
                                   https=api_cfg.alb_certificate_arn is not None, serves=ecs_serves)
        brainstore_urls = BrainstoreUrls(reader=brainstore.urls["reader"], writer=brainstore.urls.get("writer"),
                                         fast_reader=brainstore.urls.get("fast-reader"))
        api = Api(f"{name}-api", ApiArgs(
            deployment=d, key_arn=key_arn, subnet_ids=main.private_subnet_ids, security_group_id=groups.api.id,
            role_arns={role: r.arn for role, r in iam.roles.items()},
            ai_proxy_invoke_role_arn=iam.ai_proxy_invoke_role.arn, release=cfg.release.lambda_tag,
            api_handler_memory_mb=lam.api_handler_memory_mb, ai_proxy_memory_mb=lam.ai_proxy_memory_mb,
            provisioned_concurrency=lam.provisioned_concurrency, reserved_concurrency=lam.reserved_concurrency,
            log_retention_days=lam.log_retention_days, gateway_log_retention_days=section.log_retention_days,
            code_bundles_bucket=buckets["code-bundles"].bucket, responses_bucket=buckets["responses"].bucket,
            brainstore_bucket=buckets["brainstore"].bucket,
            brainstore=brainstore_urls,
            redis_host=cache.primary_endpoint, redis_port=REDIS_PORT,
            secret_arns={
                fn.Secret.PG_URL: database.url_secret_arn, fn.Secret.REDIS_URL: cache.url_secret_arn,
                fn.Secret.FUNCTION_SECRET_KEY: secrets.function_key_arn,
                fn.Secret.SERVICE_TOKEN_SECRET_KEY: secrets.function_key_arn,
                fn.Secret.CRON_OVERRIDE_SECRET_KEY: secrets.cron_key_arn,
            },
            org_name=cfg.org.name, primary_org_name=cfg.org.primary_org_name or "",
            allowed_org_ids=[str(i) for i in cfg.org.allowed_org_ids], telemetry=telemetry(cfg),
            whitelisted_origins=cfg.control_plane.extra_cors_origins, ai_proxy_url_parameter=ai_proxy_url_parameter,
            price_class=section.cloudfront_price_class, minimum_tls=section.cloudfront_minimum_tls,
            origin_read_timeout_s=section.cloudfront_origin_read_timeout_seconds,
            throttle_rate_limit=section.api_gateway.throttle_rate_limit,
            throttle_burst_limit=section.api_gateway.throttle_burst_limit,
            manage_account_logging_role=section.api_gateway.manage_account_logging_role,
            ai_proxy_route=section.ai_proxy_route, quarantine=quarantine,
            wal_footer_version=section.brainstore.wal_footer_version,
            skip_pg_for_brainstore_objects=section.brainstore.skip_pg_for_brainstore_objects,
            custom_domain=cfg.ingress.custom_domain, certificate_arn=cfg.ingress.certificate,
            waf_acl_arn=cfg.ingress.waf_acl, extra_env=lam.extra_env, fetch_pointer=args.fetch_pointer,
            outbound_rate_limit_max_requests=lam.outbound_rate_limit_max_requests,
            outbound_rate_limit_window_minutes=lam.outbound_rate_limit_window_minutes,
            brainstore_etl_batch_size=lam.brainstore_etl_batch_size,
            url_security_env=cfg.url_security.env_vars(),
            ecs_origin=ecs_origin,
            wait_for=[iam, *created_networks]), child)

        ecs: EcsApi | None = None
        if ecs_built:
            assert groups.api_tasks is not None and cfg.sizing.ecs_api is not None  # built with the ECS API
            assert iam.ecs_task_role is not None and iam.ecs_execution_role is not None
            # Quarantined functions reach the AI proxy publicly: AIProxy's function URL (upstream), else CloudFront.
            proxy_url: pulumi.Input[str] = api.ai_proxy_url
            proxy_needs_cloudfront = section.ai_proxy_route == "api_gateway"
            if proxy_needs_cloudfront and cfg.ingress.custom_domain:
                proxy_url, proxy_needs_cloudfront = f"https://{cfg.ingress.custom_domain}", False
            ecs = EcsApi(f"{name}-ecs", EcsApiArgs(
                deployment=d, key_arn=key_arn, vpc_id=main.vpc_id, subnet_ids=main.private_subnet_ids,
                size=cfg.sizing.ecs_api, image_tag=cfg.release.api_tag, task_role_arn=iam.ecs_task_role.arn,
                execution_role_arn=iam.ecs_execution_role.arn, tasks_security_group_id=groups.api_tasks.id,
                alb_clients={"brainstore": groups.brainstore.id},
                secret_arns={
                    "FUNCTION_SECRET_KEY": secrets.function_key_arn, "PG_URL": database.url_secret_arn,
                    "REDIS_URL": cache.url_secret_arn, "SERVICE_TOKEN_SECRET_KEY": secrets.function_key_arn,
                    "BRAINSTORE_LICENSE_KEY": secrets.license_key_arn},
                settings=EcsApiSettings(
                    org_name=cfg.org.name, primary_org_name=cfg.org.primary_org_name or "",
                    allowed_org_ids=[str(i) for i in cfg.org.allowed_org_ids], telemetry=telemetry(cfg),
                    whitelisted_origins=cfg.control_plane.extra_cors_origins,
                    responses_bucket=buckets["responses"].bucket, code_bundles_bucket=buckets["code-bundles"].bucket,
                    brainstore_bucket=buckets["brainstore"].bucket, brainstore=brainstore_urls,
                    quarantine_proxy_url=proxy_url, quarantine=quarantine,
                    outbound_rate_limit_max_requests=lam.outbound_rate_limit_max_requests,
                    outbound_rate_limit_window_minutes=lam.outbound_rate_limit_window_minutes,
                    brainstore_etl_batch_size=lam.brainstore_etl_batch_size,
                    wal_footer_version=section.brainstore.wal_footer_version,
                    skip_pg_for_brainstore_objects=section.brainstore.skip_pg_for_brainstore_objects,
                    url_security_env=cfg.url_security.env_vars(),
                    extra_env=lam.extra_env if api_cfg.extra_env is None else api_cfg.extra_env),
                log_retention_days=api_cfg.log_retention_days,
                execute_command=api_cfg.danger_enable_execute_command,
                alb_certificate_arn=api_cfg.alb_certificate_arn, alb_domain=api_cfg.alb_domain,
                # The tasks start on a migrated database, like the functions.
                wait_for=[iam, *created_networks, api.migration]), child)
            # CloudFront switches to ECS only once the services are steady, unless the tasks themselves need
            # CloudFront's own domain (AI proxy through API Gateway without a custom domain): then it cannot wait.
            waits = ecs_serves and not proxy_needs_cloudfront
            origin_ready = (pulumi.Output.all(ecs.vpc_origin_id, *[s.id for s in ecs.services]).apply(lambda v: v[0])
                            if waits else ecs.vpc_origin_id)
            assert resolve_origin is not None
            resolve_origin[0](origin_ready)
            resolve_origin[1](ecs.origin_domain)
            if resolve_brainstore_url_parameter is not None:
                resolve_brainstore_url_parameter(ecs.url_parameter_selector)
        targets = Targets.of(cfg)
        monitoring = None
        if targets is not None:
            db_sku = skus.lookup(cfg.cloud, Kind.DATABASE, cfg.sizing.postgres.sku)
            assert db_sku is not None and db_sku.memory_gib, "validated: the PostgreSQL class is in the SKU table"
            api_specs = [s for s in specs if s.serves_api]
            monitoring = Monitoring(f"{name}-monitoring", MonitoringArgs(
                deployment=d, targets=targets,
                topic_key_arn=None if section.kms.existing_key_arn else key_arn,
                watched=Watched(
                    database_identifier=database_identifier(d.name), database_memory_gib=db_sku.memory_gib,
                    database_storage_gb=cfg.sizing.postgres.storage_gb, cache_nodes=cache.node_ids,
                    brainstore_groups=brainstore.group_names, brainstore_health=brainstore.health_dimensions,
                    api_functions={s.key: ApiFunction(api.function_names[s.key], s.timeout_s) for s in api_specs},
                    rest_api_name=f"{d.name}-api", rest_api_stage=API_STAGE),
            ), child)

        self.outputs = {
            "api_url": api.api_url,
            "cloudfront_domain_name": api.cloudfront_domain,
            "kms_key_arn": key_arn,
            "vpc_id": main.vpc_id,
            "private_subnet_ids": main.private_subnet_ids,
            "data_subnet_ids": main.data_subnet_ids,
            "quarantine_vpc_id": quarantine_net.vpc_id if quarantine_net else None,
            "brainstore_bucket": buckets["brainstore"].bucket,
            "code_bundles_bucket": buckets["code-bundles"].bucket,
            "responses_bucket": buckets["responses"].bucket,
            "database_endpoint": database.address,
            "database_secret_arn": database.credentials_secret_arn,
            "redis_endpoint": cache.primary_endpoint,
            "brainstore_nlb_dns_names": brainstore.dns_names,
            # On-call access (python -m ops.access): names and ARNs only, never a secret value.
            "deployment_name": d.name,
            "region": d.region,
            "database_port": database.port,
            "redis_port": REDIS_PORT,
            "redis_url_secret_arn": cache.url_secret_arn,
            "brainstore_asg_names": brainstore.group_names,
            "brainstore_log_group": brainstore_log_group,
            "api_log_groups": {s.key: fn.log_group_name(d.name, s.key) for s in specs if s.serves_api},
            "session_manager_access": section.brainstore.session_manager_access,
            "alert_topic_arns": monitoring.topic_arns if monitoring is not None else {},
            "api_runtime": api_cfg.runtime,
        }
        if ecs is not None:  # what a monitoring integration watches on ECS (as upstream's monitoring_targets)
            self.outputs["ecs_api"] = {
                "cluster_name": ecs.cluster_name, "url": ecs.url, "alb_arn_suffix": ecs.alb_arn_suffix,
                "services": {key: {"service_name": ecs.service_names[key],
                                   "target_group_arn_suffix": ecs.target_group_arn_suffixes[key],
                                   "event_loop_delay_alarm": ecs.alarm_names[key],
                                   "log_group": ecs.log_group_names[key]} for key in ecs.service_names},
            }
        if cfg.remote_support_active:
            assert cfg.remote_support.external_id is not None  # guaranteed by RemoteSupportConfig
            support = RemoteSupport(f"{name}-support", RemoteSupportArgs(
                deployment=d, braintrust_account_ids=cfg.remote_support.braintrust_account_ids,
                external_id=cfg.remote_support.external_id, secret=cfg.is_secret("remote_support"),
                expires_on=cfg.remote_support.expires_on), child)
            self.outputs["remote_support_role_arn"] = support.role_arn
        self.register_outputs(self.outputs)
