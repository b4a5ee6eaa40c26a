#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs each unit test binary given as an argument; fails if any fails.
# Each binary is built with AddressSanitizer and UndefinedBehaviorSanitizer.
set -u
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="suppressions=$(dirname "$0")/lsan.supp:print_suppressions=0"
failed=()
for t in "$@"; do
    echo "=== ${t##*/}"
    if ! "$t"; then
        failed+=("${t##*/}")
    fi
done
echo
if [ "${#failed[@]}" -ne 0 ]; then
    echo "unit tests FAILED: ${failed[*]}"
    exit 1
fi
echo "unit tests: all $# programs passed"
