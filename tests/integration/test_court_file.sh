#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The court file, through a real Postfix: an invoice is mailed (UBL
# attached, with the buyer's postal address), run-due sends step 1 by
# e-mail and step 2 by e-mail and letter, the debtor disputes from outside
# in the thread of step 2, a payment is recorded; the letter's PDF is then
# lost. `relancectl dossier` writes into a new 0700 directory:
#   - the invoice .eml whose body and attachment are those sent (the MTA
#     only adds headers before the milter), the attachment decoded;
#   - each reminder .eml as submitted (body as delivered to the sink);
#   - the letter PDF, drawn again from the recorded text;
#   - the reply .eml (body as sent);
#   - chronology.txt/.html whose evidence hashes match the files;
#   - audit-proof.txt whose entries are those of the database, whose hashes
#     recompute with the KeyFile (BLAKE2b keyed, as documented there), and
#     whose message-kept entries carry the .eml files' SHA-256;
#   - SHA256SUMS that sha256sum -c accepts.
# A non-empty directory is refused. A message over ArchiveMaxSize keeps
# its headers and a note.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
command -v python3 >/dev/null || { echo "python3 missing (tests/deps.sh)"; exit 1; }
command -v pdftotext >/dev/null || { echo "pdftotext missing (poppler-utils: tests/deps.sh)"; exit 1; }

touch "$T/seen.list"
start_sink || exit 1
export RELAY_DOMAINS="creditor.test, agency.test"
write_relance_conf \
    "SchedulerInterval 0" \
    "Holidays none" \
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
    "ArchiveMaxSize 20k" \
    "Step rappel after=1" \
    "Step agence-lettre after=10 interval=7 from=agency letter=yes" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
start_relanced || exit 1
start_postfix || exit 1

D=compta@client-d.test
body() { sed 's/\r$//' "$1" | sed '1,/^$/d'; }       # the body, LF line ends
header() { sed 's/\r$//' "$1" | sed '/^$/q' | sed -n "s/^$2: *//Ip" | head -n 1; }
to() { local f; for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && echo "$f"; done | tail -n 1; }

echo "== the invoice, two steps (one with a letter), a dispute, a payment"
cat >"$T/I-001.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>I-001</cbc:ID>
  <cbc:IssueDate>2026-02-01</cbc:IssueDate>
  <cbc:DueDate>2026-03-02</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>
    <cbc:RegistrationName>ACME Industries SAS</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PostalAddress>
      <cbc:StreetName>18 rue des Lilas</cbc:StreetName>
      <cbc:CityName>Bordeaux</cbc:CityName>
      <cbc:PostalZone>33000</cbc:PostalZone>
      <cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>
    </cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Dupont Contestation SARL</cbc:RegistrationName></cac:PartyLegalEntity>
    <cac:Contact><cbc:ElectronicMail>$D</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">480.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>
XML
mime_with_attachment "$T/I-001.eml" billing@creditor.test $D "Facture I-001" "$T/I-001.xml" application/xml \
    "<invoice-I-001@creditor.test>"
smtp billing@creditor.test $D "$T/I-001.eml" || fail "invoice refused"
check "the invoice delivered" wait_sink 1 60
take_new
check_eq "one case" 1 "$(ctl list --json | jq length)"
ctl run-due --now 2026-03-03T10:00 --json >"$T/run.json"
check_eq "step 1 sent" 1 "$(jq .sent "$T/run.json")"
wait_sink 2 60; sleep 1; take_new
R1=$(to $D)
ctl run-due --now 2026-03-13T10:00 --json >"$T/run.json"
check_eq "step 2 sent" 1 "$(jq .sent "$T/run.json")"
wait_sink 3 60; sleep 1; take_new
R2=$(to $D)
check "two reminders at the sink" [ -f "$R1" ] && [ -f "$R2" ] && [ "$R1" != "$R2" ]
pdf=$(ctl letters --json | jq -r '.[0].path')
check "the letter was written" grep -q "^%PDF-" "$pdf"
rm -f "$pdf" # lost: the dossier draws it again from the recorded text

reply_to=$(sink_message "$R2" | "$T/bin/mail_text" | sed '/^$/q' | sed -n 's/^Reply-To: *//Ip' | sed 's/.*<\(.*\)>.*/\1/')
{
    echo "From: <$D>"
    echo "To: <$reply_to>"
    echo "Subject: RE: votre relance"
    echo "Date: $(date -R)"
    echo "Message-ID: <reply-court@client-d.test>"
    echo "In-Reply-To: <$(header "$R2" Message-ID | tr -d '<> ')>"
    echo "MIME-Version: 1.0"
    echo "Content-Type: text/plain; charset=UTF-8"
    echo "Content-Transfer-Encoding: 8bit"
    echo
    echo "Bonjour,"
    echo
    echo "Nous contestons cette facture : la marchandise n'a jamais été livrée."
    echo
    echo "M. Dupont"
} >"$T/reply.eml"
XCLIENT_ADDR=203.0.113.40 smtp $D "$reply_to" "$T/reply.eml" || fail "reply refused"
check "the reply delivered" wait_sink 4 60
settle
check_eq "the reply was recorded" 1 "$(ctl replies --json | jq length)"
ctl pay I-001 100.00 --on 2026-03-20 >/dev/null

echo "== the court file"
DIR=$T/dossier
check "dossier writes the court file" ctl dossier I-001 "$DIR"
check_eq "the directory is private" 700 "$(stat -c %a "$DIR")"
r1=$(ctl reminders --json | jq -r '.[] | select(.step == 1) | .id')
r2=$(ctl reminders --json | jq -r '.[] | select(.step == 2) | .id')
lid=$(ctl letters --json | jq -r '.[0].id')
reply_file=$(cd "$DIR" && ls reply-*.eml 2>/dev/null | head -n 1)
for f in invoice.eml invoice-attachment-1-I-001.xml "reminder-$r1-step1.eml" "reminder-$r2-step2.eml" \
         "letter-$lid-step2.pdf" "$reply_file" chronology.txt chronology.html audit-proof.txt SHA256SUMS; do
    check "file $f" [ -n "$f" ] && [ -s "$DIR/$f" ]
done
check_eq "nothing else" 10 "$(ls "$DIR" | wc -l)"
check "the invoice's body is the one sent" cmp -s <(body "$T/I-001.eml") <(body "$DIR/invoice.eml")
check "the attachment is the one sent, decoded" cmp -s "$T/I-001.xml" "$DIR/invoice-attachment-1-I-001.xml"
check_eq "the invoice's Message-ID" "<invoice-I-001@creditor.test>" "$(header "$DIR/invoice.eml" Message-ID)"
headers() { sed 's/\r$//' "$1" | sed '/^$/q'; }
check_eq "every header sent is in the copy (the MTA may add some before the milter)" "" \
    "$(comm -23 <(headers "$T/I-001.eml" | sort) <(headers "$DIR/invoice.eml" | sort))"
check "step 1: the body delivered" cmp -s <(sink_message "$R1" | sed 's/\r$//' | sed '1,/^$/d') <(body "$DIR/reminder-$r1-step1.eml")
check "step 2: the body delivered" cmp -s <(sink_message "$R2" | sed 's/\r$//' | sed '1,/^$/d') <(body "$DIR/reminder-$r2-step2.eml")
check_eq "step 2: its Message-ID" "$(header "$R2" Message-ID)" "$(header "$DIR/reminder-$r2-step2.eml" Message-ID)"
check "the reply's body is the one sent" cmp -s <(body "$T/reply.eml") <(body "$DIR/$reply_file")
check "the letter is a PDF again" grep -q "^%PDF-" "$DIR/letter-$lid-step2.pdf"
pdftotext -layout "$DIR/letter-$lid-step2.pdf" "$T/letter.txt"
check "the letter carries the postal address" grep -q "18 rue des Lilas" "$T/letter.txt"
check "... and the invoice" grep -q "I-001" "$T/letter.txt"
check "SHA256SUMS verifies" bash -c "cd '$DIR' && sha256sum --quiet -c SHA256SUMS"

echo "== the chronology's evidence"
evidence=$(grep -E '^    evidence: ' "$DIR/chronology.txt" | awk '{ print $2, $4 }')
bad=0; seen=()
while read -r file sum; do
    [ "$(sha256sum "$DIR/$file" | cut -d' ' -f1)" = "$sum" ] || bad=$((bad + 1))
    seen+=("$file")
done <<<"$evidence"
check_eq "every evidence hash matches its file" 0 "$bad"
for f in invoice.eml "reminder-$r1-step1.eml" "reminder-$r2-step2.eml" "letter-$lid-step2.pdf" "$reply_file"; do
    check "$f is evidence in the chronology" grep -qx -- "$f" < <(printf '%s\n' "${seen[@]}")
    check "$f is linked from the HTML chronology" grep -q "href=\"$f\"" "$DIR/chronology.html"
done
for kind in invoice-tracked reminder-sent letter-written reply-received payment-recorded message-kept; do
    check "the chronology has $kind" grep -q "  $kind$" "$DIR/chronology.txt"
done

echo "== the audit proof"
check "audit verify: intact" ctl audit verify
check "the proof says the chain was intact" grep -q "audit chain intact" "$DIR/audit-proof.txt"
awk '/^entry /{ id = $2 } /^  hash: /{ print id, $2 }' "$DIR/audit-proof.txt" >"$T/proof.ids"
sqlite3 "$RELANCE_DB" "SELECT id || ' ' || hash FROM events WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'I-001') ORDER BY id" >"$T/db.ids"
check "the proof's entries are the database's" cmp -s "$T/proof.ids" "$T/db.ids"
check "the proof has entries" [ "$(wc -l <"$T/proof.ids")" -gt 8 ]
cat >"$T/recompute.py" <<'PY'
import hashlib, struct, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
entries, cur = [], None
for line in open(sys.argv[2], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("entry "):
        cur = {}; entries.append(cur)
    elif cur is not None and line.startswith("  ") and ": " in line:
        k, v = line[2:].split(": ", 1); cur[k] = v
    elif line == "How to verify":
        break
bad = 0
for e in entries:
    h = hashlib.blake2b(key=key, digest_size=32)
    for f in (e["prev_hash"], e["at"], e["case"], e["kind"], e["actor"], e["detail"]):
        b = f.encode(); h.update(struct.pack("<Q", len(b)) + b)
    bad += h.hexdigest() != e["hash"]
print(len(entries), bad)
PY
check_eq "every hash recomputes with the KeyFile, as the proof says" "$(wc -l <"$T/proof.ids") 0" \
    "$(python3 "$T/recompute.py" "$T/relance.key" "$DIR/audit-proof.txt")"
kept=$(sed -n 's/^  detail: \(.*"kind":"\(invoice\|reminder\|reply\)".*\)$/\1/p' "$DIR/audit-proof.txt" |
       jq -r '.sha256' | sort)
files=$(cd "$DIR" && sha256sum invoice.eml reminder-*.eml reply-*.eml | cut -d' ' -f1 | sort)
check_eq "the message-kept entries carry the .eml files' SHA-256" "$files" "$kept"

echo "== refusals and the size bound"
ctl dossier I-001 "$DIR" >/dev/null 2>&1
check_eq "a non-empty directory is refused" 1 "$?"
mkdir -p "$T/other" && touch "$T/other/x"
ctl dossier I-001 "$T/other" >/dev/null 2>&1
check_eq "any non-empty directory" 1 "$?"
mkdir -p "$T/empty" && chmod 755 "$T/empty"
check "an empty directory is taken" ctl dossier I-001 "$T/empty"
check_eq "and made private" 700 "$(stat -c %a "$T/empty")"
head -c 30000 /dev/urandom | base64 >"$T/big.bin"
sed 's/I-001/I-002/; s/480.00/90.00/' "$T/I-001.xml" >"$T/I-002.xml"
mime_with_attachment "$T/I-002.eml" billing@creditor.test $D "Facture I-002" "$T/I-002.xml" application/xml \
    "<invoice-I-002@creditor.test>"
{ sed '$d' "$T/I-002.eml"; printf -- '--=-relance-test\nContent-Type: application/octet-stream\n\n'; cat "$T/big.bin";
  printf -- '--=-relance-test--\n'; } >"$T/I-002-big.eml"
smtp billing@creditor.test $D "$T/I-002-big.eml" || fail "big invoice refused"
check "the big invoice delivered" wait_sink 5 60
check "its dossier" ctl dossier I-002 "$T/big"
check "over ArchiveMaxSize: the headers kept" grep -q "^Message-ID: <invoice-I-002@creditor.test>" "$T/big/invoice.eml"
check "... and a note, not the body" grep -q "over ArchiveMaxSize" "$T/big/invoice.eml"
check_eq "... the copy is small" 1 "$(( $(stat -c %s "$T/big/invoice.eml") < 20480 ))"
check_eq "the event says it is not whole" false \
    "$(ctl show I-002 --json | jq -r '.history[] | select(.kind == "message-kept") | .detail.whole')"

finish
