#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh - the demo (make demo): a private Postfix on 127.0.0.1 with
# relanced attached, relaying to a local sink. Invoices leave the company
# and become cases; the operator looks at them; `relancectl run-due --now`
# then plays the calendar forward: the first reminder goes out, nothing is
# sent twice, and three weeks later the case climbs to the next step.
# Then the debtors answer from outside (XCLIENT from 203.0.113.x): one
# disputes the debt (the creditor is told at once, the debtor gets an
# acknowledgment, escalation stops until `relancectl resolve`), another
# promises to pay (paused until the date plus grace, then the ladder
# resumes by itself). Last, on a fresh database, a ladder with a call
# between two e-mails: the call is a task for the agency (no mail, the
# creditor's digest), recorded as done with a promise.
# Everything it starts is stopped at the end; the system's own Postfix is
# never touched. Exits non-zero when something does not happen as shown.
#
# The demo's calendar is fixed (invoices of January 2026, reminders in
# February and March) so that its dates and amounts are the same whatever
# day it runs; relanced's own scheduler is off (SchedulerInterval 0) so
# that only the run-due commands below send reminders. Replies are read
# with the real clock, on the day they arrive: the promise's date, and the
# last run-due, are worked out from today.
set -u
DEMO=$(cd "$(dirname "$0")" && pwd)
export RELANCED=${RELANCED:-$DEMO/../../build/relanced}
export RELANCECTL=${RELANCECTL:-$DEMO/../../build/relancectl}
export RELANCE_PDF=${RELANCE_PDF:-$DEMO/../../build/relance-pdf}
source "$DEMO/../integration/lib.sh"
# Private copies: a rebuild in the tree while the demo runs cannot touch them.
mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$SMTP_SEND" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text
SMTP_SEND=$T/bin/smtp_send
KEEP=1

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '%s\n' "$@" | sed 's/^/   /'; }
run() { printf '$ %s\n' "$*"; "$@"; }
# relancectl, shown as an operator would type it.
ctl_run() { printf '$ relancectl %s\n' "$*"; "$RELANCECTL" -c "$RELANCE_CONF" "$@"; }
die() { printf '\n\033[1mdemo failed: %s\033[0m\n' "$*"; exit 1; }

# make_invoice TEMPLATE OUT NUMBER BUYER EMAIL NET TOTAL ISSUE DUE SIREN
# The buyer's SIREN on the invoice makes the debtor a business: only a
# business owes the late-payment penalties and the 40 EUR indemnity.
make_invoice() {
    sed -e "s|@NUMBER@|$3|" -e "s|@BUYER@|$4|" -e "s|@EMAIL@|$5|" -e "s|@NET@|$6|" \
        -e "s|@TOTAL@|$7|" -e "s|@ISSUE@|$8|" -e "s|@DUE@|$9|" -e "s|@SIREN@|${10}|" "$1" >"$2"
}

# ---- reminders at the sink ----

touch "$T/seen.list"
# take_new: the sink files that arrived since the last call, in NEW.
take_new() {
    find "$SINK" -type f | sort >"$T/now.list"
    mapfile -t NEW < <(comm -13 "$T/seen.list" "$T/now.list")
    cp "$T/now.list" "$T/seen.list"
}
# reminder_to ADDR: the newly arrived reminder for ADDR.
reminder_to() {
    local f
    for f in "${NEW[@]}"; do
        grep -q "^X-Rcpt-Args: <$1>" "$f" && grep -q "^X-Relance-Reminder:" "$f" && { echo "$f"; return; }
    done
}
# readable FILE: the message with headers and quoted-printable decoded.
readable() { sink_message "$1" | "$MAIL_TEXT"; }
header() { readable "$1" | sed '/^$/q' | sed -n "s/^$2: //Ip" | head -n 1; }
# plain_text FILE: the text/plain alternative (the HTML one says the same).
plain_text() {
    local boundary
    boundary=$(header "$1" Content-Type | sed -n 's/.*boundary="\{0,1\}\([^";]*\).*/\1/p')
    readable "$1" | awk -v b="--$boundary" '
        index($0, b) == 1 { part++; inbody = 0; plain = 0; next }
        part == 1 && !inbody && /^Content-Type: text\/plain/ { plain = 1 }
        part == 1 && !inbody && /^$/ { inbody = 1; next }
        part == 1 && inbody && plain { print }'
}
# show_mail FILE LINES: who, what, and the first LINES lines of the text.
show_mail() {
    printf '   Date:     %s\n' "$(header "$1" Date)"
    printf '   From:     %s\n' "$(header "$1" From)"
    printf '   To:       %s\n' "$(header "$1" To)"
    printf '   Subject:  %s\n' "$(header "$1" Subject)"
    printf '   Reply-To: %s\n' "$(header "$1" Reply-To)"
    plain_text "$1" | cat -s | head -n "$2" | sed 's/^/   | /'
    printf '   | [...]\n'
}

# run_due WHEN EXPECTED: relancectl run-due at WHEN; EXPECTED reminders
# must be sent and reach the sink.
run_due() {
    local before out
    before=$(sink_count)
    out=$(ctl_run run-due --now "$1") || die "run-due --now $1 failed"
    printf '%s\n' "$out"
    grep -q "^sent $2," <<<"$out" || die "run-due --now $1: expected $2 reminder(s) sent"
    if [ "$2" -gt 0 ]; then
        wait_sink $((before + $2)) 30 || die "the reminders did not reach the sink"
    fi
    take_new
}

say "Setting up: smtp-sink, relanced, a private Postfix (all on 127.0.0.1)"
start_sink || exit 1
# CreditorIds: the corpus's Factur-X sample is sold under SIREN 123456789
# (SIRET 12345678900014) by "LE FOURNISSEUR": the demo's creditor claims it
# as its own, else relance would rightly say the invoice is not ours.
write_relance_conf "LogLevel info" \
    "SchedulerInterval 0" \
    "TemplateDirectory $TOP/conf/templates" \
    "ReplyLexicon $TOP/conf/replies" \
    "LetterDirectory $T/letters" \
    "CreditorName Menuiserie Martin SARL" \
    "CreditorIds 123456789" \
    "CreditorAddress 4 rue des Artisans, 69003 Lyon" \
    "CreditorEmail compta@creditor.test" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "CreditorIban FR76 3000 6000 0112 3456 7890 189" \
    "CreditorBic BNPAFRPPPAR" \
    "PaymentLink https://pay.example/{number}?amount={amount}" \
    "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "Submit sendmail:/usr/sbin/sendmail -C $PF/conf -t -i"
start_relanced || exit 1
# Replies come back from outside to ReplyAddress: Postfix must take mail for
# agency.test (relayed to the sink, which stands for the agency's mailbox).
export RELAY_DOMAINS="creditor.test, agency.test"
start_postfix || exit 1
echo "Postfix on 127.0.0.1:$SMTPD_PORT -> milter 127.0.0.1:$MILTER_PORT -> sink 127.0.0.1:$SINK_PORT"
echo "work directory: $T"

say "1. The company's invoices leave through Postfix"
note "Menuiserie Martin SARL sends its invoices as usual: a CII and a UBL XML invoice," \
     "a Factur-X PDF (from the corpus in tests/data), and a mail that is no invoice."
make_invoice "$DEMO/invoice-cii.xml.in" "$T/F2026-0042.xml" F2026-0042 "Atelier Dupont SAS" \
    compta@dupont.example 1450.00 1740.00 20251231 20260130 412345670
make_invoice "$DEMO/invoice-ubl.xml.in" "$T/F2026-0057.xml" F2026-0057 "Boulangerie Petit" \
    contact@boulangerie-petit.example 325.00 390.00 2026-01-21 2026-02-20 812345676
mime_with_attachment "$T/m1.eml" billing@creditor.test compta@dupont.example \
    "Facture F2026-0042" "$T/F2026-0042.xml" application/xml "<invoice-F2026-0042@creditor.test>"
mime_with_attachment "$T/m2.eml" billing@creditor.test contact@boulangerie-petit.example \
    "Facture F2026-0057" "$T/F2026-0057.xml" application/xml "<invoice-F2026-0057@creditor.test>"
[ -f "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" ] || die "no invoice corpus at $CORPUS"
mime_with_attachment "$T/m3.eml" billing@creditor.test me@buyer.com \
    "Facture F20180027" "$CORPUS/facturx/fx_Mustang_Facture_F20180027.pdf" application/pdf
sent=3
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
wait_sink $((sent + 1)) 30 || die "mail did not arrive"
take_new

say "2. What the recipients received: the same messages, one header added"
for f in "$SINK"/*; do
    subject=$(sink_message "$f" | sed -n 's/^Subject: //p' | head -n 1)
    header=$(sink_message "$f" | sed -n 's/^X-Relance: //p' | head -n 1)
    printf '  %-22s X-Relance: %s\n' "$subject" "${header:-(none: not an invoice)}"
done

say "3. The operator's view"
ctl_run list
echo
ctl_run show F2026-0042

say "4. relanced's log (one line per message, with the Postfix queue id)"
grep -E "tracked|no invoice|accepted unread" "$RELANCE_LOG" | sed 's/^/  /'

say "5. Reminders: the calendar moves on"
note "From here on, relancectl run-due --now DATE plays the calendar forward: it sends" \
     "the reminders due at that moment, as relanced's scheduler would on that day (the" \
     "daemon's own scheduler is off in this demo: SchedulerInterval 0)." \
     "The ladder is the built-in one: rappel (due + 1 day), avis d'impayé (+15)," \
     "mise en demeure (+30), then the agency's steps (+45, +55, +65) and the court file (+80)."
echo
note "The Factur-X invoice of 2019 was paid long ago: the credit controller records it," \
     "so that it gets no reminder."
ctl_run pay F20180027 || die "pay failed"

say "5a. Saturday 31 January 2026, the day after F2026-0042 fell due"
note "Reminders go out on business days only (SendDays Mon-Fri, SendHours 09:00-18:00," \
     "French public holidays excluded): nothing today."
run_due 2026-01-31 0

say "5b. Monday 2 February 2026: the first reminder"
run_due 2026-02-02 1
r1=$(reminder_to compta@dupont.example)
[ -n "$r1" ] || die "no reminder for compta@dupont.example"
echo
note "At the sink, for Atelier Dupont: sent on the creditor's behalf from the agency's" \
     "address, dated the day of the step, in reply to the invoice's own message. Replies" \
     "go to ReplyAddress with a token signed with the KeyFile: case 1, step 1, signature."
show_mail "$r1" 12
echo
note "The milter saw the reminder pass and recognised it as relance's own (no new case):"
grep "relance's reminder" "$RELANCE_LOG" | sed 's/^/  /'

say "5c. The operator's view of the reminders"
ctl_run reminders
echo
ctl_run show F2026-0042

say "5d. Later the same day: nothing is ever sent twice"
run_due 2026-02-02T16:00 0

say "5e. Three weeks later, Monday 23 February 2026"
note "F2026-0042 is 24 days late: step 2, the avis d'impayé, now claims the late-payment" \
     "penalties (ECB rate + 10 points = 12.15 %) and the 40 EUR recovery indemnity." \
     "F2026-0057 fell due on Friday 20 February: its own first reminder."
run_due 2026-02-23 2
r2=$(reminder_to compta@dupont.example)
r3=$(reminder_to contact@boulangerie-petit.example)
[ -n "$r2" ] && [ -n "$r3" ] || die "the reminders of 23 February did not both arrive"
echo
show_mail "$r2" 20
echo
printf '   From:     %s\n   To:       %s\n   Subject:  %s\n' "$(header "$r3" From)" \
    "$(header "$r3" To)" "$(header "$r3" Subject)"
echo
ctl_run reminders
echo
ctl_run list

say "5e'. Paying in one scan: the EPC QR code of that reminder"
note "Its HTML part shows an inline PNG (multipart/related, <img src=\"cid:...\">): the" \
     "European Payments Council's SEPA transfer QR code. zbarimg reads it back: a banking" \
     "app fills in the payee, the IBAN, the amount the reminder asks for and the reference."
sink_message "$r2" >"$T/r2.eml"
python3 - "$T/r2.eml" "$T/r2-qr.png" <<'PY' || die "no QR code in the reminder's HTML part"
import email, re, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
parts = {p['Content-ID'].strip('<>'): p for p in msg.walk() if p['Content-ID']}
html = next(p.get_content() for p in msg.walk() if p.get_content_type() == 'text/html')
cid = re.search(r'<img src="cid:([^"]+)"', html).group(1)
open(sys.argv[2], 'wb').write(parts[cid].get_payload(decode=True))
PY
printf '$ zbarimg --raw r2-qr.png\n'
qr=$(zbarimg --raw -q "$T/r2-qr.png" 2>/dev/null) || die "the QR code does not decode"
printf '%s\n' "$qr" | sed 's/^/   | /'

say "5f. What comes next for F2026-0042 (relancectl preview, nothing is sent)"
note "Step 3, the mise en demeure, is due from 2 March (due date + 30 days, and at least" \
     "7 days after step 2)."
printf '$ relancectl preview F2026-0042 --step 3 --now 2026-03-02\n'
"$RELANCECTL" -c "$RELANCE_CONF" preview F2026-0042 --step 3 --now 2026-03-02 >"$T/preview.txt" ||
    die "preview failed"
sed -n '1,3p' "$T/preview.txt" | sed 's/^/   /'
grep -A 8 "nous vous mettons en demeure" "$T/preview.txt" | head -n 8 | sed 's/^/   | /'
printf '   | [...]\n'

# ---- 6. The debtors answer -----------------------------------------------

# mail_to ADDR: the newest of the new sink files whose envelope recipient is ADDR.
mail_to() {
    local f found=
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && found=$f; done
    echo "$found"
}
address_in() { sed 's/.*<\(.*\)>.*/\1/; s/^ *//; s/ *$//'; }
case_field() { "$RELANCECTL" -c "$RELANCE_CONF" show "$1" --json | jq -r "$2"; }
# reply OUT FROM TO SUBJECT REMINDER WORDS...: a reply as a mail client
# writes it: In-Reply-To and References name the reminder, the debtor's
# words on top, the reminder quoted below its attribution line.
reply() {
    local out=$1 from=$2 rcpt=$3 subject=$4 quoted=$5 when
    shift 5
    when=$(TZ=Europe/Paris date -d "$(header "$quoted" Date)" '+%d/%m/%Y à %H:%M')
    {
        echo "From: $from"
        echo "To: <$rcpt>"
        echo "Subject: $subject"
        echo "Date: $(date -R)"
        echo "Message-ID: <reply-$RANDOM$RANDOM@$(address_in <<<"$from" | sed 's/.*@//')>"
        echo "In-Reply-To: <$(header "$quoted" Message-ID | tr -d '<> ')>"
        echo "References: <$(header "$quoted" Message-ID | tr -d '<> ')>"
        echo "MIME-Version: 1.0"
        echo "Content-Type: text/plain; charset=UTF-8"
        echo "Content-Transfer-Encoding: 8bit"
        echo
        printf '%s\n' "$@"
        echo
        echo "Le $when, $(header "$quoted" From) a écrit :"
        plain_text "$quoted" | sed 's/^/> /'
    } >"$out"
}
# from_outside FROM RCPT FILE: sent by a host outside InternalHosts (Postfix's
# XCLIENT lets the loopback client stand for 203.0.113.x).
from_outside() {
    local ip=203.0.113.$((RANDOM % 200 + 10))
    printf '$ smtp_send ... <%s> -> <%s>    (from %s, outside the company)\n' "$1" "$2" "$ip"
    XCLIENT_ADDR=$ip "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" "$1" "$2" "$3" >/dev/null ||
        die "the reply from <$1> was refused"
}

say "6. The debtor replies and disputes"
note "Atelier Dupont answers the avis d'impayé of 23 February with its mail client: to the" \
     "reminder's Reply-To (the signed address of case 1, step 2), quoting it. Replies are" \
     "read on the day they arrive: from here on the dates are today's ($(date +%F))."
RT=$(header "$r2" Reply-To | address_in)
reply "$T/dispute.eml" "Marc Dupont <compta@dupont.example>" "$RT" "RE: $(header "$r2" Subject)" "$r2" \
    "Bonjour," "" \
    "Nous contestons cette facture : les fenêtres livrées le 12 janvier ne" \
    "correspondent pas au devis (chêne massif commandé, pin livré)." \
    "Merci de suspendre vos relances tant que ce point n'est pas réglé." "" \
    "Cordialement," "Marc Dupont" "Atelier Dupont SAS"
echo
sed -n '1,/^$/p' "$T/dispute.eml" | grep -E '^(From|To|Subject|In-Reply-To):' | sed 's/^/   /'
sed '1,/^$/d' "$T/dispute.eml" | head -n 12 | sed 's/^/   | /'
printf '   | [...]\n'
before=$(sink_count)
from_outside compta@dupont.example "$RT" "$T/dispute.eml"
# The reply itself, the creditor's notice and the debtor's acknowledgment.
wait_sink $((before + 3)) 30 || die "the reply, the creditor's notice and the acknowledgment did not all arrive"
sleep 1
take_new

say "6a. The reply reaches the agency's mailbox, with one header added"
DR=$(mail_to "$RT")
[ -n "$DR" ] || die "the reply was not delivered"
for h in From To Subject X-Relance-Reply; do
    printf '   %-16s %s\n' "$h:" "$(header "$DR" "$h")"
done
[ "$(header "$DR" X-Relance-Reply)" = "dispute; F2026-0042" ] ||
    die "the reply was not read as a dispute of F2026-0042 (X-Relance-Reply: $(header "$DR" X-Relance-Reply))"
echo
note "relanced's log: matched by the token of the Reply-To, read as a dispute; two notices" \
     "queued and sent at once by the daemon (its scheduler is off, its outbox is not):"
grep -E "reply from <compta@dupont.example>|(creditor-notice|dispute-ack) <" "$RELANCE_LOG" | sed 's/^/  /'

say "6b. The creditor hears of it at once, in the debtor's own words"
N=$(mail_to compta@creditor.test)
[ -n "$N" ] || die "no notice for the creditor"
printf '   From:     %s\n   To:       %s\n   Subject:  %s\n   Reply-To: %s\n' "$(header "$N" From)" \
    "$(header "$N" To)" "$(header "$N" Subject)" "$(header "$N" Reply-To)"
plain_text "$N" | cat -s | head -n 16 | sed 's/^/   | /'
printf '   | [...]\n'
plain_text "$N" | tr '\n' ' ' | grep -q "ne correspondent pas au devis" ||
    die "the creditor's notice does not carry the debtor's words"

say "6c. The debtor is told that the case is under review"
ACK=$(mail_to compta@dupont.example)
[ -n "$ACK" ] || die "no acknowledgment for the debtor"
printf '   From:        %s\n   To:          %s\n   Subject:     %s\n   In-Reply-To: %s\n   Reply-To:    %s\n' \
    "$(header "$ACK" From)" "$(header "$ACK" To)" "$(header "$ACK" Subject)" "$(header "$ACK" In-Reply-To)" \
    "$(header "$ACK" Reply-To)"
plain_text "$ACK" | cat -s | head -n 9 | sed 's/^/   | /'
printf '   | [...]\n'

say "6d. The operator's view: the case is disputed"
ctl_run show F2026-0042
[ "$(case_field F2026-0042 .status)" = disputed ] || die "the dispute of F2026-0042 is not recorded"
echo
ctl_run replies

say "6e. Another debtor promises to pay"
PROMISED=$(date -d "+14 days" +%F)
# The ladder takes a promise again the day after promised date + grace: let
# that day be a Tuesday or Wednesday that is no fixed public holiday (the
# movable ones fall on Mondays and Thursdays), so that 7. sends on it.
while :; do
    AFTER=$(date -d "$PROMISED + 4 days" +%F)
    case "$(date -d "$AFTER" +%u)-${AFTER#*-}" in
        [23]-01-01 | [23]-05-01 | [23]-05-08 | [23]-07-14 | [23]-08-15 | [23]-11-01 | [23]-11-11 | [23]-12-25) ;;
        [23]-*) break ;;
    esac
    PROMISED=$(date -d "$PROMISED + 1 day" +%F)
done
note "Boulangerie Petit answers its rappel from another client, to the plain reply address" \
     "(no tag): relance finds the case by the thread (In-Reply-To names the reminder)." \
     "A promise pauses the case until the promised day plus PromiseGraceDays (3); the" \
     "creditor gets no notice of it (it changes nothing that is theirs to decide)."
reply "$T/promise.eml" "Boulangerie Petit <contact@boulangerie-petit.example>" reponses@agency.test \
    "Re: $(header "$r3" Subject)" "$r3" \
    "Bonjour," "" \
    "Toutes nos excuses pour ce retard. Nous vous réglerons cette facture le $(date -d "$PROMISED" +%d/%m/%Y)." \
    "" "Bien à vous," "Sophie Petit"
sed '1,/^$/d' "$T/promise.eml" | head -n 3 | sed 's/^/   | /'
before=$(sink_count)
from_outside contact@boulangerie-petit.example reponses@agency.test "$T/promise.eml"
wait_sink $((before + 1)) 30 || die "the promise was not delivered"
sleep 1
take_new
printf '   X-Relance-Reply: %s\n' "$(header "$(mail_to reponses@agency.test)" X-Relance-Reply)"
[ "$(case_field F2026-0057 .status)" = paused ] || die "the promise did not pause F2026-0057"
[ "$(case_field F2026-0057 .paused_until)" = "$(date -d "$PROMISED + 3 days" +%F)" ] ||
    die "F2026-0057 is paused until $(case_field F2026-0057 .paused_until), not promised date + 3 days"
echo
ctl_run list
echo
ctl_run replies

say "6f. Monday 9 March 2026: the calendar moves on, the answered cases do not"
note "Without the replies, F2026-0042 would now get its mise en demeure and F2026-0057 its" \
     "avis d'impayé. The dispute holds until an operator decides; the promise until its date."
run_due 2026-03-09 0
[ "$(case_field F2026-0042 .status)" = disputed ] || die "F2026-0042 is no longer disputed"

say "6g. The creditor settles the dispute: the ladder resumes"
note "A dispute never ends by itself, nor by \`relancectl resume\` (that is for pauses): the" \
     "operator says what becomes of the debt, --resume (it is owed after all), --cancel or" \
     "--credit AMOUNT (a credit note for part of it). Here the creditor replaced the windows."
ctl_run resume F2026-0042 && die "resume ended a dispute"
ctl_run resolve F2026-0042 --resume || die "resolve failed"
[ "$(case_field F2026-0042 .status)" = open ] || die "F2026-0042 is not open after resolve"
echo
note "Tuesday 10 March 2026: Atelier Dupont is told first that the examination is over and" \
     "what is still due (a notice about replies); the ladder waits its interval after that."
run_due 2026-03-10 0
ans=
for _ in $(seq 1 60); do
    for f in $(grep -l "^X-Rcpt-Args: <compta@dupont.example>" "$SINK"/*); do
        case $(header "$f" Subject) in *"réponse à votre contestation"*) ans=$f ;; esac
    done
    [ -n "$ans" ] && break
    sleep 0.5
done
[ -n "$ans" ] || die "Atelier Dupont was not told the dispute was settled"
take_new
printf '   To:       %s\n   Subject:  %s\n' "$(header "$ans" To)" "$(header "$ans" Subject)"
echo
note "Tuesday 17 March 2026, seven days later: F2026-0042's mise en demeure goes out;" \
     "F2026-0057 stays paused."
run_due 2026-03-17 1
r4=$(reminder_to compta@dupont.example)
[ -n "$r4" ] || die "no mise en demeure for compta@dupont.example"
printf '   To:       %s\n   Subject:  %s\n' "$(header "$r4" To)" "$(header "$r4" Subject)"

say "7. $(date -d "$AFTER" '+%A %-d %B %Y'): the promise's grace is over"
note "The pause ended by itself (at this run; no operator needed): F2026-0057 gets its" \
     "avis d'impayé. F2026-0042 climbs to the agency's first step, with a copy to the creditor."
out=$(ctl_run run-due --now "$AFTER") || die "run-due --now $AFTER failed"
printf '%s\n' "$out"
r5=
for _ in $(seq 1 60); do
    take_new
    r5=$(reminder_to contact@boulangerie-petit.example)
    [ -n "$r5" ] && break
    sleep 0.5
done
[ -n "$r5" ] || die "F2026-0057 got no reminder after its pause"
[ "$(case_field F2026-0057 .status)" = open ] || die "the pause of F2026-0057 did not end"
printf '   To:       %s\n   Subject:  %s\n' "$(header "$r5" To)" "$(header "$r5" Subject)"
echo
ctl_run list

say "8. The bank statement arrives"
note "The creditor's bank exports the day's credits (camt.053 or CSV). A credit that names" \
     "an invoice pays it, up to its balance; one that names none pays only a single open case" \
     "owing exactly that amount under the payer's name; nothing is guessed, nothing paid twice."
BAL57=$(case_field F2026-0057 .balance)
HALF=$(awk -v b="$BAL57" 'BEGIN { printf "%.2f", int(b * 50) / 100 }')
{
    echo "Date;Libellé;Montant;Nom"
    echo "$(date -d "$AFTER + 1 day" +%d/%m/%Y);VIR SEPA BOULANGERIE PETIT FACT F2026-0057;${HALF/./,};BOULANGERIE PETIT"
    echo "$(date -d "$AFTER + 1 day" +%d/%m/%Y);PRLV SEPA ASSURANCE;-120,00;MUTUELLE"
    echo "$(date -d "$AFTER + 1 day" +%d/%m/%Y);VIR SEPA SANS REFERENCE;999,99;INCONNU SARL"
} >"$T/releve.csv"
sed 's/^/   | /' "$T/releve.csv"
echo
ctl_run import-payments "$T/releve.csv" || die "import-payments failed"
[ "$(case_field F2026-0057 .balance)" != "$BAL57" ] || die "the transfer did not pay F2026-0057"
echo
note "The same statement again pays nothing twice:"
ctl_run import-payments "$T/releve.csv" | tail -n 1
echo
note "The book as a whole, and the proof that nobody edited its history:"
ctl_run stats --now "$AFTER" || die "stats failed"
echo
ctl_run audit verify || die "the audit chain does not verify"
say "9. A step done by people: a call between two e-mails"
note "Agencies put people into the loop. A second setup, on a fresh database: the ladder" \
     "sends a rappel, asks the agency to call (a task, no mail), then sends the mise en" \
     "demeure. The ladder waits for the call, or for TaskTimeoutDays."
stop_relanced
sed -e "s|^Database .*|Database $T/tasks.db|" "$RELANCE_CONF" >"$T/tasks.conf"
printf '%s\n' "Step rappel after=1 severity=green claim=no" \
    "Step appel after=10 interval=5 action=task task=call" \
    "Step mise-en-demeure after=20 interval=7" "TaskTimeoutDays 5" "TaskDigest yes" >>"$T/tasks.conf"
RELANCE_CONF=$T/tasks.conf
grep -E '^(Step|Task)' "$RELANCE_CONF" | sed 's/^/   /'
start_relanced || exit 1
# The buyer's telephone on the invoice is the number the task gives.
make_invoice "$DEMO/invoice-ubl.xml.in" "$T/F2026-0101.xml" F2026-0101 "Garage Lenoir SARL" \
    atelier@garage-lenoir.example 800.00 960.00 2026-01-02 2026-01-30 812345676
sed -i 's|<cbc:ElectronicMail>|<cbc:Telephone>+33 4 72 00 00 00</cbc:Telephone><cbc:ElectronicMail>|' "$T/F2026-0101.xml"
mime_with_attachment "$T/m5.eml" billing@creditor.test atelier@garage-lenoir.example \
    "Facture F2026-0101" "$T/F2026-0101.xml" application/xml "<invoice-F2026-0101@creditor.test>"
before=$(sink_count)
run "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test atelier@garage-lenoir.example "$T/m5.eml"
wait_sink $((before + 1)) 30 || die "the invoice did not arrive"
take_new
run_due 2026-02-02 1
note "Monday 9 February (30 January + 10 days): the call is due. Nothing goes to the" \
     "debtor; the agency gets a task, the creditor the digest of open tasks."
before=$(sink_count)
run_due 2026-02-09 0
ctl_run tasks
wait_sink $((before + 1)) 30 || die "no digest of open tasks"
take_new
digest=$(newest_sink_file)
grep -q "^X-Rcpt-Args: <compta@creditor.test>" "$digest" || die "the digest did not reach the creditor"
show_mail "$digest" 16
note "The call is made on 10 February: Garage Lenoir will pay on the 20th. Recorded with" \
     "the effect a reply's promise has (paused until the 20th + PromiseGraceDays)."
ctl_run task 1 --done "Appel : M. Lenoir paiera le 20 février" --promise 2026-02-20 --on 2026-02-10 ||
    die "task --done failed"
[ "$(case_field F2026-0101 .status)" = paused ] || die "the promise did not pause F2026-0101"
run_due 2026-02-23 0
note "The 20th passed without payment, and the grace with it: the ladder resumes."
run_due 2026-02-24 1

say "Stopping everything"
KEEP=
