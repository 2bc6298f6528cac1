"""GCP configuration rules: every validator rejects bad input with a ConfigError naming the key."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError
from components.config.gcp import ingress_problems
from tests.support.stacks import Mutation, set_path, stack_config

_set = set_path


CASES: list[tuple[str, Mutation, str, str]] = [
    ("gcp.network.pods_cidr", _set("gcp.network.pods_cidr", "10.0.0.0/14"), "gcp.network", "overlaps"),
    ("gcp.network.services_cidr", _set("gcp.network.services_cidr", "10.4.0.0/20"), "gcp.network", "overlaps"),
    ("gcp.network.master_cidr", _set("gcp.network.master_cidr", "10.0.0.0/28"), "gcp.network", "overlaps"),
    ("public nodes range", _set("gcp.network.nodes_cidr", "8.8.0.0/20"), "gcp.network", "not a private"),
    ("tiny pods range", _set("gcp.network.pods_cidr", "10.4.0.0/24"), "gcp.network", "too small"),
    ("tiny nodes range", _set("gcp.network.nodes_cidr", "10.0.0.0/26"), "gcp.network", "too small"),
    ("master not /28", _set("gcp.network.master_cidr", "172.16.0.0/27"), "gcp.network", "/28"),
    ("open control plane", _set("gcp.cluster.authorized_networks", ["0.0.0.0/0"]), "gcp.cluster",
     "authorizes every address"),
    ("duplicate networks", _set("gcp.cluster.authorized_networks", ["192.0.2.0/24", "192.0.2.0/24"]),
     "gcp.cluster", "duplicates"),
    ("byo incomplete", _set("gcp.network.create_network", False), "gcp.network", "requires"),
    ("byo half set", _set("gcp.network.existing_network", "projects/p/global/networks/n"), "gcp.network",
     "create_network is true"),
    ("kms byo without id", _set("gcp.kms.create_key", False), "gcp.kms", "requires existing_key_id"),
    ("rotation too long", _set("gcp.kms.rotation_days", 365), "gcp.kms.rotation_days", "less than or equal"),
]


@pytest.mark.parametrize(("label", "mutation", "path", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_invalid_gcp_settings_are_rejected(label: str, mutation: Mutation, path: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        stack_config("gcp-production", mutate=mutation)
    assert path in caught.value.paths, caught.value.render()
    assert fragment in str(caught.value), caught.value.render()


def test_defaults_and_stack_files_are_valid() -> None:
    for name in ("gcp-staging", "gcp-production"):
        cfg = stack_config(name)
        assert cfg.gcp is not None


def _ingress(**overrides: Any) -> list[tuple[str, str]]:
    kwargs: dict[str, Any] = {"private_ingress": True, "custom_domain": None, "certificate": None,
                              "waf_policy": None, "allowed_cidrs": []}
    kwargs.update(overrides)
    return ingress_problems(**kwargs)


def test_private_ingress_needs_nothing() -> None:
    assert _ingress() == []
    assert _ingress(allowed_cidrs=["10.20.0.0/16"]) == []


def test_public_ingress_needs_a_domain() -> None:
    assert [p for p, _ in _ingress(private_ingress=False)] == ["ingress.custom_domain"]
    assert _ingress(private_ingress=False, custom_domain="bt.example.com") == []


@pytest.mark.parametrize(("overrides", "path"), [
    ({"custom_domain": "bt.example.com"}, "ingress.custom_domain"),
    ({"private_ingress": False, "custom_domain": "bt.example.com", "certificate": "Not_A_Name"},
     "ingress.certificate"),
    ({"private_ingress": False, "custom_domain": "bt.example.com", "waf_policy": "bad name"}, "ingress.waf_acl"),
    ({"waf_policy": "armor"}, "ingress.waf_acl"),
    ({"allowed_cidrs": ["10.0.0.0/33"]}, "ingress.allowed_cidrs[0]"),
])
def test_invalid_ingress_combinations(overrides: dict[str, Any], path: str) -> None:
    assert path in [p for p, _ in _ingress(**overrides)]
