"""Cloud KMS key (or a BYO key) and the grants that let Google's service agents encrypt with it.

One symmetric key protects Cloud SQL, Memorystore, both buckets, GKE secrets (etcd), node boot disks and
the Secret Manager secret. Each service encrypts through its *service agent*; on a fresh project some
agents do not exist until something asks for them, so they are created with ``ServiceIdentity`` (or the
GCS project-account lookup) before the grant: a CMEK resource created before its grant fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from components.tags import Tags

ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
# Services whose agent is created on demand (API answers generateServiceIdentity).
_ON_DEMAND_AGENTS = {
    "sql": "sqladmin.googleapis.com",
    "redis": "redis.googleapis.com",
    "gke": "container.googleapis.com",
    "secrets": "secretmanager.googleapis.com",
}


@dataclass(frozen=True)
class KeysArgs:
    deployment_name: str
    project_id: str
    project_number: pulumi.Input[str]
    region: str
    labels: Tags
    protect: bool
    retain: bool = True  # False only for danger_ephemeral: destroy schedules the key's versions for destruction
    rotation_days: int = 90
    existing_key_id: str | None = None
    after: Sequence[pulumi.Resource] = ()


class Keys(pulumi.ComponentResource):
    """``key_id`` is the CMEK every other component uses; ``grants`` must exist before they do."""

    key_id: pulumi.Output[str]
    grants: list[pulumi.Resource]

    def __init__(self, name: str, args: KeysArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:gcp:Keys", name, None, opts)
        after = list(args.after)
        if args.existing_key_id:
            self.key_id = pulumi.Output.from_input(args.existing_key_id)
        else:
            # Key rings and keys cannot be deleted in Cloud KMS and their names are never reusable: a random
            # part keeps a re-created stack from colliding with the ring its predecessor left behind.
            ring_suffix = random.RandomString(
                f"{name}-ring-suffix", length=6, special=False, upper=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            ring = gcp.kms.KeyRing(
                f"{name}-ring",
                name=ring_suffix.result.apply(lambda s: f"{args.deployment_name}-keyring-{s}"),
                project=args.project_id,
                location=args.region,  # same region as the cluster, database, cache and buckets
                opts=pulumi.ResourceOptions(parent=self, depends_on=after, protect=args.protect,
                                            retain_on_delete=True),
            )
            key = gcp.kms.CryptoKey(
                f"{name}-key",
                name="braintrust-data",
                key_ring=ring.id,
                purpose="ENCRYPT_DECRYPT",
                rotation_period=f"{args.rotation_days * 86400}s",
                # Destroying a version makes everything it encrypted unreadable: give humans 30 days to undo.
                destroy_scheduled_duration=f"{30 * 86400}s",
                version_template=gcp.kms.CryptoKeyVersionTemplateArgs(
                    algorithm="GOOGLE_SYMMETRIC_ENCRYPTION", protection_level="SOFTWARE"
                ),
                labels=args.labels,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.retain),
            )
            self.key_id = key.id

        self.grants = self._grant_service_agents(name, args, after)
        self.register_outputs({"key_id": self.key_id})

    def _grant_service_agents(self, name: str, args: KeysArgs, after: list[pulumi.Resource]) -> list[pulumi.Resource]:
        members: dict[str, pulumi.Input[str]] = {}
        for role, service in _ON_DEMAND_AGENTS.items():
            agent = gcp.projects.ServiceIdentity(
                f"{name}-{role}-agent",
                project=args.project_id,
                service=service,
                opts=pulumi.ResourceOptions(parent=self, depends_on=after),
            )
            members[role] = agent.member
        # The GCS agent is created by looking it up; the Compute Engine agent exists once the API is on.
        gcs = gcp.storage.get_project_service_account_output(
            project=args.project_id, opts=pulumi.InvokeOutputOptions(parent=self, depends_on=after)
        )
        members["gcs"] = gcs.member
        members["compute"] = pulumi.Output.from_input(args.project_number).apply(
            lambda number: f"serviceAccount:service-{number}@compute-system.iam.gserviceaccount.com"
        )
        return [
            gcp.kms.CryptoKeyIAMMember(
                f"{name}-{role}-encrypter",
                crypto_key_id=self.key_id,
                role=ENCRYPTER_DECRYPTER,
                member=member,
                # Compute Engine's agent appears asynchronously when the API is enabled: wait for the API.
                opts=pulumi.ResourceOptions(parent=self, depends_on=after),
            )
            for role, member in members.items()
        ]
