"""Resources the stack refers to belong where the stack deploys, or the error says which part is wrong.

* AWS: the ACM certificate and the WAF web ACL of CloudFront live in us-east-1 (a CloudFront rule); they,
  the BYO KMS key (in the stack's region: keys are regional) and the permissions boundary belong to
  ``aws.account_id`` when it is set. Every ARN is in the ``aws`` partition (all supported regions are).
* GCP: a BYO Cloud KMS key is in the stack's region (CMEK for Cloud SQL, Memorystore and regional
  buckets must be in the resource's location).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .common import Cloud, Problem, given

if TYPE_CHECKING:
    from .root import DataPlaneConfig

CLOUDFRONT_REGION = "us-east-1"


def _arn_parts(arn: str) -> tuple[str, str, str, str] | None:
    """(partition, service, region, account) of an ARN, None when it is not one."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None
    return parts[1], parts[2], parts[3], parts[4]


def _check(path: str, arn: str | None, *, region: str | None, account: str | None) -> list[Problem]:
    if not arn:
        return []
    parts = _arn_parts(arn)
    if parts is None:
        return []  # the field's own pattern reports it
    partition, _, arn_region, arn_account = parts
    found = []
    if partition != "aws":
        found.append(Problem(path=path, message=f"is in partition {partition!r}; this stack deploys to 'aws'"))
    if region is not None and arn_region != region:
        found.append(Problem(path=path, message=(
            f"is in region {given(arn_region)}; it must be in {region} (given: {given(arn)})")))
    if account is not None and arn_account != account:
        found.append(Problem(path=path, message=(
            f"belongs to account {given(arn_account)}, not aws.account_id {account} (given: {given(arn)})")))
    return found


def problems(cfg: DataPlaneConfig) -> list[Problem]:
    if cfg.cloud is Cloud.GCP and cfg.gcp is not None and cfg.gcp.kms.existing_key_id:
        location = cfg.gcp.kms.existing_key_id.split("/")[3]
        if location != cfg.region:
            return [Problem(path="gcp.kms.existing_key_id", message=(
                f"is in location {given(location)}; CMEK keys must be in the stack's region {cfg.region}"))]
        return []
    if cfg.cloud is not Cloud.AWS:
        return []
    aws = cfg.aws_section
    account = aws.account_id
    found = _check("ingress.certificate", cfg.ingress.certificate, region=CLOUDFRONT_REGION, account=account)
    found += _check("ingress.waf_acl", cfg.ingress.waf_acl, region=CLOUDFRONT_REGION, account=account)
    found += _check("aws.kms.existing_key_arn", aws.kms.existing_key_arn, region=cfg.region, account=account)
    found += _check("aws.permissions_boundary_arn", aws.permissions_boundary_arn, region=None, account=account)
    return found
