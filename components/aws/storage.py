"""The three buckets: Brainstore's index and WAL, function code bundles, and large API responses.

All: SSE-KMS with the CMK and bucket keys, versioning, public access blocked, object ownership enforced,
TLS 1.2+ required by policy, upstream's lifecycle rules, optional server access logs. Buckets are
retained when removed from the program and protected in production; a non-empty versioned bucket must
be emptied by hand before teardown (see docs/aws.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .context import Deployment

CORS_MAX_AGE_SECONDS = 3600
BRAINSTORE_NONCURRENT_DAYS = 7  # upstream brainstore_s3_bucket_retention_days


@dataclass(frozen=True)
class BucketSpec:
    kind: str  # brainstore | code-bundles | responses
    description: str
    lifecycle: list[aws.s3.BucketLifecycleConfigurationRuleArgs]
    cors_methods: list[str] = field(default_factory=list)


def bucket_name(deployment_name: str, kind: str, suffix: str) -> str:
    return f"{deployment_name}-{kind}-{suffix}"


def _abort_uploads(days: int = 1) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="abort-incomplete-uploads", status="Enabled", filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=days),
    )


def _noncurrent(days: int) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="expire-noncurrent-versions", status="Enabled", filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
        noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=days),
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(expired_object_delete_marker=True),
    )


def _expire_prefix(rule_id: str, prefix: str, days: int) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id=rule_id, status="Enabled", filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=prefix),
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
    )


SPECS = (
    BucketSpec("brainstore", "Brainstore index, WAL and locks", [
        _noncurrent(BRAINSTORE_NONCURRENT_DAYS),
        _abort_uploads(),
        _expire_prefix("expire-index-delete-ops", "brainstore/index/delete_ops/", BRAINSTORE_NONCURRENT_DAYS),
        _expire_prefix("expire-wal-delete-ops", "brainstore/wal/delete_ops/", BRAINSTORE_NONCURRENT_DAYS),
    ]),
    BucketSpec("code-bundles", "Code bundles of user functions", [_noncurrent(1), _abort_uploads()],
               cors_methods=["PUT", "GET", "HEAD"]),
    BucketSpec("responses", "Large API responses (kept one day)", [
        _expire_prefix("expire-responses", "", 1),
        _noncurrent(1),
        _abort_uploads(),
    ], cors_methods=["GET", "HEAD"]),
)


@dataclass(frozen=True)
class StorageArgs:
    deployment: Deployment
    suffix: str
    key_arn: pulumi.Input[str]
    cors_origins: list[str]
    access_logs_bucket: str | None = None


class Storage(pulumi.ComponentResource):
    buckets: dict[str, aws.s3.Bucket]

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Storage", name, None, opts)
        self.buckets = {spec.kind: self._bucket(name, args, spec) for spec in SPECS}
        self.register_outputs({kind: bucket.bucket for kind, bucket in self.buckets.items()})

    def _bucket(self, name: str, args: StorageArgs, spec: BucketSpec) -> aws.s3.Bucket:
        d = args.deployment
        physical = bucket_name(d.name, spec.kind, args.suffix)
        child = f"{name}-{spec.kind}"
        bucket = aws.s3.Bucket(
            child,
            bucket=physical,
            force_destroy=not d.retain,  # an ephemeral (review) stack's buckets go with it, objects and all
            tags=d.tags_for(physical, **{"braintrust-bucket": spec.kind}),
            opts=pulumi.ResourceOptions(parent=self, protect=d.protect, retain_on_delete=d.retain),
        )
        opts = pulumi.ResourceOptions(parent=self)
        aws.s3.BucketOwnershipControls(
            child, bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=opts)
        public_block = aws.s3.BucketPublicAccessBlock(
            child, bucket=bucket.id, block_public_acls=True, block_public_policy=True, ignore_public_acls=True,
            restrict_public_buckets=True, opts=opts)
        versioning = aws.s3.BucketVersioning(
            child, bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=opts)
        aws.s3.BucketServerSideEncryptionConfiguration(
            child, bucket=bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=args.key_arn),
                bucket_key_enabled=True,  # one KMS call per bucket and object batch, not per request
            )],
            opts=opts)
        # Lifecycle rules on a versioned bucket apply only once versioning is on.
        aws.s3.BucketLifecycleConfiguration(
            child, bucket=bucket.id, rules=spec.lifecycle,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]))
        aws.s3.BucketPolicy(
            child, bucket=bucket.id, policy=tls_only_policy(bucket.arn),
            # The public access block must exist first, or S3 evaluates the policy without it.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_block]))
        if spec.cors_methods:
            aws.s3.BucketCorsConfiguration(
                child, bucket=bucket.id,
                cors_rules=[aws.s3.BucketCorsConfigurationCorsRuleArgs(
                    allowed_methods=spec.cors_methods, allowed_origins=args.cors_origins, allowed_headers=["*"],
                    expose_headers=["ETag"], max_age_seconds=CORS_MAX_AGE_SECONDS,
                )],
                opts=opts)
        if args.access_logs_bucket:
            aws.s3.BucketLogging(
                child, bucket=bucket.id, target_bucket=args.access_logs_bucket,
                target_prefix=f"{d.name}/{spec.kind}/",
                target_object_key_format=aws.s3.BucketLoggingTargetObjectKeyFormatArgs(
                    partitioned_prefix=aws.s3.BucketLoggingTargetObjectKeyFormatPartitionedPrefixArgs(
                        partition_date_source="EventTime")),
                opts=opts)
        return bucket


def tls_only_policy(bucket_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """Deny any request without TLS, or with TLS older than 1.2."""
    resources = [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")]
    return pulumi.Output.json_dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": resources, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "DenyOutdatedTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": resources, "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
        ],
    })
