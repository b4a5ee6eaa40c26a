#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/milter.sh - end-to-end rate of mail through a private Postfix on
# 127.0.0.1, relaying to smtp-sink, with no milter ("bare"), the cheapest
# possible milter (build/bench/noop_milter: every step skipped, no replies)
# or relanced (build/relanced, the optimised build). One Postfix serves the
# three through three smtpd listeners that differ only in smtpd_milters,
# so queue, cleanup, qmgr and delivery are shared alike.
#
# Load: build/bench/smtp_load, SESSIONS concurrent clients, one message per
# connection; a run's rate is its messages over the time from the first
# connection to the last message written by the sink (its newest file).
# Configurations are interleaved run by run (bare noop relanced bare ...)
# so that the machine's drift hits them alike; the table gives medians and
# the ratio of relanced (and bare) to noop.
#
# Mail kinds (relanced's InternalHosts is 127.0.0.1; mail "from outside"
# connects from 127.0.0.2):
#   plain-out    2 KB text from outside: screened at the end of headers
#   plain-int    2 KB text from an internal host: read whole, no invoice
#   invoice      a 149 KB Factur-X PDF (zf22_EN16931_Einfach_DueDate.pdf)
#                from an internal invoice sender; the same file each time
#                (one case, then the same invoice again)
#   reply-dup    a debtor's promise in the thread of a reminder, the same
#                message (same Message-ID) every time: recorded once, then
#                the duplicate path
#   reply-thread distinct replies (own Message-IDs) in a reminder's thread
#   reply-token  distinct replies to a reminder's tagged Reply-To
# The reminders are made before the runs: CASES invoices to as many debtors
# sent through this Postfix, then `relancectl run-due`; the distinct
# replies answer them round robin (each from its debtor), so that no case
# gathers more replies than a run's messages over CASES. relanced's own
# mail (the reminders, notices to the creditor) goes to a second
# smtp-sink, outside the count.
#
# Environment: BENCH_MSGS (messages per run, plain and reply kinds),
# BENCH_CASES (200: the reminders the replies answer),
# BENCH_MSGS_INVOICE, BENCH_RUNS (3), BENCH_SESSIONS (20), BENCH_KINDS,
# BENCH_CONFIGS ("bare noop relanced"), BENCH_RELANCED (another build of
# relanced, for a comparison). Needs root (Postfix).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=${RELANCE_CORPUS:-$ROOT/tests/data/corpus}
MSGS=${BENCH_MSGS:-2000}
MSGS_INVOICE=${BENCH_MSGS_INVOICE:-600}
RUNS=${BENCH_RUNS:-3}
SESSIONS=${BENCH_SESSIONS:-20}
CASES=${BENCH_CASES:-200}
KINDS=${BENCH_KINDS:-plain-out plain-int invoice reply-dup reply-thread reply-token}
CONFIGS=${BENCH_CONFIGS:-bare noop relanced}
LOAD=$ROOT/build/bench/smtp_load
PDF=$CORPUS/facturx/zf22_EN16931_Einfach_DueDate.pdf

work=$(mktemp -d /tmp/relance-bench-milter.XXXXXX)
chmod 755 "$work"
PF=$work/postfix
SINK=$work/sink
NOTICES=$work/notices
PIDS=()
RELANCED_PID=
POSTFIX_UP=0
cleanup() {
    [ "$POSTFIX_UP" = 1 ] && postfix -c "$PF/conf" stop >/dev/null 2>&1 || true
    if [ -n "$RELANCED_PID" ]; then
        kill -TERM "$RELANCED_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$RELANCED_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$RELANCED_PID" 2>/dev/null || true
    fi
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
TAKEN=" "
free_port() { # sets PORT: free, and not given before
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 30000))
        if port_free "$p" && [ "${TAKEN/ $p /}" = "$TAKEN" ]; then
            TAKEN="$TAKEN$p "
            PORT=$p
            return 0
        fi
    done
    return 1
}
wait_port() { # PORT SECONDS
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do port_free "$1" || return 0; sleep 0.1; done
    echo "nothing listens on port $1" >&2
    tail -n 20 "$work"/*.log "$PF/log/maillog" >&2
    return 1
}
weekday() {
    local d=$1
    while [ "$(date -d "$d" +%u)" -gt 5 ]; do d=$(date -d "$d + 1 day" +%F); done
    echo "$d"
}

# ---- servers ----

for name in SINK_PORT NOTICE_PORT NOOP_PORT MILTER_PORT PORT_BARE PORT_NOOP PORT_RELANCED; do
    free_port
    printf -v "$name" '%s' "$PORT"
done
mkdir -p "$SINK" "$NOTICES" "$PF/conf" "$PF/spool" "$PF/data" "$PF/log"
chown postfix "$SINK" "$NOTICES"
smtp-sink -u postfix -d "$SINK/%Y%m%d%H%M%S." "127.0.0.1:$SINK_PORT" 256 >"$work/sink.log" 2>&1 &
PIDS+=($!)
smtp-sink -u postfix -d "$NOTICES/%Y%m%d%H%M%S." "127.0.0.1:$NOTICE_PORT" 64 >"$work/notices.log" 2>&1 &
PIDS+=($!)
"$ROOT/build/bench/noop_milter" "inet:$NOOP_PORT@127.0.0.1" >"$work/noop.log" 2>&1 &
PIDS+=($!)
NOOP_PID=$!

"$ROOT/build/relancectl" keygen "$work/key" >/dev/null
cat >"$work/relanced.conf" <<CONF
Socket inet:$MILTER_PORT@127.0.0.1
Database $work/relance.db
KeyFile $work/key
InternalHosts 127.0.0.1
InvoiceSenders billing@creditor.test
UserID
Syslog no
LogLevel ${BENCH_LOGLEVEL:-info}
ReplyLexicon $ROOT/conf/replies
TemplateDirectory $ROOT/conf/templates
PdfWorker $ROOT/build/relance-pdf
SchedulerInterval 0
Holidays none
CreditorName ACME Industries SAS
CreditorEmail compta@creditor.test
CreditorAddress 12 rue de la Paix, 75002 Paris
CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189
AgencyName Recouvrement Durand
AgencyAddress 3 place Bellecour, 69002 Lyon
AgencySender relances@agency.test
ReplyAddress reponses@agency.test
Submit smtp:127.0.0.1:$NOTICE_PORT
CONF
"${BENCH_RELANCED:-$ROOT/build/relanced}" -f -c "$work/relanced.conf" >"$work/relanced.log" 2>&1 &
RELANCED_PID=$!

cat >"$PF/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.bench.test
mydomain = bench.test
myorigin = bench.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relayhost = [127.0.0.1]:$SINK_PORT
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = no
smtpd_milters =
non_smtpd_milters =
milter_default_action = accept
milter_protocol = 6
maillog_file_prefixes = $PF/log
maillog_file = $PF/log/maillog
message_size_limit = 52428800
EOF
# Another program may take a listener's port between the check and
# Postfix's bind: then new ports, up to three times.
write_master() {
cat >"$PF/conf/master.cf" <<EOF
127.0.0.1:$PORT_BARE inet n - n - - smtpd
127.0.0.1:$PORT_NOOP inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$NOOP_PORT
127.0.0.1:$PORT_RELANCED inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$MILTER_PORT
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
postfix -c "$PF/conf" set-permissions >"$work/postfix-perms.log" 2>&1 || true
}
started=0
for attempt in 1 2 3; do
    write_master
    if postfix -c "$PF/conf" start >"$work/postfix-start.log" 2>&1; then started=1; break; fi
    postfix -c "$PF/conf" stop >/dev/null 2>&1 || true
    for name in PORT_BARE PORT_NOOP PORT_RELANCED; do
        free_port
        printf -v "$name" '%s' "$PORT"
    done
done
[ "$started" = 1 ] || { cat "$PF/log/maillog" >&2; exit 1; }
POSTFIX_UP=1
for p in $SINK_PORT $NOTICE_PORT $NOOP_PORT $MILTER_PORT $PORT_BARE $PORT_NOOP $PORT_RELANCED; do wait_port "$p" 60; done

sink_count() { find "$1" -type f | wc -l; }
wait_count() { # DIR N SECONDS
    local end=$((SECONDS + $3))
    while [ $SECONDS -lt $end ]; do
        [ "$(sink_count "$1")" -ge "$2" ] && return 0
        sleep 0.2
    done
    echo "only $(sink_count "$1") of $2 messages reached $1" >&2
    return 1
}
port_of() { case $1 in bare) echo "$PORT_BARE" ;; noop) echo "$PORT_NOOP" ;; relanced) echo "$PORT_RELANCED" ;; esac; }

# ---- messages ----

W0=$(weekday "$(date +%F)")
ISSUE=$(date -d "$W0 -50 days" +%F)
DUE=$(date -d "$W0 -20 days" +%F)
PROMISED=$(date -d "$(date +%F) +10 days" +%d/%m/%Y)

# 2 KB of ordinary prose: no invoice words, no amounts.
prose() {
    local line="Merci pour la réunion de mardi ; voici le compte rendu et les prochaines étapes du projet."
    for _ in $(seq 1 22); do echo "$line"; done
}
plain() { # FROM TO
    printf 'From: <%s>\nTo: <%s>\nSubject: Compte rendu de la réunion\nDate: %s\n' "$1" "$2" "$(date -R)"
    printf 'Message-ID: <plain-@SEQ@@bench.test>\nMIME-Version: 1.0\n'
    printf 'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n'
    prose
}
with_attachment() { # FROM TO SUBJECT FILE CONTENT-TYPE MESSAGE-ID
    printf 'From: Service facturation <%s>\nTo: <%s>\nSubject: %s\nDate: %s\n' "$1" "$2" "$3" "$(date -R)"
    printf 'Message-ID: %s\nMIME-Version: 1.0\n' "$6"
    printf 'Content-Type: multipart/mixed; boundary="=-bench"\n\n'
    printf -- '--=-bench\nContent-Type: text/plain; charset=utf-8\n\nBonjour,\n\nVeuillez trouver ci-joint notre facture.\n\n'
    printf -- '--=-bench\nContent-Type: %s; name="%s"\n' "$5" "${4##*/}"
    printf 'Content-Disposition: attachment; filename="%s"\nContent-Transfer-Encoding: base64\n\n' "${4##*/}"
    base64 "$4"
    printf -- '--=-bench--\n'
}
reply() { # FROM TO MESSAGE-ID IN-REPLY-TO
    printf 'From: <%s>\nTo: <%s>\nSubject: RE: Relance facture\nDate: %s\n' "$1" "$2" "$(date -R)"
    printf 'Message-ID: <%s>\n' "$3"
    [ -n "$4" ] && printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$4" "$4"
    printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n'
    printf 'Bonjour,\n\nNous vous réglerons cette facture le %s.\n\nBien à vous,\nM. Durand\n' "$PROMISED"
}

plain compta@stranger.test compta@creditor.test >"$work/plain-out.eml"
plain equipe@creditor.test partenaire@example.test >"$work/plain-int.eml"
with_attachment billing@creditor.test achats@buyer.test "Facture" "$PDF" application/pdf \
    "<invoice-@SEQ@@creditor.test>" >"$work/invoice.eml"

# The reminders: CASES invoices (UBL, sent as 8bit text so that @V1@ and
# @V2@ make each one its own number and debtor), due 20 days before W0,
# then run-due on W0: one reminder per debtor. The distinct replies answer
# them round robin (smtp_load -V), as replies spread over many cases do;
# reply-dup answers the first one again and again.
cat >"$work/invoice-r.eml" <<EOF
From: Service facturation <billing@creditor.test>
To: <@V2@>
Subject: Facture @V1@
Date: $(date -R)
Message-ID: <invoice-@V1@@creditor.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=-bench"

--=-bench
Content-Type: text/plain; charset=utf-8

Bonjour,

Veuillez trouver ci-joint notre facture.

--=-bench
Content-Type: application/xml; name="@V1@.xml"
Content-Disposition: attachment; filename="@V1@.xml"
Content-Transfer-Encoding: 8bit

<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>@V1@</cbc:ID>
  <cbc:IssueDate>$ISSUE</cbc:IssueDate>
  <cbc:DueDate>$DUE</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>
    <cbc:RegistrationName>ACME Industries SAS</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:RegistrationName>Client @V1@ SARL</cbc:RegistrationName></cac:PartyLegalEntity>
    <cac:Contact><cbc:ElectronicMail>@V2@</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">1200.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>
--=-bench--
EOF
for i in $(seq 1 "$CASES"); do printf 'R-%03d compta@client-%03d.test\n' "$i" "$i"; done >"$work/invoices.txt"
"$LOAD" -s 4 -m "$CASES" -f billing@creditor.test -t @V2@ -V "$work/invoices.txt" -F "$work/invoice-r.eml" \
    127.0.0.1 "$PORT_RELANCED" >/dev/null
wait_count "$SINK" "$CASES" 120
cases=$("$ROOT/build/relancectl" -c "$work/relanced.conf" --json list | jq length)
[ "$cases" = "$CASES" ] || { echo "the setup invoices made $cases cases, not $CASES" >&2; cat "$work/relanced.log" >&2; exit 1; }
sent=$("$ROOT/build/relancectl" -c "$work/relanced.conf" run-due --now "${W0}T10:00" --json | jq .sent)
[ "$sent" = "$CASES" ] || { echo "run-due sent $sent reminders, not $CASES" >&2; exit 1; }
wait_count "$NOTICES" "$CASES" 120
# One line per reminder: the debtor, the reminder's Message-ID, its tagged Reply-To.
for reminder in "$NOTICES"/*; do
    to=$(sed -n 's/^To:.*<\([^>]*\)>.*/\1/p; s/^To: *\([^<> ]*@[^<> ]*\) *$/\1/p' "$reminder" | head -n 1)
    id=$(sed -n 's/^Message-I[Dd]: *<\(.*\)>.*/\1/p' "$reminder" | head -n 1)
    tagged=$(grep -o 'reponses+[^@<> ]*@agency.test' "$reminder" | head -n 1)
    [ -n "$to" ] && [ -n "$id" ] && [ -n "$tagged" ] ||
        { echo "no To, Message-ID or tagged Reply-To in $reminder" >&2; exit 1; }
    echo "$to $id $tagged"
done >"$work/reminders.txt"
[ "$(wc -l <"$work/reminders.txt")" = "$CASES" ] || { echo "not $CASES reminders in the sink" >&2; exit 1; }
read -r DEBTOR REMINDER_ID TAGGED <"$work/reminders.txt"
reply "$DEBTOR" reponses@agency.test "reply-dup@client-r.test" "$REMINDER_ID" >"$work/reply-dup.eml"
reply @V1@ reponses@agency.test "reply-thread-@SEQ@@client-r.test" @V2@ >"$work/reply-thread.eml"
reply @V1@ @V3@ "reply-token-@SEQ@@client-r.test" "" >"$work/reply-token.eml"
rm -f "$SINK"/*

# ---- runs ----

# envelope of a kind: FROM TO BIND
envelope() {
    case $1 in
    plain-out) echo "compta@stranger.test compta@creditor.test 127.0.0.2" ;;
    plain-int) echo "equipe@creditor.test partenaire@example.test 127.0.0.1" ;;
    invoice) echo "billing@creditor.test achats@buyer.test 127.0.0.1" ;;
    reply-dup) echo "$DEBTOR reponses@agency.test 127.0.0.2" ;;
    reply-thread) echo "@V1@ reponses@agency.test 127.0.0.2" ;;
    reply-token) echo "@V1@ @V3@ 127.0.0.2" ;;
    esac
}

# milter_ticks CONFIG: CPU ticks used so far by that milter (and its
# reaped children: relanced's PDF workers).
milter_ticks() {
    local pid
    case $1 in noop) pid=$NOOP_PID ;; relanced) pid=$RELANCED_PID ;; *) echo 0; return ;; esac
    awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pid/stat"
}
# cpu_times: busy and total jiffies of the whole machine.
cpu_times() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }

# one_run KIND CONFIG KEY: messages per second, end to end, and how busy
# the machine was meanwhile (%).
one_run() {
    local kind=$1 config=$2 key=$3 n=$MSGS from to bind t0 t1 newest b0 c0 b1 c1 m0 m1
    [ "$kind" = invoice ] && n=$MSGS_INVOICE
    read -r from to bind < <(envelope "$kind")
    rm -f "$SINK"/*
    read -r b0 c0 < <(cpu_times)
    m0=$(milter_ticks "$config")
    t0=$(date +%s.%N)
    "$LOAD" -s "$SESSIONS" -m "$n" -f "$from" -t "$to" -b "$bind" -k "$key" -F "$work/$kind.eml" \
        -V "$work/reminders.txt" \
        127.0.0.1 "$(port_of "$config")" >"$work/load.out" || { cat "$work/load.out" >&2; return 1; }
    wait_count "$SINK" "$n" 600
    read -r b1 c1 < <(cpu_times)
    m1=$(milter_ticks "$config")
    sleep 0.3 # the last file may still be growing
    newest=$(find "$SINK" -type f -printf '%T@\n' | sort -n | tail -n 1)
    if [ "$config" = relanced ] && [ "${kind#reply}" != "$kind" ] &&
        ! grep -q '^X-Relance-Reply:' "$(find "$SINK" -type f | head -n 1)"; then
        echo "relanced did not read the $kind replies" >&2
        return 1
    fi
    awk -v n="$n" -v a="$t0" -v b="$newest" -v busy=$((b1 - b0)) -v all=$((c1 - c0)) \
        -v hz="$(getconf CLK_TCK)" -v milter=$((m1 - m0)) \
        'BEGIN { printf "%.1f %.0f %.2f\n", n / (b - a), 100 * busy / all, 1000 * milter / hz / n }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
target_of() { case $1 in plain-out) echo 0.97 ;; plain-int) echo 0.95 ;; *) echo 0.90 ;; esac; }

declare -A RATES BUSY CPU
echo "load: $SESSIONS sessions; $MSGS messages per run ($MSGS_INVOICE for invoice); $RUNS runs each, interleaved;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for kind in $KINDS; do
    for run in $(seq 1 "$RUNS"); do
        for config in $CONFIGS; do
            read -r rate busy cpu < <(one_run "$kind" "$config" "r$run$config")
            RATES[$kind.$config]="${RATES[$kind.$config]:-} $rate"
            BUSY[$kind.$config]="${BUSY[$kind.$config]:-} $busy"
            CPU[$kind.$config]="${CPU[$kind.$config]:-} $cpu"
            echo "  $kind run $run $config: $rate msgs/s, machine $busy % busy, milter $cpu ms CPU/msg" >&2
        done
    done
done

printf '\n%-13s' "kind"
for config in $CONFIGS; do printf ' %16s' "$config msgs/s"; done
printf ' %9s %9s %7s %13s %16s\n' "bare/noop" "rel/noop" "target" "busy % n/r" "CPU ms/msg n/r"
for kind in $KINDS; do
    printf '%-13s' "$kind"
    declare -A med=()
    for config in $CONFIGS; do
        # shellcheck disable=SC2086
        med[$config]=$(median ${RATES[$kind.$config]})
        printf ' %16s' "${med[$config]}"
    done
    ratio() { [ -n "${med[$1]:-}" ] && [ -n "${med[noop]:-}" ] && awk -v a="${med[$1]}" -v b="${med[noop]}" 'BEGIN { printf "%.2f", a / b }' || echo -; }
    # shellcheck disable=SC2086
    printf ' %9s %9s %7s %6s/%-6s %7s/%-8s\n' "$(ratio bare)" "$(ratio relanced)" "≥$(target_of "$kind")" \
        "$(median ${BUSY[$kind.noop]:-0})" "$(median ${BUSY[$kind.relanced]:-0})" \
        "$(median ${CPU[$kind.noop]:-0})" "$(median ${CPU[$kind.relanced]:-0})"
    unset med
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg);" \
    "relanced peak resident size $(awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$RELANCED_PID/status")"
