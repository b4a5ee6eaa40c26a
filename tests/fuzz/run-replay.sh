#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replays every fuzz target over its seeds and their mutations (see
# replay.c). Seeds come from the invoice corpus and the rest of tests/data.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${RELANCE_CORPUS:-$top/tests/data/corpus}
bin=$top/build/asan/fuzz
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
# fuzz_pdf reads PDFs in the sanitized worker, as relanced does; a report
# there ends the worker with status 86, which fuzz_pdf turns into a failure.
export RELANCE_PDF_WORKER=$top/build/asan/relance-pdf
export ASAN_OPTIONS="$ASAN_OPTIONS:exitcode=86"
export UBSAN_OPTIONS="$UBSAN_OPTIONS:exitcode=86"

source "$top/tests/fuzz/seeds.sh"

status=0
for target in "$bin"/fuzz_*; do
    [[ $target == *.d ]] && continue
    name=${target##*/}
    mapfile -t files < <(seeds "$name")
    if [ "${#files[@]}" -eq 0 ]; then
        echo "$name: no seeds"; status=1; continue
    fi
    printf '%s: ' "$name"
    # Large PDFs are slow under the sanitizers: fewer mutations for them.
    if [ "$name" = fuzz_pdf ]; then m=2; else m=8; fi
    "$target" -m "$m" "${files[@]}" || { echo "$name FAILED"; status=1; }
done
exit $status
