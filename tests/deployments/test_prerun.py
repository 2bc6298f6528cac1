"""The pre-run commands, executed: bash runs them against a recording fake `pulumi` and a local REST endpoint.

Pulumi Deployments runs each line in its own shell with PULUMI_CI_* set; so do these tests.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from deployments import prerun
from deployments.config import ROOT, from_stack_file
from deployments.program import review_deployment_name
from tests.support.harness import new_harness, run, unwrap

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("bash", "sha256sum", "cut", "python3")), reason="needs bash + coreutils")

ACME = ROOT / "deployments" / "Pulumi.acme.yaml"

FAKE_PULUMI = """#!/usr/bin/env bash
# Records each call; `stack tag get` finds the tag only when FAKE_TAG is set; env rm fails on FAKE_RM_FAILS.
printf '%s\\n' "$*" >> "$PULUMI_CALLS"
case "$*" in
  "stack tag get"*) [ -n "$FAKE_TAG" ] ;;
  "config env rm"*) [ -z "$FAKE_RM_FAILS" ] ;;
  *) exit 0 ;;
esac
"""


class _Endpoint(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 201

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Endpoint.received.append({"path": self.path, "headers": dict(self.headers),
                                   "body": json.loads(self.rfile.read(length))})
        self.send_response(_Endpoint.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def api() -> Iterator[str]:
    _Endpoint.received, _Endpoint.status = [], 201
    server = http.server.HTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A checkout: the template's stack file, and a fake `pulumi` first on PATH."""
    (tmp_path / "stacks").mkdir()
    shutil.copy(ROOT / "stacks" / "Pulumi.aws-staging.yaml", tmp_path / "stacks")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text(FAKE_PULUMI)
    (bin_dir / "pulumi").chmod(0o755)
    return tmp_path


def execute(lines: list[str], cwd: Path, project: Path, api: str = "http://127.0.0.1:9", **env: str) -> list[str]:
    """Run each line in its own bash like Deployments; return the recorded pulumi calls (raises on failure)."""
    calls = project / "calls.log"
    calls.write_text("")
    environ = {**os.environ, "PATH": f"{project / 'bin'}:{os.environ['PATH']}", "PULUMI_CALLS": str(calls),
               "PULUMI_CI_ORGANIZATION": "acme", "PULUMI_CI_PROJECT": "braintrust", "PULUMI_ACCESS_TOKEN": "tok-1",
               "PULUMI_BACKEND_URL": api, **env}
    for line in lines:
        subprocess.run(["bash", "-c", line], cwd=cwd, env=environ, check=True, capture_output=True, timeout=60)
    return calls.read_text().splitlines()


def template_lines(repo_dir: str = "") -> list[str]:
    cfg = from_stack_file(ACME)
    return prerun.commands("aws-staging", cfg.environment("aws-staging"), cfg.preview_environment("aws-staging"),
                           repo_dir=repo_dir, review=("aws", cfg.review_environment, 7))


def test_the_program_installs_exactly_these_lines():
    h = new_harness(stack="acme")
    import pulumi

    from deployments.program import configure

    run(h, lambda: configure(from_stack_file(ACME), "acme", pulumi.Output.secret("x"), pulumi.Output.secret("y")))
    settings = unwrap(h.one("pulumiservice:index:DeploymentSettings", "aws-staging-deployment-settings").inputs)
    assert settings["operationContext"]["preRunCommands"] == template_lines()


def test_a_review_stack_becomes_a_disposable_copy_with_the_review_identity_and_a_ttl(project, api):
    stack = "pr-acme-braintrust-data-plane-42"
    calls = execute(template_lines(), project, project, api, PULUMI_CI_STACK=stack, PULUMI_CI_OPERATION="update")
    copy = project / "stacks" / f"Pulumi.{stack}.yaml"
    assert copy.read_text() == (project / "stacks" / "Pulumi.aws-staging.yaml").read_text()
    name = review_deployment_name(stack)
    assert re.fullmatch(r"rv[0-9a-f]{8}", name)
    assert calls[:8] == [
        f"config env rm braintrust/aws-staging --yes --stack {stack}",
        f"config env add braintrust/review --yes --stack {stack}",
        f"config set --stack {stack} braintrust:deployment_name {name}",
        f"config set --stack {stack} braintrust:danger_disable_deletion_protection true",
        f"config set --stack {stack} braintrust:danger_skip_final_snapshot true",
        f"config set --stack {stack} braintrust:danger_ephemeral true",
        f"config set --path --stack {stack} braintrust:aws.quarantine.enabled false",
        f"stack tag get braintrust:review-ttl --stack {stack}",
    ]
    [request] = _Endpoint.received
    assert request["path"] == f"/api/stacks/acme/braintrust/{stack}/deployments/ttl/schedules"
    assert request["headers"]["Authorization"] == "token tok-1"
    assert request["body"]["deleteAfterDestroy"] is True
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", request["body"]["timestamp"])
    assert calls[8:] == [f"stack tag set braintrust:review-ttl {request['body']['timestamp']} --stack {stack}"]


def test_the_ttl_is_created_once(project, api):
    calls = execute(template_lines(), project, project, api, PULUMI_CI_STACK="pr-1", PULUMI_CI_OPERATION="update",
                    FAKE_TAG="1")
    assert _Endpoint.received == [] and not any(c.startswith("stack tag set") for c in calls)


def test_a_failed_ttl_request_fails_the_line_and_records_nothing(project, api):
    _Endpoint.status = 500
    with pytest.raises(subprocess.CalledProcessError):
        execute(template_lines()[-2:-1], project, project, api, PULUMI_CI_STACK="pr-1", PULUMI_CI_OPERATION="update")
    assert not any(c.startswith("stack tag set") for c in (project / "calls.log").read_text().splitlines())


@pytest.mark.parametrize(("operation", "swapped"), [
    ("update", False), ("destroy", False), ("remediate-drift", False),
    ("preview", True), ("refresh", True), ("detect-drift", True),
])
def test_the_template_itself_only_swaps_to_its_read_only_identity(project, operation, swapped):
    calls = execute(template_lines(), project, project, PULUMI_CI_STACK="aws-staging", PULUMI_CI_OPERATION=operation)
    expected = ["config env rm braintrust/aws-staging --yes --stack aws-staging",
                "config env add braintrust/aws-staging-preview --yes --stack aws-staging"] if swapped else []
    assert calls == expected
    assert sorted(p.name for p in (project / "stacks").iterdir()) == ["Pulumi.aws-staging.yaml"]


@pytest.mark.parametrize("operation", ["preview", "detect-drift"])
def test_pull_request_previews_and_drift_checks_of_production_use_the_read_only_identity(project, operation):
    cfg = from_stack_file(ACME)
    lines = prerun.commands("aws-production", cfg.environment("aws-production"),
                            cfg.preview_environment("aws-production"))
    calls = execute(lines, project, project, PULUMI_CI_STACK="aws-production", PULUMI_CI_OPERATION=operation)
    assert calls[-1] == "config env add braintrust/aws-production-preview --yes --stack aws-production"
    assert execute(lines, project, project, PULUMI_CI_STACK="aws-production", PULUMI_CI_OPERATION="update") == []


def test_the_swap_fails_closed_when_the_write_import_cannot_be_removed(project):
    cfg = from_stack_file(ACME)
    lines = prerun.commands("aws-production", cfg.environment("aws-production"),
                            cfg.preview_environment("aws-production"))
    with pytest.raises(subprocess.CalledProcessError):
        execute(lines, project, project, PULUMI_CI_STACK="aws-production", PULUMI_CI_OPERATION="preview",
                FAKE_RM_FAILS="1")
    assert (project / "calls.log").read_text().splitlines() == [
        "config env rm braintrust/aws-production --yes --stack aws-production"]


@pytest.mark.parametrize("start", ["root", "repo_dir"])
def test_with_a_repo_dir_the_lines_work_from_the_root_or_the_project_folder(tmp_path, project, api, start):
    root = tmp_path / "checkout"
    (root / "infra").mkdir(parents=True)
    shutil.copytree(project / "stacks", root / "infra" / "stacks")
    cwd = root if start == "root" else root / "infra"
    execute(template_lines(repo_dir="infra"), cwd, project, api, PULUMI_CI_STACK="pr-7", PULUMI_CI_OPERATION="update")
    assert (root / "infra" / "stacks" / "Pulumi.pr-7.yaml").exists()


def test_review_stacks_keep_the_template_config_except_name_and_disposability(project, api):
    """The copy changes nothing in config by itself: only the `pulumi config set` calls above do."""
    execute(template_lines(), project, project, api, PULUMI_CI_STACK="pr-9", PULUMI_CI_OPERATION="update")
    template = yaml.safe_load((project / "stacks" / "Pulumi.aws-staging.yaml").read_text())
    assert "braintrust:danger_disable_deletion_protection" not in template["config"]  # staging keeps protections
