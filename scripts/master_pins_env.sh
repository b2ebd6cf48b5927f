#!/usr/bin/env bash
# Creates (or refreshes) .venv-master: Python 3.12 with openedx-platform master's pins (requirements/openedx-master.txt
# through requirements/test-master.in) and the plugin in editable mode. Exit 3 when no Python 3.12 is found.
# PYTHON312 names the interpreter; otherwise python3.12 on PATH, then pyenv's 3.12.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${MASTER_VENV:-.venv-master}
STAMP="$VENV/.installed"

find_python312() {
  local candidate
  for candidate in "${PYTHON312:-}" python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

inputs="requirements/openedx-master.txt requirements/test-master.in requirements/base.in setup.py"
if [ -f "$STAMP" ] && [ -z "$(find $inputs -newer "$STAMP" 2>/dev/null)" ]; then
  exit 0
fi
python312=$(find_python312) || { echo "no Python 3.12 found (set PYTHON312=/path/to/python3.12)" >&2; exit 3; }
echo "creating $VENV with $python312 and openedx-platform master's pins"
rm -rf "$VENV"
"$python312" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements/test-master.in -e .
touch "$STAMP"
