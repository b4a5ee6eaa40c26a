#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/store.sh - the store at 100,000 and 1,000,000 invoices (over N/20
# debtors, bench/gen_store.c), in a directory under /tmp removed after:
# generation time, the scheduler's due selection, run-due in dry run
# (reminders per second, peak resident size), list --json and stats (time,
# peak resident size), relanced's resident size once started on the store.
# Prints one table; BENCH.md says what the figures mean. BENCH_SIZES and
# BENCH_RUN_SECONDS (run-due is stopped after that long) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=${BENCH_SIZES:-100000 1000000}
RUN_SECONDS=${BENCH_RUN_SECONDS:-60}
work=$(mktemp -d /tmp/relance-bench-store.XXXXXX)
RELANCED_PID=
cleanup() {
    [ -n "$RELANCED_PID" ] && kill "$RELANCED_PID" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
TODAY=$(date -u +%F)

"$ROOT/build/relancectl" keygen "$work/key" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

conf() { # db
    cat <<CONF
Socket inet:$port@127.0.0.1
Database $1
KeyFile $work/key
UserID
Syslog no
LogLevel warning
TemplateDirectory $ROOT/conf/templates
ReplyLexicon $ROOT/conf/replies
PdfWorker $ROOT/build/relance-pdf
DryRun yes
DryRunDirectory $work/dry
LetterDirectory $work/letters
CreditorName Bench SARL
CreditorEmail creditor@bench.example
CreditorAddress 12 rue de la Paix, 75002 Paris
CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189
AgencyName Bench Recouvrement
AgencySender agence@bench.example
AgencyAddress 3 place Bellecour, 69002 Lyon
ReplyAddress relance@bench.example
CONF
}

# timed OUT_VAR_PREFIX command...: seconds and peak KiB of the command.
timed() {
    local prefix=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
    read -r t m < <(tail -1 "$work/time")
    printf -v "${prefix}_s" '%s' "$t"
    printf -v "${prefix}_kb" '%s' "$m"
}

mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

rows=()
for n in $SIZES; do
    db=$work/store-$n.db
    cfg=$work/relanced-$n.conf
    conf "$db" >"$cfg"
    rm -rf "$work/dry" "$work/letters"; mkdir -p "$work/dry" "$work/letters"
    gen=$("$ROOT/build/bench/gen_store" -n "$n" -k "$work/key" -t "$TODAY" "$db")
    gen_s=$(sed -E 's/.* in ([0-9.]+) s$/\1/' <<<"$gen")
    "$ROOT/build/bench/bench_due" "$db" "$TODAY" >/dev/null   # the migration, not timed
    read -r due_n due_s due_kb < <("$ROOT/build/bench/bench_due" "$db" "$TODAY")
    timed listj sh -c "'$ROOT/build/relancectl' -c '$cfg' --json list >'$work/list.json'"
    list_cases=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$work/list.json")
    rm -f "$work/list.json"
    timed stats "$ROOT/build/relancectl" -c "$cfg" stats
    timed run timeout "$RUN_SECONDS" "$ROOT/build/relancectl" -c "$cfg" run-due
    sent=$(find "$work/dry" -name '*.eml' | wc -l)
    rate=$(awk -v n="$sent" -v s="$run_s" 'BEGIN { printf "%.0f", n / s }')
    # relanced on the same store: its resident size once started (the
    # scheduler's first run begins at start-up).
    "$ROOT/build/relanced" -f -c "$cfg" >"$work/relanced.log" 2>&1 &
    RELANCED_PID=$!
    sleep 10
    hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$RELANCED_PID/status" 2>/dev/null || echo 0)
    # Its first run may last long on a big book: stopped hard, the store is thrown away.
    kill -KILL "$RELANCED_PID"; wait "$RELANCED_PID" 2>/dev/null || true; RELANCED_PID=
    rows+=("$(printf '%-9s %8s s %9s in %6s s (%s) %6s/s %9s %6s s %9s %6s s %9s %9s' \
        "$n" "$gen_s" "$due_n" "$due_s" "$(mib "$due_kb")" "$rate" "$(mib "$run_kb")" \
        "$listj_s" "$(mib "$listj_kb")" "$stats_s" "$(mib "$stats_kb")" "$(mib "$hwm")")")
    [ "$list_cases" = "$n" ] || { echo "list --json gave $list_cases cases of $n" >&2; exit 1; }
    rm -f "$db" "$db"-wal "$db"-shm
done
printf '%-9s %10s %27s %8s %9s %16s %16s %9s\n' "invoices" "generate" "due selection (peak RSS)" "run-due" \
    "RSS" "list --json" "stats" "relanced"
for r in "${rows[@]}"; do echo "$r"; done
echo "targets at 1M: due selection < 1 s; run-due dry run >= 1000 reminders/s; every process < 64 MiB"
