#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Reminders through a real Postfix: invoices sent through the MTA become
# cases; `relancectl run-due --now DATE` at successive dates sends each
# step of the ladder once, on the right business day, from the right
# sender, with the right amounts and headers. A second run sends nothing;
# one debtor with three invoices gets one mail; a paid case and a consumer
# get what the law allows; DryRun and RedirectTo do what they say; a runner
# killed between submission and recording never sends twice; two runners
# at once never send a step twice; reminders passing through the milter
# create no cases; over SMTP, a server that never answers the end of the
# data gets the reminder held, one that refuses gets it retried later; the
# daemon's scheduler thread sends on its own.
#
# Expected amounts are worked out by hand (12.15 % = ECB 2.15 + 10 points,
# exact/365, half up): 1000.00 EUR due 30 Jan 2026 owes 5.66 penalties on
# 16 Feb (17 days), 10.32 on 2 Mar (31), 14.98 on 16 Mar (45), 18.31 on
# 26 Mar (55), 22.30 on 7 Apr (67), 26.63 on 20 Apr (80); plus 40.00.
source "$(dirname "$0")/lib.sh"

# Private copies: other builds in the tree must not swap the programs
# under a running test.
mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text
NNBSP=$(printf '\342\200\257')
NBSP=$(printf '\302\240')
# eur "1 045,66": the French amount as relance writes it.
eur() { printf '%s%s\342\202\254' "${1// /$NNBSP}" "$NBSP"; }

touch "$T/seen.list"
start_sink || exit 1

COMMON=(
    "SchedulerInterval 0"
    "PendingTimeout 2s"
    "TemplateDirectory $TOP/conf/templates"
    "LetterDirectory $T/letters"
    "CreditorName ACME Industries SAS"
    "CreditorAddress 12 rue de la Paix, 75002 Paris"
    "CreditorEmail compta@creditor.test"
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189"
    "AgencyName Recouvrement Durand"
    "AgencyAddress 3 place Bellecour, 69002 Lyon"
    "AgencySender relances@agency.test"
    "ReplyAddress reponses@agency.test"
    "DefaultDebtorKind business"
)
SENDMAIL_SUBMIT="Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
write_relance_conf "${COMMON[@]}" "$SENDMAIL_SUBMIT"
cp "$RELANCE_CONF" "$T/main.conf"
# variant FILE LINES...: the main configuration with other lines.
variant() {
    local file=$1; shift
    grep -v '^Submit \|^SchedulerInterval ' "$T/main.conf" >"$file"
    for line in "$@"; do echo "$line" >>"$file"; done
}

check_eq "relanced -n accepts the reminder keys" "configuration OK" \
    "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
# CPCE R124-4 1°, 2°, 4°: an agency ladder without the agency's address, the
# creditor's or how to pay is refused, the key and the article named.
for key in AgencyAddress CreditorAddress CreditorPaymentInfo; do
    grep -v "^$key " "$T/main.conf" >"$T/no-$key.conf"
    out=$("$RELANCED" -n -c "$T/no-$key.conf" 2>&1); rc=$?
    check "relanced -n refuses an agency ladder without $key" [ "$rc" -ne 0 ]
    check "... naming $key and R124-4" grep -q "^$T/no-$key.conf:[0-9]*: $key: required by step agence-courriel (from=agency): .*R124-4" <<<"$out"
done
start_relanced || exit 1
start_postfix || exit 1

# ---- helpers ----

# send_invoice NUMBER ISSUE DUE AMOUNT BUYER EMAIL: mails it through Postfix.
send_invoice() {
    ubl_invoice "$@" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$6" "Facture $1" "$T/$1.xml" application/xml "<invoice-$1@creditor.test>"
    "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test "$6" "$T/$1.eml" >/dev/null ||
        fail "invoice $1 refused"
}

# run_due WHEN REMINDERS FILES [ARGS...]: runs relancectl run-due at WHEN;
# checks that it reports REMINDERS sent and that exactly FILES messages
# reach the sink (reminders and creditor copies); NEW holds them.
run_due() {
    local when=$1 reminders=$2 files=$3 before rc
    shift 3
    before=$(sink_count)
    ctl run-due --now "$when" --json "$@" >"$T/run.json" 2>>"$T/ctl.err"
    rc=$?
    check_eq "$when: run-due exits 0" 0 "$rc"
    check_eq "$when: $reminders reminder(s) sent" "$reminders" "$(jq .sent "$T/run.json")"
    [ "$files" -gt 0 ] && wait_sink $((before + files)) 60
    settle # anything more would have arrived by now
    check_eq "$when: $files message(s) at the sink" $((before + files)) "$(sink_count)"
    take_new
}

# to ADDR: the new message whose envelope recipient is ADDR (one at most).
to() {
    local f found=
    for f in "${NEW[@]}"; do
        if grep -q "^X-Rcpt-Args: <$1>" "$f"; then
            [ -n "$found" ] && { echo "$found $f"; return; }
            found=$f
        fi
    done
    echo "$found"
}

# redirected FROM: the new message RedirectTo took from FROM (top-level
# header only: a creditor's copy carries the reminder inside it).
redirected() {
    local f
    for f in "${NEW[@]}"; do
        [ "$(header "$f" X-Relance-Redirected-From)" = "$1" ] && echo "$f"
    done
}

# text FILE: the message, headers decoded and bodies readable.
text() { sink_message "$1" | "$MAIL_TEXT"; }
header() { text "$1" | sed '/^$/q' | sed -n "s/^$2: //p" | head -n 1; }
# says FILE TEXT: TEXT is in the message, whatever the line wrapping
# (lines joined, quote marks dropped).
says() { text "$1" | sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }
# count_for ADDR: reminders (not the invoices) that reached ADDR.
count_for() { grep -l "^X-Rcpt-Args: <$1>" "$SINK"/* | xargs -r grep -l "^X-Relance-Reminder:" | wc -l; }
case_field() { ctl show "$1" --json | jq -r "$2"; }

A=martin@client-a.test
B=dupuis@client-b.test
C=paid@client-c.test
D=particulier@client-d.test
F=late@client-f.test
G=two@client-g.test
K=kiosque@client-k.test
CREDITOR=compta@creditor.test

echo "== invoices through the MTA become cases"
send_invoice A-001 2025-12-31 2026-01-30 1000.00 "Boulangerie Martin SARL" $A
send_invoice B-001 2025-12-31 2026-01-30 200.00 "Garage Dupuis" $B
send_invoice B-002 2026-01-05 2026-01-30 350.50 "Garage Dupuis" $B
send_invoice B-003 2026-01-10 2026-01-30 125.25 "Garage Dupuis" $B
send_invoice C-001 2025-12-31 2026-01-30 500.00 "Client Payeur" $C
send_invoice D-001 2025-12-31 2026-01-30 300.00 "Jean Particulier" $D
send_invoice F-001 2026-01-20 2026-02-20 800.00 "Retard Tardif SARL" $F
send_invoice G-001 2025-12-31 2026-01-30 150.00 "Deux Factures SAS" $G
send_invoice G-002 2026-01-14 2026-02-13 90.00 "Deux Factures SAS" $G
send_invoice K-001 2026-05-06 2026-06-05 60.00 "Kiosque SMTP" $K
check "every invoice delivered" wait_sink 10 60
take_new
check_eq "ten cases" 10 "$(ctl list --json | jq length)"
ctl pay C-001 >/dev/null
check_eq "C-001 paid" paid "$(case_field C-001 .status)"
check_eq "a consumer debtor" "debtor $D: kind consumer (source operator)" "$(ctl debtor $D --kind consumer)"
# Postal addresses for the letters of steps 5 and 6 (test_letters.sh
# covers the address read from an invoice, and letters held without one).
for d in "$A|Boulangerie Martin|4 rue du Four|31000 Toulouse" "$B|22 route de Lyon|38000 Grenoble" \
    "$D|8 impasse des Roses|44000 Nantes"; do
    ctl debtor "${d%%|*}" --address "${d#*|}" >/dev/null || fail "address of ${d%%|*}"
done

echo "== before the first step: nothing"
run_due 2026-01-30 0 0
run_due 2026-01-31 0 0  # a Saturday
run_due 2026-02-02T08:30 0 0  # Monday, before the window

echo "== step 1; the runner dies after handing the first reminder to the MTA"
before=$(sink_count)
RELANCE_TEST_CRASH_AFTER_SUBMIT=1 ctl run-due --now 2026-02-02 >/dev/null 2>>"$T/ctl.err"
check_eq "the runner stopped right after submitting" 99 $?
wait_sink $((before + 1)) 30
take_new
A1=$(to $A)
check "the reminder reached the MTA and the sink" [ -f "$A1" ]
check_eq "it is recorded as pending, not sent" pending "$(ctl reminders --json | jq -r '.[0].state')"
run_due 2026-02-02 3 3
# On a loaded machine this run may already come PendingTimeout after the
# crash and settle the claim itself; either way it must not resend it.
recovered_first=$(jq .recovered "$T/run.json")
check "no second reminder for the interrupted case" [ -z "$(to $A)" ]
B1=$(to $B); D1=$(to $D); G1=$(to $G)
check "nothing for the paid case" [ -z "$(to $C)" ]
sleep 3.5 # PendingTimeout 2s, on whole seconds
run_due 2026-02-02 0 0
check_eq "the interrupted reminder is settled once, not resent" 1 \
    "$((recovered_first + $(jq .recovered "$T/run.json")))"
check_eq "A-001 at level 1" 1 "$(case_field A-001 .level)"
check_eq "its reminder is sent" sent "$(case_field A-001 '.reminders[0].state')"
check "the milter saw it pass" [ "$(case_field A-001 '.reminders[0].mta_seen_at')" != null ]
run_due 2026-02-02 0 0

echo "== the step-1 reminder, header by header"
msgid=$(case_field A-001 '.reminders[0].message_id')
token=$(case_field A-001 '.reminders[0].token')
check_eq "From: the creditor's name, the agency's mailbox" "ACME Industries SAS <relances@agency.test>" "$(header "$A1" From)"
check "the creditor's own reminder: not written for another" not says "$A1" "pour le compte"
check "... nor does it say the agency writes" not says "$A1" "Recouvrement amiable"
check "... the footer says whose mailbox it leaves from" says "$A1" "ACME Industries SAS vous écrit depuis l'adresse de Recouvrement Durand, qui n'en assure que l'acheminement"
check_eq "To: the debtor" "Boulangerie Martin SARL <$A>" "$(header "$A1" To)"
check_eq "Subject" "Rappel${NBSP}: facture A-001 arrivée à échéance" "$(header "$A1" Subject)"
check_eq "Message-ID recorded" "<$msgid>" "$(header "$A1" Message-Id)"
check_eq "In-Reply-To: the invoice's message" "<invoice-A-001@creditor.test>" "$(header "$A1" In-Reply-To)"
check_eq "References: the invoice's message" "<invoice-A-001@creditor.test>" "$(header "$A1" References)"
check_eq "Reply-To: the signed token" "reponses+$token@agency.test" "$(header "$A1" Reply-To)"
check "the token names the case and step 1" grep -Eq "^$(case_field A-001 .id)-1-[a-z2-7]{16}\$" <<<"$token"
check_eq "Auto-Submitted" auto-generated "$(header "$A1" Auto-Submitted)"
check_eq "marker header" "$token" "$(header "$A1" X-Relance-Reminder)"
check "dated the day of the step" grep -q "02 Feb 2026" <<<"$(header "$A1" Date)"
check "envelope sender carries the token" grep -q "^X-Mail-Args: <reponses+$token@agency.test>" "$A1"
check "text and HTML alternatives" grep -q "multipart/alternative" <<<"$(header "$A1" Content-Type)"
check "the HTML part shows the green sticker" says "$A1" "background:#2e7d32"
check "the amount, French style" says "$A1" "$(eur "1 000,00")"
check "penalties announced, not claimed" says "$A1" "Elles ne vous sont pas réclamées"
check "no X-Relance invoice header: the milter did not read it as an invoice" not grep -q "^X-Relance:" "$A1"
check "the milter logged it as relance's own" grep -q "relance's reminder <$msgid> .* accepted unread" "$RELANCE_LOG"

echo "== one mail for three invoices"
check "one mail lists B-001" says "$B1" "B-001"
check "... B-002" says "$B1" "B-002"
check "... and B-003" says "$B1" "B-003"
check "... with their total" grep -q "^Total .*$(eur "675,75")\$" <<<"$(text "$B1")"
check_eq "Subject names the three" "Rappel${NBSP}: facture B-001, B-002 et B-003 arrivée à échéance" "$(header "$B1" Subject)"

echo "== a consumer is told of no penalty and no indemnity"
check "consumer: the amount" says "$D1" "$(eur "300,00")"
check "consumer: no indemnity" not says "$D1" "$(eur "40,00")"
check "consumer: no L441-10 penalties" not says "$D1" "L441-10"

run_due 2026-02-13 0 0

echo "== step 2, with penalties; never two reminders to one debtor in a day"
run_due 2026-02-16 4 4
A2=$(to $A); B2=$(to $B); D2=$(to $D); G2=$(to $G)
check_eq "step 2 subject" "Avis d'impayé${NBSP}: facture A-001" "$(header "$A2" Subject)"
check "step 2: 17 days of penalties" says "$A2" "$(eur "5,66")"
check "step 2: the indemnity" says "$A2" "$(eur "40,00")"
check "step 2: the total asked" says "$A2" "$(eur "1 045,66")"
check "step 2: the orange sticker" says "$A2" "background:#e65100"
check "three invoices: penalties, indemnities and total" grep -q "^Total .*$(eur "3,82") .*$(eur "120,00") .*$(eur "799,57")\$" <<<"$(text "$B2")"
check "consumer step 2: principal alone" says "$D2" "$(eur "300,00")"
check "consumer step 2: no indemnity" not says "$D2" "$(eur "40,00")"
check "G: the most advanced step goes first" says "$G2" "G-001"
check "G: not the other invoice the same day" not says "$G2" "G-002"
run_due 2026-02-16 0 0
run_due 2026-02-17 1 1
check "G: the other invoice the next business day" says "$(to $G)" "G-002"
ctl pay G-001 >/dev/null
ctl pay G-002 >/dev/null

echo "== interrupted while the milter was down: held for the operator"
stop_relanced
before=$(sink_count)
RELANCE_TEST_CRASH_AFTER_SUBMIT=1 ctl run-due --now 2026-02-23 >/dev/null 2>>"$T/ctl.err"
check_eq "the runner stopped after submitting" 99 $?
wait_sink $((before + 1)) 30
take_new
check "F's step 1 reached the sink (mail flows without the milter)" [ -n "$(to $F)" ]
cp "$T/main.conf" "$T/dry.conf"
echo "DryRun yes" >>"$T/dry.conf"
echo "DryRunDirectory $T/dry" >>"$T/dry.conf"
RELANCE_CONF=$T/dry.conf start_relanced || exit 1
check "DryRun logged at start-up" wait_log "DryRun is on" 10
sleep 3.5
run_due 2026-02-23 0 0
check_eq "no trace in the MTA: held" 1 "$(jq .held "$T/run.json")"
held_id=$(ctl reminders --held --json | jq '.[0].id')
check_eq "relancectl reminders --held shows it" F-001 "$(ctl reminders --held --json | jq -r '.[0].invoices')"
check "relancectl list says one is held" grep -q "1 reminder(s) held" <<<"$(ctl list)"
check_eq "relancectl show shows it held" held "$(case_field F-001 '.reminders[0].state')"
check_eq "the case has not moved" 0 "$(case_field F-001 .level)"
run_due 2026-02-24 0 0
ctl release "$held_id" --sent >/dev/null
check_eq "released as sent: level 1" 1 "$(case_field F-001 .level)"
check "the release is in the history" grep -q "released by the operator" <<<"$(ctl show F-001 --json | jq -r '.history[].detail | tostring')"
run_due 2026-02-24 0 0

echo "== step 3 by two runners at once: each reminder once"
before=$(sink_count)
ctl run-due --now 2026-03-02 --json >"$T/run1.json" 2>>"$T/ctl.err" &
p1=$!
ctl run-due --now 2026-03-02 --json >"$T/run2.json" 2>>"$T/ctl.err" &
p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
check_eq "both runners exit 0" "0 0" "$rc1 $rc2"
check_eq "three reminders between them" 3 $(($(jq .sent "$T/run1.json") + $(jq .sent "$T/run2.json")))
wait_sink $((before + 3)) 60
settle
check_eq "three messages at the sink" $((before + 3)) "$(sink_count)"
take_new
A3=$(to $A)
check "one each: A" [ -f "$A3" ]
check "one each: B" [ -f "$(to $B)" ]
check "one each: D" [ -f "$(to $D)" ]
check_eq "step 3 subject" "Mise en demeure de payer${NBSP}: facture A-001" "$(header "$A3" Subject)"
check "formal notice in words (C. civ. 1344)" says "$A3" "nous vous mettons en demeure, au sens de l'article 1344"
check "the deadline: 8 days" says "$A3" "au plus tard le 10${NBSP}mars${NBSP}2026"
check "step 3: the total" says "$A3" "$(eur "1 050,32")"
check "the red sticker" says "$A3" "background:#c62828"
check "preview shows the same" grep -q "$(eur "1 050,32")" <<<"$(ctl preview A-001 --step 3 --now 2026-03-02)"
check "step 3: the creditor's own, not for another" not says "$A3" "pour le compte"
check "step 3: the agency only a possibility" says "$A3" "nous pourrons confier le recouvrement amiable de cette créance à Recouvrement Durand"
check_eq "step 3: From the creditor" "ACME Industries SAS <relances@agency.test>" "$(header "$A3" From)"

run_due 2026-03-09 1 1 # F's step 2 (due on Saturday 7 March)

echo "== DryRun writes the reminders, sends none; the real run still sends them"
before=$(sink_count)
"$RELANCECTL" -c "$T/dry.conf" run-due --now 2026-03-16 --json >"$T/dry.json" 2>>"$T/ctl.err"
check_eq "three dry runs" 3 "$(jq .dry_runs "$T/dry.json")"
check_eq "three .eml files" 3 "$(ls "$T"/dry/*.eml 2>/dev/null | wc -l)"
settle
check_eq "nothing reached the sink" "$before" "$(sink_count)"
check_eq "the cases did not move" 3 "$(case_field A-001 .level)"
dry_a=$(grep -l "^To: Boulangerie" "$T"/dry/*.eml)
run_due 2026-03-16 3 6
A4=$(to $A)
check_eq "the dry run wrote what was then sent" "$("$MAIL_TEXT" <"$dry_a" | sed -n 's/^Subject: //p')" "$(header "$A4" Subject)"
check_eq "agency step: From the agency" "Recouvrement Durand <relances@agency.test>" "$(header "$A4" From)"
check "R124-4: the agency and its address" says "$A4" "Recouvrement Durand, 3 place Bellecour, 69002 Lyon"
check "R124-4: amicable collection" says "$A4" "exerce une activité de recouvrement amiable"
check "R124-4: the creditor" says "$A4" "ACME Industries SAS, 12 rue de la Paix, 75002 Paris"
check "R124-4: the basis" says "$A4" "facture n° A-001 émise par ACME Industries SAS"
check "R124-4: the itemised amount" grep -q "^A-001 .*$(eur "1 000,00") .*$(eur "14,98") .*$(eur "40,00") .*$(eur "1 054,98")\$" <<<"$(text "$A4")"
check "R124-4: the demand to pay" says "$A4" "Nous vous demandons de bien vouloir régler la somme de $(eur "1 054,98")"
check "R124-4: how to pay" says "$A4" "IBAN FR76 3000 6000 0112 3456 7890 189"
check "R124-4: L111-8 reproduced" says "$A4" "Les frais de recouvrement entrepris sans titre exécutoire restent"
check "R124-4: the legal basis of the agency's activity" says "$A4" "régie par les articles L124-1 et R124-1 et suivants"
check "R124-4: L111-8 al. 3 reproduced" says "$A4" "Cependant, le créancier qui justifie du caractère nécessaire"
A_ID=$(case_field A-001 .id)
REF=$(text "$A4" | grep -o "R-[0-9A-F]\{4\}-[0-9]\{6\}" | head -n 1)
check_eq "R124-4: the first agency letter's reference, from the case" "$(printf '%06d' "$A_ID")" "${REF##*-}"
check "R124-4: the reference, first lines" says "$A4" "Notre référence${NBSP}: $REF"
check "the first agency letter recalls no earlier one" not says "$A4" "premier courrier du"
check "the agency does not entrust itself" not says "$A4" "confier"
check "consumer agency step quotes L111-8" says "$(to $D)" "L111-8"
check "consumer: no collection cost" says "$(to $D)" "les frais de recouvrement ne vous sont pas facturés"
copies=$(grep -l "^X-Rcpt-Args: <$CREDITOR>" "${NEW[@]}" | wc -l)
check_eq "the creditor gets a copy of each" 3 "$copies"
copy_a=$(grep -l "^X-Rcpt-Args: <$CREDITOR>" "${NEW[@]}" | xargs grep -l "A-001" | head -n 1)
check "the copy: subject" grep -q "^\[Copie\] ACME" <<<"$(header "$copy_a" Subject)"
check "the copy carries the reminder" says "$copy_a" "message/rfc822"
check "the copy is no invoice either" not grep -q "^X-Relance:" "$copy_a"

run_due 2026-03-23 1 1 # F's step 3

echo "== RedirectTo, through SMTP: every mail to the test address"
variant "$T/redirect.conf" "Submit smtp:127.0.0.1:$SMTPD_PORT" "RedirectTo test@redirect.test"
before=$(sink_count)
"$RELANCECTL" -c "$T/redirect.conf" run-due --now 2026-03-26 --json >"$T/run.json" 2>>"$T/ctl.err"
check_eq "three reminders" 3 "$(jq .sent "$T/run.json")"
wait_sink $((before + 6)) 60
settle
check_eq "three reminders and three copies" $((before + 6)) "$(sink_count)"
take_new
check_eq "all of them to the test address" 6 "$(grep -l "^X-Rcpt-Args: <test@redirect.test>" "${NEW[@]}" | wc -l)"
check_eq "none to a debtor or the creditor" 0 "$(grep -l "^X-Rcpt-Args: <\($A\|$B\|$D\|$CREDITOR\)>" "${NEW[@]}" | wc -l)"
A5=$(redirected $A)
check "the real recipient is named" [ -f "$A5" ]
check "step 5: the total" says "$A5" "$(eur "1 058,31")"
check "step 5 recalls the reference" says "$A5" "Notre référence${NBSP}: $REF (notre premier courrier du 16${NBSP}mars${NBSP}2026)"
check "step 5 recalls the first letter's date" says "$A5" "Notre courrier du 16${NBSP}mars${NBSP}2026 (référence $REF)"
check "step 5: no claim of a letter nobody recorded as posted" not says "$A5" "par voie postale"
check_eq "three printable letters" 3 "$(ls "$T"/letters/*agence-lettre*.pdf 2>/dev/null | wc -l)"
check "a real PDF" grep -q "^%PDF-" "$(ls "$T"/letters/*A-001*agence-lettre*.pdf)"
check "the letter goes with the creditor's copy" grep -q "application/pdf" "$(redirected $CREDITOR | head -n 1)"
check "SMTP submission also seen by the milter" [ "$(case_field A-001 '.reminders[-1].mta_seen_at')" != null ]

echo "== holidays and the sending window"
run_due 2026-04-06 0 0 # Easter Monday
run_due 2026-04-07T07:30 0 0 # before 09:00
run_due 2026-04-07T10:00 4 8
A6=$(to $A)
check_eq "step 6: the agency's formal notice" "Mise en demeure${NBSP}: ACME Industries SAS, facture A-001" "$(header "$A6" Subject)"
check "step 6: the total" says "$A6" "$(eur "1 062,30")"
check "step 6: no claim of a registered letter nobody recorded" not says "$A6" "lettre recommandée"
check "step 6: the consequence, without threat" says "$A6" "qui pourra saisir la juridiction compétente"
check "step 6: the sticker does not promise proceedings" not says "$A6" "avant poursuites"
check "step 6 recalls the reference" says "$A6" "Notre référence${NBSP}: $REF (notre premier courrier du 16${NBSP}mars${NBSP}2026)"
check "step 6 recalls the first letter's date" says "$A6" "Notre courrier du 16${NBSP}mars${NBSP}2026 (référence $REF)"

echo "== step 7: the creditor gets the court file, the debtor nothing"
run_due 2026-04-20 4 5
check "nothing to A" [ -z "$(to $A)" ]
court_a=$(grep -l "^X-Rcpt-Args: <$CREDITOR>" "${NEW[@]}" | xargs grep -l "A-001" | head -n 1)
check_eq "the court file" "Dossier Boulangerie Martin SARL${NBSP}: facture A-001, prêt pour une injonction de payer" "$(header "$court_a" Subject)"
check "the court file: the amounts" says "$court_a" "$(eur "1 066,63")"
check "the court file: the reminders sent" says "$court_a" "Mise en demeure de l'agence de recouvrement"
check "the court file: the competent court (CPC 1406)" says "$court_a" "lieu où demeure le débiteur (article 1406 du Code de procédure civile)"
check "the court file: the debtor's domicile or seat (CPC 1407)" says "$court_a" "sa forme, sa dénomination et son siège social (articles 57 et 1407"
check "the court file: a debtor abroad" says "$court_a" "règlement (CE) n° 1896/2006"
check_eq "the case is ready for court" court "$(case_field A-001 .status)"
check_eq "level 7" 7 "$(case_field A-001 .level)"
check_eq "seven steps in A's history" 7 "$(ctl show A-001 --json | jq '[.history[] | select(.kind == "reminder-sent")] | length')"
run_due 2026-06-01 1 2 # only F moves on
check "nothing more to A, B or D" [ -z "$(to $A)$(to $B)$(to $D)" ]

echo "== what every step sent to A"
check_eq "A received steps 1-4 and 6 once each (5 went to RedirectTo)" 5 "$(count_for $A)"
check_eq "nothing ever to the paid case" 0 "$(count_for $C)"
check_eq "reminders passing through the milter made no case" 10 "$(ctl list --json | jq length)"
check_eq "every reminder seen by the milter but the one sent while it was down" 1 \
    "$(ctl reminders --state sent --json | jq '[.[] | select(.mta_seen_at == null)] | length')"

echo "== SMTP: no answer after the data is held; a refusal is tried again"
Q_PORT=$(free_port)
smtp-sink -u postfix -q . "127.0.0.1:$Q_PORT" 8 >"$T/sink-q.log" 2>&1 &
PIDS+=($!)
R_PORT=$(free_port)
smtp-sink -u postfix -r RCPT "127.0.0.1:$R_PORT" 8 >"$T/sink-r.log" 2>&1 &
PIDS+=($!)
wait_port "$Q_PORT" 10 && wait_port "$R_PORT" 10
variant "$T/noanswer.conf" "Submit smtp:127.0.0.1:$Q_PORT"
variant "$T/refused.conf" "Submit smtp:127.0.0.1:$R_PORT"
"$RELANCECTL" -c "$T/noanswer.conf" run-due --now 2026-06-08 --json >"$T/run.json" 2>>"$T/ctl.err"
check_eq "no answer to the end of the data: held, not sent" "0 1" "$(jq -r '"\(.sent) \(.held)"' "$T/run.json")"
held_k=$(ctl reminders --held --json | jq '.[] | select(.invoices == "K-001") | .id')
check "K-001's reminder is held" [ -n "$held_k" ]
ctl release "$held_k" --retry >/dev/null
check_eq "released for a retry" failed "$(ctl reminders --json | jq -r ".[] | select(.id == $held_k) | .state")"
"$RELANCECTL" -c "$T/refused.conf" run-due --now 2026-06-08 --json >"$T/run.json" 2>>"$T/ctl.err"
check_eq "refused by the server: failed, not held" "0 0 1" "$(jq -r '"\(.sent) \(.held) \(.failed)"' "$T/run.json")"
check_eq "K-001 has not moved" 0 "$(case_field K-001 .level)"
run_due 2026-06-08 1 1
check "the step goes out once the MTA takes it" [ -f "$(to $K)" ]
check_eq "K-001 at level 1" 1 "$(case_field K-001 .level)"
run_due 2026-06-08 0 0

echo "== the daemon's scheduler thread sends on its own"
stop_relanced
today=$(TZ=Europe/Paris date +%F)
variant "$RELANCE_CONF" "$SENDMAIL_SUBMIT" "SchedulerInterval 2s" "SendDays Mon-Sun" "SendHours 00:00-24:00" \
    "Holidays none" "RedirectTo test@redirect.test"
start_relanced || exit 1
check "RedirectTo logged at start-up" wait_log "RedirectTo is set" 10
send_invoice H-001 "$(date -d "$today -50 days" +%F)" "$(date -d "$today -20 days" +%F)" 75.00 "Hôtel Thread" thread@client-h.test
end=$((SECONDS + 60))
while [ $SECONDS -lt $end ] && ! grep -q "^X-Relance-Redirected-From: thread@client-h.test" "$SINK"/* 2>/dev/null; do sleep 0.5; done
check "the thread sent H-001's first step" grep -q "^X-Relance-Redirected-From: thread@client-h.test" "$SINK"/*
check_eq "H-001 at level 1" 1 "$(case_field H-001 .level)"
check "relanced still running" relanced_alive
stop_relanced
check "relanced stopped cleanly" grep -q "relance stopping" "$RELANCE_LOG"

finish
