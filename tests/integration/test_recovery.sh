#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A reminder recovered after a crash gets what any reminder that went out
# gets. A one-step ladder whose step has copy=yes letter=yes; run-due dies
# right after handing the reminder to the MTA (RELANCE_TEST_CRASH_AFTER_SUBMIT),
# the milter sees it pass; the next run after PendingTimeout records it as
# sent and then writes its printable letter in LetterDirectory and sends
# the creditor's copy, carrying the reminder with the Message-ID it went
# out with. A second case sent normally the same way is the reference.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text

touch "$T/seen.list"
start_sink || exit 1
write_relance_conf \
    "SchedulerInterval 0" \
    "PendingTimeout 2s" \
    "TemplateDirectory $TOP/conf/templates" \
    "LetterDirectory $T/letters" \
    "Step agence-lettre after=1 from=agency copy=yes letter=yes" \
    "CreditorName ACME Industries SAS" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorEmail compta@creditor.test" \
    "AgencyName Recouvrement Durand" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
check_eq "relanced -n accepts the configuration" "configuration OK" "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
start_relanced || exit 1
start_postfix || exit 1

send_invoice() { # NUMBER ISSUE DUE AMOUNT BUYER EMAIL
    ubl_invoice "$@" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$6" "Facture $1" "$T/$1.xml" application/xml \
        "<invoice-$1@creditor.test>"
    smtp billing@creditor.test "$6" "$T/$1.eml" || fail "invoice $1 refused"
}
to() { # ADDR: the new message whose envelope recipient is ADDR
    local f found=
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && found=$f; done
    echo "$found"
}
copy_about() { # NUMBER: the new creditor's copy about that invoice
    local f
    for f in "${NEW[@]}"; do
        grep -q "^X-Rcpt-Args: <$CREDITOR>" "$f" && grep -q "$1" "$f" && echo "$f"
    done | head -n 1
}
text() { sink_message "$1" | "$MAIL_TEXT"; }
header() { text "$1" | sed '/^$/q' | sed -n "s/^$2: //Ip" | head -n 1; }
case_field() { ctl show "$1" --json | jq -r "$2"; }

A=martin@client-a.test
N=normal@client-n.test
CREDITOR=compta@creditor.test

echo "== two invoices through the MTA"
send_invoice A-001 2025-12-31 2026-01-30 1000.00 "Boulangerie Martin SARL" $A
send_invoice N-001 2025-12-31 2026-01-30 400.00 "Normale SAS" $N
check "both delivered" wait_sink 2 60
take_new
# Letters need a postal address (test_letters.sh: none, the letter is held).
check "A's postal address" ctl debtor $A --address "4 rue du Four|31000 Toulouse" >/dev/null
check "N's postal address" ctl debtor $N --address "8 rue Neuve|44000 Nantes" >/dev/null

echo "== the runner dies right after handing A-001's reminder to the MTA"
before=$(sink_count)
RELANCE_TEST_CRASH_AFTER_SUBMIT=1 ctl run-due --now 2026-02-02 >/dev/null 2>>"$T/ctl.err"
check_eq "the runner stopped right after submitting" 99 $?
wait_sink $((before + 1)) 30
settle
take_new
first=$(ctl reminders --json | jq -r '.[0].invoices')
check_eq "one reminder reached the sink, no copy" 1 "${#NEW[@]}"
check_eq "it is pending" pending "$(ctl reminders --json | jq -r '.[0].state')"
check "no letter yet" [ -z "$(ls "$T"/letters/*.pdf 2>/dev/null)" ]
crashed=${first%%,*}
other=$([ "$crashed" = A-001 ] && echo N-001 || echo A-001)
crashed_mail=$(to "$([ "$crashed" = A-001 ] && echo $A || echo $N)")
crashed_id=$(header "$crashed_mail" Message-ID)

echo "== the next run, after PendingTimeout: $crashed recorded as sent, its letter and copy made; $other sent normally"
sleep 3
before=$(sink_count)
ctl run-due --now 2026-02-02 --json >"$T/run.json" 2>>"$T/ctl.err"
check_eq "run-due exits 0" 0 $?
check_eq "$crashed recovered" 1 "$(jq .recovered "$T/run.json")"
check_eq "$other sent" 1 "$(jq .sent "$T/run.json")"
wait_sink $((before + 3)) 60
settle
take_new
check_eq "three messages: $other's reminder, two creditor's copies" 3 "${#NEW[@]}"
check_eq "$crashed is sent, not resent" sent "$(case_field "$crashed" '.reminders[0].state')"
check_eq "its letter is written, as $other's" 2 "$(ls "$T"/letters/*lettre*.pdf 2>/dev/null | wc -l)"
check "$crashed's letter is a real PDF" grep -q "^%PDF-" "$(ls "$T"/letters/*"$crashed"*lettre*.pdf 2>/dev/null | head -n 1)"
copy=$(copy_about "$crashed")
check "the creditor gets $crashed's copy" [ -n "$copy" ]
check "the copy carries the reminder" grep -q "message/rfc822" "$copy"
check "with the Message-ID it went out with ($crashed_id)" grep -qiF "Message-ID: $crashed_id" "$copy"
check "and the letter" grep -q "application/pdf" "$copy"
check "the recovery is in the case's history" \
    grep -q "interrupted run" <<<"$(ctl show "$crashed" --json | jq -r '.history[].detail')"
check_eq "both letters dated the run's day" 2 "$(ls "$T"/letters/2026-02-02-*.pdf 2>/dev/null | wc -l)"

stop_relanced
check "no sanitizer reports" no_sanitizer_reports
finish
