"""The main and quarantine VPCs, and the bring-your-own shapes."""

from __future__ import annotations

import ipaddress

import pytest

from components.aws.network import subnet_plan
from components.config import ConfigError
from tests.support.fakes_aws import fake_id
from tests.support.harness import Harness
from tests.support.stacks import build_stack

from .conftest import aws_set, both, function

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
BYO_VPC = "vpc-0123456789abcdef0"
BYO_SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]
BYO_QUARANTINE_VPC = "vpc-0fedcba9876543210"
BYO_QUARANTINE_SUBNETS = ["subnet-0fedcba9876543210", "subnet-0fedcba9876543211", "subnet-0fedcba9876543212"]


@pytest.mark.parametrize("cidr", ["10.175.0.0/16", "10.0.0.0/20", "172.16.0.0/12"])
def test_subnet_plan_stays_inside_the_vpc_without_overlap(cidr: str):
    network = ipaddress.IPv4Network(cidr)
    plan = subnet_plan(network)
    subnets = [s for tier in plan.values() for s in tier]
    assert all(len(tier) == 3 for tier in plan.values())
    assert all(s.subnet_of(network) for s in subnets)
    assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1:])
    # Lambda ENIs take one address each: the private subnets get most of the space.
    assert plan["private"][0].num_addresses == network.num_addresses // 4


def test_both_vpcs_span_three_zones_without_public_ips(stack: Harness):
    vpcs = stack.of_type(VPC)
    assert {v.inputs["cidrBlock"] for v in vpcs} == {"10.175.0.0/16", "10.176.0.0/16"}
    subnets = stack.of_type(SUBNET)
    assert len(subnets) == 9 + 6  # main: public, private, data x3; quarantine: public, private x3
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
    main_private = [s for s in subnets if "-network-private-" in s.name]
    assert len({s.inputs["availabilityZone"] for s in main_private}) == 3


def test_data_subnets_have_no_route_to_the_internet(stack: Harness):
    data_rt = [r for r in stack.of_type("aws:ec2/routeTable:RouteTable") if r.name.endswith("-data-rt")]
    assert len(data_rt) == 1 and not data_rt[0].inputs.get("routes")
    data = [fake_id("subnet", s.name) for s in stack.of_type(SUBNET) if "-network-data-" in s.name]
    assert len(data) == 3
    assert stack.one("aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"] == data
    assert stack.one("aws:elasticache/subnetGroup:SubnetGroup").inputs["subnetIds"] == data


def test_nat_gateway_per_zone_in_production_single_in_staging(staging: Harness, production: Harness):
    def main_nats(h: Harness) -> int:
        return len([n for n in h.of_type(NAT) if "-network-" in n.name])

    assert main_nats(production) == 3
    assert main_nats(staging) == 1
    # the quarantine VPC has one NAT: six Elastic IPs would exceed the default quota of five
    assert len(production.of_type("aws:ec2/eip:Eip")) == 4 and len(staging.of_type("aws:ec2/eip:Eip")) == 2
    routes = [r for r in production.of_type("aws:ec2/routeTable:RouteTable") if "-network-private-rt-" in r.name]
    assert len(routes) == 3 and all(r.inputs["routes"][0]["cidrBlock"] == "0.0.0.0/0" for r in routes)


def test_s3_gateway_endpoint_flow_logs_and_locked_default_group(stack: Harness):
    endpoints = stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert len(endpoints) == 2
    assert all(e.inputs["vpcEndpointType"] == "Gateway" and e.inputs["serviceName"] == "com.amazonaws.us-east-1.s3"
               for e in endpoints)
    flow_logs = stack.of_type("aws:ec2/flowLog:FlowLog")
    assert len(flow_logs) == 2 and all(f.inputs["trafficType"] == "ALL" for f in flow_logs)
    groups = [g for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup") if "/vpc-flow-logs/" in g.inputs["name"]]
    assert len(groups) == 2 and all(g.inputs["retentionInDays"] == 90 for g in groups)
    defaults = stack.of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert len(defaults) == 2
    assert all(not d.inputs.get("ingress") and not d.inputs.get("egress") for d in defaults)


def test_explicit_zones_are_used_in_order():
    h = build_stack("aws-production", mutate=aws_set(".zones", ["us-east-1d", "us-east-1e", "us-east-1f"]))
    zones = [s.inputs["availabilityZone"] for s in h.of_type(SUBNET) if "-network-private-" in s.name]
    assert zones == ["us-east-1d", "us-east-1e", "us-east-1f"]
    assert not [c for c in h.mocks.calls if c.token.endswith("getAvailabilityZones")]


def test_bring_your_own_vpc_creates_no_main_vpc():
    h = build_stack("aws-production", mutate=both(
        aws_set("network.create_vpc", False), aws_set("network.nat_gateways", None),
        aws_set("network.existing_vpc_id", BYO_VPC), aws_set("network.existing_private_subnet_ids", BYO_SUBNETS)))
    assert len(h.of_type(VPC)) == 1  # the quarantine VPC only
    assert not [s for s in h.of_type(SUBNET) if "-network-" in s.name]
    assert h.outputs["vpc_id"] == BYO_VPC
    assert h.one("aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"] == BYO_SUBNETS
    assert function(h, "APIHandler").inputs["vpcConfig"]["subnetIds"] == BYO_SUBNETS
    api_group = next(g for g in h.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name.endswith("-sg-api"))
    assert api_group.inputs["vpcId"] == BYO_VPC


def test_bring_your_own_data_subnets_hold_the_data_stores():
    data = ["subnet-0aaaaaaaaaaaaaaa0", "subnet-0aaaaaaaaaaaaaaa1"]
    h = build_stack("aws-staging", mutate=both(
        aws_set("network.create_vpc", False), aws_set("network.nat_gateways", None),
        aws_set("network.existing_vpc_id", BYO_VPC), aws_set("network.existing_private_subnet_ids", BYO_SUBNETS),
        aws_set("network.existing_data_subnet_ids", data)))
    assert h.one("aws:rds/subnetGroup:SubnetGroup").inputs["subnetIds"] == data
    assert h.one("aws:elasticache/subnetGroup:SubnetGroup").inputs["subnetIds"] == data


def test_quarantine_off_creates_no_quarantine_vpc_and_no_quarantine_permissions():
    h = build_stack("aws-staging", mutate=aws_set("quarantine.enabled", False))
    assert [v.inputs["cidrBlock"] for v in h.of_type(VPC)] == ["10.175.0.0/16"]
    assert not [f for f in h.of_type("aws:lambda/function:Function") if "Quarantine" in f.inputs["name"]]
    env = function(h, "APIHandler").inputs["environment"]["variables"]
    assert not [v for k, v in env.items() if k.startswith("QUARANTINE_") and v]  # empty, as upstream sets them
    assert not [r for r in h.of_type("aws:iam/role:Role") if "quarantine" in r.name]
    assert h.outputs.get("quarantine_vpc_id") is None


def test_bring_your_own_quarantine_vpc_is_used_as_is():
    h = build_stack("aws-staging", mutate=both(
        aws_set("quarantine.create_vpc", False), aws_set("quarantine.existing_vpc_id", BYO_QUARANTINE_VPC),
        aws_set("quarantine.existing_subnet_ids", BYO_QUARANTINE_SUBNETS)))
    assert len(h.of_type(VPC)) == 1
    env = function(h, "APIHandler").inputs["environment"]["variables"]
    assert env["QUARANTINE_PUB_PRIVATE_VPC_ID"] == BYO_QUARANTINE_VPC
    # The runtime reads three subnet variables, as upstream sets them (none may be empty).
    assert [env[f"QUARANTINE_PRIVATE_SUBNET_{i}_ID"] for i in (1, 2, 3)] == BYO_QUARANTINE_SUBNETS
    group = next(g for g in h.of_type("aws:ec2/securityGroup:SecurityGroup") if g.name.endswith("-sg-quarantine"))
    assert group.inputs["vpcId"] == BYO_QUARANTINE_VPC


def test_a_single_zone_is_refused_because_rds_and_redis_need_two():
    with pytest.raises(ConfigError, match="zones: needs at least 2 zones"):
        build_stack("aws-staging", mutate=aws_set(".zones", ["us-east-1a"]))
