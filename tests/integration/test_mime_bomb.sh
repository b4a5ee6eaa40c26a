#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A MIME bomb through a real Postfix: a 10 MB message of 300,000 tiny
# parts, null sender, to the ReplyAddress (so read as a possible bounce).
# relanced must keep it to MaxReplySize, count its parts before GMime
# parses anything, and so spend little time and memory on it; the mail is
# delivered whole, relanced stays up and still reads the next reply.
# BOMB_PARTS, BOMB_MAX_SECONDS and BOMB_MAX_KB change the bomb and the
# bounds (measured: see the README's "How a reply is read").
source "$(dirname "$0")/lib.sh"

PARTS=${BOMB_PARTS:-300000}
MAX_SECONDS=${BOMB_MAX_SECONDS:-4}
MAX_KB=${BOMB_MAX_KB:-102400}
BOMB_TOOL=$TOP/build/tools/mime_bomb

start_sink || exit 1
export RELAY_DOMAINS="creditor.test, agency.test"
write_relance_conf "SchedulerInterval 0" "ReplyAddress reponses@agency.test"
start_relanced || exit 1
start_postfix || exit 1

# hwm_kb: relanced's peak resident memory so far (kB).
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$RELANCED_PID/status"; }
now_ms() { date +%s%3N; }
# from_outside FROM RCPT FILE: sent by a client outside InternalHosts.
from_outside() { XCLIENT_ADDR=203.0.113.$((RANDOM % 200 + 10)) smtp "$1" "$2" "$3"; }

bounce_headers() { # FILE SUBJECT
    printf '%s\n' "From: Mail Delivery System <MAILER-DAEMON@mx.client-z.test>" \
        "To: <reponses@agency.test>" "Subject: $2" "Date: $(date -R)" \
        "Message-ID: <bomb-$RANDOM$RANDOM@mx.client-z.test>" >"$1"
}

echo "== a MIME bomb of $PARTS parts, null sender, to the reply address"
bounce_headers "$T/bomb.hdr" "Undelivered Mail Returned to Sender"
"$BOMB_TOOL" "$PARTS" "$T/bomb.hdr" >"$T/bomb.eml" || exit 1
size=$(stat -c %s "$T/bomb.eml")
check "the bomb is about 10 MB ($size bytes)" [ "$size" -gt 9000000 ]
hwm_before=$(hwm_kb)
t0=$(now_ms)
from_outside "" reponses@agency.test "$T/bomb.eml" || fail "the bomb was refused by Postfix"
check "the bomb is delivered" wait_sink 1 120
t1=$(now_ms)
check "relanced read it as a reply, kept to MaxReplySize" wait_log "reply larger than MaxReplySize" 10
check "and counted its parts before parsing" wait_log "MIME structure with more parts than MaxMimeParts" 10
hwm_after=$(hwm_kb)
elapsed=$((t1 - t0))
added=$((hwm_after - hwm_before))
echo "  measured: delivered in ${elapsed} ms; relanced peak memory ${hwm_before} -> ${hwm_after} kB (+${added} kB)"
check "delivered within ${MAX_SECONDS} s (${elapsed} ms)" [ "$elapsed" -lt $((MAX_SECONDS * 1000)) ]
check "relanced's peak memory grew by less than ${MAX_KB} kB (+${added} kB)" [ "$added" -lt "$MAX_KB" ]
check "delivered whole" [ "$(sink_message "$(newest_sink_file)" | grep -c '^--b')" -ge "$PARTS" ]
check "relanced is still up" relanced_alive

echo "== the same bomb whole (MaxReplySize 16M): only the part count bounds it"
write_relance_conf "SchedulerInterval 0" "ReplyAddress reponses@agency.test" "MaxReplySize 16M"
kill -USR1 "$RELANCED_PID"
check "the configuration is reloaded" wait_log "configuration reloaded"
lines_before=$(wc -l <"$RELANCE_LOG")
hwm_before=$(hwm_kb)
t0=$(now_ms)
from_outside "" reponses@agency.test "$T/bomb.eml" || fail "the bomb was refused by Postfix"
check "the bomb is delivered" wait_sink 2 120
t1=$(now_ms)
check "its parts are counted before parsing" wait_log "MIME structure with more parts than MaxMimeParts" 10
check "it was not cut to MaxReplySize" not grep -q "MaxReplySize" <(tail -n +"$((lines_before + 1))" "$RELANCE_LOG")
hwm_after=$(hwm_kb)
elapsed=$((t1 - t0))
added=$((hwm_after - hwm_before))
echo "  measured: delivered in ${elapsed} ms; relanced peak memory ${hwm_before} -> ${hwm_after} kB (+${added} kB)"
check "delivered within ${MAX_SECONDS} s (${elapsed} ms)" [ "$elapsed" -lt $((MAX_SECONDS * 1000)) ]
check "relanced's peak memory grew by less than ${MAX_KB} kB (+${added} kB)" [ "$added" -lt "$MAX_KB" ]
check "relanced is still up" relanced_alive

echo "== the next reply is still read"
bounce_headers "$T/next.eml" "Delivery Status Notification"
printf '%s\n' "MIME-Version: 1.0" "Content-Type: text/plain" "" "Your message could not be delivered." \
    >>"$T/next.eml"
lines_before=$(wc -l <"$RELANCE_LOG")
from_outside "" reponses@agency.test "$T/next.eml" || fail "the second message was refused"
check "delivered" wait_sink 3 60
sleep 1
qid=$(tail -n +"$((lines_before + 1))" "$RELANCE_LOG" | grep -o '[0-9A-F]\{6,\}: ' | head -n 1)
check "relanced read it (its queue id in the log: ${qid:-none})" [ -n "$qid" ]
check "without cutting it" not grep -q "${qid:-none}.*\(MaxReplySize\|MIME structure\)" "$RELANCE_LOG"
check "relanced is still up" relanced_alive
check "no sanitizer report" no_sanitizer_reports

finish
