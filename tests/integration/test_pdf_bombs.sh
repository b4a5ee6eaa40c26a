#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# PDF bombs sent from inside (an employee forwards an attachment from
# outside) through a real Postfix: the PDF worker is stopped within
# PdfMaxTime, the message is delivered, relanced stays up and small, and
# a Factur-X invoice sent afterwards is still tracked. A worker that
# cannot run, or that dies by itself, is relance's own failure:
# On-InternalError decides.
source "$(dirname "$0")/lib.sh"

PDF_BOMB=$TOP/build/tools/pdf_bomb
MAX_TIME=3
"$PDF_BOMB" forms "$T/forms.pdf" 7 8 || exit 1
"$PDF_BOMB" files "$T/files.pdf" 200 26 || exit 1
"$PDF_BOMB" files-nosize "$T/files-nosize.pdf" 200 26 || exit 1

start_sink || exit 1
# AddressSanitizer keeps freed memory in quarantine (256 MB by default),
# which would hide what relanced really holds: a small one here.
export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=16"
write_relance_conf "PdfMaxTime ${MAX_TIME}s"
start_relanced || exit 1
start_postfix || exit 1

SENT=0
send_smtp() { # send_smtp FILE: sends from inside, records the queue id in QID
    local reply
    reply=$("$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test client@customer.test "$1") ||
        { fail "SMTP refused $1: $reply"; return 1; }
    QID=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' <<<"$reply")
    SENT=$((SENT + 1))
}
delivered() {
    if ! wait_sink "$SENT" 60; then fail "message $SENT not delivered"; return 1; fi
    DELIVERED=$(ls -t "$SINK"/* | head -n 1)
}
has_header() { sink_message "$DELIVERED" | sed '/^$/q' | grep -q "^$1"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$RELANCED_PID/status"; }
reloaded() { # reloaded N: waits until relanced has said so N times
    for _ in $(seq 1 100); do
        [ "$(grep -c "configuration reloaded" "$RELANCE_LOG")" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
workers_left() { pgrep -f "$T/libexec/relance-pdf" | wc -l; }

# The sanitized relanced's own peak, before any PDF.
wait_log "starting on" 10
HWM_START=$(hwm_kb)

# send_bomb NAME FILE: sends it, checks delivery within PdfMaxTime and a
# margin (queueing, the sanitizers), relanced alive, no worker left.
send_bomb() {
    local start elapsed
    mime_with_attachment "$T/$1.eml" billing@creditor.test client@customer.test "Facture jointe" "$2" application/pdf
    start=$(date +%s%N)
    send_smtp "$T/$1.eml" && delivered || return 1
    elapsed=$((($(date +%s%N) - start) / 1000000))
    echo "  ..   $1: delivered in $elapsed ms, relanced peak $(hwm_kb) kB"
    check "$1: delivered within PdfMaxTime ($MAX_TIME s) and a margin" [ "$elapsed" -lt $((MAX_TIME * 1000 + 10000)) ]
    check "$1: no X-Relance header" not has_header "X-Relance:"
    check "$1: relanced is still up" relanced_alive
    check_eq "$1: no worker left behind" 0 "$(workers_left)"
}

echo "== nested form XObjects (exponential drawing)"
send_bomb forms "$T/forms.pdf"
# Stopped at the deadline, or sooner by PdfMaxMemory (the sanitized
# worker grows faster, and only the parent's watch bounds its memory).
check "one warning with the queue id: PDF not readable" \
    grep -Eq "$QID: forms.pdf: PDF not readable: worker stopped( after|: over PdfMaxMemory)" "$RELANCE_LOG"
check_eq "logged once" 1 "$(grep -c "$QID: forms.pdf: PDF not readable" "$RELANCE_LOG")"
check "not an internal error" not grep -q "$QID: .*internal" "$RELANCE_LOG"

echo "== 200 embedded files naming one 26 MB stream"
send_bomb files "$T/files.pdf"
check "one note for the files whose declared size is too large" \
    grep -q "$QID: note: files.pdf: 19 embedded files skipped (f0001.xml, ...): declared size over the bound" "$RELANCE_LOG"
check "the files past PdfMaxEmbeddedFiles are skipped" \
    grep -q "$QID: note: files.pdf: 180 embedded files skipped: too many files" "$RELANCE_LOG"
# PdfMaxDecoded must be what stops this one: on a loaded machine the
# sanitized worker could reach a 3 s PdfMaxTime first, so the deadline is
# set far beyond for it.
write_relance_conf "PdfMaxTime 60s"
kill -USR1 "$RELANCED_PID"
check "the configuration is reloaded with PdfMaxTime 60s" reloaded 1
MAX_TIME=60 send_bomb files-nosize "$T/files-nosize.pdf"
check "without declared sizes, PdfMaxDecoded stops the decoding" \
    grep -q "$QID: note: files-nosize.pdf: .* embedded files skipped: too many bytes decoded" "$RELANCE_LOG"
write_relance_conf "PdfMaxTime ${MAX_TIME}s"
kill -USR1 "$RELANCED_PID"
check "PdfMaxTime ${MAX_TIME}s again" reloaded 2

HWM_END=$(hwm_kb)
echo "  ..   relanced (ASan) peak: $HWM_START kB at start, $HWM_END kB after the bombs"
# The 26 MB file is read once in the parent (it is no invoice); poppler
# never runs there.
check "relanced's own peak grew by less than 150 MB" [ $((HWM_END - HWM_START)) -lt 153600 ]

echo "== a Factur-X invoice afterwards"
mime_with_attachment "$T/facturx.eml" billing@creditor.test client@customer.test \
    "Facture F20180027" "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf
send_smtp "$T/facturx.eml" && delivered
check "it is tracked" has_header "X-Relance: tracked invoice F20180027 100.00 EUR"
check_eq "one case" F20180027 "$(ctl show F20180027 --json | jqr .number)"

echo "== the worker cannot run: On-InternalError"
write_relance_conf "PdfMaxTime ${MAX_TIME}s" "PdfWorker $T/libexec/missing" "On-InternalError tempfail"
kill -USR1 "$RELANCED_PID"
check "the configuration is reloaded (no worker, tempfail)" reloaded 3
mime_with_attachment "$T/facturx2.eml" billing@creditor.test client@customer.test \
    "Facture F20180027" "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf
reply=$("$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test client@customer.test "$T/facturx2.eml" 2>&1)
check "tempfail answered (4xx): $reply" grep -Eq "(^| )4[0-9][0-9] " <<<"$reply"
check "the error is logged" grep -q "PDF not read: cannot run $T/libexec/missing" "$RELANCE_LOG"
write_relance_conf "PdfMaxTime ${MAX_TIME}s" "PdfWorker $T/libexec/missing"
kill -USR1 "$RELANCED_PID"
check "the configuration is reloaded (no worker, accept)" reloaded 4
send_smtp "$T/facturx2.eml" && delivered
check "On-InternalError accept (the default): delivered" [ "$(sink_count)" -eq "$SENT" ]

echo "== the worker dies (a signal nobody sent it): On-InternalError"
install -m 755 "$TOP/tests/unit/support/dying-worker.sh" "$T/libexec/dying"
write_relance_conf "PdfMaxTime ${MAX_TIME}s" "PdfWorker $T/libexec/dying" "On-InternalError tempfail"
kill -USR1 "$RELANCED_PID"
check "the configuration is reloaded (a dying worker, tempfail)" reloaded 5
reply=$("$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test client@customer.test "$T/facturx2.eml" 2>&1)
check "tempfail answered (4xx): $reply" grep -Eq "(^| )4[0-9][0-9] " <<<"$reply"
DIED="fx_Mustang_Facture_F20180027.pdf: PDF not read: the PDF worker died: worker killed by signal 11 (SIGSEGV)"
check "the death is logged as an error" grep -q "\[error\]: .*$DIED" "$RELANCE_LOG"
check_eq "once for the message" 1 "$(grep -c "$DIED" "$RELANCE_LOG")"
write_relance_conf "PdfMaxTime ${MAX_TIME}s" "PdfWorker $T/libexec/dying"
kill -USR1 "$RELANCED_PID"
check "the configuration is reloaded (a dying worker, accept)" reloaded 6
send_smtp "$T/facturx2.eml" && delivered
check "On-InternalError accept (the default): delivered" [ "$(sink_count)" -eq "$SENT" ]

check "relanced is still up" relanced_alive
check "no sanitizer report" no_sanitizer_reports
finish
