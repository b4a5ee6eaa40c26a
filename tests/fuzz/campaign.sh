#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# campaign.sh - coverage-guided fuzzing of every target with clang's
# libFuzzer (build/fuzz/fuzz_*), FUZZ_TIME seconds each (default 600).
#
# Each target starts from its replay seeds (seeds.sh) and keeps what it
# finds in build/fuzz/corpus/TARGET, so a second campaign goes on from the
# first. libFuzzer runs in fork mode and carries on after a crash, a
# timeout or an out-of-memory: every such input is kept under
# build/fuzz/crashes/ to become a regression seed in
# tests/data/fuzz/TARGET/. The figures (executions, coverage, corpus,
# crashes) go to build/fuzz/summary.tsv, one line per target.
#
# usage: campaign.sh [TARGET...]     (default: every built target)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${RELANCE_CORPUS:-$top/tests/data/corpus}
time_each=${FUZZ_TIME:-600}
source "$top/tests/fuzz/seeds.sh"

out=$top/build/fuzz
mkdir -p "$out/crashes" "$out/logs"
summary=${FUZZ_SUMMARY:-$out/summary.tsv}
[ -f "$summary" ] || printf 'target\tseconds\texecutions\texec/s\tcoverage\tfeatures\tcorpus\tcrashes\n' >"$summary"

if [ "$#" -gt 0 ]; then targets=("$@"); else
    mapfile -t targets < <(ls "$out"/fuzz_* | grep -v '\.d$' | xargs -n1 basename)
fi

# The last "cov:" line of a log: "#N ... cov: C ft: F corp: K/... exec/s: E".
field() { sed -n "s/.*[[:space:]]$1:\{0,1\} *\([0-9][0-9]*\).*/\1/p" | tail -n 1; }

status=0
for name in "${targets[@]}"; do
    bin=$out/$name
    [ -x "$bin" ] || { echo "$name: not built (make build/fuzz/$name)"; status=1; continue; }
    dir=$out/corpus/$name
    mkdir -p "$dir"
    mapfile -t files < <(seeds "$name")
    [ "${#files[@]}" -gt 0 ] && cp -n "${files[@]}" "$dir"/ 2>/dev/null
    log=$out/logs/$name.log
    echo "== $name: $time_each s from $(ls "$dir" | wc -l) inputs"
    start=$SECONDS
    # fuzz_pdf reads in process (no RELANCE_PDF_WORKER): coverage is seen.
    ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
    LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0" \
    "$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$time_each" -timeout=20 -rss_limit_mb=2048 \
        -artifact_prefix="$out/crashes/$name-" -print_final_stats=1 \
        "$dir" >"$log" 2>&1
    seconds=$((SECONDS - start))
    execs=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed 's/^#\([0-9]*\).*/\1/')
    cov=$(field cov <"$log"); ft=$(field ft <"$log"); corp=$(field corp <"$log")
    crashes=$(ls "$out/crashes/$name-"* 2>/dev/null | wc -l)
    rate=$(( ${execs:-0} / (seconds > 0 ? seconds : 1) ))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$seconds" "${execs:-?}" "$rate" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes" >>"$summary"
    echo "   $seconds s, ${execs:-?} executions, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, crashes $crashes"
    [ "$crashes" -eq 0 ] || status=1
done
exit $status
