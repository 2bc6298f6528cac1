#!/usr/bin/env bash
# Create ./venv and install the pinned requirements on first use (or when they change).
# Needs only Python 3.11+ and network access to PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "bootstrap: Python 3.11+ is required (found $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi

stamp=venv/.requirements.sha256
wanted="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [[ -x venv/bin/python && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  exit 0
fi

echo "bootstrap: installing pinned requirements into ./venv (first run takes a few minutes)" >&2
[[ -x venv/bin/python ]] || "$PYTHON" -m venv venv
venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "$wanted" > "$stamp"
