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

seeds() { # TARGET: the seed files of one target
    case $1 in
    fuzz_config) ls "$top"/conf/*.conf "$top"/tests/data/config/*.conf 2>/dev/null ;;
    fuzz_invoice_xml) ls "$corpus"/cii/* "$corpus"/ubl/* "$corpus"/facturx/embedded/*.xml "$top"/tests/data/fuzz/fuzz_invoice_xml/* ;;
    fuzz_pdf) ls "$corpus"/facturx/*.pdf "$corpus"/pdf-plain/*.pdf "$top"/tests/data/fuzz/fuzz_pdf/* ;;
    fuzz_message) ls "$corpus"/mime/*.eml "$top"/tests/data/*/*.eml 2>/dev/null ;;
    fuzz_reply) ls "$top"/tests/data/replies/*.eml "$top"/tests/data/fuzz/fuzz_reply/* 2>/dev/null ;;
    fuzz_camt) ls "$corpus"/payments/*.xml "$top"/tests/data/fuzz/fuzz_camt/* ;;
    fuzz_bank_csv) ls "$top"/tests/data/payments/*.csv "$top"/tests/data/fuzz/fuzz_bank_csv/* ;;
    fuzz_reply_model) ls "$top"/conf/replies/model.tsv "$top"/tests/data/fuzz/fuzz_reply_model/* ;;
    fuzz_utf8) ls "$top"/tests/data/fuzz/fuzz_utf8/* "$top"/conf/templates/fr/*.md ;;
    *) ls "$top"/tests/data/fuzz/"$1"/* 2>/dev/null ;;
    esac
}

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
