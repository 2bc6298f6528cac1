"""Aliases discipline (CONTRIBUTING.md): a rename or move ships with an alias, proven by a test.

The example is the move every component refactor makes: a bucket that used to be created at the top
of the program moves into a `Storage` component and takes the component's naming, and a component
whose type token changes. Without the aliases `pulumi up` would delete the old bucket and create a
new, empty one; with them the engine finds the old URNs in the state and updates in place.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from tests.support.aliases import alias_urns, assert_aliased, engine_urn, registration
from tests.support.harness import new_harness, run

OLD_BUCKET = "urn:pulumi:test::braintrust::aws:s3/bucket:Bucket::acme-brainstore"
OLD_COMPONENT = "urn:pulumi:test::braintrust::braintrust:aws:Buckets::acme-storage"


class Storage(pulumi.ComponentResource):
    """Version 2: the bucket lives in the component; the component was `braintrust:aws:Buckets` in v1."""

    def __init__(self, name: str, *, with_aliases: bool, opts: pulumi.ResourceOptions | None = None) -> None:
        # The component's own options may take its alias (merging into *its* options is fine; children
        # get fresh ResourceOptions(parent=self)).
        renamed = [pulumi.Alias(type_="braintrust:aws:Buckets")] if with_aliases else None
        super().__init__("braintrust:aws:Storage", name, None,
                         pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=renamed)))
        bucket_aliases = [pulumi.Alias(name="acme-brainstore", parent=pulumi.ROOT_STACK_RESOURCE)]
        self.bucket = aws.s3.Bucket(
            f"{name}-brainstore",
            opts=pulumi.ResourceOptions(parent=self, aliases=bucket_aliases if with_aliases else None),
        )
        self.register_outputs({"bucket": self.bucket.id})


def _build(with_aliases: bool):
    harness = new_harness(stack="test")

    def program() -> None:
        provider = aws.Provider("aws", region="us-east-1")
        Storage("acme-storage", with_aliases=with_aliases, opts=pulumi.ResourceOptions(provider=provider))

    return run(harness, program)


def test_a_moved_resource_keeps_its_old_urn():
    h = _build(with_aliases=True)
    bucket = registration(h, "acme-storage-brainstore")
    assert engine_urn(h, bucket) == (
        "urn:pulumi:test::braintrust::braintrust:aws:Storage$aws:s3/bucket:Bucket::acme-storage-brainstore")
    assert_aliased(h, "acme-storage-brainstore", OLD_BUCKET)


def test_a_renamed_component_type_keeps_its_old_urn():
    assert_aliased(_build(with_aliases=True), "acme-storage", OLD_COMPONENT)


def test_a_move_without_alias_is_caught():
    h = _build(with_aliases=False)
    # (pulumi-aws itself aliases Bucket to its former BucketV2 type; that alias does not cover the move)
    assert OLD_BUCKET not in alias_urns(h, registration(h, "acme-storage-brainstore"))
    with pytest.raises(AssertionError, match="has no alias for"):
        assert_aliased(h, "acme-storage-brainstore", OLD_BUCKET)
