"""The offline build (ops/offline.py) on a small stand-in program: grouping, masking, gaps."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from components import program
from ops import offline
from tests.support.stacks import stack_config


class _Tier(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None):
        super().__init__("braintrust:aws:Keys", name, None, opts)
        key = aws.kms.Key(f"{name}-cmk", opts=pulumi.ResourceOptions(parent=self, protect=True))
        aws.kms.Alias(f"{name}-alias", name="alias/x", target_key_id=key.key_id,
                      opts=pulumi.ResourceOptions(parent=self))
        self.key_arn = key.arn
        self.register_outputs({})


def _program(cfg, secrets):
    provider = aws.Provider("aws", region=cfg.region)
    zones = aws.get_availability_zones(opts=pulumi.InvokeOptions(provider=provider))
    tier = _Tier("acme-keys", opts=pulumi.ResourceOptions(providers={"aws": provider}))
    return {"key_arn": tier.key_arn, "zones": ",".join(zones.names[:2]), "license": secrets.brainstore_license_key}


def test_inventory_groups_by_component_and_marks_unknown_and_secret_outputs(monkeypatch):
    monkeypatch.setattr(program, "deploy", _program)
    built = offline.build(stack_config("aws-staging"), "aws-staging")
    assert built.inventory() == {"braintrust:aws:Keys acme-keys": {"aws:kms/alias:Alias": 1, "aws:kms/key:Key": 1}}
    assert [r.type for r in built.custom_resources if r.protect] == ["aws:kms/key:Key"]
    shown = built.shown_outputs()
    # Computed by the cloud: unknown, as in a real first preview (nothing invented).
    assert shown["key_arn"] == offline.UNKNOWN
    assert shown["license"] == offline.SECRET
    assert shown["zones"] == "us-east-1a,us-east-1b"  # answered from the stack's own region


def test_an_unanswered_data_source_stops_the_build_and_names_it(monkeypatch):
    def uses_vpc_lookup(cfg, secrets):
        aws.ec2.get_vpc(default=True)
        return {}

    monkeypatch.setattr(program, "deploy", uses_vpc_lookup)
    with pytest.raises(offline.OfflineGapError, match="aws:ec2/getVpc:getVpc"):
        offline.build(stack_config("aws-staging"), "aws-staging")


def test_account_answers_come_from_the_stack_config():
    cfg = stack_config("aws-staging")
    caller = offline.INVOKE_ANSWERS["aws:index/getCallerIdentity:getCallerIdentity"](cfg, {})
    assert caller["accountId"] == "111122223333"
    gcp = stack_config("gcp-production")
    assert offline.INVOKE_ANSWERS["gcp:organizations/getClientConfig:getClientConfig"](gcp, {})["project"] == (
        "acme-braintrust-prod")
