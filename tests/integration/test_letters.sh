#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Letters that are letters, through a real Postfix: the buyer's postal
# address read from a UBL invoice is printed in the window of a DL/C5-6
# envelope (read back with pdftotext); a debtor without an address gets
# the e-mail but a held letter, written at the next run once the operator
# records an address (which a later invoice never replaces); the e-mails
# of the letter steps claim no postal dispatch until the operator records
# one (relancectl letter ID --posted [--registered NUMBER]), which is an
# audit event and shows in relancectl letters; the creditor's copy of the
# formal notice says it must go by registered letter with acknowledgment.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text

command -v pdftotext >/dev/null || { echo "pdftotext missing (poppler-utils: tests/deps.sh)"; exit 1; }
touch "$T/seen.list"
start_sink || exit 1
# A short ladder of the two letter steps: the agency's letter, then its
# formal notice by registered letter.
write_relance_conf \
    "SchedulerInterval 0" \
    "TemplateDirectory $TOP/conf/templates" \
    "LetterDirectory $T/letters" \
    "CreditorName ACME Industries SAS" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "CreditorEmail compta@creditor.test" \
    "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "Step agence-lettre after=1 from=agency copy=yes letter=yes" \
    "Step agence-mise-en-demeure after=10 interval=7 from=agency copy=yes letter=registered" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
start_relanced || exit 1
start_postfix || exit 1

# ubl_with_address NUMBER BUYER EMAIL STREET MORE POSTCODE CITY: a UBL
# invoice due 2 March 2026 whose buyer has a postal address (BT-50..55).
ubl_with_address() {
    cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>$1</cbc:ID>
  <cbc:IssueDate>2026-02-01</cbc:IssueDate>
  <cbc:DueDate>2026-03-02</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>
    <cbc:RegistrationName>ACME Industries SAS</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PostalAddress>
      <cbc:StreetName>$4</cbc:StreetName>
      <cbc:AdditionalStreetName>$5</cbc:AdditionalStreetName>
      <cbc:CityName>$7</cbc:CityName>
      <cbc:PostalZone>$6</cbc:PostalZone>
      <cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>
    </cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>$2</cbc:RegistrationName></cac:PartyLegalEntity>
    <cac:Contact><cbc:ElectronicMail>$3</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">480.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>
EOF
}

# mail FILE NUMBER TO: mails the invoice in FILE through Postfix.
mail_invoice() {
    mime_with_attachment "$T/$2.eml" billing@creditor.test "$3" "Facture $2" "$1" application/xml "<invoice-$2@creditor.test>"
    "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test "$3" "$T/$2.eml" >/dev/null || fail "invoice $2 refused"
}

run_due() { # run_due WHEN REMINDERS FILES
    local before
    before=$(sink_count)
    ctl run-due --now "$1" --json >"$T/run.json" 2>>"$T/ctl.err"
    check_eq "$1: $2 reminder(s) sent" "$2" "$(jq .sent "$T/run.json")"
    [ "$3" -gt 0 ] && wait_sink $((before + $3)) 60
    settle
    check_eq "$1: $3 message(s) at the sink" $((before + $3)) "$(sink_count)"
    take_new
}
to() { local f; for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && echo "$f"; done; }
text() { sink_message "$1" | "$MAIL_TEXT"; }
# says FILE TEXT (lines joined); says_text TEXT on stdin.
joined() { sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g'; }
says() { text "$1" | joined | grep -qF -- "$2"; }
preview_says() { ctl preview "$1" --step "$2" --now "$3" | joined | grep -qF -- "$4"; }
# copy_about NUMBER: the creditor's copy among the new messages that names it.
copy_about() { grep -l "^X-Rcpt-Args: <compta@creditor.test>" "${NEW[@]}" | xargs -r grep -l "$1" | head -n 1; }
quiet() { "$@" >/dev/null; }
letter_field() { ctl letters --json | jq -r ".[] | select(.number == \"$1\" and .step == $2) | $3"; }

P=papeterie@client-p.test
N=sansadresse@client-n.test

echo "== the buyer's postal address comes with the invoice"
ubl_with_address P-001 "Papeterie Lambert SARL" $P "18 rue des Lilas" "Bâtiment B" 33000 Bordeaux >"$T/P-001.xml"
mail_invoice "$T/P-001.xml" P-001 $P
ubl_invoice N-001 2026-02-01 2026-03-02 250.00 "Sans Adresse SAS" $N >"$T/N-001.xml"
mail_invoice "$T/N-001.xml" N-001 $N
check "both invoices delivered" wait_sink 2 60
take_new
check_eq "two cases" 2 "$(ctl list --json | jq length)"
check_eq "the debtor's address, from the invoice" "18 rue des Lilas|Bâtiment B|33000 Bordeaux|invoice" \
    "$(sqlite3 "$RELANCE_DB" "SELECT replace(postal_address, char(10), '|') || '|' || postal_address_source FROM debtors WHERE email = '$P'")"
check_eq "no address for the other" "" "$(sqlite3 "$RELANCE_DB" "SELECT COALESCE(postal_address, '') FROM debtors WHERE email = '$N'")"
check_eq "no letter yet" "no letters" "$(ctl letters)"

echo "== step 1 (the agency's letter): written for one, held for the other; the mails still go"
run_due 2026-03-03 2 4
P1=$(to $P); N1=$(to $N)
check "P's reminder went" [ -f "$P1" ]
check "N's reminder went, though its letter is held" [ -f "$N1" ]
check_eq "P's letter: to post" to-post "$(letter_field P-001 1 .state)"
check_eq "N's letter: held" held "$(letter_field N-001 1 .state)"
check_eq "N's letter has no address" null "$(ctl letters --json | jq -r '.[] | select(.number == "N-001") | .address')"
check "the table says why it is held" grep -q "N-001 .*held (no address)" <<<"$(ctl letters)"
check_eq "the letter is a plain one" false "$(letter_field P-001 1 .registered_mail)"
pdf=$(letter_field P-001 1 .path)
check "P's letter is a PDF" grep -q "^%PDF-" "$pdf"
check_eq "one PDF only: nothing written for N" 1 "$(ls "$T"/letters/*.pdf | wc -l)"
pdftotext -layout "$pdf" "$T/p.txt"
check_eq "the window block: name, street, more, post code and city, in order" \
    "Papeterie Lambert SARL|18 rue des Lilas|Bâtiment B|33000 Bordeaux" \
    "$(grep -oE 'Papeterie Lambert SARL|18 rue des Lilas|Bâtiment B|33000 Bordeaux' "$T/p.txt" | head -n 4 | paste -sd '|')"
check "the sender's block: the agency" grep -q "3 place Bellecour, 69002 Lyon" "$T/p.txt"
check "no e-mail address as recipient any more" not grep -q "$P" <(sed -n 1,12p "$T/p.txt")
# Where: -bbox gives each word's box in points (1 mm = 2.835 pt). The
# block starts 100 mm (283.5 pt) from the left edge; its lines lie within
# the window's 45..90 mm (127.6..255.1 pt) from the top.
pdftotext -bbox "$pdf" "$T/p.html"
box() { grep -m1 ">$1<" "$T/p.html" | sed -E 's/.*xMin="([0-9.]+)" yMin="([0-9.]+)".*/\1 \2/'; }
read -r sx sy <<<"$(box Lilas)"
read -r nx _ <<<"$(box 18)"
read -r cx cy <<<"$(box Bordeaux)"
read -r ax ay <<<"$(box Bellecour,)"
check "the street starts 100 mm from the left edge (${nx} pt)" awk -v x="$nx" 'BEGIN { exit !(x > 282 && x < 285) }'
check "the street lies in the window's height (${sy} pt)" awk -v y="$sy" 'BEGIN { exit !(y > 127.6 && y < 255.1) }'
check "the city below the street, still in the window (${cy} pt)" awk -v a="$sy" -v b="$cy" 'BEGIN { exit !(b > a && b < 255.1) }'
check "the city on the window's side (${cx} pt)" awk -v x="$cx" 'BEGIN { exit !(x > 283) }'
check "the sender top left, above the window (${ax} ${ay} pt)" awk -v x="$ax" -v y="$ay" 'BEGIN { exit !(x < 200 && y < 127.6) }'
check "P's e-mail claims no postal dispatch" not says "$P1" "par voie postale"
check "... nor the old claim" not says "$P1" "courrier postal"
copy_p=$(copy_about P-001)
check "the creditor's copy carries the letter" grep -q "application/pdf" "$copy_p"
check "the copy: to print and post" says "$copy_p" "est à imprimer et à poster"
check "the copy of step 1 asks for no registered letter" not says "$copy_p" "recommandée"
copy_n=$(copy_about N-001)
check "the copy of N: the letter is held" says "$copy_n" "adresse postale du débiteur est inconnue"
check "the copy of N carries no letter" not grep -q "application/pdf" "$copy_n"
n_id=$(letter_field N-001 1 .id)
check "a held letter cannot be recorded as posted" not ctl letter "$n_id" --posted 2>/dev/null
check_eq "the history records the held letter" 1 \
    "$(ctl show N-001 --json | jq '[.history[] | select(.kind == "letter-held")] | length')"

echo "== the operator gives N an address: the held letter is written at the next run"
check "a one-line address is refused" not ctl debtor $N --address "5 avenue Foch" 2>/dev/null
check "debtor --address records it" quiet ctl debtor $N --address "Service comptable|5 avenue Foch|69006 Lyon"
check_eq "the operator's address" "Service comptable|5 avenue Foch|69006 Lyon|operator" \
    "$(sqlite3 "$RELANCE_DB" "SELECT replace(postal_address, char(10), '|') || '|' || postal_address_source FROM debtors WHERE email = '$N'")"
run_due 2026-03-04 0 0
check_eq "N's letter: to post" to-post "$(letter_field N-001 1 .state)"
npdf=$(letter_field N-001 1 .path)
check "N's letter written" grep -q "^%PDF-" "$npdf"
pdftotext -layout "$npdf" "$T/n.txt"
check_eq "N's window block in order" "Sans Adresse SAS|Service comptable|5 avenue Foch|69006 Lyon" \
    "$(grep -oE 'Sans Adresse SAS|Service comptable|5 avenue Foch|69006 Lyon' "$T/n.txt" | head -n 4 | paste -sd '|')"
check "the held letter keeps the reminder's text" grep -q "N-001" "$T/n.txt"
ubl_with_address N-002 "Sans Adresse SAS" $N "99 rue Autre" "Etage 2" 13001 Marseille >"$T/N-002.xml"
before=$(sink_count)
mail_invoice "$T/N-002.xml" N-002 $N
check "the second invoice delivered" wait_sink $((before + 1)) 60
take_new
check_eq "a later invoice never replaces the operator's address" "Service comptable|5 avenue Foch|69006 Lyon|operator" \
    "$(sqlite3 "$RELANCE_DB" "SELECT replace(postal_address, char(10), '|') || '|' || postal_address_source FROM debtors WHERE email = '$N'")"
ctl pay N-002 >/dev/null

echo "== no claim of dispatch until the operator records it"
check "before: step 1 says nothing of post" not preview_says P-001 1 2026-03-04 "par voie postale"
p_id=$(letter_field P-001 1 .id)
check "letter --posted" quiet ctl letter "$p_id" --posted --on 2026-03-05
check_eq "listed as posted" posted "$(letter_field P-001 1 .state)"
check_eq "posted on" 2026-03-05 "$(letter_field P-001 1 .posted_on)"
check "after: step 1 says it was posted, and when" \
    preview_says P-001 1 2026-03-05 "Un courrier vous a été adressé par voie postale le 5 mars 2026."
check "N's letter, not posted: N's mail still says nothing" not preview_says N-001 1 2026-03-05 "par voie postale"
check "posting twice is refused" not ctl letter "$p_id" --posted 2>/dev/null
check_eq "the posting is in the audit log" "operator 1 2026-03-05" \
    "$(ctl show P-001 --json | jq -r '.history[] | select(.kind == "letter-posted") | "\(.actor) \(.detail.step) \(.detail.posted_on)"')"

echo "== step 2 (formal notice): registered letter"
run_due 2026-03-12 2 4
P2=$(to $P); N2=$(to $N)
check "P's formal notice names the posted letter" says "$P2" "Un courrier vous a été adressé par voie postale le 5 mars 2026."
check "... and no registered letter yet" not says "$P2" "recommandée"
# Earlier letters are recalled by the agency's reference and first date (R124-4), never as "posted".
check "... and recalls the agency's first letter" says "$P2" "(référence R-"
check "N's formal notice: no letter posted, none claimed" not says "$N2" "par voie postale"
check "... and recalls the agency's first letter too" says "$N2" "(référence R-"
check_eq "the formal notice's letter goes by registered mail" true "$(letter_field P-001 2 .registered_mail)"
copy_p2=$(copy_about P-001)
check "the creditor's copy: by registered letter with acknowledgment of receipt" \
    says "$copy_p2" "par lettre recommandée avec avis de réception"
check "the copy cites article 1344" says "$copy_p2" "article 1344 du Code civil"
p2_id=$(letter_field P-001 2 .id)
check "an invalid registered number is refused" not ctl letter "$p2_id" --posted --registered "1A!" 2>/dev/null
check "letter --posted --registered" quiet ctl letter "$p2_id" --posted --registered "1A 123 456 7890 1" --on 2026-03-13
check_eq "listed as registered" registered "$(letter_field P-001 2 .state)"
check_eq "with its number" 1A12345678901 "$(letter_field P-001 2 .registered_number)"
check "the table shows it" grep -q "registered letter 1A12345678901" <<<"$(ctl letters)"
check_eq "the registered posting is in the audit log" "operator 1A12345678901" \
    "$(ctl show P-001 --json | jq -r '.history[] | select(.kind == "letter-registered") | "\(.actor) \(.detail.registered_number)"')"
check "after: the formal notice names the registered letter" preview_says P-001 2 2026-03-13 \
    "le 13 mars 2026, en lettre recommandée avec avis de réception n° 1A12345678901."

check "no sanitizer report" no_sanitizer_reports
finish
