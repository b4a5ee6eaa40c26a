#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# relanced behind a real Sendmail 8.17: Debian's sendmail packages are
# unpacked into a private directory (never installed: they would replace
# Postfix), a .cf is generated from a .mc with the packaged cf/ macros,
# and that Sendmail listens on 127.0.0.1 with relanced as its
# INPUT_MAIL_FILTER, relaying everything to the test sink. An invoice sent
# through it becomes a case and is delivered unchanged but for the
# X-Relance header; with relanced stopped, mail still flows.
#
# No DNS ever: Sendmail runs in mount and UTS namespaces of its own with a
# fully qualified host name, its own /etc/hosts, /etc/nsswitch.conf (hosts
# from files) and /etc/resolv.conf (a name server on loopback, where none
# listens), and its .cf asks for no canonification and no probing.
source "$(dirname "$0")/lib.sh"

SM=$T/sendmail
# The packages are fetched once into a cache under the build directory.
DEB_CACHE=${RELANCE_DEB_CACHE:-$TOP/build/debs}
SM_PACKAGES=(sendmail-bin sendmail-base sendmail-cf)

fetch_sendmail() {
    local p missing=()
    mkdir -p "$DEB_CACHE"
    for p in "${SM_PACKAGES[@]}"; do
        ls "$DEB_CACHE/${p}_"*.deb >/dev/null 2>&1 || missing+=("$p")
    done
    if [ "${#missing[@]}" -ne 0 ]; then
        (cd "$DEB_CACHE" && apt-get download "${missing[@]}") >"$T/apt-download.log" 2>&1 ||
            { echo "apt-get download ${missing[*]} failed:"; cat "$T/apt-download.log"; return 1; }
    fi
    mkdir -p "$SM/root"
    for p in "${SM_PACKAGES[@]}"; do
        dpkg -x "$(ls "$DEB_CACHE/${p}_"*.deb | tail -n 1)" "$SM/root" || return 1
    done
    SENDMAIL_BIN=$SM/root/usr/libexec/sendmail/sendmail
    CF_DIR=$SM/root/usr/share/sendmail/cf
    [ -x "$SENDMAIL_BIN" ] && [ -f "$CF_DIR/m4/cf.m4" ]
}

# The .mc: what the README shows, plus what keeps a test instance private.
write_mc() {
    cat <<EOF
divert(-1)
# relance test instance: 127.0.0.1 only, no DNS, everything to the sink.
divert(0)dnl
VERSIONID(\`relance test')dnl
OSTYPE(\`linux')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM/service.switch')dnl
define(\`confHOSTS_FILE', \`$SM/hosts')dnl
define(\`QUEUE_DIR', \`$SM/queue')dnl
define(\`confPID_FILE', \`$SM/sendmail.pid')dnl
define(\`STATUS_FILE', \`$SM/statistics')dnl
define(\`ALIAS_FILE', \`$SM/aliases')dnl
define(\`HELP_FILE', \`$SM/helpfile')dnl
define(\`confTO_IDENT', \`0')dnl
define(\`confTO_CONNECT', \`10s')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confDOMAIN_NAME', \`mta.relance.test')dnl
define(\`SMART_HOST', \`esmtp:[127.0.0.1]')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $SINK_PORT')dnl
define(\`confDELIVERY_MODE', \`background')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`no_default_msa')dnl
DAEMON_OPTIONS(\`Port=$SMTPD_PORT, Addr=127.0.0.1, Name=MTA')dnl
RELAY_DOMAIN(\`127.0.0.1')dnl
dnl relance: the milter, no F= flag (mail continues when it is down).
dnl The macros relanced reads (i: queue id; {auth_authen}: SMTP AUTH) are
dnl in Sendmail's default confMILTER_MACROS_ENVFROM.
INPUT_MAIL_FILTER(\`relance', \`S=local:$MILTER_SOCKET, T=C:10s;S:30s;R:60s;E:5m')dnl
dnl Test only: the socket lies under /tmp, world-writable but sticky; a real
dnl socket lies in /run/relance and needs no such relaxation.
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOF
}

start_sendmail() {
    SMTPD_PORT=$(free_port)
    mkdir -p "$SM/queue" "$SM/etc"
    chmod 700 "$SM/queue"
    : >"$SM/aliases"
    : >"$SM/statistics"
    : >"$SM/helpfile"
    printf '127.0.0.1\tmta.relance.test mta localhost\n' >"$SM/hosts"
    printf 'hosts\tfiles\naliases\tfiles\n' >"$SM/service.switch"
    # What the namespace's /etc shows (glibc's view, for gethostbyname).
    cp "$SM/hosts" "$SM/etc/hosts"
    printf 'hosts: files\npasswd: files\ngroup: files\n' >"$SM/etc/nsswitch.conf"
    printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$SM/etc/resolv.conf"
    write_mc >"$SM/relance.mc"
    if ! m4 -D_CF_DIR_="$CF_DIR/" "$CF_DIR/m4/cf.m4" "$SM/relance.mc" >"$SM/sendmail.cf" 2>"$T/m4.log"; then
        echo "m4 failed:"; cat "$T/m4.log"; return 1
    fi
    # -bD: a daemon in the foreground; -D: its debug output (milter
    # conversation, 64.5) in a file, since there is no syslog here.
    unshare -m -u --propagation private sh -c '
        set -e
        hostname mta.relance.test
        mount --bind "$1/etc/hosts" /etc/hosts
        mount --bind "$1/etc/nsswitch.conf" /etc/nsswitch.conf
        mount --bind "$1/etc/resolv.conf" /etc/resolv.conf
        exec "$2" -bD -C "$1/sendmail.cf" -D "$1/debug.log" -d64.5' \
        sendmail "$SM" "$SENDMAIL_BIN" >"$SM/stdout.log" 2>&1 &
    SENDMAIL_PID=$!
    PIDS+=("$SENDMAIL_PID")
    for _ in $(seq 1 300); do
        port_free "$SMTPD_PORT" || return 0
        kill -0 "$SENDMAIL_PID" 2>/dev/null || break
        sleep 0.1
    done
    { echo "Sendmail did not listen"; cat "$SM/stdout.log" "$SM/debug.log"; return 1; }
}

stop_sendmail() {
    if [ -n "${SENDMAIL_PID:-}" ] && kill -0 "$SENDMAIL_PID" 2>/dev/null; then
        kill -TERM "$SENDMAIL_PID"
        for _ in $(seq 1 100); do kill -0 "$SENDMAIL_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SENDMAIL_PID" 2>/dev/null || true
        wait "$SENDMAIL_PID" 2>/dev/null || true
    fi
    # Delivery children (background mode) rename themselves: they are
    # found by their executable, which lies in this test's directory only.
    local pid
    for pid in $(sendmail_processes); do kill -TERM "$pid" 2>/dev/null || true; done
    SENDMAIL_PID=
}
sendmail_processes() {
    local p
    for p in /proc/[0-9]*; do
        case $(readlink "$p/exe" 2>/dev/null) in "$SM/root/"*) echo "${p#/proc/}" ;; esac
    done
}

# relanced on a unix socket, as in the README.
start_relanced_local() {
    "$RELANCED" -f -c "$RELANCE_CONF" >>"$RELANCE_LOG" 2>&1 &
    RELANCED_PID=$!
    for _ in $(seq 1 200); do [ -S "$MILTER_SOCKET" ] && return 0; sleep 0.1; done
    echo "relanced did not open $MILTER_SOCKET"; cat "$RELANCE_LOG"; return 1
}

SENT=0
send_smtp() { # send_smtp FILE [FROM] [TO]
    local reply
    reply=$("$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" "${2:-billing@creditor.test}" \
        "${3:-client@customer.test}" "$1") || { fail "Sendmail refused $1: $reply"; return 1; }
    QID=$(sed -n 's/.* \([0-9A-Za-z]\{14\}\) Message accepted.*/\1/p' <<<"$reply")
    SENT=$((SENT + 1))
}
delivered() {
    if ! wait_sink "$SENT" 60; then fail "message $SENT not delivered"; return 1; fi
    DELIVERED=$(newest_sink_file)
}
# The delivered message equals FILE once Sendmail's Received lines and
# relance's X-Relance header are taken out.
same_but_header() {
    sink_message "$DELIVERED" | awk '
        /^Received:/ { skip = 1; next }
        /^X-Relance:/ { skip = 1; next }
        skip && /^[ \t]/ { next }
        { skip = 0; print }' >"$T/delivered.body"
    tr -d '\r' <"$1" | diff - "$T/delivered.body" >"$T/delivered.diff"
}
has_header() { sink_message "$DELIVERED" | sed '/^$/q' | grep -q "^$1"; }
count_header() { sink_message "$DELIVERED" | sed '/^$/q' | grep -c "^$1"; }

trap 'stop_sendmail; cleanup' EXIT
fetch_sendmail || exit 1
command -v m4 >/dev/null || { fail "m4 is missing (bash tests/deps.sh)"; exit 1; }
MILTER_SOCKET=$T/relanced.sock
start_sink || exit 1
write_relance_conf "Socket local:$MILTER_SOCKET"
start_relanced_local || exit 1
start_sendmail || exit 1

# No MSA on 587, no other address: the .mc's DAEMON_OPTIONS alone.
listening=$(ss -ltnpH 2>/dev/null | grep "pid=$SENDMAIL_PID," | awk '{ print $4 }' | sort -u | tr '\n' ' ')
check_eq "Sendmail listens on 127.0.0.1:$SMTPD_PORT only" "127.0.0.1:$SMTPD_PORT " "$listening"

echo "== Factur-X invoice through Sendmail"
mime_with_attachment "$T/facturx.eml" billing@creditor.test client@customer.test \
    "Facture F20180027" "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf \
    "<sendmail-1@creditor.test>"
send_smtp "$T/facturx.eml" && delivered
check "one X-Relance header added" [ "$(count_header X-Relance:)" = 1 ]
check "header names the invoice" has_header "X-Relance: tracked invoice F20180027 100.00 EUR due 2019-01-30"
check "delivered unchanged apart from Received and X-Relance" same_but_header "$T/facturx.eml"
check "the Factur-X attachment arrives byte for byte" \
    cmp -s <(awk '/^Content-Transfer-Encoding: base64/ { b = 1; getline; next } b && /^--/ { b = 0 } b' "$T/facturx.eml") \
           <(sink_message "$DELIVERED" | tr -d '\r' | awk '/^Content-Transfer-Encoding: base64/ { b = 1; getline; next } b && /^--/ { b = 0 } b')
check "Sendmail's queue id in relanced's log" grep -q "^.*${QID:-no-queue-id}: .*tracked invoice F20180027" "$RELANCE_LOG"
list=$(ctl list --json)
check_eq "one case" 1 "$(jq 'map(select(.number == "F20180027")) | length' <<<"$list")"
json=$(ctl show F20180027 --json)
check_eq "amount due" 100.00 "$(jqr .amount_due <<<"$json")"
check_eq "due date" 2019-01-30 "$(jqr .due_date <<<"$json")"
check_eq "status" open "$(jqr .status <<<"$json")"
check_eq "source" facturx "$(jqr .source <<<"$json")"

echo "== a plain message passes untouched"
printf 'From: <billing@creditor.test>\nTo: <client@customer.test>\nSubject: Rendez-vous\nDate: Mon, 23 Nov 2026 10:00:00 +0100\nMessage-ID: <sendmail-2@creditor.test>\n\nBonjour, mardi ?\n' >"$T/plain.eml"
send_smtp "$T/plain.eml" && delivered
check "no header on a non-invoice" not has_header X-Relance:
check "plain message unchanged" same_but_header "$T/plain.eml"

echo "== relanced stopped: mail still flows"
stop_relanced
mime_with_attachment "$T/facturx2.eml" billing@creditor.test client@customer.test \
    "Facture F20180027" "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf \
    "<sendmail-3@creditor.test>"
send_smtp "$T/facturx2.eml" && delivered
check "accepted at once and delivered without the filter" same_but_header "$T/facturx2.eml"
check "no header without the filter" not has_header X-Relance:
check "Sendmail tried the filter and went on" grep -q "Xrelance: error connecting to filter" "$SM/debug.log"
check "nothing left in Sendmail's queue" [ -z "$(find "$SM/queue" -type f -name 'qf*')" ]

sendmail_pid=$SENDMAIL_PID
stop_sendmail
check "Sendmail stopped" not kill -0 "$sendmail_pid" 2>/dev/null
check "no Sendmail process left" [ -z "$(sendmail_processes)" ]
finish
