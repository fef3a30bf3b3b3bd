#!/usr/bin/env bash
# Sets up the independent gRPC client used by test/serve: a Python venv with
# pinned grpcio + grpcio-tools + grpcio-status + protobuf, and Python stubs compiled from spec/.
#
#   test/client/setup.sh            # idempotent; prints the venv's python path last
#
# venv:  ${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}/venv
# stubs: test/client/gen/ (gitignored), rebuilt when spec/*.proto changes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}"
venv="$cache/venv"
gen="$here/gen"

# Pinned together: grpcio-tools 1.84 needs protobuf >=7.35.1,<8; grpcio-status 1.84
# (rpc_status.from_call, for error details) brings googleapis-common-protos (google.rpc.Status).
pins=(grpcio==1.84.0 grpcio-tools==1.84.0 grpcio-health-checking==1.84.0 grpcio-status==1.84.0 googleapis-common-protos==1.76.0 protobuf==7.36.2)
stamp="$venv/.mcpo-pins"

python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${pins[*]}" ]; then
  mkdir -p "$cache"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}" >&2
  echo "${pins[*]}" > "$stamp"
fi

# Recompile the stubs when the protos (or the pins) changed.
hash="$(cat "$repo"/spec/*.proto "$stamp" | sha256sum | cut -c1-16)"
if [ "$(cat "$gen/.hash" 2>/dev/null)" != "$hash" ]; then
  rm -rf "$gen"
  mkdir -p "$gen"
  (cd "$repo/spec" && "$venv/bin/python" -m grpc_tools.protoc -I. \
    --python_out="$gen" --grpc_python_out="$gen" ./*.proto)
  echo "$hash" > "$gen/.hash"
fi

echo "$venv/bin/python"
