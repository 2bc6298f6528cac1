"""GCS buckets: Brainstore (index + WAL) and API (responses, code bundles, Brainstore response cache).

CMEK, uniform access, public access prevention, versioning with soft delete, the official module's
lifecycle rules (plus expiry of noncurrent versions, which it lacks on the API bucket), CORS for the
control plane on the API bucket, and ``retain_on_delete`` so a destroy never deletes customer data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.tags import Tags

SOFT_DELETE_DAYS = 7
NONCURRENT_DAYS = 7
_DAY = 86400

Rule = gcp.storage.BucketLifecycleRuleArgs
Condition = gcp.storage.BucketLifecycleRuleConditionArgs
Action = gcp.storage.BucketLifecycleRuleActionArgs


def _expire_noncurrent(days: int) -> Rule:
    # Without send_age_if_zero=False the provider may send age=0 ("delete every object now") with this
    # rule; only rules keyed on age may carry one.
    return Rule(action=Action(type="Delete"), condition=Condition(
        days_since_noncurrent_time=days, with_state="ARCHIVED", send_age_if_zero=False
    ))


def _abort_multipart() -> Rule:
    return Rule(action=Action(type="AbortIncompleteMultipartUpload"), condition=Condition(age=1))


def brainstore_lifecycle() -> list[Rule]:
    return [
        _expire_noncurrent(NONCURRENT_DAYS),
        _abort_multipart(),
        # Brainstore's own delete markers; upstream: "do not change this path".
        Rule(action=Action(type="Delete"), condition=Condition(
            age=7, matches_prefixes=["brainstore/index/delete_ops/", "brainstore/wal/delete_ops/"]
        )),
    ]


def api_lifecycle() -> list[Rule]:
    return [
        Rule(action=Action(type="Delete"), condition=Condition(age=1, matches_prefixes=["response/"])),
        Rule(action=Action(type="Delete"), condition=Condition(age=1, matches_prefixes=["brainstore-cache/"])),
        # Versioning keeps what the rules above delete as noncurrent versions: expire those too.
        _expire_noncurrent(NONCURRENT_DAYS),
        _abort_multipart(),
    ]


@dataclass(frozen=True)
class StorageArgs:
    deployment_name: str
    suffix: str
    project_id: str
    region: str
    key_id: pulumi.Input[str]
    cors_origins: Sequence[str]
    labels: Tags
    protect: bool
    retain: bool = True  # False only for danger_ephemeral: the buckets go with the stack, objects and all
    after: Sequence[pulumi.Resource] = ()  # CMEK grant to the GCS agent


class Storage(pulumi.ComponentResource):
    brainstore_bucket: pulumi.Output[str]
    api_bucket: pulumi.Output[str]

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Storage", name, None, opts)
        brainstore = self._bucket(name, "brainstore", args, brainstore_lifecycle(), cors=None)
        api = self._bucket(name, "api", args, api_lifecycle(), cors=gcp.storage.BucketCorArgs(
            origins=list(args.cors_origins),
            methods=["GET", "PUT", "HEAD"],
            response_headers=["*"],
            max_age_seconds=3600,
        ))
        self.brainstore_bucket = brainstore.name
        self.api_bucket = api.name
        self.register_outputs({"brainstore_bucket": self.brainstore_bucket, "api_bucket": self.api_bucket})

    def _bucket(self, name: str, role: str, args: StorageArgs, lifecycle: list[Rule],
                cors: gcp.storage.BucketCorArgs | None) -> gcp.storage.Bucket:
        return gcp.storage.Bucket(
            f"{name}-{role}",
            name=f"{args.deployment_name}-{role}-{args.suffix}",
            project=args.project_id,
            location=args.region.upper(),
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning=gcp.storage.BucketVersioningArgs(enabled=True),
            soft_delete_policy=gcp.storage.BucketSoftDeletePolicyArgs(
                retention_duration_seconds=SOFT_DELETE_DAYS * _DAY
            ),
            encryption=gcp.storage.BucketEncryptionArgs(default_kms_key_name=args.key_id),
            lifecycle_rules=lifecycle,
            cors=[cors] if cors else None,
            force_destroy=not args.retain,
            labels=args.labels,
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                retain_on_delete=args.retain,
                depends_on=list(args.after),
            ),
        )
