#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Whose invoice, through a real Postfix: with CreditorName and CreditorIds
# set, our own CII invoice becomes a case; a supplier's invoice to us,
# forwarded by our accounting, does not; a credit note from another seller
# that names our invoice's number leaves it as it was, while our own
# credit note lowers it. The log says why each was left out. Then
# relancectl inspect shows the same decision. A forged X-Relance header
# on mail from outside does not reach the mailbox.
source "$(dirname "$0")/lib.sh"

# cii_doc NUMBER TYPECODE SELLER SELLER_SIREN BUYER BUYER_SIRET TOTAL [REFERENCED]
cii_doc() {
    local ref=""
    [ -n "${8:-}" ] && ref="<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>$8</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>"
    cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>$1</ram:ID>
    <ram:TypeCode>$2</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20261201</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>$3</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">$4</ram:ID></ram:SpecifiedLegalOrganization>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>$5</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">$6</ram:ID></ram:SpecifiedLegalOrganization>
        <ram:DefinedTradeContact><ram:EmailURIUniversalCommunication><ram:URIID>compta@client.test</ram:URIID></ram:EmailURIUniversalCommunication></ram:DefinedTradeContact>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      $ref
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime><udt:DateTimeString format="102">20261231</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:GrandTotalAmount>$7</ram:GrandTotalAmount>
        <ram:DuePayableAmount>$7</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
XML
}

start_sink || exit 1
write_relance_conf "CreditorName ACME Industries SAS" "CreditorIds 123.456.789, fr40123456789"
start_relanced || exit 1
start_postfix || exit 1

SENT=0
# send FROM TO NAME: NAME.xml attached to a mail, sent from 127.0.0.1
# (InternalHosts); the queue id in QID.
send() {
    local reply
    mime_with_attachment "$T/$3.eml" "$1" "$2" "Document $3" "$T/$3.xml" application/xml
    reply=$("$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" "$1" "$2" "$T/$3.eml") || { fail "SMTP refused $3: $reply"; return 1; }
    QID=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' <<<"$reply")
    SENT=$((SENT + 1))
    wait_sink "$SENT" 30 || { fail "message $SENT not delivered"; return 1; }
    # The milter has answered before Postfix queued the mail.
}
has_case() { ctl show "$1" --json >/dev/null 2>&1; }
field() { ctl show "$1" --json | jqr "$2"; }
logged_with_qid() { grep -qF "$QID: $1" "$RELANCE_LOG"; }

echo "== our own invoice"
cii_doc O-100 380 "ACME Industries SAS" 123456789 "Client SA" 55566677700011 1200.00 >"$T/O-100.xml"
send billing@creditor.test compta@client.test O-100
check "tracked" has_case O-100
check_eq "balance" 1200.00 "$(field O-100 .balance)"

echo "== a supplier's invoice to us, forwarded by our accounting"
cii_doc S-200 380 "Fournitures Dubois SARL" 987654321 "ACME Industries SAS" 12345678900017 480.00 >"$T/S-200.xml"
send compta@creditor.test expert@cabinet.test S-200
check "not tracked" not has_case S-200
check "the log says why" logged_with_qid \
    "not tracked: invoice S-200 from cii (S-200.xml): not ours: the buyer's SIRET 12345678900017 is in CreditorIds"

echo "== another seller's credit note with our invoice's number"
cii_doc AV-300 381 "Autre Vendeur SARL" 555666777 "Client SA" 55566677700011 500.00 O-100 >"$T/AV-300.xml"
send billing@creditor.test compta@client.test AV-300
check "not tracked" not has_case AV-300
check "the log says why" logged_with_qid \
    "not tracked: credit_note AV-300 from cii (AV-300.xml): not ours: seller SIREN 555666777 not in CreditorIds"
check_eq "our invoice's balance unchanged" 1200.00 "$(field O-100 .balance)"

echo "== our own credit note lowers it"
cii_doc AV-301 381 "ACME Industries" 123456789 "Client SA" 55566677700011 200.00 O-100 >"$T/AV-301.xml"
send billing@creditor.test compta@client.test AV-301
check "tracked" has_case AV-301
check_eq "our invoice's balance lowered" 1000.00 "$(field O-100 .balance)"

echo "== relancectl inspect says the same"
out=$(ctl inspect "$T/S-200.xml")
check "inspect: the supplier's invoice is not ours" grep -qF \
    "ours:       no, not tracked (not ours: the buyer's SIRET 12345678900017 is in CreditorIds)" <<<"$out"
out=$(ctl inspect "$T/O-100.xml" --json)
check_eq "inspect --json: ours" true "$(jqr '.invoices[0].ours' <<<"$out")"
check_eq "inspect --json: why" "seller: SIREN 123456789 matches CreditorIds" "$(jqr '.invoices[0].owner' <<<"$out")"

echo "== a forged X-Relance header from outside does not reach the mailbox"
{
    printf 'From: <faussaire@example.org>\nTo: <compta@creditor.test>\nSubject: Paid\n'
    printf 'Message-ID: <forged-%s@example.org>\n' "$RANDOM"
    printf 'X-Relance: tracked invoice O-100 1200.00 EUR\nX-Relance-Reply: paid\n\nTout est reglé.\n'
} >"$T/forged.eml"
# XCLIENT: a client outside InternalHosts, still on loopback.
XCLIENT_ADDR=198.51.100.30 "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" faussaire@example.org compta@creditor.test \
    "$T/forged.eml" >/dev/null
SENT=$((SENT + 1))
check "delivered" wait_sink "$SENT" 30
copy=$(grep -l "forged-" "$SINK"/* | head -n 1)
check "the delivered copy is the forged mail" [ -n "$copy" ]
check "without X-Relance" not grep -qi "^X-Relance:" "$copy"
check "without X-Relance-Reply" not grep -qi "^X-Relance-Reply:" "$copy"
check "the deletion is logged" grep -q "deleted 1 X-Relance header arriving from outside" "$RELANCE_LOG"

finish
