"""`python -m ops.access` (issue 13): for every stack and path, the exact commands from the stack's outputs,
offline; never a secret value in what it prints; `--run` executes the steps in order (a fake runner here)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ops import access
from tests.support.fakes_aws import GENERATED_PREFIX
from tests.support.fakes_azure import FAKE_REDIS_KEY
from tests.support.fakes_gcp import FAKE_REDIS_AUTH
from tests.support.harness import reset_runtime
from tests.support.stacks import FIXED_TODAY, STAND_INS, build_stack, stack_names

STACKS = stack_names()
SECRETS = (STAND_INS["brainstore_license_key"], GENERATED_PREFIX, FAKE_REDIS_AUTH, FAKE_REDIS_KEY,
           "certificate-authority-data", "kubelogin get-token")


@cache
def _outputs(stack: str) -> str:
    """The built stack's outputs as `pulumi stack output --json --show-secrets` would print them: even with
    every secret in the file, nothing secret may be printed."""
    try:
        return json.dumps(build_stack(stack).outputs, default=str)
    finally:
        reset_runtime()


def _main(tmp_path: Path, stack: str, *args: str, runner: Any = None) -> int:
    path = tmp_path / f"{stack}.json"
    path.write_text(_outputs(stack))
    return access.main([stack, *args, "--outputs", str(path)], runner=runner, today=FIXED_TODAY)


class FakeRunner:
    def __init__(self, captured: str = "i-0123456789abcdef0", fail: bool = False):
        self.calls: list[tuple[str, list[str]]] = []
        self.captured, self.fail = captured, fail

    def run(self, argv: Sequence[str]) -> int:
        self.calls.append(("run", list(argv)))
        return 1 if self.fail else 0

    def capture(self, argv: Sequence[str]) -> tuple[int, str]:
        self.calls.append(("capture", list(argv)))
        return 0, self.captured

    def start(self, argv: Sequence[str]) -> str:
        self.calls.append(("start", list(argv)))
        return "handle"

    def stop(self, handle: Any) -> None:
        self.calls.append(("stop", [handle]))


@pytest.mark.parametrize("target", access.TARGETS)
@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_and_path_prints_commands_and_what_they_need(stack: str, target: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]):
    assert _main(tmp_path, stack, target) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"# {target} on {stack}")
    assert "What you need (least privilege for this path)" in text
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} printed"
    outputs = json.loads(_outputs(stack))
    name = outputs["deployment_name"]
    assert name in text or name.replace("-", "") in text  # this stack's resources (storage accounts: no "-")


def test_aws_paths_use_session_manager_through_a_brainstore_node(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    _main(tmp_path, "aws-production", "postgres")
    text = capsys.readouterr().out
    assert "--auto-scaling-group-names acme-prod-brainstore-reader" in text
    assert "--document-name AWS-StartPortForwardingSessionToRemoteHost" in text
    assert "host=acme-prod-postgres.cabcdefghijk.us-east-1.rds.amazonaws.com,portNumber=5432" in text
    assert '--target "$INSTANCE"' in text
    assert "aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:" in text
    assert "secretsmanager:GetSecretValue on arn:aws:secretsmanager:" in text
    _main(tmp_path, "aws-staging", "bucket")
    assert "aws s3 ls s3://acme-stg-brainstore-" in capsys.readouterr().out


def test_kubernetes_paths_read_credentials_inside_the_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    _main(tmp_path, "gcp-production", "redis")
    text = capsys.readouterr().out
    assert "gcloud container clusters get-credentials acme-prod-gke" in text
    line = next(line for line in text.splitlines() if line.startswith("kubectl") and "--overrides=" in line)
    argv = shlex.split(line)  # what the shell hands kubectl
    overrides = json.loads(next(a for a in argv if a.startswith("--overrides=")).split("=", 1)[1])
    container = overrides["spec"]["containers"][0]
    assert container["env"] == [{"name": "REDIS_URL", "valueFrom": {"secretKeyRef": {
        "name": "braintrust-secrets", "key": "REDIS_URL"}}}]
    assert container["securityContext"]["runAsNonRoot"] is True
    assert overrides["spec"]["volumes"] == [{"name": "ca", "secret": {"secretName": "braintrust-redis-ca"}}]
    assert "--cacert /etc/redis-ca/ca.pem" in container["command"][2]
    _main(tmp_path, "azure-staging", "bucket")
    text = capsys.readouterr().out
    assert "az storage blob list --account-name" in text and "--auth-mode login" in text
    _main(tmp_path, "gcp-staging", "bucket")
    assert "--impersonate-service-account=" in capsys.readouterr().out


def test_run_executes_the_steps_in_order_with_the_captured_node(tmp_path: Path):
    runner = FakeRunner()
    assert _main(tmp_path, "aws-staging", "postgres", "--run", runner=runner) == 0
    kinds = [kind for kind, _ in runner.calls]
    assert kinds == ["capture", "start", "run", "stop"]  # the tunnel stops when psql exits
    assert "i-0123456789abcdef0" in runner.calls[1][1]
    assert runner.calls[2][1][:2] == ["bash", "-c"] and "psql" in runner.calls[2][1][2]


def test_run_stops_at_a_failing_step(tmp_path: Path):
    assert _main(tmp_path, "aws-staging", "shell", "--run", runner=FakeRunner(captured="None")) == 2
    runner = FakeRunner(fail=True)
    assert _main(tmp_path, "gcp-staging", "logs", "--run", runner=runner) == 2
    assert len(runner.calls) == 1


def test_offline_without_outputs_prints_placeholders_and_refuses_to_run(capsys: pytest.CaptureFixture[str]):
    runner = FakeRunner()
    code = access.main(["aws-staging", "postgres", "--run"], runner=runner, today=FIXED_TODAY)
    text = capsys.readouterr().out
    assert code == 3 and runner.calls == []
    assert "<database_endpoint>" in text and "refusing to --run" in text
    assert access.main(["azure-staging", "logs"], today=FIXED_TODAY) == 0  # names are known offline
    assert "kubectl --namespace braintrust logs deploy/braintrust-api" in capsys.readouterr().out


def test_missing_or_secret_outputs_are_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "old.json"
    outputs = json.loads(_outputs("aws-staging"))
    path.write_text(json.dumps({k: v for k, v in outputs.items() if k != "brainstore_asg_names"}))
    assert access.main(["aws-staging", "shell", "--outputs", str(path)], today=FIXED_TODAY) == 1
    assert "no 'brainstore_asg_names'" in capsys.readouterr().err
    path.write_text(json.dumps({**outputs, "database_endpoint": "[secret]"}))
    assert access.main(["aws-staging", "postgres", "--outputs", str(path)], today=FIXED_TODAY) == 1
    assert "is a secret" in capsys.readouterr().err


def test_unknown_stack_is_refused(capsys: pytest.CaptureFixture[str]):
    assert access.main(["nope", "logs"], today=FIXED_TODAY) == 1
    assert "no stack file" in capsys.readouterr().err
