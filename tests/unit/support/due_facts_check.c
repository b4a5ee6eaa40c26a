/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * due_facts_check.c - see due_facts_check.h. The derivation is the
 * scheduler's query of schema version 14, word for word.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <string.h>

#include "due_facts_check.h"
#include "store/store.h"
#include "store/store_internal.h"

static const char derived_sql[] =
    "SELECT i.id,"
    " COALESCE((SELECT r.sent_at FROM reminder_items ri JOIN reminders r ON r.id = ri.reminder_id"
    "   WHERE ri.invoice_id = i.id AND ri.step = i.level AND r.state = 'sent'),"
    " (SELECT t.ended_at FROM task_items ti JOIN tasks t ON t.id = ti.task_id"
    "   WHERE ti.invoice_id = i.id AND ti.step = i.level AND t.state <> 'open'), ''),"
    " EXISTS (SELECT 1 FROM reminder_items ri JOIN reminders r ON r.id = ri.reminder_id"
    "   WHERE ri.invoice_id = i.id AND ri.step = 0 AND (r.state <> 'dry-run' OR ?1)),"
    " EXISTS (SELECT 1 FROM reminder_items ri JOIN reminders r ON r.id = ri.reminder_id"
    "   WHERE ri.invoice_id = i.id AND (r.state IN ('pending', 'held')"
    "     OR (?1 AND r.state = 'dry-run' AND ri.step = i.level + 1)))"
    "   OR EXISTS (SELECT 1 FROM outbox o WHERE o.invoice_id = i.id AND o.kind = 'dispute-resumed'"
    "     AND o.state IN ('pending', 'sending'))"
    "   OR EXISTS (SELECT 1 FROM task_items ti JOIN tasks t ON t.id = ti.task_id"
    "     WHERE ti.invoice_id = i.id AND t.state = 'open'),"
    " COALESCE((SELECT MAX(COALESCE(o.sent_at, o.created_at)) FROM outbox o"
    "   WHERE o.invoice_id = i.id AND o.kind = 'dispute-resumed'), '')"
    " FROM invoices i ORDER BY i.id";

static void check_one(struct store *st, sqlite3_stmt *stmt, bool dry_run)
{
    int64_t id = sqlite3_column_int64(stmt, 0);
    const char *last = (const char *)sqlite3_column_text(stmt, 1);
    const char *resumed = (const char *)sqlite3_column_text(stmt, 4);
    struct due_case dc;

    assert_int_equal(store_get_due_case(st, id, dry_run, &dc), STORE_OK);
    if (strcmp(dc.last_step_at, last) != 0)
        fail_msg("case %lld (dry run %d): last step kept '%s', derived '%s'", (long long)id, dry_run,
                 dc.last_step_at, last);
    if (dc.courtesy_done != (sqlite3_column_int(stmt, 2) != 0))
        fail_msg("case %lld (dry run %d): courtesy kept %d, derived %d", (long long)id, dry_run, dc.courtesy_done,
                 sqlite3_column_int(stmt, 2));
    if (dc.busy != (sqlite3_column_int(stmt, 3) != 0))
        fail_msg("case %lld (dry run %d): busy kept %d, derived %d", (long long)id, dry_run, dc.busy,
                 sqlite3_column_int(stmt, 3));
    if (strcmp(dc.resumed_at, resumed) != 0)
        fail_msg("case %lld (dry run %d): resumed kept '%s', derived '%s'", (long long)id, dry_run, dc.resumed_at,
                 resumed);
}

void due_facts_check(struct store *st)
{
    for (int dry_run = 0; dry_run <= 1; dry_run++) {
        sqlite3_stmt *stmt;

        assert_int_equal(sqlite3_prepare_v2(st->db, derived_sql, -1, &stmt, NULL), SQLITE_OK);
        sqlite3_bind_int(stmt, 1, dry_run);
        while (sqlite3_step(stmt) == SQLITE_ROW)
            check_one(st, stmt, dry_run != 0);
        sqlite3_finalize(stmt);
    }
}
