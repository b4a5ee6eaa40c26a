# SPDX-License-Identifier: GPL-3.0-or-later
# lib.sh - shared pieces of the integration tests: a private Postfix on
# 127.0.0.1 relaying to Postfix's smtp-sink, relanced attached to it, and
# small assertions. Sourced by each test; every server started here is
# stopped by the EXIT trap.
#
# Nothing here touches the system's own Postfix: each test has its own
# configuration directory, queue, data directory and log file under $T.

set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RELANCED=${RELANCED:-$TOP/build/asan/relanced}
RELANCECTL=${RELANCECTL:-$TOP/build/asan/relancectl}
# The PDF worker: sanitized too, so that a report in it fails the test.
RELANCE_PDF=${RELANCE_PDF:-$TOP/build/asan/relance-pdf}
SMTP_SEND=$TOP/build/tools/smtp_send
CORPUS=${RELANCE_CORPUS:-$TOP/tests/data/corpus}
T=$(mktemp -d /tmp/relance-it.XXXXXX)
chmod 755 "$T"
# What relanced reads again once it has dropped privileges (the lexicon
# at a reload, templates for each reminder) is copied here, in a path any
# UserID can read: the checkout itself may lie where it cannot (/root is
# 0700 on Debian). test_location.sh runs test_daemon.sh from there.
mkdir -p "$T/conf"
cp -R "$TOP/conf/replies" "$TOP/conf/templates" "$T/conf/"
chmod -R a+rX "$T/conf"
# The worker too: relanced runs it as its UserID.
mkdir -p "$T/libexec"
cp "$RELANCE_PDF" "$T/libexec/relance-pdf" && chmod 755 "$T/libexec" "$T/libexec/relance-pdf"
# The daemon and relancectl run sanitized: a report must fail the test,
# not end in a log nobody reads.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1:log_path=$T/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$T/ubsan"
PF=$T/postfix
SINK=$T/sink
RELANCE_CONF=$T/relanced.conf
RELANCE_LOG=$T/relanced.log
RELANCE_DB=$T/relance.db
FAILURES=0
CHECKS=0
PIDS=()

# ---- reporting ----

pass() { CHECKS=$((CHECKS + 1)); echo "  ok   $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILURES=$((FAILURES + 1)); echo "  FAIL $*"; }
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
not() { ! "$@"; }
check_eq() { # check_eq DESCRIPTION EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# ---- ports ----

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Ports are drawn outside the kernel's ephemeral range, where no outgoing
# connection (of this test or of anything else on the machine) can take
# one between the check and the bind.
read -r EPHEMERAL_LOW EPHEMERAL_HIGH </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null ||
    { EPHEMERAL_LOW=32768; EPHEMERAL_HIGH=60999; }
free_port() {
    local p lo=20000 span
    if [ "$EPHEMERAL_LOW" -gt $((lo + 2000)) ]; then span=$((EPHEMERAL_LOW - lo)); else
        lo=$((EPHEMERAL_HIGH + 1)); span=$((65535 - lo)); fi
    for _ in $(seq 1 200); do
        p=$((lo + RANDOM % span))
        if port_free "$p"; then echo "$p"; return 0; fi
    done
    return 1
}
wait_port() { # wait_port PORT SECONDS
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        port_free "$1" || return 0
        sleep 0.1
    done
    return 1
}

# ---- the sink ----

# start_sink: smtp-sink on a free port. A port found free can be taken
# before smtp-sink binds it (by another test's connection, say): then
# smtp-sink exits, and another port is tried.
start_sink() {
    local pid attempt
    mkdir -p "$SINK"
    chown postfix "$SINK"
    for attempt in 1 2 3; do
        SINK_PORT=$(free_port)
        smtp-sink -u postfix -d "$SINK/%Y%m%d%H%M%S." "127.0.0.1:$SINK_PORT" 128 \
            >"$T/sink.log" 2>&1 &
        pid=$!
        if wait_port "$SINK_PORT" 20; then PIDS+=("$pid"); return 0; fi
        echo "smtp-sink did not start on port $SINK_PORT (attempt $attempt):"
        cat "$T/sink.log"
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    done
    FAILURES=$((FAILURES + 1))
    return 1
}

sink_count() { find "$SINK" -type f | wc -l; }
sink_bytes() { find "$SINK" -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }'; }

# sink_still: the sink's bytes did not grow over 0.3 s. smtp-sink writes a
# file while its message arrives: a big one is whole once they stop.
sink_still() {
    local bytes
    bytes=$(sink_bytes)
    sleep 0.3
    [ "$(sink_bytes)" = "$bytes" ]
}

# until_still SECONDS COMMAND...: waits until COMMAND holds and the sink is
# still; false when SECONDS pass first.
until_still() {
    local end=$((SECONDS + $1))
    shift
    while [ $SECONDS -lt $end ]; do
        if "$@"; then
            sink_still && return 0
            continue
        fi
        sleep 0.2
    done
    return 1
}

sink_holds() { [ "$(sink_count)" -ge "$1" ]; }

# wait_sink N SECONDS: waits until the sink holds at least N messages.
wait_sink() { until_still "$2" sink_holds "$1"; }

# sink_message FILE: the message part of a sink dump: smtp-sink writes
# envelope lines first and one empty line after the message.
sink_message() {
    awk 'started { print; next } /^(X-Client-Addr|X-Client-Proto|X-Helo-Args|X-Mail-From|X-Rcpt-To|X-Rcpt-Args|X-Mail-Args|X-Client-Name):/ { next } { started = 1; print }' "$1" |
        sed '$ { /^$/d }'
}

newest_sink_file() { ls -t "$SINK"/* 2>/dev/null | head -n 1; }

# settle [SECONDS]: waits until the private Postfix has nothing in flight
# (its maildrop, incoming and active queues empty: every message taken in
# is delivered to the sink or deferred) and the sink has stopped growing.
# A fixed sleep after sending is not enough on a loaded machine.
postfix_idle() {
    [ -z "$(find "$PF/spool/maildrop" "$PF/spool/incoming" "$PF/spool/active" \
        -type f -print -quit 2>/dev/null)" ]
}
settle() { until_still "${1:-60}" postfix_idle; }

# ---- Postfix ----

start_postfix() {
    SMTPD_PORT=$(free_port)
    MILTER_PORT=${MILTER_PORT:-$(free_port)}
    mkdir -p "$PF/conf" "$PF/spool" "$PF/data" "$PF/log"
    cat >"$PF/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.relance.test
mydomain = relance.test
myorigin = relance.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
# Mail for creditor.test stands for inbound mail (relayed to the sink too).
relay_domains = ${RELAY_DOMAINS:-creditor.test}
relayhost = [127.0.0.1]:$SINK_PORT
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = no
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_milters = ${MILTER_SPEC:-inet:127.0.0.1:$MILTER_PORT}
non_smtpd_milters = ${MILTER_SPEC:-inet:127.0.0.1:$MILTER_PORT}
milter_default_action = accept
milter_protocol = 6
milter_connect_timeout = 5s
maillog_file_prefixes = $PF/log
maillog_file = $PF/log/maillog
message_size_limit = 52428800
EOF
    cat >"$PF/conf/master.cf" <<EOF
127.0.0.1:$SMTPD_PORT inet n - n - - smtpd
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
local     unix - n n - - local
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
    postfix -c "$PF/conf" set-permissions >"$T/postfix-perms.log" 2>&1 || true
    local attempt
    for attempt in 1 2 3; do
        postfix -c "$PF/conf" start >"$T/postfix-start.log" 2>&1 && break
        echo "Postfix did not start (attempt $attempt):"; cat "$T/postfix-start.log" "$PF/log/maillog" 2>/dev/null
        if [ "$attempt" = 3 ] || ! grep -q "Address already in use" "$PF/log/maillog" 2>/dev/null; then
            FAILURES=$((FAILURES + 1))
            return 1
        fi
        # Its port was taken between the check and the bind: another one.
        postfix -c "$PF/conf" stop >/dev/null 2>&1
        local port
        port=$(free_port)
        sed -i "s/^127.0.0.1:$SMTPD_PORT /127.0.0.1:$port /" "$PF/conf/master.cf"
        SMTPD_PORT=$port
        : >"$PF/log/maillog"
    done
    POSTFIX_STARTED=1
    wait_port "$SMTPD_PORT" 20 || {
        echo "Postfix smtpd did not listen"; cat "$PF/log/maillog"; FAILURES=$((FAILURES + 1)); return 1
    }
}

stop_postfix() {
    if [ "${POSTFIX_STARTED:-0}" = 1 ]; then
        postfix -c "$PF/conf" stop >/dev/null 2>&1 || true
        POSTFIX_STARTED=0
    fi
}

# ---- relanced ----

# write_relance_conf [LINE...]: the test configuration; a given line
# replaces the base line of the same key.
write_relance_conf() {
    MILTER_PORT=${MILTER_PORT:-$(free_port)}
    [ -f "$T/relance.key" ] || "$RELANCECTL" keygen "$T/relance.key" >/dev/null
    local base=(
        "Socket inet:$MILTER_PORT@127.0.0.1"
        "Database $RELANCE_DB"
        "KeyFile $T/relance.key"
        "InvoiceSenders billing@creditor.test, @factures.creditor.test"
        "UserID"
        "Syslog no"
        "LogLevel debug"
        "ReplyLexicon $T/conf/replies"
        "TemplateDirectory $T/conf/templates"
        "PdfWorker $T/libexec/relance-pdf"
        "MediatorName CM2C"
    )
    {
        for line in "${base[@]}"; do
            local key=${line%% *} overridden=0
            for extra in "$@"; do [ "${extra%% *}" = "$key" ] && overridden=1; done
            [ "$overridden" = 0 ] && echo "$line"
        done
        for line in "$@"; do echo "$line"; done
    } >"$RELANCE_CONF"
}

start_relanced() {
    MILTER_PORT=${MILTER_PORT:-$(free_port)}
    [ -f "$RELANCE_CONF" ] || write_relance_conf
    "$RELANCED" -f -c "$RELANCE_CONF" >>"$RELANCE_LOG" 2>&1 &
    RELANCED_PID=$!
    wait_port "$MILTER_PORT" 20 || {
        echo "relanced did not listen"; cat "$RELANCE_LOG"; FAILURES=$((FAILURES + 1)); return 1
    }
}

stop_relanced() {
    if [ -n "${RELANCED_PID:-}" ] && kill -0 "$RELANCED_PID" 2>/dev/null; then
        kill -TERM "$RELANCED_PID"
        for _ in $(seq 1 150); do kill -0 "$RELANCED_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$RELANCED_PID" 2>/dev/null || true
        wait "$RELANCED_PID" 2>/dev/null || true
    fi
    RELANCED_PID=
}

# wait_log PATTERN [SECONDS]: waits until relanced's log has a line
# matching PATTERN (start-up lines come after the socket opens).
wait_log() {
    local i
    for i in $(seq 1 $(( ${2:-10} * 10 ))); do
        grep -q -- "$1" "$RELANCE_LOG" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

relanced_alive() { [ -n "${RELANCED_PID:-}" ] && kill -0 "$RELANCED_PID" 2>/dev/null; }

# no_sanitizer_reports: fails when a sanitized program reported anything.
no_sanitizer_reports() {
    if ls "$T"/asan.* "$T"/ubsan.* >/dev/null 2>&1; then
        cat "$T"/asan.* "$T"/ubsan.* 2>/dev/null | head -n 60
        return 1
    fi
}

# ---- messages ----

# ubl_invoice NUMBER ISSUE DUE AMOUNT BUYER EMAIL: a minimal UBL 2.1 invoice.
ubl_invoice() {
    cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>$1</cbc:ID>
  <cbc:IssueDate>$2</cbc:IssueDate>
  <cbc:DueDate>$3</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>
    <cbc:RegistrationName>ACME Industries SAS</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:RegistrationName>$5</cbc:RegistrationName></cac:PartyLegalEntity>
    <cac:Contact><cbc:ElectronicMail>$6</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">$4</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>
EOF
}

# take_new: the sink files that arrived since the last call, in NEW
# (the caller touches $T/seen.list first).
take_new() {
    find "$SINK" -type f | sort >"$T/now.list"
    mapfile -t NEW < <(comm -13 "$T/seen.list" "$T/now.list")
    cp "$T/now.list" "$T/seen.list"
}


# mime_with_attachment OUT FROM TO SUBJECT FILE CONTENT-TYPE [MESSAGE-ID]
mime_with_attachment() {
    local out=$1 from=$2 to=$3 subject=$4 file=$5 ctype=$6 msgid=${7:-<$RANDOM.$RANDOM@creditor.test>}
    {
        printf 'From: Service facturation <%s>\n' "$from"
        printf 'To: <%s>\n' "$to"
        printf 'Subject: %s\n' "$subject"
        printf 'Date: Mon, 23 Nov 2026 10:00:00 +0100\n'
        printf 'Message-ID: %s\n' "$msgid"
        printf 'MIME-Version: 1.0\n'
        printf 'Content-Type: multipart/mixed; boundary="=-relance-test"\n\n'
        printf -- '--=-relance-test\nContent-Type: text/plain; charset=utf-8\n\n'
        printf 'Bonjour,\n\nVeuillez trouver ci-joint notre document.\n\nCordialement\n'
        printf -- '--=-relance-test\nContent-Type: %s; name="%s"\n' "$ctype" "${file##*/}"
        printf 'Content-Disposition: attachment; filename="%s"\n' "${file##*/}"
        printf 'Content-Transfer-Encoding: base64\n\n'
        base64 "$file"
        printf -- '--=-relance-test--\n'
    } >"$out"
}

# smtp FROM TO FILE: submits through Postfix's smtpd. With XCLIENT_ADDR
# set, the client claims that address (Postfix's XCLIENT), to stand for a
# host outside InternalHosts while staying on loopback.
smtp() { "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" "$1" "$2" "$3" >/dev/null; }

# submit FROM FILE: submits through sendmail(1) (pickup, non_smtpd_milters).
submit() { sendmail -C "$PF/conf" -f "$1" -t -i <"$2"; }

# ctl ARGS...: relancectl on the test's database.
ctl() { "$RELANCECTL" -c "$RELANCE_CONF" "$@"; }

# json_field JSON FILTER: jq, raw output.
jqr() { jq -r "$@"; }

cleanup() {
    stop_relanced
    stop_postfix
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    if [ "$FAILURES" -eq 0 ] && [ -z "${KEEP:-}" ]; then
        rm -rf "$T"
    else
        echo "  (test files kept in $T)"
    fi
}
trap cleanup EXIT

finish() {
    check "no sanitizer report from the daemon" no_sanitizer_reports
    echo "  $((CHECKS - FAILURES))/$CHECKS checks passed"
    [ "$FAILURES" -eq 0 ]
}
