"""Rules and fixtures use the real resource types and camelCase inputs of the pinned provider SDKs."""

from __future__ import annotations

import pytest

from policy.rules import POLICIES
from policy.rules.common import TAG_PATHS
from policy.rules.multicloud import TAGGABLE

from .fixtures import FIXTURES, R
from .sdk import getters, inputs, module_globals, resource_class, shapes, unknown_paths

ALL_TYPES = sorted({t for p in POLICIES for t in p.types} | set(TAGGABLE))


@pytest.mark.parametrize("token", ALL_TYPES)
def test_every_type_a_rule_names_exists_in_the_sdk(token: str):
    assert resource_class(token) is not None, f"{token} is not a resource type of the installed SDKs"


def _cases():
    for name, f in FIXTURES.items():
        for kind, cases in (("bad", f.bad), ("good", f.good)):
            for i, case in enumerate(cases):
                for r in case if isinstance(case, list) else [case]:
                    yield pytest.param(r, id=f"{name}-{kind}{i}-{r.type.rsplit(':', 1)[-1]}")


@pytest.mark.parametrize("resource", list(_cases()))
def test_fixture_properties_are_sdk_inputs(resource: R):
    assert unknown_paths(resource.type, resource.props) == []


def test_the_walker_catches_misspellings():
    """The check above cannot pass vacuously: nested, listed and top-level typos are all reported."""
    assert unknown_paths("gcp:sql/databaseInstance:DatabaseInstance",
                         {"settings": {"ipConfiguration": {"sslModee": "ENCRYPTED_ONLY"}}}) == [
        "settings.ipConfiguration.sslModee"]
    assert unknown_paths("azure-native:network:NetworkSecurityGroup",
                         {"securityRules": [{"direction": "Inbound", "srcPrefix": "*"}]}) == [
        "securityRules[0].srcPrefix"]
    assert unknown_paths("aws:rds/instance:Instance", {"multiAZ": True}) == ["multiAZ"]
    assert unknown_paths("kubernetes:apps/v1:Deployment", {"spec": {"template": {"spec": {"containers": [
        {"name": "a", "securityContext": {"runAsNonroot": True}}]}}}}) == [
        "spec.template.spec.containers[0].securityContext.runAsNonroot"]


@pytest.mark.parametrize("token", sorted(TAGGABLE))
def test_taggable_types_take_tags_where_the_rule_looks(token: str):
    known = inputs(token)
    assert known is not None
    path = TAG_PATHS.get(token)
    if path is None:
        key = "tags" if token.startswith(("aws:", "azure-native:")) else "labels"
        assert key in known, f"{token} has no `{key}` input"
        return
    head, *rest = path.split(".")
    annotation, scope = known[head]
    for part in rest:  # follow the nested Args classes down to the map
        classes, _, _ = shapes(annotation, scope)
        found = [(c, getters(c)[part]) for c in classes if part in getters(c)]
        assert found, f"{token}: {path} is not an SDK path"
        cls, (_, annotation) = found[0]
        scope = module_globals(cls)
    assert shapes(annotation, scope)[2], f"{token}: {path} is not a map"
