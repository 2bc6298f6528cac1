"""AWS fakes: realistic outputs and data-source results for the AWS provider."""

from __future__ import annotations

from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

from .fakes import AWS_ACCOUNT, invoke, output


@invoke("aws:index/getAvailabilityZones:getAvailabilityZones")
def _azs(args: MockCallArgs, region: str) -> dict[str, Any]:
    names = [f"{region}{z}" for z in "abcdef"]
    return {"names": names, "zoneIds": [f"use1-az{i}" for i in range(1, 7)], "id": region}


@invoke("aws:index/getCallerIdentity:getCallerIdentity")
def _caller(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"accountId": AWS_ACCOUNT, "arn": f"arn:aws:iam::{AWS_ACCOUNT}:role/deployer", "userId": "AIDEXAMPLE",
            "id": AWS_ACCOUNT}


@invoke("aws:index/getRegion:getRegion")
def _region(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com",
            "description": region}


@invoke("aws:index/getPartition:getPartition")
def _partition(args: MockCallArgs, region: str) -> dict[str, Any]:
    return {"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": "aws"}


@output("aws:kms/key:Key")
def _kms_key(args: MockResourceArgs, region: str) -> dict[str, Any]:
    key_id = f"0000{abs(hash(args.name)) % 10**8:08d}-0000-4000-8000-000000000000"[:36]
    return {"id": key_id, "keyId": key_id, "arn": f"arn:aws:kms:{region}:{AWS_ACCOUNT}:key/{key_id}"}


@output("aws:kms/alias:Alias")
def _kms_alias(args: MockResourceArgs, region: str) -> dict[str, Any]:
    name = args.inputs.get("name", f"alias/{args.name}")
    return {"arn": f"arn:aws:kms:{region}:{AWS_ACCOUNT}:{name}"}
