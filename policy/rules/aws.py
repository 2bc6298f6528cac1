"""AWS rules (pulumi-aws 7.x resource types and camelCase properties)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pulumi_policy import Severity

from .common import (
    ADVISORY,
    MANDATORY,
    Config,
    Resource,
    ResourceRule,
    Setting,
    StackRule,
    StackViolation,
    as_strings,
    decode_user_data,
    depends_on,
    dig,
    is_map,
    is_set,
    is_true,
    items,
    json_document,
    json_list,
    named,
    number,
    open_network_setting,
    open_ranges,
    outside,
    plaintext_secret,
    port_range,
    secrets_in_text,
    statements,
    strings,
)

FAMILY = "aws"

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
RDS_CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"
SERVERLESS_CACHE = "aws:elasticache/serverlessCache:ServerlessCache"
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_SSE = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
BUCKET_PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
KMS_KEY = "aws:kms/key:Key"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
VOLUME = "aws:ebs/volume:Volume"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LAMBDA = "aws:lambda/function:Function"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ECS_SERVICE = "aws:ecs/service:Service"
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin"
IAM_POLICY_TYPES = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
IAM_ROLE = "aws:iam/role:Role"
IAM_ACCESS_KEY = "aws:iam/accessKey:AccessKey"
IAM_USER = "aws:iam/user:User"
SECRET = "aws:secretsmanager/secret:Secret"
SSM_PARAMETER = "aws:ssm/parameter:Parameter"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def _is_postgres(r: Resource) -> bool:
    engine = r.get("engine")
    return isinstance(engine, str) and engine.startswith(("postgres", "aurora-postgresql"))


# ----- RDS -----


def _rds_encrypted(r: Resource, _: Config) -> Iterator[str]:
    if not is_true(r.get("storageEncrypted")):
        yield "storageEncrypted must be true"
    if not is_set(r.get("kmsKeyId")):
        yield "kmsKeyId must name the deployment's customer-managed KMS key (not the AWS-managed aws/rds key)"
    if is_true(r.get("performanceInsightsEnabled")) and not is_set(r.get("performanceInsightsKmsKeyId")):
        yield "performanceInsightsKmsKeyId must be the customer-managed key when Performance Insights is on"


def _rds_private(r: Resource, _: Config) -> Iterator[str]:
    if is_true(r.get("publiclyAccessible")):
        yield "publiclyAccessible must be false: the database is reached only from inside the VPC"


def _rds_deletion(r: Resource, _: Config) -> Iterator[str]:
    if not r.production:
        return
    if not is_true(r.get("deletionProtection")):
        yield "deletionProtection must be true in production (only danger_disable_deletion_protection turns it off)"
    if is_true(r.get("skipFinalSnapshot")):
        yield "skipFinalSnapshot must be false in production (only danger_skip_final_snapshot turns it on)"


def _rds_tls(r: Resource, _: Config) -> Iterator[str]:
    if r.type in (RDS_PARAMETER_GROUP, RDS_CLUSTER_PARAMETER_GROUP):
        family = r.get("family")
        if not (isinstance(family, str) and family.startswith(("postgres", "aurora-postgresql"))):
            return
        values = {str(p.get("name")): str(p.get("value")) for p in items(r.get("parameters")) if is_map(p)}
        if values.get("rds.force_ssl") != "1":
            yield "parameter rds.force_ssl must be set to 1 (clients without TLS are refused)"
        return
    if not _is_postgres(r):
        return
    key = "dbClusterParameterGroupName" if r.type == RDS_CLUSTER else "parameterGroupName"
    group = r.get(key)
    if not is_set(group) or (isinstance(group, str) and group.startswith("default.")):
        yield f"{key} must name our parameter group (the default group does not force TLS on every version)"


RDS_RULES = [
    ResourceRule(
        "aws-rds-encrypted-with-cmk",
        family=FAMILY,
        description="RDS storage and Performance Insights are encrypted with the deployment's customer-managed key.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Set storage_encrypted=True and kms_key_id=<Keys.key_arn> on the DB instance/cluster "
                    "(and performance_insights_kms_key_id). Encryption cannot be added in place: restore from "
                    "an encrypted snapshot copy.",
        types=(RDS_INSTANCE, RDS_CLUSTER), check=_rds_encrypted,
    ),
    ResourceRule(
        "aws-rds-not-public",
        family=FAMILY,
        description="RDS databases are never publicly accessible.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="Set publicly_accessible=False and place the database in the private subnets; reach it "
                    "through the VPC (bastion / remote support) instead.",
        types=(RDS_INSTANCE, RDS_CLUSTER), check=_rds_private,
    ),
    ResourceRule(
        "aws-rds-deletion-safeguards",
        family=FAMILY,
        description="Production RDS has deletion protection on and keeps a final snapshot.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Set deletion_protection=True and skip_final_snapshot=False in production. To tear a "
                    "production stack down, set danger_disable_deletion_protection / danger_skip_final_snapshot "
                    "AND disable this rule in the pack config: two deliberate keys.",
        types=(RDS_INSTANCE, RDS_CLUSTER), check=_rds_deletion,
    ),
    ResourceRule(
        "aws-rds-tls-enforced",
        family=FAMILY,
        description="PostgreSQL on RDS refuses connections without TLS (rds.force_ssl=1 in our parameter group).",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Create an aws.rds.ParameterGroup for the postgres family with rds.force_ssl=1 and set "
                    "parameter_group_name on the instance.",
        types=(RDS_INSTANCE, RDS_CLUSTER, RDS_PARAMETER_GROUP, RDS_CLUSTER_PARAMETER_GROUP), check=_rds_tls,
    ),
]

# ----- ElastiCache -----


def _cache_encrypted(r: Resource, _: Config) -> Iterator[str]:
    if r.type == CACHE_CLUSTER:
        if not is_set(r.get("replicationGroupId")):
            yield ("a standalone ElastiCache cluster cannot encrypt at rest; use an "
                   "aws.elasticache.ReplicationGroup")
        return
    if r.type == REPLICATION_GROUP:
        if not is_true(r.get("atRestEncryptionEnabled")):
            yield "atRestEncryptionEnabled must be true"
        if not is_true(r.get("transitEncryptionEnabled")):
            yield "transitEncryptionEnabled must be true (TLS between clients and Redis)"
        if r.get("transitEncryptionMode") == "preferred":
            yield "transitEncryptionMode must be 'required' (preferred still accepts plaintext clients)"
    if not is_set(r.get("kmsKeyId")):
        yield "kmsKeyId must name the deployment's customer-managed KMS key"


CACHE_RULES = [
    ResourceRule(
        "aws-elasticache-encrypted",
        family=FAMILY,
        description="Redis on ElastiCache encrypts at rest with the customer-managed key and requires TLS in transit.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Use an aws.elasticache.ReplicationGroup with at_rest_encryption_enabled=True, "
                    "transit_encryption_enabled=True (mode 'required') and kms_key_id=<Keys.key_arn>; connect "
                    "with rediss://.",
        types=(REPLICATION_GROUP, CACHE_CLUSTER, SERVERLESS_CACHE), check=_cache_encrypted,
    ),
]

# ----- S3 -----


def _bucket_sse(r: Resource, _: Config) -> Iterator[str]:
    rules = items(r.get("rules"))
    if not rules:
        yield "the encryption configuration has no rules"
    for i, rule in enumerate(rules):
        default = dig(rule, "applyServerSideEncryptionByDefault")
        algorithm = dig(default, "sseAlgorithm")
        if algorithm not in KMS_ALGORITHMS:
            yield f"rules[{i}] uses sseAlgorithm {algorithm!r}; must be aws:kms"
        elif not is_set(dig(default, "kmsMasterKeyId")):
            yield f"rules[{i}] must set kmsMasterKeyId to the customer-managed key (not the aws/s3 key)"


def _bucket_public(r: Resource, _: Config) -> Iterator[str]:
    if r.type in BUCKETS:
        acl = r.get("acl")
        if isinstance(acl, str) and acl.startswith("public"):
            yield f"acl {acl!r} makes the bucket public"
        return
    for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
        if not is_true(r.get(flag)):
            yield f"{flag} must be true"


def _denies_plain_http(policy: object) -> bool:
    for statement in statements(json_document(policy)):
        if statement.get("Effect") != "Deny":
            continue
        condition = statement.get("Condition")
        secure = dig(condition, "Bool.aws:SecureTransport")
        if secure is False or (isinstance(secure, str) and secure.lower() == "false") or secure == ["false"]:
            return True
    return False


def _bucket_tls(r: Resource, _: Config) -> Iterator[str]:
    if not _denies_plain_http(r.get("policy")):
        yield 'the bucket policy must Deny every request with Condition {"Bool": {"aws:SecureTransport": "false"}}'


def _bucket_companions(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    buckets = [r for r in resources if r.type in BUCKETS]
    for bucket in buckets:
        def attached(types: tuple[str, ...], b: Resource = bucket) -> list[Resource]:
            names = strings(b.get("bucket"), b.get("id"))
            return [
                r for r in resources
                if r.type in types and (depends_on(r, b) or named(r.get("bucket"), names))
            ]

        inline_sse = is_set(bucket.get("serverSideEncryptionConfiguration"))
        if not attached(BUCKET_SSE) and not inline_sse:
            yield StackViolation(f"bucket {bucket.name} has no server-side encryption configuration", bucket.urn)
        if not attached((BUCKET_PAB,)):
            yield StackViolation(f"bucket {bucket.name} has no public access block", bucket.urn)
        policies = attached((BUCKET_POLICY,))
        if not any(_denies_plain_http(p.get("policy")) for p in policies):
            yield StackViolation(f"bucket {bucket.name} has no policy denying plain-HTTP requests", bucket.urn)


S3_RULES = [
    ResourceRule(
        "aws-s3-encrypted-with-cmk",
        family=FAMILY,
        description="S3 default encryption is SSE-KMS with the deployment's customer-managed key.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="aws.s3.BucketServerSideEncryptionConfiguration with sse_algorithm='aws:kms', "
                    "kms_master_key_id=<Keys.key_arn> and bucket_key_enabled=True.",
        types=BUCKET_SSE, check=_bucket_sse,
    ),
    ResourceRule(
        "aws-s3-public-access-blocked",
        family=FAMILY,
        description="Every S3 public-access-block flag is on and no bucket uses a public ACL.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="aws.s3.BucketPublicAccessBlock with block_public_acls, block_public_policy, "
                    "ignore_public_acls and restrict_public_buckets all True; never set a public ACL.",
        types=(*BUCKETS, BUCKET_PAB), check=_bucket_public,
    ),
    ResourceRule(
        "aws-s3-tls-only",
        family=FAMILY,
        description="S3 bucket policies deny any request that is not made over TLS.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation='Add a statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": '
                    '[bucket_arn, bucket_arn + "/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.',
        types=(BUCKET_POLICY,), check=_bucket_tls,
    ),
    StackRule(
        "aws-s3-bucket-safeguards-present",
        family=FAMILY,
        description="Every S3 bucket has its encryption configuration, public access block and TLS-only policy.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Create the three companions for each bucket (they are separate resources in pulumi-aws 7, so "
                    "a forgotten one leaves the bucket on AWS defaults).",
        types=(*BUCKETS, *BUCKET_SSE, BUCKET_PAB, BUCKET_POLICY), check=_bucket_companions,
    ),
]

# ----- KMS -----


def _kms_rotation(r: Resource, cfg: Config) -> Iterator[str]:
    spec = r.get("customerMasterKeySpec")
    if spec not in (None, "SYMMETRIC_DEFAULT"):
        return  # AWS rotates only symmetric keys
    if not is_true(r.get("enableKeyRotation")):
        yield "enableKeyRotation must be true"
        return
    period = number(r.get("rotationPeriodInDays"))
    limit = int(cfg["max_rotation_days"])
    if period is not None and period > limit:
        yield f"rotationPeriodInDays is {period:g}; at most {limit}"


KMS_RULES = [
    ResourceRule(
        "aws-kms-rotation",
        family=FAMILY,
        description="Customer-managed KMS keys rotate automatically.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="Set enable_key_rotation=True (and rotation_period_in_days within the limit) on aws.kms.Key.",
        types=(KMS_KEY,), check=_kms_rotation,
        settings={"max_rotation_days": Setting("integer", 365, "Longest allowed rotation period.",
                                               {"minimum": 90, "maximum": 2560})},
    ),
]

# ----- EC2 -----


def _imdsv2(r: Resource, _: Config) -> Iterator[str]:
    # A disabled endpoint has no IMDSv1 either; otherwise only session tokens are acceptable.
    if r.get("metadataOptions.httpEndpoint") == "disabled":
        return
    if r.get("metadataOptions.httpTokens") != "required":
        yield "metadataOptions.httpTokens must be 'required' (IMDSv2 only)"


def _ebs_encrypted(r: Resource, _: Config) -> Iterator[str]:
    if r.type == VOLUME:
        if not is_true(r.get("encrypted")):
            yield "encrypted must be true"
        if not is_set(r.get("kmsKeyId")):
            yield "kmsKeyId must name the customer-managed key"
        return
    if r.type == INSTANCE:
        devices = [("rootBlockDevice", r.get("rootBlockDevice"))]
        devices += [(f"ebsBlockDevices[{i}]", d) for i, d in enumerate(items(r.get("ebsBlockDevices")))]
        if not is_map(r.get("rootBlockDevice")):
            yield "rootBlockDevice must be declared with encrypted=true (the AMI default may be unencrypted)"
        for where, device in devices:
            if is_map(device) and not is_true(device.get("encrypted")):
                yield f"{where}.encrypted must be true"
            elif is_map(device) and not is_set(device.get("kmsKeyId")):
                yield f"{where}.kmsKeyId must name the customer-managed key"
        return
    mappings = [m for m in items(r.get("blockDeviceMappings")) if is_map(m) and is_map(m.get("ebs"))]
    if not mappings:
        yield ("blockDeviceMappings must declare the root EBS volume with encrypted='true' "
               "(the AMI default may be unencrypted)")
    for i, mapping in enumerate(mappings):
        ebs = mapping["ebs"]
        if not is_true(ebs.get("encrypted")):
            yield f"blockDeviceMappings[{i}].ebs.encrypted must be 'true'"
        elif not is_set(ebs.get("kmsKeyId")):
            yield f"blockDeviceMappings[{i}].ebs.kmsKeyId must name the customer-managed key"


def _public_ingress(r: Resource, cfg: Config) -> Iterator[str]:
    allowed = [int(p) for p in cfg["allowed_public_ports"]]
    min_prefix = int(cfg["min_prefix_length"])

    def check(where: str, cidrs: list[str], low: object, high: object, protocol: object) -> Iterator[str]:
        public = open_ranges(cidrs, min_prefix)
        if not public:
            return
        if str(protocol) in ("-1", "all"):
            ports: tuple[int, int] | None = (0, 65535)
        else:
            start, end = port_range(low), port_range(high)
            ports = (start[0], end[1]) if start and end else (0, 65535)
        gaps = outside(ports, allowed) if ports else ["all"]
        if gaps:
            yield f"{where} opens port(s) {', '.join(gaps)} to {', '.join(public)}"

    if r.type == SECURITY_GROUP:
        for i, rule in enumerate(items(r.get("ingress"))):
            if is_map(rule):
                cidrs = as_strings(rule.get("cidrBlocks")) + as_strings(rule.get("ipv6CidrBlocks"))
                yield from check(f"ingress[{i}]", cidrs, rule.get("fromPort"), rule.get("toPort"), rule.get("protocol"))
    elif r.type == SECURITY_GROUP_RULE:
        if r.get("type") == "ingress":
            cidrs = as_strings(r.get("cidrBlocks")) + as_strings(r.get("ipv6CidrBlocks"))
            yield from check("rule", cidrs, r.get("fromPort"), r.get("toPort"), r.get("protocol"))
    else:
        cidrs = as_strings(r.get("cidrIpv4")) + as_strings(r.get("cidrIpv6"))
        yield from check("rule", cidrs, r.get("fromPort"), r.get("toPort"), r.get("ipProtocol"))


def _default_sg(r: Resource, _: Config) -> Iterator[str]:
    for direction in ("ingress", "egress"):
        if items(r.get(direction)):
            yield f"{direction} must be empty (nothing should use the VPC's default security group)"


def _internal_lb(r: Resource, _: Config) -> Iterator[str]:
    if not is_true(r.get("internal")):
        yield "internal must be true (the public entry point is CloudFront / API Gateway)"


OLD_TLS = ("SSLv3", "TLSv1", "TLSv1.1")


def _cloudfront(r: Resource, _: Config) -> Iterator[str]:
    behaviors = [("defaultCacheBehavior", r.get("defaultCacheBehavior"))]
    behaviors += [(f"orderedCacheBehaviors[{i}]", b) for i, b in enumerate(items(r.get("orderedCacheBehaviors")))]
    for where, behavior in behaviors:
        if is_map(behavior) and behavior.get("viewerProtocolPolicy") not in ("https-only", "redirect-to-https"):
            yield f"{where}.viewerProtocolPolicy must be https-only or redirect-to-https"
    certificate = r.get("viewerCertificate")
    custom = is_map(certificate) and (is_set(certificate.get("acmCertificateArn"))
                                      or is_set(certificate.get("iamCertificateId")))
    if custom and not str(dig(certificate, "minimumProtocolVersion") or "").startswith(("TLSv1.2", "TLSv1.3")):
        yield "viewerCertificate.minimumProtocolVersion must be TLSv1.2_2021 or later"
    for i, origin in enumerate(items(r.get("origins"))):
        config = dig(origin, "customOriginConfig")
        if not is_map(config):
            continue
        if config.get("originProtocolPolicy") != "https-only":
            yield f"origins[{i}].customOriginConfig.originProtocolPolicy must be https-only"
        old = [p for p in as_strings(config.get("originSslProtocols")) if p in OLD_TLS]
        if old:
            yield f"origins[{i}].customOriginConfig.originSslProtocols allows {', '.join(old)}"


EC2_RULES = [
    ResourceRule(
        "aws-ec2-imdsv2-required",
        family=FAMILY,
        description="EC2 instances (Brainstore, bastion) accept only IMDSv2 session-token metadata requests.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="metadata_options={'http_tokens': 'required', 'http_endpoint': 'enabled', "
                    "'http_put_response_hop_limit': 2} on the launch template / instance.",
        types=(LAUNCH_TEMPLATE, INSTANCE), check=_imdsv2,
    ),
    ResourceRule(
        "aws-ebs-encrypted-with-cmk",
        family=FAMILY,
        description="EBS volumes (root and data) are encrypted with the customer-managed key.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Declare every block device mapping with ebs={'encrypted': 'true', 'kms_key_id': "
                    "<Keys.key_arn>} (root volume included) on launch templates and instances.",
        types=(LAUNCH_TEMPLATE, INSTANCE, VOLUME), check=_ebs_encrypted,
    ),
    ResourceRule(
        "aws-no-public-ingress",
        family=FAMILY,
        description="No security group admits the internet (0.0.0.0/0, ::/0, or broad ranges that add up to it) "
                    "except on the allowed web ports.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="Allow ingress from security groups, VPC CIDRs or the CloudFront origin-facing prefix list, "
                    "never from 0.0.0.0/0 (data ports 5432/6379/4000 and SSH in particular).",
        types=(SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE), check=_public_ingress,
        settings={"allowed_public_ports": Setting("array", [80, 443], "Ports that may face the internet.",
                                                  {"items": {"type": "integer"}}),
                  **open_network_setting()},
    ),
    ResourceRule(
        "aws-default-security-group-closed",
        family=FAMILY,
        description="The VPCs' default security groups allow nothing (resources must use our named groups).",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="Adopt it with aws.ec2.DefaultSecurityGroup(vpc_id=...) and no ingress/egress blocks.",
        types=(DEFAULT_SECURITY_GROUP,), check=_default_sg,
    ),
    ResourceRule(
        "aws-load-balancers-internal",
        family=FAMILY,
        description="Load balancers (Brainstore NLBs, internal ALBs) are internal; nothing but CloudFront faces users.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Set internal=True and place the load balancer in the private subnets.",
        types=(LOAD_BALANCER,), check=_internal_lb,
    ),
    ResourceRule(
        "aws-cloudfront-https-only",
        family=FAMILY,
        description="CloudFront serves viewers over HTTPS only (TLS 1.2+) and reaches custom origins over TLS 1.2.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="viewer_protocol_policy 'https-only' (or 'redirect-to-https') on every behavior, "
                    "minimum_protocol_version 'TLSv1.2_2021' with a custom certificate, origin_protocol_policy "
                    "'https-only' with origin_ssl_protocols ['TLSv1.2'].",
        types=(DISTRIBUTION,), check=_cloudfront,
    ),
]

# ----- logs, secrets, IAM -----


def _log_group(r: Resource, cfg: Config) -> Iterator[str]:
    days = number(r.get("retentionInDays"))
    minimum = int(cfg["min_retention_days"])
    if days is None or days <= 0:
        yield "retentionInDays must be set (logs otherwise never expire)"
    elif days < minimum:
        yield f"retentionInDays is {days:g}; at least {minimum}"
    if not is_set(r.get("kmsKeyId")):
        yield "kmsKeyId must name the customer-managed key"


def _plaintext_secrets(r: Resource, _: Config) -> Iterator[str]:
    if r.type == LAMBDA:
        variables = r.get("environment.variables")
        if is_map(variables):
            for name, value in variables.items():
                reason = plaintext_secret(str(name), value)
                if reason:
                    yield f"environment variable {reason}; read it from Secrets Manager at runtime"
        return
    if r.type == TASK_DEFINITION:
        for container in items(json_list(r.get("containerDefinitions"))):
            for env in items(dig(container, "environment")):
                reason = plaintext_secret(str(dig(env, "name")), dig(env, "value"))
                if reason:
                    yield f"container {dig(container, 'name')}: {reason}; use `secrets` with valueFrom"
        return
    if r.type == SSM_PARAMETER:
        if r.get("type") == "SecureString":
            if not is_set(r.get("keyId")):
                yield "a SecureString parameter must set keyId to the customer-managed key"
            return
        for key in ("value", "insecureValue"):
            reason = plaintext_secret(str(r.get("name") or r.name), r.get(key))
            if reason:
                yield f"{key}: {reason}; use type SecureString with keyId (or Secrets Manager)"
        return
    for key in ("userData", "userDataBase64"):
        for reason in secrets_in_text(decode_user_data(r.get(key))):
            yield f"{key}: {reason}; fetch secrets from Secrets Manager at boot"


def _service_of(action: str) -> str:
    return action.split(":", 1)[0].lower() if ":" in action else "*"


def covers_everything(resource: str, service: str) -> bool:
    """Whether a Resource entry covers every resource of ``service`` (``*`` = any service): ``*`` itself, or
    an ARN whose service, region, account and resource parts are wildcards (``arn:aws:*:*:*:*``,
    ``arn:*``, ``arn:aws:s3:::*`` for s3)."""
    text = resource.strip()
    if text in ("*", "arn:*", "arn:*:*", "arn:aws:*", "arn:aws:*:*"):
        return True
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not (parts[1] == "*" or parts[1].startswith("aws")):
        return False
    _, _, arn_service, region, account, rest = parts
    wildcard_scope = region in ("", "*") and account in ("", "*") and rest in ("*", "*/*")
    return wildcard_scope and (arn_service == "*" or service == "*" or arn_service.lower() == service)


def _wildcard_statements(policy: object) -> Iterator[str]:
    for i, statement in enumerate(statements(json_document(policy))):
        if statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement:
            yield f"Statement[{i}] allows NotAction (everything except a list)"
            continue
        actions = as_strings(statement.get("Action"))
        wide = [a for a in actions if a == "*" or a.endswith(":*")]
        if not wide:
            continue
        if "NotResource" in statement:
            yield f"Statement[{i}] allows {', '.join(wide)} on NotResource (everything except a list)"
            continue
        resources = as_strings(statement.get("Resource"))
        for action in wide:
            everything = [r for r in resources if covers_everything(r, _service_of(action))]
            if everything:
                yield f"Statement[{i}] allows {action} on {', '.join(everything)}"


def _iam_wildcards(r: Resource, _: Config) -> Iterator[str]:
    if r.type == IAM_ROLE:
        for policy in items(r.get("inlinePolicies")):
            yield from _wildcard_statements(dig(policy, "policy"))
        return
    yield from _wildcard_statements(r.get("policy"))


def _no_access_keys(r: Resource, _: Config) -> Iterator[str]:
    yield f"{r.type.rsplit(':', 1)[-1]} {r.name}: long-lived IAM user credentials; use roles"


def _function_url(r: Resource, _: Config) -> Iterator[str]:
    if r.get("authorizationType") != "AWS_IAM":
        yield (f"authorizationType is {r.get('authorizationType')!r}: anyone on the internet can invoke the "
               "function, bypassing CloudFront, API Gateway throttling and WAF")


def _secret_cmk(r: Resource, _: Config) -> Iterator[str]:
    if not is_set(r.get("kmsKeyId")):
        yield "kmsKeyId must name the customer-managed key (not the aws/secretsmanager key)"


MISC_RULES = [
    ResourceRule(
        "aws-log-groups-retained-and-encrypted",
        family=FAMILY,
        description="CloudWatch log groups expire (retention set) and are encrypted with the customer-managed key.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="Set retention_in_days (>= the configured minimum) and kms_key_id=<Keys.key_arn>; create the "
                    "log group before the Lambda/ECS service so AWS does not auto-create an unencrypted one.",
        types=(LOG_GROUP,), check=_log_group,
        settings={"min_retention_days": Setting("integer", 30, "Shortest allowed retention.", {"minimum": 1})},
    ),
    ResourceRule(
        "aws-no-plaintext-secrets",
        family=FAMILY,
        description="No secret (by name, or by value in a known credential format) in Lambda environments, ECS task "
                    "environments, EC2 user data or plain SSM parameters.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="Store the value in Secrets Manager (CMK-encrypted) and pass its ARN; read it at runtime "
                    "(ECS `secrets`, a boot script calling get-secret-value, the Lambda reading the secret).",
        types=(LAMBDA, LAUNCH_TEMPLATE, INSTANCE, TASK_DEFINITION, SSM_PARAMETER), check=_plaintext_secrets,
    ),
    ResourceRule(
        "aws-iam-no-wildcard-admin",
        family=FAMILY,
        description="IAM policies we write never allow `*` or `service:*` actions on every resource (`*`, `arn:aws:*` "
                    "wildcards, NotResource), nor NotAction.",
        severity=Severity.CRITICAL, enforcement=MANDATORY,
        remediation="List the actions the workload needs and scope Resource to the ARNs it uses.",
        types=(*IAM_POLICY_TYPES, IAM_ROLE), check=_iam_wildcards,
    ),
    ResourceRule(
        "aws-no-iam-user-credentials",
        family=FAMILY,
        description="No IAM users or access keys: workloads use roles (instance profiles, Lambda/ECS roles).",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Replace the user/access key with an IAM role assumed by the workload.",
        types=(IAM_ACCESS_KEY, IAM_USER), check=_no_access_keys,
    ),
    ResourceRule(
        "aws-lambda-function-url-authenticated",
        family=FAMILY,
        description="A Lambda function URL without IAM authentication (AuthType NONE) is reachable by anyone, "
                    "around CloudFront and its WAF.",
        severity=Severity.HIGH, enforcement=ADVISORY,
        remediation="The AIProxy URL is public by default, as in Braintrust's module (the SDKs cannot sign for "
                    "CloudFront origin access control; docs/aws.md). To keep the AI proxy behind CloudFront, set "
                    "aws.ai_proxy_route: api_gateway (unverified against the runtime); otherwise accept this "
                    "warning knowingly.",
        types=(FUNCTION_URL,), check=_function_url,
    ),
    ResourceRule(
        "aws-secrets-encrypted-with-cmk",
        family=FAMILY,
        description="Secrets Manager secrets are encrypted with the customer-managed key.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="Set kms_key_id=<Keys.key_arn> on aws.secretsmanager.Secret.",
        types=(SECRET,), check=_secret_cmk,
    ),
]

# ----- ECS (the API on Fargate) -----


def _ecs_public_ip(r: Resource, _: Config) -> Iterator[str]:
    if is_true(r.get("networkConfiguration.assignPublicIp")):
        yield ("networkConfiguration.assignPublicIp must be false: tasks live in the private subnets and reach the "
               "internet through NAT")


def _ecs_exec(r: Resource, _: Config) -> Iterator[str]:
    if r.production and is_true(r.get("enableExecuteCommand")):
        yield ("enableExecuteCommand is on in production: anyone allowed ecs:ExecuteCommand gets a shell next to "
               "every secret the tasks hold")


def _ecs_cluster(r: Resource, _: Config) -> Iterator[str]:
    exec_config = r.get("configuration.executeCommandConfiguration")
    if not is_set(dig(exec_config, "kmsKeyId")):
        yield "configuration.executeCommandConfiguration.kmsKeyId must name the customer-managed key"
    if dig(exec_config, "logging") == "OVERRIDE":
        log = dig(exec_config, "logConfiguration")
        if not (is_true(dig(log, "cloudWatchEncryptionEnabled")) or is_true(dig(log, "s3EncryptionEnabled"))):
            yield "executeCommandConfiguration.logConfiguration must encrypt the exec session logs it overrides"
    if not is_set(r.get("configuration.managedStorageConfiguration.fargateEphemeralStorageKmsKeyId")):
        yield ("configuration.managedStorageConfiguration.fargateEphemeralStorageKmsKeyId must name the "
               "customer-managed key (Fargate's ephemeral storage)")


def _ecs_logs(resources: Sequence[Resource], _: Config) -> Iterator[StackViolation]:
    encrypted = {str(g.get("name")) for g in resources if g.type == LOG_GROUP and is_set(g.get("kmsKeyId"))}
    for task in (r for r in resources if r.type == TASK_DEFINITION):
        for container in items(json_list(task.get("containerDefinitions"))):
            name = dig(container, "name")
            log = dig(container, "logConfiguration")
            if dig(log, "logDriver") != "awslogs":
                yield StackViolation(f"task {task.name}, container {name}: logs must go to a CloudWatch log group "
                                     f"(logDriver awslogs), not {dig(log, 'logDriver')!r}", task.urn)
            elif str(dig(log, "options.awslogs-group")) not in encrypted:
                yield StackViolation(f"task {task.name}, container {name}: log group "
                                     f"{dig(log, 'options.awslogs-group')!r} is not one of this stack's "
                                     "CMK-encrypted log groups (ECS would create an unencrypted one)", task.urn)


def _vpc_origin_tls(r: Resource, _: Config) -> Iterator[str]:
    if r.get("vpcOriginEndpointConfig.originProtocolPolicy") != "https-only":
        yield ("CloudFront reaches this VPC origin over plain HTTP inside the VPC (as Braintrust's module does by "
               "default)")


ECS_RULES: list[ResourceRule | StackRule] = [
    ResourceRule(
        "aws-ecs-no-public-ip",
        family=FAMILY,
        description="ECS services give their tasks no public IP address.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="network_configuration.assign_public_ip=False with the private subnets (egress through NAT).",
        types=(ECS_SERVICE,), check=_ecs_public_ip,
    ),
    ResourceRule(
        "aws-ecs-exec-off-in-production",
        family=FAMILY,
        description="ECS Exec (a shell in the API tasks) is off in production.",
        severity=Severity.HIGH, enforcement=MANDATORY,
        remediation="Leave aws.api.danger_enable_execute_command off. To debug production through Exec on purpose, "
                    "set it with danger_allow_production_downgrade AND disable this rule in the pack config: two "
                    "deliberate keys (staging needs only the first).",
        types=(ECS_SERVICE,), check=_ecs_exec,
    ),
    ResourceRule(
        "aws-ecs-cluster-encrypted",
        family=FAMILY,
        description="ECS clusters encrypt Exec sessions and Fargate ephemeral storage with the customer-managed key.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="configuration.execute_command_configuration.kms_key_id and configuration.managed_storage_"
                    "configuration.fargate_ephemeral_storage_kms_key_id = <Keys.key_arn> (the key policy must grant "
                    "Fargate, components/aws/keys.py).",
        types=(ECS_CLUSTER,), check=_ecs_cluster,
    ),
    StackRule(
        "aws-ecs-logs-encrypted",
        family=FAMILY,
        description="ECS containers log to CloudWatch log groups of this stack that are encrypted with the "
                    "customer-managed key.",
        severity=Severity.MEDIUM, enforcement=MANDATORY,
        remediation="log_configuration with the awslogs driver and awslogs-group naming an aws.cloudwatch.LogGroup "
                    "created in the stack (retention + kms_key_id) before the service.",
        types=(TASK_DEFINITION, LOG_GROUP), check=_ecs_logs,
    ),
    ResourceRule(
        "aws-cloudfront-vpc-origin-tls",
        family=FAMILY,
        description="CloudFront reaches VPC origins (the ECS API's internal ALB) over TLS.",
        severity=Severity.MEDIUM, enforcement=ADVISORY,
        remediation="Give the ALB a certificate: aws.api.alb_certificate_arn and aws.api.alb_domain (a name that "
                    "resolves to the ALB inside the VPC). Braintrust's module also defaults to HTTP here; the hop "
                    "stays inside AWS's network and the VPC.",
        types=(VPC_ORIGIN,), check=_vpc_origin_tls,
    ),
]

RULES: list[ResourceRule | StackRule] = [*RDS_RULES, *CACHE_RULES, *S3_RULES, *KMS_RULES, *EC2_RULES, *MISC_RULES,
                                         *ECS_RULES]
