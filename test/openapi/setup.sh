#!/usr/bin/env bash
# Installs the generators behind openapi/ and clients/, at pinned versions, into
#   ${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}
#   - bin/protoc-gen-openapi   gnostic's OpenAPI 3 generator (buf runs it, buf.gen.yaml)
#   - openapi-venv/            a Python venv with openapi-python-client (clients/python/)
#                              and what the generated client imports (httpx, attrs)
# Idempotent: a tool already at its pinned version is kept.
# Prints two lines on stdout: the directory holding protoc-gen-openapi, then the venv's python.
set -euo pipefail

GNOSTIC_VERSION=v0.7.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}"
bin="$cache/bin"
venv="$cache/openapi-venv"
requirements="$here/python-requirements.txt"
mkdir -p "$bin"

log() { printf 'openapi setup: %s\n' "$*" >&2; }

# Test files and `npm run gen:openapi` may ask at once: one installer at a time.
exec 9>"$cache/openapi-install.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

stamp="$bin/.protoc-gen-openapi.version"
if [[ ! -x "$bin/protoc-gen-openapi" || "$(cat "$stamp" 2>/dev/null)" != "$GNOSTIC_VERSION" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    log "error: 'go' is not on PATH; install Go (https://go.dev/dl/) to build protoc-gen-openapi"
    exit 1
  fi
  log "installing protoc-gen-openapi (gnostic $GNOSTIC_VERSION) into $bin"
  # Outside any module, so the repo's surroundings cannot change the build.
  (cd "$cache" && GOBIN="$bin" go install -buildvcs=false \
    "github.com/google/gnostic/cmd/protoc-gen-openapi@$GNOSTIC_VERSION")
  printf '%s\n' "$GNOSTIC_VERSION" >"$stamp"
fi

# The venv is rebuilt when the pinned requirements change.
want="$(sha256sum "$requirements" | cut -c1-16)"
if [[ ! -x "$venv/bin/python" || "$(cat "$venv/.mcpo-pins" 2>/dev/null)" != "$want" ]]; then
  log "creating $venv (openapi-python-client)"
  rm -rf "$venv"
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements" >&2
  printf '%s\n' "$want" >"$venv/.mcpo-pins"
fi

echo "$bin"
echo "$venv/bin/python"
