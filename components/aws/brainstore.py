"""Brainstore on EC2: per role (reader, writer, optional fast reader) an Auto Scaling group behind an
internal network load balancer on port 4000.

Launch templates: Amazon Linux 2023 resolved from AWS's public SSM parameter *at launch* (new
instances get the current patched AMI without changing the template, so an AMI release never rolls
the fleet by itself; upstream resolves "latest Ubuntu" at plan time, which rolls every node whenever
Canonical publishes), IMDSv2 only, CMK-encrypted gp3 root volume, tags on instances, volumes and
ENIs. The user data (brainstore_user_data.sh.tpl) assembles the local NVMe as RAID0 for the cache and
fails the boot without it, fetches secrets with the instance role, and runs the pinned image under
systemd. Staging runs one combined reader/writer node, as the seed's testing column allows.
"""

from __future__ import annotations

import base64
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.config.common import Cloud
from components.facts import aws as aws_facts
from components.facts import monitoring as monitoring_facts
from components.sizing import skus
from components.sizing.model import BrainstoreRoleSize, BrainstoreSize

from .context import Deployment
from .security_groups import BRAINSTORE_PORT

TEMPLATE = Path(__file__).with_name("brainstore_user_data.sh.tpl")
_PLACEHOLDER = re.compile(r"@@([A-Z0-9_]+)@@")
# Every rendered value lands inside double quotes in bash: allow nothing that quotes, expands or escapes.
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9._:/@,+=%-]*$")
AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}"
ROOT_DEVICE = "/dev/xvda"  # Amazon Linux 2023


def render_user_data(values: Mapping[str, str], extra_settings: Sequence[str] = ()) -> str:
    """Fill the template's settings block. Refuses unknown, missing or unsafe values."""
    template = TEMPLATE.read_text()
    wanted = set(_PLACEHOLDER.findall(template)) - {"EXTRA_SETTINGS"}
    given = set(values)
    if wanted != given:
        raise ValueError(f"user data values: missing {sorted(wanted - given)}, unknown {sorted(given - wanted)}")
    for key, value in [*values.items(), *(("EXTRA_SETTINGS", v) for v in extra_settings)]:
        if not _SAFE_VALUE.match(value):
            raise ValueError(f"user data value for {key} contains characters that are unsafe in a script: {value!r}")
    rendered = {**values, "EXTRA_SETTINGS": " ".join(shlex.quote(s) for s in extra_settings)}
    return _PLACEHOLDER.sub(lambda m: rendered[m.group(1)], template)


@dataclass(frozen=True)
class NodeRole:
    """One Brainstore role: its short name (physical names must fit 32 characters) and behaviour."""

    name: str  # reader | writer | fast-reader
    short: str  # rd | wr | fr
    tag: str  # BrainstoreRole tag value, as upstream: Reader, ReaderWriter, Writer, FastReader
    size: BrainstoreRoleSize
    reader_only: bool


def node_roles(size: BrainstoreSize) -> list[NodeRole]:
    """Readers are reader-only when a writer exists; otherwise they write too (staging's combined node)."""
    roles = [NodeRole("reader", "rd", "ReaderWriter" if size.combined else "Reader", size.reader,
                      reader_only=not size.combined)]
    if size.writer.count > 0:
        roles.append(NodeRole("writer", "wr", "Writer", size.writer, reader_only=False))
    if size.fast_reader.count > 0:
        roles.append(NodeRole("fast-reader", "fr", "FastReader", size.fast_reader, reader_only=True))
    return roles


def group_name(deployment_name: str, role: NodeRole) -> str:
    """The Auto Scaling group (and instance Name tag) of a role: readable in the console and in alarms."""
    return f"{deployment_name}-brainstore-{role.name}"


def cache_size(sku_name: str, fraction: float) -> str:
    """BRAINSTORE_OBJECT_STORE_CACHE_FILE_SIZE: a share of the SKU's local NVMe (upstream: 90%)."""
    sku = skus.lookup(Cloud.AWS, skus.Kind.COMPUTE, sku_name)
    if sku is None or sku.local_nvme_gb <= 0:
        raise ValueError(f"Brainstore instance type {sku_name} has no local NVMe; choose one that has (e.g. c8gd)")
    return f"{int(sku.local_nvme_gb * fraction)}gb"


def architecture(sku_name: str) -> str:
    sku = skus.lookup(Cloud.AWS, skus.Kind.COMPUTE, sku_name)
    if sku is None or sku.arch is None:
        raise ValueError(f"unknown Brainstore instance type {sku_name} (add it to components/sizing/skus.py)")
    return sku.arch.value


@dataclass(frozen=True)
class BrainstoreArgs:
    deployment: Deployment
    size: BrainstoreSize
    key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    instance_security_group_id: pulumi.Input[str]
    nlb_security_group_id: pulumi.Input[str]
    instance_profile_arn: pulumi.Input[str]
    image_tag: str
    brainstore_bucket: pulumi.Input[str]
    responses_bucket: pulumi.Input[str]
    code_bundles_bucket: pulumi.Input[str]
    database_url_secret_arn: pulumi.Input[str]
    redis_secret_arn: pulumi.Input[str]
    service_token_secret_arn: pulumi.Input[str]
    license_secret_arn: pulumi.Input[str]
    # Where the nodes read the API URL for AI proxy calls: the Lambda AI proxy's parameter by name, or, while the
    # ECS API serves, its parameter as name:version (a new URL is new user data: the nodes roll to read it).
    ai_proxy_url_parameter: pulumi.Input[str]
    telemetry: str
    log_group: str
    log_retention_days: int
    root_volume_gb: int
    skip_pg_for_brainstore_objects: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    # What booting instances need: the instance role's policies and the network's NAT routes.
    wait_for: list[pulumi.Resource] = field(default_factory=list)


# Group metrics the monitoring alarms read (in service below desired); CloudWatch publishes none without them.
GROUP_METRICS: tuple[str, ...] = monitoring_facts.ASG_GROUP_METRICS


class Brainstore(pulumi.ComponentResource):
    """`urls[role]` = http://<internal NLB>:4000 per role; `dns_names[role]` the NLB DNS names;
    `group_names[role]` the Auto Scaling group; `health_dimensions[role]` (target group, NLB) ARN suffixes."""

    urls: dict[str, pulumi.Output[str]]
    dns_names: dict[str, pulumi.Output[str]]
    group_names: dict[str, str]
    health_dimensions: dict[str, tuple[pulumi.Output[str], pulumi.Output[str]]]

    def __init__(self, name: str, args: BrainstoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Brainstore", name, None, opts)
        d = args.deployment
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs", name=args.log_group, retention_in_days=args.log_retention_days, kms_key_id=args.key_arn,
            tags=d.tags_for(args.log_group), opts=pulumi.ResourceOptions(parent=self))
        self.urls, self.dns_names, self.group_names, self.health_dimensions = {}, {}, {}, {}
        for role in node_roles(args.size):
            nlb, target_group = self._role(name, args, role, log_group)
            self.group_names[role.name] = group_name(args.deployment.name, role)
            self.health_dimensions[role.name] = (target_group.arn_suffix, nlb.arn_suffix)
            self.dns_names[role.name] = nlb.dns_name
            self.urls[role.name] = pulumi.Output.concat("http://", nlb.dns_name, f":{BRAINSTORE_PORT}")
        self.register_outputs({"dns_names": self.dns_names})

    def _extra_settings(self, args: BrainstoreArgs) -> list[str]:
        settings = dict(args.extra_env)
        if args.skip_pg_for_brainstore_objects:
            # Upstream sets these two from skip_pg_for_brainstore_objects (data plane 2.0).
            settings["BRAINSTORE_ASYNC_SCORING_OBJECTS"] = args.skip_pg_for_brainstore_objects
            settings["BRAINSTORE_LOG_AUTOMATIONS_OBJECTS"] = args.skip_pg_for_brainstore_objects
        return [f"{k}={v}" for k, v in sorted(settings.items())]

    def _user_data(self, args: BrainstoreArgs, role: NodeRole) -> pulumi.Output[str]:
        d = args.deployment
        extra = self._extra_settings(args)
        fixed = {
            "DEPLOYMENT": d.name, "ROLE": role.name, "REGION": d.region, "IMAGE_TAG": args.image_tag,
            "CACHE_SIZE": cache_size(role.size.sku, args.size.cache_fraction),
            "READER_ONLY": "true" if role.reader_only else "false", "TELEMETRY": args.telemetry,
            "LOG_GROUP": args.log_group,
        }
        deferred = pulumi.Output.all(
            BRAINSTORE_BUCKET=args.brainstore_bucket, RESPONSES_BUCKET=args.responses_bucket,
            CODE_BUNDLES_BUCKET=args.code_bundles_bucket, DATABASE_URL_SECRET_ARN=args.database_url_secret_arn,
            REDIS_SECRET_ARN=args.redis_secret_arn,
            SERVICE_TOKEN_SECRET_ARN=args.service_token_secret_arn, LICENSE_SECRET_ARN=args.license_secret_arn,
            AI_PROXY_URL_PARAMETER=args.ai_proxy_url_parameter,
        )
        return deferred.apply(lambda values: base64.b64encode(
            render_user_data({**fixed, **{k: str(v) for k, v in values.items()}}, extra).encode()).decode())

    def _role(self, name: str, args: BrainstoreArgs, role: NodeRole,
              log_group: aws.cloudwatch.LogGroup) -> tuple[aws.lb.LoadBalancer, aws.lb.TargetGroup]:
        d = args.deployment
        base = f"{name}-{role.short}"  # NLB and target group names: <deployment>-bs-<rd|wr|fr>-<random>
        child = pulumi.ResourceOptions(parent=self)
        role_tags = {"BrainstoreRole": role.tag}
        node_name = group_name(d.name, role)

        nlb = aws.lb.LoadBalancer(
            base, internal=True, load_balancer_type="network", subnets=args.subnet_ids,
            security_groups=[args.nlb_security_group_id], enable_cross_zone_load_balancing=True,
            tags=d.tags_for(f"{d.name}-brainstore-{role.name}", **role_tags), opts=child)
        target_group = aws.lb.TargetGroup(
            base, port=BRAINSTORE_PORT, protocol="TCP", vpc_id=args.vpc_id, target_type="instance",
            deregistration_delay=60, connection_termination=True,
            # The probe Braintrust's Helm chart uses (HTTP GET / on the port, 2xx/3xx); upstream's TCP check
            # would route to a node whose process accepts connections but cannot serve.
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                protocol="HTTP", port=str(BRAINSTORE_PORT), path=aws_facts.BRAINSTORE_HEALTH_PATH,
                matcher=aws_facts.HTTP_PROBE_SUCCESS, interval=10, timeout=5, healthy_threshold=3,
                unhealthy_threshold=3),
            tags=d.tags_for(f"{d.name}-brainstore-{role.name}", **role_tags), opts=child)
        aws.lb.Listener(
            f"{base}-listener", load_balancer_arn=nlb.arn, port=BRAINSTORE_PORT, protocol="TCP",
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
            tags=d.tags_for(f"{d.name}-brainstore-{role.name}", **role_tags), opts=child)

        node_tags = d.tags_for(node_name, **role_tags)
        template = aws.ec2.LaunchTemplate(
            f"{base}-template",
            description=f"Brainstore {role.name} of {d.name}",
            image_id=f"resolve:ssm:{AMI_PARAMETER.format(arch=architecture(role.size.sku))}",
            instance_type=role.size.sku,
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=args.instance_profile_arn),
            vpc_security_group_ids=[args.instance_security_group_id],
            block_device_mappings=[aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name=ROOT_DEVICE,
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=args.root_volume_gb, volume_type="gp3", encrypted="true", kms_key_id=args.key_arn,
                    delete_on_termination="true"),
            )],
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=2,
                instance_metadata_tags="disabled"),
            monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
            user_data=self._user_data(args, role),
            update_default_version=True,
            # Provider default tags do not reach what Auto Scaling launches: tag those explicitly.
            tag_specifications=[aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=node_tags)
                                for kind in ("instance", "volume", "network-interface")],
            tags=d.tags_for(node_name, **role_tags),
            opts=child,
        )
        count = role.size.count
        aws.autoscaling.Group(
            f"{base}-group",
            # Readable in the console and in alarms; Auto Scaling groups are updated in place, not replaced.
            name=node_name,
            min_size=count,
            max_size=count * 2,  # headroom only for rolling replacement; Brainstore does not autoscale
            desired_capacity=count,
            vpc_zone_identifiers=args.subnet_ids,
            target_group_arns=[target_group.arn],
            health_check_type="ELB",
            # In service vs desired, for the capacity alarm (components/aws/monitoring.py).
            enabled_metrics=[aws.autoscaling.Metric(metric) for metric in GROUP_METRICS],
            metrics_granularity="1Minute",
            # First boot installs packages, pulls the image and may wait for the API's URL parameter.
            health_check_grace_period=900,
            wait_for_elb_capacity=count,
            wait_for_capacity_timeout="30m",
            launch_template=aws.autoscaling.GroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)),
            instance_refresh=aws.autoscaling.GroupInstanceRefreshArgs(
                strategy="Rolling",
                preferences=aws.autoscaling.GroupInstanceRefreshPreferencesArgs(
                    min_healthy_percentage=100, max_healthy_percentage=200, instance_warmup="300"),
            ),
            tags=[aws.autoscaling.GroupTagArgs(key=k, value=v, propagate_at_launch=False)
                  for k, v in node_tags.items()],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group, *args.wait_for]),
        )
        return nlb, target_group
