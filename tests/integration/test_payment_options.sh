#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Paying in one scan, and the agency's people, through a real Postfix:
# relanced -n refuses an IBAN with wrong check digits and a bad BIC; the
# reminders delivered to the sink carry the IBAN, BIC, cheque address and
# payment link, and an EPC QR code as an inline PNG (multipart/related,
# <img src="cid:...">) that zbarimg decodes to the exact EPC069-12
# payload: the IBAN, the amount the reminder asks for and the invoice
# number as reference; the PDF letter, rendered at 150 dpi by pdftoppm,
# decodes to the same payload. A consumer's QR code carries the principal
# alone, a business's the penalties and the 40 EUR indemnity too. The
# agency's contact signs its steps; the partner bailiff is named in the
# agency's formal notice only, and nowhere without BailiffName. A letter
# held for want of an address is written later with the QR code of its day.
#
# By hand, at 12.15 % (ECB 2.15 + 10 points), exact/365, on 1000.00 EUR
# due 30 Jan 2026:
#   16 Feb 2026 (17 days): 1000.00 x 0.1215 x 17 / 365 = 5.6589 -> 5.66;
#                          business: 1000.00 + 5.66 + 40.00 = 1045.66
#   23 Feb 2026 (24 days): 1000.00 x 0.1215 x 24 / 365 = 7.9890 -> 7.99;
#                          business: 1000.00 + 7.99 + 40.00 = 1047.99
#   2 Mar 2026 (31 days):  1000.00 x 0.1215 x 31 / 365 = 10.3192 -> 10.32;
#                          business: 1000.00 + 10.32 + 40.00 = 1050.32
# The consumer is asked 1000.00 at every step (no L441-10 penalty, no
# D441-5 indemnity: they are owed by professionals only).
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text
NNBSP=$(printf '\342\200\257')
NBSP=$(printf '\302\240')
# eur "1 045,66": the French amount as relance writes it.
eur() { printf '%s%s\342\202\254' "${1// /$NNBSP}" "$NBSP"; }
for tool in zbarimg pdftoppm python3; do
    command -v $tool >/dev/null || { echo "$tool missing (tests/deps.sh)"; exit 1; }
done

touch "$T/seen.list"
start_sink || exit 1
write_relance_conf "SchedulerInterval 0" "TemplateDirectory $TOP/conf/templates" "LetterDirectory $T/letters" \
    "CreditorName ACME Industries SAS" "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorEmail compta@creditor.test" "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "AgencySender relances@agency.test" "ReplyAddress reponses@agency.test" "EcbRate 2.15" \
    "CreditorIban FR76 3000 6000 0112 3456 7890 189" \
    "CreditorBic BNPAFRPPPAR" \
    "CreditorChequeAddress Service encaissement, 12 rue de la Paix, 75002 Paris" \
    "PaymentLink https://pay.example/{number}?amount={amount}" \
    "AgencyContactName Claire Durand" \
    "AgencyContactPhone 04 72 00 00 00" \
    "BailiffName Maître Paul Lenoir" \
    "BailiffAddress 8 quai Saint-Antoine, 69002 Lyon" \
    "Step mise-en-demeure after=17 copy=no" \
    "Step agence-lettre after=24 interval=1 from=agency copy=no letter=yes" \
    "Step agence-mise-en-demeure after=31 interval=1 from=agency copy=no letter=registered" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"

echo "== relanced -n checks the IBAN and the BIC"
check_eq "relanced -n accepts the payment keys (no CreditorPaymentInfo: the IBAN says how to pay)" \
    "configuration OK" "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
sed 's/^CreditorIban .*/CreditorIban FR76 3000 6000 0112 3456 7890 188/' "$RELANCE_CONF" >"$T/badiban.conf"
out=$("$RELANCED" -n -c "$T/badiban.conf" 2>&1); rc=$?
check "a wrong check digit is refused" [ "$rc" -ne 0 ]
check "... named: CreditorIban, mod 97" grep -q "CreditorIban: .*mod 97" <<<"$out"
sed 's/^CreditorBic .*/CreditorBic BNPAFRPPXX/' "$RELANCE_CONF" >"$T/badbic.conf"
out=$("$RELANCED" -n -c "$T/badbic.conf" 2>&1); rc=$?
check "a BIC of 10 characters is refused" [ "$rc" -ne 0 ]
check "... named: CreditorBic" grep -q "CreditorBic: a BIC has 8 or 11" <<<"$out"
grep -v '^BailiffName \|^BailiffAddress ' "$RELANCE_CONF" >"$T/nobailiff.conf"
start_relanced || exit 1
start_postfix || exit 1

# send NUMBER EMAIL BUYER-PARTY-XML: a 1000.00 EUR invoice due 30 Jan 2026.
send() {
    ubl_invoice "$1" 2025-12-31 2026-01-30 1000.00 "Buyer $1" "$2" |
        sed "s|<cac:AccountingCustomerParty><cac:Party>|&$3|" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$2" "Facture $1" "$T/$1.xml" application/xml \
        "<invoice-$1@creditor.test>"
    "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test "$2" "$T/$1.eml" >/dev/null || fail "invoice $1 refused"
}
text() { sink_message "$1" | "$MAIL_TEXT"; }
joined() { sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g'; }
says() { text "$1" | joined | grep -qF -- "$2"; }
to() { local f; for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && echo "$f"; done; }
letter_field() { ctl letters --json | jq -r ".[] | select(.number == \"$1\" and .step == $2) | $3"; }
# run_due DATE MAILS: a run as at DATE that sends MAILS reminders.
run_due() {
    local before
    before=$(sink_count)
    ctl run-due --now "$1" --json >"$T/run.json" 2>>"$T/ctl.err"
    check_eq "$1: $2 reminder(s) sent" "$2" "$(jq .sent "$T/run.json")"
    wait_sink $((before + $2)) 60
    settle
    take_new
}
# epc AMOUNT REFERENCE: the payload expected, field by field (EPC069-12
# version 002: service tag, version, UTF-8, SCT, BIC, name, IBAN, amount,
# no purpose, no structured reference, the reference; nothing after it).
epc() {
    printf 'BCD\n002\n1\nSCT\nBNPAFRPPPAR\nACME Industries SAS\nFR7630006000011234567890189\nEUR%s\n\n\n%s' "$1" "$2"
}
# html_qr SINKFILE PNG: the image the HTML part shows, found by the
# Content-ID its <img src="cid:..."> names, written to PNG; fails when the
# HTML names none, the part is missing or is not image/png.
html_qr() {
    sink_message "$1" >"$T/qr-msg.eml"
    python3 - "$T/qr-msg.eml" "$2" <<'EOF'
import email, re, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
html, parts, related = None, {}, False
for part in msg.walk():
    if part.get_content_type() == 'multipart/related':
        related = any(p.get_content_type() == 'text/html' for p in part.iter_parts())
    if part.get_content_type() == 'text/html':
        html = part.get_content()
    if part['Content-ID']:
        parts[part['Content-ID'].strip().strip('<>')] = part
m = re.search(r'<img src="cid:([^"]+)"', html or '')
if not related or m is None or m.group(1) not in parts:
    sys.exit(1)
image = parts[m.group(1)]
if image.get_content_type() != 'image/png' or image.get_content_disposition() != 'inline':
    sys.exit(1)
open(sys.argv[2], 'wb').write(image.get_payload(decode=True))
EOF
}
# (zbar's D-Bus client complains on stderr where there is no bus.)
decode() { zbarimg --raw -q "$1" 2>/dev/null; }

P=compta@firm.test
C=jean.dupont@home.test
send P-001 $P "<cac:PartyTaxScheme><cbc:CompanyID>FR44732829320</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyIdentification><cbc:ID schemeID=\"0009\">73282932000074</cbc:ID></cac:PartyIdentification>"
send C-001 $C ""
check "both invoices delivered" wait_sink 2 60
take_new
check_eq "two cases" 2 "$(ctl list --json | jq length)"
check "C is a consumer" ctl debtor $C --kind consumer
check "P has a postal address (for the letter)" ctl debtor $P --address "Service comptable|5 avenue Foch|69006 Lyon"
check_eq "P is a business (its SIRET and VAT id), the only one" "P-001" "$(ctl list --kind business --json | jq -r '.[].number')"

echo "== step 1 (16 Feb, the creditor's formal notice, claiming): QR codes in the HTML parts"
run_due 2026-02-16 2
P1=$(to $P); C1=$(to $C)
check "P's reminder arrived" [ -f "$P1" ]
check "C's reminder arrived" [ -f "$C1" ]
check "P's HTML part shows an inline PNG (multipart/related, cid:)" html_qr "$P1" "$T/p1.png"
check_eq "P's QR code: 1045.66 (1000.00 + 5.66 + 40.00), reference P-001" "$(epc 1045.66 P-001)" "$(decode "$T/p1.png")"
check "C's HTML part shows an inline PNG" html_qr "$C1" "$T/c1.png"
check_eq "C's QR code: the principal alone, 1000.00" "$(epc 1000.00 C-001)" "$(decode "$T/c1.png")"
check "P's text asks for the same amount" says "$P1" "Pour régler $(eur "1 045,66"), avec la référence P-001"
check "C's text: the principal" says "$C1" "Pour régler $(eur "1 000,00"), avec la référence C-001"
check "the IBAN and the BIC in the text" says "$P1" "IBAN FR76 3000 6000 0112 3456 7890 189, BIC BNPAFRPPPAR, au nom de ACME Industries SAS"
check "the cheque address" says "$P1" "adressé à Service encaissement, 12 rue de la Paix, 75002 Paris"
check "the link, amount as 1045.66" says "$P1" "https://pay.example/P-001?amount=1045.66"
check "the HTML part links it" grep -qF 'href="https://pay.example/P-001?amount=1045.66"' <(text "$P1")
check "the text part stands for the QR code in words" says "$P1" "[code QR de paiement]"
check "the creditor's step names no bailiff" not says "$P1" "commissaire de justice"

echo "== step 2 (23 Feb, the agency's letter): the PDF carries the same QR code as the mail"
run_due 2026-02-23 2
P2=$(to $P); C2=$(to $C)
check "P's HTML QR" html_qr "$P2" "$T/p2.png"
check_eq "P's QR code: 1047.99 (1000.00 + 7.99 + 40.00)" "$(epc 1047.99 P-001)" "$(decode "$T/p2.png")"
pdf=$(letter_field P-001 2 .path)
check "P's letter is a PDF" grep -q "^%PDF-" "$pdf"
pdftoppm -r 150 -png "$pdf" "$T/letter2"
check_eq "the letter's QR code (150 dpi) decodes to the mail's" "$(epc 1047.99 P-001)" \
    "$(for f in "$T"/letter2*.png; do decode "$f"; done)"
pdftotext -layout "$pdf" "$T/letter2.txt"
check "the letter gives the IBAN too" grep -q "FR76 3000 6000 0112 3456 7890 189" "$T/letter2.txt"
check "the words standing for the QR code are not printed (the code is)" not grep -q "code QR de paiement\]" "$T/letter2.txt"
check "C's QR code: 1000.00" html_qr "$C2" "$T/c2.png"
check_eq "C's decoded" "$(epc 1000.00 C-001)" "$(decode "$T/c2.png")"
check "the agency's contact signs" says "$P2" "Claire Durand"
check "... with the phone" says "$P2" "Tél.${NBSP}: 04 72 00 00 00"
check "the agency's letter names no bailiff (bailiff=no by default)" not says "$P2" "commissaire de justice"

echo "== C's letter, held for want of an address, is written later with the QR code of its day"
check_eq "C's letter: held" held "$(letter_field C-001 2 .state)"
check "C gets an address" ctl debtor $C --address "Jean Dupont|7 rue Verte|31000 Toulouse"
run_due 2026-02-24 0
check_eq "C's letter: to post" to-post "$(letter_field C-001 2 .state)"
pdftoppm -r 150 -png "$(letter_field C-001 2 .path)" "$T/held"
check_eq "the held letter's QR code: 1000.00 as on 23 Feb" "$(epc 1000.00 C-001)" \
    "$(for f in "$T"/held*.png; do decode "$f"; done)"

echo "== step 3 (2 Mar, the agency's formal notice): the bailiff named, as a fact"
run_due 2026-03-02 2
P3=$(to $P); C3=$(to $C)
check "P's HTML QR" html_qr "$P3" "$T/p3.png"
check_eq "P's QR code: 1050.32 (1000.00 + 10.32 + 40.00)" "$(epc 1050.32 P-001)" "$(decode "$T/p3.png")"
check "the formal notice names the bailiff" says "$P3" \
    "Nous pourrions confier ce dossier à Maître Paul Lenoir, commissaire de justice, 8 quai Saint-Antoine, 69002 Lyon"
check "... and says it is no bailiff's act" says "$P3" "Le présent courrier n'est pas un acte de commissaire de justice"
check "C's formal notice names it too" says "$C3" "Maître Paul Lenoir, commissaire de justice"
pdf=$(letter_field P-001 3 .path)
pdftoppm -r 150 -png "$pdf" "$T/letter3"
check_eq "the registered letter's QR code" "$(epc 1050.32 P-001)" "$(for f in "$T"/letter3*.png; do decode "$f"; done)"
pdftotext -layout "$pdf" "$T/letter3.txt"
check "the letter names the bailiff" grep -q "Maître Paul Lenoir" "$T/letter3.txt"
"$RELANCECTL" -c "$T/nobailiff.conf" preview P-001 --step 3 --now 2026-03-02 >"$T/nobailiff.txt" 2>&1
check "the preview works without BailiffName" grep -q "Mise en demeure" "$T/nobailiff.txt"
check "without BailiffName no bailiff is named" not grep -q "commissaire de justice" "$T/nobailiff.txt"

check "no sanitizer report" no_sanitizer_reports
finish
