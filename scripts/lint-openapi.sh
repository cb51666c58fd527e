#!/usr/bin/env bash
# The contract, docs/openapi.yaml: linted with Spectral (tools/spectral), compared with the last
# released one for breaking changes (tools/contract/check-compat.mjs), and the checkers shown to
# catch what they are for. All pinned in package-lock.json files, installed by
# scripts/install-deps.sh from the npm registry. Fails on any warning or error.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPECTRAL="$ROOT/tools/spectral/node_modules/.bin/spectral"
if [ ! -x "$SPECTRAL" ] || [ ! -d "$ROOT/tools/contract/node_modules" ]; then
    echo "lint-openapi: Spectral or the contract's checkers are not installed; run scripts/install-deps.sh" >&2
    exit 1
fi
"$SPECTRAL" lint "$ROOT/docs/openapi.yaml" --ruleset "$ROOT/tools/spectral/.spectral.yaml" --fail-severity warn --quiet
echo "lint-openapi: docs/openapi.yaml is valid"
node "$ROOT/tools/contract/check-compat.mjs" "$ROOT/docs/openapi.released.yaml" "$ROOT/docs/openapi.yaml"

# The checkers fail on what they must: an answer with a field the contract does not list, one
# without a field it requires, and a field renamed in the contract without a new major version.
planted="$(mktemp -d)"
trap 'rm -rf "$planted"' EXIT
printf '%s\n' \
    '{"method":"POST","path":"/api/v1/auth/logout","status":200,"type":"application/json","body":{"ok":true,"phone":"13800138000"}}' \
    '{"method":"POST","path":"/api/v1/auth/logout","status":200,"type":"application/json","body":{}}' \
    >"$planted/answers-1.jsonl"
node "$ROOT/tools/contract/check-answers.mjs" "$ROOT/docs/openapi.yaml" "$planted" >"$planted/out" || true
grep -q "has phone, which the contract does not list" "$planted/out" && grep -q "lacks ok" "$planted/out" \
    || { echo "lint-openapi: check-answers let a planted extra or missing field through" >&2; cat "$planted/out" >&2; exit 1; }
sed 's/        hold_id: {type: string}/        hold_ref: {type: string}/' "$ROOT/docs/openapi.yaml" >"$planted/renamed.yaml"
if node "$ROOT/tools/contract/check-compat.mjs" "$ROOT/docs/openapi.released.yaml" "$planted/renamed.yaml" >"$planted/out"; then
    echo "lint-openapi: check-compat let a planted rename through" >&2
    exit 1
fi
echo "lint-openapi: the checkers catch a planted extra field, a missing one and a rename"
