"""Brainstore nodes behave like upstream's (issue 13): rotated Docker logs, the CloudWatch agent shipping logs to
the CMK-encrypted group and publishing the memory/disk metrics the alarms read, and an OOM guard."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from components.aws.alert_rules import RULES
from components.aws.brainstore import TEMPLATE, render_user_data
from components.facts import monitoring as m
from tests.support.harness import Harness, unwrap

SAMPLE = {
    "DEPLOYMENT": "acme", "ROLE": "reader", "REGION": "us-east-1", "IMAGE_TAG": "v2.12.0", "CACHE_SIZE": "855gb",
    "READER_ONLY": "true", "TELEMETRY": "status,metrics,usage", "BRAINSTORE_BUCKET": "acme-brainstore",
    "RESPONSES_BUCKET": "acme-responses", "CODE_BUNDLES_BUCKET": "acme-code",
    "DATABASE_URL_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:db",
    "REDIS_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:redis",
    "SERVICE_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:tok",
    "LICENSE_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:lic",
    "AI_PROXY_URL_PARAMETER": "/braintrust/acme/ai-proxy-url", "LOG_GROUP": "/braintrust/acme/brainstore",
}


def _heredoc(script: str, opener: str, terminator: str) -> str:
    start = script.index(opener) + len(opener)
    return script[start:script.index(f"\n{terminator}\n", start)]


def _agent_config(script: str) -> dict[str, Any]:
    """The agent's JSON as bash writes it (${LOG_GROUP} and ${ROLE} expanded, \\${aws:...} left literal)."""
    text = _heredoc(script, '<< JSON\n', "JSON")
    expanded = text.replace("${LOG_GROUP}", SAMPLE["LOG_GROUP"]).replace("${ROLE}", SAMPLE["ROLE"])
    return json.loads(expanded.replace("\\${", "${"))


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def _metric_keys(config: dict[str, Any]) -> set[str]:
    """Keys of the document minus the agent's free-form maps (dimension names, plugin sections)."""
    return _keys(config) - {"InstanceId", "AutoScalingGroupName"}


SCRIPT = render_user_data(SAMPLE)
AGENT = _agent_config(SCRIPT[SCRIPT.index('cat > "$AGENT_CONFIG"'):])


def test_docker_logs_rotate_as_upstream():
    daemon = json.loads(_heredoc(SCRIPT, "cat > /etc/docker/daemon.json << 'JSON'\n", "JSON"))
    assert daemon == {"log-driver": "json-file", "log-opts": m.DOCKER_LOG_ROTATION}
    # Brainstore logs through the rotated json-file driver (the agent ships them), not straight to CloudWatch.
    assert "awslogs" not in SCRIPT
    assert SCRIPT.index("/etc/docker/daemon.json") < SCRIPT.index("systemctl enable --now docker")


def test_the_agent_ships_container_logs_to_the_deployments_encrypted_group():
    files = AGENT["logs"]["logs_collected"]["files"]["collect_list"]
    assert {f["file_path"] for f in files} >= {"/var/lib/docker/containers/*/*.log",
                                               "/var/log/brainstore-bootstrap.log"}
    assert {f["log_group_name"] for f in files} == {SAMPLE["LOG_GROUP"]}
    assert "{instance_id}/reader" in {f["log_stream_name"] for f in files}


def test_the_agent_publishes_what_the_alarms_read():
    metrics = AGENT["metrics"]
    assert metrics["namespace"] == m.CW_AGENT.name
    assert metrics["append_dimensions"]["AutoScalingGroupName"] == "${aws:AutoScalingGroupName}"
    assert ["AutoScalingGroupName"] in metrics["aggregation_dimensions"]
    mem = metrics["metrics_collected"]["mem"]["measurement"][0]
    published = {mem.get("rename") or mem["name"]}
    disk = metrics["metrics_collected"]["disk"]
    published |= {f"disk_{x['name']}" for x in disk["measurement"]}
    assert disk["resources"] == ["/"]  # the NVMe cache is full by design; the root disk is what fills up
    read = {r.metric for r in RULES if r.namespace is m.CW_AGENT}
    assert read and read <= published
    assert _metric_keys(AGENT) - {"mem", "disk"} <= set(m.CW_AGENT_CONFIG_KEYS)


def test_the_agent_restarts_and_starts_before_brainstore():
    assert "Restart=always" in SCRIPT and m.CW_AGENT_CTL in SCRIPT
    assert m.CW_AGENT_PACKAGE in re.search(r"dnf install -y -q ([^\n]+)", SCRIPT).group(1)  # type: ignore[union-attr]
    assert SCRIPT.index("amazon-cloudwatch-agent-ctl") < SCRIPT.index("systemctl enable --now brainstore.service")


def test_oom_guard_leaves_memory_for_the_host(tmp_path: Path):
    """Brainstore runs under a limit of all memory but max(1 GiB, 5%); computed by the script's own lines."""
    guard = _heredoc(SCRIPT, "(agent, Docker, SSM) ----\n",
                     "# ---- 6. Brainstore as a systemd unit that needs the cache mount ----")
    for total_kb, limit_kb in ((8 * 1024**2, 7 * 1024**2), (64 * 1024**2, 64 * 1024**2 - 64 * 1024**2 // 20)):
        meminfo = tmp_path / "meminfo"
        meminfo.write_text(f"MemTotal:       {total_kb} kB\nMemFree:  1 kB\n")
        script = guard.replace("/proc/meminfo", str(meminfo)) + '\necho "$BRAINSTORE_MEMORY"\n'
        out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.strip()
        assert out == f"{limit_kb}k"
    assert "--memory ${BRAINSTORE_MEMORY} --memory-swap ${BRAINSTORE_MEMORY}" in TEMPLATE.read_text()
    assert "Restart=always" in _heredoc(SCRIPT, "cat > /etc/systemd/system/brainstore.service << EOF\n", "EOF")


def test_node_role_may_publish_agent_metrics_only(production: Harness):
    role = next(r for r in production.of_type("aws:iam/rolePolicy:RolePolicy")
                if r.name.endswith("-brainstore-brainstore"))
    statements = {s["Sid"]: s for s in json.loads(unwrap(role.inputs["policy"]))["Statement"]}
    assert statements["PublishNodeMetrics"]["Action"] == ["cloudwatch:PutMetricData"]
    assert statements["PublishNodeMetrics"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "CWAgent"}}
    assert statements["ReadInstanceTags"]["Action"] == ["ec2:DescribeTags"]
