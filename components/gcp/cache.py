"""Memorystore for Redis 7.x: AUTH, TLS in transit, CMEK, private service access, STANDARD_HA in production.

With TLS on, clients must trust the instance's own CA (``server_ca_pem``); the official module turned TLS
off instead ("Not supported at this time"). The CA is handed to the workloads, see docs/gcp.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.sizing.model import CacheSize
from components.tags import Tags


def redis_version_of(version: str) -> str:
    """"7.2" -> "REDIS_7_2" (Memorystore's enum)."""
    major, _, minor = version.partition(".")
    return f"REDIS_{major}_{minor or '0'}"


@dataclass(frozen=True)
class CacheArgs:
    deployment_name: str
    project_id: str
    region: str
    zones: Sequence[str]
    size: CacheSize
    network_id: pulumi.Input[str]
    private_service_range_name: pulumi.Input[str] | None
    key_id: pulumi.Input[str]
    labels: Tags
    protect: bool
    tls: bool = True  # off only through gcp.danger_disable_redis_tls
    after: Sequence[pulumi.Resource] = ()  # private service access + CMEK grants


class Cache(pulumi.ComponentResource):
    host: pulumi.Output[str]
    port: pulumi.Output[int]
    auth_string: pulumi.Output[str]  # secret
    server_ca_pem: pulumi.Output[str]
    tls: bool

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Cache", name, None, opts)
        size = args.size
        assert size.memory_gib is not None, "Memorystore needs redis.memory_gib (validated in config)"
        ha = size.high_availability
        instance = gcp.redis.Instance(
            f"{name}-instance",
            name=f"{args.deployment_name}-redis",
            project=args.project_id,
            region=args.region,
            location_id=args.zones[0],
            alternative_location_id=args.zones[1] if ha and len(args.zones) > 1 else None,
            tier="STANDARD_HA" if ha else "BASIC",
            memory_size_gb=max(1, int(size.memory_gib)),
            redis_version=redis_version_of(size.version),
            auth_enabled=True,
            transit_encryption_mode="SERVER_AUTHENTICATION" if args.tls else "DISABLED",
            connect_mode="PRIVATE_SERVICE_ACCESS",
            authorized_network=args.network_id,
            reserved_ip_range=args.private_service_range_name,
            customer_managed_key=args.key_id,
            # Brainstore keeps its transaction state here: snapshot it where a replica exists to fail over to.
            persistence_config=gcp.redis.InstancePersistenceConfigArgs(
                persistence_mode="RDB", rdb_snapshot_period="ONE_HOUR"
            ) if ha else None,
            maintenance_policy=gcp.redis.InstanceMaintenancePolicyArgs(
                weekly_maintenance_windows=[gcp.redis.InstanceMaintenancePolicyWeeklyMaintenanceWindowArgs(
                    day="SUNDAY",
                    start_time=gcp.redis.InstanceMaintenancePolicyWeeklyMaintenanceWindowStartTimeArgs(
                        hours=8, minutes=0, seconds=0, nanos=0
                    ),
                )]
            ),
            deletion_protection=args.protect,
            labels=args.labels,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                depends_on=list(args.after),
                additional_secret_outputs=["authString"],
            ),
        )
        self.tls = args.tls
        self.host = instance.host
        self.port = instance.port
        self.auth_string = pulumi.Output.secret(instance.auth_string)
        self.server_ca_pem = instance.server_ca_certs.apply(
            lambda certs: "\n".join(c.cert for c in certs or [] if c.cert)
        )
        self.register_outputs({"host": self.host, "port": self.port})
