#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every integration test (tests/integration/test_*.sh) against a real
# Postfix started privately by each test; fails if any fails.
set -u
cd "$(dirname "$0")"
if [ "$(id -u)" != 0 ]; then
    echo "integration tests start a private Postfix and must run as root" >&2
    exit 1
fi
failed=()
logs=$(mktemp -d)
for t in test_*.sh; do
    echo "=== $t"
    start=$SECONDS
    if bash "$t" 2>&1 | tee "$logs/$t.log"; [ "${PIPESTATUS[0]}" = 0 ]; then
        echo "--- $t passed ($((SECONDS - start)) s)"
    else
        echo "--- $t FAILED ($((SECONDS - start)) s)"
        failed+=("$t")
    fi
done
echo
if [ "${#failed[@]}" -ne 0 ]; then
    # Again at the end, where a reader of the tail of a long log looks:
    # each failed test's failed checks and its last lines.
    for t in "${failed[@]}"; do
        echo "=== $t: what failed"
        grep -E "^  FAIL|did not|kept in" "$logs/$t.log"
        echo "--- its last lines:"
        tail -n 25 "$logs/$t.log"
    done
    rm -rf "$logs"
    echo "integration tests FAILED: ${failed[*]}"
    exit 1
fi
rm -rf "$logs"
echo "integration tests: all passed"
