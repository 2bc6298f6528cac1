"""The replace guard and change summary, from fake engine events."""

from __future__ import annotations

from pulumi.automation import OpType

from ops.guard import STATEFUL, diverged, evaluate, plan_violation, type_of
from tests.ops.events import diagnostic, policy, protected_refusal, replace, step, summary, urn

RDS = "aws:rds/instance:Instance"
SG_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def test_replacing_a_database_is_a_violation_naming_resource_and_cause():
    plan = evaluate(replace(RDS, "acme-db", keys=["engineVersion"]))
    assert len(plan.violations) == 1
    violation = plan.violations[0]
    assert violation.action == "replace"
    assert violation.urn == urn(RDS, "acme-db")
    assert "PostgreSQL" in violation.why_stateful
    assert violation.caused_by == ("engineVersion",)
    assert "acme-db" in violation.describe() and "engineVersion" in violation.describe()


def test_a_replacement_counts_once_as_replace():
    plan = evaluate([*replace(RDS, "acme-db"), step(OpType.SAME, SG_RULE, "r1"), step(OpType.CREATE, SG_RULE, "r2")])
    assert plan.counts == {"replace": 1, "same": 1, "create": 1}
    assert [(c.op, c.urn) for c in plan.changes] == [("replace", urn(RDS, "acme-db")), ("create", urn(SG_RULE, "r2"))]


def test_deleting_a_bucket_is_a_violation():
    plan = evaluate([step(OpType.DELETE, "gcp:storage/bucket:Bucket", "acme-brainstore")])
    assert [v.action for v in plan.violations] == ["delete"]


def test_stateless_replacements_and_deletions_pass():
    plan = evaluate([*replace(SG_RULE, "r1"), step(OpType.DELETE, "aws:iam/rolePolicy:RolePolicy", "p")])
    assert plan.violations == []
    assert plan.changed


def test_resources_the_program_protects_are_stateful_whatever_their_type():
    protected = evaluate([step(OpType.DELETE, "aws:cloudwatch/logGroup:LogGroup", "logs", protect=True)])
    retained = evaluate(replace("aws:cloudwatch/logGroup:LogGroup", "logs", retain=True))
    assert len(protected.violations) == 1 and "protect" in protected.violations[0].why_stateful
    assert len(retained.violations) == 1 and "retain_on_delete" in retained.violations[0].why_stateful


def test_allow_replace_lets_exactly_the_named_urn_through():
    events = [*replace(RDS, "acme-db"), *replace("aws:kms/key:Key", "acme-cmk")]
    plan = evaluate(events, allowed_urns=[urn(RDS, "acme-db")])
    assert [v.urn for v in plan.violations] == [urn("aws:kms/key:Key", "acme-cmk")]


def test_updates_in_place_of_stateful_resources_pass():
    plan = evaluate([step(OpType.UPDATE, RDS, "acme-db")])
    assert plan.violations == [] and plan.counts == {"update": 1}


def test_engine_summary_wins_and_decides_whether_anything_changed():
    assert not evaluate([summary(same=12)]).changed
    assert evaluate([summary(same=12, update=1)]).changed
    assert evaluate([summary(same=3, update=2)]).summary_line() == "2 to update (3 unchanged)"
    assert evaluate([]).summary_line() == "no changes"


def test_error_diagnostics_are_collected():
    plan = evaluate([diagnostic("boom\n"), diagnostic("just info", severity="info")])
    assert plan.errors == ["boom"]


def test_every_cloud_has_its_database_cache_bucket_and_key_in_the_stateful_list():
    by_cloud = {cloud: [t for t in STATEFUL if t.startswith(cloud)] for cloud in ("aws:", "gcp:", "azure-native:")}
    for cloud, types in by_cloud.items():
        text = " ".join(STATEFUL[t] for t in types)
        for word in ("PostgreSQL", "Redis", "key"):
            assert word in text, f"{cloud} has no stateful {word} type"


def test_the_engines_refusal_of_a_protected_resource_becomes_a_violation_with_its_reason():
    plan = evaluate([protected_refusal(RDS, "acme-db"), diagnostic("preview failed")])
    assert [(v.urn, v.type, v.action) for v in plan.violations] == [(urn(RDS, "acme-db"), RDS, "replace")]
    assert "PostgreSQL" in plan.violations[0].why_stateful and "protected" in plan.violations[0].why_stateful


def test_a_refusal_and_the_replace_step_that_follows_count_once_and_allow_replace_applies():
    events = [protected_refusal(RDS, "acme-db"), *replace(RDS, "acme-db", protect=True)]
    assert len(evaluate(events).violations) == 1
    assert evaluate(events, allowed_urns=[urn(RDS, "acme-db")]).violations == []


def test_policy_events_are_split_into_mandatory_and_advisory():
    plan = evaluate([policy("a", "mandatory", urn("aws:s3/bucket:Bucket", "b")), policy("c", "advisory")])
    assert [v.policy for v in plan.mandatory_violations] == ["a"]
    assert [v.policy for v in plan.advisory_violations] == ["c"]
    assert plan.mandatory_violations[0].describe().startswith("[mandatory] braintrust-data-plane/a on 'b': ")


def test_divergence_is_any_change_the_preview_did_not_announce():
    preview = evaluate([step(OpType.UPDATE, SG_RULE, "r1"), *replace(RDS, "acme-db")])
    same = evaluate([step(OpType.UPDATE, SG_RULE, "r1"), *replace(RDS, "acme-db")])
    other = evaluate([step(OpType.UPDATE, SG_RULE, "r1"), step(OpType.DELETE, RDS, "acme-db")])
    assert diverged(preview, same) == []
    assert [(c.op, c.urn) for c in diverged(preview, other)] == [("delete", urn(RDS, "acme-db"))]


def test_urn_type_and_plan_violation_text():
    assert type_of(urn(RDS, "acme-db")) == RDS
    assert type_of("not-a-urn") == "unknown"
    assert plan_violation(f"error: resource {urn(RDS, 'x')} violates plan: properties changed")
    assert not plan_violation("error: preview failed")
