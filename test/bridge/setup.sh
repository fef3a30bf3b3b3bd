#!/usr/bin/env bash
# What test/bridge needs besides npm packages, installed once and cached in
#   ${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}/bridge-e2e/
#   - uv (uvx) at a pinned version, in a venv                        uv/bin/uvx
#   - uv's cache and npm's cache, pre-warmed with the MCP servers the tests start
#     (mcp-server-time from PyPI, @modelcontextprotocol/server-memory from npm),
#     so a test pays for neither a download nor a registry round trip      uv-cache/, npm-cache/
#   - python.path: the real interpreter uv runs the Python servers with (not a pyenv
#     shim, which needs the real HOME the tests replace)
# and the bridge itself: `npm run build:bridge` (Go, incremental) into build/bridge/mcpo-bridge.
#
#   test/bridge/setup.sh        # idempotent; prints the cache dir last
#
# Needs python3 -m venv and PyPI, the npm registry and go on first run only.
set -euo pipefail

# Pinned: same test, same servers, whatever the registries publish later.
UV_VERSION=0.13.9
MCP_SERVER_TIME_VERSION=2026.10.19
SERVER_MEMORY_VERSION=2026.8.31

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}/bridge-e2e"
mkdir -p "$cache"
log() { printf 'test/bridge/setup.sh: %s\n' "$*" >&2; }

# Several test files may run this at once: one at a time.
exec 9>"$cache/setup.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

# ---- uv ----
venv="$cache/uv"
if [ ! -x "$venv/bin/uvx" ] || [ "$(cat "$venv/.version" 2>/dev/null)" != "$UV_VERSION" ]; then
  log "installing uv $UV_VERSION into $venv"
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" >&2
  echo "$UV_VERSION" >"$venv/.version"
fi
"${PYTHON:-python3}" -c 'import sys; print(sys.executable)' >"$cache/python.path"

# ---- pre-warmed caches (the same variables test/bridge/_support.ts sets) ----
export UV_CACHE_DIR="$cache/uv-cache" UV_PYTHON="$(cat "$cache/python.path")" UV_PYTHON_DOWNLOADS=never
export npm_config_cache="$cache/npm-cache" npm_config_update_notifier=false
warm="$cache/.warm"
want="uv=$UV_VERSION time=$MCP_SERVER_TIME_VERSION memory=$SERVER_MEMORY_VERSION"
if [ "$(cat "$warm" 2>/dev/null)" != "$want" ]; then
  log "warming uv's cache with mcp-server-time $MCP_SERVER_TIME_VERSION"
  "$venv/bin/uvx" "mcp-server-time@$MCP_SERVER_TIME_VERSION" --help >/dev/null
  log "warming npm's cache with @modelcontextprotocol/server-memory $SERVER_MEMORY_VERSION"
  npm cache add "@modelcontextprotocol/server-memory@$SERVER_MEMORY_VERSION" >/dev/null
  # The seed declares the package unpinned; npx keeps its install under _npx/ keyed by
  # the spec, so run the exact spec once (stdin closed: the server exits at EOF).
  npx -y "@modelcontextprotocol/server-memory@$SERVER_MEMORY_VERSION" </dev/null >/dev/null 2>&1 || true
  npx -y @modelcontextprotocol/server-memory </dev/null >/dev/null 2>&1 || true
  echo "$want" >"$warm"
fi

# ---- the bridge ----
if [ -f "$repo/bridge/go.mod" ]; then
  (cd "$repo" && npm run --silent build:bridge >&2)
elif [ ! -x "$repo/build/bridge/mcpo-bridge" ]; then
  log "error: no bridge/ to build and no build/bridge/mcpo-bridge"
  exit 1
fi

echo "$cache"
