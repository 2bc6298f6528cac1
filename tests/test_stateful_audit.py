"""Stateful-resource audit: what holds data, and what keeps it from being deleted.

For every stateful resource type the program creates (databases, caches, buckets, keys, vaults, disks,
secret stores and the generators of keys and passwords):

* production: Pulumi ``protect``; ``retain_on_delete`` for buckets and keys; the cloud's own deletion
  protection on (deletion protection flags, purge protection, CanNotDelete locks, no force-destroy);
* the ``danger_*`` switches are the only way to turn any of it off: with them on, the same stack drops
  the protections (so they really are the switch), and in the source no protection setting takes a value
  that is not derived from ``protect`` (so nothing else can be).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from components.config import Size
from policy.offline import Recorded
from policy.rules import stateful
from policy.rules.common import dig, is_true
from tests.policy.support import Built, build, built, built_dangerous
from tests.support.stacks import stack_config, stack_names

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = [s for s in stack_names() if s.endswith("-production")]
STAGING = [s for s in stack_names() if s.endswith("-staging")]

# The inventory: every stateful type each cloud's production stack creates (a new one must be added
# here deliberately, with its protection, or the inventory test fails).
GENERATOR = "random:index/randomPassword:RandomPassword"
INVENTORY: dict[str, set[str]] = {
    "aws": {"aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:secretsmanager/secret:Secret", GENERATOR},
    "gcp": {"gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance",
            "gcp:storage/bucket:Bucket", "gcp:kms/cryptoKey:CryptoKey", "gcp:secretmanager/secret:Secret",
            GENERATOR},
    "azure": {"azure-native:dbforpostgresql:Server", "azure-native:dbforpostgresql:Database",
              "azure-native:redisenterprise:RedisEnterprise", "azure-native:redisenterprise:Database",
              "azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer",
              "azure-native:keyvault:Vault", "azure-native:keyvault:Key", "azure-native:keyvault:Secret",
              GENERATOR},
}
# Resource modules that hold data; a type from one of them must be classified (stateful or not).
DATA_MODULES = ("aws:rds/", "aws:elasticache/", "aws:s3/", "aws:kms/", "aws:ebs/", "aws:dynamodb/", "aws:efs/",
                "gcp:sql/", "gcp:redis/", "gcp:storage/", "gcp:kms/", "gcp:compute/disk", "gcp:filestore/",
                "azure-native:dbforpostgresql:", "azure-native:redisenterprise:", "azure-native:redis:",
                "azure-native:storage:", "azure-native:keyvault:", "azure-native:compute:Disk",
                "aws:secretsmanager/", "gcp:secretmanager/", "random:")
# Types from those modules that hold no data of their own (settings, attachments, identities).
NOT_STATEFUL = {
    "aws:rds/parameterGroup:ParameterGroup", "aws:rds/subnetGroup:SubnetGroup",
    "aws:elasticache/subnetGroup:SubnetGroup", "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    "aws:s3/bucketLogging:BucketLogging", "aws:kms/alias:Alias",
    "gcp:sql/user:User", "gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:kms/keyRing:KeyRing",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    "azure-native:dbforpostgresql:Configuration", "azure-native:dbforpostgresql:FirewallRule",
    "azure-native:dbforpostgresql:Administrator",
    "azure-native:storage:BlobServiceProperties", "azure-native:storage:ManagementPolicy",
    # a secret's value: written again from the protected generator or from configuration
    "aws:secretsmanager/secretVersion:SecretVersion", "gcp:secretmanager/secretVersion:SecretVersion",
    # name suffixes: the protected resources they name refuse the replacement a new suffix would mean
    "random:index/randomString:RandomString", "random:index/randomId:RandomId",
}

Check = Callable[[Recorded], str | None]


def _flag(path: str, want: Any, label: str) -> Check:
    def check(r: Recorded) -> str | None:
        got = dig(r.inputs, path)
        ok = is_true(got) if want is True else got is not True if want == "not-true" else got == want
        return None if ok else f"{label}: {path} is {got!r}"
    return check


def _locked(r: Recorded, stack: Built) -> str | None:
    locks = [x for x in stack.resources if x.type.startswith("azure-native:authorization:ManagementLock")
             and x.inputs.get("level") == "CanNotDelete"]
    return None if any(r.urn in lock.dependencies for lock in locks) else "no CanNotDelete management lock"


# The cloud's own deletion guard per stateful type, in production.
CLOUD_GUARDS: dict[str, list[Check]] = {
    "aws:rds/instance:Instance": [_flag("deletionProtection", True, "RDS deletion protection"),
                                  _flag("skipFinalSnapshot", False, "RDS final snapshot")],
    "aws:s3/bucket:Bucket": [_flag("forceDestroy", "not-true", "S3 force destroy")],
    "gcp:sql/databaseInstance:DatabaseInstance": [
        _flag("deletionProtection", True, "Cloud SQL provider deletion protection"),
        _flag("settings.deletionProtectionEnabled", True, "Cloud SQL API deletion protection")],
    "gcp:redis/instance:Instance": [_flag("deletionProtection", True, "Memorystore deletion protection")],
    "gcp:storage/bucket:Bucket": [_flag("forceDestroy", "not-true", "GCS force destroy")],
    "gcp:secretmanager/secret:Secret": [_flag("deletionProtection", True, "Secret Manager deletion protection")],
    "azure-native:keyvault:Vault": [_flag("properties.enablePurgeProtection", True, "Key Vault purge protection")],
}
# Types whose cloud guard is a separate lock resource.
LOCKED = {"azure-native:dbforpostgresql:Server", "azure-native:redisenterprise:RedisEnterprise",
          "azure-native:storage:StorageAccount", "azure-native:keyvault:Vault"}
# Types without any cloud-level deletion switch: Pulumi `protect` (and retain) is their guard, plus
# the guard of the resource that contains them (KMS deletion windows, the server's/account's lock).
NO_CLOUD_SWITCH = {
    "aws:elasticache/replicationGroup:ReplicationGroup": "ElastiCache has no deletion protection",
    "aws:kms/key:Key": "AWS enforces a 7-30 day deletion window (ours: 30) during which deletion can be cancelled",
    "gcp:kms/cryptoKey:CryptoKey": "Cloud KMS only schedules version destruction (destroyScheduledDuration)",
    "azure-native:dbforpostgresql:Database": "inside the locked server",
    "azure-native:redisenterprise:Database": "inside the locked cluster",
    "azure-native:storage:BlobContainer": "inside the locked account",
    "azure-native:keyvault:Key": "inside the purge-protected vault",
    "azure-native:keyvault:Secret": "inside the purge-protected vault (deleted secrets stay recoverable)",
    "aws:secretsmanager/secret:Secret": "production schedules deletion with a 7-day recovery window",
    GENERATOR: "exists only in Pulumi state; protect keeps a replacement from changing the password or key",
}


def _stateful(stack: Built) -> list[Recorded]:
    return [r for r in stack.resources if r.type in stateful.STATEFUL]


@pytest.mark.parametrize("stack", PRODUCTION)
def test_inventory_of_stateful_types(stack: str):
    cloud = stack.split("-", maxsplit=1)[0]
    assert {r.type for r in _stateful(built(stack))} == INVENTORY[cloud]


@pytest.mark.parametrize("stack", stack_names())
def test_every_data_service_type_is_classified(stack: str):
    unclassified = sorted(t for t in built(stack).types
                          if t.startswith(DATA_MODULES) and t not in stateful.STATEFUL and t not in NOT_STATEFUL)
    assert unclassified == [], "classify in policy/rules/stateful.py (stateful) or NOT_STATEFUL here"


def test_every_inventoried_type_has_a_cloud_guard_or_a_stated_reason():
    for types in INVENTORY.values():
        for t in types:
            assert t in CLOUD_GUARDS or t in LOCKED or t in NO_CLOUD_SWITCH, t


@pytest.mark.parametrize("stack", PRODUCTION)
def test_production_stateful_resources_are_protected(stack: str):
    b = built(stack)
    problems = []
    for r in _stateful(b):
        if not r.protect:
            problems.append(f"{r.name}: protect is off")
        if r.type in stateful.RETAINED and not r.retain_on_delete:
            problems.append(f"{r.name}: retain_on_delete is off")
        for check in CLOUD_GUARDS.get(r.type, []):
            problem = check(r)
            if problem:
                problems.append(f"{r.name}: {problem}")
        if r.type in LOCKED:
            problem = _locked(r, b)
            if problem:
                problems.append(f"{r.name}: {problem}")
    assert problems == []


@pytest.mark.parametrize("stack", STAGING)
def test_staging_keeps_buckets_and_keys_but_can_be_torn_down(stack: str):
    """Staging is disposable (no protect) yet never deletes object data or keys with the stack."""
    for r in _stateful(built(stack)):
        assert not r.protect, f"{r.name} is protected in staging"
        if r.type in stateful.RETAINED:
            assert r.retain_on_delete, f"{r.name} must be retained even in staging"


_FORCE_DESTROY = {"aws:s3/bucket:Bucket": "forceDestroy", "gcp:storage/bucket:Bucket": "forceDestroy"}


@pytest.mark.parametrize("stack", STAGING)
def test_an_ephemeral_stack_takes_its_buckets_and_keys_with_it(stack: str):
    """danger_ephemeral (review stacks): nothing retained, buckets emptied on destroy; the stack still passes
    the policy pack (it is a staging stack with everything else intact)."""
    b = build(stack, mutate=lambda v: v.update(danger_ephemeral=True), key="ephemeral")
    retained = [r for r in _stateful(b) if r.type in stateful.RETAINED]
    assert retained and not [r.name for r in retained if r.retain_on_delete]
    buckets = [r for r in retained if r.type in _FORCE_DESTROY]
    assert all(is_true(dig(r.inputs, _FORCE_DESTROY[r.type])) for r in buckets)
    keys = [r for r in retained if r.type == "aws:kms/key:Key"]
    assert all(dig(r.inputs, "deletionWindowInDays") == 7 for r in keys)
    assert not b.report.mandatory, b.report.mandatory


@pytest.mark.parametrize("stack", PRODUCTION)
def test_production_refuses_to_be_ephemeral(stack: str):
    from components.config import ConfigError

    with pytest.raises(ConfigError) as caught:
        stack_config(stack, mutate=lambda v: v.update(danger_ephemeral=True, danger_allow_production_downgrade=True))
    assert "danger_ephemeral" in caught.value.paths


@pytest.mark.parametrize("stack", PRODUCTION)
def test_the_danger_switches_turn_the_protections_off(stack: str):
    """Same production stack with danger_disable_deletion_protection (+ skip_final_snapshot): protect and
    the cloud guards go away, so these switches really are what holds them; retention stays."""
    b = built_dangerous(stack)
    for r in _stateful(b):
        assert not r.protect, f"{r.name} still protected with the danger switch on"
        if r.type in stateful.RETAINED:
            assert r.retain_on_delete, f"{r.name}: retain_on_delete must not depend on the danger switch"
    guarded = [(r, check) for r in _stateful(b) for check in CLOUD_GUARDS.get(r.type, [])
               if r.type not in ("aws:s3/bucket:Bucket", "gcp:storage/bucket:Bucket")]  # never force-destroyed
    still_on = [r.name for r, check in guarded if check(r) is None
                and r.type != "azure-native:keyvault:Vault"]  # purge protection cannot be turned off once on
    assert still_on == [], "cloud deletion protection ignores the danger switch"
    assert not [r for r in b.resources if r.type.startswith("azure-native:authorization:ManagementLock")], (
        "locks must go with the danger switch")


def test_protect_follows_size_and_the_danger_switch_only():
    for stack in stack_names():
        cfg = stack_config(stack)
        assert cfg.protect is (cfg.size is Size.PRODUCTION)
        danger = stack_config(stack, mutate=lambda v: v.update(danger_disable_deletion_protection=True))
        assert danger.protect is False


# ----- in the source: protection settings only ever take `protect`-derived values -----

PROTECTION_KEYWORDS = {
    "protect": "protect", "deletion_protection": "protect", "deletion_protection_enabled": "protect",
    "enable_purge_protection": "protect-or-true", "retain_on_delete": "protect-retain-or-true",
    "force_destroy": "not-retain", "skip_final_snapshot": "danger", "skip_final_backup": "danger",
}


def _retain(value: ast.expr) -> bool:
    """`<x>.retain` (cfg.retain handed down: only danger_ephemeral turns it off)."""
    return isinstance(value, ast.Attribute) and value.attr == "retain"


def _allowed(value: ast.expr, rule: str) -> bool:
    dotted = ast.unparse(value)
    if rule == "not-retain":  # force_destroy: False, or exactly `not <x>.retain`
        negated = isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not) and _retain(value.operand)
        return negated or (isinstance(value, ast.Constant) and value.value is False)
    if rule == "protect-retain-or-true" and _retain(value):
        return True
    if rule == "danger":
        return dotted.endswith(("danger_skip_final_snapshot", "skip_final_snapshot", "skip_final_backup")) or (
            isinstance(value, ast.Constant) and value.value is False)
    derived = isinstance(value, ast.Name | ast.Attribute) and dotted.split(".")[-1] in ("protect", "_protect")
    return derived or (rule in ("protect-or-true", "protect-retain-or-true") and isinstance(value, ast.Constant)
                       and value.value is True)


def test_protection_settings_only_take_protect_derived_values():
    offenders = []
    seen = 0
    for path in sorted((ROOT / "components").rglob("*.py")):
        if "config" in path.relative_to(ROOT / "components").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg in PROTECTION_KEYWORDS:
                seen += 1
                if not _allowed(node.value, PROTECTION_KEYWORDS[node.arg]):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.value.lineno} "
                                     f"{node.arg}={ast.unparse(node.value)}")
    assert seen >= 20, "the scan should see the components' protection settings"
    assert offenders == [], "protection must come from cfg.protect / danger_* only"
    planted = ast.parse("x(protect=cfg.production)").body[0]  # what an escape hatch would look like
    assert isinstance(planted, ast.Expr) and isinstance(planted.value, ast.Call)
    assert not _allowed(planted.value.keywords[0].value, "protect")
    for escape in ("x(force_destroy=True)", "x(force_destroy=not cfg.protect)", "x(retain_on_delete=cfg.production)"):
        call = ast.parse(escape).body[0]
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
        keyword = call.value.keywords[0]
        assert keyword.arg is not None and not _allowed(keyword.value, PROTECTION_KEYWORDS[keyword.arg]), escape


def test_data_planes_hand_cfg_protect_down_unchanged():
    for path in sorted((ROOT / "components").glob("*/data_plane.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg in ("protect", "retain"):
                assert ast.unparse(node.value) == f"cfg.{node.arg}", (
                    f"{path.name}: {node.arg}={ast.unparse(node.value)}")
