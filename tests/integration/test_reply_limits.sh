#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What a debtor (or a stranger) cannot do with a reply, through a real
# Postfix: invoices become cases, `run-due` sends real reminders, and
# hostile messages come back from outside (XCLIENT from 203.0.113.x):
#   - a message "From: postmaster@..." with an ordinary envelope sender,
#     to the forger's own tagged Reply-To, whose text names another
#     debtor's address in a "<addr>:" line, is no bounce: nobody's address
#     is marked;
#   - a forged delivery report (null sender, to the forger's tagged
#     envelope) whose Final-Recipient is another debtor's address marks
#     nothing: neither that debtor nor the forger;
#   - a genuine report about a reminder (null sender to the bare reply
#     address, the reminder's Message-ID in its returned headers) still
#     marks that reminder's recipient;
#   - "je paierai le 31/12/2099" pauses only until today + PromiseMaxDays
#     (60) and the creditor is told;
#   - a fourth "already paid" on one case does not pause it
#     (MaxPausesPerCase 3) and the creditor is told.
# Each hostile message is also a seed of fuzz_reply: run with
# FUZZ_SEED_DIR=tests/data/fuzz/fuzz_reply to write them there.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text
SEEDS=${FUZZ_SEED_DIR:-$T/seeds}

weekday() {
    local d=$1
    while [ "$(date -d "$d" +%u)" -gt 5 ]; do d=$(date -d "$d + 1 day" +%F); done
    echo "$d"
}
day() { date -d "$W0 $1 days" +%F; }
W0=$(weekday "$(date +%F)")
TODAY=$(date +%F)
DUE=$(day -20)
ISSUE=$(day -50)

touch "$T/seen.list"
start_sink || exit 1
export RELAY_DOMAINS="creditor.test, agency.test"
write_relance_conf \
    "SchedulerInterval 0" \
    "Holidays none" \
    "CreditorName ACME Industries SAS" \
    "CreditorEmail compta@creditor.test" \
    "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
start_relanced || exit 1
start_postfix || exit 1

send_invoice() { # NUMBER AMOUNT BUYER EMAIL
    ubl_invoice "$1" "$ISSUE" "$DUE" "$2" "$3" "$4" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$4" "Facture $1" "$T/$1.xml" application/xml \
        "<invoice-$1@creditor.test>"
    smtp billing@creditor.test "$4" "$T/$1.eml" || fail "invoice $1 refused"
}
to() {
    local f found=
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && found=$f; done
    echo "$found"
}
text() { sink_message "$1" | "$MAIL_TEXT"; }
header() { text "$1" | sed '/^$/q' | sed -n "s/^$2: *//Ip" | head -n 1; }
says() { text "$1" | sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }
case_field() { ctl show "$1" --json | jq -r "$2"; }
run_due() {
    ctl run-due --now "${1}T10:00" --json >"$T/run.json" 2>>"$T/ctl.err"
    settle
    jq .sent "$T/run.json"
}
from_outside() { XCLIENT_ADDR=203.0.113.$((RANDOM % 200 + 10)) smtp "$1" "$2" "$3"; }
replyto() { header "$1" Reply-To | sed 's/.*<\(.*\)>.*/\1/; s/^ *//'; }
msgid() { header "$1" Message-ID | tr -d '<> '; }
envelope_sender() { sed -n 's/^X-Mail-Args: <\(.*\)>.*/\1/p' "$1" | head -n 1; }
undeliverable() { sqlite3 "$RELANCE_DB" "SELECT undeliverable FROM debtors WHERE email = '$1'"; }
# seed NAME FILE: the hostile message, kept as a fuzz seed.
seed() { mkdir -p "$SEEDS"; [ -e "$SEEDS/$1" ] || cp "$2" "$SEEDS/$1"; }
# plain FILE FROM TO SUBJECT WORDS...: a short text message.
plain() {
    local out=$1 from=$2 rcpt=$3 subject=$4
    shift 4
    {
        echo "From: <$from>"
        echo "To: <$rcpt>"
        echo "Subject: $subject"
        echo "Date: $(date -R)"
        echo "Message-ID: <msg-$RANDOM$RANDOM@client.test>"
        echo "MIME-Version: 1.0"
        echo "Content-Type: text/plain; charset=UTF-8"
        echo "Content-Transfer-Encoding: 8bit"
        echo
        printf '%s\n' "$@"
    } >"$out"
}
# send FILE ENVELOPE-FROM RCPT EXPECTED-MESSAGES: from outside, then wait.
send() {
    local before
    before=$(sink_count)
    from_outside "$2" "$3" "$1"
    wait_sink $((before + $4)) 60
    settle
    take_new
}

V=victime@client-v.test    # another debtor, whom the forgers name
F=faussaire@client-f.test  # the forging debtor
B=perdu@client-b.test      # a genuine bounce
P=lointain@client-p.test   # a promise for 2099
R=repete@client-r.test     # "already paid", again and again
CREDITOR=compta@creditor.test

echo "== invoices due $DUE; step 1 on $W0"
send_invoice V-001 100.00 "Victime SARL" $V
send_invoice F-001 200.00 "Faussaire SA" $F
send_invoice B-001 300.00 "Adresse Perdue SAS" $B
send_invoice P-001 400.00 "Promesse Lointaine" $P
send_invoice R-001 500.00 "Répétitions SARL" $R
check "invoices delivered" wait_sink 5 60
take_new
check_eq "step 1 for five debtors" 5 "$(run_due "$W0")"
wait_sink 10 60
take_new
RV=$(to $V); RF=$(to $F); RB=$(to $B); RP=$(to $P); RR=$(to $R)
check "every debtor got a reminder" [ -n "$RV" ] && [ -n "$RF" ] && [ -n "$RB" ] && [ -n "$RP" ] && [ -n "$RR" ]

echo "== a forged postmaster bounce (ordinary envelope sender) naming another debtor"
cat >"$T/pm.eml" <<EOF
From: Postmaster <postmaster@client-f.test>
To: <$(replyto "$RF")>
Subject: failure notice
Date: $(date -R)
Message-ID: <pm-1@client-f.test>

Hi. This is the qmail-send program at client-f.test.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<$V>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Message-ID: <$(msgid "$RV")>
Subject: $(header "$RV" Subject)
EOF
seed forged_postmaster_bounce.eml "$T/pm.eml"
send "$T/pm.eml" $F "$(replyto "$RF")" 1
PM=$(to "$(replyto "$RF")")
check "the message is delivered" [ -n "$PM" ]
check_eq "it is an ordinary message, not a bounce" "other; F-001" "$(header "$PM" X-Relance-Reply)"
check_eq "the other debtor's address is not marked" 0 "$(undeliverable $V)"
check_eq "nor the forger's" 0 "$(undeliverable $F)"

echo "== a forged delivery report (null sender) naming another debtor"
RF_ENV=$(envelope_sender "$RF")
check "the reminder's envelope sender is tagged" grep -q '^reponses+' <<<"$RF_ENV"
cat >"$T/fdsn.eml" <<EOF
From: Mail Delivery System <MAILER-DAEMON@mx.client-f.test>
To: <$RF_ENV>
Subject: Undelivered Mail Returned to Sender
Date: $(date -R)
Message-ID: <dsn-forged@mx.client-f.test>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-f"

--dsn-f
Content-Type: text/plain

Your message could not be delivered.

--dsn-f
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.client-f.test

Final-Recipient: rfc822; $V
Action: failed
Status: 5.1.1

--dsn-f
Content-Type: text/rfc822-headers

From: Recouvrement Durand <relances@agency.test>
To: <$V>
Message-ID: <$(msgid "$RF")>

--dsn-f--
EOF
seed forged_dsn_other_recipient.eml "$T/fdsn.eml"
send "$T/fdsn.eml" "" "$RF_ENV" 2  # the report and the creditor's notice
check_eq "read as a bounce about F-001" "bounce; F-001" "$(header "$(to "$RF_ENV")" X-Relance-Reply)"
check_eq "the other debtor's address is not marked" 0 "$(undeliverable $V)"
check_eq "nor the forger's: the report names another address" 0 "$(undeliverable $F)"
check_eq "the reply is recorded, nothing done" "recorded (report names another address)" \
    "$(ctl replies --json | jq -r '[.[] | select(.number == "F-001" and .verdict == "bounce")][0].action')"
check "the creditor reads that nothing was marked" says "$(to $CREDITOR)" "aucune adresse n'a été marquée invalide"

echo "== a genuine delivery report about B's reminder, to the bare reply address"
cat >"$T/gdsn.eml" <<EOF
From: Mail Delivery System <MAILER-DAEMON@mx.client-b.test>
To: <reponses@agency.test>
Subject: Undelivered Mail Returned to Sender
Date: $(date -R)
Message-ID: <dsn-genuine@mx.client-b.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-b"

--dsn-b
Content-Type: text/plain

Your message could not be delivered.

--dsn-b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.client-b.test

Final-Recipient: rfc822; $B
Action: failed
Status: 5.1.1

--dsn-b
Content-Type: text/rfc822-headers

From: Recouvrement Durand <relances@agency.test>
To: <$B>
Message-ID: <$(msgid "$RB")>

--dsn-b--
EOF
send "$T/gdsn.eml" "" reponses@agency.test 2
check_eq "matched by the returned Message-ID" "bounce; B-001" "$(header "$(to reponses@agency.test)" X-Relance-Reply)"
check_eq "the reminder's recipient is marked" 1 "$(undeliverable $B)"
check "the creditor is told" says "$(to $CREDITOR)" "n'a pas pu être remis"

echo "== a promise for 2099"
plain "$T/far.eml" $P "$(replyto "$RP")" "RE: $(header "$RP" Subject)" "Bonjour," "" \
    "Je paierai le 31/12/2099." "" "Cordialement"
seed far_promise.eml "$T/far.eml"
send "$T/far.eml" $P "$(replyto "$RP")" 2  # the reply and the creditor's notice
check_eq "read as a promise" "promise; P-001" "$(header "$(to "$(replyto "$RP")")" X-Relance-Reply)"
check_eq "paused" paused "$(case_field P-001 .status)"
check_eq "until today + 60 days only" "$(date -d "$TODAY + 60 days" +%F)" "$(case_field P-001 .paused_until)"
check "the recorded action says it was capped" grep -q "promise capped at 60 days" \
    <<<"$(ctl replies --json | jq -r '.[] | select(.number == "P-001") | .action')"
N=$(to $CREDITOR)
check "the creditor is told" [ -n "$N" ]
check "the notice says the promise was capped" says "$N" "plus de 60 jours"
check "the capped pause is logged" grep -q "promise capped at 60 days" "$RELANCE_LOG"

echo "== \"already paid\", four times"
for i in 1 2 3 4; do
    plain "$T/paid$i.eml" $R "$(replyto "$RR")" "RE: $(header "$RR" Subject)" "Bonjour," "" \
        "Cette facture a déjà été payée par virement." "" "Cordialement"
    [ $i = 4 ] && seed fourth_already_paid.eml "$T/paid$i.eml"
    send "$T/paid$i.eml" $R "$(replyto "$RR")" 2
    if [ $i -lt 4 ]; then
        check_eq "paid reply $i pauses the case" paused "$(case_field R-001 .status)"
        ctl resume R-001 >/dev/null || fail "resume R-001"
    fi
done
check_eq "the fourth does not pause it" open "$(case_field R-001 .status)"
check_eq "three pauses, then the limit" "recorded (pause limit reached)" \
    "$(ctl replies --json | jq -r '[.[] | select(.number == "R-001")][0].action')"
check_eq "four replies recorded" 4 "$(ctl replies --json | jq '[.[] | select(.number == "R-001")] | length')"
check "the creditor is told the limit was reached" says "$(to $CREDITOR)" "le maximum (MaxPausesPerCase)"
check "the notice does not claim a suspension" not says "$(to $CREDITOR)" "Les relances sont suspendues"

echo "== the next run-due"
check_eq "step 2: V-001, F-001 and R-001 (B undeliverable, P paused)" 3 "$(run_due "$(weekday "$(day 8)")")"
take_new
check "the other debtor still gets reminders" [ -n "$(to $V)" ]
check "so does the forger" [ -n "$(to $F)" ]
check "and the debtor who says paid for the fourth time" [ -n "$(to $R)" ]

stop_relanced
check "no sanitizer reports" no_sanitizer_reports
finish
