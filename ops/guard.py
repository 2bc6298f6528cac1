"""Replace guard, policy findings and change summary, computed from Pulumi engine events (pure: no I/O).

The guard exists because a replaced database, cache, bucket, key or vault is *data loss*, and a plan
that says "replace" is easy to miss in a long preview. `protect=True` makes the engine refuse in
production anyway; the guard refuses earlier, at preview time, in every stack, and says which
resource and which property forced it. When the engine itself stops on a protected resource (its
error names the URN but no replace step follows), the guard turns that error into the same
explanation, so production gets a reason, not a bare engine error.

Policy findings come from the engine's policy events (the pack in ``policy/`` runs inside every
preview and update the driver starts); ``diverged`` compares an update with the preview whose plan
it applied.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pulumi.automation import EngineEvent, OpType

from components.facts import pulumi as pulumi_facts

# Type token -> why losing it matters. Anything registered with protect or retain_on_delete (the
# program marks its stateful resources that way) counts as stateful too, whatever its type.
STATEFUL: dict[str, str] = {
    # AWS
    "aws:rds/instance:Instance": "PostgreSQL database (all Braintrust metadata)",
    "aws:rds/cluster:Cluster": "PostgreSQL cluster (all Braintrust metadata)",
    "aws:elasticache/replicationGroup:ReplicationGroup": "Redis cache (in-flight queues and sessions)",
    "aws:elasticache/cluster:Cluster": "Redis cache (in-flight queues and sessions)",
    "aws:s3/bucket:Bucket": "object storage bucket (Brainstore segments, attachments)",
    "aws:s3/bucketV2:BucketV2": "object storage bucket (Brainstore segments, attachments)",
    "aws:kms/key:Key": "encryption key (data encrypted with it becomes unreadable)",
    "aws:ebs/volume:Volume": "disk volume",
    "aws:secretsmanager/secret:Secret": "secret (generated credentials are lost)",
    # GCP
    "gcp:sql/databaseInstance:DatabaseInstance": "PostgreSQL database (all Braintrust metadata)",
    "gcp:sql/database:Database": "PostgreSQL database (all Braintrust metadata)",
    "gcp:redis/instance:Instance": "Redis cache (in-flight queues and sessions)",
    "gcp:memorystore/instance:Instance": "Redis cache (in-flight queues and sessions)",
    "gcp:storage/bucket:Bucket": "object storage bucket (Brainstore segments, attachments)",
    "gcp:kms/cryptoKey:CryptoKey": "encryption key (data encrypted with it becomes unreadable)",
    "gcp:kms/keyRing:KeyRing": "key ring (holds the encryption keys)",
    "gcp:compute/disk:Disk": "disk",
    "gcp:container/cluster:Cluster": "Kubernetes cluster (every workload and node-local cache in it)",
    "gcp:container/nodePool:NodePool": "node pool (Brainstore node-local NVMe cache is rebuilt)",
    "gcp:secretmanager/secret:Secret": "secret (generated credentials are lost)",
    # Azure
    "azure-native:dbforpostgresql:Server": "PostgreSQL flexible server (all Braintrust metadata)",
    "azure-native:dbforpostgresql:FlexibleServer": "PostgreSQL flexible server (all Braintrust metadata)",
    "azure-native:dbforpostgresql:Database": "PostgreSQL database (all Braintrust metadata)",
    "azure-native:redisenterprise:RedisEnterprise": "Azure Managed Redis (in-flight queues and sessions)",
    "azure-native:redisenterprise:Database": "Azure Managed Redis database",
    "azure-native:cache:Redis": "Redis cache (in-flight queues and sessions)",
    "azure-native:storage:StorageAccount": "storage account (Brainstore segments, attachments)",
    "azure-native:storage:BlobContainer": "blob container (Brainstore segments, attachments)",
    "azure-native:keyvault:Vault": "Key Vault (keys and secrets)",
    "azure-native:keyvault:Key": "encryption key (data encrypted with it becomes unreadable)",
    "azure-native:keyvault:Secret": "secret (generated credentials are lost)",
    "azure-native:containerservice:ManagedCluster": "Kubernetes cluster (every workload and node-local cache)",
    "azure-native:containerservice:AgentPool": "node pool (Brainstore node-local NVMe cache is rebuilt)",
    "azure-native:compute:Disk": "disk",
    "azure-native:resources:ResourceGroup": "resource group (deleting it deletes everything in it)",
    # Kubernetes
    "kubernetes:core/v1:PersistentVolumeClaim": "persistent volume claim",
    "kubernetes:core/v1:PersistentVolume": "persistent volume",
    "kubernetes:core/v1:Namespace": "namespace (deleting it deletes everything in it)",
    # Generated values
    "random:index/randomPassword:RandomPassword": "generated password or signing key (a new value breaks "
                                                  "running services and every token signed with the old one)",
}

REPLACING = frozenset({OpType.REPLACE, OpType.CREATE_REPLACEMENT, OpType.DELETE_REPLACED})
DELETING = frozenset({OpType.DELETE})
# Steps that change nothing in the cloud.
UNCHANGED = frozenset({OpType.SAME, OpType.READ, OpType.REFRESH})


@dataclass(frozen=True)
class Violation:
    """A stateful resource the plan would replace or delete."""

    urn: str
    type: str
    action: str  # "replace" or "delete"
    why_stateful: str
    caused_by: tuple[str, ...]  # properties forcing the replacement, when the engine says

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    def describe(self) -> str:
        cause = f"; forced by a change to {', '.join(self.caused_by)}" if self.caused_by else ""
        return f"{self.action} {self.type} '{self.name}': {self.why_stateful}{cause}\n    urn: {self.urn}"


@dataclass(frozen=True)
class PolicyViolation:
    """A finding of a policy pack, as the engine reported it."""

    pack: str
    policy: str
    level: str  # "mandatory" blocks the operation; "advisory" only warns
    message: str
    urn: str | None

    @property
    def mandatory(self) -> bool:
        return self.level == MANDATORY

    def describe(self) -> str:
        first = next((line.strip() for line in self.message.splitlines() if line.strip()), "")
        where = f" on '{self.urn.rsplit('::', 1)[-1]}'" if self.urn else ""
        return f"[{self.level}] {self.pack}/{self.policy}{where}: {first}"


@dataclass(frozen=True)
class Change:
    op: str
    type: str
    urn: str


@dataclass
class Plan:
    """What one engine operation said it would do (or did), from its events."""

    changes: list[Change] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    violations: list[Violation] = field(default_factory=list)
    engine_counts: dict[str, int] | None = None  # the engine's own summary, when it sent one
    errors: list[str] = field(default_factory=list)
    policy_violations: list[PolicyViolation] = field(default_factory=list)

    @property
    def mandatory_violations(self) -> list[PolicyViolation]:
        return [v for v in self.policy_violations if v.mandatory]

    @property
    def advisory_violations(self) -> list[PolicyViolation]:
        return [v for v in self.policy_violations if not v.mandatory]

    @property
    def changed(self) -> bool:
        counts = self.engine_counts if self.engine_counts is not None else dict(self.counts)
        return any(n for op, n in counts.items() if op not in {o.value for o in UNCHANGED})

    def summary_line(self) -> str:
        counts = self.engine_counts if self.engine_counts is not None else dict(self.counts)
        parts = [f"{n} to {op}" for op, n in sorted(counts.items()) if n and op != OpType.SAME.value]
        unchanged = counts.get(OpType.SAME.value, 0)
        return (", ".join(parts) or "no changes") + (f" ({unchanged} unchanged)" if unchanged else "")


MANDATORY = "mandatory"
# The engine's own refusal to replace/delete a protected resource: the preview stops with this
# diagnostic, which names the URN, and no replace step may follow it.
_PROTECTED = re.compile(r'unable to (replace|delete) resource "([^"]+)"\s+' + re.escape(pulumi_facts.PROTECTED_REFUSAL))


def type_of(urn: str) -> str:
    """The resource type of a URN (``urn:pulumi:<stack>::<project>::<parent$...$type>::<name>``)."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else "unknown"


def stateful_reason(event_type: str, protect: bool, retain_on_delete: bool) -> str | None:
    if event_type in STATEFUL:
        return STATEFUL[event_type]
    if protect:
        return "marked protect=True by the program (stateful)"
    if retain_on_delete:
        return "marked retain_on_delete by the program (stateful)"
    return None


def evaluate(events: Iterable[EngineEvent], allowed_urns: Iterable[str] = ()) -> Plan:
    """Summarise ``events`` and find the stateful resources they would replace or delete.

    Violations whose URN is in ``allowed_urns`` are dropped (the operator allowed exactly those).
    """
    allowed = set(allowed_urns)
    plan = Plan()
    op_by_urn: dict[str, str] = {}
    type_by_urn: dict[str, str] = {}
    flagged: set[str] = set()
    for event in events:
        if event.summary_event is not None:
            plan.engine_counts = {getattr(op, "value", str(op)): n
                                  for op, n in event.summary_event.resource_changes.items()}
        if event.policy_event is not None:
            p = event.policy_event
            plan.policy_violations.append(PolicyViolation(
                pack=p.policy_pack_name, policy=p.policy_name, level=p.enforcement_level, message=p.message,
                urn=p.resource_urn))
        if event.diagnostic_event is not None and event.diagnostic_event.severity == "error":
            message = event.diagnostic_event.message.strip()
            plan.errors.append(message)
            refused = _PROTECTED.search(message)
            if refused and refused[2] not in flagged and refused[2] not in allowed:
                flagged.add(refused[2])
                plan.violations.append(Violation(
                    urn=refused[2], type=type_of(refused[2]), action=refused[1],
                    why_stateful=STATEFUL.get(type_of(refused[2]), "marked protect=True by the program (stateful)")
                    + "; the engine refuses: protected", caused_by=()))
        if event.resource_pre_event is None:
            continue
        meta = event.resource_pre_event.metadata
        if meta.type.startswith("pulumi:providers:") or meta.type == "pulumi:pulumi:Stack":
            continue
        # A replacement shows up as up to three steps; it counts once, as "replace".
        label = "replace" if meta.op in REPLACING else meta.op.value
        if meta.urn not in op_by_urn or label == "replace":
            op_by_urn[meta.urn] = label
            type_by_urn[meta.urn] = meta.type
        if (meta.op in REPLACING or meta.op in DELETING) and meta.urn not in flagged and meta.urn not in allowed:
            state = meta.old or meta.new
            reason = stateful_reason(meta.type, bool(state and state.protect), bool(state and state.retain_on_delete))
            if reason is not None:
                flagged.add(meta.urn)
                plan.violations.append(Violation(
                    urn=meta.urn, type=meta.type, action="replace" if meta.op in REPLACING else "delete",
                    why_stateful=reason, caused_by=tuple(meta.keys or meta.diffs or ()),
                ))
    unchanged = {op.value for op in UNCHANGED}
    plan.counts = Counter(op_by_urn.values())
    plan.changes = [Change(op=op, type=type_by_urn[urn], urn=urn)
                    for urn, op in op_by_urn.items() if op not in unchanged]
    return plan


def diverged(preview: Plan, update: Plan) -> list[Change]:
    """Changes the update made that its preview did not announce (same URN and operation)."""
    announced = {(c.urn, c.op) for c in preview.changes}
    return [c for c in update.changes if (c.urn, c.op) not in announced]


def plan_violation(text: str) -> bool:
    """Whether an engine error says the update left the plan it was given."""
    return any(marker in text for marker in pulumi_facts.PLAN_VIOLATION_MARKERS)
