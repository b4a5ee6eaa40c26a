#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/extract.sh - invoices read per second: relance's reading in
# process (build/bench/bench_extract, no start-up) against the pair of
# programs one would use by hand, pdfdetach (poppler-utils) to take the
# XML out of a Factur-X PDF and xmllint --xpath (libxml2-utils) to read
# its number, one process each per file. Prints a table of both rates and
# their ratio (target: in process >= 10x), and the CPU time per file of
# each (user + system; the pair's counts its processes), whose ratio moves
# less than the rates' on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${RELANCE_CORPUS:-$PWD/tests/data/corpus}
SECONDS_IN_PROCESS=${BENCH_SECONDS:-5}
work=$(mktemp -d /tmp/relance-bench-extract.XXXXXX)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

# The pair, per file: the XML's invoice number (CII: ram:ID of the
# exchanged document; UBL: cbc:ID), as relance would need it at least.
xpath_number='//*[local-name()="ExchangedDocument" or local-name()="HeaderExchangedDocument"]/*[local-name()="ID"]/text() | /*[local-name()="Invoice" or local-name()="CreditNote"]/*[local-name()="ID"]/text()'
pair_pdf() {
    local f=$1 out=$work/detach
    rm -rf "$out"; mkdir -p "$out"
    pdfdetach -saveall -o "$out" "$f" >/dev/null 2>&1 || true
    for x in "$out"/*.xml; do
        [ -e "$x" ] && xmllint --xpath "$xpath_number" "$x" >/dev/null 2>&1 || true
    done
}
pair_xml() { xmllint --xpath "$xpath_number" "$1" >/dev/null 2>&1 || true; }

# CPU seconds of this shell's finished children: the times builtin, run
# in this shell (in a $(...) it would count the subshell's children).
children_cpu() {
    times >"$work/times"
    sed -n 2p "$work/times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] }; printf "%.3f", s }'
}

rate_pair() { # kind files... -> "files/s cpu-ms-per-file"
    local kind=$1; shift
    local n=0 t0 t1 c0 c1
    children_cpu >"$work/c0"
    t0=$(now)
    for f in "$@"; do
        if [ "$kind" = pdf ]; then pair_pdf "$f"; else pair_xml "$f"; fi
        n=$((n + 1))
    done
    t1=$(now)
    children_cpu >"$work/c1"
    c0=$(cat "$work/c0"); c1=$(cat "$work/c1")
    echo "$n $t0 $t1 $c0 $c1" | awk '{ printf "%.1f %.2f\n", $1 / ($3 - $2), ($5 - $4) * 1000 / $1 }'
}

pdfs=("$CORPUS"/facturx/*.pdf)
xmls=("$CORPUS"/cii/* "$CORPUS"/ubl/*)
row() { # label files-count in-process-output pair-output
    local inproc incpu pair paircpu ratio cpuratio
    read -r inproc _ incpu <<<"$3"
    read -r pair paircpu <<<"$4"
    ratio=$(awk -v a="$inproc" -v b="$pair" 'BEGIN { printf "%.1f", a / b }')
    cpuratio=$(awk -v a="$incpu" -v b="$paircpu" 'BEGIN { printf "%.1f", (a > 0 ? b / a : 0) }')
    printf '%-34s %5d %13s %20s %6sx %8s %7s %8sx\n' "$1" "$2" "$inproc" "$pair" "$ratio" "$incpu" "$paircpu" \
        "$cpuratio"
}
printf '%-34s %5s %13s %20s %7s %16s %9s\n' "documents" "files" "in process/s" "pdfdetach+xmllint/s" "ratio" \
    "CPU ms/file (in, pair)" "CPU ratio"
# PDFs twice in process: poppler's global set-up per file (as it is by
# default: see bench_extract.c), and once for the run (--poppler-once).
inproc=$(build/bench/bench_extract "$SECONDS_IN_PROCESS" "${pdfs[@]}")
once=$(build/bench/bench_extract --poppler-once "$SECONDS_IN_PROCESS" "${pdfs[@]}")
pair=$(rate_pair pdf "${pdfs[@]}")
row "Factur-X PDF (facturx/)" "${#pdfs[@]}" "$inproc" "$pair"
row "  the same, poppler set up once" "${#pdfs[@]}" "$once" "$pair"
inproc=$(build/bench/bench_extract "$SECONDS_IN_PROCESS" "${xmls[@]}")
pair=$(rate_pair xml "${xmls[@]}")
row "CII + UBL XML (cii/, ubl/)" "${#xmls[@]}" "$inproc" "$pair"
echo "target: in process >= 10x the pair"
