"""Random mutations of every stack file either validate or fail with ConfigError (never a traceback)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.config import ConfigError, DataPlaneConfig, parse_config
from tests.support.stacks import FIXED_TODAY, stack_file, stack_names

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10, max_value=10**6), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["aws", "gcp", "azure", "staging", "production", "", "*", "us-east-1"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)), max_leaves=8)


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
            _get(result, parent_path)[draw(st.text(min_size=1, max_size=12))] = draw(VALUES)
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


@pytest.mark.parametrize("name", stack_names())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutations_validate_or_raise_config_error(name: str, data: st.DataObject):
    sf = stack_file(name)
    values = data.draw(mutated(sf.values))
    try:
        cfg = parse_config(values, today=FIXED_TODAY, secrets_set=sf.secrets)
    except ConfigError as error:
        assert error.problems, "a ConfigError must list at least one problem"
        assert all(p.path for p in error.problems)
        assert str(error).startswith("Invalid Braintrust stack configuration")
    else:
        assert isinstance(cfg, DataPlaneConfig)
        cfg.sizing  # noqa: B018 - resolving sizes must not raise for a valid config


def test_fuzzer_really_produces_invalid_configs():
    """Guard against a fuzzer that only ever yields valid input (a test that cannot fail)."""
    sf = stack_file("aws-production")
    broken = dict(sf.values)
    broken["size"] = 3.5
    with pytest.raises(ConfigError):
        parse_config(broken, today=FIXED_TODAY, secrets_set=sf.secrets)
