"""The ECS API's task definitions against AWS's published models: Fargate task sizes (cfn-lint's schema of
AWS::ECS::TaskDefinition) and the container definitions ECS parses from JSON (botocore's ecs shapes: field names
and enum values), which no provider schema checks before `pulumi up`."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from components.config import Cloud
from components.config.aws import fargate_size_problem
from components.facts import aws as aws_facts

from . import models
from .built import built, stacks_of

AWS = stacks_of(Cloud.AWS)
TASK = "aws:ecs/taskDefinition:TaskDefinition"


def test_the_fargate_sizes_we_allow_are_the_ones_aws_publishes():
    published = models.fargate_cpu_memory()
    ours = aws_facts.FARGATE_CPU_MEMORY_MIB
    assert set(ours) <= set(published) and 32768 in set(published) - set(ours)  # 32 vCPU: not offered here
    assert {cpu: published[cpu] for cpu in ours} == ours


def test_cpu_units_per_vcpu_is_what_the_ecs_api_documents():
    doc = models.botocore_shapes("ecs")["RegisterTaskDefinitionRequest"]["members"]["cpu"]["documentation"]
    found = re.search(r"<code>(\d+)</code> CPU units \(<code>([\d.]+)</code> vCPUs\)", doc)
    assert found, doc
    units, vcpus = found.groups()
    assert int(units) / float(vcpus) == aws_facts.FARGATE_CPU_UNITS_PER_VCPU


def test_the_configuration_check_refuses_what_aws_refuses():
    published = models.fargate_cpu_memory()
    for cpu, memory in published.items():
        if cpu not in aws_facts.FARGATE_CPU_MEMORY_MIB:
            continue
        vcpu = cpu / aws_facts.FARGATE_CPU_UNITS_PER_VCPU
        for mib in range(512, 131072 + 1, 512):
            assert (fargate_size_problem(vcpu, mib / 1024) is None) is (mib in memory), (cpu, mib)
    assert fargate_size_problem(3, 8) is not None  # 3 vCPU is no Fargate size


def _tasks(stack: str) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    return [(r.name, dict(r.inputs), json.loads(r.inputs["containerDefinitions"])) for r in built(stack).of_type(TASK)]


STACKS_WITH_ECS = [s for s in AWS if _tasks(s)]


def test_at_least_one_stack_builds_the_ecs_api():
    assert STACKS_WITH_ECS


@pytest.mark.parametrize("stack", STACKS_WITH_ECS)
def test_task_sizes_are_fargate_sizes(stack: str):
    published = models.fargate_cpu_memory()
    for name, inputs, _ in _tasks(stack):
        assert int(inputs["memory"]) in published[int(inputs["cpu"])], name


def _unknown_keys(value: Any, shape: str, where: str) -> list[str]:
    """Keys of ``value`` (and nested structures) that the botocore shape does not declare."""
    shapes = models.botocore_shapes("ecs")
    spec = shapes[shape]
    found: list[str] = []
    if spec["type"] == "structure":
        for key, item in value.items():
            member = spec["members"].get(key)
            if member is None:
                found.append(f"{where}.{key}")
            else:
                found += _unknown_keys(item, member["shape"], f"{where}.{key}")
    elif spec["type"] == "list":
        for i, item in enumerate(value):
            found += _unknown_keys(item, spec["member"]["shape"], f"{where}[{i}]")
    elif spec["type"] == "map":
        found += [problem for key, item in value.items()
                  for problem in _unknown_keys(item, spec["value"]["shape"], f"{where}.{key}")]
    elif "enum" in spec and value not in spec["enum"]:
        found.append(f"{where}={value!r} not in {shape}")
    return found


@pytest.mark.parametrize("stack", STACKS_WITH_ECS)
def test_container_definitions_use_ecs_field_names_and_enum_values(stack: str):
    for name, _, containers in _tasks(stack):
        for container in containers:
            assert _unknown_keys(container, "ContainerDefinition", name) == []
            assert container["logConfiguration"]["logDriver"] in models.botocore_enum("ecs", "LogDriver")


def test_a_misspelt_field_or_value_is_caught():
    assert _unknown_keys({"name": "api", "portMapings": []}, "ContainerDefinition", "c") == ["c.portMapings"]
    assert _unknown_keys({"logConfiguration": {"logDriver": "cloudwatch"}}, "ContainerDefinition", "c") == [
        "c.logConfiguration.logDriver='cloudwatch' not in LogDriver"]
