"""Monitoring facts: metric names, namespaces, dimensions and statistics per cloud, the CloudWatch agent's
configuration keys, notification channel shapes, and the on-call access tools' images.

Metric names are exactly the kind of fact that must not be invented: an alarm on a misspelt metric is
accepted by every cloud and never fires. Where a published model carries the value (botocore's enum shapes
and shape documentation, cfn-lint's schemas, Google's discovery documents, azure-native's enums) the fact is
``Check.CONTRACT`` and a test compares it (``tests/components/test_monitoring_facts.py``,
``tests/contracts``); metric *names* are published only in the clouds' documentation (``Check.DOCS``,
listed as residual risks), each row citing the page that lists it.

Pure data: no Pulumi or cloud SDK import.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Check, register

_BOTOCORE = "pypi:botocore==1.44.8/botocore/data"
_CFN = "pypi:cfn-lint==1.58.0/cfnlint/data/schemas"
_DISCOVERY = "pypi:google-api-python-client==2.202.0/googleapiclient/discovery_cache/documents"
_AWS_CW = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring"
_LEARN = "https://learn.microsoft.com/azure"
_AZ_METRICS = "MicrosoftDocs/azure-monitor-docs/articles/azure-monitor/reference/supported-metrics"
AWS_MODULE = "braintrustdata/terraform-aws-braintrust-data-plane@6bf9b11"


@dataclass(frozen=True)
class Namespace:
    """A metric namespace (AWS), metric domain (GCP) or resource type (Azure): the metric names it
    publishes that we alarm on, and the dimensions (labels) that identify one resource."""

    name: str
    dimensions: tuple[str, ...]
    metrics: tuple[str, ...]

    def metric(self, name: str) -> str:
        """``name`` if this namespace publishes it (a typo fails at import, not silently in the cloud)."""
        if name not in self.metrics:
            raise ValueError(f"{self.name} publishes no metric {name!r} (known: {', '.join(self.metrics)})")
        return name


# ================================================================= AWS (CloudWatch)
RDS = register(
    "monitoring.aws.rds", Namespace(
        "AWS/RDS", ("DBInstanceIdentifier",),
        ("CPUUtilization", "FreeableMemory", "FreeStorageSpace", "ReadLatency", "WriteLatency",
         "DatabaseConnections")),
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html ; "
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/dimensions.html",
    Check.DOCS, note="FreeableMemory/FreeStorageSpace in bytes; Read/WriteLatency in seconds",
)
ELASTICACHE = register(
    "monitoring.aws.elasticache", Namespace(
        "AWS/ElastiCache", ("CacheClusterId",),
        ("EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions", "ReplicationLag")),
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html ; "
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html",
    Check.DOCS, note="published per node; a cluster-mode-disabled node is the cache cluster <group>-00N; "
                     "ReplicationLag only by replicas (seconds)",
)
AUTOSCALING = register(
    "monitoring.aws.autoscaling", Namespace(
        "AWS/AutoScaling", ("AutoScalingGroupName",), ("GroupDesiredCapacity", "GroupInServiceInstances")),
    "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html",
    Check.DOCS, note="published only for groups with metrics collection enabled (EnabledMetrics)",
)
# The group metrics EnableMetricsCollection accepts, as botocore's shape documentation lists them.
ASG_GROUP_METRICS: tuple[str, ...] = register(
    "aws.autoscaling.group_metrics", ("GroupDesiredCapacity", "GroupInServiceInstances"),
    f"{_BOTOCORE}/autoscaling/2011-01-01/service-2.json", Check.CONTRACT,
    note="EnableMetricsCollectionQuery.Metrics documentation (tests/components/test_monitoring_facts.py)",
)
NETWORK_ELB = register(
    "monitoring.aws.network_elb", Namespace(
        "AWS/NetworkELB", ("TargetGroup", "LoadBalancer"), ("UnHealthyHostCount", "HealthyHostCount")),
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html",
    Check.DOCS, note="dimension values are the ARN suffixes (targetgroup/..., net/...)",
)
EC2 = register(
    "monitoring.aws.ec2", Namespace("AWS/EC2", ("AutoScalingGroupName",), ("CPUUtilization",)),
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
    Check.DOCS, note="AutoScalingGroupName aggregates the group's instances (detailed monitoring: 1 minute)",
)
LAMBDA = register(
    "monitoring.aws.lambda", Namespace("AWS/Lambda", ("FunctionName",), ("Errors", "Throttles", "Duration")),
    "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
    Check.DOCS, note="Duration in milliseconds; percentile statistics (p99) are supported",
)
API_GATEWAY = register(
    "monitoring.aws.api_gateway", Namespace("AWS/ApiGateway", ("ApiName", "Stage"), ("5XXError", "Count")),
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html",
    Check.DOCS, note="5XXError's Average over a period is the share of requests answered 5xx",
)
# The CloudWatch agent on Brainstore nodes: memory as upstream (mem_used_percent renamed MemoryUtilization,
# namespace CWAgent, InstanceId appended), plus disk use of the root file system.
CW_AGENT = register(
    "monitoring.aws.cloudwatch_agent", Namespace(
        "CWAgent", ("AutoScalingGroupName",), ("MemoryUtilization", "disk_used_percent")),
    f"{_AWS_CW}/CloudWatch-Agent-Configuration-File-Details.html ; "
    f"{_AWS_CW}/metrics-collected-by-CloudWatch-agent.html ; "
    f"{AWS_MODULE}/modules/brainstore-ec2/templates/user_data.sh.tpl:101-120",
    Check.DOCS, note="CWAgent is the agent's default namespace; disk_used_percent is the disk plugin's "
                     "used_percent; aggregation_dimensions [[AutoScalingGroupName]] publishes the per-group series",
)
# Agent configuration keys we write (the agent refuses an unknown key at start).
CW_AGENT_CONFIG_KEYS: tuple[str, ...] = register(
    "aws.cloudwatch_agent.config_keys",
    ("agent", "metrics_collection_interval", "logfile", "logs", "force_flush_interval", "logs_collected",
     "files", "collect_list", "file_path", "log_group_name", "log_stream_name", "timezone", "metrics",
     "namespace", "append_dimensions", "aggregation_dimensions", "metrics_collected", "mem", "measurement",
     "name", "rename", "unit", "disk", "resources", "drop_device"),
    f"{_AWS_CW}/CloudWatch-Agent-Configuration-File-Details.html",
    Check.DOCS, note="append_dimensions values ${aws:InstanceId} and ${aws:AutoScalingGroupName} need "
                     "ec2:DescribeTags for the group name",
)
CW_AGENT_PACKAGE = register(
    "aws.cloudwatch_agent.al2023_package", "amazon-cloudwatch-agent",
    f"{_AWS_CW}/download-CloudWatch-Agent-on-EC2-Instance-commandline-first.html",
    Check.DOCS, note="'sudo yum install amazon-cloudwatch-agent' on Amazon Linux 2023 (in the distribution's "
                     "repository; upstream downloads a .deb on Ubuntu)",
)
CW_AGENT_CTL = register(
    "aws.cloudwatch_agent.ctl", "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl",
    f"{_AWS_CW}/install-CloudWatch-Agent-commandline-fleet.html ; "
    f"{AWS_MODULE}/modules/brainstore-ec2/templates/user_data.sh.tpl:125",
    Check.UPSTREAM,
)
# Docker's json-file driver rotation as upstream configures it on every Brainstore node.
DOCKER_LOG_ROTATION = register(
    "aws.brainstore.docker_log_rotation", {"max-size": "100m", "max-file": "3"},
    f"{AWS_MODULE}/modules/brainstore-ec2/templates/user_data.sh.tpl:56-66 ; "
    "https://docs.docker.com/engine/logging/drivers/json-file/",
    Check.UPSTREAM,
)
# RDS for PostgreSQL's default max_connections: LEAST({DBInstanceClassMemory/9531392}, 5000).
RDS_MAX_CONNECTIONS_DIVISOR = register(
    "aws.rds.postgres_max_connections_divisor", 9531392,
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections",
    Check.DOCS, note="DBInstanceClassMemory is a little below the class's memory (OS reserve): the estimate is "
                     "an upper bound, so an alarm at 80% of it fires at or below ~80% of the real limit",
)
RDS_MAX_CONNECTIONS_CAP = register(
    "aws.rds.postgres_max_connections_cap", 5000,
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections",
    Check.DOCS,
)
# CloudWatch alarm periods: 10, 30, 60 or a multiple of 60 seconds.
ALARM_PERIOD_RULE = register(
    "aws.cloudwatch.alarm_period_rule", {"short": (10, 30, 60), "multiple_of": 60},
    f"{_CFN}/extensions/aws_cloudwatch_alarm/period.json", Check.CONTRACT,
)
# SNS protocols this program subscribes with (botocore's Subscribe documentation lists the protocols).
SNS_PROTOCOLS: tuple[str, ...] = register(
    "aws.sns.subscription_protocols", ("email", "https"),
    f"{_BOTOCORE}/sns/2010-03-31/service-2.json", Check.CONTRACT,
    note="SubscribeInput.Protocol documentation; an https endpoint must confirm the subscription (PagerDuty's "
         "and Opsgenie's CloudWatch integrations do it themselves)",
)
# CloudWatch publishes to an encrypted topic only when the key policy lets cloudwatch.amazonaws.com use it.
SNS_KMS_FOR_CLOUDWATCH: tuple[str, ...] = register(
    "aws.sns.cloudwatch_kms_actions", ("kms:Decrypt", "kms:GenerateDataKey*"),
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services ; "
    "https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger",
    Check.DOCS,
)

# ================================================================= GCP (Cloud Monitoring)
_GCP_METRICS = "https://cloud.google.com/monitoring/api/metrics_gcp"
CLOUD_SQL = register(
    "monitoring.gcp.cloud_sql", Namespace(
        "cloudsql_database", ("database_id",),
        ("cloudsql.googleapis.com/database/cpu/utilization", "cloudsql.googleapis.com/database/memory/utilization",
         "cloudsql.googleapis.com/database/disk/utilization",
         "cloudsql.googleapis.com/database/postgresql/num_backends")),
    f"{_GCP_METRICS}#gcp-cloudsql ; https://cloud.google.com/sql/docs/postgres/monitor-instance",
    Check.DOCS, note="database_id = <project>:<instance>; utilizations are fractions 0-1; num_backends is "
                     "labelled per database (summed here)",
)
MEMORYSTORE = register(
    "monitoring.gcp.memorystore", Namespace(
        "redis_instance", ("instance_id",),
        ("redis.googleapis.com/stats/memory/usage_ratio", "redis.googleapis.com/stats/evicted_keys")),
    f"{_GCP_METRICS}#gcp-redis ; https://cloud.google.com/memorystore/docs/redis/supported-monitoring-metrics",
    Check.DOCS, note="instance_id = projects/<p>/locations/<region>/instances/<name>; evicted_keys is a DELTA count",
)
GKE = register(
    "monitoring.gcp.gke", Namespace(
        "k8s_container", ("cluster_name", "namespace_name"),
        ("kubernetes.io/container/restart_count", "kubernetes.io/container/memory/limit_utilization",
         "kubernetes.io/node/cpu/allocatable_utilization")),
    "https://cloud.google.com/monitoring/api/metrics_kubernetes",
    Check.DOCS, note="GKE system metrics (monitoringConfig SYSTEM_COMPONENTS); restart_count is CUMULATIVE, "
                     "node metrics are on the k8s_node resource",
)
# kube state metrics that GKE's managed package publishes with the DEPLOYMENT component (PromQL names).
GKE_KUBE_STATE = register(
    "monitoring.gcp.gke_kube_state", Namespace(
        "prometheus_target", ("namespace", "deployment"),
        ("kube_deployment_spec_replicas", "kube_deployment_status_replicas_available")),
    "https://cloud.google.com/kubernetes-engine/docs/how-to/kube-state-metrics",
    Check.DOCS, note="Managed Service for Prometheus stores them as prometheus.googleapis.com/<name>/gauge; "
                     "PromQL alert conditions use the native names",
)
GCP_LOAD_BALANCER = register(
    "monitoring.gcp.load_balancer", Namespace(
        "https_lb_rule", ("forwarding_rule_name",), ("loadbalancing.googleapis.com/https/request_count",)),
    f"{_GCP_METRICS}#gcp-loadbalancing",
    Check.DOCS, note="label response_code_class (100, 200, ... 500) on the global external Application LB",
)
GKE_MONITORING_COMPONENTS: tuple[str, ...] = register(
    "gcp.gke.monitoring_components", ("SYSTEM_COMPONENTS", "POD", "DEPLOYMENT"),
    f"{_DISCOVERY}/container.v1.json ; https://cloud.google.com/kubernetes-engine/docs/how-to/kube-state-metrics",
    Check.CONTRACT, note="MonitoringComponentConfig.enableComponents; POD and DEPLOYMENT are kube state metrics "
                         "packages (need managed Prometheus on)",
)
# Notification channel types and the label each needs (the webhook URL is a label, hence a secret input).
GCP_CHANNEL_LABELS = register(
    "monitoring.gcp.notification_channel_labels", {"email": "email_address", "webhook_tokenauth": "url"},
    "https://cloud.google.com/monitoring/support/notification-options ; "
    "https://cloud.google.com/monitoring/alerts/using-channels-api",
    Check.DOCS,
)
# IAM conditions: request.time is recognised by every Google Cloud service (time-bounded grants).
GCP_IAM_TIME_CONDITION = register(
    "gcp.iam.condition_request_time", 'request.time < timestamp("<RFC 3339>")',
    "https://cloud.google.com/iam/docs/conditions-attribute-reference#date-time ; "
    "https://cloud.google.com/iam/docs/configuring-temporary-access",
    Check.DOCS, note="basic roles (owner/editor/viewer) cannot carry conditions; predefined roles can",
)
# Remote support on GCP: predefined read-only roles, none of which reads Secret data or bucket objects.
GCP_SUPPORT_ROLES: tuple[str, ...] = register(
    "gcp.iam.remote_support_roles", ("roles/logging.viewer", "roles/monitoring.viewer", "roles/container.viewer"),
    "https://cloud.google.com/iam/docs/understanding-roles ; "
    "https://cloud.google.com/kubernetes-engine/docs/how-to/iam#predefined",
    Check.DOCS, note="container.viewer: read-only access to GKE resources, without Secret contents",
)
# GKE's Gateway controller names the load balancer's URL map gkegw1-<hash>-<namespace>-<gateway>-<hash>.
GKE_GATEWAY_URL_MAP_NAMING = register(
    "gcp.gke.gateway_url_map_naming", "gkegw1-<hash>-<namespace>-<gateway>-<hash>",
    "https://cloud.google.com/kubernetes-engine/docs/how-to/deploying-gateways",
    Check.DOCS, note="the 5xx alert selects the API's load balancer by it; a change would leave that alert blind",
)

# ================================================================= Azure (Azure Monitor)
POSTGRES_FLEXIBLE = register(
    "monitoring.azure.postgres_flexible", Namespace(
        "Microsoft.DBforPostgreSQL/flexibleServers", (),
        ("cpu_percent", "memory_percent", "storage_percent", "disk_iops_consumed_percentage")),
    f"{_LEARN}/azure-monitor/reference/supported-metrics/microsoft-dbforpostgresql-flexibleservers-metrics ; "
    f"{_AZ_METRICS}/microsoft-dbforpostgresql-flexibleservers-metrics.md",
    Check.DOCS,
)
MANAGED_REDIS = register(
    "monitoring.azure.managed_redis", Namespace(
        "Microsoft.Cache/redisEnterprise", (), ("usedmemorypercentage", "evictedkeys")),
    f"{_LEARN}/azure-monitor/reference/supported-metrics/microsoft-cache-redisenterprise-metrics ; "
    f"{_LEARN}/redis/monitor-cache-reference",
    Check.DOCS,
)
AKS = register(
    "monitoring.azure.aks", Namespace(
        "Microsoft.ContainerService/managedClusters", (),
        ("node_cpu_usage_percentage", "node_memory_working_set_percentage")),
    f"{_LEARN}/azure-monitor/reference/supported-metrics/microsoft-containerservice-managedclusters-metrics ; "
    f"{_AZ_METRICS}/microsoft-containerservice-managedclusters-metrics.md",
    Check.DOCS, note="platform metrics, no agent needed",
)
FRONT_DOOR = register(
    "monitoring.azure.front_door", Namespace("Microsoft.Cdn/profiles", (), ("Percentage5XX",)),
    f"{_LEARN}/azure-monitor/reference/supported-metrics/microsoft-cdn-profiles-metrics ; "
    f"{_AZ_METRICS}/microsoft-cdn-profiles-metrics.md",
    Check.DOCS,
)
# Log search alerts (scheduledQueryRules): the condition's operator values in the REST API.
AZURE_LOG_ALERT_OPERATORS: tuple[str, ...] = register(
    "monitoring.azure.log_alert_operators",
    ("Equals", "GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual"),
    "https://learn.microsoft.com/rest/api/monitor/scheduled-query-rules/create-or-update#conditionoperator",
    Check.DOCS, note="pulumi-azure-native 3.29.0 annotates the property with another API's ConditionOperator "
                     "(eq, gt, ...): a generator name clash (tests/contracts/known.py)",
)
# Container Insights tables the log alerts query (Log Analytics, written by the AKS monitoring add-on).
CONTAINER_INSIGHTS_TABLES = register(
    "monitoring.azure.container_insights_tables",
    {"KubePodInventory": ("TimeGenerated", "Namespace", "Name", "ControllerName", "ContainerName",
                          "ContainerRestartCount", "PodStatus"),
     "KubeNodeInventory": ("TimeGenerated", "Computer", "Status")},
    f"{_LEARN}/azure-monitor/reference/tables/kubepodinventory ; "
    f"{_LEARN}/azure-monitor/reference/tables/kubenodeinventory",
    Check.DOCS,
)
# The AKS monitoring add-on with managed-identity authentication: the addon key, its settings, and the data
# collection rule that routes the ContainerInsights extension's streams to the workspace.
CONTAINER_INSIGHTS = register(
    "monitoring.azure.container_insights",
    {"addon": "omsagent", "workspace_setting": "logAnalyticsWorkspaceResourceID", "aad_setting": "useAADAuth",
     "extension": "ContainerInsights", "stream": "Microsoft-ContainerInsights-Group-Default",
     "association": "ContainerInsightsExtension"},
    f"{_LEARN}/azure-monitor/containers/kubernetes-monitoring-enable-arm ; "
    f"{_LEARN}/azure-monitor/containers/container-insights-authentication",
    Check.DOCS, note="the DCR association must be named ContainerInsightsExtension",
)
# Diagnostic settings by category group (every category of the resource type that the group covers).
DIAGNOSTIC_CATEGORY_GROUPS: tuple[str, ...] = register(
    "monitoring.azure.diagnostic_category_groups", ("allLogs", "audit"),
    f"{_LEARN}/azure-monitor/essentials/diagnostic-settings#category-groups",
    Check.DOCS,
)
# AKS control-plane log categories: kube-audit-admin omits get/list (far cheaper than kube-audit).
AKS_LOG_CATEGORIES: tuple[str, ...] = register(
    "monitoring.azure.aks_log_categories", ("kube-audit-admin", "guard", "cluster-autoscaler"),
    f"{_LEARN}/aks/monitor-aks-reference#resource-logs ; "
    f"{_LEARN}/azure-monitor/reference/supported-logs/microsoft-containerservice-managedclusters-logs",
    Check.DOCS,
)
# Role assignment conditions: only Blob and Queue storage data actions honour them, and @Environment[UtcNow]
# is the attribute that bounds a grant in time.
AZURE_ABAC_UTC_NOW = register(
    "azure.abac.environment_utc_now", "@Environment[UtcNow]",
    f"{_LEARN}/role-based-access-control/conditions-format#environment-attributes ; "
    f"{_LEARN}/storage/blobs/storage-auth-abac-attributes#utc-now ; "
    f"{_LEARN}/role-based-access-control/conditions-role-assignments-portal",
    Check.DOCS, note="conditions apply to role assignments with blob or queue data actions only",
)

# ================================================================= on-call access (ops/access.py)
# Client images for a short-lived pod in the cluster (Docker official images; major-version tags).
PSQL_IMAGE = register(
    "access.psql_image", "docker.io/library/postgres:17-alpine",
    "https://hub.docker.com/_/postgres", Check.DOCS, note="matches the PostgreSQL 17 the stacks run",
)
REDIS_CLI_IMAGE = register(
    "access.redis_cli_image", "docker.io/library/redis:7-alpine",
    "https://hub.docker.com/_/redis", Check.DOCS, note="redis-cli 7 speaks TLS (--tls, --cacert)",
)
# Session Manager's AWS-managed documents for a shell and for port forwarding through an instance.
SSM_DOCUMENTS = register(
    "aws.ssm.session_documents",
    {"shell": "SSM-SessionManagerRunShell", "forward": "AWS-StartPortForwardingSessionToRemoteHost"},
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-"
    "start.html ; https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-"
    "quickstart.html",
    Check.DOCS,
)
