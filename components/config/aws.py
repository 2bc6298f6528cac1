"""AWS section of the stack configuration (``braintrust:aws``)."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .common import StrictModel

# Braintrust publishes Lambda bundles only in these regions (bucket braintrust-assets-<region>);
# the official module enforces the same list with a postcondition.
SUPPORTED_REGIONS: tuple[str, ...] = (
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
)

VpcId = Annotated[str, Field(pattern=r"^vpc-[0-9a-f]{8,17}$")]
SubnetId = Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]
SecurityGroupId = Annotated[str, Field(pattern=r"^sg-[0-9a-f]{8,17}$")]
KmsKeyArn = Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f-]{36}$")]
IamPolicyArn = Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:policy/[\w+=,.@/-]+$")]
BucketName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]


class AwsNetworkConfig(StrictModel):
    """Main VPC: created (default) or brought by the user (create_vpc: false + existing_*)."""

    create_vpc: bool = Field(default=True, description="Create the main VPC.")
    vpc_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.175.0.0/16"), description="CIDR of the created VPC."
    )
    nat_gateways: Literal["single", "per_az"] | None = Field(
        default=None, description="NAT layout; default single in staging, per_az in production."
    )
    flow_logs_retention_days: int = Field(default=90, ge=1, description="VPC flow log retention.")
    existing_vpc_id: VpcId | None = Field(default=None, description="BYO VPC id (create_vpc: false).")
    existing_private_subnet_ids: list[SubnetId] = Field(
        default_factory=list, description="BYO private subnets (>= 2 AZs; egress via NAT)."
    )
    existing_public_subnet_ids: list[SubnetId] = Field(
        default_factory=list, description="BYO public subnets (only needed for the bastion)."
    )

    @model_validator(mode="after")
    def _byo_complete(self) -> AwsNetworkConfig:
        byo = self.existing_vpc_id or self.existing_private_subnet_ids or self.existing_public_subnet_ids
        if self.create_vpc and byo:
            raise ValueError("existing_* network ids are set but create_vpc is true; set create_vpc: false")
        if not self.create_vpc:
            missing = []
            if not self.existing_vpc_id:
                missing.append("existing_vpc_id")
            if len(self.existing_private_subnet_ids) < 2:
                missing.append("existing_private_subnet_ids (at least 2, in different AZs)")
            if missing:
                raise ValueError("create_vpc: false requires " + " and ".join(missing))
        if self.vpc_cidr.prefixlen > 20:
            raise ValueError("vpc_cidr must be /20 or larger (subnets are carved as /23s and /24s)")
        return self


class AwsQuarantineConfig(StrictModel):
    """VPC where user-defined functions run isolated from the data plane (on by default, as upstream)."""

    enabled: bool = Field(default=True, description="Run user-defined functions in a quarantine VPC.")
    create_vpc: bool = Field(default=True, description="Create the quarantine VPC.")
    vpc_cidr: ipaddress.IPv4Network = Field(
        default=ipaddress.IPv4Network("10.176.0.0/16"), description="CIDR of the created quarantine VPC."
    )
    existing_vpc_id: VpcId | None = Field(default=None, description="BYO quarantine VPC id.")
    existing_subnet_ids: list[SubnetId] = Field(
        default_factory=list, description="BYO quarantine private subnets (>= 2)."
    )

    @model_validator(mode="after")
    def _byo_complete(self) -> AwsQuarantineConfig:
        byo = self.existing_vpc_id or self.existing_subnet_ids
        if self.create_vpc and byo:
            raise ValueError("existing_* quarantine ids are set but create_vpc is true; set create_vpc: false")
        if self.enabled and not self.create_vpc and (not self.existing_vpc_id or len(self.existing_subnet_ids) < 2):
            raise ValueError("create_vpc: false requires existing_vpc_id and at least 2 existing_subnet_ids")
        return self


class AwsKmsConfig(StrictModel):
    create_key: bool = Field(default=True, description="Create the customer-managed KMS key.")
    existing_key_arn: KmsKeyArn | None = Field(default=None, description="BYO KMS key ARN.")

    @model_validator(mode="after")
    def _pair(self) -> AwsKmsConfig:
        if self.create_key and self.existing_key_arn:
            raise ValueError("existing_key_arn is set but create_key is true; set create_key: false")
        if not self.create_key and not self.existing_key_arn:
            raise ValueError("create_key: false requires existing_key_arn")
        return self


class AwsLambdaConfig(StrictModel):
    """Sizing of the API on Lambda (the seed's API rows do not apply to Lambda)."""

    api_handler_memory_mb: int = Field(default=10240, ge=1024, le=10240, description="APIHandler memory.")
    ai_proxy_memory_mb: int = Field(default=10240, ge=1024, le=10240, description="AIProxy memory.")
    provisioned_concurrency: int = Field(
        default=1, ge=0, description="Provisioned concurrency of APIHandler and AIProxy (0 = off)."
    )
    reserved_concurrency: int | None = Field(
        default=None, ge=1, description="Reserved concurrency for APIHandler (protects a shared account)."
    )
    log_retention_days: int = Field(default=90, ge=1, description="Retention of every Lambda log group.")


class AwsConfig(StrictModel):
    account_id: Annotated[str, Field(pattern=r"^\d{12}$")] | None = Field(
        default=None, description="Expected AWS account id; the provider refuses any other account."
    )
    permissions_boundary_arn: IamPolicyArn | None = Field(
        default=None, description="Permissions boundary attached to every IAM role we create."
    )
    network: AwsNetworkConfig = Field(default_factory=AwsNetworkConfig)
    quarantine: AwsQuarantineConfig = Field(default_factory=AwsQuarantineConfig)
    kms: AwsKmsConfig = Field(default_factory=AwsKmsConfig)
    lambda_: AwsLambdaConfig = Field(default_factory=AwsLambdaConfig, alias="lambda")
    database_extra_security_group_ids: list[SecurityGroupId] = Field(
        default_factory=list, description="More security groups allowed to reach Postgres (e.g. a bastion)."
    )
    s3_access_logs_bucket: BucketName | None = Field(
        default=None, description="Existing bucket that receives S3 server access logs."
    )
    cloudfront_price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = Field(
        default="PriceClass_100", description="CloudFront edge locations used."
    )
    expose_ai_proxy_function_url: bool = Field(
        default=False,
        description="Opt in to a public, unauthenticated AIProxy Lambda function URL (upstream default).",
    )
