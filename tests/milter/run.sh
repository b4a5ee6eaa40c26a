#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh - milter-level tests, without an MTA and without root: relanced
# (the sanitized build) with a private configuration and database, driven
# by miltertest's scripted milter conversations (tests/milter/*.lua), the
# store read afterwards with relancectl; sqlite3 holds the database's lock
# for the error tests. The integration tests' lib.sh is reused as is.
#
#   outgoing.lua  invoices from inside get X-Relance and become cases;
#                 plain mail and strangers do not
#   track.lua     the invoices the replies answer
#   replies.lua   replies by thread, token and number get X-Relance-Reply
#                 and change their case; a forged token changes nothing
#   failopen.lua  malformed messages and the mime corpus pass unchanged
#   dberror.lua   with the database locked, On-DBError accept, then tempfail
#   (payments)    relancectl import-payments: a real camt.053 and a CSV
#                 export pay the tracked invoices they name, once
#
# Everything needed (the two programs, lexicons, templates, these scripts,
# a few corpus files) is first copied into a private directory of mode
# 0755. Run as root (as `make check` is), the tests then run as nobody,
# which shows that the daemon needs no privilege and nothing from the
# checkout (which may sit under a 0700 home); run as another user, they
# run as that user. Prints "N passed, N failed"; non-zero on any failure.
set -u

# ---- staging (as whoever runs make) ----

if [ "${1:-}" != --staged ]; then
    SRC=$(cd "$(dirname "$0")/../.." && pwd)
    CORPUS_SRC=${RELANCE_CORPUS:-$SRC/../shared/corpus}
    for f in "$SRC/build/asan/relanced" "$SRC/build/asan/relancectl" "$SRC/build/asan/relance-pdf"; do
        [ -x "$f" ] || { echo "milter tests: $f missing (make asan)" >&2; exit 1; }
    done
    for f in facturx/fx_Mustang_Facture_F20180027.pdf facturx/broken_corruptedV2PDF.pdf mime; do
        [ -e "$CORPUS_SRC/$f" ] || { echo "milter tests: $CORPUS_SRC/$f missing (RELANCE_CORPUS)" >&2; exit 1; }
    done
    for p in miltertest sqlite3 jq; do
        command -v "$p" >/dev/null || { echo "milter tests: $p not found (make deps)" >&2; exit 1; }
    done
    S=$(mktemp -d /tmp/relance-milter-stage.XXXXXX) || exit 1
    trap 'rm -rf "$S"' EXIT
    mkdir -p "$S/build/asan" "$S/conf" "$S/tests/integration" "$S/tests/milter" "$S/corpus/facturx" "$S/corpus/mime" \
        "$S/corpus/payments" "$S/tests/data/payments"
    cp "$SRC/build/asan/relanced" "$SRC/build/asan/relancectl" "$SRC/build/asan/relance-pdf" "$S/build/asan/" &&
        cp -r "$SRC/conf/replies" "$SRC/conf/templates" "$S/conf/" &&
        cp "$SRC/tests/integration/lib.sh" "$S/tests/integration/" &&
        cp "$SRC"/tests/milter/*.lua "$SRC/tests/milter/run.sh" "$S/tests/milter/" &&
        cp "$CORPUS_SRC"/facturx/fx_Mustang_Facture_F20180027.pdf "$CORPUS_SRC"/facturx/broken_corruptedV2PDF.pdf \
            "$S/corpus/facturx/" &&
        cp "$CORPUS_SRC"/mime/*.eml "$S/corpus/mime/" &&
        cp "$CORPUS_SRC"/payments/camt053.v2.minimal.xml "$CORPUS_SRC"/payments/camt053.v2.wrong.xml \
            "$S/corpus/payments/" &&
        cp "$SRC"/tests/data/payments/releve-fr.csv "$S/tests/data/payments/" || exit 1
    chmod -R u+w,a+rX,go-w "$S"
    chmod 755 "$S"
    export RELANCE_CORPUS=$S/corpus
    if [ "$(id -u)" = 0 ]; then
        echo "== as root: the tests run as nobody"
        setpriv --reuid=nobody --regid=nogroup --clear-groups bash "$S/tests/milter/run.sh" --staged
    else
        bash "$S/tests/milter/run.sh" --staged
    fi
    exit $?
fi

# ---- the tests (unprivileged, from the staged copy) ----

# lib.sh: $T (private, 0755), reporting, ports, relanced's start and
# stop, the test configuration, UBL invoices and MIME messages.
source "$(dirname "$0")/../integration/lib.sh"
MT=$TOP/tests/milter
# Libraries may want a cache; nobody's home does not exist.
export HOME=$T XDG_CACHE_HOME=$T/cache
MT_RUNS=0
echo "== running as $(id -un) (uid $(id -u)), in $T"

# run_mt SCRIPT [NAME=VALUE...]: one miltertest script; its "  ok" and
# "  FAIL" lines count with the others.
run_mt() {
    local script=$1 out rc ok bad d
    local defs=(-D "SOCKET=inet:$MILTER_PORT@127.0.0.1" -D "LIB=$MT/lib.lua" -D "WORK=$T" -D "DUE=$DUE")
    shift
    for d in "$@"; do defs+=(-D "$d"); done
    MT_RUNS=$((MT_RUNS + 1))
    out=$T/mt.$MT_RUNS.${script%.lua}.out
    miltertest "${defs[@]}" -s "$MT/$script" >"$out" 2>&1
    rc=$?
    cat "$out"
    ok=$(grep -c '^  ok   ' "$out")
    bad=$(grep -c '^  FAIL ' "$out")
    CHECKS=$((CHECKS + ok + bad))
    FAILURES=$((FAILURES + bad))
    [ "$rc" -eq 0 ] || fail "$script ran to its end (miltertest exit status $rc)"
    [ "$ok" -gt 0 ] || fail "$script made checks"
}

weekday() {
    local d=$1
    while [ "$(date -d "$d" +%u)" -gt 5 ]; do d=$(date -d "$d + 1 day" +%F); done
    echo "$d"
}
day() { date -d "$W0 $1 days" +%F; }
W0=$(weekday "$(date +%F)")
DUE=$(day -20)
ISSUE=$(day -50)

case_field() { ctl show "$1" --json | jq -r "$2"; }
has_case() { ctl show "$1" --json >/dev/null 2>&1; }
case_count() { ctl list --json | jq length; }
replies_of() { ctl replies "$1" --json | jq length; }
logged() { grep -q -- "$1" "$RELANCE_LOG"; }

# invoice_mail FILE NUMBER AMOUNT BUYER EMAIL [FROM]: a UBL invoice
# attached to a mail to EMAIL, Message-ID <invoice-NUMBER@creditor.test>.
invoice_mail() {
    ubl_invoice "$2" "$ISSUE" "$DUE" "$3" "$4" "$5" >"$T/$2.xml"
    mime_with_attachment "$T/$1" "${6:-billing@creditor.test}" "$5" "Facture $2" "$T/$2.xml" application/xml \
        "<invoice-$2@creditor.test>"
}

# text_mail FILE FROM TO SUBJECT [EXTRA-HEADER...]: a text/plain mail
# whose body is read from stdin.
text_mail() {
    local out=$1 from=$2 to=$3 subject=$4 h
    shift 4
    {
        echo "From: <$from>"
        echo "To: <$to>"
        echo "Subject: $subject"
        echo "Date: $(date -R)"
        echo "Message-ID: <${out%.eml}-$RANDOM@${from#*@}>"
        for h in "$@"; do echo "$h"; done
        echo "MIME-Version: 1.0"
        echo "Content-Type: text/plain; charset=UTF-8"
        echo "Content-Transfer-Encoding: 8bit"
        echo
        cat
    } >"$T/$out"
}

# The database's write lock, held by sqlite3 through a FIFO for as long
# as the test wants (longer than DatabaseTimeout). sqlite3 touches a file
# once BEGIN IMMEDIATE has succeeded (-bail: not if it failed).
db_locked() { ! sqlite3 -cmd ".timeout 0" "$RELANCE_DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
lock_db() {
    rm -f "$T/lock.fifo" "$T/locked"
    mkfifo "$T/lock.fifo"
    sqlite3 -bail "$RELANCE_DB" <"$T/lock.fifo" >"$T/lock.out" 2>&1 &
    LOCK_PID=$!
    exec 7>"$T/lock.fifo"
    # Waits for a transaction of the daemon's own, if any, to end.
    printf '.timeout 10000\nBEGIN IMMEDIATE;\n.shell touch %s\n' "$T/locked" >&7
    for _ in $(seq 1 150); do
        [ -e "$T/locked" ] && db_locked && return 0
        sleep 0.1
    done
    cat "$T/lock.out"
    return 1
}
unlock_db() {
    echo "ROLLBACK;" >&7
    exec 7>&-
    wait "$LOCK_PID" 2>/dev/null
}

# ---- the daemon ----

mkdir -p "$T/bin" "$T/sent" "$T/cache"
# Stands for sendmail(1): keeps what relance submits, sends nothing.
cat >"$T/bin/capture" <<EOF
#!/bin/sh
n=\$(date +%s%N).\$\$
printf '%s\n' "\$@" >"$T/sent/\$n.args"
cat >"$T/sent/\$n.eml"
EOF
chmod 755 "$T/bin/capture"
CONF=(
    "SchedulerInterval 0"
    "Holidays none"
    "MaxMessageSize 1M"
    "CreditorName ACME Industries SAS"
    "CreditorIds 123456789"
    "CreditorEmail compta@creditor.test"
    "AgencyName Recouvrement Durand"
    "AgencyAddress 3 place Bellecour, 69002 Lyon"
    "CreditorAddress 12 rue de la Paix, 75002 Paris"
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189"
    "AgencySender relances@agency.test"
    "ReplyAddress reponses@agency.test"
    "TrustedAuthservIDs mx.agency.test"
    "Submit sendmail:$T/bin/capture"
)
write_relance_conf "${CONF[@]}"
check_eq "relanced -n accepts the test configuration" "configuration OK" "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
if ! start_relanced; then
    fail "relanced starts"
    echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
    exit 1
fi
check "relanced says it started" wait_log "starting on inet:$MILTER_PORT@127.0.0.1"
check_eq "relanced runs unprivileged, as the tests' user" "$(id -u)" \
    "$(awk '/^Uid:/ { print $2 }' "/proc/$RELANCED_PID/status")"
check "not as root" [ "$(id -u)" != 0 ]

# ---- outgoing ----

invoice_mail ubl.eml O-UBL-1 1200.00 "Client A SARL" compta@client-a.test
invoice_mail local.eml O-LOCAL-1 300.00 "Client L SAS" achats@client-l.test billing@factures.creditor.test
mime_with_attachment "$T/facturx.eml" billing@creditor.test me@buyer.com "Facture F20180027" \
    "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf "<invoice-F20180027@creditor.test>"
invoice_mail stranger.eml O-STRANGER-1 950.00 "Crédule SA" compta@creditor.test
invoice_mail other-sender.eml O-AUTH-1 410.00 "Client O SARL" compta@client-o.test ventes@creditor.test
invoice_mail auth-from.eml O-AUTH-FROM-1 640.00 "Client F SARL" compta@client-f.test billing@creditor.test
text_mail forged.eml faussaire@example.org compta@creditor.test "Votre facture" \
    "X-Relance: tracked invoice O-FORGED-1 1.00 EUR" "X-Relance: tracked invoice O-FORGED-2 2.00 EUR" \
    "X-Relance-Reply: paid" "X-Relance-Reminder: v1.1.1.forged" <<'EOF'
Bonjour,

Tout est réglé, voyez l'en-tête.
EOF
text_mail plain.eml jeanne@creditor.test ami@client-a.test "Déjeuner jeudi" <<'EOF'
Bonjour Paul,

On déjeune toujours jeudi ? Je réserve pour midi et demi.

Jeanne
EOF
run_mt outgoing.lua

echo "== outgoing: the store"
check_eq "O-UBL-1 is one case, sent twice" 1 "$(ctl list --json | jq '[.[] | select(.number == "O-UBL-1")] | length')"
check_eq "O-UBL-1 read from the UBL attachment" ubl "$(case_field O-UBL-1 .source)"
check_eq "O-UBL-1 amount" 1200.00 "$(case_field O-UBL-1 .amount_due)"
check_eq "O-UBL-1 due date" "$DUE" "$(case_field O-UBL-1 .due_date)"
check_eq "O-UBL-1 debtor" compta@client-a.test "$(case_field O-UBL-1 .debtor_email)"
check_eq "O-UBL-1 message id recorded" invoice-O-UBL-1@creditor.test "$(case_field O-UBL-1 .message_id)"
check_eq "O-UBL-1 open" open "$(case_field O-UBL-1 .status)"
check_eq "O-LOCAL-1 (local submission) debtor" achats@client-l.test "$(case_field O-LOCAL-1 .debtor_email)"
check_eq "F20180027 read from the Factur-X XML" facturx "$(case_field F20180027 .source)"
check_eq "F20180027 debtor from the document" me@buyer.com "$(case_field F20180027 .debtor_email)"
check "no case for the unauthenticated stranger" not has_case O-STRANGER-1
check "no case for the sender outside InvoiceSenders" not has_case O-AUTH-1
check "a case for the authenticated envelope sender in InvoiceSenders" has_case O-AUTH-FROM-1
check_eq "four cases in all" 4 "$(case_count)"
check "the forged fields are logged as deleted" logged "OUT10: deleted 2 X-Relance headers arriving from outside"
check "the stranger's mail is logged as accepted unread" \
    logged "OUT6: from <billing@creditor.test>: not outgoing, not a reply: accepted unread"
check "tracking logged with the queue id" logged "OUT1: tracked invoice O-UBL-1 from ubl"

# ---- replies ----

invoice_mail R-1.eml R-1 800.00 "Dupont Contestation SARL" compta@client-d.test
invoice_mail R-2.eml R-2 500.00 "Promesse et Fils" tresorerie@client-p.test
invoice_mail R-3.eml R-3 300.00 "Collègues Associés" achats@client-c.test
invoice_mail R-4.eml R-4 90.00 "Faussaire SA" contact@client-x.test
cat >"$T/track.list" <<EOF
R-1.eml R-1 800.00 compta@client-d.test
R-2.eml R-2 500.00 tresorerie@client-p.test
R-3.eml R-3 300.00 achats@client-c.test
R-4.eml R-4 90.00 contact@client-x.test
EOF
echo "== invoices for the replies"
run_mt track.lua "TRACK_LIST=$T/track.list"

echo "== a reminder for R-2 (relancectl run-due, Submit captured)"
ctl run-due --now "${W0}T10:00" --json >"$T/run.json" 2>>"$T/ctl.err"
check_eq "step 1 for each of the eight cases" 8 "$(jq .sent "$T/run.json")"
check_eq "and each handed to Submit" 8 "$(find "$T/sent" -name '*.eml' | wc -l)"
TOKEN=$(ctl show R-2 --json | jq -r '.reminders[0].token')
TOKEN_ADDR=reponses+$TOKEN@agency.test
R2_MAIL=$(grep -l '^To:.*tresorerie@client-p.test' "$T"/sent/*.eml | head -n 1)
reply_to_is() { grep -i '^Reply-To:' "$1" | grep -qF "$2"; }
check "R-2's reminder answers to $TOKEN_ADDR" reply_to_is "${R2_MAIL:-/dev/null}" "$TOKEN_ADDR"
FORGED_ADDR=reponses+$(case_field R-4 .id)-1-aaaaaaaaaaaaaaaa@agency.test
PROMISED=$(day 14)

text_mail r1-dispute.eml compta@client-d.test billing@creditor.test "RE: Facture R-1" \
    "In-Reply-To: <invoice-R-1@creditor.test>" "References: <invoice-R-1@creditor.test>" <<'EOF'
Bonjour,

Nous contestons cette facture : la marchandise n'a jamais été livrée.
Merci de ne plus nous relancer tant que ce point n'est pas réglé.

Cordialement,
M. Dupont
EOF
text_mail r2-promise.eml tresorerie@client-p.test "$TOKEN_ADDR" "RE: Facture R-2" <<EOF
Bonjour,

Nous vous réglerons cette facture le $(date -d "$PROMISED" +%d/%m/%Y).

Bien à vous
EOF
text_mail r3-paid.eml j.martin@client-c.test reponses@agency.test "Facture R-3" <<EOF
Bonjour,

La facture R-3 a déjà été réglée par virement le $(date -d "$(date +%F) - 2 days" +%d/%m/%Y).

Jeanne Martin, service comptable
EOF
# Our verifier's result, inserted at the top by an earlier milter: it
# vouches for the colleague's domain, so the number clue acts.
sed -i '1i Authentication-Results: mx.agency.test;\n\tdkim=pass (2048-bit key) header.d=client-c.test header.i=@client-c.test' \
    "$T/r3-paid.eml"
# The same claim written by the sender among its own headers is forged.
text_mail r6-forged-ar.eml j.martin@client-c.test reponses@agency.test "Facture R-3" \
    "Authentication-Results: mx.agency.test; dkim=pass header.d=client-c.test" <<EOF
Bonjour,

La facture R-3 a déjà été réglée.
EOF
text_mail r4-forged.eml contact@client-x.test "$FORGED_ADDR" "RE: Facture R-4" <<'EOF'
Je conteste cette facture.
EOF
text_mail unrelated.eml news@elsewhere.test billing@creditor.test "Nos offres de la semaine" <<'EOF'
Découvrez nos offres de la semaine sur les fournitures de bureau.
EOF
R4_REPLIES=$(replies_of R-4)
run_mt replies.lua "TOKEN_ADDR=$TOKEN_ADDR" "FORGED_ADDR=$FORGED_ADDR"

echo "== replies: the store"
check_eq "R-1 disputed" disputed "$(case_field R-1 .status)"
check_eq "R-1's reply matched by the thread, read as a dispute" "thread dispute" \
    "$(ctl replies R-1 --json | jq -r '.[0] | "\(.matched_by) \(.verdict)"')"
check_eq "R-2 paused" paused "$(case_field R-2 .status)"
check_eq "R-2 paused until the promised date plus 3 days' grace" "$(date -d "$PROMISED + 3 days" +%F)" \
    "$(case_field R-2 .paused_until)"
check_eq "R-2's reply matched by the token" "token promise" \
    "$(ctl replies R-2 --json | jq -r '.[0] | "\(.matched_by) \(.verdict)"')"
check_eq "R-3 paused while the payment is checked" "paused paid" \
    "$(case_field R-3 '"\(.status) \(.pause_reason)"')"
check_eq "R-3's replies: by the number, authenticated then forged" \
    "number paid paused until $(date -d "+10 days" +%F)|number paid unverified: nothing changed" \
    "$(ctl replies R-3 --json | jq -r 'sort_by(.id) | map("\(.matched_by) \(.verdict) \(.action)") | join("|")')"
check "the forged Authentication-Results header is logged" \
    logged "REP6: forged Authentication-Results header claiming \"mx.agency.test\" among the sender's headers"
check_eq "R-4 still open after the forged token" open "$(case_field R-4 .status)"
check_eq "no reply recorded for R-4" "$R4_REPLIES" "$(replies_of R-4)"
check "the forgery is logged" logged "REP4: reply token \".*\" from <contact@client-x.test> does not verify: not trusted"
check "the unrelated mail is logged as accepted unread" \
    logged "REP5: from <news@elsewhere.test>: not outgoing, not a reply: accepted unread"
# The creditor's notice and the debtor's acknowledgment go out at once,
# through the scheduler thread and Submit.
notice_sent() { # notice_sent RECIPIENT TEXT
    local f
    for f in "$T"/sent/*.eml; do
        grep -q "^To:.*$1" "$f" && grep -q -- "$2" "$f" && return 0
    done
    return 1
}
wait_notice() {
    for _ in $(seq 1 150); do notice_sent "$@" && return 0; sleep 0.1; done
    return 1
}
check "the creditor is told of R-1's dispute" wait_notice compta@creditor.test "R-1"
check "the debtor's dispute is acknowledged" wait_notice compta@client-d.test "R-1"

# ---- fail-open: malformed messages ----

cat >"$T/broken-mime.eml" <<'EOF'
From: <billing@creditor.test>
To: <compta@client-m.test>
Subject: Facture jointe
Message-ID: <broken-mime@creditor.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Facture n=C2=B0 F-BROKEN =E9=3
--inner
Content-Type: application/xml; name="f.xml"
Content-Transfer-Encoding: base64

PD94bWwgdmVyc2lvbj0iMS4wIj8+PEludm9pY2U=!!!***
--outer
Content-Type: application/pdf; name=
Content-Transfer-Encoding: x-unknown

%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R
EOF
# miltertest sends a header field of at most 1 KiB: the longest it can,
# then a header block over MaxMessageSize (1M) on its own.
long_value() { head -c "$1" /dev/zero | tr '\0' "$2"; }
{
    echo "From: <billing@creditor.test>"
    echo "To: <compta@client-m.test>"
    echo "Subject: Facture $(long_value 1000 x)"
    echo "Message-ID: <long-header@creditor.test>"
    echo
    echo "Bonjour."
} >"$T/long-header.eml"
{
    echo "From: <billing@creditor.test>"
    echo "To: <compta@client-m.test>"
    echo "Subject: beaucoup d'en-tetes"
    for i in $(seq 1 1500); do echo "X-Filler-$i: $(long_value 900 y)"; done
    echo
    echo "Bonjour."
} >"$T/huge-header.eml"
ubl_invoice O-TRUNC-1 "$ISSUE" "$DUE" 640.00 "Client T SARL" compta@client-t.test >"$T/O-TRUNC-1.xml"
{
    printf 'From: <billing@creditor.test>\nTo: <compta@client-t.test>\nSubject: Facture O-TRUNC-1\n'
    printf 'Message-ID: <invoice-O-TRUNC-1@creditor.test>\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nCi-joint.\n'
    printf -- '--b\nContent-Type: application/xml; name="O-TRUNC-1.xml"\nContent-Transfer-Encoding: base64\n\n'
    # Cut inside a line and inside a base64 quantum; no closing boundary.
    base64 "$T/O-TRUNC-1.xml" | head -c 901
} >"$T/truncated-base64.eml"
mime_with_attachment "$T/corrupt-pdf.eml" billing@creditor.test compta@client-m.test "Facture" \
    "$CORPUS/facturx/broken_corruptedV2PDF.pdf" application/pdf "<corrupt-pdf@creditor.test>"
# Over MaxMessageSize (1M): the invoice, then a 1.1 MB attachment.
ubl_invoice O-BIG-1 "$ISSUE" "$DUE" 777.00 "Client G SA" compta@client-g.test >"$T/O-BIG-1.xml"
{
    printf 'From: <billing@creditor.test>\nTo: <compta@client-g.test>\nSubject: Facture O-BIG-1\n'
    printf 'Message-ID: <invoice-O-BIG-1@creditor.test>\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/mixed; boundary="b"\n\n'
    printf -- '--b\nContent-Type: application/xml; name="O-BIG-1.xml"\nContent-Transfer-Encoding: base64\n\n'
    base64 "$T/O-BIG-1.xml"
    printf -- '--b\nContent-Type: application/octet-stream; name="annexe.bin"\nContent-Transfer-Encoding: base64\n\n'
    head -c 1100000 /dev/urandom | base64
    printf -- '--b--\n'
} >"$T/oversized.eml"
cat >"$T/broken-reply.eml" <<'EOF'
From: <contact@client-x.test>
To: <billing@creditor.test>
Subject: RE: Facture R-4
Message-ID: <broken-reply@client-x.test>
In-Reply-To: <invoice-R-4@creditor.test>
MIME-Version: 1.0
Content-Type: multipart/mixed

--nowhere
Content-Type: text/plain; charset=unknown-8bit
Content-Transfer-Encoding: base64

Qm9uam91ciwgdm9pciBwacOoY2Ugam9pbnRl=====
--nowhere
EOF
mkdir -p "$T/mime" "$T/replies/mime"
: >"$T/mime.list"
for f in "$CORPUS"/mime/*.eml; do
    name=${f##*/}
    cp "$f" "$T/mime/$name"
    # The same message as a reply in O-UBL-1's thread, from outside.
    { echo "In-Reply-To: <invoice-O-UBL-1@creditor.test>"; cat "$f"; } >"$T/replies/mime/$name"
    printf 'mime/%s\nreplies/mime/%s\n' "$name" "$name" >>"$T/mime.list"
done
run_mt failopen.lua "MIME_LIST=$T/mime.list"

echo "== fail-open: the store and the daemon"
check "the oversized message is skipped and logged" logged "FO6: skipped: message larger than MaxMessageSize"
check "so is the huge header block" logged "FO3: skipped: message larger than MaxMessageSize"
check "no case from the oversized message" not has_case O-BIG-1
check "no case from the truncated invoice" not has_case O-TRUNC-1
check "relanced still running" relanced_alive

# ---- fail-open: the database cannot be written ----

db_reply() { # db_reply FILE: a dispute in R-4's thread
    text_mail "$1" contact@client-x.test billing@creditor.test "RE: Facture R-4" \
        "In-Reply-To: <invoice-R-4@creditor.test>" <<'EOF'
Bonjour,

Nous contestons cette facture, elle ne correspond à aucune commande.
EOF
}
invoice_mail db-accept.eml O-DB-1 120.00 "Client B SARL" compta@client-b.test
invoice_mail db-tempfail.eml O-DB-2 130.00 "Client B SARL" compta@client-b.test
db_reply db-reply-accept.eml
db_reply db-reply-tempfail.eml
R4_REPLIES=$(replies_of R-4)
R4_STATUS=$(case_field R-4 .status)

check "the database's write lock is held" lock_db
run_mt dberror.lua EXPECT=accept INVOICE=db-accept.eml REPLY=db-reply-accept.eml
echo "== On-DBError accept: the store (read while still locked)"
check "no case recorded while locked" not has_case O-DB-1
check_eq "R-4 unchanged" "$R4_STATUS" "$(case_field R-4 .status)"
check_eq "no reply recorded for R-4" "$R4_REPLIES" "$(replies_of R-4)"
check "the failure is logged with the queue id" logged "DB1-accept: cannot record invoice O-DB-1"
check "the invoice is queued for catch-up" logged "DB1-accept: queued invoice O-DB-1 for catch-up"
unlock_db
echo "== the lock gone, the queued invoice is recorded without its mail passing again"
caught_up() { for _ in $(seq 1 30); do has_case O-DB-1 && return 0; sleep 0.5; done; return 1; }
check "O-DB-1 is a case (catch-up)" caught_up
check "the catch-up is logged" logged "tracked invoice O-DB-1 .*caught up"
echo "== and new mail is tracked as it passes"
invoice_mail db-after.eml O-DB-3 140.00 "Client B SARL" compta@client-b.test
echo "db-after.eml O-DB-3 140.00 compta@client-b.test" >"$T/track-db.list"
run_mt track.lua "TRACK_LIST=$T/track-db.list"

echo "== On-DBError tempfail (configuration reloaded)"
write_relance_conf "${CONF[@]}" "On-DBError tempfail"
kill -USR1 "$RELANCED_PID"
check "the configuration is reloaded" wait_log "configuration reloaded"
check "the database's write lock is held" lock_db
run_mt dberror.lua EXPECT=tempfail INVOICE=db-tempfail.eml REPLY=db-reply-tempfail.eml
unlock_db
check "no case recorded while locked" not has_case O-DB-2
check_eq "R-4 unchanged" "$R4_STATUS" "$(case_field R-4 .status)"
check_eq "no reply recorded for R-4" "$R4_REPLIES" "$(replies_of R-4)"

# ---- payments from the bank ----

echo "== payments: a real camt.053 statement pays the case it names"
# The corpus's camt053.v2.minimal.xml (genkgo/camt's test data) credits
# 8.85 EUR from NAME NAME with the creditor reference 4654654654654654:
# an invoice with that number, for that amount, is tracked first.
invoice_mail pay-camt.eml 4654654654654654 8.85 "NAME NAME" compta@client-n.test
invoice_mail pay-1001.eml PAY-1001 1200.00 "Atelier Dupont SARL" compta@dupont.test
invoice_mail pay-1002.eml PAY-1002 400.00 "Boulangerie Martin" martin@boulangerie.test
cat >"$T/track-pay.list" <<EOF
pay-camt.eml 4654654654654654 8.85 compta@client-n.test
pay-1001.eml PAY-1001 1200.00 compta@dupont.test
pay-1002.eml PAY-1002 400.00 martin@boulangerie.test
EOF
run_mt track.lua "TRACK_LIST=$T/track-pay.list"
STMT=$CORPUS/payments/camt053.v2.minimal.xml
out=$(ctl import-payments "$STMT" --dry-run --json)
check_eq "dry run: the credit would pay 4654654654654654" matched "$(jq -r '.lines[0].outcome' <<<"$out")"
check_eq "dry run: nothing recorded" 8.85 "$(case_field 4654654654654654 .balance)"
ctl import-payments "$STMT" | tee "$T/import1.txt"
check "the report names the line as matched" grep -q "matched .*4654654654654654 .*0.00 left (paid)" "$T/import1.txt"
check_eq "8.85 - 8.85 = 0.00 left" 0.00 "$(case_field 4654654654654654 .balance)"
check_eq "the case is paid" paid "$(case_field 4654654654654654 .status)"
check_eq "its history has the payment, with the bank's statement and entry" \
    "camt053 253EURNL26VAYB8060476890|" \
    "$(ctl show 4654654654654654 --json |
        jq -r '.history[] | select(.kind == "payment-recorded") | "\(.detail.source) \(.detail.reference)"' |
        cut -c1-33)"
out=$(ctl import-payments "$STMT" --json)
check_eq "imported again: the line is known" already-imported "$(jq -r '.lines[0].outcome' <<<"$out")"
check_eq "imported again: one payment only" 1 \
    "$(ctl show 4654654654654654 --json | jq '[.history[] | select(.kind == "payment-recorded")] | length')"
check "the malformed statement is refused" not ctl import-payments "$CORPUS/payments/camt053.v2.wrong.xml"
check "with a clear message" grep -q "not imported: camt.053.001.02 without any statement (Stmt)" \
    <<<"$(ctl import-payments "$CORPUS/payments/camt053.v2.wrong.xml" 2>&1)"

echo "== payments: a French bank's CSV export"
ctl import-payments "$TOP/tests/data/payments/releve-fr.csv" | tee "$T/import-csv.txt"
# PAY-1001: 1200.00 - 1200.00 = 0.00; PAY-1002: 400.00 - 250.00 = 150.00
check_eq "PAY-1001 paid in full" paid "$(case_field PAY-1001 .status)"
check_eq "PAY-1002: 400.00 - 250.00 = 150.00 left" 150.00 "$(case_field PAY-1002 .balance)"
check_eq "PAY-1002 still open" open "$(case_field PAY-1002 .status)"
check "the URSSAF debit is skipped" grep -q "^4 .*skipped-debit" "$T/import-csv.txt"
check "the unnamed credit of an unknown payer is reported unmatched" grep -q "^5 .*unmatched" "$T/import-csv.txt"
out=$(ctl import-payments "$TOP/tests/data/payments/releve-fr.csv" --json)
check_eq "the CSV imported again pays nothing" 4 "$(jq '.summary."already-imported"' <<<"$out")"
check_eq "PAY-1002 unchanged" 150.00 "$(case_field PAY-1002 .balance)"

# ---- the end ----

stop_relanced
check "relanced stopped cleanly" logged "relance stopping"
check "no sanitizer report" no_sanitizer_reports
echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
[ "$FAILURES" -eq 0 ]
