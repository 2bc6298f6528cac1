"""Brainstore on EC2: roles and sizes, launch templates, load balancers, and the user-data script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from components.aws.brainstore import TEMPLATE, cache_size, node_roles, render_user_data
from components.config import DataPlaneConfig
from components.facts import braintrust as published
from components.facts import load_all
from components.sizing import presets
from components.sizing.model import BrainstoreRoleSize, BrainstoreSize
from tests.support.harness import Harness
from tests.support.stacks import build_stack

from .conftest import aws_set, tags_of, user_data

TEMPLATE_TYPE = "aws:ec2/launchTemplate:LaunchTemplate"
GROUP = "aws:autoscaling/group:Group"

SAMPLE = {
    "DEPLOYMENT": "acme-prod", "ROLE": "reader", "REGION": "us-east-1", "IMAGE_TAG": "v2.21.0",
    "CACHE_SIZE": "1710gb", "READER_ONLY": "true", "TELEMETRY": "status,metrics,usage",
    "BRAINSTORE_BUCKET": "acme-prod-brainstore-s1a2b3c", "RESPONSES_BUCKET": "acme-prod-responses-s1a2b3c",
    "CODE_BUNDLES_BUCKET": "acme-prod-code-bundles-s1a2b3c",
    "DATABASE_URL_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:444455556666:secret:db-url-AbCdEf",
    "REDIS_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:444455556666:secret:redis-url-AbCdEf",
    "SERVICE_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:444455556666:secret:function-AbCdEf",
    "LICENSE_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:444455556666:secret:license-AbCdEf",
    "AI_PROXY_URL_PARAMETER": "/braintrust/acme-prod/ai-proxy-url", "LOG_GROUP": "/braintrust/acme-prod/brainstore",
}


def _groups(h: Harness) -> dict[str, dict]:
    return {g.inputs["name"].rsplit("-brainstore-", 1)[1]: g.inputs for g in h.of_type(GROUP)}


def test_production_runs_two_reader_only_readers_and_a_writer(production: Harness):
    groups = _groups(production)
    assert set(groups) == {"reader", "writer"}
    assert (groups["reader"]["minSize"], groups["reader"]["desiredCapacity"], groups["reader"]["maxSize"]) == (2, 2, 4)
    assert (groups["writer"]["minSize"], groups["writer"]["desiredCapacity"]) == (1, 1)
    scripts = {t.name: user_data(t) for t in production.of_type(TEMPLATE_TYPE)}
    reader = next(s for n, s in scripts.items() if "-rd-" in n)
    writer = next(s for n, s in scripts.items() if "-wr-" in n)
    assert 'readonly READER_ONLY="true"' in reader and 'readonly ROLE="reader"' in reader
    assert 'readonly READER_ONLY="false"' in writer and 'readonly ROLE="writer"' in writer


def test_staging_runs_one_combined_node(staging: Harness):
    groups = _groups(staging)
    assert set(groups) == {"reader"} and groups["reader"]["desiredCapacity"] == 1
    script = user_data(staging.one(TEMPLATE_TYPE))
    assert 'readonly READER_ONLY="false"' in script  # the only node also writes
    assert tags_of(staging.one(GROUP))["BrainstoreRole"] == "ReaderWriter"


def test_instance_types_are_the_preset_and_cache_uses_the_nvme(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    size = presets.preset(cfg.cloud, cfg.size).brainstore
    by_role = {"-rd-": size.reader.sku, "-wr-": size.writer.sku}
    for template in stack.of_type(TEMPLATE_TYPE):
        sku = next(v for k, v in by_role.items() if k in template.name)
        assert template.inputs["instanceType"] == sku
        assert f'readonly CACHE_SIZE="{cache_size(sku, size.cache_fraction)}"' in user_data(template)


def test_launch_templates_require_imdsv2_and_encrypt_the_root_volume(stack_and_config: tuple[Harness,
                                                                                              DataPlaneConfig]):
    stack, cfg = stack_and_config
    for template in stack.of_type(TEMPLATE_TYPE):
        t = template.inputs
        assert t["metadataOptions"]["httpTokens"] == "required"
        assert t["metadataOptions"]["httpEndpoint"] == "enabled"
        ebs = t["blockDeviceMappings"][0]["ebs"]
        assert (ebs["volumeType"], ebs["encrypted"]) == ("gp3", "true")
        assert ebs["volumeSize"] == (200 if cfg.production else 100)
        assert t["imageId"] == "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
        kinds = {spec["resourceType"]: spec["tags"] for spec in t["tagSpecifications"]}
        assert set(kinds) == {"instance", "volume", "network-interface"}
        for tags in kinds.values():
            assert all(tags.get(k) == v for k, v in cfg.all_tags.items()) and tags["BrainstoreRole"]


def _brainstore_target_groups(stack: Harness) -> list:
    """Brainstore's target groups (the ECS API's, when built, are HTTP target groups of its own ALB)."""
    groups = [tg for tg in stack.of_type("aws:lb/targetGroup:TargetGroup") if "-bs-" in tg.name]
    assert groups
    return groups


def test_groups_roll_with_full_capacity_behind_internal_load_balancers(stack: Harness):
    for group in stack.of_type(GROUP):
        g = group.inputs
        refresh = g["instanceRefresh"]
        assert refresh["strategy"] == "Rolling"
        assert refresh["preferences"]["minHealthyPercentage"] == 100
        assert g["healthCheckType"] == "ELB" and len(g["vpcZoneIdentifiers"]) == 3
    nlbs = [lb for lb in stack.of_type("aws:lb/loadBalancer:LoadBalancer") if "-bs-" in lb.name]
    assert nlbs and len(nlbs) == len(stack.of_type(GROUP))
    for nlb in nlbs:
        assert nlb.inputs["internal"] is True and nlb.inputs["loadBalancerType"] == "network"
    for tg in _brainstore_target_groups(stack):
        assert tg.inputs["port"] == 4000
    assert {li.inputs["port"] for li in stack.of_type("aws:lb/listener:Listener") if "-bs-" in li.name} == {4000}


def test_fast_readers_when_configured():
    h = build_stack("aws-production", mutate=aws_set(".brainstore.fast_reader.count", 2))
    groups = _groups(h)
    assert set(groups) == {"reader", "writer", "fast-reader"}
    script = next(user_data(t) for t in h.of_type(TEMPLATE_TYPE) if "-fr-" in t.name)
    assert 'readonly READER_ONLY="true"' in script
    env = next(f for f in h.of_type("aws:lambda/function:Function") if f.inputs["name"].endswith("-APIHandler"))
    assert env.inputs["environment"]["variables"]["BRAINSTORE_FAST_READER_URL"].startswith("http://")


def test_roles_without_writers_read_and_write():
    role = BrainstoreRoleSize(sku="c8gd.xlarge", count=1)
    combined = node_roles(BrainstoreSize(reader=role, writer=role.model_copy(update={"count": 0}),
                                         fast_reader=role.model_copy(update={"count": 0})))
    assert [(r.name, r.reader_only, r.tag) for r in combined] == [("reader", False, "ReaderWriter")]


def test_cache_size_needs_local_nvme():
    assert cache_size("c8gd.8xlarge", 0.9) == "1710gb"
    with pytest.raises(ValueError, match="no local NVMe"):
        cache_size("db.r8g.large", 0.9)  # not a compute SKU with NVMe


# ----- the user-data script -----

@pytest.mark.parametrize("role", ["reader", "writer", "fast-reader"])
def test_rendered_script_is_valid_bash(role: str, tmp_path: Path):
    script = tmp_path / "user-data.sh"
    script.write_text(render_user_data({**SAMPLE, "ROLE": role}, ["BRAINSTORE_ASYNC_SCORING_OBJECTS=all"]))
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "@@" not in script.read_text()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed (apt-get install shellcheck)")
def test_rendered_script_passes_shellcheck(tmp_path: Path):
    script = tmp_path / "user-data.sh"
    script.write_text(render_user_data(SAMPLE, ["A=1", "B=two"]))
    result = subprocess.run(["shellcheck", "--severity=style", str(script)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout


def test_script_fails_the_boot_without_nvme_and_mounts_the_cache_raid():
    text = TEMPLATE.read_text()
    assert "Amazon EC2 NVMe Instance Storage" in text
    assert 'fail "no local NVMe instance storage' in text
    assert "mdadm --create /dev/md0 --run --level=0" in text
    assert "RequiresMountsFor=${CACHE_DIR}" in text  # Brainstore never starts without the cache mount
    assert text.splitlines()[0] == "#!/bin/bash" and "set -euo pipefail" in text


def test_script_reads_secrets_at_boot_and_holds_only_their_arns(production: Harness):
    for template in production.of_type(TEMPLATE_TYPE):
        script = user_data(template)
        for name in ("DATABASE_URL_SECRET_ARN", "REDIS_SECRET_ARN", "SERVICE_TOKEN_SECRET_ARN", "LICENSE_SECRET_ARN"):
            assert f'readonly {name}="arn:aws:secretsmanager:us-east-1:' in script
        assert "aws secretsmanager get-secret-value" in script
        assert f"public.ecr.aws/braintrust/brainstore:{published.AWS_SERVICES.version}" in script


@pytest.mark.parametrize("bad", ['x"; rm -rf / #', "$(reboot)", "a b", "`id`"])
def test_renderer_refuses_values_that_could_escape_the_script(bad: str):
    with pytest.raises(ValueError, match="unsafe"):
        render_user_data({**SAMPLE, "BRAINSTORE_BUCKET": bad})
    with pytest.raises(ValueError, match="unsafe"):
        render_user_data(SAMPLE, [f"EXTRA={bad}"])


def test_renderer_refuses_missing_or_unknown_values():
    with pytest.raises(ValueError, match="missing"):
        render_user_data({k: v for k, v in SAMPLE.items() if k != "REGION"})
    with pytest.raises(ValueError, match="unknown"):
        render_user_data({**SAMPLE, "SURPRISE": "1"})


def test_the_ami_follows_the_instance_architecture():
    h = build_stack("aws-production", mutate=aws_set(".brainstore.writer.sku", "c6id.8xlarge"))
    images = {t.inputs["instanceType"]: t.inputs["imageId"] for t in h.of_type(TEMPLATE_TYPE)}
    assert images["c6id.8xlarge"].endswith("al2023-ami-kernel-default-x86_64")
    assert images["c8gd.8xlarge"].endswith("al2023-ami-kernel-default-arm64")


def test_load_balancers_probe_brainstore_as_braintrusts_helm_chart_does(stack: Harness):
    """The chart's readiness probe (HTTP GET / on 4000, success 200-399) is the only health endpoint a
    Braintrust source shows; the NLB checks the same, not just that the port accepts connections."""
    for tg in _brainstore_target_groups(stack):
        check = tg.inputs["healthCheck"]
        assert (check["protocol"], check["port"], check["path"], check["matcher"]) == ("HTTP", "4000", "/", "200-399")
    facts = load_all()
    assert facts["braintrust.brainstore.health_path"].source.startswith("braintrustdata/helm@")
