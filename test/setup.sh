#!/usr/bin/env bash
# Everything the tests need besides npm packages, installed once and cached in
# ${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}:
#   - Go tools: kubeseal (real Sealed Secrets code) and grpcurl      test/tools/install.sh
#   - Python grpcio client with stubs compiled from spec/             test/client/setup.sh
#   - a real kube-apiserver and etcd, built from Go modules           test/kube/build.sh
#   - protoc-gen-openapi (gnostic) and openapi-python-client          test/openapi/setup.sh
#   - uv, pre-warmed uv and npm caches, and the bridge (npm run build:bridge)   test/bridge/setup.sh
#   - Debian's chromium for the console tests (test/console/), via apt as root when missing
#   - kustomize (Go tool, test/deploy); OpenSSH's sshd (apt-get, as root; test/deploy runs one on loopback)
# The first run on a fresh machine compiles Kubernetes (many minutes on 2 cores).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
step() { printf '\n== setup: %s\n' "$*" >&2; }
step "Go tools (kubeseal, grpcurl, kustomize)"
bash "$here/tools/install.sh" >/dev/null
step "Python grpcio client"
bash "$here/client/setup.sh" >/dev/null
step "OpenAPI and client generators"
bash "$here/openapi/setup.sh" >/dev/null
step "kube-apiserver and etcd"
bash "$here/kube/build.sh" >/dev/null
step "uv, MCP server caches, mcpo-bridge"
bash "$here/bridge/setup.sh" >/dev/null
step "Chromium (console tests) and sshd (deploy tests)"
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
[[ -x /usr/sbin/sshd ]] || packages+=(openssh-server)
if [[ ${#packages[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}") >/dev/null
  else
    echo "setup: missing ${packages[*]} and this is not root: install Debian's ${packages[*]} (sudo apt-get install ${packages[*]}); test/console/ and test/deploy/ need them" >&2
  fi
fi
step "done"
