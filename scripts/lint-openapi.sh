#!/usr/bin/env bash
# Lints docs/openapi.yaml with Spectral (tools/spectral: pinned in package-lock.json, installed
# by scripts/install-deps.sh from the npm registry). Fails on any warning or error.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPECTRAL="$ROOT/tools/spectral/node_modules/.bin/spectral"
if [ ! -x "$SPECTRAL" ]; then
    echo "lint-openapi: Spectral is not installed; run scripts/install-deps.sh" >&2
    exit 1
fi
"$SPECTRAL" lint "$ROOT/docs/openapi.yaml" --ruleset "$ROOT/tools/spectral/.spectral.yaml" --fail-severity warn --quiet
echo "lint-openapi: docs/openapi.yaml is valid"
