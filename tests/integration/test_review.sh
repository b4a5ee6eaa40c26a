#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A human in the loop, through a real Postfix: invoices become cases,
# `run-due` sends real reminders, and replies built from those reminders
# come back from outside (XCLIENT from 203.0.113.x):
#   - a reply that says nothing relance can place (verdict `other`) puts
#     its case in review: the creditor is told at once, with the debtor's
#     words and the commands that decide; `list --status review` and
#     `replies --review` show it; no reminder goes out at the next step's
#     date; after ReviewDays business days the ladder resumes (the next
#     step goes out) and the creditor is reminded once, not on the
#     following run;
#   - a second case in review that the operator resolves with
#     `resolve --promise DATE`: paused until DATE plus PromiseGraceDays.
# Dates are worked out from the real day, since replies are read on the
# day they arrive: W0 is the first weekday from today.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text

weekday() {
    local d=$1
    while [ "$(date -d "$d" +%u)" -gt 5 ]; do d=$(date -d "$d + 1 day" +%F); done
    echo "$d"
}
# business_days_after DATE N: the N-th weekday after DATE (Holidays none).
business_days_after() {
    local d=$1 n=$2
    while [ "$n" -gt 0 ]; do
        d=$(date -d "$d + 1 day" +%F)
        [ "$(date -d "$d" +%u)" -le 5 ] && n=$((n - 1))
    done
    echo "$d"
}
day() { date -d "$W0 $1 days" +%F; }
W0=$(weekday "$(date +%F)")
DUE=$(day -20)
ISSUE=$(day -50)
REVIEW_DAYS=10

touch "$T/seen.list"
start_sink || exit 1
export RELAY_DOMAINS="creditor.test, agency.test"
write_relance_conf \
    "SchedulerInterval 0" \
    "Holidays none" \
    "ReviewDays $REVIEW_DAYS" \
    "NotifyOtherReplies no" \
    "CreditorName ACME Industries SAS" \
    "CreditorEmail compta@creditor.test" \
    "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
# A file written for an older relance still loads: the removed key is
# said, not refused.
CHECKED=$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)
check "relanced -n accepts the configuration" grep -q "configuration OK" <<<"$CHECKED"
check "and says that NotifyOtherReplies was removed" grep -q "NotifyOtherReplies: key removed (ignored)" <<<"$CHECKED"
start_relanced || exit 1
start_postfix || exit 1
check "the removed key is logged at start" wait_log "NotifyOtherReplies: key removed" 10

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
reply() { # FILE FROM TO SUBJECT IN-REPLY-TO QUOTED-FILE WORDS...
    local out=$1 from=$2 rcpt=$3 subject=$4 irt=$5 quoted=$6
    shift 6
    {
        echo "From: <$from>"
        echo "To: <$rcpt>"
        echo "Subject: $subject"
        echo "Date: $(date -R)"
        echo "Message-ID: <reply-$RANDOM$RANDOM@debtor.test>"
        [ -n "$irt" ] && echo "In-Reply-To: <$irt>" && echo "References: <$irt>"
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
from_outside() { XCLIENT_ADDR=203.0.113.$((RANDOM % 200 + 10)) smtp "$1" "$2" "$3"; }
replyto() { header "$1" Reply-To | sed 's/.*<\(.*\)>.*/\1/; s/^ *//'; }
msgid() { header "$1" Message-ID | tr -d '<> '; }

R=comptable@client-r.test  # writes something relance cannot place
M=direction@client-m.test  # idem; the operator reads a promise in it
CREDITOR=compta@creditor.test

echo "== invoices due $DUE; step 1 on $W0"
send_invoice R-001 640.00 "Relecture SARL" $R
send_invoice M-001 980.00 "Martin Services" $M
check "invoices delivered" wait_sink 2 60
take_new
check_eq "step 1 for both debtors" 2 "$(run_due "$W0")"
wait_sink 4 60
take_new
RR=$(to $R); RM=$(to $M)
check "both got a reminder" [ -n "$RR" ] && [ -n "$RM" ]

echo "== R answers with nothing relance can place"
WORDS="Pourriez-vous demander à Mme Leroy de me téléphoner jeudi matin au 01 23 45 67 89 ?"
reply "$T/r.eml" $R "$(replyto "$RR")" "RE: $(header "$RR" Subject)" "$(msgid "$RR")" "$RR" \
    "Bonjour," "" "$WORDS" "" "Paul Girard"
before=$(sink_count)
from_outside $R "$(replyto "$RR")" "$T/r.eml"
wait_sink $((before + 2)) 60 # the reply and the creditor's notice, at once
settle
take_new
check_eq "read as other" "other; R-001" "$(header "$(to "$(replyto "$RR")")" X-Relance-Reply)"
check_eq "the case is in review" review "$(case_field R-001 .status)"
UNTIL=$(business_days_after "$(date +%F)" $REVIEW_DAYS)
check_eq "until $REVIEW_DAYS business days after today" "$UNTIL" "$(case_field R-001 .paused_until)"
N=$(to $CREDITOR)
check "the creditor is told at once" [ -n "$N" ]
check "a decision is asked in the subject" grep -q "Réponse de Relecture SARL à trancher" <<<"$(header "$N" Subject)"
check "with the debtor's words" says "$N" "$WORDS"
check "and why relance could not decide" says "$N" "ne dit rien que nous sachions classer"
check "and what to run: --dispute" says "$N" "relancectl resolve R-001 --dispute"
check "--promise" says "$N" "relancectl resolve R-001 --promise AAAA-MM-JJ"
check "--paid" says "$N" "relancectl resolve R-001 --paid"
check "--resume" says "$N" "relancectl resolve R-001 --resume"
check "--cancel" says "$N" "relancectl resolve R-001 --cancel"
check "the notice does not say the case goes on" not says "$N" "le dossier suit son cours"
check_eq "list --status review" "R-001" "$(ctl list --status review --json | jq -r '.[].number')"
check_eq "replies --review" "R-001 other" "$(ctl replies --review --json | jq -r '.[] | "\(.number) \(.verdict)"')"
check_eq "recorded as a review" "review until $UNTIL" \
    "$(ctl replies R-001 --json | jq -r '.[0].action')"

echo "== M answers likewise; the operator reads a promise in it"
reply "$T/m.eml" $M "$(replyto "$RM")" "RE: $(header "$RM" Subject)" "$(msgid "$RM")" "$RM" \
    "Bonjour," "" "Je reviens vers vous dès le retour de notre gérant." "" "C. Martin"
before=$(sink_count)
from_outside $M "$(replyto "$RM")" "$T/m.eml"
wait_sink $((before + 2)) 60
settle
take_new
check_eq "M-001 in review" review "$(case_field M-001 .status)"
PROMISED=$(day 20)
check "resolve --promise refuses a day past" not ctl resolve M-001 --promise "$(date -d "$(date +%F) - 1 day" +%F)"
check_eq "resolve M-001 --promise $PROMISED" 0 "$(ctl resolve M-001 --promise "$PROMISED" >/dev/null; echo $?)"
check_eq "M-001 paused" paused "$(case_field M-001 .status)"
check_eq "until the date plus 3 days' grace" "$(date -d "$PROMISED + 3 days" +%F)" "$(case_field M-001 .paused_until)"
check_eq "as a promise" promise "$(case_field M-001 .pause_reason)"
check_eq "the decision is audited" "promise $(date -d "$PROMISED + 3 days" +%F) operator" \
    "$(ctl show M-001 --json | jq -r '.history[] | select(.kind == "case-resolved") | "\(.detail.resolution) \(.detail.until) \(.actor)"')"
check "a second decision is refused: not in review" not ctl resolve M-001 --dispute
check_eq "list --status review: R-001 only" "R-001" "$(ctl list --status review --json | jq -r '.[].number')"

echo "== step 2's date: nothing for either"
STEP2=$(weekday "$(day 8)")
check "step 2 falls inside the review ($STEP2 <= $UNTIL)" [ "$(date -d "$STEP2" +%s)" -le "$(date -d "$UNTIL" +%s)" ]
before=$(sink_count)
check_eq "no reminder on $STEP2" 0 "$(run_due "$STEP2")"
settle
check_eq "nothing reached the sink" "$before" "$(sink_count)"
check_eq "R-001 still in review" review "$(case_field R-001 .status)"

echo "== on the review's last day, still nothing"
check_eq "no reminder on $UNTIL" 0 "$(run_due "$UNTIL")"
check_eq "R-001 still in review on $UNTIL" review "$(case_field R-001 .status)"

echo "== after ReviewDays, the ladder resumes and the creditor is reminded once"
AFTER=$(weekday "$(date -d "$UNTIL + 1 day" +%F)")
before=$(sink_count)
check_eq "R-001's step 2 goes out on $AFTER" 1 "$(run_due "$AFTER")"
wait_sink $((before + 2)) 60
settle
take_new
check_eq "R-001 open again" open "$(case_field R-001 .status)"
check_eq "at level 2" 2 "$(case_field R-001 .level)"
check "R got step 2" [ -n "$(to $R)" ]
check "M, paused until $(date -d "$PROMISED + 3 days" +%F), got nothing" [ -z "$(to $M)" ]
L=$(to $CREDITOR)
check "the creditor is reminded" [ -n "$L" ]
check "that no decision was taken" grep -q "Aucune décision" <<<"$(header "$L" Subject)"
check "that the ladder resumed" says "$L" "les relances ont repris"
check "about R-001" says "$L" "R-001"
check "the resumption is in the history" grep -q "review ended without a decision" \
    <<<"$(ctl show R-001 --json | jq -r '.history[] | select(.kind == "case-resumed") | .detail')"
check_eq "one review-lapsed message in the outbox" 1 \
    "$(ctl outbox --json | jq '[.[] | select(.kind == "review-lapsed")] | length')"
NEXT=$(weekday "$(date -d "$AFTER + 1 day" +%F)")
before=$(sink_count)
check_eq "the following run ($NEXT) sends no reminder" 0 "$(run_due "$NEXT")"
settle
check_eq "and nothing to the creditor" "$before" "$(sink_count)"
check_eq "still one review-lapsed message" 1 \
    "$(ctl outbox --json | jq '[.[] | select(.kind == "review-lapsed")] | length')"

stop_relanced
check "no sanitizer reports" no_sanitizer_reports
finish
