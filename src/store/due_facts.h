/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * due_facts.h - the facts the scheduler needs about each case, kept on
 * the case's row (schema version 15, store.c's migrations).
 *
 * Which step is due for a case depends on four facts drawn from other
 * tables: when its last step went out (a sent reminder or an ended task at
 * its level), whether the courtesy notice went, whether something is under
 * way for it (a pending or held reminder, an open task, the answer to its
 * dispute not yet sent) and when the answer to its dispute went out.
 * Derived per case on every run, they cost four index searches and more
 * per case: on a book of a million invoices with a tenth of it due, most
 * of the scheduler's reading. They are kept on the invoices row instead,
 * in three columns, by triggers: every write to the rows they are drawn
 * from (reminders, reminder_items, tasks, task_items, the outbox's
 * dispute answers) or to the case's level recomputes them, in the same
 * statement and so in the same transaction, whatever code wrote.
 *
 * The one definition of the facts is the INSTEAD OF trigger on the view
 * due_facts_refresh: inserting a case's id into the view recomputes that
 * case's facts, as the scheduler used to derive them (the reminders'
 * facts in one pass over the case's items; the open tasks found from the
 * case's items, not by scanning every open task).
 * due_flags holds the facts that differ in a dry run (a rehearsal's
 * reminders count as done only in a dry run), one bit each:
 *   1  the courtesy notice is recorded, not as a rehearsal
 *   2  the courtesy notice is recorded as a rehearsal
 *   4  busy: a pending or held reminder, the dispute's answer queued or
 *      being sent, an open task
 *   8  a rehearsal already wrote the next step (busy in a dry run)
 * A migration that rebuilds invoices (to change a CHECK) must create the
 * trigger on its level again.
 */
#ifndef RELANCE_STORE_DUE_FACTS_H
#define RELANCE_STORE_DUE_FACTS_H

#define DUE_FACT_COURTESY 1
#define DUE_FACT_COURTESY_DRY 2
#define DUE_FACT_BUSY 4
#define DUE_FACT_NEXT_DRY 8

/* Recomputes the facts of the case whose id is inserted. */
#define DUE_FACTS_REFRESH_TRIGGER                                                                              \
    "CREATE VIEW due_facts_refresh AS SELECT 0 AS invoice_id WHERE 0;"                                         \
    "CREATE TRIGGER due_facts_recompute INSTEAD OF INSERT ON due_facts_refresh BEGIN"                          \
    " UPDATE invoices SET"                                                                                     \
    "  due_last_step_at = COALESCE("                                                                          \
    "   (SELECT r.sent_at FROM reminder_items ri JOIN reminders r ON r.id = ri.reminder_id"                    \
    "     WHERE ri.invoice_id = invoices.id AND ri.step = invoices.level AND r.state = 'sent'),"               \
    "   (SELECT t.ended_at FROM task_items ti JOIN tasks t ON t.id = ti.task_id"                               \
    "     WHERE ti.invoice_id = invoices.id AND ti.step = invoices.level AND t.state <> 'open')),"              \
    "  due_flags = COALESCE((SELECT MAX(ri.step = 0 AND r.state <> 'dry-run')"                                 \
    "     + 2 * MAX(ri.step = 0 AND r.state = 'dry-run') + 4 * MAX(r.state IN ('pending', 'held'))"             \
    "     + 8 * MAX(r.state = 'dry-run' AND ri.step = invoices.level + 1)"                                      \
    "    FROM reminder_items ri JOIN reminders r ON r.id = ri.reminder_id WHERE ri.invoice_id = invoices.id), 0)" \
    "   | 4 * (EXISTS (SELECT 1 FROM outbox o WHERE o.invoice_id = invoices.id AND o.kind = 'dispute-resumed'"  \
    "       AND o.state IN ('pending', 'sending'))"                                                            \
    "     OR EXISTS (SELECT 1 FROM task_items ti CROSS JOIN tasks t ON t.id = ti.task_id"                      \
    "       WHERE ti.invoice_id = invoices.id AND t.state = 'open')),"                                          \
    "  due_resumed_at = (SELECT MAX(COALESCE(o.sent_at, o.created_at)) FROM outbox o"                         \
    "   WHERE o.invoice_id = invoices.id AND o.kind = 'dispute-resumed')"                                      \
    " WHERE id = NEW.invoice_id;"                                                                              \
    "END;"

/* Every write the facts are drawn from. */
#define DUE_FACTS_WATCH_TRIGGERS                                                                               \
    "CREATE TRIGGER due_facts_item_insert AFTER INSERT ON reminder_items BEGIN"                               \
    " INSERT INTO due_facts_refresh VALUES (NEW.invoice_id); END;"                                             \
    "CREATE TRIGGER due_facts_item_delete AFTER DELETE ON reminder_items BEGIN"                               \
    " INSERT INTO due_facts_refresh VALUES (OLD.invoice_id); END;"                                             \
    "CREATE TRIGGER due_facts_item_update AFTER UPDATE OF reminder_id, invoice_id, step ON reminder_items BEGIN" \
    " INSERT INTO due_facts_refresh VALUES (OLD.invoice_id);"                                                  \
    " INSERT INTO due_facts_refresh SELECT NEW.invoice_id WHERE NEW.invoice_id IS NOT OLD.invoice_id; END;"    \
    "CREATE TRIGGER due_facts_reminder_update AFTER UPDATE OF id, state, sent_at ON reminders"                 \
    " WHEN OLD.state IS NOT NEW.state OR OLD.sent_at IS NOT NEW.sent_at OR OLD.id IS NOT NEW.id BEGIN"         \
    " INSERT INTO due_facts_refresh SELECT invoice_id FROM reminder_items WHERE reminder_id IN (OLD.id, NEW.id);" \
    " END;"                                                                                                    \
    "CREATE TRIGGER due_facts_reminder_insert AFTER INSERT ON reminders BEGIN"                                \
    " INSERT INTO due_facts_refresh SELECT invoice_id FROM reminder_items WHERE reminder_id = NEW.id; END;"    \
    "CREATE TRIGGER due_facts_reminder_delete AFTER DELETE ON reminders BEGIN"                                \
    " INSERT INTO due_facts_refresh SELECT invoice_id FROM reminder_items WHERE reminder_id = OLD.id; END;"    \
    "CREATE TRIGGER due_facts_task_item_insert AFTER INSERT ON task_items BEGIN"                              \
    " INSERT INTO due_facts_refresh VALUES (NEW.invoice_id); END;"                                             \
    "CREATE TRIGGER due_facts_task_item_delete AFTER DELETE ON task_items BEGIN"                              \
    " INSERT INTO due_facts_refresh VALUES (OLD.invoice_id); END;"                                             \
    "CREATE TRIGGER due_facts_task_item_update AFTER UPDATE OF task_id, invoice_id, step ON task_items BEGIN"  \
    " INSERT INTO due_facts_refresh VALUES (OLD.invoice_id);"                                                  \
    " INSERT INTO due_facts_refresh SELECT NEW.invoice_id WHERE NEW.invoice_id IS NOT OLD.invoice_id; END;"    \
    "CREATE TRIGGER due_facts_task_update AFTER UPDATE OF id, state, ended_at ON tasks"                        \
    " WHEN OLD.state IS NOT NEW.state OR OLD.ended_at IS NOT NEW.ended_at OR OLD.id IS NOT NEW.id BEGIN"       \
    " INSERT INTO due_facts_refresh SELECT invoice_id FROM task_items WHERE task_id IN (OLD.id, NEW.id); END;" \
    "CREATE TRIGGER due_facts_task_insert AFTER INSERT ON tasks BEGIN"                                        \
    " INSERT INTO due_facts_refresh SELECT invoice_id FROM task_items WHERE task_id = NEW.id; END;"            \
    "CREATE TRIGGER due_facts_task_delete AFTER DELETE ON tasks BEGIN"                                        \
    " INSERT INTO due_facts_refresh SELECT invoice_id FROM task_items WHERE task_id = OLD.id; END;"            \
    "CREATE TRIGGER due_facts_outbox_insert AFTER INSERT ON outbox WHEN NEW.kind = 'dispute-resumed' BEGIN"    \
    " INSERT INTO due_facts_refresh VALUES (NEW.invoice_id); END;"                                             \
    "CREATE TRIGGER due_facts_outbox_delete AFTER DELETE ON outbox WHEN OLD.kind = 'dispute-resumed' BEGIN"    \
    " INSERT INTO due_facts_refresh VALUES (OLD.invoice_id); END;"                                             \
    "CREATE TRIGGER due_facts_outbox_update AFTER UPDATE OF kind, invoice_id, state, sent_at, created_at"      \
    " ON outbox WHEN NEW.kind = 'dispute-resumed' OR OLD.kind = 'dispute-resumed' BEGIN"                       \
    " INSERT INTO due_facts_refresh VALUES (OLD.invoice_id);"                                                  \
    " INSERT INTO due_facts_refresh SELECT NEW.invoice_id WHERE NEW.invoice_id IS NOT OLD.invoice_id; END;"    \
    "CREATE TRIGGER due_facts_level AFTER UPDATE OF level ON invoices WHEN OLD.level IS NOT NEW.level BEGIN"   \
    " INSERT INTO due_facts_refresh VALUES (NEW.id); END;"

/* Schema version 15: the columns, the triggers, and the facts of every
 * case that has any, computed once (a case without reminders, tasks nor
 * dispute answers has the columns' defaults). */
#define DUE_FACTS_MIGRATION                                                                                    \
    "ALTER TABLE invoices ADD COLUMN due_last_step_at TEXT;"                                                   \
    "ALTER TABLE invoices ADD COLUMN due_flags INTEGER NOT NULL DEFAULT 0;"                                    \
    "ALTER TABLE invoices ADD COLUMN due_resumed_at TEXT;"                                                     \
    DUE_FACTS_REFRESH_TRIGGER DUE_FACTS_WATCH_TRIGGERS                                                         \
    "INSERT INTO due_facts_refresh SELECT invoice_id FROM reminder_items"                                      \
    " UNION SELECT invoice_id FROM task_items"                                                                 \
    " UNION SELECT invoice_id FROM outbox WHERE kind = 'dispute-resumed' AND invoice_id IS NOT NULL;"

#endif
