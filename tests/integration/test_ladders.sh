#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ladders that fit the debtor, through a real Postfix: a forgetful debtor
# and a bad one with the same overdue invoice (1000.00 EUR due Friday
# 30 January 2026) follow different ladders, a big invoice follows the
# ladder chosen by amount, a profile computed from history chooses a
# ladder as one set by hand does, a profile that changes mid-way does not
# move a case to another ladder, and preview and show name the ladder and
# why. relanced -n checks the ladders and the rules.
#
# The dates, worked out by hand (steps go on business days, SendDays
# Mon-Fri; no French holiday falls in these weeks):
#   firm   avis-impaye after=1  -> Sat 31 Jan -> Mon 2 Feb
#          mise-en-demeure after=8 interval=7 -> max(Sat 7 Feb, 2+7=9 Feb) -> Mon 9 Feb
#   big    rappel after=1 -> Mon 2 Feb
#          mise-en-demeure after=10 interval=7 -> max(Mon 9 Feb, 9 Feb) -> Mon 9 Feb
#   gentle rappel after=5 -> Wed 4 Feb
#          avis-impaye after=20 interval=10 -> max(Thu 19 Feb, 14 Feb) -> Thu 19 Feb
#          mise-en-demeure after=40 interval=15 -> max(Wed 11 Mar, 6 Mar) -> Wed 11 Mar
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text
NBSP=$(printf '\302\240')

touch "$T/seen.list"
start_sink || exit 1

LADDERS=(
    "Ladder gentle"
    "Step rappel after=5 severity=green claim=no"
    "Step avis-impaye after=20 interval=10 severity=orange"
    "Step mise-en-demeure after=40 interval=15"
    "Ladder firm"
    "Step avis-impaye after=1 severity=orange"
    "Step mise-en-demeure after=8 interval=7"
    "Ladder big"
    "Step rappel after=1 severity=green claim=no"
    "Step mise-en-demeure after=10 interval=7"
    "LadderFor profile=bad ladder=firm"
    "LadderFor amount>=5000 ladder=big"
    "LadderFor profile=forgetful ladder=gentle"
)
write_relance_conf \
    "SchedulerInterval 0" \
    "TemplateDirectory $TOP/conf/templates" \
    "LetterDirectory $T/letters" \
    "CreditorName ACME Industries SAS" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorEmail compta@creditor.test" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "DefaultDebtorKind business" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i" \
    "${LADDERS[@]}"

echo "== relanced -n checks ladders and rules"
check_eq "relanced -n accepts the ladders" "configuration OK" "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
bad_conf() { cp "$RELANCE_CONF" "$T/bad.conf"; printf '%s\n' "$@" >>"$T/bad.conf"; "$RELANCED" -n -c "$T/bad.conf" 2>&1; }
line=$(($(wc -l <"$RELANCE_CONF") + 1))
out=$(bad_conf "LadderFor profile=late ladder=nowhere")
check "an unknown ladder is refused, with its line" grep -qF "$T/bad.conf:$line: LadderFor: no ladder named nowhere" <<<"$out"
out=$(bad_conf "LadderFor amount>=6000 ladder=firm")
check "a rule an earlier one shadows is refused" grep -qF "$T/bad.conf:$line: LadderFor: 'amount>=6000 ladder=firm' can never match: the rule at line $((line - 2))" <<<"$out"
out=$(bad_conf "Ladder firm" "Step rappel after=1")
check "a ladder defined twice is refused" grep -qF "$T/bad.conf:$line: Ladder: ladder firm is defined twice" <<<"$out"
out=$(bad_conf "Ladder empty")
check "a ladder without steps is refused" grep -qF "$T/bad.conf:$line: Ladder empty: no Step line follows it" <<<"$out"

start_relanced || exit 1
start_postfix || exit 1

send_invoice() {
    ubl_invoice "$@" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$6" "Facture $1" "$T/$1.xml" application/xml "<invoice-$1@creditor.test>"
    "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test "$6" "$T/$1.eml" >/dev/null ||
        fail "invoice $1 refused"
}
run_due() { # run_due WHEN REMINDERS: NEW holds what reached the sink
    local when=$1 reminders=$2 before
    before=$(sink_count)
    ctl run-due --now "$when" --json >"$T/run.json" 2>>"$T/ctl.err"
    check_eq "$when: $reminders reminder(s) sent" "$reminders" "$(jq .sent "$T/run.json")"
    [ "$reminders" -gt 0 ] && wait_sink $((before + reminders)) 60
    settle
    check_eq "$when: $reminders message(s) at the sink" $((before + reminders)) "$(sink_count)"
    take_new
}
to() {
    local f
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && echo "$f"; done
}
text() { sink_message "$1" | "$MAIL_TEXT"; }
header() { text "$1" | sed '/^$/q' | sed -n "s/^$2: //p" | head -n 1; }
# got ADDR SUBJECT-START DAY: ADDR got one reminder, of that step, dated that day.
got() {
    local f
    f=$(to "$1")
    check_eq "$1: one reminder" 1 "$(wc -w <<<"$f")"
    [ -n "$f" ] || return
    check "$1: $2" grep -q "^$2" <<<"$(header "$f" Subject)"
    check "$1: dated $3" grep -q "$3" <<<"$(header "$f" Date)"
}
case_field() { ctl show "$1" --json | jq -r "$2"; }
db_has() { [ -n "$(sqlite3 "$RELANCE_DB" "$1")" ]; }

FG=oublieux@client-f.test   # forgetful, set by the operator
BD=mauvais@client-b.test    # bad, set by the operator
BG=gros@client-g.test       # no profile, a big invoice
HX=habitude@client-h.test   # forgetful by history
NONE=neutre@client-n.test   # no profile, a small invoice: the default ladder
RAPPEL="Rappel${NBSP}: facture"
AVIS="Avis d'impayé${NBSP}: facture"
MED="Mise en demeure de payer${NBSP}: facture"

echo "== invoices through the MTA become cases"
send_invoice HX-001 2025-12-05 2026-01-05 120.00 "Habitude SARL" $HX
send_invoice HX-002 2025-12-05 2026-01-05 80.00 "Habitude SARL" $HX
send_invoice FG-001 2025-12-31 2026-01-30 1000.00 "Oublieux SARL" $FG
send_invoice BD-001 2025-12-31 2026-01-30 1000.00 "Mauvais SARL" $BD
send_invoice BIG-001 2025-12-31 2026-01-30 6000.00 "Gros SAS" $BG
send_invoice NO-001 2025-12-31 2026-01-30 1000.00 "Neutre SARL" $NONE
check "every invoice delivered" wait_sink 6 60
take_new
check_eq "six cases" 6 "$(ctl list --json | jq length)"
check_eq "debtor --profile forgetful" "debtor $FG: profile forgetful (set by the operator)" "$(ctl debtor $FG --profile forgetful)"
check_eq "debtor --profile in French" "debtor $BD: profile bad (set by the operator)" "$(ctl debtor $BD --profile mauvais-payeur)"
check "debtor --profile refuses another word" not ctl debtor $BD --profile rich
check "an unknown debtor is said so" not ctl debtor nobody@x.test --profile bad
check_eq "the profile change is audited" operator \
    "$(ctl show BD-001 --json | jq -r '.profile_source')"
check "... in the audit log" db_has "SELECT 1 FROM events WHERE kind = 'debtor-profile' AND actor = 'operator' AND detail LIKE '%$BD%bad%'"

echo "== history: HX pays two invoices after step 1 (the default ladder)"
check_eq "HX has too little history yet" "computed: too little history (0 paid invoices)" "$(case_field HX-001 .profile_why)"
run_due 2026-01-06 1
got $HX "$RAPPEL HX-001 et HX-002" "06 Jan 2026"
ctl pay HX-001 --on 2026-01-08 >/dev/null && ctl pay HX-002 --on 2026-01-08 >/dev/null || fail "pay HX"
check_eq "HX-001 followed the default ladder" default "$(case_field HX-001 .ladder)"

echo "== which ladder, and why, before any step"
before=$(sink_count)
send_invoice HX-003 2025-12-31 2026-01-30 1000.00 "Habitude SARL" $HX
check "HX-003 delivered" wait_sink $((before + 1)) 60
take_new
check_eq "HX-003: forgetful, computed from history" "forgetful|computed: paid after step 1 on 2 of 2 invoices" \
    "$(case_field HX-003 '.profile + "|" + .profile_why')"
pv=$(ctl preview BD-001 --now 2026-02-02)
check "preview names BD-001's ladder and why" grep -qF "Ladder: firm: profile bad (set by the operator), balance 1000.00 EUR: LadderFor profile=bad ladder=firm" <<<"$pv"
check "... and shows its first step" grep -qF "Subject: $AVIS BD-001" <<<"$pv"
pv=$(ctl preview BIG-001 --now 2026-02-02)
check "preview: the big invoice follows big, by amount" grep -qF "Ladder: big: profile none (computed: too little history (0 paid invoices)), balance 6000.00 EUR: LadderFor amount>=5000 ladder=big" <<<"$pv"
pv=$(ctl preview HX-003 --now 2026-02-04)
check "preview: HX-003 follows gentle, computed" grep -qF "Ladder: gentle: profile forgetful (computed: paid after step 1 on 2 of 2 invoices)" <<<"$pv"
pv=$(ctl preview NO-001 --now 2026-02-02)
check "preview: no rule holds, the default ladder" grep -qF "Ladder: default: profile none" <<<"$pv"
check "show: not chosen yet" grep -qF "firm, if its first step were due now (profile bad (set by the operator), balance 1000.00 EUR: LadderFor profile=bad ladder=firm" <<<"$(ctl show BD-001)"
check "show: the profile in French too" grep -q "^profile: *bad / mauvais payeur (set by the operator)" <<<"$(ctl show BD-001)"
check "list says each debtor's profile" grep -q "^FG-001 .* forgetful (set by the operator)" <<<"$(ctl list)"

echo "== the ladders, step by step"
run_due 2026-01-30 0
run_due 2026-02-02 3
got $BD "$AVIS BD-001" "02 Feb 2026"
got $BG "$RAPPEL BIG-001" "02 Feb 2026"
got $NONE "$RAPPEL NO-001" "02 Feb 2026"
check "nothing yet for the forgetful" [ -z "$(to $FG)$(to $HX)" ]
check_eq "BD-001 recorded on firm" firm "$(case_field BD-001 .ladder)"
check_eq "BIG-001 recorded on big" big "$(case_field BIG-001 .ladder)"
check "the choice is in the audit log" db_has "SELECT 1 FROM events WHERE kind = 'ladder-chosen' AND detail LIKE '%firm%profile bad%'"
run_due 2026-02-03 0
run_due 2026-02-04 2
got $FG "$RAPPEL FG-001" "04 Feb 2026"
got $HX "$RAPPEL HX-003" "04 Feb 2026"
check_eq "FG-001 recorded on gentle" gentle "$(case_field FG-001 .ladder)"

echo "== a profile that changes mid-way does not move the case"
ctl debtor $FG --profile bad >/dev/null
check "show: FG-001 still on gentle" grep -q "^ladder: *gentle (chosen when its first step was due)" <<<"$(ctl show FG-001)"
run_due 2026-02-06 0
run_due 2026-02-09 2
got $BD "$MED BD-001" "09 Feb 2026"
got $BG "$MED BIG-001" "09 Feb 2026"
# On firm, FG-001's step 2 would be due on 11 Feb (4 Feb + 7).
run_due 2026-02-11 0
run_due 2026-02-16 1
got $NONE "$AVIS NO-001" "16 Feb 2026"   # the built-in ladder: +15 days, on Mon 16 Feb
run_due 2026-02-18 0
run_due 2026-02-19 2
got $FG "$AVIS FG-001" "19 Feb 2026"
got $HX "$AVIS HX-003" "19 Feb 2026"
run_due 2026-03-02 1
got $NONE "$MED NO-001" "02 Mar 2026"    # built-in: +30 days, on Mon 2 Mar
run_due 2026-03-10 0
run_due 2026-03-11 2
got $FG "$MED FG-001" "11 Mar 2026"
got $HX "$MED HX-003" "11 Mar 2026"
check_eq "firm ended after its two steps" 2 "$(case_field BD-001 .level)"
check_eq "big ended after its two steps" 2 "$(case_field BIG-001 .level)"

echo "== a ladder removed from the configuration: the default one, and show says so"
stop_relanced
grep -v "^LadderFor profile=forgetful" "$RELANCE_CONF" | sed '/^Ladder gentle/,/^Ladder firm/{/^Ladder firm/!d}' >"$T/nogentle.conf"
check_eq "relanced -n accepts it" "configuration OK" "$("$RELANCED" -n -c "$T/nogentle.conf" 2>&1)"
out=$("$RELANCECTL" -c "$T/nogentle.conf" show FG-001)
check "show says the ladder is gone" grep -q "^ladder: *default (its ladder gentle is no longer configured: the default ladder)" <<<"$out"
# The cases go on along the default ladder from where they stand (level
# 3): agence-courriel, after=45 -> Mon 16 Mar, 10 days after 11 Mar -> Sat
# 21 Mar -> Mon 23 Mar; with its copy to the creditor.
before=$(sink_count)
"$RELANCECTL" -c "$T/nogentle.conf" run-due --now 2026-03-20 --json >"$T/run.json" 2>"$T/nogentle.err"
# NO-001, on the default ladder all along, is due since Mon 16 Mar (+45).
check_eq "2026-03-20: NO-001's step 4 alone" 1 "$(jq .sent "$T/run.json")"
check_eq "... FG-001 waits its interval" 3 "$(case_field FG-001 .level)"
check "the run warns that gentle is gone" grep -q "case [0-9]* follows ladder gentle, which is no longer configured: the default ladder applies" "$T/nogentle.err"
"$RELANCECTL" -c "$T/nogentle.conf" run-due --now 2026-03-23 --json >"$T/run.json" 2>>"$T/nogentle.err"
check_eq "2026-03-23: the default ladder's step 4 for FG-001 and HX-003" 2 "$(jq .sent "$T/run.json")"
check "reminders and copies reach the sink" wait_sink $((before + 6)) 60
take_new
check_eq "FG-001 at level 4" 4 "$(case_field FG-001 .level)"
check "FG-001's step 4 is the default ladder's agence-courriel" grep -q "agence-courriel" <<<"$(case_field FG-001 '.reminders[-1].step_name')"

finish
