#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# man.sh - the man pages keep up with the programs (make man-check, part
# of make check):
#   - relanced.conf(5) has a tagged paragraph for every key of
#     src/core/config_keys.h (it is made from conf/relanced.conf, which
#     test_config holds to the same table: this catches a page built from
#     a stale file or a generator that drops a key);
#   - relancectl(8) has a ".B COMMAND" line for every command that
#     `relancectl --help` lists;
#   - groff renders each page without a warning (-ww), and man(1) reads it.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
MAN=$TOP/build/man
RELANCECTL=${RELANCECTL:-$TOP/build/relancectl}
failures=0
checks=0

fail() { echo "  FAIL $*"; failures=$((failures + 1)); }

# A page's roff text: \- written as -, so that names compare plainly.
plain() { sed -e 's/\\-/-/g' "$1"; }

echo "== relanced.conf(5) names every key of config_keys.h"
mapfile -t keys < <(grep -oE '^ *X\([A-Z_]+, *[a-z_0-9]+, *"[^"]+"' "$TOP/src/core/config_keys.h" |
    sed -E 's/.*"([^"]+)"$/\1/')
[ "${#keys[@]}" -gt 50 ] || fail "only ${#keys[@]} keys read from config_keys.h"
conf5=$(plain "$MAN/relanced.conf.5")
for k in "${keys[@]}"; do
    checks=$((checks + 1))
    grep -qE "^\\\\fB$k\\\\fR( |$)" <<<"$conf5" || fail "relanced.conf(5) lacks the key $k"
done
echo "  ${#keys[@]} keys"

echo "== relancectl(8) names every command of relancectl --help"
mapfile -t commands < <("$RELANCECTL" --help | sed -n '/^commands/,$ { /^  [a-z]/ { s/^  \([a-z-]*\).*/\1/; p } }')
[ "${#commands[@]}" -gt 10 ] || fail "only ${#commands[@]} commands read from relancectl --help"
ctl8=$(plain "$MAN/relancectl.8")
for c in "${commands[@]}"; do
    checks=$((checks + 1))
    grep -qE "^\.B $c( |$)" <<<"$ctl8" || fail "relancectl(8) lacks the command $c"
done
echo "  ${#commands[@]} commands"

echo "== each page renders without a warning"
for page in "$MAN"/relanced.8 "$MAN"/relancectl.8 "$MAN"/relanced.conf.5; do
    checks=$((checks + 1))
    warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
    [ -z "$warnings" ] || fail "groff on ${page##*/}: $warnings"
    checks=$((checks + 1))
    out=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$page" 2>&1 >/dev/null)
    [ -z "$out" ] || fail "man -l ${page##*/}: $out"
    checks=$((checks + 1))
    title=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$page" 2>/dev/null | head -n 1)
    grep -q "^${page##*/}" <<<"$(tr '[:upper:]' '[:lower:]' <<<"$title" | sed -E 's/\(([0-9])\).*/.\1/')" ||
        fail "${page##*/} does not open with its title: $title"
done

echo "  $((checks - failures))/$checks checks passed"
[ "$failures" -eq 0 ]
