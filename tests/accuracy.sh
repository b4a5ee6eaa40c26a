#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# accuracy.sh - `make accuracy`: how well relance recognises invoices, as
# `relancectl inspect --json` reports them, over
#   - every invoice file of the corpus (tests/data/corpus: facturx/, cii/, ubl/,
#     pdf-plain/), against MANIFEST.tsv;
#   - the labelled set of this project: tests/data/text-invoices/*.eml
#     against EXPECTED.tsv, and tests/data/non-invoices/*.eml, which must
#     give no case (nor must the corpus's non-invoice files and mime/).
# Prints, per source and per field, right / total, and the false cases.
# It reports; the pass/fail thresholds are test_accuracy's (make check).
#
# Field rules for the corpus follow tests/unit/support/corpus.c: dates as
# written in the document (a due date computed from payment terms or
# DefaultPaymentTerms counts as "none written"), the net due date when
# several are given (never an early-payment discount date), DuePayable
# else GrandTotal. The two PDFs that poppler cannot read or refuses
# (listed in test_invoice_facturx.c) must give no case.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
CTL=${RELANCECTL:-$TOP/build/relancectl}
PDF_WORKER=${RELANCE_PDF:-$TOP/build/relance-pdf}
RENDER=${EML_RENDER:-$TOP/build/tools/eml_render}
CORPUS=${RELANCE_CORPUS:-$TOP/tests/data/corpus}
DATA=$TOP/tests/data
for tool in "$CTL" "$RENDER" "$PDF_WORKER" jq; do
    command -v "$tool" >/dev/null || { echo "accuracy: $tool missing (make all tools)" >&2; exit 1; }
done
[ -f "$CORPUS/MANIFEST.tsv" ] || { echo "accuracy: no corpus at $CORPUS" >&2; exit 1; }

T=$(mktemp -d /tmp/relance-accuracy.XXXXXX)
trap 'rm -rf "$T"' EXIT
# Defaults, whatever /etc/relance says; PDFs read by this tree's worker.
printf 'DefaultPaymentTerms 30\nMinimumConfidence 60\nPdfWorker %s\n' "$PDF_WORKER" >"$T/relanced.conf"
EXPECTED=$T/expected.tsv # source file number type issue due amount currency
GOT=$T/got.tsv           # file number type issue due amount currency source due_basis
NONINV=$T/noninvoices.tsv
: >"$EXPECTED"
: >"$GOT"
: >"$NONINV"

inspect() { # inspect FILE LABEL: appends the records found to GOT
    "$CTL" -c "$T/relanced.conf" inspect --json "$1" 2>/dev/null |
        jq -r --arg f "$2" '.invoices[] | [$f, .number, .type, (.issue_date // ""),
            (.due_date // ""), (.amount_due // ""), (.currency // ""), .source, .due_basis] | @tsv' >>"$GOT"
}

# ---- the corpus: expected values from MANIFEST.tsv ----

awk -F'\t' -v OFS='\t' '
function dashed(d) { gsub(/-/, "", d); d = substr(d, 1, 8); return d == "" ? "" : substr(d, 1, 4) "-" substr(d, 5, 2) "-" substr(d, 7, 2) }
function discount(t) { t = tolower(t); return t ~ /skonto|discount|escompte/ }
function due(dates, terms,    nd, nt, d, t, i, best, disc, x) {
    nd = split(dates, d, ";"); nt = split(terms, t, " / "); best = ""; disc = ""
    for (i = 1; i <= nd; i++) {
        x = dashed(d[i]); if (x == "") continue
        if (nd > 1 && nt == nd && discount(t[i])) { if (x > disc) disc = x }
        else if (best == "" || x < best) best = x
    }
    return best != "" ? best : disc
}
function credit(code, syntax) { return code ~ /^(261|262|296|308|381|396|420|458|532)$/ || syntax == "UBL-CreditNote" }
NR == 1 { next }
{
    path = $1; code = $13; syntax = $11
    if (path !~ /^(facturx|cii|ubl|pdf-plain)\//) next
    if (path == "facturx/broken_corruptedV2PDF.pdf" || path == "facturx/broken_waytoosmall.pdf") { print "unreadable", path > noninv; next }
    if (code == "751" || syntax ~ /^other:/ || (code == "" && $12 ~ /:order:/)) { print "corpus non-invoice", path > noninv; next }
    source = path ~ /^facturx\// ? "facturx" : path ~ /^cii\// ? "cii" : path ~ /^ubl\// ? "ubl" : "pdf-text"
    dd = $16; sub(/ .*/, "", dd)
    amount = $17 != "" ? $17 : $18
    if (amount != "") amount = sprintf("%.2f", amount)
    print source, path, $14, credit(code, syntax) ? "credit_note" : "invoice", dashed($15), due(dd, $24), amount, $19 > expected
    print path
}' noninv="$NONINV" expected="$EXPECTED" "$CORPUS/MANIFEST.tsv" |
    while read -r path; do inspect "$CORPUS/$path" "$path"; done

# ---- the labelled set ----

awk -F'\t' -v OFS='\t' 'NR > 1 { print $8, "text-invoices/" $1, $2, $3, $4, $5, $6, $7 }' \
    "$DATA/text-invoices/EXPECTED.tsv" >>"$EXPECTED"
for f in "$DATA"/text-invoices/*.eml; do
    "$RENDER" "$f" "$T/$(basename "$f")" && inspect "$T/$(basename "$f")" "text-invoices/$(basename "$f")"
done
for f in "$DATA"/non-invoices/*.eml; do
    printf 'labelled non-invoice\t%s\n' "non-invoices/$(basename "$f")" >>"$NONINV"
done
for f in "$CORPUS"/mime/*.eml; do
    printf 'corpus mime message\t%s\n' "mime/$(basename "$f")" >>"$NONINV"
done

# ---- non-invoices: any case is a false case ----

while IFS=$'\037' read -r what path; do
    case $path in
        non-invoices/*) "$RENDER" "$DATA/$path" "$T/non.eml" && file="$T/non.eml" ;;
        *) file="$CORPUS/$path" ;;
    esac
    n=$("$CTL" -c "$T/relanced.conf" inspect --json "$file" 2>/dev/null | jq '.invoices | length')
    printf '%s\t%s\t%s\n' "$what" "$path" "${n:-0}"
done < <(tr '\t' '\037' <"$NONINV") >"$T/noninv-results.tsv"

# ---- the table ----

awk -F'\t' -v OFS='\t' '
FILENAME == ARGV[1] {   # got: file number type issue due amount currency source basis
    n = ++count[$1]; rec[$1, n] = $0; next
}
FILENAME == ARGV[2] {   # expected
    source = $1; file = $2; sources[source] = 1; docs[source]++
    # the record with this number, else the only record of the file
    found = ""
    for (i = 1; i <= count[file]; i++) { split(rec[file, i], r, "\t"); if (r[2] == $3) found = rec[file, i] }
    if (found == "" && count[file] == 1) found = rec[file, 1]
    used[file] += found != "" ? 1 : 0
    split(found, r, "\t")
    if (file !~ /^text-invoices\// && (r[9] == "terms" || r[9] == "default")) r[5] = ""
    nf = split("number type issue_date due_date amount_due currency source", names, " ")
    want[1] = $3; want[2] = $4; want[3] = $5; want[4] = $6; want[5] = $7; want[6] = $8; want[7] = source
    for (k = 1; k <= nf; k++) {
        got = found == "" ? "\001" : r[k + 1]
        if (k == 7) got = found == "" ? "\001" : r[8]
        total[source, k]++; if (got == want[k]) right[source, k]++
        if (got != want[k]) wrong[++nwrong] = sprintf("  wrong %-44s %-10s expected %-14s got %s", file, names[k], "\x27" want[k] "\x27", found == "" ? "no record" : "\x27" got "\x27")
    }
    expected_records[file]++
    next
}
{   # non-invoice results: what path count
    nonfiles[$1]++; if ($3 > 0) { falses[$1] += $3; falsel[++nfalse] = "  false case: " $2 " (" $3 ")" }
}
END {
    order = "facturx ubl cii pdf-text body"
    printf "%-10s %8s", "source", "invoices"
    for (k = 1; k <= nf; k++) printf " %11s", names[k]
    printf " %13s\n", "all fields"
    split(order, srcs, " ")
    for (i = 1; i <= 5; i++) {
        s = srcs[i]; if (!(s in sources)) continue
        sr = 0; st = 0
        printf "%-10s %8d", s, docs[s]
        for (k = 1; k <= nf; k++) { printf " %5d/%-5d", right[s, k], total[s, k]; sr += right[s, k]; st += total[s, k] }
        printf " %6d/%-6d\n", sr, st
        if (s == "facturx" || s == "ubl" || s == "cii") { str += sr; stt += st } else { txr += sr; txt += st }
    }
    printf "\nstructured (facturx, ubl, cii): %d/%d fields right\n", str, stt
    printf "text (pdf-text, body):          %d/%d fields right (%.1f %%)\n", txr, txt, txt ? 100 * txr / txt : 0
    for (f in count) if (f in expected_records && count[f] > expected_records[f]) extra += count[f] - expected_records[f]
    printf "extra cases in invoice files:   %d\n\n", extra
    printf "%-22s %6s %12s\n", "non-invoices", "files", "false cases"
    for (w in nonfiles) printf "%-22s %6d %12d\n", w, nonfiles[w], falses[w]
    if (nwrong) { print "\nfields wrong:"; for (i = 1; i <= nwrong; i++) print wrong[i] }
    if (nfalse) { print "\nfalse cases:"; for (i = 1; i <= nfalse; i++) print falsel[i] }
}' "$GOT" "$EXPECTED" "$T/noninv-results.tsv"
