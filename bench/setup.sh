#!/usr/bin/env bash
# Tools `npm run bench` needs besides npm packages: h2load (Debian nghttp2-client,
# the load generator) and GNU time (CPU time of child processes), installed
# with apt-get when missing (run as root or with sudo available); and helm, the
# peer of the helm part, built once with `go install` into the tool cache bin
# at the version test/tools/install.sh pins.
set -euo pipefail
need=()
command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client)
[ -x /usr/bin/time ] || need+=(time)
command -v git >/dev/null 2>&1 || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "bench/setup.sh: installing ${need[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi
bash "$(dirname "${BASH_SOURCE[0]}")/../test/tools/install.sh" helm >/dev/null
