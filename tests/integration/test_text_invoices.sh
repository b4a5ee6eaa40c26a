#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Invoices without structured data, through a real Postfix: an invoice in
# a body and one in a PDF's text become cases with their source; a quote
# does not; a credit note lowers the balance of the invoice it names, and
# a full credit closes the case; a forwarded invoice is found; two
# invoices in one mail are two cases; a candidate read with too little
# confidence is logged with the queue id and the reason.
#
# The messages are the labelled set's (tests/data), their PDF layouts
# rendered by build/tools/eml_render.
source "$(dirname "$0")/lib.sh"

DATA=$TOP/tests/data
RENDER=$TOP/build/tools/eml_render

start_sink || exit 1
write_relance_conf "MaxMessageSize 4M" "MinimumConfidence 60" "DefaultPaymentTerms 30"
start_relanced || exit 1
start_postfix || exit 1

SENT=0
# send FILE: renders FILE's PDF layouts, sends it from an invoice sender,
# records the queue id in QID and waits for delivery.
send() {
    local out=$T/$(basename "$1") reply
    "$RENDER" "$1" "$out" || { fail "cannot render $1"; return 1; }
    reply=$("$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test client@customer.test "$out") ||
        { fail "SMTP refused $1: $reply"; return 1; }
    QID=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' <<<"$reply")
    SENT=$((SENT + 1))
    wait_sink "$SENT" 30 || { fail "message $SENT not delivered"; return 1; }
}
logged_with_qid() { grep -q "$QID: $1" "$RELANCE_LOG"; }
field() { ctl show "$1" --json | jqr "$2"; }
cases_named() { ctl list --json | jq --arg n "$1" 'map(select(.number == $n)) | length'; }

echo "== an invoice in the body"
send "$DATA/text-invoices/fr-body-plain.eml"
check_eq "body invoice tracked" 1 "$(cases_named 2026-0412)"
check_eq "source body" body "$(field 2026-0412 .source)"
check_eq "amount" 850.00 "$(field 2026-0412 .amount_due)"
check_eq "due date from the text" 2026-12-31 "$(field 2026-0412 .due_date)"
check "log line with the queue id" logged_with_qid "tracked invoice 2026-0412 from body"

echo "== an invoice in a PDF's text"
send "$DATA/text-invoices/fr-pdf-artisan.eml"
check_eq "PDF-text invoice tracked" 1 "$(cases_named F2026-0042)"
check_eq "source pdf-text" pdf-text "$(field F2026-0042 .source)"
check_eq "amount" 648.00 "$(field F2026-0042 .amount_due)"
check_eq "due date from '45 jours fin de mois'" 2027-01-31 "$(field F2026-0042 .due_date)"
check_eq "balance" 648.00 "$(field F2026-0042 .balance)"

echo "== a quote is no case"
before=$(ctl list --json | jq length)
send "$DATA/non-invoices/fr-devis-pdf.eml"
check_eq "no case made" "$before" "$(ctl list --json | jq length)"
check "quote logged as not tracked" logged_with_qid "not tracked: quote D-2026-014"
check "... at info: a quote is ordinary mail (LogLevel notice stays quiet)" \
    grep -q "\[info\]: $QID: not tracked: quote D-2026-014" "$RELANCE_LOG"

echo "== credit notes reduce, then close, the invoice they name"
send "$DATA/text-invoices/fr-pdf-avoir.eml"
check_eq "credit note tracked" credit_note "$(field A-2026-003 .type)"
check_eq "balance reduced by 108.00" 540.00 "$(field F2026-0042 .balance)"
check_eq "still open" open "$(field F2026-0042 .status)"
check "credit logged" logged_with_qid "credit note A-2026-003 applied to invoice F2026-0042"
check "audit event" bash -c "'$RELANCECTL' -c '$RELANCE_CONF' show F2026-0042 --json | jq -e '.history | map(.kind) | index(\"credit-note-applied\")' >/dev/null"
send "$T/fr-pdf-avoir.eml"
check_eq "the same credit note again changes nothing" 540.00 "$(field F2026-0042 .balance)"
cat >"$T/avoir-total.eml" <<'EOF'
From: ACME Renovation <billing@creditor.test>
To: Dupont & Fils <client@customer.test>
Subject: Avoir A-2026-009
Date: Mon, 14 Dec 2026 09:00:00 +0100
Message-ID: <avoir-a2026009@creditor.test>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Bonjour,

Suite à l'annulation du chantier, voici notre avoir pour le solde :

Avoir n° A-2026-009
Date : 14/12/2026
Sur facture n° F2026-0042 du 01/12/2026
Montant de l'avoir : 540,00 €

ACME Rénovation
EOF
send "$T/avoir-total.eml"
check_eq "full credit: balance zero" 0.00 "$(field F2026-0042 .balance)"
check_eq "full credit: case closed" closed "$(field F2026-0042 .status)"

echo "== a forwarded invoice (message/rfc822)"
send "$DATA/text-invoices/fr-body-transfert-rfc822.eml"
check_eq "forwarded invoice tracked" 1 "$(cases_named F-2026-0777)"
check_eq "its amount" 2100.00 "$(field F-2026-0777 .amount_due)"

echo "== two invoices in one mail"
send "$DATA/text-invoices/fr-pdf-deux-factures.eml"
check_eq "first invoice" 1 "$(cases_named JP-2026-1010)"
check_eq "second invoice" 1 "$(cases_named JP-2026-1125)"
check "header names both" grep -q "tracked invoice JP-2026-1010.*tracked invoice JP-2026-1125" \
    <(sink_message "$(newest_sink_file)" | sed '/^$/q' | tr -d '\n')

echo "== a candidate with too little confidence"
cat >"$T/weak.eml" <<'EOF'
From: Billing <billing@creditor.test>
To: <client@customer.test>
Subject: Documents
Date: Mon, 14 Dec 2026 10:00:00 +0100
Message-ID: <weak-1@creditor.test>
Content-Type: text/plain; charset=utf-8

Hi, please find attached invoice INV-4 for $500.
EOF
before=$(ctl list --json | jq length)
send "$T/weak.eml"
check_eq "no case made" "$before" "$(ctl list --json | jq length)"
check "logged with the queue id, what was found and why" \
    logged_with_qid "not tracked: invoice INV-4 from body (body), confidence 45: confidence 45 below MinimumConfidence 60"

check "... at notice: something invoice-like was read" \
    grep -q "\[notice\]: $QID: not tracked: invoice INV-4" "$RELANCE_LOG"

echo "== ordinary internal mail: nothing for the admin at LogLevel notice"
cat >"$T/plain.eml" <<EOF
From: Marie <marie@creditor.test>
To: Paul <paul@creditor.test>
Subject: Réunion de jeudi
Date: Mon, 14 Dec 2026 11:00:00 +0100
Message-ID: <plain-1@creditor.test>
Content-Type: text/plain; charset=utf-8

Bonjour Paul, la réunion de jeudi est déplacée à 14 h en salle 2. Bonne journée.
EOF
send "$T/plain.eml"
check "... no line above info about it" not grep -q "\[\(notice\|warning\|error\)\]: $QID:" "$RELANCE_LOG"

check "relanced still running" relanced_alive
finish
