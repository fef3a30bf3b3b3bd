#!/usr/bin/env bash
# Installs the Go tools that tests run, at pinned versions, into
#   ${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}/bin
# A tool already installed at its pinned version is skipped.
#
#   test/tools/install.sh              # all tools (kubeseal, grpcurl, kustomize, crds)
#   test/tools/install.sh kubeseal     # only the named ones (kubeseal, grpcurl, ghz)
#   test/tools/install.sh ghz          # the gRPC load tool `npm run bench` uses (not in "all")
#   test/tools/install.sh kustomize    # builds deploy/ (test/deploy)
#   test/tools/install.sh reviewdog    # the rdjson consumer of test/pr (built on first use there)
#   test/tools/install.sh crds         # the Argo CD and Flux CRDs (test/k8s/gitops-crds), from their Go modules
#   test/tools/install.sh helm         # the `helm template` peer of bench/parts/helm.mjs (bench/setup.sh)
#
# Needs `go` (1.26.8 or newer for kubeseal; an older go fetches that toolchain
# from the Go module proxy) and access to the Go module proxy on first run.
# Prints the path of each tool on stdout, progress on stderr.
set -euo pipefail

KUBESEAL_VERSION=v0.40.0 # pinned in test/tools/kubeseal/go.mod (keep both in step)
GRPCURL_VERSION=v1.9.4
GHZ_VERSION=v0.120.0 # bench/ only
KUSTOMIZE_VERSION=v5.8.2 # test/deploy: builds deploy/
REVIEWDOG_VERSION=v0.21.0 # test/pr; also docs/ci/gitlab-mcpo.yml (keep both in step)
# test/k8s/gitops-crds: the CRDs of what `gitops:` in mcpo.yaml renders (the newest releases whose go.mod a go 1.26 reads)
FLUX_KUSTOMIZE_CONTROLLER_VERSION=v1.9.6
ARGO_CD_VERSION=v3.5.7
HELM_VERSION=v3.20.2 # bench/ only

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${MCPO_CACHE_DIR:-$HOME/.cache/mcp-orchestrator}"
bin="$cache/bin"
mkdir -p "$bin"

log() { printf 'install.sh: %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  log "error: 'go' is not on PATH; install Go (https://go.dev/dl/) to build the test tools"
  exit 1
fi

# Several test files may ask for tools at once: one installer at a time.
exec 9>"$cache/install.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

# installed TOOL VERSION: the binary exists and its stamp says VERSION.
installed() {
  [[ -x "$bin/$1" && -f "$bin/.$1.version" && "$(cat "$bin/.$1.version")" == "$2" ]]
}

stamp() { printf '%s\n' "$2" >"$bin/.$1.version"; }

timed() {
  local start end
  start=$(date +%s)
  "$@"
  end=$(date +%s)
  log "  took $((end - start))s"
}

install_kubeseal() {
  if installed kubeseal "$KUBESEAL_VERSION"; then
    log "kubeseal $KUBESEAL_VERSION already in $bin"
  else
    # Not `go install github.com/bitnami-labs/sealed-secrets/cmd/kubeseal@$KUBESEAL_VERSION`:
    # that module declares its path as github.com/bitnami/sealed-secrets, which
    # `go install path@version` refuses. test/tools/kubeseal is a tiny module that
    # requires it under its declared path with a replace to the published one.
    log "building kubeseal $KUBESEAL_VERSION (test/tools/kubeseal) into $bin"
    (cd "$here/kubeseal" && GOBIN="$bin" timed go install -buildvcs=false \
      github.com/bitnami/sealed-secrets/cmd/kubeseal)
    stamp kubeseal "$KUBESEAL_VERSION"
  fi
  echo "$bin/kubeseal"
}

install_grpcurl() {
  if installed grpcurl "$GRPCURL_VERSION"; then
    log "grpcurl $GRPCURL_VERSION already in $bin"
  else
    log "installing grpcurl $GRPCURL_VERSION into $bin"
    # Outside any module, so the repo's surroundings cannot change the build.
    (cd "$cache" && GOBIN="$bin" timed go install -buildvcs=false -ldflags "-X main.version=$GRPCURL_VERSION" \
      "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION")
    stamp grpcurl "$GRPCURL_VERSION"
  fi
  echo "$bin/grpcurl"
}

# go install NAME from MODULE@VERSION, outside any module, unless that version is in place.
install_module() {
  local name="$1" version="$2" module="$3"
  if installed "$name" "$version"; then
    log "$name $version already in $bin"
  else
    log "installing $name $version into $bin"
    (cd "$cache" && GOBIN="$bin" timed go install -buildvcs=false "$module@$version")
    stamp "$name" "$version"
  fi
  echo "$bin/$name"
}

# The CRD files of a Go module, copied out of the module cache into $cache/crds/NAME (never committed).
#   install_crds NAME MODULE VERSION FILE...   (FILE relative to the module's root)
install_crds() {
  local name="$1" module="$2" version="$3"
  shift 3
  local dest="$cache/crds/$name"
  if [[ -f "$dest/.version" && "$(cat "$dest/.version")" == "$version" ]]; then
    log "$name CRDs $version already in $dest"
  else
    log "fetching the $name CRDs from $module@$version (Go module proxy)"
    local json dir
    json="$(cd "$cache" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "$module@$version")"
    dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
    if [[ -z "$dir" || ! -d "$dir" ]]; then
      log "error: go mod download $module@$version gave no module folder: $json"
      exit 1
    fi
    rm -rf "$dest"
    mkdir -p "$dest"
    for f in "$@"; do cp "$dir/$f" "$dest/"; done
    chmod u+w "$dest"/*
    printf '%s\n' "$version" >"$dest/.version"
  fi
  for f in "$@"; do echo "$dest/$(basename "$f")"; done
}

tools=("$@")
if [[ ${#tools[@]} -eq 0 ]]; then tools=(kubeseal grpcurl kustomize crds); fi
for t in "${tools[@]}"; do
  case "$t" in
    kubeseal) install_kubeseal ;;
    grpcurl) install_grpcurl ;;
    ghz) install_module ghz "$GHZ_VERSION" github.com/bojand/ghz/cmd/ghz ;;
    kustomize) install_module kustomize "$KUSTOMIZE_VERSION" sigs.k8s.io/kustomize/kustomize/v5 ;;
    reviewdog) install_module reviewdog "$REVIEWDOG_VERSION" github.com/reviewdog/reviewdog/cmd/reviewdog ;;
    crds)
      install_crds flux github.com/fluxcd/kustomize-controller "$FLUX_KUSTOMIZE_CONTROLLER_VERSION" \
        config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml
      install_crds argocd github.com/argoproj/argo-cd/v3 "$ARGO_CD_VERSION" \
        manifests/crds/application-crd.yaml manifests/crds/applicationset-crd.yaml
      ;;
    helm) install_module helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm ;;
    *)
      log "error: unknown tool '$t' (known: kubeseal grpcurl ghz kustomize reviewdog crds helm)"
      exit 2
      ;;
  esac
done
