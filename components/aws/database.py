"""RDS for PostgreSQL: size from the preset, TLS enforced, CMK everywhere, reachable only from our workloads.

Upstream facts kept: parameter group with rds.force_ssl=1, random_page_cost=1, pg_stat_statements +
pg_hint_plan + pg_cron preloaded, statement_timeout 1 h; master user `postgres` on database `postgres`;
Performance Insights 7 days and Enhanced Monitoring 60 s; final snapshot; deletion protection.
Gaps closed: Performance Insights and the exported log groups use the CMK, logs are exported with a
retention, Multi-AZ in production, a current CA, no egress from the database security group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.sizing.conformance import AWS_GP3_PROVISIONABLE_FROM_GB
from components.sizing.model import DatabaseSize

from . import policies as p
from .context import Deployment
from .iam import service_role
from .secrets import generated_secret, stored_secret
from .security_groups import allow_from, security_group

PORT = 5432
USERNAME = "postgres"
DB_NAME = "postgres"
CA_CERT = "rds-ca-rsa2048-g1"
EXPORTED_LOGS = ("postgresql", "upgrade")


def identifier(deployment_name: str) -> str:
    return f"{deployment_name}-postgres"


@dataclass(frozen=True)
class DatabaseArgs:
    deployment: Deployment
    size: DatabaseSize
    key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    client_security_group_ids: Mapping[str, pulumi.Input[str]]  # role -> security group id
    backup_window: str
    maintenance_window: str
    statement_timeout_ms: int
    performance_insights_retention_days: int
    monitoring_interval_seconds: int
    log_retention_days: int
    skip_final_snapshot: bool = False
    extra_security_group_ids: list[str] = field(default_factory=list)


def parameters(statement_timeout_ms: int) -> list[aws.rds.ParameterGroupParameterArgs]:
    reboot = "pending-reboot"
    return [
        aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1", apply_method=reboot),
        aws.rds.ParameterGroupParameterArgs(name="random_page_cost", value="1"),
        aws.rds.ParameterGroupParameterArgs(
            name="shared_preload_libraries", value="pg_stat_statements,pg_hint_plan,pg_cron", apply_method=reboot),
        aws.rds.ParameterGroupParameterArgs(name="statement_timeout", value=str(statement_timeout_ms)),
    ]


class Database(pulumi.ComponentResource):
    address: pulumi.Output[str]
    port: pulumi.Output[int]
    credentials_secret_arn: pulumi.Output[str]
    url_secret_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Database", name, None, opts)
        d, size = args.deployment, args.size
        child = pulumi.ResourceOptions(parent=self)

        sg = security_group(f"{name}-sg", d, args.vpc_id, "Braintrust PostgreSQL (no egress)", self)
        for role, group_id in args.client_security_group_ids.items():
            allow_from(f"{name}-from-{role}", d, sg, group_id, PORT, f"{role} to PostgreSQL", self)
        for i, group_id in enumerate(args.extra_security_group_ids):
            allow_from(f"{name}-from-extra-{i}", d, sg, group_id, PORT, "configured extra client", self)

        subnets = aws.rds.SubnetGroup(
            f"{name}-subnets", subnet_ids=args.subnet_ids, description=f"{d.name} PostgreSQL",
            tags=d.tags_for(f"{d.name}-postgres"), opts=child)
        params = aws.rds.ParameterGroup(
            f"{name}-params", family=f"postgres{size.version}", description=f"{d.name} PostgreSQL",
            parameters=parameters(args.statement_timeout_ms),
            tags=d.tags_for(f"{d.name}-postgres"), opts=child)
        monitoring_role = None
        if args.monitoring_interval_seconds:
            monitoring_role = service_role(
                f"{name}-monitoring", d, parent=self, trust=p.trust("monitoring.rds.amazonaws.com"),
                description="RDS Enhanced Monitoring",
                managed=["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"])
        # RDS creates these when logs are exported; creating them first gives them the CMK and a retention.
        log_groups = [aws.cloudwatch.LogGroup(
            f"{name}-log-{kind}",
            name=f"/aws/rds/instance/{identifier(d.name)}/{kind}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.key_arn,
            tags=d.tags_for(f"{d.name}-postgres-{kind}"),
            opts=child,
        ) for kind in EXPORTED_LOGS]

        password = generated_secret(f"{name}-password", 32, self, protect=d.protect)
        snapshot_suffix = random.RandomId(f"{name}-final-snapshot", byte_length=4, opts=child)
        provisioned = size.storage_gb >= AWS_GP3_PROVISIONABLE_FROM_GB
        instance = aws.rds.Instance(
            f"{name}-instance",
            identifier=identifier(d.name),
            engine="postgres",
            engine_version=str(size.version),  # major only: minors arrive with auto_minor_version_upgrade
            instance_class=size.sku,
            allocated_storage=size.storage_gb,
            max_allocated_storage=size.max_storage_gb,
            storage_type="gp3",
            iops=size.iops if provisioned else None,
            storage_throughput=size.throughput_mibps if provisioned else None,
            storage_encrypted=True,
            kms_key_id=args.key_arn,
            multi_az=size.high_availability,
            db_name=DB_NAME,
            username=USERNAME,
            password=password.result,
            port=PORT,
            db_subnet_group_name=subnets.name,
            parameter_group_name=params.name,
            vpc_security_group_ids=[sg.id],
            publicly_accessible=False,
            ca_cert_identifier=CA_CERT,
            iam_database_authentication_enabled=True,
            backup_retention_period=size.backup_retention_days,
            backup_window=args.backup_window,
            maintenance_window=args.maintenance_window,
            copy_tags_to_snapshot=True,
            delete_automated_backups=False,
            skip_final_snapshot=args.skip_final_snapshot,
            final_snapshot_identifier=snapshot_suffix.hex.apply(lambda h: f"{identifier(d.name)}-final-{h}"),
            deletion_protection=d.protect,
            allow_major_version_upgrade=True,
            auto_minor_version_upgrade=True,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=args.key_arn,
            performance_insights_retention_period=args.performance_insights_retention_days,
            monitoring_interval=args.monitoring_interval_seconds,
            monitoring_role_arn=monitoring_role.arn if monitoring_role else None,
            enabled_cloudwatch_logs_exports=list(EXPORTED_LOGS),
            tags=d.tags_for(identifier(d.name)),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=d.protect,
                # RDS checks the monitoring role's permissions when monitoring is switched on.
                depends_on=[*log_groups, *(monitoring_role.ready if monitoring_role else [])],
                additional_secret_outputs=["password"],
                # Storage autoscaling grows allocated_storage; encryption, key, subnet group and database
                # name cannot change in place (upstream ignores them too, so a stray edit never replaces
                # the database).
                ignore_changes=["allocatedStorage", "kmsKeyId", "storageEncrypted", "dbName", "dbSubnetGroupName"],
            ),
        )
        self.address = instance.address
        self.port = instance.port
        credentials = pulumi.Output.json_dumps({
            "username": USERNAME, "password": password.result, "host": instance.address, "port": instance.port,
            "dbname": DB_NAME, "engine": "postgres",
        })
        self.credentials_secret_arn = stored_secret(
            f"{name}-credentials", d, args.key_arn, credentials, "Braintrust PostgreSQL credentials", self)
        url = pulumi.Output.concat(
            "postgres://", USERNAME, ":", password.result, "@", instance.address, ":",
            instance.port.apply(str), "/", DB_NAME, "?sslmode=require")
        self.url_secret_arn = stored_secret(
            f"{name}-url", d, args.key_arn, url, "Braintrust PostgreSQL URL (TLS required)", self)
        self.security_group_id = sg.id
        self.register_outputs({
            "address": self.address,
            "credentials_secret_arn": self.credentials_secret_arn,
            "url_secret_arn": self.url_secret_arn,
        })
