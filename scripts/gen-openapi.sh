#!/usr/bin/env bash
# Generates everything that comes from the google.api.http annotations in spec/:
#   openapi/openapi.yaml                    gnostic's protoc-gen-openapi through `buf generate`
#                                           (buf.gen.yaml), then scripts/openapi-fixups.mjs
#   clients/typescript/src/schema.d.ts      openapi-typescript, from openapi/openapi.yaml
#   clients/python/                         openapi-python-client, from openapi/openapi.yaml
# The generators are pinned: protoc-gen-openapi and openapi-python-client by
# test/openapi/setup.sh (tool cache), buf and openapi-typescript in package.json.
#
#   bash scripts/gen-openapi.sh            # (npm run gen:openapi) rewrites the files above
#   bash scripts/gen-openapi.sh --check    # regenerates into a temp dir; exit 1 if any differs
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

mode="${1:-write}"
case "$mode" in
  write | --check) ;;
  *)
    echo "usage: bash scripts/gen-openapi.sh [--check]" >&2
    exit 2
    ;;
esac

mapfile -t tools < <(bash test/openapi/setup.sh)
bindir="${tools[0]}"
venvbin="$(dirname "${tools[1]}")"

out="$(mktemp -d "${TMPDIR:-/tmp}/mcpo-openapi.XXXXXX")"
trap 'rm -rf "$out"' EXIT

# 1. OpenAPI 3 from spec/ (buf.gen.yaml names the plugin; it is found on PATH).
PATH="$bindir:$PATH" node_modules/.bin/buf generate --template buf.gen.yaml --output "$out"
node scripts/openapi-fixups.mjs spec "$out/openapi/openapi.yaml"

# 2. TypeScript types for openapi-fetch.
node_modules/.bin/openapi-typescript "$out/openapi/openapi.yaml" --output "$out/clients/typescript/src/schema.d.ts" >&2

# 3. The Python client; any warning (an endpoint or model it would skip) fails.
PATH="$venvbin:$PATH" RUFF_NO_CACHE=true "$venvbin/openapi-python-client" generate \
  --path "$out/openapi/openapi.yaml" \
  --config clients/python-generator/config.yaml \
  --custom-template-path clients/python-generator/templates \
  --meta uv --fail-on-warning \
  --output-path "$out/clients/python" >&2

generated=(openapi/openapi.yaml clients/typescript/src/schema.d.ts clients/python)

if [[ "$mode" == --check ]]; then
  stale=()
  for f in "${generated[@]}"; do
    if ! diff -r -q -x __pycache__ "$out/$f" "$f" >/dev/null 2>&1; then stale+=("$f"); fi
  done
  if [[ ${#stale[@]} -gt 0 ]]; then
    echo "gen-openapi: generated from spec/ but stale: ${stale[*]}" >&2
    echo "gen-openapi: run \`npm run gen:openapi\` (bash scripts/gen-openapi.sh) and commit the result" >&2
    exit 1
  fi
  echo "gen-openapi: openapi/ and clients/ are up to date with spec/"
  exit 0
fi

mkdir -p openapi clients/typescript/src
cp "$out/openapi/openapi.yaml" openapi/openapi.yaml
cp "$out/clients/typescript/src/schema.d.ts" clients/typescript/src/schema.d.ts
rm -rf clients/python
cp -R "$out/clients/python" clients/python
echo "gen-openapi: wrote ${generated[*]}"
