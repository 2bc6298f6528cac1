"""Identities tier: GSAs with bucket-scoped roles, member (never authoritative) bindings, WI to the chart KSAs."""

from __future__ import annotations

from components.kubernetes.args import API_SERVICE_ACCOUNT, BRAINSTORE_SERVICE_ACCOUNT, DEFAULT_NAMESPACE
from tests.support.harness import Harness


def test_no_authoritative_iam_anywhere(stack: Harness) -> None:
    authoritative = [r.typ for r in stack.resources if "IAMBinding" in r.typ or "IAMPolicy" in r.typ]
    assert authoritative == []


def test_bucket_roles_are_scoped_to_the_two_buckets(stack: Harness) -> None:
    buckets = {stack.outputs["brainstore_bucket"], stack.outputs["api_bucket"]}
    grants = stack.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
    assert {g.inputs["bucket"] for g in grants} == buckets
    assert {g.inputs["role"] for g in grants} == {"roles/storage.objectAdmin", "roles/storage.legacyBucketReader"}
    members = {g.inputs["member"] for g in grants}
    assert members == {f"serviceAccount:{stack.outputs['api_service_account']}",
                       f"serviceAccount:{stack.outputs['brainstore_service_account']}"}


def test_workload_identity_binds_exactly_the_chart_service_accounts(stack: Harness) -> None:
    project = stack.one("gcp:container/cluster:Cluster").inputs["project"]
    wi = [r.inputs for r in stack.of_type("gcp:serviceaccount/iAMMember:IAMMember")
          if r.inputs["role"] == "roles/iam.workloadIdentityUser"]
    got = {(b["serviceAccountId"].rsplit("/", 1)[-1], b["member"]) for b in wi}
    pool = f"{project}.svc.id.goog"
    assert got == {
        (stack.outputs["api_service_account"], f"serviceAccount:{pool}[{DEFAULT_NAMESPACE}/{API_SERVICE_ACCOUNT}]"),
        (stack.outputs["brainstore_service_account"],
         f"serviceAccount:{pool}[{DEFAULT_NAMESPACE}/{BRAINSTORE_SERVICE_ACCOUNT}]"),
    }
    values = stack.one("kubernetes:helm.sh/v4:Chart").inputs["values"]
    assert values["brainstore"]["serviceAccount"]["googleServiceAccount"] == stack.outputs["brainstore_service_account"]
    assert values["api"]["serviceAccount"]["googleServiceAccount"] == stack.outputs["api_service_account"]
    assert values["api"]["enableGcsAuth"] is True  # native GCS through WI: no HMAC key anywhere
    assert not stack.of_type("gcp:storage/hmacKey:HmacKey")


def test_workload_identity_waits_for_the_cluster_identity_pool(stack: Harness) -> None:
    cluster = stack.registrations_of("gcp:container/cluster:Cluster")[0].urn
    for reg in stack.registrations_of("gcp:serviceaccount/iAMMember:IAMMember"):
        if reg.name.endswith("workload-identity"):
            assert cluster in reg.dependencies, reg.name
