#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/extract.sh - invoices read per second: relance's reading in
# process (build/bench/bench_extract, no start-up) against the pair of
# programs one would use by hand, pdfdetach (poppler-utils) to take the
# XML out of a Factur-X PDF and xmllint --xpath (libxml2-utils) to read
# its number, one process each per file. Prints a table of both rates and
# their ratio (target: in process >= 10x).
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

rate_pair() { # kind files...
    local kind=$1; shift
    local n=0 t0 t1
    t0=$(now)
    for f in "$@"; do
        if [ "$kind" = pdf ]; then pair_pdf "$f"; else pair_xml "$f"; fi
        n=$((n + 1))
    done
    t1=$(now)
    echo "$n $t0 $t1" | awk '{ printf "%.1f", $1 / ($3 - $2) }'
}

pdfs=("$CORPUS"/facturx/*.pdf)
xmls=("$CORPUS"/cii/* "$CORPUS"/ubl/*)
printf '%-28s %8s %14s %14s %8s\n' "documents" "files" "in process/s" "pdfdetach+xmllint/s" "ratio"
for kind in pdf xml; do
    if [ "$kind" = pdf ]; then files=("${pdfs[@]}"); label="Factur-X PDF (facturx/)"; else files=("${xmls[@]}"); label="CII + UBL XML (cii/, ubl/)"; fi
    read -r inproc _found < <(build/bench/bench_extract "$SECONDS_IN_PROCESS" "${files[@]}")
    pair=$(rate_pair "$kind" "${files[@]}")
    ratio=$(awk -v a="$inproc" -v b="$pair" 'BEGIN { printf "%.1f", a / b }')
    printf '%-28s %8d %14s %14s %7sx\n' "$label" "${#files[@]}" "$inproc" "$pair" "$ratio"
done
echo "target: in process >= 10x the pair"
