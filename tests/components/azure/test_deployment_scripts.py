"""The two deployment scripts act once per real change and never because of a refresh.

Azure deletes a script resource when its retention expires; a refresh then drops it from the state and the
next `pulumi up` runs it again (components/azure/scripts.py). So each script is run here, in bash, against a
fake `az` that answers like the cloud would: a rerun with nothing pending must change nothing.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from components.azure.database import RESTART_SCRIPT, STATIC_PARAMETERS, static_parameters_tag
from components.azure.endpoint import APPROVE_SCRIPT
from components.facts.azure import DEPLOYMENT_SCRIPT_RETENTION, POSTGRES_PENDING_RESTART_FIELD
from tests.support.harness import Harness

from .conftest import one_named

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")

FAKE_AZ = """#!/usr/bin/env bash
echo "$*" >> "$AZ_LOG"
case "$*" in
  *"parameter list"*) [ "${FAKE_LIST_FAILS:-}" = 1 ] && exit 3; printf '%s\\n' $FAKE_PENDING ;;
  *"flexible-server restart"*) exit 0 ;;
  *"private-endpoint-connection list"*)
    case "$*" in *Pending*) printf '%s\\n' $FAKE_PENDING ;; *) printf '%s\\n' $FAKE_APPROVED ;; esac ;;
  *"private-endpoint-connection approve"*) exit 0 ;;
esac
"""


def _run(tmp_path: Path, script: str, **env: str) -> tuple[int, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    az = bin_dir / "az"
    az.write_text(FAKE_AZ)
    az.chmod(az.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "az.log"
    log.write_text("")
    full_env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "AZ_LOG": str(log), "FAKE_PENDING": "",
                "FAKE_APPROVED": "", **env}
    done = subprocess.run([BASH or "bash", "-c", script], env=full_env, capture_output=True, text=True,
                          timeout=60, check=False)
    return done.returncode, [line for line in log.read_text().splitlines() if line]


RESTART_ENV = {"RESOURCE_GROUP": "rg", "SERVER_NAME": "acme-pg",
               "MANAGED_PARAMETERS": " ".join(sorted(STATIC_PARAMETERS))}


def _restarts(calls: list[str]) -> list[str]:
    return [c for c in calls if "flexible-server restart" in c]


def test_restart_happens_when_a_managed_static_parameter_is_pending(tmp_path: Path) -> None:
    code, calls = _run(tmp_path, RESTART_SCRIPT, **RESTART_ENV, FAKE_PENDING="shared_preload_libraries")
    assert code == 0
    assert _restarts(calls) == ["postgres flexible-server restart --resource-group rg --name acme-pg"]
    # The decision is the cloud's own flag, asked for by name.
    assert any(POSTGRES_PENDING_RESTART_FIELD in c for c in calls if "parameter list" in c)


def test_a_rerun_with_nothing_pending_never_restarts(tmp_path: Path) -> None:
    """What a refresh-triggered re-creation (or an edited script) runs into: no restart of production."""
    code, calls = _run(tmp_path, RESTART_SCRIPT, **RESTART_ENV, FAKE_PENDING="")
    assert code == 0
    assert _restarts(calls) == []


def test_a_pending_parameter_the_program_does_not_manage_is_left_to_its_owner(tmp_path: Path) -> None:
    code, calls = _run(tmp_path, RESTART_SCRIPT, **RESTART_ENV, FAKE_PENDING="max_connections")
    assert code == 0
    assert _restarts(calls) == []


def test_a_failed_listing_fails_the_script_instead_of_skipping_the_restart(tmp_path: Path) -> None:
    code, calls = _run(tmp_path, RESTART_SCRIPT, **RESTART_ENV, FAKE_LIST_FAILS="1")
    assert code != 0
    assert _restarts(calls) == []


PLS = "/subscriptions/s/resourceGroups/nrg/providers/Microsoft.Network/privateLinkServices/pls"


def test_approval_approves_a_pending_front_door_connection(tmp_path: Path) -> None:
    code, calls = _run(tmp_path, APPROVE_SCRIPT, PLS_ID=PLS, FAKE_PENDING=f"{PLS}/privateEndpointConnections/fd")
    assert code == 0
    assert [c for c in calls if "approve" in c] == [
        f'network private-endpoint-connection approve --id {PLS}/privateEndpointConnections/fd '
        f'--description Braintrust Front Door']


def test_an_approval_rerun_changes_nothing(tmp_path: Path) -> None:
    code, calls = _run(tmp_path, APPROVE_SCRIPT, PLS_ID=PLS, FAKE_APPROVED=f"{PLS}/privateEndpointConnections/fd")
    assert code == 0
    assert [c for c in calls if "approve" in c] == []


def test_scripts_keep_their_resource_for_the_documented_retention(stack: Harness) -> None:
    """PT1H made Azure delete the resource an hour later (then refresh + up re-ran it); one day fits every
    range Microsoft documents, and the scripts are idempotent whatever the retention."""
    scripts = stack.of_type("azure-native:resources:AzureCliScript")
    assert scripts
    assert {s.inputs["retentionInterval"] for s in scripts} == {DEPLOYMENT_SCRIPT_RETENTION} == {"P1D"}


def test_restart_trigger_depends_only_on_the_static_parameters(staging: Harness, production: Harness) -> None:
    """Different sizes, HA, zones and names: the same static parameters give the same trigger, so nothing
    but a static parameter change reruns the restart."""
    def trigger(h: Harness) -> tuple[str, str]:
        script = one_named(h, "azure-native:resources:AzureCliScript", "postgres-restart").inputs
        env = {e["name"]: e["value"] for e in script["environmentVariables"]}
        return script["forceUpdateTag"], env["MANAGED_PARAMETERS"]

    assert trigger(staging) == trigger(production) == (static_parameters_tag(), "cron.database_name "
                                                                                "shared_preload_libraries")


def test_restart_trigger_ignores_dynamic_parameters_and_follows_static_ones(monkeypatch) -> None:
    from components.azure import database

    before = static_parameters_tag()
    monkeypatch.setitem(database.DYNAMIC_PARAMETERS, "random_page_cost", "4")
    assert static_parameters_tag() == before
    monkeypatch.setitem(STATIC_PARAMETERS, "shared_preload_libraries", "pg_cron")
    assert static_parameters_tag() != before


def test_approval_trigger_is_the_private_link_service(production: Harness) -> None:
    script = one_named(production, "azure-native:resources:AzureCliScript", "approve-private-link").inputs
    env = {e["name"]: e["value"] for e in script["environmentVariables"]}
    from components.azure.scripts import trigger_tag

    assert script["forceUpdateTag"] == trigger_tag({"private_link_service": env["PLS_ID"]})
