#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The debtor's kind through a real Postfix, with the default
# DefaultDebtorKind (unknown): an invoice that names no buyer id makes an
# unknown debtor, reminded for the principal alone (no L441-10 penalties,
# no D441-5 indemnity) and listed by `relancectl list --kind unknown`; an
# invoice naming the buyer's SIRET and VAT id makes a business, claimed
# both at the step that claims them. relanced -n warns without a mediator.
#
# By hand, at 12.15 % (ECB 2.15 + 10 points), exact/365: 1000.00 EUR due
# 30 Jan 2026 owes on 16 Feb (17 days) 100000 x 0.1215 x 17 / 365 =
# 565.89 -> 5.66 EUR of penalties, plus 40.00: 1 045.66 from a business,
# 1 000,00 from the unknown debtor.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text
NNBSP=$(printf '\342\200\257')
NBSP=$(printf '\302\240')
eur() { printf '%s%s\342\202\254' "${1// /$NNBSP}" "$NBSP"; }

touch "$T/seen.list"
start_sink || exit 1
write_relance_conf "SchedulerInterval 0" "TemplateDirectory $TOP/conf/templates" "LetterDirectory $T/letters" \
    "CreditorName ACME Industries SAS" "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorEmail compta@creditor.test" "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "AgencySender relances@agency.test" "ReplyAddress reponses@agency.test" "EcbRate 2.15" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
check_eq "relanced -n: a mediator, nothing to say" "configuration OK" "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
grep -v '^MediatorName' "$RELANCE_CONF" >"$T/nomediator.conf"
out=$("$RELANCED" -n -c "$T/nomediator.conf" 2>&1); rc=$?
check_eq "relanced -n without a mediator: a warning, not an error" 0 "$rc"
check "relanced -n warns that consumers will not be told of a mediator" grep -q "warning: MediatorName is empty" <<<"$out"
start_relanced || exit 1
start_postfix || exit 1

# send NUMBER EMAIL BUYER-PARTY-XML
send() {
    ubl_invoice "$1" 2025-12-31 2026-01-30 1000.00 "Buyer $1" "$2" |
        sed "s|<cac:AccountingCustomerParty><cac:Party>|&$3|" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$2" "Facture $1" "$T/$1.xml" application/xml \
        "<invoice-$1@creditor.test>"
    "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test "$2" "$T/$1.eml" >/dev/null || fail "invoice $1 refused"
}
ctl() { "$RELANCECTL" -c "$RELANCE_CONF" "$@"; }
text() { sink_message "$1" | "$MAIL_TEXT"; }
says() { text "$1" | sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }
# The newest by time written: the sink's file names only go to the second.
reminder_to() { grep -l "^X-Rcpt-Args: <$1>" "$SINK"/* | xargs -r grep -l "^X-Relance-Reminder:" | xargs -r ls -t | head -n 1; }

U=jean.dupont@home.test
P=compta@firm.test
send U-001 $U ""
send P-001 $P "<cac:PartyTaxScheme><cbc:CompanyID>FR44732829320</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyIdentification><cbc:ID schemeID=\"0009\">73282932000074</cbc:ID></cac:PartyIdentification>"
for _ in $(seq 60); do [ "$(ctl list --json | jq length)" = 2 ] && break; sleep 0.5; done
check_eq "both invoices tracked" 2 "$(ctl list --json | jq length)"

echo "== kinds and where they came from"
check_eq "the invoice without buyer ids: unknown, by default" "unknown default" \
    "$(ctl show U-001 --json | jq -r '.debtor_kind + " " + .debtor_kind_source')"
check_eq "the invoice with the buyer's SIRET and VAT id: business, from the invoice" "business invoice" \
    "$(ctl show P-001 --json | jq -r '.debtor_kind + " " + .debtor_kind_source')"
check "show names the id found" sh -c "'$RELANCECTL' -c '$RELANCE_CONF' show P-001 | grep -q '^debtor kind:  business (invoice: .* on invoice P-001)'"
check_eq "list --kind unknown lists the unknown debtor's case" "U-001" "$(ctl list --kind unknown --json | jq -r '.[].number')"
check_eq "list --kind business lists the business's case" "P-001" "$(ctl list --kind business --json | jq -r '.[].number')"
check_eq "list --kind consumer lists nothing yet" "0" "$(ctl list --kind consumer --json | jq length)"
check "list --kind refuses another word" not ctl list --kind person

echo "== reminders claim what each kind owes"
ctl run-due --now 2026-02-02T10:00 --json >"$T/run1.json" 2>>"$T/ctl.err"
check_eq "step 1 to both" 2 "$(jq .sent "$T/run1.json")"
wait_sink 4 60
ctl run-due --now 2026-02-16T10:00 --json >"$T/run2.json" 2>>"$T/ctl.err"
check_eq "step 2 to both" 2 "$(jq .sent "$T/run2.json")"
wait_sink 6 60
settle
mu=$(reminder_to $U)
mp=$(reminder_to $P)
check "the unknown debtor's avis d'impayé asks for the principal" says "$mu" "$(eur "1 000,00")"
check "... without penalties (L441-10)" not says "$mu" "L441-10"
check "... without the indemnity (D441-5)" not says "$mu" "D441-5"
check "... nor 40,00" not says "$mu" "$(eur "40,00")"
check "... and names the mediator, should the debtor be a consumer" says "$mu" "Si vous agissez en qualité de consommateur"
check "the business's avis d'impayé claims the penalties (L441-10)" says "$mp" "L441-10"
check "... and the 40 € indemnity" says "$mp" "$(eur "40,00")"
check "... 1 045,66 in all" says "$mp" "$(eur "1 045,66")"
check "... and no consumer mediator" not says "$mp" "CM2C"

echo "== the operator's word wins"
ctl debtor $U --kind consumer >/dev/null
check_eq "debtor --kind records source operator" "consumer operator" \
    "$(ctl show U-001 --json | jq -r '.debtor_kind + " " + .debtor_kind_source')"
check_eq "list --kind unknown is empty once settled" "0" "$(ctl list --kind unknown --json | jq length)"

stop_relanced
finish
