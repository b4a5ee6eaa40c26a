#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Faults, with nothing lost: mail always flows, and relance's records stay
# exactly what relanced saw and did.
#   1. A load of invoices and plain mail while relanced is killed (SIGKILL),
#      restarted, and frozen (SIGSTOP) longer than Postfix's milter
#      timeouts: every mail reaches the sink once; the cases in the store
#      are exactly the invoices relanced logged as tracked, none twice.
#   2. The database locked by another process: mail flows, the error is
#      logged once per interval, the invoices read meanwhile are recorded
#      once the lock goes (the catch-up queue).
#   3. kill -9 of a run-due at a random moment, then runs again: each
#      reminder reaches the sink once, or is held for the operator, who
#      checks the sink by its Message-ID and settles it (release); in the
#      end each debtor has exactly one reminder, and the store, the audit
#      chain and the sink agree.
#   4. The database's file system full (a 2 MiB tmpfs): mail flows, the
#      error is logged once per interval, the invoices are recorded once
#      there is room again.
# Sizes: quick by default (make check); RELANCE_FAULTS_SIZE=soak for the
# full ones (make soak).
source "$(dirname "$0")/lib.sh"

if [ "${RELANCE_FAULTS_SIZE:-check}" = soak ]; then
    LOAD_N=1000 LOAD_S=20 LOAD_PAUSE=0.2 LOCK_S=30 REMIND_M=1000 KILLS=5
else
    LOAD_N=200 LOAD_S=10 LOAD_PAUSE=0.5 LOCK_S=10 REMIND_M=100 KILLS=3
fi
LOAD=$TOP/tests/integration/fault_load.py
# Postfix gives up on the milter after these (main.cf below); the freeze
# lasts longer than all of them.
FREEZE_S=7
FULL=$T/full

faults_cleanup() {
    stop_relanced
    if mountpoint -q "$FULL" 2>/dev/null; then umount "$FULL"; fi
    cleanup
}
trap faults_cleanup EXIT

short_milter_timeouts() {
    postconf -c "$PF/conf" -e "milter_connect_timeout = 2s" "milter_command_timeout = 3s" \
        "milter_content_timeout = 4s" "milter_default_action = accept"
    postfix -c "$PF/conf" reload >/dev/null 2>&1
    sleep 1
}

# sink_ids PATTERN: the Message-IDs at the sink of mail to recipients
# matching PATTERN, one per file.
sink_ids() {
    local f
    for f in $(grep -l "^X-Rcpt-Args: <[^>]*$1" -r "$SINK" 2>/dev/null); do
        sink_message "$f" | sed -n 's/^Message-ID: *<\(.*\)>.*/\1/Ip' | head -n 1
    done
}
# logged_tracked PREFIX: invoice numbers relanced logged as newly tracked.
# ("QID: tracked invoice N from ...", not "QID: already tracked invoice N").
logged_tracked() { grep -oE ": tracked invoice $1-[0-9]+ " "$RELANCE_LOG" | awk '{ print $4 }'; }
store_numbers() { ctl list --json | jq -r ".[].number | select(startswith(\"$1-\"))"; }
lines() { grep -c -- "$1" "$RELANCE_LOG"; }
# The store's failures, from the milter or the catch-up: one key, one line a minute.
db_error_lines() { grep -cE "database errors: invoices queued for catch-up|catch-up: cannot record yet" "$RELANCE_LOG"; }
# part TITLE: starts a part, saying how long the previous one took.
PART_START=$SECONDS
part() {
    [ -n "${PART_TITLE:-}" ] && echo "  ($PART_TITLE: $((SECONDS - PART_START)) s)"
    PART_START=$SECONDS
    PART_TITLE=${1%%.*}
    [ -n "$1" ] && echo "== $1"
}

touch "$T/seen.list"
start_sink || exit 1
write_relance_conf "DatabaseTimeout 1s" "SchedulerInterval 0"
start_relanced || exit 1
start_postfix || exit 1
short_milter_timeouts

part "1. $LOAD_N mails over $LOAD_S sessions; relanced killed, restarted, frozen ${FREEZE_S}s"
start=$SECONDS
python3 "$LOAD" "$SMTPD_PORT" "$LOAD_N" "$LOAD_S" 3 L 240 "$LOAD_PAUSE" 2 >"$T/load1.out" 2>"$T/load1.err" &
load=$!
sleep 2
at_kill=$(sink_count)
kill -KILL "$RELANCED_PID"; wait "$RELANCED_PID" 2>/dev/null
echo "  killed with $at_kill mails at the sink"
sleep 1.5
start_relanced || exit 1
sleep 2
at_stop=$(sink_count)
kill -STOP "$RELANCED_PID"
sleep "$FREEZE_S"
kill -CONT "$RELANCED_PID"
echo "  frozen with $at_stop mails at the sink, thawed with $(sink_count)"
wait "$load"
check_eq "the load generator sent every mail" 0 $?
check "the kill landed mid-load" [ "$at_kill" -lt "$LOAD_N" ]
check "the freeze landed mid-load" [ "$at_stop" -lt "$LOAD_N" ]
check "every mail reached the sink" wait_sink "$LOAD_N" 120
echo "  load delivered in $((SECONDS - start)) s ($(grep -c retrying "$T/load1.err") resend(s) by the client)"
sink_ids "@l-debtor.test" | sort >"$T/sink1.ids"
awk '{ print $1 }' "$T/load1.out" | sort >"$T/sent1.ids"
check_eq "no Message-ID twice at the sink" "" "$(uniq -d "$T/sink1.ids")"
check_eq "the sink holds exactly the mails sent" "" "$(diff "$T/sent1.ids" "$T/sink1.ids")"
check "Postfix passed mail while relanced was dead" \
    grep -qiE "milter.*(Connection refused|Broken pipe|Connection reset)" "$PF/log/maillog"
check "and while it was frozen (the milter timed out)" grep -qE "milter inet:.*timed out" "$PF/log/maillog"
# relanced may finish a message Postfix stopped waiting for: it saw it.
sleep 2
logged_tracked L | sort >"$T/logged1"
store_numbers L | sort >"$T/store1"
invoices_sent=$(grep -c " invoice$" "$T/load1.out")
echo "  $invoices_sent invoices sent, $(wc -l <"$T/logged1") logged as tracked, $(wc -l <"$T/store1") cases"
check "relanced tracked invoices" [ -s "$T/logged1" ]
check "and after its restart too" grep -q "tracked invoice L-" <(sed -n '/starting on/h; /starting on/!H; ${ x; p }' "$RELANCE_LOG")
check_eq "no invoice logged as tracked twice" "" "$(uniq -d "$T/logged1")"
check_eq "the cases are exactly the invoices relanced logged as tracked" "" "$(diff "$T/logged1" "$T/store1")"
# Every mail whose header says tracked is a case.
sink_tracked=$(grep -ho "^X-Relance: tracked invoice L-[0-9]*" -r "$SINK" | awk '{ print $4 }' | sort -u)
check_eq "every invoice the delivered mail says tracked is a case" "" "$(comm -23 <(echo "$sink_tracked" | sed '/^$/d') "$T/store1")"

part "2. the database locked by another process for ${LOCK_S}s"
mkfifo "$T/lock.fifo"
sqlite3 "$RELANCE_DB" <"$T/lock.fifo" >"$T/lock.out" 2>&1 &
locker=$!
PIDS+=("$locker")
exec 7>"$T/lock.fifo"
echo "BEGIN EXCLUSIVE;" >&7
sleep 0.5
locked() { ! sqlite3 -cmd ".timeout 200" "$RELANCE_DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
check "the database is locked" locked
errors_before=$(db_error_lines)
queued_before=$(lines "queued invoice")
sink_before=$(sink_count)
lock_n=$((LOCK_S * 2))
start=$SECONDS
python3 "$LOAD" "$SMTPD_PORT" "$lock_n" 4 2 K 120 0.4 >"$T/load2.out" 2>"$T/load2.err"
check_eq "mail sent during the lock" 0 $?
check "mail flowed during the lock" wait_sink $((sink_before + lock_n)) 60
check "the lock held all along" locked
left=$((LOCK_S - (SECONDS - start)))
[ "$left" -gt 0 ] && sleep "$left"
echo "ROLLBACK;" >&7
exec 7>&-
wait "$locker" 2>/dev/null
lock_invoices=$(grep -c " invoice$" "$T/load2.out")
errors=$(($(db_error_lines) - errors_before))
echo "  $lock_n mails, $lock_invoices invoices in $((SECONDS - start)) s: $errors error line(s)"
check_eq "the error logged once for the interval, not per message" 1 "$errors"
check_eq "each invoice queued for catch-up" "$lock_invoices" "$(($(lines "queued invoice K-") - queued_before))"
catch_up() { [ "$(store_numbers K | wc -l)" = "$lock_invoices" ]; }
for _ in $(seq 1 40); do catch_up && break; sleep 0.5; done
check "relanced caught up: every invoice of the lock is a case" catch_up
check "the catch-up is logged" grep -q "catch-up: .* recorded after the database failed" "$RELANCE_LOG"
check_eq "caught-up cases are those queued" "$(grep -o "queued invoice K-[0-9]*" "$RELANCE_LOG" | awk '{ print $3 }' | sort)" \
    "$(store_numbers K | sort)"

part "3. kill -9 of a run-due of $REMIND_M reminders, then runs again"
stop_relanced
RELANCE_DB=$T/remind.db
write_relance_conf "DatabaseTimeout 5s" "SchedulerInterval 0" "Database $RELANCE_DB" \
    "PendingTimeout 2s" "Step rappel after=1 from=agency copy=no letter=no" \
    "CreditorName ACME Industries SAS" "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorEmail compta@creditor.test" "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
start_relanced || exit 1
python3 "$LOAD" "$SMTPD_PORT" "$REMIND_M" 4 1 R 240 >"$T/load3.out" 2>"$T/load3.err"
check_eq "$REMIND_M invoices sent" 0 $?
for _ in $(seq 1 60); do [ "$(store_numbers R | wc -l)" = "$REMIND_M" ] && break; sleep 0.5; done
check_eq "$REMIND_M cases" "$REMIND_M" "$(store_numbers R | wc -l)"
wait_sink $(($(sink_count))) 5
base=$(sink_count)
reminders_at_sink() { grep -l "^X-Relance-Reminder:" -r "$SINK" 2>/dev/null | wc -l; }
start=$SECONDS
# kill_run_due: a run-due killed at a random moment once some more
# reminders reached the sink; the MTA delivers what it had, the milter's
# sightings land and PendingTimeout passes before the next run.
kill_run_due() {
    local before target runner
    before=$(reminders_at_sink)
    target=$((before + 1 + RANDOM % (REMIND_M / 5)))
    "$RELANCECTL" -c "$RELANCE_CONF" run-due --now 2026-02-02 --json >>"$T/runs.json" 2>>"$T/runs.err" &
    runner=$!
    for _ in $(seq 1 1200); do
        [ "$(reminders_at_sink)" -ge "$target" ] && break
        kill -0 "$runner" 2>/dev/null || break
        sleep 0.1
    done
    sleep "0.$((RANDOM % 10))"
    if kill -KILL "$runner" 2>/dev/null; then KILLED=$((KILLED + 1)); fi
    wait "$runner" 2>/dev/null
    sleep 4
    wait_sink "$(sink_count)" 10
    echo "  run-due killed after $((SECONDS - start)) s, $(reminders_at_sink) reminders at the sink"
}
KILLED=0
for _ in $(seq 1 "$KILLS"); do kill_run_due; done
check "run-due was killed while running ($KILLED of $KILLS times)" [ "$KILLED" -ge 1 ]
ctl run-due --now 2026-02-02 --json >>"$T/runs.json" 2>>"$T/runs.err"
check_eq "the run after the kills exits 0" 0 $?
sleep 3
wait_sink "$(sink_count)" 30
echo "  runs that ended: $(jq -s -c 'reduce .[] as $r ({}; . + {sent: (.sent + $r.sent), recovered: (.recovered + $r.recovered), held: (.held + $r.held)})' "$T/runs.json")"
# The operator's part: a reminder claimed and never seen by the milter may
# or may not have gone; the sink (the mail log, in real life) says which.
held=$(ctl reminders --held --json | jq -r '.[] | "\(.id) \(.message_id)"')
released_sent=0 released_retry=0
while read -r id mid; do
    [ -n "$id" ] || continue
    if grep -rqiF "Message-ID: <$mid>" "$SINK"; then
        ctl release "$id" --sent >/dev/null && released_sent=$((released_sent + 1))
    else
        ctl release "$id" --retry >/dev/null && released_retry=$((released_retry + 1))
    fi
done <<<"$held"
echo "  held for the operator: $released_sent found at the sink (released --sent), $released_retry not (--retry)"
ctl run-due --now 2026-02-02 --json >"$T/run3.json" 2>"$T/run3.err"
check_eq "the operator's run-due exits 0" 0 $?
check_eq "it sends what the operator released --retry, nothing else" "$released_retry" "$(jq .sent "$T/run3.json")"
sleep 2
wait_sink "$(sink_count)" 30
sleep 2
ctl reminders --json >"$T/reminders.json"
grep -l "^X-Relance-Reminder:" -r "$SINK" | xargs grep -h "^X-Rcpt-Args:" | sort | uniq -c |
    awk '{ print $1 }' | sort | uniq -c >"$T/per_debtor"
check_eq "every debtor got exactly one reminder" "$REMIND_M 1" "$(awk '{ print $1, $2 }' "$T/per_debtor")"
check_eq "the store: $REMIND_M reminders sent" "$REMIND_M" "$(jq '[.[] | select(.state == "sent")] | length' "$T/reminders.json")"
check_eq "none pending or held" 0 "$(jq '[.[] | select(.state == "pending" or .state == "held")] | length' "$T/reminders.json")"
check_eq "one sent reminder per case" "$REMIND_M" \
    "$(jq -r '.[] | select(.state == "sent") | .invoices' "$T/reminders.json" | sort -u | wc -l)"
jq -r '.[] | select(.state == "sent") | .message_id' "$T/reminders.json" | sort >"$T/store3.ids"
for f in $(grep -l "^X-Relance-Reminder:" -r "$SINK"); do
    sink_message "$f" | sed -n 's/^Message-ID: *<\(.*\)>.*/\1/Ip' | head -n 1
done | sort >"$T/sink3.ids"
check_eq "the store's sent reminders are the sink's, Message-ID by Message-ID" "" "$(diff "$T/store3.ids" "$T/sink3.ids")"
check "the audit chain is intact" ctl audit verify >/dev/null

part "4. the database's file system full"
stop_relanced
mkdir -p "$FULL"
mount -t tmpfs -o size=2m,mode=0755 tmpfs "$FULL" || { fail "cannot mount a tmpfs"; finish; exit; }
RELANCE_DB=$FULL/relance.db
write_relance_conf "DatabaseTimeout 1s" "SchedulerInterval 0" "Database $RELANCE_DB"
start_relanced || exit 1
python3 "$LOAD" "$SMTPD_PORT" 4 1 1 F 60 >"$T/load4a.out" 2>&1
for _ in $(seq 1 20); do [ "$(store_numbers F | wc -l)" = 4 ] && break; sleep 0.5; done
check_eq "invoices tracked before the disk fills" 4 "$(store_numbers F | wc -l)"
# The WAL back to nothing, so that the next write must grow it.
sqlite3 "$RELANCE_DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
dd if=/dev/zero of="$FULL/filler" bs=4k >/dev/null 2>&1
check_eq "the file system is full" 0 "$(df --output=avail -B1 "$FULL" | tail -n 1 | tr -d ' ')"
errors_before=$(db_error_lines)
sink_before=$(sink_count)
python3 "$LOAD" "$SMTPD_PORT" 30 3 2 G 60 0.2 >"$T/load4.out" 2>"$T/load4.err"
check_eq "mail sent with the disk full" 0 $?
check "mail flowed with the disk full" wait_sink $((sink_before + 30)) 60
full_invoices=$(grep -c " invoice$" "$T/load4.out")
check_eq "none recorded while full" 0 "$(store_numbers G | wc -l)"
check_eq "the error logged once for the interval" 1 "$(($(db_error_lines) - errors_before))"
check "it says the disk is full" grep -q "cannot record invoice G-[0-9]*: .*disk is full; database errors: invoices queued" "$RELANCE_LOG"
rm -f "$FULL/filler"
for _ in $(seq 1 40); do [ "$(store_numbers G | wc -l)" = "$full_invoices" ] && break; sleep 0.5; done
check_eq "room again: the $full_invoices invoices are caught up" "$full_invoices" "$(store_numbers G | wc -l)"
check "the audit chain is intact" ctl audit verify >/dev/null

part ""
stop_relanced
check "no sanitizer reports" no_sanitizer_reports
finish
