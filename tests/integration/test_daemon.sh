#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The daemon itself: configuration check, versions, what UserID will not
# be able to read after the privilege drop, the drop with a unix socket
# usable by the MTA, database made for the unprivileged user, reload on
# SIGUSR1, clean stop on SIGTERM; and Postfix reaching it over that unix
# socket. test_location.sh runs it again from a checkout in a directory
# only root can enter.
source "$(dirname "$0")/lib.sh"

echo "== relanced -n and -V"
MILTER_PORT=$(free_port)
write_relance_conf
out=$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)
check_eq "-n on a good file" "configuration OK" "$out"
printf 'Socket nowhere\nLogLevel chatty\n' >"$T/bad.conf"
out=$("$RELANCED" -n -c "$T/bad.conf" 2>&1); rc=$?
check "-n on a bad file exits non-zero" [ "$rc" -ne 0 ]
check "-n names the file and line of each error" grep -q "^$T/bad.conf:1: Socket" <<<"$out"
check "-n reports every error" grep -q "^$T/bad.conf:2: LogLevel" <<<"$out"
check "-n refuses a missing KeyFile" not "$RELANCED" -n -c <(sed "s|^KeyFile .*|KeyFile $T/none.key|" "$RELANCE_CONF")
# L441-10 II: the ECB rate of the half-year (1 January or 1 July);
# a half-year without its rate is priced at the latest earlier one, and said.
year=$(TZ=Europe/Paris date +%Y)
half=$([ "$(TZ=Europe/Paris date +%-m)" -ge 7 ] && echo 07 || echo 01)
write_relance_conf "EcbRate $((year - 2))-07-01=2.15"
out=$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1); rc=$?
check_eq "-n: a missing half-year is a warning, not an error" 0 "$rc"
check "-n names this half-year, without a rate" grep -qxF "EcbRate: no rate for the half-year starting $year-$half-01 (published by the Banque de France / ECB, update it on 1 January and 1 July)" <<<"$out"
write_relance_conf "EcbRate $year-$half-01=2.15"
check_eq "-n: this half-year's rate given, nothing to say" "configuration OK" "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
write_relance_conf
out=$("$RELANCED" -V)
for lib in relance libmilter GMime SQLite libsodium libxml2 poppler; do
    check "-V names $lib" grep -q "^$lib [0-9]" <<<"$out"
done

echo "== relanced -n: what UserID will not be able to read after the drop"
write_relance_conf "UserID nobody"
out=$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)
check_eq "-n with UserID: all readable, nothing to say" "configuration OK" "$out"
# A lexicon in a directory only root enters (a checkout under /root), one
# template only root reads, the configuration file only root reads; the
# KeyFile (0600 root) is read once, as root, and is not named.
mkdir -m 700 "$T/closed"
cp -R "$T/conf/replies" "$T/closed/"
cp -R "$T/conf/templates" "$T/tpl"
chmod 600 "$T/tpl/fr/rappel.md"
write_relance_conf "UserID nobody" "ReplyLexicon $T/closed/replies" "TemplateDirectory $T/tpl"
chmod 600 "$RELANCE_CONF"
out=$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1); rc=$?
chmod 644 "$RELANCE_CONF"
check_eq "-n: warnings, not errors" 0 "$rc"
check "-n still says configuration OK" grep -qx "configuration OK" <<<"$out"
check "-n names the configuration file" grep -qF \
    "$RELANCE_CONF:0: warning: UserID nobody will not be able to read this file again (Permission denied): a reload (SIGUSR1) will fail" <<<"$out"
check "-n names the directory that hides the lexicon" grep -qF \
    "ReplyLexicon: UserID nobody will not be able to read anything in $T/closed/replies (cannot enter $T/closed): a reload (SIGUSR1) will fail" <<<"$out"
check "-n names the one template UserID cannot read" grep -qF \
    "TemplateDirectory: UserID nobody will not be able to read $T/tpl/fr/rappel.md (Permission denied)" <<<"$out"
check_eq "-n: one line each, nothing else" 3 "$(grep -c "will not be able to read" <<<"$out")"

echo "== privileges dropped, unix socket for the MTA"
# Where Debian's chrooted smtpd can reach it: under Postfix's queue
# directory, in a directory relanced makes for UserID and SocketGroup.
mkdir -p "$PF/spool"
SOCK=$PF/spool/relance/relanced.sock
# One template UserID cannot read: said at start-up, and a reload (which
# does not read templates) still works.
write_relance_conf "Socket local:$SOCK" "SocketGroup postfix" "UserID nobody" "Database $T/state/relance.db" \
    "TemplateDirectory $T/tpl"
chmod 600 "$T/relance.key"
"$RELANCED" -f -c "$RELANCE_CONF" >>"$RELANCE_LOG" 2>&1 &
RELANCED_PID=$!
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
check "socket created" [ -S "$SOCK" ]
check "start-up log names the template UserID cannot read" grep -qF \
    "TemplateDirectory: UserID nobody will not be able to read $T/tpl/fr/rappel.md (Permission denied)" "$RELANCE_LOG"
check_eq "start-up log names nothing else" 1 "$(grep -c "will not be able to read" "$RELANCE_LOG")"
check_eq "socket mode 0660" 660 "$(stat -c %a "$SOCK")"
check_eq "socket owned by UserID" nobody "$(stat -c %U "$SOCK")"
check_eq "socket's group is SocketGroup" postfix "$(stat -c %G "$SOCK")"
check_eq "socket directory made 0750 for UserID and SocketGroup" "750 nobody postfix" \
    "$(stat -c '%a %U %G' "$PF/spool/relance")"
sleep 0.5
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$RELANCED_PID/status")
check_eq "running as UserID" "$(id -u nobody)" "$uid"
check_eq "database directory made for UserID" nobody "$(stat -c %U "$T/state")"
check_eq "database owned by UserID" nobody "$(stat -c %U "$T/state/relance.db")"
check_eq "database readable by UserID alone (umask 077)" 600 "$(stat -c %a "$T/state/relance.db")"

echo "== Postfix reaches it over the unix socket, by a path relative to its queue directory"
start_sink || exit 1
# The form that works for a chrooted smtpd and for the unchrooted
# sendmail(1) path alike; Postfix's smtpd runs as user postfix and gets
# in through SocketGroup.
MILTER_SPEC="unix:relance/relanced.sock" start_postfix || exit 1
mime_with_attachment "$T/ubl.eml" billing@creditor.test lj@buyer.se "Invoice" \
    "$CORPUS/ubl/pp_base-example.xml" application/xml
smtp billing@creditor.test lj@buyer.se "$T/ubl.eml"
check "delivered" wait_sink 1 30
check "tracked through the unix socket" grep -q "tracked invoice Snippet1" "$RELANCE_LOG"
submit billing@creditor.test "$T/ubl.eml"
check "delivered from sendmail(1)" wait_sink 2 30
check "the sendmail(1) path reaches it too" grep -q "already tracked invoice Snippet1" "$RELANCE_LOG"

echo "== reload on SIGUSR1"
sed -i 's/^LogLevel .*/LogLevel warning/' "$RELANCE_CONF"
echo "Timezone America/New_York" >>"$RELANCE_CONF"
kill -USR1 "$RELANCED_PID"
for _ in $(seq 1 50); do grep -q "configuration reloaded" "$RELANCE_LOG" && break; sleep 0.1; done
check "reload logged" grep -q "configuration reloaded" "$RELANCE_LOG"
check "a new Timezone is taken at reload" grep -q "Timezone is now America/New_York" "$RELANCE_LOG"
check "no restart asked for" not grep -q "take effect at restart" "$RELANCE_LOG"
lines=$(wc -l <"$RELANCE_LOG")
smtp billing@creditor.test lj@buyer.se "$T/ubl.eml"
wait_sink 3 30
sleep 0.5
check "new LogLevel applies: no info line for the next message" \
    not grep -q "already tracked" <(tail -n +$((lines + 1)) "$RELANCE_LOG")
echo "Bogus key" >>"$RELANCE_CONF"
kill -USR1 "$RELANCED_PID"
for _ in $(seq 1 50); do grep -q "reload failed" "$RELANCE_LOG" && break; sleep 0.1; done
check "a broken file is refused, the running configuration kept" grep -q "reload failed" "$RELANCE_LOG"
check "still running after a failed reload" relanced_alive
sed -i -e '/^Bogus/d' -e 's/^LogLevel .*/LogLevel info/' "$RELANCE_CONF"
kill -USR1 "$RELANCED_PID"
for _ in $(seq 1 50); do [ "$(grep -c "configuration reloaded" "$RELANCE_LOG")" -ge 2 ] && break; sleep 0.1; done
check "a mended file reloads" [ "$(grep -c "configuration reloaded" "$RELANCE_LOG")" -ge 2 ]

echo "== clean stop on SIGTERM"
kill -TERM "$RELANCED_PID"
stopped=0
for _ in $(seq 1 150); do kill -0 "$RELANCED_PID" 2>/dev/null || { stopped=1; break; }; sleep 0.1; done
check "stopped within 15 s" [ "$stopped" = 1 ]
wait "$RELANCED_PID"; rc=$?
check_eq "exit status 0" 0 "$rc"
check "stop logged" grep -q "relance stopping" "$RELANCE_LOG"
RELANCED_PID=

finish
