#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The operator's small tools, on a real store (no MTA needed):
#   - every option a relancectl command parses is in `relancectl help` and
#     in the README;
#   - `debtor EMAIL --deliverable` clears an undeliverable mark, audited;
#   - `outbox --uncertain` lists only the messages that may have gone out;
#   - the reminders and replies tables stay aligned with long and accented
#     addresses (cut with an ellipsis, counted in characters);
#   - `stats` sums them (the arithmetic is checked in test_store_stats);
#   - `audit verify` says the chain is intact, then names the entry that
#     was edited, removed or swapped (exit 1).
source "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

write_relance_conf
db() { sqlite3 "$RELANCE_DB" "$@"; }

# ---- help text and README against the options each command parses ----
help=$(ctl help)
check "relancectl help lists the commands" grep -q "^  stats " <<<"$help"
missing=()
for opt in $(grep -ohE '\{"[a-z-]+", (no|required|optional)_argument|strcmp\(argv\[[0-9]\], "--[a-z-]+"\)' \
        "$TOP"/src/relancectl/ctl_*.c | grep -oE '"(--)?[a-z-]+"' | tr -d '"' | sed 's/^--//' | sort -u); do
    grep -q -- "--$opt\b" <<<"$help" || missing+=("help:--$opt")
    grep -q -- "--$opt\b" "$TOP/README.md" || missing+=("README:--$opt")
done
check_eq "every parsed option is in the help and the README" "" "${missing[*]}"
missing=()
for cmd in $(awk '/^  [a-z-]+/ { print $1 }' <<<"$help"); do
    grep -q "\`$cmd\b" "$TOP/README.md" || missing+=("README:$cmd")
done
check_eq "every command is in the README" "" "${missing[*]}"

# ---- debtor --deliverable ----
ctl debtor late@client.test --kind business >/dev/null
db "UPDATE debtors SET undeliverable = 1 WHERE email = 'late@client.test'"
out=$(ctl debtor late@client.test --deliverable)
check "deliverable: says the mark is cleared" grep -q "deliverable again" <<<"$out"
check_eq "deliverable: the mark is gone" 0 "$(db "SELECT undeliverable FROM debtors WHERE email = 'late@client.test'")"
check_eq "deliverable: one audit event names the debtor" 1 \
    "$(db "SELECT COUNT(*) FROM events WHERE kind = 'debtor-deliverable' AND detail LIKE '%late@client.test%'")"
out=$(ctl debtor late@client.test --deliverable)
check "deliverable twice: nothing to clear" grep -q "was not marked undeliverable" <<<"$out"
check_eq "deliverable twice: no second event" 1 "$(db "SELECT COUNT(*) FROM events WHERE kind = 'debtor-deliverable'")"
ctl debtor nobody@client.test --deliverable >/dev/null 2>&1
check_eq "deliverable: an unknown debtor fails" 1 "$?"

# ---- outbox --uncertain ----
db "INSERT INTO outbox (kind, sender, recipient, message_id, message, state, created_at, next_at) VALUES
    ('creditor-notice', 'r@agency.test', 'boss@creditor.test', 'a@x', 'm', 'uncertain', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z'),
    ('creditor-notice', 'r@agency.test', 'boss@creditor.test', 'b@x', 'm', 'sent', '2026-01-01T11:00:00Z', '2026-01-01T11:00:00Z'),
    ('dispute-ack', 'r@agency.test', 'late@client.test', 'c@x', 'm', 'uncertain', '2026-01-01T12:00:00Z', '2026-01-01T12:00:00Z')"
check_eq "outbox --uncertain: the two uncertain messages" "c@x a@x" \
    "$(ctl outbox --uncertain --json | jq -r '[.[] | .message_id] | join(" ")')"
check_eq "outbox --uncertain: the table too" 2 "$(ctl outbox --uncertain | grep -c uncertain)"
check_eq "outbox: all three" 3 "$(ctl outbox --json | jq length)"

# ---- aligned tables ----
long='tres.long.prenom.compose.avec.accents.élève.comptabilité@filiale-régionale.client.test'
db "INSERT INTO debtors (id, email, created_at, updated_at) VALUES
      (10, 'a@b.test', 'x', 'x'), (11, '$long', 'x', 'x'), (12, 'zoé@é.test', 'x', 'x');
    INSERT INTO invoices (id, seller, seller_key, number, type, amount_due, balance, currency, debtor_id, source,
      confidence, created_at, updated_at) VALUES
      (10, 'ACME', 'acme', 'F-10', 'invoice', 100, 100, 'EUR', 10, 'body', 90, 'x', 'x'),
      (11, 'ACME', 'acme', 'F-11', 'invoice', 100, 100, 'EUR', 11, 'body', 90, 'x', 'x'),
      (12, 'ACME', 'acme', 'F-12', 'invoice', 100, 100, 'EUR', 12, 'body', 90, 'x', 'x');
    INSERT INTO reminders (id, debtor_id, step, step_name, state, message_id, recipient, created_at, sent_at) VALUES
      (1, 10, 1, 'rappel', 'sent', 'm1@x', 'a@b.test', 'x', '2026-01-01T10:00:00Z'),
      (2, 11, 1, 'rappel', 'sent', 'm2@x', '$long', 'x', '2026-01-01T10:00:00Z'),
      (3, 12, 1, 'mise-en-demeure-très-longue-étape', 'sent', 'm3@x', 'zoé@é.test', 'x', '2026-01-01T10:00:00Z');
    INSERT INTO reminder_items (reminder_id, invoice_id, step, principal) VALUES (1, 10, 1, 100), (2, 11, 1, 100),
      (3, 12, 1, 100);
    INSERT INTO replies (invoice_id, sender, verdict, matched_by, action, excerpt, received_at) VALUES
      (10, 'a@b.test', 'other', 'thread', 'recorded', 'ok', '2026-01-02T10:00:00Z'),
      (11, '$long', 'dispute', 'token', 'unverified: nothing changed', 'non', '2026-01-02T11:00:00Z'),
      (12, 'zoé@é.test', 'promise', 'number', 'paused until 2026-02-01 (promise)', 'promis', '2026-01-02T12:00:00Z')"
# column COLUMN-HEADER TABLE: the character offsets at which each line's
# last column starts (INVOICES, EXCERPT): one value when aligned.
offsets() { # offsets TEXT-BEFORE-LAST-COLUMN...
    while IFS= read -r line; do
        prefix=${line%"$1"*}
        echo "${#prefix}"
    done
}
table=$(ctl reminders)
check_eq "reminders: every line's last column starts at the same character" 1 \
    "$( { head -1 <<<"$table" | offsets INVOICES; tail -n +2 <<<"$table" | offsets F-; } | sort -u | wc -l)"
check "reminders: the long address is cut with an ellipsis" grep -q "…" <<<"$table"
check "reminders: the short accented address is whole" grep -q "zoé@é.test " <<<"$table"
table=$(ctl replies)
check_eq "replies: every line's excerpt starts at the same character" 1 \
    "$( { head -1 <<<"$table" | offsets EXCERPT; tail -n +2 <<<"$table" | sed 's/ [^ ]*$/ @@/' | offsets @@; } | sort -u | wc -l)"
check "replies: the action is whole" grep -q "paused until 2026-02-01 (promise)" <<<"$table"

# ---- stats on the same rows: three open invoices of 1.00 EUR, no due
# date, issued on no known day (recorded 'x'), level 0 ----
stats=$(ctl stats --now 2026-06-30 --json)
check_eq "stats: the open balance" "3 3.00" "$(jq -r '.currencies[0].open | "\(.cases) \(.amount)"' <<<"$stats")"
check_eq "stats: no due date" 3 "$(jq -r '.currencies[0].by_age["no-due-date"].cases' <<<"$stats")"
# (the statuses known today; more may come, each with its line)
check_eq "stats: a line for every status" true \
    "$(jq '.currencies[0].by_status | [has("open", "paid", "paused", "disputed", "cancelled", "closed", "court")] | all' <<<"$stats")"
check_eq "stats: no DSO without invoicing" null "$(jq -r '.currencies[0].dso.days' <<<"$stats")"
check "stats: the table" grep -q "^EUR: open balance 3.00 (3 cases)" <<<"$(ctl stats --now 2026-06-30)"

# ---- audit verify ----
n=$(db "SELECT COUNT(*) FROM events")
out=$(ctl audit verify); rc=$?
check_eq "audit verify: intact, exit 0" 0 "$rc"
check "audit verify: counts the entries" grep -q "audit chain intact: $n entries" <<<"$out"
check_eq "audit verify --json: intact" true "$(ctl audit verify --json | jq -r .intact)"
cp "$RELANCE_DB" "$T/pristine.db"
ctl debtor third@client.test --kind consumer >/dev/null
db "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete"
db "UPDATE events SET actor = 'someone' WHERE id = 2"
out=$(ctl audit verify); rc=$?
check_eq "audit verify: an edited entry, exit 1" 1 "$rc"
check "audit verify: names the edited entry" grep -q "broken at entry 2 (edited)" <<<"$out"
db "UPDATE events SET actor = 'operator' WHERE id = 2; DELETE FROM events WHERE id = 2"
out=$(ctl audit verify); rc=$?
check_eq "audit verify: a removed entry, exit 1" 1 "$rc"
check "audit verify: names where it was removed" grep -q "broken at entry 3 (removed)" <<<"$out"
cp "$T/pristine.db" "$RELANCE_DB"; rm -f "$RELANCE_DB-wal" "$RELANCE_DB-shm"
db "DROP TRIGGER events_append_only_update;
    CREATE TEMP TABLE t AS SELECT * FROM events WHERE id IN (1, 2);
    UPDATE events SET (at, invoice_id, kind, actor, detail, prev_hash, hash) =
      (SELECT at, invoice_id, kind, actor, detail, prev_hash, hash FROM t
       WHERE t.id = CASE events.id WHEN 1 THEN 2 ELSE 1 END) WHERE id IN (1, 2)"
out=$(ctl audit verify --json); rc=$?
check_eq "audit verify: swapped entries, exit 1" 1 "$rc"
check_eq "audit verify --json: names the first swapped entry" "1 reordered" "$(jq -r '"\(.entry_id) \(.problem)"' <<<"$out")"

finish
