#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replies through a real Postfix: invoices become cases, `run-due` sends
# real reminders, and replies built from those reminders (their Reply-To,
# Message-ID and quoted text) come back from outside (XCLIENT from
# 203.0.113.x) through the MTA:
#   - a dispute to the tagged Reply-To disputes the case: the next run-due
#     sends nothing for it; the creditor gets the debtor's words and the
#     debtor an acknowledgment; `relancectl resolve` ends it;
#   - a promise answered in the thread pauses the case until the promised
#     date plus grace, and the ladder resumes after it;
#   - a colleague at the debtor's domain, writing afresh, naming one
#     invoice number, is matched to that invoice only, and with no
#     TrustedAuthservIDs to vouch for the From domain it is recorded as
#     unverified: nothing changes, the creditor is told
#     (test_authenticated_replies.sh has the authenticated case);
#   - a forged token does nothing and is logged;
#   - a delivery report about a reminder marks the address undeliverable;
#   - an auto-reply is recorded and changes nothing;
#   - every reply is delivered with one added X-Relance-Reply header.
# Dates are worked out from the real day, since replies are read on the
# day they arrive: W0 is the first weekday from today.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text

# weekday DATE: DATE, or the Monday after it when it is a weekend day.
weekday() {
    local d=$1
    while [ "$(date -d "$d" +%u)" -gt 5 ]; do d=$(date -d "$d + 1 day" +%F); done
    echo "$d"
}
day() { date -d "$W0 $1 days" +%F; }
W0=$(weekday "$(date +%F)")
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
check_eq "relanced -n accepts the reply keys and lexicon" "configuration OK" \
    "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
start_relanced || exit 1
start_postfix || exit 1

# ---- helpers ----

send_invoice() { # NUMBER AMOUNT BUYER EMAIL
    ubl_invoice "$1" "$ISSUE" "$DUE" "$2" "$3" "$4" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$4" "Facture $1" "$T/$1.xml" application/xml \
        "<invoice-$1@creditor.test>"
    smtp billing@creditor.test "$4" "$T/$1.eml" || fail "invoice $1 refused"
}

# to ADDR: the newest message (of NEW) whose envelope recipient is ADDR.
to() {
    local f found=
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && found=$f; done
    echo "$found"
}
text() { sink_message "$1" | "$MAIL_TEXT"; }
# header FILE NAME: a top-level header, decoded and unfolded.
header() { text "$1" | sed '/^$/q' | sed -n "s/^$2: *//Ip" | head -n 1; }
says() { text "$1" | sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }
case_field() { ctl show "$1" --json | jq -r "$2"; }

# run_due DATE: relancectl run-due at 10:00 that day; the number sent.
run_due() {
    ctl run-due --now "${1}T10:00" --json >"$T/run.json" 2>>"$T/ctl.err"
    settle
    jq .sent "$T/run.json"
}

# reply FILE FROM TO SUBJECT IN-REPLY-TO QUOTED-FILE WORDS...: a reply as a
# mail client writes it: the debtor's words on top, the quoted original
# below ("Le ... a écrit :" and "> " lines).
reply() {
    local out=$1 from=$2 rcpt=$3 subject=$4 irt=$5 quoted=$6
    shift 6
    {
        echo "From: <$from>"
        echo "To: <$rcpt>"
        echo "Subject: $subject"
        echo "Date: $(date -R)"
        echo "Message-ID: <reply-$RANDOM$RANDOM@debtor.test>"
        [ -n "$irt" ] && echo "In-Reply-To: <$irt>" && echo "References: <invoice-x@creditor.test> <$irt>"
        echo "MIME-Version: 1.0"
        echo "Content-Type: text/plain; charset=UTF-8"
        echo "Content-Transfer-Encoding: 8bit"
        echo
        printf '%s\n' "$@"
        echo
        if [ -n "$quoted" ]; then
            echo "Le $(date +%d/%m/%Y) à 10:00, Recouvrement Durand <relances@agency.test> a écrit :"
            text "$quoted" | sed '1,/^$/d' | sed 's/^/> /'
        fi
    } >"$out"
}

# from_outside FROM RCPT FILE: sent by a client outside InternalHosts.
from_outside() { XCLIENT_ADDR=203.0.113.$((RANDOM % 200 + 10)) smtp "$1" "$2" "$3"; }

D=compta@client-d.test     # disputes
P=tresorerie@client-p.test # promises
C=achats@client-c.test     # a colleague answers, naming one invoice
X=contact@client-x.test    # a forged token
B=perdu@client-b.test      # the address bounces
A=absent@client-a.test     # an auto-reply
CREDITOR=compta@creditor.test

echo "== invoices due $DUE; step 1 on $W0"
send_invoice D-001 1200.00 "Dupont Contestation SARL" $D
send_invoice P-001 800.00 "Promesse et Fils" $P
send_invoice C-001 300.00 "Collègues Associés" $C
send_invoice C-002 450.00 "Collègues Associés" $C
send_invoice X-001 90.00 "Faussaire SA" $X
send_invoice B-001 60.00 "Adresse Perdue SAS" $B
send_invoice A-001 75.00 "Absent Trading" $A
check "invoices delivered" wait_sink 7 60
take_new
check_eq "seven cases" 7 "$(ctl list --json | jq length)"
check_eq "step 1 for six debtors" 6 "$(run_due "$W0")"
wait_sink 13 60
take_new
RD=$(to $D); RP=$(to $P); RC=$(to $C); RX=$(to $X); RB=$(to $B); RA=$(to $A)
check "every debtor got a reminder" [ -n "$RD" ] && [ -n "$RP" ] && [ -n "$RC" ] && [ -n "$RX" ] && [ -n "$RB" ] && [ -n "$RA" ]
replyto() { header "$1" Reply-To | sed 's/.*<\(.*\)>.*/\1/; s/^ *//'; }
msgid() { header "$1" Message-ID | tr -d '<> '; }
check "the Reply-To is tagged" grep -q '^reponses+[0-9]*-1-[a-z0-9]*@agency.test$' <<<"$(replyto "$RD")"

echo "== a dispute to the tagged Reply-To, reminder quoted"
reply "$T/d.eml" $D "$(replyto "$RD")" "RE: $(header "$RD" Subject)" "$(msgid "$RD")" "$RD" \
    "Bonjour," "" "Nous contestons cette facture : la marchandise n'a jamais été livrée." \
    "Merci de ne plus nous relancer tant que ce point n'est pas réglé." "" "Cordialement," "M. Dupont"
before=$(sink_count)
from_outside $D "$(replyto "$RD")" "$T/d.eml"
wait_sink $((before + 3)) 60  # the reply, the creditor's notice, the acknowledgment
settle
take_new
DR=$(to "$(replyto "$RD")")
check "the reply is delivered" [ -n "$DR" ]
check_eq "with its verdict header" "dispute; D-001" "$(header "$DR" X-Relance-Reply)"
check "and its words unchanged" says "$DR" "la marchandise n'a jamais été livrée"
check_eq "the case is disputed" disputed "$(case_field D-001 .status)"
N=$(to $CREDITOR)
check "the creditor is notified" [ -n "$N" ]
check "the notice names the case" grep -q "D-001" <<<"$(header "$N" Subject)"
check "the notice carries the debtor's words" says "$N" "la marchandise n'a jamais été livrée"
check "the notice says escalation stopped" says "$N" "aucune relance ne sera plus envoyée"
check "the notice does not carry the quoted reminder" not says "$N" "a écrit"
ACK=$(to $D)
check "the debtor gets an acknowledgment" [ -n "$ACK" ]
check "the acknowledgment says it is under review" says "$ACK" "en cours d'examen"
check "the acknowledgment answers the reply" grep -q "reply-" <<<"$(header "$ACK" In-Reply-To)"
check "neither notice is read as an invoice" not grep -q "^X-Relance:" "$N" "$ACK"
check "the reply is in the case history" \
    grep -q dispute <<<"$(ctl show D-001 --json | jq -r '.history[] | select(.kind == "reply-received") | .detail')"
check_eq "relancectl replies lists it" "dispute token" \
    "$(ctl replies --json | jq -r '.[] | select(.number == "D-001") | "\(.verdict) \(.matched_by)"')"

echo "== a promise in the thread (In-Reply-To only, no tag)"
PROMISED=$(day 14)
reply "$T/p.eml" $P reponses@agency.test "Re: $(header "$RP" Subject)" "$(msgid "$RP")" "$RP" \
    "Bonjour," "" "Nous vous réglerons cette facture le $(date -d "$PROMISED" +%d/%m/%Y)." "" "Bien à vous"
before=$(sink_count)
from_outside $P reponses@agency.test "$T/p.eml"
wait_sink $((before + 1)) 60
take_new
check_eq "verdict header" "promise; P-001" "$(header "$(to reponses@agency.test)" X-Relance-Reply)"
check_eq "the case is paused" paused "$(case_field P-001 .status)"
check_eq "until the promised date plus 3 days' grace" "$(date -d "$PROMISED + 3 days" +%F)" \
    "$(case_field P-001 .paused_until)"
check_eq "matched by the thread" thread \
    "$(ctl replies --json | jq -r '.[] | select(.number == "P-001") | .matched_by')"

echo "== a colleague writes afresh about C-002"
cat >"$T/c.eml" <<EOF
From: Jeanne Martin <j.martin@client-c.test>
To: <reponses@agency.test>
Subject: Facture C-002
Date: $(date -R)
Message-ID: <colleague-1@client-c.test>
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

La facture C-002 a déjà été réglée par virement le $(date -d "$(date +%F) - 2 days" +%d/%m/%Y).

Jeanne Martin, service comptable
EOF
before=$(sink_count)
from_outside j.martin@client-c.test reponses@agency.test "$T/c.eml"
wait_sink $((before + 2)) 60  # the reply and the creditor's notice
settle
take_new
check_eq "matched by number, that invoice only, unverified" "paid (unverified); C-002" \
    "$(header "$(to reponses@agency.test)" X-Relance-Reply)"
check_eq "C-002 unchanged: nobody vouches for the From domain" open "$(case_field C-002 .status)"
check_eq "C-001 untouched" open "$(case_field C-001 .status)"
check_eq "recorded as unverified" "number unverified: nothing changed" \
    "$(ctl replies --json | jq -r '.[] | select(.number == "C-002") | "\(.matched_by) \(.action)"')"
check "the creditor is told it is unverified" says "$(to $CREDITOR)" "Réponse non vérifiée : rien n'a été changé."

echo "== a forged token"
FORGED="reponses+$(case_field X-001 .id)-1-aaaaaaaaaaaaaaaa@agency.test"
reply "$T/x.eml" $X "$FORGED" "RE: Facture X-001" "" "" "Je conteste cette facture."
before=$(sink_count)
from_outside $X "$FORGED" "$T/x.eml"
wait_sink $((before + 1)) 60
settle
take_new
check "delivered without a verdict header" [ -z "$(header "$(to "$FORGED")" X-Relance-Reply)" ]
check_eq "the case is still open" open "$(case_field X-001 .status)"
check "the forgery is logged" grep -q "does not verify: not trusted" "$RELANCE_LOG"
check_eq "no reply recorded for it" 0 "$(ctl replies --json | jq '[.[] | select(.number == "X-001")] | length')"

echo "== a delivery report about B's reminder"
RB_ENV=$(sed -n 's/^X-Mail-Args: <\(.*\)>.*/\1/p' "$RB" | head -n 1)
cat >"$T/b.eml" <<EOF
From: Mail Delivery System <MAILER-DAEMON@mx.client-b.test>
To: <$RB_ENV>
Subject: Undelivered Mail Returned to Sender
Date: $(date -R)
Message-ID: <dsn-1@mx.client-b.test>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-b"

--dsn-b
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--dsn-b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.client-b.test

Final-Recipient: rfc822; $B
Original-Recipient: rfc822;$B
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--dsn-b
Content-Type: text/rfc822-headers

From: Recouvrement Durand <relances@agency.test>
To: <$B>
Subject: $(header "$RB" Subject)
Message-ID: <$(msgid "$RB")>

--dsn-b--
EOF
before=$(sink_count)
from_outside "" "$RB_ENV" "$T/b.eml"
wait_sink $((before + 2)) 60
settle
take_new
check_eq "the bounce is recognised" "bounce; B-001" "$(header "$(to "$RB_ENV")" X-Relance-Reply)"
check "the creditor is told" says "$(to $CREDITOR)" "n'a pas pu être remis"

echo "== an auto-reply"
reply "$T/a.eml" $A "$(replyto "$RA")" "Réponse automatique : absent" "$(msgid "$RA")" "" \
    "Je suis absent du bureau jusqu'au lundi $(date -d "$(day 10)" +%d/%m) avec un accès limité à mes messages."
sed -i '1i Auto-Submitted: auto-replied' "$T/a.eml"
before=$(sink_count)
from_outside $A "$(replyto "$RA")" "$T/a.eml"
wait_sink $((before + 1)) 60
settle
take_new
check_eq "auto-reply recorded" "auto-reply; A-001" "$(header "$(to "$(replyto "$RA")")" X-Relance-Reply)"
check_eq "nothing changes" open "$(case_field A-001 .status)"
check "nothing for the creditor" [ -z "$(to $CREDITOR)" ]

echo "== the next run-due: only the cases still open"
before=$(sink_count)
check_eq "step 2 on $(weekday "$(day 8)"): C-001, A-001 and X-001 only" 3 "$(run_due "$(weekday "$(day 8)")")"
take_new
check "nothing to the disputing debtor" [ -z "$(to $D)" ]
check "nothing to the promising debtor" [ -z "$(to $P)" ]
check "nothing to the undeliverable address" [ -z "$(to $B)" ]
check "the forged reply changed nothing: X-001 goes on" [ -n "$(to $X)" ]
check "C's reminder goes on: the unverified colleague changed nothing" [ -n "$(to $C)" ]
check_eq "still disputed" disputed "$(case_field D-001 .status)"

echo "== after the promised date and its grace, the ladder resumes"
AFTER=$(weekday "$(date -d "$PROMISED + 4 days" +%F)")
run_due "$AFTER" >/dev/null
take_new
check_eq "the pause ended" open "$(case_field P-001 .status)"
check "P-001's step 2 went out" [ -n "$(to $P)" ]
check_eq "P-001 at level 2" 2 "$(case_field P-001 .level)"
check "the resumption is in the history" \
    grep -q case-resumed <<<"$(ctl show P-001 --json | jq -r '.history[].kind')"
check "still nothing to the disputing debtor" [ -z "$(to $D)" ]

echo "== the operator resolves the dispute"
check_eq "resolve --credit" 0 "$(ctl resolve D-001 --credit 200.00 >/dev/null; echo $?)"
check_eq "the case is open again" open "$(case_field D-001 .status)"
check_eq "its balance lowered by the credit" "1000.00" "$(case_field D-001 .balance)"
check "resolve refuses an open case" not ctl resolve D-001 --resume

stop_relanced
check "no sanitizer reports" no_sanitizer_reports
finish
