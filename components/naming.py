"""Physical names derived from the deployment name, and the limits they must respect.

The maximum deployment-name length is *computed* from these rules, so adding a longer derived
name here automatically tightens the validator instead of failing at `pulumi up`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from components.config.common import Cloud

# Pulumi auto-naming appends "-" + 7 random characters.
AUTONAME_SUFFIX_LEN = 8
MIN_DEPLOYMENT_NAME_LEN = 3
DEFAULT_SUFFIX_LEN = 6


@dataclass(frozen=True)
class NameRule:
    what: str
    template: str  # "{dn}" = deployment name, "{sfx}" = unique suffix
    limit: int
    autonamed: bool = False  # Pulumi adds AUTONAME_SUFFIX_LEN characters
    compact: bool = False  # hyphens removed (e.g. Azure storage accounts)

    def fixed_len(self, suffix_len: int) -> int:
        body = self.template.replace("{dn}", "").replace("{sfx}", "x" * suffix_len)
        if self.compact:
            body = body.replace("-", "")
        return len(body) + (AUTONAME_SUFFIX_LEN if self.autonamed else 0)

    def max_dn_len(self, suffix_len: int) -> int:
        return self.limit - self.fixed_len(suffix_len)

    def render(self, dn: str, suffix: str) -> str:
        name = self.template.format(dn=dn, sfx=suffix)
        return name.replace("-", "") if self.compact else name


RULES: dict[Cloud, tuple[NameRule, ...]] = {
    Cloud.AWS: (
        # Brainstore NLB and target group per role: logical name <dn>-bs-<rd|wr|fr>, autonamed.
        NameRule("load balancer / target group", "{dn}-bs-fr", 32, autonamed=True),
        NameRule("ElastiCache replication group id", "{dn}-redis", 40),
        NameRule("RDS instance identifier", "{dn}-postgres", 63),
        NameRule("Lambda function name", "{dn}-QuarantineWarmupFunction", 64),
        NameRule("IAM role name", "{dn}-iam-quarantine-function", 64, autonamed=True),
        NameRule("EventBridge rule name", "{dn}-api-AutomationCron-schedule", 64, autonamed=True),
        NameRule("S3 bucket name", "{dn}-code-bundles-{sfx}", 63),
        NameRule("KMS alias", "alias/braintrust/{dn}", 256),
    ),
    Cloud.GCP: (
        NameRule("service account id", "{dn}-brainstore", 30),
        NameRule("service account id", "{dn}-gke-nodes", 30),
        NameRule("GKE cluster name", "{dn}-gke", 40),
        NameRule("Cloud SQL instance name", "{dn}-postgres-{sfx}", 98),
        NameRule("Memorystore instance id", "{dn}-redis", 40),
        NameRule("GCS bucket name", "{dn}-brainstore-{sfx}", 63),
        NameRule("KMS key ring", "{dn}-keyring-{sfx}", 63),
        NameRule("Cloud Router / NAT", "{dn}-router", 63),
        NameRule("service account id", "{dn}-api", 30),
        NameRule("firewall rule", "{dn}-allow-health-checks", 63),
        NameRule("Secret Manager secret id", "{dn}-postgres-password", 255),
        NameRule("SSL certificate", "{dn}-api-cert", 63),
    ),
    Cloud.AZURE: (
        NameRule("Key Vault name", "{dn}-kv-{sfx}", 24),
        NameRule("storage account name", "{dn}st{sfx}", 24, compact=True),
        NameRule("PostgreSQL server name", "{dn}-pg-{sfx}", 63),
        NameRule("Azure Managed Redis name", "{dn}-redis-{sfx}", 60),
        NameRule("AKS cluster name", "{dn}-aks", 63),
        NameRule("AKS node resource group", "{dn}-aks-nodes", 80),
        NameRule("resource group", "{dn}-rg", 90),
        NameRule("Front Door endpoint name", "{dn}-api-{sfx}", 46),
        NameRule("private link service name", "{dn}-api-pls", 80),
    ),
}


def max_deployment_name_len(cloud: Cloud, suffix_len: int = DEFAULT_SUFFIX_LEN) -> int:
    return min(rule.max_dn_len(suffix_len) for rule in RULES[cloud])


def binding_rule(cloud: Cloud, suffix_len: int = DEFAULT_SUFFIX_LEN) -> NameRule:
    """The rule that sets the limit (named in error messages)."""
    return min(RULES[cloud], key=lambda r: r.max_dn_len(suffix_len))


def default_suffix(*scope: str) -> str:
    """Deterministic suffix for globally unique names: stable across runs, different per account/project."""
    digest = hashlib.sha256("/".join(scope).encode()).hexdigest()
    # Start with a letter: some clouds reject a leading digit after compaction.
    return "s" + digest[: DEFAULT_SUFFIX_LEN - 1]


_COMPACT = re.compile(r"[^a-z0-9]")


def compact(name: str) -> str:
    """Lowercase alphanumerics only (Azure storage accounts, some GCP ids)."""
    return _COMPACT.sub("", name.lower())
