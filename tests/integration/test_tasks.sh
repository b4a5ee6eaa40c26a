#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Steps done by people, through a real Postfix: a ladder with a call
# between two e-mail steps. At the call's date each debtor gets a task and
# no mail; the ladder waits. The task of A is done with a promise: the
# case is paused like a reply's promise, and the ladder resumes after the
# promised day plus PromiseGraceDays. The task of B is left alone: it
# times out after TaskTimeoutDays and the next step goes out. The
# creditor's digest of open tasks arrives once a day, only while tasks
# are open.
#
# The dates, by hand (due date 30 Jan 2026, a Friday; TaskTimeoutDays 5,
# PromiseGraceDays 3):
#   rappel after=1            -> first business day on or after 31 Jan: Mon 2 Feb
#   appel after=10 interval=5 -> max(30 Jan + 10 = 9 Feb, 2 Feb + 5 = 7 Feb) = Mon 9 Feb
#   B's task: created 9 Feb, times out on 9 + 5 = 14 Feb: at the first run
#     on or after it (Mon 16 Feb), ended_at = that run.
#   mise-en-demeure after=20 interval=7:
#     B: max(30 Jan + 20 = 19 Feb, 16 Feb + 7 = 23 Feb) = Mon 23 Feb
#     A: task done on 10 Feb -> max(19 Feb, 10 + 7 = 17 Feb) = 19 Feb, but
#        paused until 20 + 3 = 23 Feb (the pause ends the day after): Tue 24 Feb
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
    "TemplateDirectory $TOP/conf/templates" \
    "CreditorName ACME Industries SAS" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorEmail compta@creditor.test" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "DefaultDebtorKind business" \
    "PromiseGraceDays 3" \
    "TaskTimeoutDays 5" \
    "TaskDigest yes" \
    "Step rappel after=1 severity=green claim=no" \
    "Step appel after=10 interval=5 action=task task=call" \
    "Step mise-en-demeure after=20 interval=7" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"

check_eq "relanced -n accepts a ladder with a call step" "configuration OK" \
    "$("$RELANCED" -n -c "$RELANCE_CONF" 2>&1)"
# A task step says what the person does, and is never the first step.
for bad in "Step appel after=10 action=task" "Step appel after=10 task=call" \
    "Step appel after=10 action=task task=fax" "Step appel after=10 action=task task=call copy=yes"; do
    { grep -v '^Step ' "$RELANCE_CONF"; echo "Step rappel after=1"; echo "$bad"; } >"$T/bad.conf"
    check "relanced -n refuses '$bad'" not "$RELANCED" -n -c "$T/bad.conf"
done
{ grep -v '^Step ' "$RELANCE_CONF"; echo "Step appel after=1 action=task task=call"; } >"$T/bad.conf"
check "relanced -n refuses a task as the first step" not "$RELANCED" -n -c "$T/bad.conf"

start_relanced || exit 1
start_postfix || exit 1

# send_invoice NUMBER ISSUE DUE AMOUNT BUYER EMAIL [PHONE]: mails it through
# Postfix; PHONE goes in the buyer's contact (cbc:Telephone).
send_invoice() {
    ubl_invoice "$1" "$2" "$3" "$4" "$5" "$6" >"$T/$1.xml"
    [ -n "${7:-}" ] && sed -i "s|<cbc:ElectronicMail>|<cbc:Telephone>$7</cbc:Telephone><cbc:ElectronicMail>|" "$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$6" "Facture $1" "$T/$1.xml" application/xml "<invoice-$1@creditor.test>"
    "$SMTP_SEND" 127.0.0.1 "$SMTPD_PORT" billing@creditor.test "$6" "$T/$1.eml" >/dev/null ||
        fail "invoice $1 refused"
}

# run_due WHEN SENT FILES: run-due at WHEN reports SENT reminders and
# exactly FILES messages reach the sink (NEW holds them).
run_due() {
    local when=$1 sent=$2 files=$3 before rc
    before=$(sink_count)
    ctl run-due --now "$when" --json >"$T/run.json" 2>>"$T/ctl.err"
    rc=$?
    check_eq "$when: run-due exits 0" 0 "$rc"
    check_eq "$when: $sent reminder(s) sent" "$sent" "$(jq .sent "$T/run.json")"
    [ "$files" -gt 0 ] && wait_sink $((before + files)) 60
    settle
    check_eq "$when: $files message(s) at the sink" $((before + files)) "$(sink_count)"
    take_new
}
to() {
    local f
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && echo "$f"; done
}
text() { sink_message "$1" | "$MAIL_TEXT"; }
says() { text "$1" | sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }
case_field() { ctl show "$1" --json | jq -r "$2"; }
task_of() { ctl tasks --all --json | jq -r ".[] | select(.debtor_email == \"$1\") | $2"; }

A=martin@client-a.test
B=dupuis@client-b.test
CREDITOR=compta@creditor.test

echo "== two invoices, one with the buyer's telephone"
send_invoice A-001 2025-12-31 2026-01-30 1000.00 "Boulangerie Martin SARL" $A "+33 4 78 00 00 01"
send_invoice B-001 2025-12-31 2026-01-30 500.00 "Garage Dupuis" $B
check "both invoices delivered" wait_sink 2 60
take_new
check_eq "two cases" 2 "$(ctl list --json | jq length)"
check_eq "inspect reads the buyer's telephone" "+33 4 78 00 00 01" \
    "$(ctl inspect "$T/A-001.xml" --json | jq -r '.invoices[0].buyer_phone')"
check_eq "... and none where the invoice gives none" null \
    "$(ctl inspect "$T/B-001.xml" --json | jq -r '.invoices[0].buyer_phone')"
check_eq "the operator sets B's telephone" "debtor $B: phone 06 12 34 56 78" "$(ctl debtor $B --phone "06 12 34 56 78")"
check "a telephone that is not one is refused" not ctl debtor $B --phone "call me maybe"
check_eq "no task yet" "no open task" "$(ctl tasks)"

echo "== step 1 by e-mail"
run_due 2026-02-02 2 2
check "A got step 1" [ -n "$(to $A)" ]
check "preview of the call step: it sends nothing" grep -q "step 2 (appel) is done by people (task=call)" \
    <<<"$(ctl preview A-001 --now 2026-02-09 2>&1)"

echo "== the call step: a task each, no mail to the debtors, the digest to the creditor"
run_due 2026-02-06 0 0
run_due 2026-02-09 0 1
check_eq "two tasks created" 2 "$(jq .tasks "$T/run.json")"
check "nothing to A" [ -z "$(to $A)" ]
check "nothing to B" [ -z "$(to $B)" ]
digest=$(to $CREDITOR)
check "the digest reached the creditor" [ -n "$digest" ]
check "... it counts the open tasks" says "$digest" "2 tâche(s) de recouvrement"
check "... with A's telephone from the invoice" says "$digest" "+33 4 78 00 00 01"
check "... and B's from the operator" says "$digest" "06 12 34 56 78"
check_eq "two open tasks" 2 "$(ctl tasks --json | jq length)"
check_eq "A's task is a call" call "$(task_of $A .kind)"
check_eq "... with the invoice's telephone" "+33 4 78 00 00 01" "$(task_of $A .phone)"
check_eq "... the case and its amount" "A-001 1000.00 EUR" "$(task_of $A '.cases[0] | "\(.number) \(.balance) \(.currency)"')"
check_eq "... the step" "2 appel" "$(task_of $A '"\(.step) \(.step_name)"')"
check "... the history: step 1 went out on 2 Feb" grep -q "A-001: step 1 (rappel) sent 2026-02-02" <<<"$(task_of $A .history)"
check_eq "... it times out on 9 + 5 = 14 Feb" 2026-02-14 "$(task_of $A .timeout_on)"
check_eq "B's task has the operator's number" "06 12 34 56 78" "$(task_of $B .phone)"
check_eq "the call step counts as reached: A at level 2" 2 "$(case_field A-001 .level)"
check "the table lists the task" grep -q "call.*$A.*+33 4 78 00 00 01" <<<"$(ctl tasks)"
run_due 2026-02-09T15:00 0 0
check_eq "a second run the same day: no second task" 0 "$(jq .tasks "$T/run.json")"

echo "== A's task done with a promise: paused like a reply's promise"
A_TASK=$(task_of $A .id)
B_TASK=$(task_of $B .id)
out=$(ctl task "$A_TASK" --done "Appel : paiera le 20" --promise 2026-02-20 --on 2026-02-10)
check_eq "task done, paused until 20 + 3 days" "task $A_TASK done (promise until 2026-02-23); 1 case(s) changed" "$out"
check_eq "A-001 paused" paused "$(case_field A-001 .status)"
check_eq "... until 23 Feb" 2026-02-23 "$(case_field A-001 .paused_until)"
check_eq "... for a promise" promise "$(case_field A-001 .pause_reason)"
check_eq "the task is done" "done promise 2026-02-20" "$(task_of $A '"\(.state) \(.outcome) \(.promised)"')"
check "a done task cannot be done again" not ctl task "$A_TASK" --done "encore"
check "the audit chain holds the task" grep -q task-done <<<"$(ctl show A-001 --json | jq -r '.history[].kind')"
check "unknown task refused" not ctl task 999 --done "x"
check "a day to come refused for --on" not ctl task "$B_TASK" --done "x" --on 2999-01-01
check_eq "... and the task stays open" open "$(task_of $B .state)"
check "--promise and --dispute together refused" not ctl task "$B_TASK" --done "x" --promise 2026-03-01 --dispute

echo "== B's task left alone: the digest once a day, then the timeout"
run_due 2026-02-11 0 1
check "the day's digest lists B only" says "$(to $CREDITOR)" "1 tâche(s)"
check "... its call, in French" says "$(to $CREDITOR)" "#$B_TASK appel"
check "... not A's, done" not says "$(to $CREDITOR)" "#$A_TASK appel"
run_due 2026-02-11T16:00 0 0
run_due 2026-02-13 0 1
check_eq "not timed out before TaskTimeoutDays" open "$(task_of $B .state)"
run_due 2026-02-16 0 0
check_eq "B's task times out on the first run on or after 14 Feb" 1 "$(jq .tasks_timed_out "$T/run.json")"
check_eq "it is marked timed-out" timed-out "$(task_of $B .state)"
check "... audited" grep -q task-timed-out <<<"$(ctl show B-001 --json | jq -r '.history[].kind')"
check_eq "no open task: no digest" "no open task" "$(ctl tasks)"

echo "== the ladder goes on"
run_due 2026-02-19 0 0
run_due 2026-02-20 0 0
run_due 2026-02-23 1 1
check "B's step 3 goes out 7 days after the timeout" [ -n "$(to $B)" ]
check "... the formal notice" says "$(to $B)" "Mise en demeure de payer"
check "A waits for the end of its pause" [ -z "$(to $A)" ]
run_due 2026-02-24 1 1
check "A's step 3 once the promise and its grace passed" [ -n "$(to $A)" ]
check_eq "A-001 at level 3" 3 "$(case_field A-001 .level)"
check_eq "B-001 at level 3" 3 "$(case_field B-001 .level)"
check "the audit chain verifies" ctl audit verify
check "no sanitizer report" no_sanitizer_reports

finish
