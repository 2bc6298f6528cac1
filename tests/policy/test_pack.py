"""The pack as the Pulumi CLI runs it: `python policy/` serving the analyzer over gRPC.

The test starts the real pack process (never importing policy/__main__.py, whose PolicyPack blocks),
asks it what it enforces, and replays a built stack through it: the SDK's own analyzer must report
exactly what the offline runner reports.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from policy.offline import Recorded, check
from policy.rules import PACK_NAME, POLICIES

from .support import BY_NAME, built_dangerous

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policy"
LEVELS = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory"}


def test_main_only_builds_the_pack():
    """__main__.py imports the policies and constructs PolicyPack; nothing else runs there."""
    tree = ast.parse((PACK / "__main__.py").read_text())
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    names = {(n.module, a.name) for n in imports for a in n.names}
    assert names >= {("rules", "POLICIES"), ("pulumi_policy", "PolicyPack")}
    calls = [n.value for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    assert len(calls) == 1 and isinstance(calls[0].func, ast.Name) and calls[0].func.id == "PolicyPack"
    others = [n for n in tree.body if not isinstance(n, ast.ImportFrom | ast.Expr | ast.AnnAssign)]
    assert others == [], "keep policy/__main__.py to imports and the PolicyPack call"


def test_pack_project_file_points_at_the_shared_virtualenv():
    text = (PACK / "PulumiPolicy.yaml").read_text()
    assert "name: python" in text and "virtualenv: ../venv" in text
    assert (PACK / ".." / "venv").resolve() == (ROOT / "venv").resolve()


def test_a_published_pack_carries_the_same_pins_as_the_program():
    """Where Pulumi Cloud enforces the published pack, it installs policy/requirements.txt: same versions."""
    def pins(path: Path) -> dict[str, str]:
        lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
        return dict(line.split("==", 1) for line in lines if "==" in line)

    published = pins(PACK / "requirements.txt")
    program = pins(ROOT / "requirements.txt")
    assert published and {name: program[name] for name in published} == published


@pytest.fixture(scope="module")
def analyzer() -> Iterator[Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    process = subprocess.Popen([sys.executable, str(PACK)], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        if not port.isdigit():
            process.kill()
            pytest.fail(f"the pack did not start: {process.communicate(timeout=10)}")
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_analyzer_serves_every_policy_with_its_metadata(analyzer: Any):
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == PACK_NAME
    served = {p.name: p for p in info.policies}
    assert set(served) == {p.name for p in POLICIES}
    for name, policy in served.items():
        ours = BY_NAME[name]
        assert ours.enforcement_level is not None
        assert LEVELS[policy.enforcementLevel] == ours.enforcement_level.value, name
        assert policy.description == ours.description
        assert policy.remediation_steps == ours.remediation_steps
        for key, setting in ours.settings.items():
            served_schema = dict(policy.configSchema.properties[key])
            assert served_schema["default"] == setting.default


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _struct(values: Any) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(_json(dict(values)))
    return out


def _options(r: Recorded) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(protect=r.protect, ignoreChanges=list(r.ignore_changes),
                                                aliases=list(r.aliases), parent=r.parent)


def _served_violations(analyzer: Any, resources: list[Recorded]) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for r in resources:
        response = analyzer.Analyze(analyzer_pb2.AnalyzeRequest(
            type=r.type, properties=_struct(r.inputs), urn=r.urn, name=r.name, options=_options(r)))
        found |= {(d.policyName, r.urn, d.message) for d in response.diagnostics}
    stack = analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=[
        analyzer_pb2.AnalyzerResource(type=r.type, properties=_struct(r.state), urn=r.urn, name=r.name,
                                      options=_options(r), parent=r.parent, dependencies=list(r.dependencies))
        for r in resources
    ]))
    found |= {(d.policyName, d.urn, d.message) for d in stack.diagnostics}
    return found


def test_real_analyzer_agrees_with_the_offline_runner(analyzer: Any):
    """Same stack, same verdicts: the offline runner is a faithful stand-in for `pulumi preview`."""
    resources = built_dangerous("aws-production").resources  # a production stack with violations
    offline = {(v.policy, v.urn or "", f"{v.description}\n{v.message}") for v in check(resources).violations}
    served = _served_violations(analyzer, resources)
    assert offline, "the comparison needs violations to compare"
    assert served == offline


def test_pack_config_disables_a_policy_in_the_real_analyzer(analyzer: Any):
    bad = analyzer_pb2.AnalyzeRequest(type="aws:rds/instance:Instance", name="db",
                                      urn="urn:pulumi:s::p::aws:rds/instance:Instance::db",
                                      properties=_struct({"publiclyAccessible": True}))
    assert any(d.policyName == "aws-rds-not-public" for d in analyzer.Analyze(bad).diagnostics)
    analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(
        policyConfig={"aws-rds-not-public": analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.DISABLED)}))
    try:
        assert not any(d.policyName == "aws-rds-not-public" for d in analyzer.Analyze(bad).diagnostics)
    finally:
        analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={}))
