#!/usr/bin/env bash
# Installs the Python example's requirements (the official temporalio SDK, from PyPI) into .tools/pyvenv.
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.tools/pyvenv"
REQ="$ROOT/examples/python/requirements.txt"
PINNED="$(grep -E '^temporalio==' "$REQ")"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/pip" freeze --disable-pip-version-check 2>/dev/null | grep -qx "$PINNED"; then
  echo "Python example: $PINNED already in $VENV"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "python3 is needed for the Python client example (examples/python)." >&2
  exit 1
fi
echo "Installing $PINNED into $VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
