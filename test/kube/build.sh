#!/usr/bin/env bash
# Builds a real kube-apiserver and etcd (CGO_ENABLED=0) from the Go modules pinned in
# test/kube/go.mod and caches them by version:
#
#   ${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}/kube/<k8s version>/{kube-apiserver,etcd}
#
# Prints that directory on stdout (build progress goes to stderr). When both binaries are
# already there for the same Kubernetes and etcd versions, nothing is built.
# Needs only Go (>= the go directive in go.mod) and the Go module proxy.
#
#   test/kube/build.sh            # build if needed, print the dir
#   test/kube/build.sh --force    # rebuild even if cached
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

command -v go >/dev/null 2>&1 || { echo "build.sh: Go is required (https://go.dev/dl/); none found on PATH" >&2; exit 1; }

# Versions come straight from go.mod, so a bump of go.mod gets a fresh cache dir.
k8s_version="$(sed -n 's#^[[:space:]]*k8s\.io/kubernetes \(v[^[:space:]]*\).*#\1#p' "$here/go.mod" | head -n1)"
etcd_version="$(sed -n 's#^[[:space:]]*go\.etcd\.io/etcd/server/v3 \(v[^[:space:]]*\).*#\1#p' "$here/go.mod" | head -n1)"
[ -n "$k8s_version" ] && [ -n "$etcd_version" ] || { echo "build.sh: cannot read versions from $here/go.mod" >&2; exit 1; }

cache_root="${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}"
out="$cache_root/kube/$k8s_version"
stamp="kubernetes $k8s_version
etcd $etcd_version"

is_cached() {
  [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ] && [ -f "$out/VERSIONS" ] && [ "$(cat "$out/VERSIONS")" = "$stamp" ]
}

if [ "$force" = 0 ] && is_cached; then
  echo "$out"
  exit 0
fi

mkdir -p "$cache_root/kube"
# One build at a time (parallel test runs, several vitest projects, ...).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/kube/.build.lock"
  flock 9
  if [ "$force" = 0 ] && is_cached; then echo "$out"; exit 0; fi
fi

export CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=mod -buildvcs=false"
major_minor="${k8s_version#v}"; major="${major_minor%%.*}"; minor="${major_minor#*.}"; minor="${minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

tmp="$(mktemp -d "$cache_root/kube/.build.XXXXXX")"
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

echo "build.sh: building kube-apiserver $k8s_version and etcd $etcd_version into $out (cold builds take several minutes)" >&2
start=$(date +%s)
cd "$here"
# One go build for both main packages: they share most of their dependency graph.
# go.etcd.io/etcd/server/v3 is a main package whose binary go names "server".
go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  go.etcd.io/etcd/server/v3
mv "$tmp/server" "$tmp/etcd"
"$tmp/kube-apiserver" --version >&2
"$tmp/etcd" --version >&2
printf '%s\n' "$stamp" > "$tmp/VERSIONS"

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "build.sh: done in $(( $(date +%s) - start ))s" >&2
echo "$out"
