"""Physical Azure names, rendered from the rules in ``components.naming`` (which also bound their length)."""

from __future__ import annotations

from dataclasses import dataclass

from components import naming
from components.config.common import Cloud


def _render(what: str, deployment_name: str, suffix: str) -> str:
    rule = next(r for r in naming.RULES[Cloud.AZURE] if r.what == what)
    name = rule.render(deployment_name, suffix)
    # The config validator bounds the deployment name; this catches a rule/code mismatch early.
    assert len(name) <= rule.limit, f"{what} {name!r} is longer than {rule.limit}"
    return name


def _open_vault_name(key_vault: str, deployment_name: str, suffix: str) -> str:
    """``<dn>-rk-<sfx>``: exactly as long as the Key Vault name, so the same length rule bounds it."""
    name = f"{deployment_name}-rk-{suffix}"
    assert len(name) == len(key_vault), f"{name!r} must be as long as {key_vault!r}"
    return name


@dataclass(frozen=True)
class AzureNames:
    resource_group: str
    key_vault: str
    open_key_vault: str  # key-only vault without a firewall (Managed Redis's CMK)
    storage_account: str
    postgres: str
    redis: str
    aks: str
    aks_node_resource_group: str
    frontdoor_endpoint: str
    private_link_service: str

    @classmethod
    def of(cls, deployment_name: str, suffix: str) -> AzureNames:
        def r(what: str) -> str:
            return _render(what, deployment_name, suffix)

        return cls(
            resource_group=r("resource group"),
            key_vault=r("Key Vault name"),
            open_key_vault=_open_vault_name(r("Key Vault name"), deployment_name, suffix),
            storage_account=naming.compact(r("storage account name")),
            postgres=r("PostgreSQL server name"),
            redis=r("Azure Managed Redis name"),
            aks=r("AKS cluster name"),
            aks_node_resource_group=r("AKS node resource group"),
            frontdoor_endpoint=r("Front Door endpoint name"),
            private_link_service=r("private link service name"),
        )
