"""Every rule fires on its failing fixtures, stays quiet on its passing ones, and survives odd input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import EnforcementLevel, Severity
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE

from policy.rules import POLICIES, ResourceRule, StackRule

from .fixtures import FIXTURES, PROD, R
from .support import BY_NAME, messages, run_rule

BAD = [(name, i, case) for name, f in FIXTURES.items() for i, case in enumerate(f.bad)]
GOOD = [(name, i, case) for name, f in FIXTURES.items() for i, case in enumerate(f.good)]


def test_every_rule_has_failing_and_passing_fixtures():
    assert set(FIXTURES) == set(BY_NAME), "fixtures and rules differ"
    for name, f in FIXTURES.items():
        assert f.bad and f.good, f"{name} needs at least one failing and one passing fixture"


def test_fixture_kinds_match_rule_kinds():
    for name, f in FIXTURES.items():
        stack = isinstance(BY_NAME[name], StackRule)
        for case in [*f.bad, *f.good]:
            assert isinstance(case, list) == stack, f"{name}: stack rules take lists, resource rules one R"


@pytest.mark.parametrize(("name", "i", "case"), BAD, ids=[f"{n}-bad{i}" for n, i, _ in BAD])
def test_failing_fixture_fires(name: str, i: int, case: Any):
    found = messages(name, case)
    assert found, f"{name} did not fire on bad fixture {i}"
    assert all(m.strip() for m in found), "every violation explains itself"


@pytest.mark.parametrize(("name", "i", "case"), GOOD, ids=[f"{n}-good{i}" for n, i, _ in GOOD])
def test_passing_fixture_is_quiet(name: str, i: int, case: Any):
    assert messages(name, case) == []


def test_failing_fixtures_only_trip_their_own_types():
    """A resource rule ignores types it does not list (the fixture of another family never trips it)."""
    for name, rule in BY_NAME.items():
        if not isinstance(rule, ResourceRule):
            continue
        for other, f in FIXTURES.items():
            for case in f.bad:
                if isinstance(case, R) and case.type not in rule.types:
                    assert messages(name, case) == [], f"{name} fired on {other}'s {case.type}"


# ----- robustness: missing, null, mistyped and unknown properties -----

_JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False, width=32) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _top_level_keys(rule: ResourceRule | StackRule) -> list[str]:
    keys: set[str] = set()
    for case in [*FIXTURES[rule.name].bad, *FIXTURES[rule.name].good]:
        for r in case if isinstance(case, list) else [case]:
            keys |= set(r.props)
    return sorted(keys)


RULE_TYPES = [(p.name, t) for p in POLICIES for t in sorted(p.types)]


@pytest.mark.parametrize(("name", "type_"), RULE_TYPES, ids=[f"{n}:{t}" for n, t in RULE_TYPES])
def test_missing_properties_do_not_crash(name: str, type_: str):
    rule = BY_NAME[name]
    case: Any = [R(type_, {})] if isinstance(rule, StackRule) else R(type_, {})
    run_rule(name, case)  # may report violations; must not raise
    nulls = {k: None for k in _top_level_keys(rule)}
    case = [R(type_, nulls)] if isinstance(rule, StackRule) else R(type_, nulls)
    run_rule(name, case)


@pytest.mark.parametrize("name", sorted(BY_NAME))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_arbitrary_property_values_do_not_crash(name: str, data: st.DataObject):
    rule = BY_NAME[name]
    keys = _top_level_keys(rule)
    props = {k: data.draw(_JSON, label=k) for k in keys}
    props["tags"] = data.draw(st.sampled_from([PROD, None, "x", [{"key": "a"}], {}]))
    type_ = data.draw(st.sampled_from(sorted(rule.types)))
    case: Any = [R(type_, props)] if isinstance(rule, StackRule) else R(type_, props)
    run_rule(name, case)


def test_unknown_values_defer_instead_of_failing():
    """During preview an unknown value makes the analyzer skip the rule (advisory note), not fail it."""
    unknown = R("aws:rds/instance:Instance", {"publiclyAccessible": UNKNOWN_BOOLEAN_VALUE})
    report = run_rule("aws-rds-not-public", unknown)
    assert report.violations == []
    assert report.unknown and "can't be known during preview" in report.unknown[0]
    report = run_rule("gcp-cloudsql-cmek", R("gcp:sql/databaseInstance:DatabaseInstance",
                                             {"encryptionKeyName": UNKNOWN_STRING_VALUE}))
    assert report.violations == [] and report.unknown


def test_secret_wrapped_inputs_are_read_like_the_engine_sends_them():
    """Mock inputs keep Pulumi secrets wrapped; the runner unwraps them as the analyzer does."""
    wrapped = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
               "value": "postgres://app:hunter2@db:5432/bt"}
    found = messages("aws-no-plaintext-secrets",
                     R("aws:lambda/function:Function", {"environment": {"variables": {"PG_URL": wrapped}}}))
    assert found and "embedded credentials" in found[0]


# ----- configuration -----


def test_thresholds_follow_the_pack_config():
    log = R("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 90.0, "kmsKeyId": "k"})
    assert messages("aws-log-groups-retained-and-encrypted", log) == []
    assert messages("aws-log-groups-retained-and-encrypted", log, {"min_retention_days": 365})
    ssh = R("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            {"cidrIpv4": "0.0.0.0/0", "fromPort": 22.0, "toPort": 22.0, "ipProtocol": "tcp"})
    assert messages("aws-no-public-ingress", ssh)
    assert messages("aws-no-public-ingress", ssh, {"allowed_public_ports": [22, 443]}) == []
    rds = [R("aws:rds/instance:Instance", {"backupRetentionPeriod": 7.0, "tags": PROD})]
    assert messages("postgres-backup-retention", rds) == []
    assert messages("postgres-backup-retention", rds, {"min_days_production": 30})


def test_pack_config_can_disable_or_downgrade_a_rule():
    from policy.offline import check

    from .support import recorded

    bad = recorded(R("aws:rds/instance:Instance", {"publiclyAccessible": True}))
    rule = BY_NAME["aws-rds-not-public"]
    assert check(bad, [rule]).mandatory
    assert check(bad, [rule], {"aws-rds-not-public": "disabled"}).violations == []
    downgraded = check(bad, [rule], {"aws-rds-not-public": {"enforcementLevel": "advisory"}})
    assert downgraded.violations and not downgraded.mandatory


# ----- metadata -----


def test_pack_has_at_least_25_rules_spread_over_the_clouds():
    assert len(POLICIES) >= 25
    for family in ("aws", "gcp", "azure", "kubernetes"):
        assert sum(p.family == family for p in POLICIES) >= 5, family


def test_every_rule_is_documented_and_classified():
    for p in POLICIES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", p.name), p.name
        assert p.description.endswith("."), p.name
        assert p.remediation_steps and len(p.remediation_steps) > 20, p.name
        assert isinstance(p.severity, Severity), p.name
        assert p.enforcement_level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY), p.name
        assert p.types, f"{p.name} names the resource types it judges"


def test_security_rules_are_mandatory():
    """Advisory is reserved for choices a user may legitimately make; HIGH/CRITICAL rules block."""
    advisory = {p.name for p in POLICIES if p.enforcement_level is EnforcementLevel.ADVISORY}
    assert advisory == {"azure-storage-no-shared-keys", "azure-aks-host-encryption", "azure-aks-no-local-accounts",
                        "k8s-run-as-non-root",
                        "k8s-internal-load-balancers", "k8s-namespace-network-policy", "object-storage-versioning",
                        # the public AIProxy URL is upstream's default and an explicit opt-in here
                        "aws-lambda-function-url-authenticated",
                        # HTTP between CloudFront and the ECS API's internal ALB is upstream's default; TLS there
                        # needs a certificate and a DNS name only the user can provide (aws.api.alb_*)
                        "aws-cloudfront-vpc-origin-tls"}
    for p in POLICIES:
        if p.severity is Severity.CRITICAL:
            assert p.enforcement_level is EnforcementLevel.MANDATORY, p.name


def test_thresholds_are_configurable_with_defaults():
    for p in POLICIES:
        if p.config_schema is None:
            continue
        for key, schema in p.config_schema.properties.items():
            assert "default" in schema and "description" in schema, f"{p.name}.{key}"


def test_tag_keys_match_the_program():
    from components.config.root import BASE_TAG_KEYS
    from policy.rules.common import REQUIRED_TAG_KEYS

    assert tuple(REQUIRED_TAG_KEYS) == tuple(BASE_TAG_KEYS)


def test_credential_formats_match_the_facts_ledger():
    """The pack cannot import the program, so it keeps a copy of the formats; the copy stays equal."""
    from components.facts.secrets import KEY_FORMATS
    from policy.rules.common import KEY_FORMATS as PACK_FORMATS

    assert tuple(PACK_FORMATS) == tuple((f.name, f.pattern) for f in KEY_FORMATS)


OPEN_NETWORK_RULES = ["aws-no-public-ingress", "azure-aks-api-restricted", "azure-nsg-no-public-ingress",
                      "gcp-gke-control-plane-restricted", "gcp-firewall-no-public-ingress"]


@pytest.mark.parametrize("name", OPEN_NETWORK_RULES)
def test_the_open_network_floor_is_a_setting_of_every_allow_list_rule(name: str):
    schema = BY_NAME[name].config_schema
    assert schema is not None and schema.properties["min_prefix_length"]["default"] == 8


def test_the_open_network_floor_moves_with_its_setting():
    """Two public /9s (2^24 addresses) are not the internet at /8; they are once the floor is /10."""
    rule = R("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
             {"cidrIpv4": "8.0.0.0/9", "fromPort": 22.0, "toPort": 22.0, "ipProtocol": "tcp"})
    pieces = R("aws:ec2/securityGroup:SecurityGroup", {"ingress": [
        {"cidrBlocks": ["8.0.0.0/9", "9.0.0.0/9"], "fromPort": 22.0, "toPort": 22.0, "protocol": "tcp"}]})
    assert messages("aws-no-public-ingress", rule) == messages("aws-no-public-ingress", pieces) == []
    assert messages("aws-no-public-ingress", rule, {"min_prefix_length": 10})
    assert messages("aws-no-public-ingress", pieces, {"min_prefix_length": 9})
