"""Fuzzing the configuration: no input gives a traceback, and no input that validates fails later.

* Random mutations of every stack file (any key, any JSON-like value, control characters, non-finite
  floats, integers beyond 32 bits) either validate or fail with ConfigError.
* Size overrides, the inputs that used to fail mid-build: a config that validates also passes every
  check the components make while building (pod shapes and chart values on Kubernetes, Brainstore
  instance types on AWS, Cloud SQL tiers, Azure storage tiers), so `pulumi up` never stops half-built.
* A few of them are built for real under mocks, end to end.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from components.config import Cloud, ConfigError, DataPlaneConfig, parse_config
from components.sizing import skus
from tests.support.harness import reset_runtime
from tests.support.stacks import FIXED_TODAY, build_config, stack_file, stack_names


def _field_names(model: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(field.alias or name)
        for candidate in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                names |= _field_names(candidate)
    return names


KEYS = sorted(_field_names(DataPlaneConfig))
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs"]), min_size=1, max_size=5),
    st.sampled_from(["10.0.0.0/8", "0.0.0.0/0", "0.0.0.0/1", "2026-10-28", "v2.9.0", "latest", "us-east1-a",
                     "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-4333-8444-555555555555"]),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10, max_value=10**6), st.integers(min_value=-(2**70),
                                                                                       max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(), TEXT,
    st.sampled_from(["aws", "gcp", "azure", "staging", "production", "", "*", "us-east-1", "true", "5"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=12)), inner, max_size=3)), max_leaves=8)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    return out


@st.composite
def mutated(draw: st.DrawFn, values: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(values)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(result)
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if not paths or action == "add":
            parent_path = draw(st.sampled_from([(), *[p for p in paths if isinstance(_get(result, p), dict)]]))
            key = draw(st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12)))
            _get(result, parent_path)[key] = draw(VALUES)
            continue
        path = draw(st.sampled_from(paths))
        parent = _get(result, path[:-1])
        if action == "delete":
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = draw(VALUES)
    return result


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


def _validate(name: str, values: dict[str, Any]) -> DataPlaneConfig | None:
    sf = stack_file(name)
    try:
        return parse_config(values, today=FIXED_TODAY, secrets_set=sf.secrets)
    except ConfigError as error:
        assert error.problems, "a ConfigError must list at least one problem"
        assert all(p.path for p in error.problems)
        assert str(error).startswith("Invalid Braintrust stack configuration")
        return None


@pytest.mark.parametrize("name", stack_names())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutations_validate_or_raise_config_error(name: str, data: st.DataObject):
    cfg = _validate(name, data.draw(mutated(stack_file(name).values)))
    if cfg is not None:
        cfg.sizing  # noqa: B018 - resolving sizes must not raise for a valid config
        build_checks(cfg)


# ----- what the components check while building, for a config that validated -----


def build_checks(cfg: DataPlaneConfig) -> None:
    """Call the pure functions the components call mid-build and that raise on an impossible input."""
    if cfg.cloud is Cloud.AWS:
        from components.aws.brainstore import architecture, cache_size, node_roles

        for role in node_roles(cfg.sizing.brainstore):
            cache_size(role.size.sku, cfg.sizing.brainstore.cache_fraction)
            architecture(role.size.sku)
        return
    from components.kubernetes.values import chart_values
    from tests.components.kubernetes.builders import REDIS_CA, args_for, kubernetes_secret_values

    if cfg.cloud is Cloud.GCP:
        from components.gcp.database import database_flags
        from components.gcp.node_pools import pool_specs

        assert cfg.gcp is not None
        database_flags(cfg.sizing.postgres.sku)
        pool_specs(cfg.sizing)
        tls = not cfg.gcp.danger_disable_redis_tls
        chart_values(args_for(cfg, secrets=kubernetes_secret_values(redis_ca=REDIS_CA if tls else None)))
    else:
        from components.config.azure import postgres_storage_problems

        assert postgres_storage_problems(cfg.sizing.postgres.storage_gb, cfg.sizing.postgres.iops) == []
        chart_values(args_for(cfg))


def _skus(cloud: Cloud, kind: skus.Kind) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(skus.names(cloud, kind)), st.text(min_size=1, max_size=12))


def _overrides(cloud: Cloud) -> st.SearchStrategy[dict[str, Any]]:
    sizes = st.one_of(st.floats(min_value=0.1, max_value=200_000), st.integers(min_value=1, max_value=64))
    counts = st.integers(min_value=0, max_value=1200)
    role = st.fixed_dictionaries({}, optional={"sku": _skus(cloud, skus.Kind.COMPUTE), "count": counts})
    pool = st.fixed_dictionaries({}, optional={"sku": _skus(cloud, skus.Kind.COMPUTE), "min_count": counts,
                                               "max_count": counts})
    sections: dict[str, st.SearchStrategy[Any]] = {
        "postgres": st.fixed_dictionaries({}, optional={
            "sku": _skus(cloud, skus.Kind.DATABASE), "storage_gb": st.integers(1, 100_000),
            "max_storage_gb": st.integers(1, 100_000), "iops": st.integers(1, 100_000),
            "backup_retention_days": st.integers(1, 35), "high_availability": st.booleans()}),
        "redis": st.fixed_dictionaries({}, optional={"sku": _skus(cloud, skus.Kind.CACHE), "memory_gib": sizes}),
        "brainstore": st.fixed_dictionaries({}, optional={
            "reader": role, "writer": role, "fast_reader": role,
            "cache_fraction": st.floats(min_value=0.01, max_value=0.95)}),
    }
    if cloud is not Cloud.AWS:
        sections["api"] = st.fixed_dictionaries({}, optional={
            "replicas": st.integers(1, 200), "cpu": sizes, "memory_gib": sizes,
            "node_memory_percent": st.integers(50, 95)})
        sections["node_pools"] = st.fixed_dictionaries({}, optional={"system": pool, "services": pool})
    return st.fixed_dictionaries({}, optional=sections)


@pytest.mark.parametrize("name", stack_names())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_sizes_that_validate_pass_every_build_time_check(name: str, data: st.DataObject):
    cloud = Cloud(name.split("-", maxsplit=1)[0])
    values = {**stack_file(name).values, **data.draw(_overrides(cloud))}
    cfg = _validate(name, values)
    if cfg is not None:
        build_checks(cfg)


@pytest.mark.parametrize("name", ["aws-staging", "gcp-staging", "azure-staging"])
@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_sizes_that_validate_build_under_mocks(name: str, data: st.DataObject):
    """End to end: a fuzzed config that validates builds without raising (no half-built stack)."""
    cloud = Cloud(name.split("-", maxsplit=1)[0])
    values = {**stack_file(name).values, **data.draw(_overrides(cloud))}
    cfg = _validate(name, values)
    if cfg is None:
        return
    try:
        harness = build_config(cfg, stack=name)
    finally:
        reset_runtime()
    assert harness.resources


def test_fuzzer_really_produces_invalid_configs():
    """Guard against a fuzzer that only ever yields valid input (a test that cannot fail)."""
    sf = stack_file("aws-production")
    broken = dict(sf.values)
    broken["size"] = 3.5
    with pytest.raises(ConfigError):
        parse_config(broken, today=FIXED_TODAY, secrets_set=sf.secrets)


def test_build_checks_catch_what_validation_used_to_miss():
    """The build-time checks this fuzz relies on do raise for the inputs issue 12 found."""
    from tests.support.stacks import stack_config

    cfg = stack_config("gcp-production")
    broken = cfg.model_copy(update={"api": cfg.api.model_copy(update={"memory_gib": 100000.0})})
    vars(broken).pop("sizing", None)  # cached_property: recompute from the changed override
    with pytest.raises(ValueError, match="does not fit"):
        build_checks(broken)
    build_checks(cfg)
