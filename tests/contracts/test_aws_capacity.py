"""Instance types, DB instance classes and cache node types: offered in the stack's region, for the engine and
engine version (cfn-lint's per-region data read from the EC2/RDS/ElastiCache APIs; botocore's ec2 model).

Also every AWS SKU of ``components/sizing/skus.py`` (a user may pick any of them through overrides) in every
region the AWS stacks use.
"""

from __future__ import annotations

import pytest

from components.config import Cloud
from components.sizing import skus
from components.sizing.skus import Kind

from . import models
from .built import built, stacks_of

AWS = stacks_of(Cloud.AWS)
AWS_SKUS = [s for s in skus.all_skus() if s.cloud is Cloud.AWS]


def _regions() -> list[str]:
    return sorted({built(s).region for s in AWS})


def _rds(stack: str) -> list[dict]:
    return [dict(r.inputs) for r in built(stack).of_type("aws:rds/instance:Instance")]


@pytest.mark.parametrize("stack", AWS)
def test_ec2_instance_types_are_offered_in_the_region(stack: str):
    st = built(stack)
    types = [(r.name, r.inputs["instanceType"])
             for r in st.of_type("aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance")]
    assert types, "no EC2 instance type to check"
    api = set(models.botocore_enum("ec2", "InstanceType"))
    offered = models.ec2_instance_types(st.region)
    assert [(n, t) for n, t in types if t not in api] == []
    assert [(n, t) for n, t in types if t not in offered] == [], f"not offered in {st.region}"


def _version_problem(engine: str, version: str, instance_class: str) -> str | None:
    """RDS accepts a full version (17.6) or a bare major (17: RDS picks the default minor). A bare major
    must fit every minor RDS still offers (not deprecated), since the default and upgrades move among them."""
    if version not in models.rds_engine_versions(engine):
        return f"{engine} {version} is not an RDS engine version"
    deprecated = models.rds_deprecated_engine_versions(engine)
    if "." in version:
        if version in deprecated:
            return f"{engine} {version} is deprecated (no new instances)"
        minors = [version]
    else:
        minors = sorted(v for v in models.rds_engine_versions(engine) - deprecated
                        if v.startswith(f"{version}.") and "-" not in v)
        if not minors:
            return f"{engine} {version} has no minor RDS still offers"
    for minor in minors:
        classes = models.rds_classes_for_version(engine, minor)
        if classes is not None and instance_class not in classes:
            return f"{instance_class} is not orderable for {engine} {minor}"
    if all(models.rds_classes_for_version(engine, m) is None for m in minors):
        return f"no orderable-class data for {engine} {version}"
    return None


@pytest.mark.parametrize("stack", AWS)
def test_rds_class_is_offered_in_the_region_for_the_engine_and_version(stack: str):
    st = built(stack)
    instances = _rds(stack)
    assert instances
    for db in instances:
        assert db["instanceClass"] in models.rds_classes_in_region(st.region, db["engine"]), st.region
        assert _version_problem(db["engine"], str(db["engineVersion"]), db["instanceClass"]) is None


@pytest.mark.parametrize("stack", AWS)
def test_elasticache_node_type_and_engine_version_are_offered(stack: str):
    st = built(stack)
    groups = st.of_type("aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster")
    assert groups
    for g in groups:
        assert g.inputs["nodeType"] in models.elasticache_node_types(st.region)
        assert str(g.inputs["engineVersion"]) in models.elasticache_engine_versions(g.inputs["engine"])


def _stack_engine_versions() -> set[tuple[str, str]]:
    return {(db["engine"], str(db["engineVersion"])) for s in AWS for db in _rds(s)}


@pytest.mark.parametrize("sku", AWS_SKUS, ids=lambda s: f"{s.kind}-{s.name}")
def test_every_aws_sku_in_the_table_is_offered_where_the_stacks_deploy(sku: skus.Sku):
    for region in _regions():
        if sku.kind is Kind.COMPUTE:
            assert sku.name in models.ec2_instance_types(region), region
        elif sku.kind is Kind.DATABASE:
            assert sku.name in models.rds_classes_in_region(region, "postgres"), region
            for engine, version in _stack_engine_versions():
                assert _version_problem(engine, version, sku.name) is None
        else:
            assert sku.name in models.elasticache_node_types(region), region


# ---------------------------------------------------------------- the checks catch what they must
def test_a_class_the_version_does_not_offer_is_caught():
    assert _version_problem("postgres", "17", "db.r8g.2xlarge") is None
    assert _version_problem("postgres", "17", "db.m1.small") is not None
    assert _version_problem("postgres", "17.1", "db.r8g.2xlarge") == "postgres 17.1 is deprecated (no new instances)"
    assert _version_problem("postgres", "99", "db.r8g.2xlarge") is not None


def test_region_data_distinguishes_regions():
    """A type offered in one region and not another exists in the data (else "offered" proves nothing)."""
    assert models.ec2_instance_types("us-east-1") - models.ec2_instance_types("af-south-1")
    assert models.elasticache_node_types("us-east-1") - models.elasticache_node_types("af-south-1")
    assert (models.rds_classes_in_region("us-east-1", "postgres")
            - models.rds_classes_in_region("af-south-1", "postgres"))
