"""Storage tier: two CMEK buckets, uniform access, no public access, versioned, soft delete, lifecycle, CORS."""

from __future__ import annotations

from pulumi_gcp.storage import BucketLifecycleRuleConditionArgs

from components.gcp.storage import api_lifecycle, brainstore_lifecycle
from tests.support.harness import Harness
from tests.support.stacks import stack_config

BUCKET = "gcp:storage/bucket:Bucket"


def _buckets(stack: Harness) -> dict[str, dict]:
    return {r.name.rsplit("-", 1)[-1]: r.inputs for r in stack.of_type(BUCKET)}


def test_buckets_are_private_versioned_and_soft_deleted(stack: Harness) -> None:
    buckets = _buckets(stack)
    assert set(buckets) == {"brainstore", "api"}
    for bucket in buckets.values():
        assert bucket["uniformBucketLevelAccess"] is True
        assert bucket["publicAccessPrevention"] == "enforced"
        assert bucket["versioning"] == {"enabled": True}
        assert bucket["softDeletePolicy"]["retentionDurationSeconds"] == 7 * 86400
        assert bucket["forceDestroy"] is False
        assert bucket["location"] == "US-CENTRAL1"
    assert stack.outputs["brainstore_bucket"] == buckets["brainstore"]["name"]


def test_upstream_lifecycle_rules(stack: Harness) -> None:
    buckets = _buckets(stack)
    brainstore = buckets["brainstore"]["lifecycleRules"]
    prefixes = [p for r in brainstore for p in r["condition"].get("matchesPrefixes", [])]
    assert prefixes == ["brainstore/index/delete_ops/", "brainstore/wal/delete_ops/"]
    api = buckets["api"]["lifecycleRules"]
    expiring = {p: r["condition"]["age"] for r in api for p in r["condition"].get("matchesPrefixes", [])}
    assert expiring == {"response/": 1, "brainstore-cache/": 1}
    for rules in (brainstore, api):
        assert any(r["action"]["type"] == "AbortIncompleteMultipartUpload" for r in rules)
        assert any(r["condition"].get("daysSinceNoncurrentTime") == 7 for r in rules)


def test_rules_without_age_never_send_age_zero() -> None:
    for rule in [*brainstore_lifecycle(), *api_lifecycle()]:
        condition = rule.condition
        assert isinstance(condition, BucketLifecycleRuleConditionArgs)
        if condition.age is None:
            assert condition.send_age_if_zero is False, "age=0 would delete every object"


def test_cors_for_the_control_plane_on_the_api_bucket(stack: Harness) -> None:
    buckets = _buckets(stack)
    (cors,) = buckets["api"]["cors"]
    assert cors["origins"] == stack_config("gcp-staging").control_plane.cors_origins
    assert sorted(cors["methods"]) == ["GET", "HEAD", "PUT"]
    assert "cors" not in buckets["brainstore"]


def test_bucket_names_are_deterministic_and_unique_per_project(staging: Harness, production: Harness) -> None:
    stg = {b["name"] for b in _buckets(staging).values()}
    prod = {b["name"] for b in _buckets(production).values()}
    assert not stg & prod
    cfg = stack_config("gcp-production")
    assert f"acme-prod-brainstore-{cfg.suffix}" in prod
