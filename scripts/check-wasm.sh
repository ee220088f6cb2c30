#!/usr/bin/env bash
# CI: rebuilds the wasm kernels into a temp file and fails if the committed binary.ts differs from its sources.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
scripts/build-wasm.sh "$tmp" >/dev/null
if ! cmp -s "$tmp" src/kernels/wasm/binary.ts; then
  echo "src/kernels/wasm/binary.ts does not match src/kernels/wasm/*.c: run scripts/build-wasm.sh and commit the result." >&2
  exit 1
fi
echo "src/kernels/wasm/binary.ts matches its sources (src/kernels/wasm/*.c)."
