#!/usr/bin/env bash
# The proto contract in spec/ is shared with front ends: it must lint clean and
# must not break wire or source compatibility with the first landed version.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The first landed version of spec/ (the project's first commit).
BASELINE=34003f46fc29c76bcd65762bc4563edb6a1f9ca5
buf=node_modules/.bin/buf
"$buf" lint
if git cat-file -e "$BASELINE^{commit}" 2>/dev/null; then
  "$buf" breaking --against ".git#ref=$BASELINE"
  echo "check-proto: buf lint and buf breaking against ${BASELINE:0:12} passed"
else
  echo "check-proto: baseline $BASELINE is not in this clone (shallow?); buf breaking skipped" >&2
fi
