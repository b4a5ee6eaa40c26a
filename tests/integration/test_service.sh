#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The service as shipped: `make install` into a private root, then the
# INSTALLED relanced started the way the installed systemd unit starts it
# (its User=/Group= or root, its NoNewPrivileges=, its
# CapabilityBoundingSet= and UMask=, through setpriv), on the installed
# relanced.conf with the paths of the private root and the default
# Submit's transport (SMTP) pointed at the private Postfix. Its own
# scheduler, not `relancectl run-due`, must get a reminder through Postfix
# to the sink, recorded `sent` (not `held`), and the PDF worker it starts
# must read a Factur-X invoice under the same confinement.
#
# Also: the unit's systemd-analyze exposure stays at 3.0 or lower; every
# start-up error reaches stderr with the default Syslog yes on a machine
# without a syslog daemon; every log line on stderr is stamped in UTC,
# whatever TZ and Timezone say, before and after a reload.
source "$(dirname "$0")/lib.sh"

ROOT=$T/root
echo "== make install DESTDIR=$ROOT (the Makefile's PREFIX and SYSCONFDIR)"
# MAKEFLAGS from a parent `make integration` would pass its goals' flags on.
if ! env -u MAKEFLAGS -u MAKELEVEL make -s -C "$TOP" install DESTDIR="$ROOT" >"$T/install.log" 2>&1; then
    cat "$T/install.log"
    fail "make install"
    exit 1
fi
UNIT=$(find "$ROOT" -name relanced.service -path '*/systemd/system/*' | head -n 1)
SBIN_RELANCED=$(find "$ROOT" -name relanced -type f -perm -u+x | head -n 1)
SBIN_CTL=$(find "$ROOT" -name relancectl -type f -perm -u+x | head -n 1)
WORKER=$(find "$ROOT" -name relance-pdf -type f -perm -u+x | head -n 1)
ETC=$ROOT/etc/relance
check "unit installed" [ -f "$UNIT" ]
check "relanced installed" [ -x "$SBIN_RELANCED" ]
check "relancectl installed" [ -x "$SBIN_CTL" ]
check "relance-pdf installed" [ -x "$WORKER" ]
check "relanced.conf installed" [ -f "$ETC/relanced.conf" ]
for page in man5/relanced.conf.5 man8/relanced.8 man8/relancectl.8; do
    check "man page $page installed" test -n "$(find "$ROOT" -path "*/share/man/$page")"
done
# NoNewPrivileges keeps Postfix's sendmail(1) from its setgid postdrop:
# the default hands reminders over by SMTP (below, to the private port).
check_eq "the default Submit: SMTP to the local MTA" "smtp:127.0.0.1:25" \
    "$(sed -n 's/^#Submit //p' "$ETC/relanced.conf")"
check_eq "the unit's ExecStart is the installed relanced" \
    "ExecStart=${SBIN_RELANCED#"$ROOT"} -f -c /etc/relance/relanced.conf" "$(grep '^ExecStart=' "$UNIT")"

echo "== systemd-analyze security: exposure 3.0 or lower"
exposure=$(systemd-analyze security --offline=true "$UNIT" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
echo "  exposure $exposure"
check "an exposure figure" [ -n "$exposure" ]
check "exposure $exposure <= 3.0" awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 3.0) }'

# The unit's settings, as setpriv will apply them.
unit_value() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
UNIT_USER=$(unit_value User)
UNIT_GROUP=$(unit_value Group)
UNIT_NNP=$(unit_value NoNewPrivileges)
UNIT_CAPS=$(unit_value CapabilityBoundingSet)
UNIT_UMASK=$(unit_value UMask)
check_eq "the unit sets NoNewPrivileges" yes "$UNIT_NNP"
check "the unit bounds the capabilities" [ -n "$UNIT_CAPS" ]
# Without User=, the unit starts relanced as root and relanced drops to
# UserID: the installed configuration's default.
CONF_USER=$(sed -n 's/^#UserID \(.*\)/\1/p' "$ETC/relanced.conf")
RUN_USER=${UNIT_USER:-$CONF_USER}
CREATED_USER=
if ! id "$RUN_USER" >/dev/null 2>&1; then
    if useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER" \
        >>"$T/useradd.log" 2>&1; then
        CREATED_USER=$RUN_USER
    else
        # No useradd here (or not root): an existing unprivileged user.
        RUN_USER=nobody
    fi
fi
echo "  unit: User=${UNIT_USER:-(none: root, then UserID $CONF_USER)} NoNewPrivileges=$UNIT_NNP" \
    "CapabilityBoundingSet=$UNIT_CAPS UMask=$UNIT_UMASK; runs as $RUN_USER"
remove_user() { [ -n "$CREATED_USER" ] && userdel "$CREATED_USER" 2>/dev/null; CREATED_USER=; return 0; }
# After lib.sh's cleanup, which stops what runs as that user.
trap 'cleanup; remove_user' EXIT

# setpriv's arguments for the unit's lines: "CAP_CHOWN CAP_SETUID" becomes
# --bounding-set -all,+chown,+setuid.
SETPRIV=(setpriv)
[ "$UNIT_NNP" = yes ] && SETPRIV+=(--no-new-privs)
if [ -n "$UNIT_CAPS" ]; then
    caps=-all
    for c in $UNIT_CAPS; do caps+=",+$(tr '[:upper:]' '[:lower:]' <<<"${c#CAP_}")"; done
    SETPRIV+=(--bounding-set "$caps" --inh-caps -all)
fi
if [ -n "$UNIT_USER" ]; then
    SETPRIV+=(--reuid "$UNIT_USER" --regid "${UNIT_GROUP:-$UNIT_USER}" --init-groups)
fi
# What setpriv cannot do, systemd's way (unit_sandbox.py): the system call
# allow list, expanded from its sets by systemd-analyze, and
# MemoryDenyWriteExecute. relanced and all it starts (relance-pdf) run
# under both.
expand_syscalls() { # expand_syscalls @SET|NAME: one system call a line
    case $1 in
    @*) systemd-analyze syscall-filter "$1" | sed -e '1d' -e 's/^ *//' -e '/^#/d' -e '/^$/d' |
        while read -r name; do expand_syscalls "$name"; done ;;
    *) echo "$1" ;;
    esac
}
SANDBOX=(/usr/bin/python3 "$TOP/tests/integration/unit_sandbox.py")
UNIT_FILTER=$(sed -n 's/^SystemCallFilter=//p' "$UNIT")
if [ -n "$UNIT_FILTER" ]; then
    check "the unit's system call filter is an allow list" not grep -q '~' <<<"$UNIT_FILTER"
    check_eq "denied calls fail with EPERM, as in the sandbox" EPERM "$(unit_value SystemCallErrorNumber)"
    for set in $UNIT_FILTER; do expand_syscalls "$set"; done | sort -u >"$T/syscalls.list"
    check "the allow list expanded ($(wc -l <"$T/syscalls.list") calls)" [ "$(wc -l <"$T/syscalls.list")" -gt 100 ]
    SANDBOX+=(--syscalls "$T/syscalls.list")
fi
[ "$(unit_value MemoryDenyWriteExecute)" = yes ] && SANDBOX+=(--mdwe)
SETPRIV+=("${SANDBOX[@]}")

# as_user CMD...: a command as the daemon's user (relancectl on its database).
as_user() { setpriv --reuid "$RUN_USER" --regid "$(id -g "$RUN_USER")" --init-groups "$@"; }

echo "== start-up errors on stderr, with the default Syslog yes"
# The installed file as shipped (Syslog yes by default), a KeyFile that is
# not there; no syslog daemon listens in the test (none is started, and
# the check holds either way: stderr is what is read).
sed -e '$a\' "$ETC/relanced.conf" >"$T/nokey.conf"
printf '%s\n' "KeyFile $T/missing.key" "ReplyLexicon $ETC/replies" "Database $T/nokey/relance.db" \
    "Socket local:$T/nokey/relanced.sock" "UserID" >>"$T/nokey.conf"
out=$(timeout 20 "$SBIN_RELANCED" -f -c "$T/nokey.conf" 2>&1 >/dev/null); rc=$?
check_eq "a missing KeyFile: exit 1" 1 "$rc"
check "... said on stderr, naming the file and the cure" grep -qE \
    "^[0-9T:-]+Z relanced\[error\]: KeyFile: cannot open $T/missing.key: No such file or directory \(create it with: relancectl keygen\)$" <<<"$out"
printf 'Bogus yes\n' >>"$T/nokey.conf"
out=$(timeout 20 "$SBIN_RELANCED" -f -c "$T/nokey.conf" 2>&1 >/dev/null); rc=$?
check_eq "a configuration error: exit 1" 1 "$rc"
check "... said on stderr with its file and line" grep -qE "relanced\[error\]: $T/nokey.conf:[0-9]+: unknown key 'Bogus'" <<<"$out"
check "nothing started: no socket" not test -e "$T/nokey/relanced.sock"

echo "== the installed relanced under the unit's confinement"
start_sink || exit 1
"$SBIN_CTL" keygen "$ETC/relance.key" >/dev/null
check_eq "KeyFile 0600 root's" "600 root" "$(stat -c '%a %U' "$ETC/relance.key")"
# /run/relance and /var/lib/relance as systemd makes them: root's, 0755
# (RuntimeDirectoryMode) and 0750 (StateDirectoryMode); STATE_DIRECTORY
# names the latter, and relanced gives it to UserID.
RUNDIR=$T/run/relance
STATEDIR=$T/state/relance
mkdir -p "$RUNDIR" "$STATEDIR"
chmod 755 "$T/run" "$RUNDIR" "$T/state"
chmod "$(unit_value StateDirectoryMode)" "$STATEDIR"
SOCK=$RUNDIR/relanced.sock
# The Postfix user reaches the socket through SocketGroup.
MILTER_SPEC="unix:$SOCK" start_postfix || exit 1
sed -e '$a\' "$ETC/relanced.conf" >"$RELANCE_CONF"
# The installed file's own paths point under the private root; Submit is
# the default's transport, SMTP, towards the private Postfix's port.
printf '%s\n' \
    "Socket local:$SOCK" \
    "SocketGroup postfix" \
    "UserID $RUN_USER" \
    "Database $STATEDIR/relance.db" \
    "KeyFile $ETC/relance.key" \
    "ReplyLexicon $ETC/replies" \
    "TemplateDirectory $ETC/templates" \
    "PdfWorker $WORKER" \
    "LetterDirectory $STATEDIR/letters" \
    "Submit smtp:127.0.0.1:$SMTPD_PORT" \
    "Syslog no" \
    "LogLevel debug" \
    "Timezone Pacific/Kiritimati" \
    "InvoiceSenders billing@creditor.test" \
    "SchedulerInterval 2s" \
    "SendDays Mon-Sun" \
    "SendHours 00:00-24:00" \
    "Holidays none" \
    "CreditorName ACME Industries SAS" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorEmail compta@creditor.test" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "DefaultDebtorKind business" \
    "MediatorName CM2C" >>"$RELANCE_CONF"
chmod 644 "$RELANCE_CONF"
check_eq "relanced -n accepts it (the unit's ExecStartPre)" "configuration OK" \
    "$("${SETPRIV[@]}" "$SBIN_RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
# The process's TZ is another zone again: neither may show in the log.
(
    umask "${UNIT_UMASK:-0022}"
    export STATE_DIRECTORY=$STATEDIR
    exec env TZ=America/Los_Angeles "${SETPRIV[@]}" "$SBIN_RELANCED" -f -c "$RELANCE_CONF" >>"$RELANCE_LOG" 2>&1
) &
RELANCED_PID=$!
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
check "socket created" [ -S "$SOCK" ]
check "start-up logged" wait_log "reminders: due work runs every 2s" 10
check_eq "socket 0660, UserID's and SocketGroup's" "660 $RUN_USER postfix" "$(stat -c '%a %U %G' "$SOCK")"
check_eq "the state directory systemd made is given to UserID" "$RUN_USER" "$(stat -c %U "$STATEDIR")"
check_eq "running as $RUN_USER" "$(id -u "$RUN_USER")" "$(awk '/^Uid:/ { print $2 }' "/proc/$RELANCED_PID/status")"
if [ "$UNIT_NNP" = yes ]; then
    check_eq "no new privileges" 1 "$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$RELANCED_PID/status")"
fi
check_eq "no capability left after the drop" 0000000000000000 "$(awk '/^CapEff:/ { print $2 }' "/proc/$RELANCED_PID/status")"
if [ -n "$UNIT_FILTER" ]; then
    check_eq "under the system call filter" 2 "$(awk '/^Seccomp:/ { print $2 }' "/proc/$RELANCED_PID/status")"
fi

echo "== a PDF invoice: relance-pdf runs under the same confinement"
mime_with_attachment "$T/facturx.eml" billing@creditor.test me@buyer.com "Facture F20180027" \
    "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf
smtp billing@creditor.test me@buyer.com "$T/facturx.eml"
check "delivered" wait_sink 1 30
check "the worker read the Factur-X invoice" grep -qF \
    "invoice F20180027 from facturx (fx_Mustang_Facture_F20180027.pdf/factur-x.xml)" "$RELANCE_LOG"
check "no worker failure" not grep -q "PDF not read\|not readable" "$RELANCE_LOG"

echo "== its own scheduler sends a reminder through Postfix (SMTP), to the sink"
today=$(TZ=Europe/Paris date +%F)
ubl_invoice S-001 "$(date -d "$today -50 days" +%F)" "$(date -d "$today -20 days" +%F)" 240.00 \
    "Service Client SARL" debtor@client-s.test >"$T/S-001.xml"
mime_with_attachment "$T/S-001.eml" billing@creditor.test debtor@client-s.test "Facture S-001" "$T/S-001.xml" \
    application/xml "<invoice-S-001@creditor.test>"
smtp billing@creditor.test debtor@client-s.test "$T/S-001.eml"
check "the invoice delivered" wait_sink 2 30
check "tracked" wait_log "tracked invoice S-001" 20
reminder_at_sink() { grep -l "^X-Rcpt-Args: <debtor@client-s.test>" "$SINK"/* 2>/dev/null | xargs -r grep -l "^In-Reply-To: <invoice-S-001@creditor.test>"; }
end=$((SECONDS + 60))
while [ $SECONDS -lt $end ] && [ -z "$(reminder_at_sink)" ]; do sleep 0.5; done
check "the reminder reached the sink" [ -n "$(reminder_at_sink)" ]
REMINDER=$(reminder_at_sink | head -n 1)
check "from the creditor's ladder, with its signed Reply-To" grep -q "^Reply-To: .*reponses+" "$REMINDER"
check "handed over by SMTP, not by sendmail(1)" grep -q "^Received: from .*127.0.0.1" "$REMINDER"
check "no postdrop error" not grep -q "postdrop" "$RELANCE_LOG" "$PF/log/maillog"
# Recorded once it passed back through the milter (mta_seen_at).
end=$((SECONDS + 30))
state() { as_user "$SBIN_CTL" -c "$RELANCE_CONF" reminders --json 2>>"$T/ctl.err"; }
while [ $SECONDS -lt $end ] && [ "$(state | jq -r '[.[] | select(.mta_seen_at != null)] | length')" = 0 ]; do sleep 0.5; done
json=$(state)
check_eq "one reminder" 1 "$(jq length <<<"$json")"
check_eq "recorded sent" sent "$(jq -r '.[0].state' <<<"$json")"
check_eq "none held" 0 "$(jq '[.[] | select(.state == "held")] | length' <<<"$json")"
check "seen passing through the milter" [ "$(jq -r '.[0].mta_seen_at' <<<"$json")" != null ]
check_eq "to the debtor" debtor@client-s.test "$(jq -r '.[0].recipient' <<<"$json")"
check_eq "no outbox message uncertain" 0 \
    "$(as_user "$SBIN_CTL" -c "$RELANCE_CONF" outbox --json 2>>"$T/ctl.err" | jq '[.[] | select(.state == "uncertain")] | length')"

echo "== one time zone in the log: UTC, from the first line to the last"
echo "Timezone Asia/Tokyo" >>"$RELANCE_CONF"
sed -i '/^Timezone Pacific\/Kiritimati$/d' "$RELANCE_CONF"
kill -USR1 "$RELANCED_PID"
check "reload logged" wait_log "Timezone is now Asia/Tokyo" 10
# Each line's stamp within two minutes of the UTC clock: a line in
# Kiritimati (+14), Tokyo (+9) or Los Angeles (-8) time would be hours off.
now=$(date -u +%s)
bad=
lines=0
while IFS= read -r line; do
    stamp=${line%% *}
    lines=$((lines + 1))
    if [[ ! $stamp =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]; then
        bad+="$line"$'\n'
        continue
    fi
    t=$(date -u -d "$stamp" +%s)
    [ "$t" -lt $((now - 3600)) ] || [ "$t" -gt $((now + 120)) ] && bad+="$line"$'\n'
done <"$RELANCE_LOG"
check "the log has its lines ($lines)" [ "$lines" -ge 10 ]
check "every line stamped in UTC (...Z), none in another zone" [ -z "$bad" ]
[ -n "$bad" ] && head -n 5 <<<"$bad"
check "relanced still running" relanced_alive
stop_relanced
check "stopped cleanly" grep -q "relance stopping" "$RELANCE_LOG"
check "no error in the log" not grep -q "relanced\[error\]" "$RELANCE_LOG"
stop_postfix
remove_user

finish
