#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The answer to a dispute, through a real Postfix. The acknowledgment of a
# dispute promises that no reminder comes before the debtor is told its
# outcome; `relancectl resolve` tells them, through the outbox:
#   - --resume: the examination is over, the amount is still due and how
#     to pay; sent exactly once whatever the number of runs; the next step
#     waits its interval (7 days for avis-impaye) after this answer, though
#     it was due before the dispute ended;
#   - --credit 100.00: the credit and the new balance (1 200.00 - 100.00
#     = 1 100.00);
#   - --cancel: the claim is withdrawn, and nothing more follows.
# Step 1 went out 14 days ago (run-due --now in the past); the operator
# resolves today (real time, Europe/Paris days).
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text

export TZ=Europe/Paris
TODAY=$(date +%F)
day() { date -d "$TODAY $1 days" +%F; }
# weekday DATE: DATE, or the Monday after it when it is a weekend day.
weekday() {
    local d=$1
    while [ "$(date -d "$d" +%u)" -gt 5 ]; do d=$(date -d "$d + 1 day" +%F); done
    echo "$d"
}
# weekday_before DATE: DATE, or the Friday before it when it is a weekend day.
weekday_before() {
    local d=$1
    while [ "$(date -d "$d" +%u)" -gt 5 ]; do d=$(date -d "$d - 1 day" +%F); done
    echo "$d"
}
DUE=$(day -40)
ISSUE=$(day -70)
STEP1=$(weekday_before "$(day -14)")

touch "$T/seen.list"
start_sink || exit 1
export RELAY_DOMAINS="creditor.test, agency.test"
write_relance_conf \
    "SchedulerInterval 0" \
    "Holidays none" \
    "CreditorName ACME Industries SAS" \
    "CreditorEmail compta@creditor.test" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "AgencyName Recouvrement Durand" \
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
to() { # to ADDR: the newest of NEW whose envelope recipient is ADDR
    local f found=
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && found=$f; done
    echo "$found"
}
# received ADDR: how many messages the sink ever took for ADDR.
received() { grep -l "^X-Rcpt-Args: <$1>" "$SINK"/* 2>/dev/null | wc -l; }
text() { sink_message "$1" | "$MAIL_TEXT"; }
header() { text "$1" | sed '/^$/q' | sed -n "s/^$2: *//Ip" | head -n 1; }
says() { text "$1" | sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }
case_field() { ctl show "$1" --json | jq -r "$2"; }
run_due() { # run_due DATE: the number of reminders sent
    ctl run-due --now "${1}T10:00" --json >"$T/run.json" 2>>"$T/ctl.err"
    settle
    jq .sent "$T/run.json"
}
replyto() { header "$1" Reply-To | sed 's/.*<\(.*\)>.*/\1/; s/^ *//'; }
dispute() { # dispute FROM REMINDER
    {
        echo "From: <$1>"
        echo "To: <$(replyto "$2")>"
        echo "Subject: RE: $(header "$2" Subject)"
        echo "Date: $(date -R)"
        echo "Message-ID: <dispute-$RANDOM$RANDOM@debtor.test>"
        echo "Content-Type: text/plain; charset=UTF-8"
        echo "Content-Transfer-Encoding: 8bit"
        echo
        echo "Bonjour,"
        echo
        echo "Nous contestons cette facture : la marchandise n'a jamais été livrée."
        echo
        echo "Cordialement"
    } >"$T/dispute.eml"
    XCLIENT_ADDR=203.0.113.$((RANDOM % 200 + 10)) smtp "$1" "$(replyto "$2")" "$T/dispute.eml"
}
NBSP=$'\u00a0'
NNBSP=$'\u202f'

D=compta@client-d.test  # resume
K=achats@client-k.test  # credit
W=gestion@client-w.test # cancel

echo "== invoices due $DUE; step 1 on $STEP1"
send_invoice D-001 1200.00 "Dupont SARL" $D
send_invoice K-001 1200.00 "Kléber SAS" $K
send_invoice W-001 1200.00 "Wagner SA" $W
check "invoices delivered" wait_sink 3 60
take_new
check_eq "step 1 for the three" 3 "$(run_due "$STEP1")"
wait_sink 6 60
take_new
RD=$(to $D); RK=$(to $K); RW=$(to $W)

echo "== the three dispute"
before=$(sink_count)
dispute $D "$RD"
dispute $K "$RK"
dispute $W "$RW"
wait_sink $((before + 9)) 90 # each: the reply, the creditor's notice, the acknowledgment
settle
take_new
for n in D-001 K-001 W-001; do check_eq "$n disputed" disputed "$(case_field $n .status)"; done
ACK=$(to $D)
check "the acknowledgment promises an answer before any reminder" \
    says "$ACK" "avant que nous vous ayons fait part, par courriel, de la suite qui lui est donnée"
check_eq "step 2 was due before the dispute ended: nothing while disputed" 0 "$(run_due "$(weekday "$(day 1)")")"

echo "== the operator resolves today ($TODAY)"
check "resolve --resume tells the debtor" grep -q "the debtor will be told" <<<"$(ctl resolve D-001 --resume)"
check "resolve --credit 100.00" grep -q "the debtor will be told" <<<"$(ctl resolve K-001 --credit 100.00)"
check "resolve --cancel" grep -q "the debtor will be told" <<<"$(ctl resolve W-001 --cancel)"
check_eq "three answers in the outbox" 3 \
    "$(ctl outbox --json | jq '[.[] | select(.kind == "dispute-resumed" or .kind == "dispute-withdrawn")] | length')"

echo "== the next run sends the answers, and no step"
before=$(sink_count)
N1=$(weekday "$(day 1)")
check_eq "no step on $N1: the answer restarts the interval" 0 "$(run_due "$N1")"
wait_sink $((before + 3)) 90
settle
take_new
AD=$(to $D); AK=$(to $K); AW=$(to $W)
check "D got the answer" [ -n "$AD" ]
check_eq "its subject" "Facture D-001${NBSP}: réponse à votre contestation" "$(header "$AD" Subject)"
check "the examination is over" says "$AD" "Son examen par ACME Industries SAS est terminé."
check "the invoice is still due, with its amount" says "$AD" "la facture reste due. Le montant qui en reste dû est de 1${NNBSP}200,00${NBSP}€."
check "how to pay" says "$AD" "IBAN FR76 3000 6000 0112 3456 7890 189"
check "a tagged Reply-To" grep -q '^reponses+[0-9]*-1-[a-z0-9]*@agency.test$' <<<"$(replyto "$AD")"
check "K got the credit and the new balance" says "$AK" "Un avoir de 100,00${NBSP}€ a été imputé sur cette facture. Le montant qui en reste dû est de 1${NNBSP}100,00${NBSP}€."
check_eq "K's balance" "1100.00" "$(case_field K-001 .balance)"
check "W's claim withdrawn" says "$AW" "n'en réclame plus le paiement${NBSP}: aucune relance ne vous sera plus adressée"
check_eq "W cancelled" cancelled "$(case_field W-001 .status)"
check_eq "every answer sent" 3 \
    "$(ctl outbox --json | jq '[.[] | select((.kind == "dispute-resumed" or .kind == "dispute-withdrawn") and .state == "sent")] | length')"

echo "== exactly once, and no step before the interval"
check_eq "a second run on $N1 sends nothing" 0 "$(run_due "$N1")"
# The answer counts as sent at the run's moment ($N1), as reminders do.
N6=$(weekday_before "$(date -d "$N1 + 6 days" +%F)")
[ "$N6" \< "$N1" ] && N6=$N1
check_eq "nothing on $N6 (6 days after the answer)" 0 "$(run_due "$N6")"
take_new
check "no new mail to D" [ -z "$(to $D)" ]
check_eq "D received the answer once: invoice, reminder, acknowledgment, answer" 4 "$(received $D)"

echo "== the interval after the answer"
N7=$(weekday "$(date -d "$N1 + 7 days" +%F)")
check_eq "step 2 on $N7 for D and K; nothing for W" 2 "$(run_due "$N7")"
settle
take_new
check "D's step 2" grep -q "Avis d'impayé" <<<"$(header "$(to $D)" Subject)"
check "K's step 2" [ -n "$(to $K)" ]
check "nothing to W" [ -z "$(to $W)" ]
answers=0
for f in $(grep -l "^X-Rcpt-Args: <$D>" "$SINK"/*); do
    header "$f" Subject | grep -q "réponse à votre contestation" && answers=$((answers + 1))
done
check_eq "D had the answer once in all" 1 "$answers"

stop_relanced
check "no sanitizer reports" no_sanitizer_reports
finish
