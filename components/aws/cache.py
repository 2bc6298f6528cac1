"""ElastiCache for Redis as a replication group: TLS required, AUTH token, CMK at rest.

Upstream's default is a single-node cluster without TLS, AUTH or encryption settings; its opt-in
replication group has TLS but one node. Here: always TLS + AUTH + CMK, a replica with automatic
failover and Multi-AZ in production, windows and snapshots set, slow log delivered to a CMK log group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.sizing.model import CacheSize

from .context import Deployment
from .secrets import generated_secret, stored_secret
from .security_groups import allow_from, security_group

PORT = 6379


def replication_group_id(deployment_name: str) -> str:
    return f"{deployment_name}-redis"


@dataclass(frozen=True)
class CacheArgs:
    deployment: Deployment
    size: CacheSize
    key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    client_security_group_ids: Mapping[str, pulumi.Input[str]]
    maintenance_window: str
    snapshot_window: str
    snapshot_retention_days: int
    log_retention_days: int


class Cache(pulumi.ComponentResource):
    primary_endpoint: pulumi.Output[str]
    port: int = PORT
    url_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Cache", name, None, opts)
        d, size = args.deployment, args.size
        child = pulumi.ResourceOptions(parent=self)

        sg = security_group(f"{name}-sg", d, args.vpc_id, "Braintrust Redis (no egress)", self)
        for role, group_id in args.client_security_group_ids.items():
            allow_from(f"{name}-from-{role}", d, sg, group_id, PORT, f"{role} to Redis", self)
        subnets = aws.elasticache.SubnetGroup(
            f"{name}-subnets", subnet_ids=args.subnet_ids, description=f"{d.name} Redis",
            tags=d.tags_for(f"{d.name}-redis"), opts=child)
        slow_log = aws.cloudwatch.LogGroup(
            f"{name}-slow-log", name=f"/braintrust/{d.name}/redis/slow-log",
            retention_in_days=args.log_retention_days, kms_key_id=args.key_arn,
            tags=d.tags_for(f"{d.name}-redis-slow-log"), opts=child)
        auth_token = generated_secret(f"{name}-auth-token", 64, self, protect=d.protect)

        ha = size.high_availability
        group = aws.elasticache.ReplicationGroup(
            f"{name}-group",
            replication_group_id=replication_group_id(d.name),
            description=f"Braintrust {d.name} Redis",
            engine="redis",
            engine_version=size.version,
            node_type=size.sku,
            port=PORT,
            num_cache_clusters=2 if ha else 1,
            automatic_failover_enabled=ha,
            multi_az_enabled=ha,
            subnet_group_name=subnets.name,
            security_group_ids=[sg.id],
            at_rest_encryption_enabled=True,
            kms_key_id=args.key_arn,
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            auth_token=auth_token.result,
            auth_token_update_strategy="ROTATE",
            maintenance_window=args.maintenance_window,
            snapshot_window=args.snapshot_window,
            snapshot_retention_limit=args.snapshot_retention_days,
            auto_minor_version_upgrade=True,
            apply_immediately=not d.production,  # production changes wait for the maintenance window
            log_delivery_configurations=[aws.elasticache.ReplicationGroupLogDeliveryConfigurationArgs(
                destination=slow_log.name, destination_type="cloudwatch-logs", log_format="json",
                log_type="slow-log")],
            tags=d.tags_for(replication_group_id(d.name)),
            opts=pulumi.ResourceOptions(parent=self, protect=d.protect, additional_secret_outputs=["authToken"]),
        )
        self.primary_endpoint = group.primary_endpoint_address
        # CacheClusterId of each node (the per-node CloudWatch dimension): sorted, so the count is known
        # before the group exists (one per num_cache_clusters).
        self.node_ids = [group.member_clusters.apply(lambda ids, i=i: sorted(ids or [])[i] if len(ids or []) > i
                                                     else f"{replication_group_id(d.name)}-{i + 1:03d}")
                         for i in range(2 if ha else 1)]
        # rediss:// = TLS; the token is the password of the default user.
        url = pulumi.Output.concat("rediss://:", auth_token.result, "@", group.primary_endpoint_address, ":",
                                   str(PORT))
        self.url_secret_arn = stored_secret(
            f"{name}-url", d, args.key_arn, url, "Braintrust Redis URL (TLS, AUTH)", self)
        self.register_outputs({"primary_endpoint": self.primary_endpoint, "url_secret_arn": self.url_secret_arn})
