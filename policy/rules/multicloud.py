"""Rules that hold on every cloud: tags, protection of stateful resources, HA, backups, Brainstore shape,
alerting in production."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pulumi_policy import Severity

from . import stateful
from .common import (
    ADVISORY,
    MANDATORY,
    REQUIRED_TAG_KEYS,
    SIZE_TAG,
    TAG_PATHS,
    Config,
    Resource,
    ResourceRule,
    Setting,
    StackRule,
    StackViolation,
    depends_on,
    dig,
    is_map,
    is_set,
    is_true,
    items,
    named,
    number,
    strings,
)

FAMILY = "multi-cloud"

# Types that take tags/labels and that the program creates (tests/policy keep this list complete
# against every built stack and valid against the SDKs).
TAGGABLE: tuple[str, ...] = (
    # AWS
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/flowLog:FlowLog",
    "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance", "aws:ebs/volume:Volume",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/subnetGroup:SubnetGroup", "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/subnetGroup:SubnetGroup", "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:kms/key:Key", "aws:lambda/function:Function",
    "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cloudwatch/eventRule:EventRule", "aws:secretsmanager/secret:Secret", "aws:autoscaling/group:Group",
    "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule", "aws:appautoscaling/target:Target", "aws:cloudfront/vpcOrigin:VpcOrigin",
    "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile",
    "aws:cloudfront/distribution:Distribution", "aws:apigateway/restApi:RestApi", "aws:apigateway/stage:Stage",
    "aws:ssm/parameter:Parameter", "aws:sns/topic:Topic", "aws:sqs/queue:Queue", "aws:ecs/cluster:Cluster",
    "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition", "aws:wafv2/webAcl:WebAcl",
    # GCP (labels)
    "gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance", "gcp:storage/bucket:Bucket",
    "gcp:kms/cryptoKey:CryptoKey", "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool",
    "gcp:compute/disk:Disk", "gcp:compute/instance:Instance", "gcp:secretmanager/secret:Secret",
    "gcp:compute/globalAddress:GlobalAddress", "gcp:compute/address:Address",
    "gcp:compute/forwardingRule:ForwardingRule", "gcp:monitoring/alertPolicy:AlertPolicy",
    "gcp:monitoring/notificationChannel:NotificationChannel",
    # Azure
    "azure-native:resources:ResourceGroup", "azure-native:network:VirtualNetwork",
    "azure-native:network:NetworkSecurityGroup", "azure-native:network:NatGateway",
    "azure-native:network:PublicIPAddress", "azure-native:network:PrivateEndpoint",
    "azure-native:privatedns:PrivateZone", "azure-native:privatedns:VirtualNetworkLink",
    "azure-native:keyvault:Vault", "azure-native:keyvault:Key", "azure-native:keyvault:Secret",
    "azure-native:storage:StorageAccount", "azure-native:dbforpostgresql:Server",
    "azure-native:redisenterprise:RedisEnterprise", "azure-native:redis:Redis",
    "azure-native:containerservice:ManagedCluster", "azure-native:containerservice:AgentPool",
    "azure-native:managedidentity:UserAssignedIdentity", "azure-native:operationalinsights:Workspace",
    "azure-native:compute:DiskEncryptionSet", "azure-native:resources:AzureCliScript",
    "azure-native:cdn:Profile", "azure-native:cdn:AFDEndpoint", "azure-native:monitor:ActionGroup",
    "azure-native:monitor:MetricAlert", "azure-native:monitor:ScheduledQueryRule",
    "azure-native:monitor:DataCollectionRule",
)
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def _required_tags(r: Resource, cfg: Config) -> Iterator[str]:
    keys = [str(k) for k in cfg["required_keys"]]
    where = TAG_PATHS.get(r.type, "tags" if r.type.startswith(("aws:", "azure-native:")) else "labels")
    tags = r.tags
    if tags is None:
        yield f"{where} must be set (required keys: {', '.join(keys)})"
        return
    missing = [k for k in keys if not tags.get(k)]
    if missing:
        yield f"{where} lacks {', '.join(missing)}"
    if r.type == LAUNCH_TEMPLATE:
        # Provider default tags never reach instances and volumes launched from a template.
        specs = {str(s.get("resourceType")): s.get("tags") for s in items(r.get("tagSpecifications")) if is_map(s)}
        for kind in ("instance", "volume"):
            spec = specs.get(kind)
            absent = [k for k in keys if not (is_map(spec) and spec.get(k))]
            if absent:
                yield f"tagSpecifications[{kind}] lacks {', '.join(absent)}"


def _postgres_ha(r: Resource, _: Config) -> Iterator[str]:
    if not r.production:
        return
    if r.type.startswith("aws:rds/instance"):
        if not is_true(r.get("multiAz")):
            yield "multiAz must be true in production (standby in a second AZ)"
    elif r.type.startswith("gcp:"):
        if r.get("settings.availabilityType") != "REGIONAL":
            yield "settings.availabilityType must be REGIONAL in production"
    elif r.get("highAvailability.mode") != "ZoneRedundant":
        yield f"highAvailability.mode is {r.get('highAvailability.mode')!r}; must be ZoneRedundant in production"


def _redis_ha(r: Resource, _: Config) -> Iterator[str]:
    if not r.production:
        return
    if r.type.startswith("aws:"):
        if not is_true(r.get("automaticFailoverEnabled")) or not is_true(r.get("multiAzEnabled")):
            yield "automaticFailoverEnabled and multiAzEnabled must be true in production"
        nodes = number(r.get("numCacheClusters"))
        if nodes is None:  # cluster mode: a primary plus replicasPerNodeGroup per shard
            nodes = 1 + (number(r.get("replicasPerNodeGroup")) or 0)
        if nodes < 2:
            yield "at least one replica (numCacheClusters >= 2) in production"
    elif r.type.startswith("gcp:"):
        if r.get("tier") != "STANDARD_HA":
            yield f"tier is {r.get('tier')!r}; must be STANDARD_HA in production"
    elif r.get("highAvailability") == "Disabled":
        yield "highAvailability must be Enabled in production"


def _mentions_brainstore(r: Resource, labels: object) -> bool:
    text = " ".join([r.name, str(r.get("name") or "")]).lower()
    if is_map(labels):
        text += " " + " ".join(f"{k}={v}" for k, v in labels.items()).lower()
    return "brainstore" in text


def _brainstore_tainted(r: Resource, _: Config) -> Iterator[str]:
    if r.type == "gcp:container/nodePool:NodePool":
        if not _mentions_brainstore(r, r.get("nodeConfig.labels")):
            return
        taints = [t for t in items(r.get("nodeConfig.taints")) if is_map(t)]
        if not any(t.get("effect") in ("NO_SCHEDULE", "NO_EXECUTE") for t in taints):
            yield "nodeConfig.taints needs a NO_SCHEDULE taint so only Brainstore pods land on these nodes"
        return
    if not _mentions_brainstore(r, r.get("nodeLabels")):
        return
    taints = [str(t) for t in items(r.get("nodeTaints"))]
    if not any(t.endswith((":NoSchedule", ":NoExecute")) for t in taints):
        yield "nodeTaints needs a ...:NoSchedule taint so only Brainstore pods land on these nodes"


RESOURCE_RULES = [
    ResourceRule(
        "required-tags",
        family=FAMILY,
        description="Every taggable resource carries the deployment, size and managed-by tags/labels.",
        severity=Severity.LOW, enforcement=MANDATORY,
        remediation="Pass tags=cfg.all_tags (AWS/Azure) or labels=cfg.all_tags (GCP) explicitly; launch "
                    "templates also need tag_specifications for instance and volume.",
        types=TAGGABLE, check=_required_tags,
        settings={"required_keys": Setting("array", list(REQUIRED_TAG_KEYS), "Tag keys every resource carries.",
                                           {"items": {"type": "string"}})},
    ),
    ResourceRule(
        "postgres-high-availability",
        family=FAMILY,
        description="Production PostgreSQL has a synchronous standby in another zone.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="RDS multi_az=True; Cloud SQL availability_type='REGIONAL'; Azure high_availability.mode="
                    "'ZoneRedundant'.",
        types=("aws:rds/instance:Instance", "gcp:sql/databaseInstance:DatabaseInstance",
               "azure-native:dbforpostgresql:Server"),
        check=_postgres_ha,
    ),
    ResourceRule(
        "redis-high-availability",
        family=FAMILY,
        description="Production Redis has a replica with automatic failover.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="ElastiCache: automatic_failover_enabled, multi_az_enabled, num_cache_clusters>=2; "
                    "Memorystore: tier='STANDARD_HA'; Azure Managed Redis: high_availability='Enabled'.",
        types=("aws:elasticache/replicationGroup:ReplicationGroup", "gcp:redis/instance:Instance",
               "azure-native:redisenterprise:RedisEnterprise"),
        check=_redis_ha,
    ),
    ResourceRule(
        "brainstore-node-pools-tainted",
        family=FAMILY,
        description="Brainstore node pools are tainted so that only Brainstore pods use their NVMe and memory.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="GKE node_config.taints=[{key, value, effect: 'NO_SCHEDULE'}]; AKS node_taints="
                    "['braintrust.dev/role=reader:NoSchedule']; the chart values carry the matching tolerations.",
        types=("gcp:container/nodePool:NodePool", "azure-native:containerservice:AgentPool"),
        check=_brainstore_tainted,
    ),
]

# ----- stack rules -----

# Servers keep the backups (logical databases inside them have no backup settings of their own).
POSTGRES_TYPES = ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "gcp:sql/databaseInstance:DatabaseInstance",
                  "azure-native:dbforpostgresql:Server")


def _stack_is_production(resources: Sequence[Resource]) -> bool:
    """A stack with any production-tagged resource is production; one with no size tag at all too (strict)."""
    sizes = {(r.tags or {}).get(SIZE_TAG) for r in resources} - {None}
    return "production" in sizes or not sizes


def _protected(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    # A stack rule, because blob containers, cache databases and disks carry no tags of their own:
    # the stack's size decides for them.
    stack_production = _stack_is_production(resources)
    for r in resources:
        if r.type not in stateful.STATEFUL:
            continue
        size = (r.tags or {}).get(SIZE_TAG)
        production = size != "staging" if size else stack_production
        if production and not r.protect:
            yield StackViolation(f"{r.name}: this {stateful.kind_of(r.type)} must be created with protect=True in "
                                 "production (only danger_disable_deletion_protection lifts it)", r.urn)


def _backup_days(r: Resource) -> tuple[float | None, str]:
    if r.type.startswith("aws:rds"):
        return number(r.get("backupRetentionPeriod")), "backupRetentionPeriod"
    if r.type.startswith("gcp:"):
        backup = r.get("settings.backupConfiguration")
        if not (is_map(backup) and is_true(backup.get("enabled"))):
            return 0, "settings.backupConfiguration.enabled"
        unit = dig(backup, "backupRetentionSettings.retentionUnit")
        kept = number(dig(backup, "backupRetentionSettings.retainedBackups"))
        # One automated backup a day; the API default is 7 when the block is absent.
        days = 7.0 if kept is None and unit is None else kept
        return days, "settings.backupConfiguration.backupRetentionSettings.retainedBackups"
    return number(r.get("backup.backupRetentionDays")), "backup.backupRetentionDays"


def _backup_retention(resources: Sequence[Resource], cfg: Config) -> Iterator[StackViolation]:
    for r in resources:
        if r.type not in POSTGRES_TYPES:
            continue
        minimum = int(cfg["min_days_production"] if r.production else cfg["min_days"])
        days, where = _backup_days(r)
        if days is None or days < minimum:
            shown = "unset" if days is None else f"{days:g}"
            yield StackViolation(f"{r.name}: {where} is {shown}; at least {minimum} days "
                                 f"in {'production' if r.production else 'staging'}", r.urn)
        if r.type.startswith("gcp:") and r.production and not is_true(
                r.get("settings.backupConfiguration.pointInTimeRecoveryEnabled")):
            yield StackViolation(f"{r.name}: point-in-time recovery must be on in production", r.urn)


def _reader_counts(resources: Sequence[Resource]) -> list[tuple[Resource, float | None, str]]:
    found: list[tuple[Resource, float | None, str]] = []
    for r in resources:
        name = f"{r.name} {r.get('name') or ''}".lower()
        if r.type == "aws:autoscaling/group:Group" and "brainstore" in name and "reader" in name and "fast" not in name:
            found.append((r, number(r.get("minSize")), "minSize"))
        elif r.type in ("kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"):
            reader = dig(r.get("values"), "brainstore.reader")
            if is_map(reader):
                found.append((r, number(reader.get("replicas")), "values.brainstore.reader.replicas"))
        elif r.type in ("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet") and (
                r.get("metadata.name") == "brainstore-reader"):
            found.append((r, number(r.get("spec.replicas")), "spec.replicas"))
    return found


def _brainstore_readers(resources: Sequence[Resource], cfg: Config) -> Iterator[StackViolation]:
    if not _stack_is_production(resources):
        return
    minimum = int(cfg["min_readers"])
    found = _reader_counts(resources)
    if not found:
        yield StackViolation(f"no Brainstore reader group found; production needs at least {minimum} readers")
    for r, count, where in found:
        if count is None or count < minimum:
            shown = "unset" if count is None else f"{count:g}"
            yield StackViolation(f"{r.name}: {where} is {shown}; production needs at least {minimum} "
                                 "Brainstore readers (one may be lost to a zone or a rollout)", r.urn)


AWS_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
AWS_VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
AZURE_ACCOUNT = "azure-native:storage:StorageAccount"
AZURE_BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"


def _versioning(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    for r in resources:
        if r.type in AWS_BUCKETS:
            names = strings(r.get("bucket"), r.get("id"))
            enabled = [
                v for v in resources
                if v.type in AWS_VERSIONING and (depends_on(v, r) or named(v.get("bucket"), names))
                and v.get("versioningConfiguration.status") == "Enabled"
            ]
            if not enabled and not is_true(r.get("versioning.enabled")):
                yield StackViolation(f"bucket {r.name} has no versioning (status Enabled)", r.urn)
        elif r.type == "gcp:storage/bucket:Bucket":
            if not is_true(r.get("versioning.enabled")):
                yield StackViolation(f"bucket {r.name}: versioning.enabled should be true", r.urn)
        elif r.type == AZURE_ACCOUNT:
            names = strings(r.get("accountName"), r.get("name"))
            enabled = [
                s for s in resources
                if s.type == AZURE_BLOB_SERVICE and (depends_on(s, r) or named(s.get("accountName"), names))
                and is_true(s.get("isVersioningEnabled"))
            ]
            if not enabled:
                yield StackViolation(f"storage account {r.name} has no blob versioning", r.urn)


# Alert rules and what delivers them, per cloud: (rules, targets, target has a receiver).
AWS_ALARM, AWS_TOPIC, AWS_SUBSCRIPTION = (
    "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription")
GCP_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
GCP_CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"
AZURE_ALERTS = ("azure-native:monitor:MetricAlert", "azure-native:monitor:ScheduledQueryRule")
AZURE_ACTION_GROUP = "azure-native:monitor:ActionGroup"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"  # what a scaling alarm triggers instead of alerting anyone
ALERTING_TYPES = (AWS_ALARM, AWS_TOPIC, AWS_SUBSCRIPTION, GCP_POLICY, GCP_CHANNEL, *AZURE_ALERTS, AZURE_ACTION_GROUP,
                  SCALING_POLICY)


def _linked(rule: Resource, target: Resource, references: list[Any]) -> bool:
    """``rule`` delivers to ``target``: it waits for it, or names it (ARN, channel name, action group id)."""
    names = strings(target.get("arn"), target.get("name"), target.get("id"), target.name)
    return depends_on(rule, target) or any(isinstance(ref, str) and ref in names for ref in references)


def _receivers(target: Resource, resources: Sequence[Resource]) -> bool:
    """The target reaches a person: an SNS topic with a subscription, a channel, an action group with receivers."""
    if target.type == AWS_TOPIC:
        return any(s.type == AWS_SUBSCRIPTION and is_set(s.get("endpoint"))
                   and _linked(s, target, [s.get("topic")]) for s in resources)
    if target.type == GCP_CHANNEL:
        return is_map(target.get("labels")) and any(is_set(v) for v in target.get("labels").values())
    return bool(items(target.get("emailReceivers")) or items(target.get("webhookReceivers")))


def _references(rule: Resource) -> list[Any]:
    if rule.type == AWS_ALARM:
        return items(rule.get("alarmActions"))
    if rule.type == GCP_POLICY:
        return items(rule.get("notificationChannels"))
    if rule.type == "azure-native:monitor:MetricAlert":
        return [a.get("actionGroupId") for a in items(rule.get("actions")) if is_map(a)]
    return items(rule.get("actions.actionGroups"))


def _scaling_trigger(rule: Resource, resources: Sequence[Resource]) -> bool:
    """A CloudWatch alarm that only drives Application Auto Scaling (the ECS API's event-loop-delay alarms): it
    scales a service and alerts nobody, so it is not an alert rule here. Known by its actions (scaling-policy
    ARNs) or, in a preview where they are not known yet, by waiting for a scaling policy and for no topic."""
    if rule.type != AWS_ALARM:
        return False
    actions = items(rule.get("alarmActions"))
    if actions and all(isinstance(a, str) and ":scalingPolicy:" in a for a in actions):
        return True
    waits_for = {r.type for r in resources if depends_on(rule, r)}
    known_arns = [a for a in actions if isinstance(a, str) and a.startswith("arn:")]
    return SCALING_POLICY in waits_for and AWS_TOPIC not in waits_for and not known_arns


def _alerting(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    if not _stack_is_production(resources):
        return
    rules = [r for r in resources
             if r.type in (AWS_ALARM, GCP_POLICY, *AZURE_ALERTS) and not _scaling_trigger(r, resources)]
    if not rules:
        yield StackViolation("this production stack creates no alert rule: set alerts.emails and/or "
                             "alerts.webhook_url (the Monitoring component builds them)")
        return
    targets = [r for r in resources if r.type in (AWS_TOPIC, GCP_CHANNEL, AZURE_ACTION_GROUP)]
    for rule in rules:
        references = _references(rule)
        reached = [t for t in targets if _linked(rule, t, references) and _receivers(t, resources)]
        if not references or not reached:
            yield StackViolation(f"{rule.name}: this alert notifies nobody (no SNS topic with a subscription, "
                                 "notification channel or action group with receivers)", rule.urn)


STACK_RULES = [
    StackRule(
        "stateful-resources-protected",
        family=FAMILY,
        description="In production every database, cache, bucket, key, vault, disk, secret store and generated "
                    "key/password is Pulumi-protected.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="ResourceOptions(protect=cfg.protect) on the stateful resource itself (a child inherits "
                    "protect from its component only when the component is protected).",
        types=stateful.STATEFUL, check=_protected,
    ),
    StackRule(
        "postgres-backup-retention",
        family=FAMILY,
        description="Every PostgreSQL keeps automated backups for at least N days (more in production), with PITR.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="RDS backup_retention_period; Cloud SQL backup_configuration (enabled, PITR, "
                    "retained_backups); Azure backup.backup_retention_days: at least the configured minimum.",
        types=POSTGRES_TYPES, check=_backup_retention,
        settings={
            "min_days_production": Setting("integer", 7, "Minimum retention in production.", {"minimum": 1}),
            "min_days": Setting("integer", 1, "Minimum retention in staging.", {"minimum": 0}),
        },
    ),
    StackRule(
        "brainstore-readers-production",
        family=FAMILY,
        description="A production stack runs at least N Brainstore readers.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="brainstore.reader.count >= 2 in the stack file (AWS Auto Scaling group min_size, chart "
                    "brainstore.reader.replicas on GKE/AKS).",
        types=("aws:autoscaling/group:Group", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release",
               "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"),
        check=_brainstore_readers,
        settings={"min_readers": Setting("integer", 2, "Minimum Brainstore readers in production.",
                                         {"minimum": 1})},
    ),
    StackRule(
        "production-alerting",
        family=FAMILY,
        description="A production stack alerts someone: it has alert rules, and every one reaches a notification "
                    "target with a receiver.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="alerts.emails and/or alerts.webhook_url in the stack file (components/<cloud>/monitoring.py: "
                    "CloudWatch alarms -> SNS subscriptions, alert policies -> notification channels, Azure Monitor "
                    "rules -> action groups with receivers).",
        types=ALERTING_TYPES, check=_alerting,
    ),
    StackRule(
        "object-storage-versioning",
        family=FAMILY,
        description="Object storage keeps previous versions so an overwrite or delete can be undone.",
        severity=Severity.MEDIUM, enforcement=ADVISORY,
        remediation="S3 BucketVersioning status=Enabled; GCS versioning.enabled; Azure BlobServiceProperties "
                    "is_versioning_enabled (pair with lifecycle rules that expire old versions).",
        types=(*AWS_BUCKETS, *AWS_VERSIONING, "gcp:storage/bucket:Bucket", AZURE_ACCOUNT, AZURE_BLOB_SERVICE),
        check=_versioning,
    ),
]

RULES: list[ResourceRule | StackRule] = [*RESOURCE_RULES, *STACK_RULES]
