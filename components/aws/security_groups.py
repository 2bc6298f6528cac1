"""Security groups of the workloads (API functions, ECS API tasks, Brainstore, quarantine), created before the
data stores.

The data stores (database, cache) own their security groups and admit these by id. Rules are separate
resources (one per source and port), so a rule change never replaces a group. Nothing here admits a
CIDR: ingress is always from another security group.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.facts import aws as aws_facts

from .context import Deployment

BRAINSTORE_PORT = aws_facts.BRAINSTORE_PORT


def security_group(name: str, d: Deployment, vpc_id: pulumi.Input[str], description: str,
                   parent: pulumi.Resource) -> aws.ec2.SecurityGroup:
    """A group with no rules (the provider removes AWS's default allow-all egress)."""
    return aws.ec2.SecurityGroup(
        name, vpc_id=vpc_id, description=description, revoke_rules_on_delete=True,
        tags=d.tags_for(name), opts=pulumi.ResourceOptions(parent=parent),
    )


def allow_from(name: str, d: Deployment, group: aws.ec2.SecurityGroup, source_group_id: pulumi.Input[str],
               port: int, description: str, parent: pulumi.Resource) -> aws.vpc.SecurityGroupIngressRule:
    return aws.vpc.SecurityGroupIngressRule(
        name, security_group_id=group.id, referenced_security_group_id=source_group_id,
        ip_protocol="tcp", from_port=port, to_port=port, description=description,
        tags=d.tags_for(name), opts=pulumi.ResourceOptions(parent=parent),
    )


def allow_all_egress(name: str, d: Deployment, group: aws.ec2.SecurityGroup, description: str,
                     parent: pulumi.Resource) -> None:
    """Internet egress (through NAT): LLM providers, AWS APIs, the control plane, container registries."""
    aws.vpc.SecurityGroupEgressRule(
        f"{name}-v4", security_group_id=group.id, ip_protocol="-1", cidr_ipv4="0.0.0.0/0",
        description=description, tags=d.tags_for(f"{name}-v4"), opts=pulumi.ResourceOptions(parent=parent),
    )


@dataclass(frozen=True)
class SecurityGroupsArgs:
    deployment: Deployment
    vpc_id: pulumi.Input[str]
    quarantine_vpc_id: pulumi.Input[str] | None = None
    ecs_api: bool = False  # the API on ECS is built: its tasks get a group of their own


class SecurityGroups(pulumi.ComponentResource):
    api: aws.ec2.SecurityGroup
    api_tasks: aws.ec2.SecurityGroup | None
    brainstore_nlb: aws.ec2.SecurityGroup
    brainstore: aws.ec2.SecurityGroup
    quarantine: aws.ec2.SecurityGroup | None

    def __init__(self, name: str, args: SecurityGroupsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:SecurityGroups", name, None, opts)
        d = args.deployment
        self.api = security_group(f"{name}-api", d, args.vpc_id, "Braintrust API functions", self)
        allow_all_egress(f"{name}-api-egress", d, self.api, "API to LLM providers, AWS APIs, data stores", self)

        self.brainstore_nlb = security_group(f"{name}-brainstore-nlb", d, args.vpc_id,
                                             "Brainstore internal load balancers", self)
        self.brainstore = security_group(f"{name}-brainstore", d, args.vpc_id, "Brainstore instances", self)
        allow_from(f"{name}-nlb-from-api", d, self.brainstore_nlb, self.api.id, BRAINSTORE_PORT,
                   "API functions query Brainstore", self)
        allow_from(f"{name}-brainstore-from-nlb", d, self.brainstore, self.brainstore_nlb.id, BRAINSTORE_PORT,
                   "Load balancer traffic and health checks", self)
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-nlb-to-brainstore", security_group_id=self.brainstore_nlb.id,
            referenced_security_group_id=self.brainstore.id, ip_protocol="tcp",
            from_port=BRAINSTORE_PORT, to_port=BRAINSTORE_PORT, description="Forward to Brainstore instances",
            tags=d.tags_for(f"{name}-nlb-to-brainstore"), opts=pulumi.ResourceOptions(parent=self),
        )
        allow_all_egress(f"{name}-brainstore-egress", d, self.brainstore,
                         "Brainstore to S3, Secrets Manager, data stores, the container registry", self)

        # The ECS tasks are not the functions' group: only the ALB reaches them (rule in ecs_api.py), and the
        # functions' group stays closed to inbound traffic.
        self.api_tasks = None
        if args.ecs_api:
            self.api_tasks = security_group(f"{name}-api-tasks", d, args.vpc_id, "Braintrust API tasks (ECS)", self)
            allow_all_egress(f"{name}-api-tasks-egress", d, self.api_tasks,
                             "API tasks to LLM providers, AWS APIs, data stores, the image registry", self)
            allow_from(f"{name}-nlb-from-api-tasks", d, self.brainstore_nlb, self.api_tasks.id, BRAINSTORE_PORT,
                       "API tasks query Brainstore", self)

        self.quarantine = None
        if args.quarantine_vpc_id is not None:
            self.quarantine = security_group(f"{name}-quarantine", d, args.quarantine_vpc_id,
                                             "User-defined functions (quarantine VPC; no ingress)", self)
            allow_all_egress(f"{name}-quarantine-egress", d, self.quarantine,
                             "User functions reach the internet only", self)
        self.register_outputs({
            "api": self.api.id,
            "api_tasks": self.api_tasks.id if self.api_tasks else None,
            "brainstore": self.brainstore.id,
            "brainstore_nlb": self.brainstore_nlb.id,
            "quarantine": self.quarantine.id if self.quarantine else None,
        })
