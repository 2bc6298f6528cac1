"""SSRF protection: the chart's URL-security settings are set, secure by default, and configurable."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError
from components.config.url_security import UrlSecurityConfig
from components.facts import kubernetes as k8s_facts
from components.kubernetes.values import chart_values
from tests.components.kubernetes import builders as b
from tests.support.harness import unwrap
from tests.support.stacks import build_stack, stack_config

STACKS = ["gcp-staging", "gcp-production", "azure-staging", "azure-production"]
URL_KEYS = set(k8s_facts.URL_SECURITY_VALUES)  # api.<key> the chart turns into BRAINTRUST_* variables


@pytest.mark.parametrize("stack", STACKS)
def test_user_supplied_urls_into_private_ranges_are_rejected_by_default(stack: str):
    """Braintrust's own default is 'warn' (the request goes through): a user could make the API fetch
    from the VPC/VNet, the pod's loopback (the Redis TLS tunnel) or the metadata server."""
    api = chart_values(b.args_for_stack(stack))["api"]
    assert api["unsafeUrlRequestMode"] == "reject"
    assert "unsafeUrlRequestMode" in URL_KEYS
    assert "urlSecurityAllowCidrs" not in api and "urlSecurityDnsServers" not in api  # nothing re-opened


def test_resolvers_and_allowed_ranges_are_passed_comma_separated():
    security = UrlSecurityConfig.model_validate({
        "dns_servers": ["10.0.0.2", "169.254.169.254"],
        "allow_cidrs": ["10.20.0.0/24", "fd00:1::/64"],
    })
    api = chart_values(b.args_for_stack("azure-production", url_security=security))["api"]
    assert api["unsafeUrlRequestMode"] == "reject"
    assert api["urlSecurityDnsServers"] == "10.0.0.2,169.254.169.254"
    assert api["urlSecurityAllowCidrs"] == "10.20.0.0/24,fd00:1::/64"
    assert {k for k in api if k.startswith(("unsafeUrl", "urlSecurity"))} <= URL_KEYS


@pytest.mark.parametrize("stack", ["gcp-staging", "azure-staging"])
def test_the_stack_setting_reaches_the_chart_on_gke_and_aks(stack: str):
    def configure(values: dict[str, Any]) -> None:
        values["url_security"] = {"unsafe_url_request_mode": "proxy", "allow_cidrs": ["10.30.0.0/16"]}

    h = build_stack(stack, mutate=configure)
    api = unwrap(h.one("kubernetes:helm.sh/v4:Chart").inputs["values"])["api"]
    assert (api["unsafeUrlRequestMode"], api["urlSecurityAllowCidrs"]) == ("proxy", "10.30.0.0/16")


@pytest.mark.parametrize(("settings", "path", "fragment"), [
    ({"unsafe_url_request_mode": "block"}, "unsafe_url_request_mode", "'reject', 'proxy', 'warn' or 'off'"),
    ({"allow_cidrs": ["0.0.0.0/0"]}, "allow_cidrs", "turns URL security off"),
    ({"allow_cidrs": ["::/0"]}, "allow_cidrs", "turns URL security off"),
    ({"allow_cidrs": ["127.0.0.0/16"]}, "allow_cidrs", "loopback reaches the pod's own sidecars"),
    ({"allow_cidrs": ["169.254.169.254/32"]}, "allow_cidrs", "metadata and link-local stay blocked"),
    ({"allow_cidrs": ["10.0.0.0/8", "10.0.0.0/8"]}, "allow_cidrs", "duplicates"),
    ({"allow_cidrs": ["10.0.0.300/8"]}, "allow_cidrs[0]", "not a valid IPv4 or IPv6 network"),
    ({"dns_servers": ["127.0.0.53"]}, "dns_servers", "not a resolver a pod can reach"),
    ({"unsafe_url_request_mode": "warn", "allow_cidrs": ["10.1.0.0/16"]}, "",
     "allow_cidrs has no effect with unsafe_url_request_mode warn"),
])
def test_unsafe_settings_are_refused_with_the_key_path(settings: dict[str, Any], path: str, fragment: str):
    def configure(values: dict[str, Any]) -> None:
        values["url_security"] = settings

    with pytest.raises(ConfigError) as info:
        stack_config("gcp-production", mutate=configure)
    full = "url_security" + (f".{path}" if path else "")
    matching = [p for p in info.value.problems if p.path == full]
    assert matching, str(info.value)
    assert any(fragment in p.message for p in matching), str(info.value)
