#!/usr/bin/env bash
# Creates (once) the Python virtual environment of the test tools under
# var/venv and installs the pinned packages from PyPI into it; prints the
# venv's bin directory. Idempotent: a venv that already holds the pinned
# versions is left as it is (a stamp file names them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VENV="${ST_VENV:-$ROOT/var/venv}"
# Pinned: the OpenAPI contract test (tests/api_contract.sh) depends on its
# command line and checks.
PACKAGES=("schemathesis==4.32.5")
# Debian's interpreter (python3-venv), not whatever python3 is first on PATH.
PYTHON="${ST_PYTHON:-/usr/bin/python3}"
[[ -x "$PYTHON" ]] || PYTHON="$(command -v python3)"
STAMP="$VENV/.stocktracker-packages"
want="$PYTHON ${PACKAGES[*]}"
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "$VENV/bin"
  exit 0
fi
# --clear: a venv of other pins or another interpreter is rebuilt whole.
"$PYTHON" -m venv --clear "$VENV" >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PACKAGES[@]}" >&2
echo "$want" > "$STAMP"
echo "$VENV/bin"
