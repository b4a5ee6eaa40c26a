#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Insolvent debtors, through a real Postfix.
#   - R, a business (its VAT id on the invoices), has three open invoices;
#     it answers the first reminder that a redressement judiciaire was
#     opened on 10 March 2026, Me Claire Fontaine mandataire: the three
#     cases become insolvent, the creditor is told at once, R gets nothing;
#     the notice lists the amounts to declare as at the opening (by hand,
#     ContractualRate 10.95 %, i.e. 0.03 % a day, counted up to 9 March,
#     the day before the judgment, C. com. L622-28):
#       R-001 1 000.00 due 30 Jan: 1 + 28 + 9 = 38 days, 1 000.00 x 0.0003
#             x 38 = 11.40, indemnity 40.00;
#       R-002 2 500.00 due 15 Feb: 13 + 9 = 22 days, 2 500.00 x 0.0003 x 22
#             = 16.50, indemnity 40.00;
#       R-003   400.00 due 31 Mar: not late on 9 March: 400.00 alone;
#       total 3 900.00 + 27.90 + 80.00 = 4 007.90;
#     then a run at every later step date sends R nothing.
#   - N answers "nous ne sommes pas en redressement judiciaire, simplement
#     en retard": no insolvency, its ladder goes on.
#   - M (no legal id: principal only) is declared insolvent by hand with
#     relancectl debtor --insolvent: the same, the notice through the
#     outbox, nothing more to M.
#   - N, declared insolvent by hand later, gets no held letter written
#     once its postal address is known.
#   - resolve on an insolvent case needs --reason, and reopens it.
source "$(dirname "$0")/lib.sh"

MAIL_TEXT=$TOP/build/tools/mail_text
NBSP=$'\u00a0'
NNBSP=$'\u202f'
eur() { printf '%s%s\342\202\254' "${1// /$NNBSP}" "$NBSP"; }

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
    "ContractualRate 10.95" \
    "LetterDirectory $T/letters" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
start_relanced || exit 1
start_postfix || exit 1

VAT="<cac:PartyTaxScheme><cbc:CompanyID>FR44732829320</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
send() { # send NUMBER AMOUNT DUE EMAIL BUYER-PARTY-XML
    ubl_invoice "$1" 2025-12-31 "$3" "$2" "Buyer $1" "$4" |
        sed "s|<cac:AccountingCustomerParty><cac:Party>|&$5|" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$4" "Facture $1" "$T/$1.xml" application/xml \
        "<invoice-$1@creditor.test>"
    smtp billing@creditor.test "$4" "$T/$1.eml" || fail "invoice $1 refused"
}
to() { # to ADDR: the newest of NEW whose envelope recipient is ADDR
    local f found=
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && found=$f; done
    echo "$found"
}
received() { grep -l "^X-Rcpt-Args: <$1>" "$SINK"/* 2>/dev/null | wc -l; }
text() { sink_message "$1" | "$MAIL_TEXT"; }
header() { text "$1" | sed '/^$/q' | sed -n "s/^$2: *//Ip" | head -n 1; }
says() { text "$1" | sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }
status() { ctl show "$1" --json | jq -r .status; }
run_due() { # run_due DATE: the number of reminders sent
    ctl run-due --now "${1}T10:00" --json >"$T/run.json" 2>>"$T/ctl.err"
    settle
    jq .sent "$T/run.json"
}
replyto() { header "$1" Reply-To | sed 's/.*<\(.*\)>.*/\1/; s/^ *//'; }
answer() { # answer FROM REMINDER FILE-OF-WORDS
    {
        echo "From: <$1>"
        echo "To: <$(replyto "$2")>"
        echo "Subject: RE: $(header "$2" Subject)"
        echo "Date: $(date -R)"
        echo "Message-ID: <answer-$RANDOM$RANDOM@debtor.test>"
        echo "Content-Type: text/plain; charset=UTF-8"
        echo "Content-Transfer-Encoding: 8bit"
        echo
        cat "$3"
    } >"$T/answer.eml"
    XCLIENT_ADDR=203.0.113.$((RANDOM % 200 + 10)) smtp "$1" "$(replyto "$2")" "$T/answer.eml"
}
C=compta@creditor.test
R=compta@redress.test
N=compta@retard.test
M=gestion@manuel.test

echo "== invoices"
send R-001 1000.00 2026-01-30 $R "$VAT"
send R-002 2500.00 2026-02-15 $R "$VAT"
send R-003 400.00 2026-03-31 $R "$VAT"
send N-001 800.00 2026-01-30 $N ""
send M-001 1000.00 2026-01-30 $M ""
send M-002 300.00 2026-02-15 $M ""
check "invoices delivered" wait_sink 6 60
take_new
for _ in $(seq 60); do [ "$(ctl list --json | jq length)" = 6 ] && break; sleep 0.5; done
check_eq "six cases" 6 "$(ctl list --json | jq length)"
check_eq "R is a business (its VAT id)" business "$(ctl show R-001 --json | jq -r .debtor_kind)"

echo "== step 1 on 2026-02-02"
check_eq "step 1 to R, N and M" 3 "$(run_due 2026-02-02)"
wait_sink 9 60
take_new
RR=$(to $R); RN=$(to $N)
check "R's reminder" [ -n "$RR" ]

echo "== R announces a redressement judiciaire"
cat >"$T/r.txt" <<'EOF'
Bonjour,

Nous vous informons que par jugement du 10 mars 2026, le tribunal de commerce de Lyon a ouvert une procédure de redressement judiciaire à l'encontre de notre société.

Merci de déclarer votre créance auprès du mandataire judiciaire :
Me Claire Fontaine, 12 rue de la République, 69002 Lyon

Cordialement
EOF
before=$(sink_count)
answer $R "$RR" "$T/r.txt" || fail "R's answer refused"
wait_sink $((before + 2)) 60 # the reply itself, the creditor's notice
settle
take_new
for n in R-001 R-002 R-003; do check_eq "$n insolvent" insolvent "$(status $n)"; done
check_eq "the reply is read as insolvency" insolvency "$(ctl replies R-001 --json | jq -r '.[0].verdict')"
NOTICE=$(to $C)
check "the creditor is told at once" [ -n "$NOTICE" ]
check "no acknowledgment to R" [ -z "$(to $R)" ]
check "the notice names the proceeding" says "$NOTICE" "redressement judiciaire"
check "... the opening date" says "$NOTICE" "10 mars 2026"
check "... the amounts as at 9 March" says "$NOTICE" "arrêtés au 9 mars 2026"
check "... R-001's penalties: 11,40" says "$NOTICE" "$(eur 11,40)"
check "... R-002's penalties: 16,50" says "$NOTICE" "$(eur 16,50)"
check "... R-003 at its principal" says "$NOTICE" "$(eur 400,00)"
check "... the penalties in all: 27,90" says "$NOTICE" "$(eur 27,90)"
check "... two indemnities: 80,00" says "$NOTICE" "$(eur 80,00)"
check "... the total: 4 007,90" says "$NOTICE" "$(eur "4 007,90")"
check "... the three invoices" says "$NOTICE" "R-001, R-002 et R-003"
check "... the mandataire" says "$NOTICE" "Me Claire Fontaine"
check "... her address" says "$NOTICE" "12 rue de la République, 69002 Lyon"
check "... the deadline rule (R622-24)" says "$NOTICE" "R622-24"
check "... the stay of proceedings (L622-21)" says "$NOTICE" "L622-21"
check "... relancectl dossier" says "$NOTICE" "relancectl dossier R-001"
for n in R-001 R-002 R-003; do
    check_eq "$n: the proceeding in its audit log" "redressement 2026-03-10 Me Claire Fontaine" \
        "$(ctl show $n --json | jq -r '[.history[] | select(.kind == "insolvent")][0].detail | .kind + " " + .opened + " " + .representative')"
done

echo "== N: a negated mention is no insolvency"
printf 'Bonjour,\n\nNous ne sommes pas en redressement judiciaire, simplement en retard.\n\nCordialement\n' >"$T/n.txt"
before=$(sink_count)
answer $N "$RN" "$T/n.txt" || fail "N's answer refused"
wait_sink $((before + 1)) 60
settle
check_eq "N's reply is not an insolvency" other "$(ctl replies N-001 --json | jq -r '.[0].verdict')"
# A person's reply relance cannot place goes to review (a person reads
# it): not insolvent. The operator reads it and lets the ladder go on.
check_eq "N-001 in review, not insolvent" review "$(status N-001)"
check "the operator resumes N-001" ctl resolve N-001 --resume --quiet
check_eq "N-001 open again" open "$(status N-001)"

echo "== M declared insolvent by hand"
out=$(ctl debtor $M --insolvent --since 2026-03-10 --proceeding liquidation \
    --representative "Me Paul Martin, 5 rue du Bac, 75007 Paris")
check "debtor --insolvent marks M's two cases" grep -q "2 case(s) now insolvent (M-001, M-002)" <<<"$out"
for n in M-001 M-002; do check_eq "$n insolvent" insolvent "$(status $n)"; done
check_eq "the notice waits in the outbox" 1 \
    "$(ctl outbox --json | jq '[.[] | select(.kind == "insolvency-notice" and .state == "pending")] | length')"
check_eq "list --status insolvent: the five" "M-001 M-002 R-001 R-002 R-003" \
    "$(ctl list --status insolvent --json | jq -r '.[].number' | sort | paste -sd' ')"
check "debtor --insolvent refuses --since after today" not ctl debtor $M --insolvent --since 2099-01-01

echo "== every later step date: nothing for R nor M, N's ladder goes on"
rcount=$(received $R); mcount=$(received $M)
take_new
for d in 2026-02-16 2026-02-23 2026-03-03 2026-03-10 2026-03-17 2026-03-24 2026-04-01 2026-04-02 \
    2026-04-15 2026-04-16 2026-04-30 2026-05-01 2026-05-15 2026-05-18 2026-06-01 2026-06-15 2026-07-01; do
    run_due $d >/dev/null
done
settle
take_new
check_eq "nothing more to R" "$rcount" "$(received $R)"
check_eq "nothing more to M" "$mcount" "$(received $M)"
check "N had its next steps" [ "$(received $N)" -ge 4 ]
MN=
for f in "${NEW[@]}"; do
    grep -q "^X-Rcpt-Args: <$C>" "$f" && header "$f" Subject | grep -q "^Procédure collective de .*M-001 et M-002" && MN=$f
done
check "M's notice went to the creditor" [ -n "$MN" ]
check "... liquidation judiciaire" says "$MN" "liquidation judiciaire"
check "... principal only for a debtor not known as a business" says "$MN" "seul le principal"
check "... the total 1 300,00" says "$MN" "$(eur "1 300,00")"
check "... Me Paul Martin" says "$MN" "Me Paul Martin"
check "... no indemnity claimed" not says "$MN" "$(eur 40,00)"

echo "== a held letter of a case become insolvent is never written"
nheld() { ctl letters --state held --json | jq "[.[] | select(.debtor_email == \"$N\")] | length"; }
held=$(nheld)
check "N's letter steps are held (no postal address)" [ "$held" -ge 1 ]
check "N declared insolvent by hand" grep -q "now insolvent (N-001)" <<<"$(ctl debtor $N --insolvent)"
ctl debtor $N --address "Retard SARL|1 rue Basse|69001 Lyon" >/dev/null
run_due 2026-07-02 >/dev/null
check_eq "its letters stay held once it has an address" "$held" "$(nheld)"
check_eq "none to post" 0 "$(ctl letters --state to-post --json | jq "[.[] | select(.debtor_email == \"$N\")] | length")"

echo "== reopening needs a reason"
check "resolve without --reason refuses" not ctl resolve R-003 --resume
check_eq "R-003 still insolvent" insolvent "$(status R-003)"
check "resolve --reason reopens" grep -q "status open" <<<"$(ctl resolve R-003 --resume --reason "le débiteur a payé hors procédure")"
check_eq "the reason is audited" "le débiteur a payé hors procédure" \
    "$(ctl show R-003 --json | jq -r '[.history[] | select(.kind == "case-reopened")][0].detail.reason')"

stop_relanced
check "no sanitizer reports" no_sanitizer_reports
finish
