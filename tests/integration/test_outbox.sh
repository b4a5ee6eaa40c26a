#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The outbox (mail about replies) goes out exactly once, with real
# processes on one database and a Submit command that records every
# submission it is handed (no MTA needed):
#   - two `relancectl run-due` at once, with a slow Submit: each message
#     submitted once, every message sent, both senders at work;
#   - a sender killed (kill -9) after handing a message to Submit and
#     before recording it: the next run, after PendingTimeout, does not
#     send it again and marks it 'uncertain', which `relancectl outbox`
#     shows the operator.
source "$(dirname "$0")/lib.sh"

SUBMITTED=$T/submitted
mkdir -p "$T/bin"

# The Submit commands: each records "MESSAGE-ID SENDER-PID" and waits.
cat >"$T/bin/slow-submit" <<EOS
#!/bin/bash
cat >"$T/msg.\$\$"
mid=\$(sed -n 's/^Message-ID: *//Ip' "$T/msg.\$\$" | tr -d '\r' | head -n 1)
rm -f "$T/msg.\$\$"
echo "\$mid \$PPID" >>"$SUBMITTED"
sleep 0.4
EOS
cat >"$T/bin/blocking-submit" <<EOS
#!/bin/bash
cat >"$T/msg.\$\$"
mid=\$(sed -n 's/^Message-ID: *//Ip' "$T/msg.\$\$" | tr -d '\r' | head -n 1)
rm -f "$T/msg.\$\$"
echo "\$mid \$PPID" >>"$SUBMITTED"
echo \$\$ >"$T/blocked.pid"
exec sleep 600
EOS
chmod 755 "$T/bin/slow-submit" "$T/bin/blocking-submit"
: >"$SUBMITTED"

conf() { # [LINE...]
    write_relance_conf "SchedulerInterval 0" "ReplyAddress reponses@agency.test" "$@"
}

# queue N FIRST: N messages in the outbox, as a reply's transaction
# writes them, with Message-IDs <nFIRST@agency.test>... and due now.
queue() {
    local i sql=""
    for i in $(seq "$2" $(($2 + $1 - 1))); do
        sql+="INSERT INTO outbox (kind, sender, recipient, message_id, message, created_at, next_at)
              VALUES ('creditor-notice', 'reponses@agency.test', 'compta@creditor.test', 'n$i@agency.test',
              CAST('From: <reponses@agency.test>' || char(13, 10) || 'To: <compta@creditor.test>' || char(13, 10)
                   || 'Message-ID: <n$i@agency.test>' || char(13, 10) || char(13, 10) || 'notice $i' AS BLOB),
              strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));"
    done
    sqlite3 "$RELANCE_DB" "$sql"
}
submissions_of() { grep -c "^<$1> " "$SUBMITTED"; }
state_of() { ctl outbox --json | jq -r ".[] | select(.message_id == \"$1\") | .state"; }

conf "Submit sendmail:$T/bin/slow-submit"
# The database, made at the current schema by a first run.
check "a first run-due creates the database" ctl run-due
N=8
queue $N 1

echo "== two senders at once"
"$RELANCECTL" -c "$RELANCE_CONF" run-due >"$T/a.out" 2>"$T/a.err" &
A=$!
"$RELANCECTL" -c "$RELANCE_CONF" run-due >"$T/b.out" 2>"$T/b.err" &
B=$!
wait $A; ra=$?
wait $B; rb=$?
check_eq "both runs succeed" "0 0" "$ra $rb"
for i in $(seq 1 $N); do
    check_eq "n$i submitted exactly once" 1 "$(submissions_of "n$i@agency.test")"
done
check_eq "every message recorded as sent" "$N" "$(ctl outbox --state sent --json | jq length)"
check_eq "no submission beyond the $N messages" "$N" "$(wc -l <"$SUBMITTED")"
check_eq "both senders submitted some" 2 "$(awk '{ print $2 }' "$SUBMITTED" | sort -u | wc -l)"
echo "  (split between the two senders: $(awk '{ print $2 }' "$SUBMITTED" | sort | uniq -c | awk '{ printf "%s ", $1 }'))"

echo "== a sender killed between submission and record"
conf "Submit sendmail:$T/bin/blocking-submit" "PendingTimeout 1s"
queue 1 100
"$RELANCECTL" -c "$RELANCE_CONF" run-due >"$T/k.out" 2>"$T/k.err" &
K=$!
for _ in $(seq 1 100); do [ -s "$T/blocked.pid" ] && break; sleep 0.1; done
check "Submit was handed the message" [ -s "$T/blocked.pid" ]
kill -9 "$K"
wait "$K" 2>/dev/null
kill "$(cat "$T/blocked.pid")" 2>/dev/null
check_eq "submitted once" 1 "$(submissions_of n100@agency.test)"
check_eq "left claimed: 'sending'" sending "$(state_of n100@agency.test)"
check "the claim is shown with its time" \
    [ "$(ctl outbox --json | jq -r '.[] | select(.message_id == "n100@agency.test") | .claimed_at')" != null ]
conf "Submit sendmail:$T/bin/slow-submit" "PendingTimeout 1s"
sleep 2
check "the next run (after PendingTimeout) succeeds" ctl run-due 2>"$T/next.err"
check_eq "not submitted again" 1 "$(submissions_of n100@agency.test)"
check_eq "marked uncertain" uncertain "$(state_of n100@agency.test)"
check "and logged" grep -q "outbox-.*n100@agency.test.*marked uncertain, not sent again" "$T/next.err"
check "relancectl outbox --state uncertain shows it" \
    grep -q "uncertain .*<compta@creditor.test>: interrupted send" <(ctl outbox --state uncertain)
check "a later run leaves it alone" ctl run-due
check_eq "still submitted once" 1 "$(submissions_of n100@agency.test)"
check_eq "still uncertain" uncertain "$(state_of n100@agency.test)"

finish
