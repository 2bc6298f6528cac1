"""The Lambda layer that turns secret ARNs into environment variables at cold start."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

from components.aws import secrets_layer

WRAPPER = secrets_layer.SOURCE_DIR / "secrets-wrapper"
NODE_FETCHER = secrets_layer.SOURCE_DIR / "fetch-secrets.cjs"
PY_FETCHER = secrets_layer.SOURCE_DIR / "fetch_secrets.py"
SECRETS = {"arn:1": "postgres://u:p@h/db?sslmode=require", "arn:2": "it's a $ecret `with` \"quotes\"\nand a newline"}


def _python_fetcher():
    spec = importlib.util.spec_from_file_location("fetch_secrets", PY_FETCHER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shell_values(exports: str, names: list[str]) -> dict[str, str]:
    """Evaluate the fetcher output in bash, as the wrapper does, and read the variables back."""
    script = exports + "".join(f'printf "%s\\0" "${name}"\n' for name in names)
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout.decode()
    return dict(zip(names, out.split("\0")[:-1], strict=True))


def test_layer_zip_is_deterministic_and_the_wrapper_is_executable():
    data = secrets_layer.layer_zip()
    assert data == secrets_layer.layer_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        assert modes == {"braintrust/fetch-secrets.cjs": 0o644, "braintrust/fetch_secrets.py": 0o644,
                         "braintrust/secrets-wrapper": 0o755}
        assert all(stat.S_ISREG(i.external_attr >> 16) for i in archive.infolist())
        assert archive.read("braintrust/secrets-wrapper") == WRAPPER.read_bytes()
    assert secrets_layer.WRAPPER == "/opt/braintrust/secrets-wrapper"


def test_wrapper_is_valid_bash_and_passes_shellcheck():
    assert subprocess.run(["bash", "-n", str(WRAPPER)], check=False).returncode == 0
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck not installed (apt-get install shellcheck)")
    result = subprocess.run(["shellcheck", "--severity=style", str(WRAPPER)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout


def test_python_fetcher_quotes_every_value_safely_and_reads_each_arn_once():
    reads: list[str] = []

    def get(arn: str) -> str:
        reads.append(arn)
        return SECRETS[arn]

    module = _python_fetcher()
    exports = module.render({"PG_URL": "arn:1", "B_KEY": "arn:2", "A_KEY": "arn:2"}, get)
    assert sorted(reads) == ["arn:1", "arn:2"]
    assert _shell_values(exports, ["PG_URL", "A_KEY", "B_KEY"]) == {
        "PG_URL": SECRETS["arn:1"], "A_KEY": SECRETS["arn:2"], "B_KEY": SECRETS["arn:2"]}


@pytest.mark.parametrize(("mapping", "message"), [({"bad-name": "arn:1"}, "invalid environment variable name"),
                                                  ({"X": "arn:empty"}, "empty")])
def test_python_fetcher_refuses_bad_names_and_empty_secrets(mapping: dict[str, str], message: str):
    with pytest.raises(ValueError, match=message):
        _python_fetcher().render(mapping, lambda arn: {"arn:empty": ""}.get(arn, "v"))


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_node_fetcher_matches_the_python_one():
    program = f"""
    const m = require({json.dumps(str(NODE_FETCHER))});
    const secrets = {json.dumps(SECRETS)};
    m.render({{PG_URL: "arn:1", A_KEY: "arn:2"}}, async (arn) => secrets[arn]).then((out) => process.stdout.write(out));
    """
    exports = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True).stdout
    # Both quote differently ('\'' vs '"'"'); what counts is the value bash ends up with.
    assert _shell_values(exports, ["PG_URL", "A_KEY"]) == {"PG_URL": SECRETS["arn:1"], "A_KEY": SECRETS["arn:2"]}
    failing = subprocess.run(["node", "-e", f"""
    require({json.dumps(str(NODE_FETCHER))}).render({{"bad-name": "x"}}, async () => "v")
      .catch((e) => {{ console.error(e.message); process.exit(3); }});
    """], capture_output=True, text=True, check=False)
    assert failing.returncode == 3 and "invalid environment variable name" in failing.stderr


def _fake_runtime(tmp_path: Path, exports: str, exit_code: int = 0) -> dict[str, str]:
    """A PATH whose `node` prints ``exports`` (standing in for the real fetcher and Secrets Manager)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    node = bin_dir / "node"
    node.write_text(f"#!/bin/bash\ncat <<'EOF'\n{exports}EOF\nexit {exit_code}\n")
    node.chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}", "BRAINTRUST_SECRET_ARNS": '{"PG_URL": "arn:1"}'}


def test_wrapper_exports_the_secrets_to_the_runtime_only(tmp_path: Path):
    env = _fake_runtime(tmp_path, "export PG_URL='postgres://u:p@h/db'\n")
    result = subprocess.run([str(WRAPPER), "bash", "-c", 'printf %s "$PG_URL"'], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "postgres://u:p@h/db"


def test_wrapper_refuses_to_start_the_runtime_when_secrets_fail(tmp_path: Path):
    env = _fake_runtime(tmp_path, "", exit_code=1)
    result = subprocess.run([str(WRAPPER), "bash", "-c", "echo runtime started"], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode != 0 and "runtime started" not in result.stdout


def test_wrapper_is_a_no_op_without_secret_arns(tmp_path: Path):
    env = {"PATH": os.environ["PATH"]}
    result = subprocess.run([str(WRAPPER), "bash", "-c", "echo ok"], env=env, capture_output=True, text=True,
                            check=False)
    assert result.stdout == "ok\n"
