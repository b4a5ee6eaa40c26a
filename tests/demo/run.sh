#!/usr/bin/env bash
# run.sh - the demo (make demo): a private Postfix on 127.0.0.1 with
# relanced attached, relaying to a local sink; invoices leave the company,
# become cases, and the operator looks at them. Everything it starts is
# stopped at the end; the system's own Postfix is never touched.
set -u
DEMO=$(cd "$(dirname "$0")" && pwd)
export RELANCED=${RELANCED:-$DEMO/../../build/relanced}
export RELANCECTL=${RELANCECTL:-$DEMO/../../build/relancectl}
source "$DEMO/../integration/lib.sh"
KEEP=1

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

# make_invoice TEMPLATE OUT NUMBER BUYER EMAIL NET TOTAL ISSUE DUE
make_invoice() {
    sed -e "s|@NUMBER@|$3|" -e "s|@BUYER@|$4|" -e "s|@EMAIL@|$5|" -e "s|@NET@|$6|" \
        -e "s|@TOTAL@|$7|" -e "s|@ISSUE@|$8|" -e "s|@DUE@|$9|" "$1" >"$2"
}

ymd() { date -d "$1" +%Y%m%d; }
iso() { date -d "$1" +%Y-%m-%d; }

say "Setting up: smtp-sink, relanced, a private Postfix (all on 127.0.0.1)"
start_sink || exit 1
write_relance_conf "LogLevel info"
start_relanced || exit 1
start_postfix || exit 1
echo "Postfix on 127.0.0.1:$SMTPD_PORT -> milter 127.0.0.1:$MILTER_PORT -> sink 127.0.0.1:$SINK_PORT"
echo "work directory: $T"

say "1. The company's invoices leave through Postfix"
make_invoice "$DEMO/invoice-cii.xml.in" "$T/F2026-0042.xml" F2026-0042 "Atelier Dupont SAS" \
    compta@dupont.example 1450.00 1740.00 "$(ymd '45 days ago')" "$(ymd '15 days ago')"
make_invoice "$DEMO/invoice-ubl.xml.in" "$T/F2026-0057.xml" F2026-0057 "Boulangerie Petit" \
    contact@boulangerie-petit.example 325.00 390.00 "$(iso '20 days ago')" "$(iso 'today + 10 days')"
mime_with_attachment "$T/m1.eml" billing@creditor.test compta@dupont.example \
    "Facture F2026-0042" "$T/F2026-0042.xml" application/xml
mime_with_attachment "$T/m2.eml" billing@creditor.test contact@boulangerie-petit.example \
    "Facture F2026-0057" "$T/F2026-0057.xml" application/xml
sent=2
if [ -f "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" ]; then
    mime_with_attachment "$T/m3.eml" billing@creditor.test me@buyer.com \
        "Facture F20180027" "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf
    sent=3
fi
cat >"$T/m4.eml" <<'EOF'
From: Service facturation <billing@creditor.test>
To: <compta@dupont.example>
Subject: Planning de pose
Date: Mon, 23 Nov 2026 10:00:00 +0100
Message-ID: <planning-1@creditor.test>

Bonjour, la pose est prévue mardi matin.
EOF
for i in $(seq 1 "$sent") 4; do
    run "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test client@customer.test "$T/m$i.eml"
done
wait_sink $((sent + 1)) 30 || { echo "mail did not arrive"; exit 1; }

say "2. What the recipients received: the same messages, one header added"
for f in "$SINK"/*; do
    subject=$(sink_message "$f" | sed -n 's/^Subject: //p' | head -n 1)
    header=$(sink_message "$f" | sed -n 's/^X-Relance: //p' | head -n 1)
    printf '  %-22s X-Relance: %s\n' "$subject" "${header:-(none: not an invoice)}"
done

say "3. The operator's view"
run "$RELANCECTL" -c "$RELANCE_CONF" list
echo
run "$RELANCECTL" -c "$RELANCE_CONF" show F2026-0042

say "4. relanced's log (one line per message, with the Postfix queue id)"
grep -E "tracked|no invoice|accepted unread" "$RELANCE_LOG" | sed 's/^/  /'

say "Stopping everything"
KEEP=
