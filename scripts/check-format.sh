#!/usr/bin/env bash
# Every tracked C++ file as clang-format writes it (.clang-format: Google style, 4 spaces, 100
# columns). Check mode: changes nothing, fails naming each place that differs.
#   scripts/check-format.sh          # check (every test run does this)
#   scripts/check-format.sh --fix    # rewrite the files in place
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
    exec clang-format -i "${files[@]}"
fi
report="$(clang-format --dry-run --Werror "${files[@]}" 2>&1)"
status=$?
if [ "$status" -ne 0 ]; then
    places="$(grep -E ': error: ' <<<"$report" | sed 's/: error:.*//')"
    echo "format: these places differ from clang-format's output (fix: scripts/check-format.sh --fix):"
    head -50 <<<"$places" | sed 's/^/format:   /'
    echo "format: $(grep -c . <<<"$places") places in all"
    exit 1
fi
echo "format: ${#files[@]} files as clang-format writes them"
