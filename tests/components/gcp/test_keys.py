"""Keys tier: one CMEK (<= 90-day rotation), service agents created then granted, BYO key."""

from __future__ import annotations

from tests.support.fakes_gcp import GCP_PROJECT_NUMBER
from tests.support.harness import Harness, depends_transitively
from tests.support.stacks import build_stack

GRANT = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
BYO_KEY = "projects/acme-sec/locations/us-central1/keyRings/shared/cryptoKeys/braintrust"


def test_key_rotates_within_90_days(stack: Harness) -> None:
    key = stack.one("gcp:kms/cryptoKey:CryptoKey").inputs
    assert int(key["rotationPeriod"].rstrip("s")) <= 90 * 86400
    assert key["purpose"] == "ENCRYPT_DECRYPT"
    ring = stack.one("gcp:kms/keyRing:KeyRing").inputs
    assert ring["location"] == "us-central1"


def test_every_service_agent_is_created_and_granted(stack: Harness) -> None:
    agents = {r.inputs["service"] for r in stack.of_type("gcp:projects/serviceIdentity:ServiceIdentity")}
    assert agents == {"sqladmin.googleapis.com", "redis.googleapis.com", "container.googleapis.com",
                      "secretmanager.googleapis.com"}
    members = {r.inputs["member"] for r in stack.of_type(GRANT)}
    assert {r.inputs["role"] for r in stack.of_type(GRANT)} == {"roles/cloudkms.cryptoKeyEncrypterDecrypter"}
    for domain in ("gcp-sa-cloud-sql", "cloud-redis", "container-engine-robot", "gcp-sa-secretmanager",
                   "gs-project-accounts", "compute-system"):
        assert f"serviceAccount:service-{GCP_PROJECT_NUMBER}@{domain}.iam.gserviceaccount.com" in members, domain


def test_cmek_consumers_wait_for_their_grants(stack: Harness) -> None:
    grants = [r.urn for r in stack.registrations_of(GRANT)]
    for token in ("gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance",
                  "gcp:storage/bucket:Bucket", "gcp:container/cluster:Cluster", "gcp:secretmanager/secret:Secret"):
        for reg in stack.registrations_of(token):
            assert depends_transitively(stack, reg, grants), f"{reg.name} may start before the CMEK grants"


def test_cmek_everywhere(stack: Harness) -> None:
    key_id = stack.outputs["kms_key"]
    assert stack.one("gcp:sql/databaseInstance:DatabaseInstance").inputs["encryptionKeyName"] == key_id
    assert stack.one("gcp:redis/instance:Instance").inputs["customerManagedKey"] == key_id
    for bucket in stack.of_type("gcp:storage/bucket:Bucket"):
        assert bucket.inputs["encryption"] == {"defaultKmsKeyName": key_id}
    cluster = stack.one("gcp:container/cluster:Cluster").inputs
    assert cluster["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": key_id}
    for pool in stack.of_type("gcp:container/nodePool:NodePool"):
        assert pool.inputs["nodeConfig"]["bootDiskKmsKey"] == key_id
    replica = stack.one("gcp:secretmanager/secret:Secret").inputs["replication"]["userManaged"]["replicas"][0]
    assert replica["customerManagedEncryption"] == {"kmsKeyName": key_id}


def test_bring_your_own_key_creates_no_ring_but_still_grants() -> None:
    def byo(values: dict) -> None:
        values["gcp"]["kms"] = {"create_key": False, "existing_key_id": BYO_KEY}

    h = build_stack("gcp-staging", mutate=byo)
    assert not h.of_type("gcp:kms/keyRing:KeyRing") and not h.of_type("gcp:kms/cryptoKey:CryptoKey")
    assert {r.inputs["cryptoKeyId"] for r in h.of_type(GRANT)} == {BYO_KEY}
    assert h.one("gcp:sql/databaseInstance:DatabaseInstance").inputs["encryptionKeyName"] == BYO_KEY
