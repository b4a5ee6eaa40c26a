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
for t in test_*.sh; do
    echo "=== $t"
    start=$SECONDS
    if bash "$t"; then
        echo "--- $t passed ($((SECONDS - start)) s)"
    else
        echo "--- $t FAILED ($((SECONDS - start)) s)"
        failed+=("$t")
    fi
done
echo
if [ "${#failed[@]}" -ne 0 ]; then
    echo "integration tests FAILED: ${failed[*]}"
    exit 1
fi
echo "integration tests: all passed"
