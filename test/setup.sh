#!/usr/bin/env bash
# Everything the tests need besides npm packages, installed once and cached in
# ${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}:
#   - Go tools: kubeseal (real Sealed Secrets code) and grpcurl      test/tools/install.sh
#   - Python grpcio client with stubs compiled from spec/             test/client/setup.sh
#   - a real kube-apiserver and etcd, built from Go modules           test/kube/build.sh
#   - protoc-gen-openapi (gnostic) and openapi-python-client          test/openapi/setup.sh
#   - uv, pre-warmed uv and npm caches, and the bridge (npm run build:bridge)   test/bridge/setup.sh
#   - Debian's chromium for the console tests (test/console/), via apt as root when missing
# The first run on a fresh machine compiles Kubernetes (many minutes on 2 cores).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
step() { printf '\n== setup: %s\n' "$*" >&2; }
step "Go tools (kubeseal, grpcurl)"
bash "$here/tools/install.sh" >/dev/null
step "Python grpcio client"
bash "$here/client/setup.sh" >/dev/null
step "OpenAPI and client generators"
bash "$here/openapi/setup.sh" >/dev/null
step "kube-apiserver and etcd"
bash "$here/kube/build.sh" >/dev/null
step "uv, MCP server caches, mcpo-bridge"
bash "$here/bridge/setup.sh" >/dev/null
step "Chromium (console tests)"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: chromium is missing and this is not root: install Debian's chromium package (sudo apt-get install chromium); test/console/ needs it" >&2
  fi
fi
step "done"
