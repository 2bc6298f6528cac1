"""Facts behind keeping secrets out of plain configuration.

* ``KEY_FORMATS``: what well-known provider credentials look like, so a value (not only a name) gives a
  credential away: ``aws.lambda.extra_env`` / ``aws.brainstore.extra_env`` refuse them at config time and the
  policy pack's secret detection (``policy/rules/common.py``, kept equal by a test) looks for them in resource
  inputs. Patterns follow gitleaks' default rules (a widely used secret scanner, read at a pinned commit)
  and, where the vendor documents the format, the vendor's page.
* The Lambda environment budget: 4 KB per function, and the AWS naming limits that bound the values the
  program itself puts there (``components/config/lambda_env.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Check, register

GITLEAKS = "gitleaks/gitleaks@b58d3f1/config/gitleaks.toml"


@dataclass(frozen=True)
class KeyFormat:
    """A credential format.

    ``prefixes``: how such a credential starts; a configuration value starting with one is refused (strict:
    nothing legitimate we configure starts like a key). ``pattern``: the whole credential, searched for in
    resource inputs by the policy pack (strict enough not to fire on names such as ``acme-sk-data``)."""

    name: str
    prefixes: tuple[str, ...]
    pattern: str


def _format(name: str, prefixes: tuple[str, ...], pattern: str, source: str, note: str = "") -> KeyFormat:
    return register(f"secrets.key_format.{name}", KeyFormat(name, prefixes, pattern), source, Check.DOCS, note)


KEY_FORMATS: tuple[KeyFormat, ...] = (
    _format("aws-access-key-id", (),  # a bare AKIA/ASIA prefix is too common a word: the whole id decides
            r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
            f"https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html ; {GITLEAKS}:208",
            "AKIA = long-term, ASIA = STS temporary (AWS docs; botocore's copy of that text is checked by "
            "tests/components/facts/test_secret_formats.py); ABIA/ACCA/A3T from gitleaks"),
    _format("anthropic-api-key", ("sk-ant-",), r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{40,}",
            f"{GITLEAKS}:146 ; {GITLEAKS}:152", "gitleaks: sk-ant-api03-<93>AA and sk-ant-admin01-<93>AA"),
    _format("openai-api-key", ("sk-",),
            r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
            f"{GITLEAKS}:2706", "the bare sk- prefix is also used by other AI providers' keys"),
    _format("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
            r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{30,}|\bgithub_pat_\w{22,}",
            "https://github.blog/changelog/2021-03-31-authentication-token-format-updates-are-generally-available/ ; "
            f"{GITLEAKS}:2161 ; {GITLEAKS}:2154 ; {GITLEAKS}:2133 ; {GITLEAKS}:2147",
            "GitHub may lengthen tokens (up to 255 characters), so only a minimum length is required"),
    _format("gitlab-token", ("glpat-",), r"\bglpat-[A-Za-z0-9_.-]{20,}",
            f"https://gitlab.com/gitlab-org/gitlab/-/issues/342327 ; {GITLEAKS}:2228"),
    _format("slack-token", ("xoxb-", "xoxp-", "xoxa-", "xoxe-"), r"\bxox[abpe]-[0-9]{8,}-[A-Za-z0-9-]{10,}",
            f"https://docs.slack.dev/authentication/tokens ; {GITLEAKS}:2973 ; {GITLEAKS}:3024"),
    _format("google-api-key", ("AIza",), r"\bAIza[A-Za-z0-9_-]{35}", f"{GITLEAKS}:614"),
    _format("private-key", ("-----BEGIN",), r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY", f"{GITLEAKS}:2787",
            "PEM private keys (RSA, EC, OPENSSH, PKCS#8, encrypted)"),
)
KEY_PREFIXES: tuple[str, ...] = tuple(prefix for f in KEY_FORMATS for prefix in f.prefixes)

# ----- the Lambda environment budget -----

LAMBDA_MAX_ENVIRONMENT_BYTES = register(
    "aws.lambda.max_environment_bytes", 4096,
    "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html", Check.DOCS,
    note="'Function environment variables: 4 KB, for all environment variables associated with the function, "
         "in aggregate'. Lambda measures the variables serialised as JSON (its error names the 'string "
         "measured'), so we count compact JSON bytes; with ASCII escapes that over-counts, never under-counts")
HOSTNAME_MAX_CHARS = register(
    "dns.max_name_length", 255, "https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4", Check.DOCS,
    note="names are 255 octets or less: bounds an endpoint whose layout AWS does not document (ElastiCache)")
DNS_LABEL_MAX_CHARS = register(
    "dns.max_label_length", 63, "https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4", Check.DOCS,
    note="labels are 63 octets or less: bounds the one generated label of an endpoint with a documented layout")
# Endpoint layouts: one generated label, then a fixed domain ({region} filled in).
NLB_DOMAIN = register(
    "aws.elb.nlb_dns_domain", ".elb.{region}.amazonaws.com",
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#dns-name",
    Check.DOCS, note="DNS name: <name>-<id>.elb.<region>.amazonaws.com")
FUNCTION_URL_DOMAIN = register(
    "aws.lambda.function_url_domain", ".lambda-url.{region}.on.aws",
    "https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html", Check.DOCS,
    note="function URL: https://<url-id>.lambda-url.<region>.on.aws/")
CLOUDFRONT_DOMAIN = register(
    "aws.cloudfront.default_domain", ".cloudfront.net",
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-working-with.html",
    Check.DOCS, note="default domain name: d111111abcdef8.cloudfront.net")
S3_BUCKET_NAME_MAX_CHARS = register(
    "aws.s3.max_bucket_name_length", 63,
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html", Check.DOCS)
IAM_ROLE_NAME_MAX_CHARS = register(
    "aws.iam.max_role_name_length", 64, "pypi:botocore==1.44.8/botocore/data/iam/2010-05-08/service-2.json",
    Check.CONTRACT, note="shape roleNameType max (tests/components/facts/test_secret_formats.py)")
EC2_ID_HEX_CHARS = register(
    "aws.ec2.resource_id_hex_length", 17,
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html", Check.DOCS,
    note="longer resource ids: prefix, hyphen, 17 hexadecimal characters (subnet-, sg-, vpc-)")
SECRETS_MANAGER_ARN_SUFFIX = register(
    "aws.secretsmanager.arn_suffix", "-XXXXXX",
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html", Check.DOCS,
    note="Secrets Manager adds a hyphen and six random characters after the secret name at the end of the ARN")
