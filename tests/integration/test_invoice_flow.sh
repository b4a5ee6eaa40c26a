#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Invoices sent through a real Postfix become cases; every message is
# delivered byte for byte but for one added header; bad input is delivered
# and logged; mail still flows when relanced is down.
source "$(dirname "$0")/lib.sh"

start_sink || exit 1
write_relance_conf "MaxMessageSize 1M"
start_relanced || exit 1
start_postfix || exit 1

SENT=0
# send_smtp FILE [FROM] [TO]: sends, records the queue id in QID.
send_smtp() {
    local from=${2:-billing@creditor.test} to=${3:-client@customer.test} reply
    reply=$("$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" "$from" "$to" "$1") || { fail "SMTP refused $1: $reply"; return 1; }
    QID=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' <<<"$reply")
    SENT=$((SENT + 1))
}
# delivered: the newest sink file once SENT messages have arrived.
delivered() {
    if ! wait_sink "$SENT" 30; then fail "message $SENT not delivered"; return 1; fi
    DELIVERED=$(ls -t "$SINK"/* | head -n 1)
}
# same_but_header FILE: the delivered message equals FILE once the MTA's
# Received lines and relance's X-Relance header are taken out.
same_but_header() {
    sink_message "$DELIVERED" | awk '
        /^Received:/ { skip = 1; next }
        /^X-Relance:/ { skip = 1; next }
        skip && /^[ \t]/ { next }
        { skip = 0; print }' >"$T/delivered.body"
    tr -d '\r' <"$1" | cmp -s - "$T/delivered.body"
}
has_header() { sink_message "$DELIVERED" | sed '/^$/q' | grep -q "^$1"; }
count_header() { sink_message "$DELIVERED" | sed '/^$/q' | grep -c "^$1"; }
logged_with_qid() { grep -q "$QID: $1" "$RELANCE_LOG"; }

echo "== Factur-X invoice by SMTP (smtpd_milters)"
mime_with_attachment "$T/facturx.eml" billing@creditor.test client@customer.test \
    "Facture F20180027" "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf
send_smtp "$T/facturx.eml" && delivered
check "one X-Relance header added" [ "$(count_header X-Relance:)" = 1 ]
check "header names the invoice" has_header "X-Relance: tracked invoice F20180027 100.00 EUR due 2019-01-30"
check "delivered byte-identical apart from the header" same_but_header "$T/facturx.eml"
check "log line with the queue id" logged_with_qid "tracked invoice F20180027"
json=$(ctl show F20180027 --json)
check_eq "number" F20180027 "$(jqr .number <<<"$json")"
check_eq "type" invoice "$(jqr .type <<<"$json")"
check_eq "issue date" 2018-12-31 "$(jqr .issue_date <<<"$json")"
check_eq "due date" 2019-01-30 "$(jqr .due_date <<<"$json")"
check_eq "amount due" 100.00 "$(jqr .amount_due <<<"$json")"
check_eq "currency" EUR "$(jqr .currency <<<"$json")"
check_eq "debtor e-mail (document's BT-58)" me@buyer.com "$(jqr .debtor_email <<<"$json")"
check_eq "debtor name" "LE CLIENT" "$(jqr .debtor_name <<<"$json")"
check_eq "seller" "LE FOURNISSEUR" "$(jqr .seller_name <<<"$json")"
check_eq "source" facturx "$(jqr .source <<<"$json")"
check_eq "status" open "$(jqr .status <<<"$json")"
check_eq "level" 0 "$(jqr .level <<<"$json")"
check_eq "history records the tracking" invoice-tracked "$(jqr '.history[0].kind' <<<"$json")"

echo "== the same invoice again is the same case"
send_smtp "$T/facturx.eml" && delivered
check "header says already tracked" has_header "X-Relance: already tracked invoice F20180027"
check_eq "still one case" 1 "$(ctl list --json | jq 'map(select(.number == "F20180027")) | length')"

echo "== UBL invoice by sendmail(1) (non_smtpd_milters)"
mime_with_attachment "$T/ubl.eml" billing@creditor.test lj@buyer.se \
    "Invoice Snippet1" "$CORPUS/ubl/pp_base-example.xml" application/xml "<ubl-1@creditor.test>"
submit billing@creditor.test "$T/ubl.eml" && SENT=$((SENT + 1))
delivered
check "header added on the sendmail(1) path" has_header "X-Relance: tracked invoice Snippet1 1656.25 EUR due 2017-12-01"
check "delivered byte-identical apart from the header" same_but_header "$T/ubl.eml"
json=$(ctl show Snippet1 --json)
check_eq "UBL number" Snippet1 "$(jqr .number <<<"$json")"
check_eq "UBL amount" 1656.25 "$(jqr .amount_due <<<"$json")"
check_eq "UBL due date" 2017-12-01 "$(jqr .due_date <<<"$json")"
check_eq "UBL debtor" lj@buyer.se "$(jqr .debtor_email <<<"$json")"
check_eq "UBL source" ubl "$(jqr .source <<<"$json")"

echo "== CII credit note; envelope recipient as debtor when the document names none"
mime_with_attachment "$T/cii.eml" billing@creditor.test franz@kunde.test \
    "Gutschrift 123" "$CORPUS/cii/zc_testout-ZF2PushCreditNote.xml" text/xml
send_smtp "$T/cii.eml" billing@creditor.test franz@kunde.test && delivered
json=$(ctl show 123 --json)
check_eq "credit note type" credit_note "$(jqr .type <<<"$json")"
check_eq "credit note source" cii "$(jqr .source <<<"$json")"
check_eq "debtor from the envelope" franz@kunde.test "$(jqr .debtor_email <<<"$json")"
check_eq "nothing to collect on a credit note" closed "$(jqr .status <<<"$json")"

echo "== a message that is no invoice passes untouched"
cat >"$T/plain.eml" <<'EOF'
From: Service facturation <billing@creditor.test>
To: <client@customer.test>
Subject: Rendez-vous
Date: Mon, 23 Nov 2026 10:00:00 +0100
Message-ID: <plain-1@creditor.test>

Bonjour, pouvons-nous nous voir mardi ?
EOF
send_smtp "$T/plain.eml" && delivered
check "no header on a non-invoice" not has_header X-Relance:
check "delivered byte-identical" same_but_header "$T/plain.eml"
check "logged as analysed, no invoice" logged_with_qid "analysed .* no invoice"

echo "== mail from outside is accepted unread, even from an invoice sender's address"
XCLIENT_ADDR=203.0.113.9 send_smtp "$T/facturx.eml" billing@creditor.test accounts@creditor.test && delivered
check "no header" not has_header X-Relance:
check "accepted at end of headers" logged_with_qid ".*accepted unread"
check "no case made from outside" [ "$(ctl list --json | jq length)" = 3 ]

echo "== malformed input is delivered and logged, never rejected"
printf 'From: <billing@creditor.test>\nTo: <c@customer.test>\nSubject: broken\nDate: Mon, 23 Nov 2026 10:00:00 +0100\nMessage-ID: <broken-1@creditor.test>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="never-closed"\n\n--never-closed\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%%%%not base64 at all\n--nev\n' >"$T/broken-mime.eml"
send_smtp "$T/broken-mime.eml" && delivered
check "broken MIME delivered" same_but_header "$T/broken-mime.eml"
check "broken MIME logged" logged_with_qid "analysed"

head -c 60000 "$CORPUS/facturx/zf22_EN16931_Einfach_DueDate.pdf" >"$T/truncated.pdf"
mime_with_attachment "$T/truncated.eml" billing@creditor.test c@customer.test "Facture" "$T/truncated.pdf" application/pdf
send_smtp "$T/truncated.eml" && delivered
check "truncated PDF delivered" same_but_header "$T/truncated.eml"
check "truncated PDF logged as skipped" logged_with_qid "note: truncated.pdf"

cat >"$T/xxe.xml" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"><n>&x;</n></rsm:CrossIndustryInvoice>
EOF
mime_with_attachment "$T/xxe.eml" billing@creditor.test c@customer.test "Facture" "$T/xxe.xml" application/xml
send_smtp "$T/xxe.eml" && delivered
check "external entity: delivered" same_but_header "$T/xxe.eml"
check "external entity: refused and logged" logged_with_qid "note: xxe.xml: unreadable XML"

{
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    for i in b c d e f g h i j; do printf '<!ENTITY %s "' "$i"; for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$(tr 'b-j' 'a-i' <<<"$i")"; done; echo '">'; done
    echo ']><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&j;</Invoice>'
} >"$T/bomb.xml"
mime_with_attachment "$T/bomb.eml" billing@creditor.test c@customer.test "Invoice" "$T/bomb.xml" application/xml
send_smtp "$T/bomb.eml" && delivered
check "entity bomb: delivered" same_but_header "$T/bomb.eml"
check "entity bomb: refused and logged" logged_with_qid "note: bomb.xml: unreadable XML"

head -c 1500000 /dev/urandom | base64 >"$T/big.bin"
mime_with_attachment "$T/big.eml" billing@creditor.test c@customer.test "Facture" "$T/big.bin" application/pdf
send_smtp "$T/big.eml" && delivered
check "over MaxMessageSize: delivered" same_but_header "$T/big.eml"
check "over MaxMessageSize: skipped and logged" logged_with_qid "skipped: message larger than MaxMessageSize"

echo "== tricky real-world MIME from the corpus"
n_before=$SENT
for f in "$CORPUS"/mime/*.eml; do
    send_smtp "$f" || true
done
check "every corpus message delivered ($((SENT - n_before)))" wait_sink "$SENT" 60
check "relanced still running after bad input" relanced_alive

echo "== relanced stopped: mail still flows"
stop_relanced
send_smtp "$T/facturx.eml" && delivered
check "delivered without the milter" same_but_header "$T/facturx.eml"
check "Postfix noted the missing milter" grep -q "Milter service" "$PF/log/maillog"

finish
