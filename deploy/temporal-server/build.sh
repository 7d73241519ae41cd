#!/usr/bin/env bash
# Builds the official Temporal server, its SQL schema tool and the Temporal Web UI server from their Go
# modules, at the versions pinned in deploy/temporal-server/go.mod and deploy/temporal-ui/go.mod, into
#   ${CLUSTER_BIN_DIR:-.tools/temporal-cluster}/<key>/{temporal-server,temporal-sql-tool,temporal-ui-server}
# where <key> is a hash of those go.mod/go.sum files: a folder that is already complete is reused as it is,
# so the (cold: about 10 minutes on 2 cores) build runs once per pinned version set.
# Prints the folder on its last line. Go caches stay where Go keeps them ($HOME/go, $HOME/.cache/go-build).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
UI_MODULE="$ROOT/deploy/temporal-ui"

# The toolchain line of go.mod is the one place the Go version is written. The environment overrides
# go.mod's toolchain line (and this machine's go env says GOTOOLCHAIN=local), so set it from go.mod here.
TOOLCHAIN="$(awk '$1 == "toolchain" { print $2 }' "$HERE/go.mod")"
UI_TOOLCHAIN="$(awk '$1 == "toolchain" { print $2 }' "$UI_MODULE/go.mod")"
if [ -z "$TOOLCHAIN" ] || [ "$TOOLCHAIN" != "$UI_TOOLCHAIN" ]; then
  echo "deploy/temporal-server/go.mod and deploy/temporal-ui/go.mod must name the same toolchain line" >&2
  exit 1
fi
export GOTOOLCHAIN="$TOOLCHAIN"

server_version="$(awk '$1 == "go.temporal.io/server" { print $2; exit }' "$HERE/go.mod")"
ui_version="$(awk '$1 == "github.com/temporalio/ui-server/v2" { print $2; exit }' "$UI_MODULE/go.mod")"
key="$(cat "$HERE/go.mod" "$HERE/go.sum" "$UI_MODULE/go.mod" "$UI_MODULE/go.sum" | sha256sum | cut -c1-12)"
BASE="${CLUSTER_BIN_DIR:-$ROOT/.tools/temporal-cluster}"
OUT="$BASE/server-${server_version}-ui-${ui_version}-${key}"

if [ -f "$OUT/.complete" ]; then
  echo "Temporal server $server_version, schema tool and Web UI $ui_version already built"
  echo "$OUT"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "Go is needed to build the Temporal server (any Go >= 1.21 fetches $TOOLCHAIN itself from the module" >&2
  echo "proxy). Install Go, or set CLUSTER_BIN_DIR to a folder that already holds a complete build." >&2
  exit 1
fi

echo "Building Temporal server $server_version, its schema tool and Web UI $ui_version with $TOOLCHAIN"
echo "(a cold build takes about 10 minutes on 2 cores; later builds reuse Go's caches)"
started=$SECONDS
TMP="$OUT.partial-$$"
rm -rf "$TMP"
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT

# -s -w: no symbol table or DWARF (stack traces still work); smaller binaries link faster.
flags=(-trimpath -ldflags '-s -w')
(cd "$HERE" && go build "${flags[@]}" -o "$TMP/temporal-server" go.temporal.io/server/cmd/server)
echo "  temporal-server built ($((SECONDS - started)) s)"
(cd "$HERE" && go build "${flags[@]}" -o "$TMP/temporal-sql-tool" go.temporal.io/server/cmd/tools/sql)
echo "  temporal-sql-tool built ($((SECONDS - started)) s)"
(cd "$UI_MODULE" && go build "${flags[@]}" -o "$TMP/temporal-ui-server" github.com/temporalio/ui-server/v2/cmd/server)
echo "  temporal-ui-server built ($((SECONDS - started)) s)"

printf 'server %s\nui-server %s\ntoolchain %s\nbuilt %s in %s s\n' \
  "$server_version" "$ui_version" "$TOOLCHAIN" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$((SECONDS - started))" \
  >"$TMP/versions.txt"
touch "$TMP/.complete"
rm -rf "$OUT"
mv "$TMP" "$OUT"
trap - EXIT
echo "Built in $((SECONDS - started)) s"
echo "$OUT"
