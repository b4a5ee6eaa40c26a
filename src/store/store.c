/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store.c - SQLite schema, migrations and queries (see store.h).
 *
 * The schema is versioned with PRAGMA user_version. Migrations only go
 * forward; each runs in the same IMMEDIATE transaction that reads the
 * version, so two processes opening a fresh database at once cannot both
 * migrate it. The tables cover the whole product: debtors, invoices (the
 * cases), reminders and the invoices each one covered, replies, payments,
 * and the append-only, hash-chained event log.
 *
 * This file holds the connection, the schema and its migrations, the
 * statement helpers, the event log and the pool; the queries of each
 * concern live in store_<concern>.c (cases, reminders, replies, ...).
 */
#include "store/store.h"
#include "store/due_facts.h"
#include "store/store_internal.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>



/* Version N's migration is migrations[N - 1]. Never edit a released one:
 * add the next. */
static const char *const migrations[] = {
    /* 1: the whole product's tables. */
    "CREATE TABLE debtors ("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  name TEXT NOT NULL DEFAULT '',"
    "  kind TEXT CHECK (kind IN ('business', 'consumer')),"  /* NULL: configured default */
    "  language TEXT CHECK (language IN ('fr', 'en')),"      /* NULL: configured default */
    "  undeliverable INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE invoices ("
    "  id INTEGER PRIMARY KEY,"
    "  seller TEXT NOT NULL,"
    "  seller_key TEXT NOT NULL,"
    "  number TEXT NOT NULL,"
    "  type TEXT NOT NULL CHECK (type IN ('invoice', 'credit_note')),"
    "  type_code INTEGER NOT NULL DEFAULT 0,"
    "  issue_date TEXT,"
    "  due_date TEXT,"
    "  due_basis TEXT NOT NULL DEFAULT 'none',"
    "  amount_due INTEGER NOT NULL,"   /* cents, as invoiced */
    "  balance INTEGER NOT NULL,"      /* cents still owed */
    "  currency TEXT NOT NULL,"
    "  debtor_id INTEGER REFERENCES debtors(id),"
    "  buyer_name TEXT NOT NULL DEFAULT '',"
    "  buyer_email TEXT NOT NULL DEFAULT '',"
    "  referenced_number TEXT NOT NULL DEFAULT '',"
    "  payment_terms TEXT NOT NULL DEFAULT '',"
    "  source TEXT NOT NULL,"
    "  confidence INTEGER NOT NULL,"
    "  origin TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN"
    "    ('open', 'paid', 'paused', 'disputed', 'cancelled', 'closed', 'court')),"
    "  level INTEGER NOT NULL DEFAULT 0,"   /* reminder steps sent */
    "  paused_until TEXT,"
    "  message_id TEXT NOT NULL DEFAULT '',"
    "  queue_id TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE (seller_key, number));"
    "CREATE INDEX invoices_by_number ON invoices(number);"
    "CREATE INDEX invoices_by_debtor ON invoices(debtor_id, status);"
    "CREATE INDEX invoices_by_due ON invoices(status, due_date);"
    "CREATE INDEX invoices_by_message ON invoices(message_id);"
    "CREATE TABLE reminders ("
    "  id INTEGER PRIMARY KEY,"
    "  debtor_id INTEGER NOT NULL REFERENCES debtors(id),"
    "  step INTEGER NOT NULL,"
    "  step_name TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN"
    "    ('pending', 'sent', 'held', 'failed', 'dry-run')),"
    "  message_id TEXT NOT NULL UNIQUE,"
    "  token TEXT NOT NULL DEFAULT '',"
    "  sender TEXT NOT NULL DEFAULT '',"
    "  recipient TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  sent_at TEXT,"
    "  mta_seen_at TEXT,"      /* when the reminder passed through the milter */
    "  error TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE reminder_items ("
    "  reminder_id INTEGER NOT NULL REFERENCES reminders(id),"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  step INTEGER NOT NULL,"
    "  principal INTEGER NOT NULL,"
    "  penalties INTEGER NOT NULL DEFAULT 0,"
    "  indemnity INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (reminder_id, invoice_id),"
    "  UNIQUE (invoice_id, step));"   /* a step is never sent twice */
    "CREATE TABLE replies ("
    "  id INTEGER PRIMARY KEY,"
    "  invoice_id INTEGER REFERENCES invoices(id),"
    "  reminder_id INTEGER REFERENCES reminders(id),"
    "  message_id TEXT NOT NULL DEFAULT '',"
    "  sender TEXT NOT NULL DEFAULT '',"
    "  subject TEXT NOT NULL DEFAULT '',"
    "  matched_by TEXT NOT NULL DEFAULT '',"
    "  verdict TEXT NOT NULL,"
    "  promised_date TEXT,"
    "  excerpt TEXT NOT NULL DEFAULT '',"
    "  queue_id TEXT NOT NULL DEFAULT '',"
    "  received_at TEXT NOT NULL);"
    "CREATE INDEX replies_by_invoice ON replies(invoice_id);"
    "CREATE TABLE payments ("
    "  id INTEGER PRIMARY KEY,"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  amount INTEGER NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  paid_on TEXT,"
    "  source TEXT NOT NULL,"        /* operator | csv | camt053 | credit_note */
    "  reference TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  invoice_id INTEGER,"          /* no foreign key: the log outlives nothing */
    "  kind TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE INDEX events_by_invoice ON events(invoice_id);"
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;",
    /* 2: replies acted on. A reply names its verdict's grounds and the
     * debtor's own words (what the creditor is shown); a pause says why;
     * debtors are found by domain (a colleague answering); the outbox
     * holds the mail relance writes to the creditor and the debtor about
     * replies, written in the reply's transaction and sent by the
     * scheduler, so that a crash never loses nor doubles one. */
    "ALTER TABLE replies ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE replies ADD COLUMN own_words TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE replies ADD COLUMN action TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX replies_by_message ON replies(message_id);"
    "CREATE INDEX reminders_by_token ON reminders(token COLLATE NOCASE);"
    "ALTER TABLE invoices ADD COLUMN pause_reason TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX debtors_by_domain ON debtors(lower(substr(email, instr(email, '@') + 1)));"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"           /* creditor-notice | dispute-ack */
    "  invoice_id INTEGER REFERENCES invoices(id),"
    "  reply_id INTEGER REFERENCES replies(id),"
    "  sender TEXT NOT NULL,"
    "  recipient TEXT NOT NULL,"
    "  message_id TEXT NOT NULL,"
    "  message BLOB NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'uncertain')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  next_at TEXT NOT NULL,"
    "  sent_at TEXT,"
    "  error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX outbox_due ON outbox(state, next_at);",
    /* 3: the outbox claims a message before submitting it, as reminders
     * do: pending -> sending (claimed_at) in one IMMEDIATE transaction, so
     * that two senders never both send it, and a claim left by a sender
     * that died becomes 'uncertain' (never sent again). SQLite cannot
     * change a CHECK: the table is rebuilt. */
    "CREATE TABLE outbox_v3 ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  invoice_id INTEGER REFERENCES invoices(id),"
    "  reply_id INTEGER REFERENCES replies(id),"
    "  sender TEXT NOT NULL,"
    "  recipient TEXT NOT NULL,"
    "  message_id TEXT NOT NULL,"
    "  message BLOB NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  next_at TEXT NOT NULL,"
    "  sent_at TEXT,"
    "  error TEXT NOT NULL DEFAULT '',"
    "  claimed_at TEXT);"
    "INSERT INTO outbox_v3 (id, kind, invoice_id, reply_id, sender, recipient, message_id, message, state,"
    "  attempts, created_at, next_at, sent_at, error)"
    "  SELECT id, kind, invoice_id, reply_id, sender, recipient, message_id, message, state,"
    "  attempts, created_at, next_at, sent_at, error FROM outbox;"
    "DROP TABLE outbox;"
    "ALTER TABLE outbox_v3 RENAME TO outbox;"
    "CREATE INDEX outbox_due ON outbox(state, next_at);",
    /* 4: where a debtor's kind came from. 'invoice': an invoice named
     * the buyer's legal or tax id (kind_evidence says which, on which
     * invoice); 'operator': relancectl debtor --kind, never overwritten
     * by an invoice; NULL with kind NULL: DefaultDebtorKind. Before this
     * version only the operator could set a kind. */
    "ALTER TABLE debtors ADD COLUMN kind_source TEXT CHECK (kind_source IN ('invoice', 'operator'));"
    "ALTER TABLE debtors ADD COLUMN kind_evidence TEXT NOT NULL DEFAULT '';"
    "UPDATE debtors SET kind_source = 'operator' WHERE kind IS NOT NULL;",
    /* 5: letters that are posted. A debtor's postal address (lines
     * separated by LF), from an invoice or the operator; an invoice never
     * replaces the operator's. Each letter of a step is recorded with the
     * text it prints: 'held' while the debtor has no address, 'to-post'
     * once written, 'posted' (with the registered number, if any) when the
     * operator says it went: only then may a reminder say so. */
    "ALTER TABLE debtors ADD COLUMN postal_address TEXT;"
    "ALTER TABLE debtors ADD COLUMN postal_address_source TEXT"
    "  CHECK (postal_address_source IN ('invoice', 'operator'));"
    "CREATE TABLE letters ("
    "  id INTEGER PRIMARY KEY,"
    "  reminder_id INTEGER NOT NULL UNIQUE REFERENCES reminders(id),"
    "  debtor_id INTEGER NOT NULL REFERENCES debtors(id),"
    "  case_id INTEGER REFERENCES invoices(id),"
    "  step INTEGER NOT NULL,"
    "  step_name TEXT NOT NULL,"
    "  registered_mail INTEGER NOT NULL DEFAULT 0,"   /* must go by registered mail */
    "  state TEXT NOT NULL CHECK (state IN ('held', 'to-post', 'posted')),"
    "  sender TEXT NOT NULL DEFAULT '',"
    "  place_date TEXT NOT NULL DEFAULT '',"
    "  object TEXT NOT NULL DEFAULT '',"
    "  body TEXT NOT NULL DEFAULT '',"
    "  footer TEXT NOT NULL DEFAULT '',"
    "  recipient_name TEXT NOT NULL DEFAULT '',"
    "  address TEXT NOT NULL DEFAULT '',"             /* as printed */
    "  path TEXT NOT NULL DEFAULT '',"
    "  registered_number TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  written_at TEXT,"
    "  posted_on TEXT,"                               /* YYYY-MM-DD */
    "  posted_at TEXT);"
    "CREATE INDEX letters_by_state ON letters(state);",
    /* 6: the answer to a resolved dispute is an outbox message the
     * scheduler reads for every case on each run (its date restarts the
     * ladder): found by case, not by scanning the outbox. */
    "CREATE INDEX outbox_by_invoice ON outbox(invoice_id, kind);",
    /* 7: bank statement lines already imported (relancectl
     * import-payments), whatever became of them, so that importing the
     * same statement again pays nothing twice and does not pay, once an
     * ambiguity is settled by hand, what was left alone. entry_key is the
     * statement id with the bank's entry id, or a hash of the entry. */
    "CREATE TABLE bank_entries ("
    "  id INTEGER PRIMARY KEY,"
    "  entry_key TEXT NOT NULL UNIQUE,"
    "  statement_id TEXT NOT NULL,"
    "  entry_id TEXT NOT NULL DEFAULT '',"
    "  amount INTEGER NOT NULL,"
    "  currency TEXT NOT NULL DEFAULT '',"
    "  credit INTEGER NOT NULL,"
    "  booked_on TEXT,"
    "  outcome TEXT NOT NULL,"
    "  invoice_id INTEGER REFERENCES invoices(id),"
    "  imported_at TEXT NOT NULL);",
    /* 8: the statuses 'review' (a person's reply that relance could not
     * place waits for the operator: its deadline in paused_until, its
     * pause_reason 'review') and 'insolvent' (a collective proceeding
     * stops the chase, C. com. L622-21). SQLite cannot change a CHECK: the table is
     * rebuilt, with the same columns in the same order and its indexes;
     * foreign keys are off while migrations run (store_open), so the
     * tables that name invoices keep their rows. */
    "CREATE TABLE invoices_v8 ("
    "  id INTEGER PRIMARY KEY,"
    "  seller TEXT NOT NULL,"
    "  seller_key TEXT NOT NULL,"
    "  number TEXT NOT NULL,"
    "  type TEXT NOT NULL CHECK (type IN ('invoice', 'credit_note')),"
    "  type_code INTEGER NOT NULL DEFAULT 0,"
    "  issue_date TEXT,"
    "  due_date TEXT,"
    "  due_basis TEXT NOT NULL DEFAULT 'none',"
    "  amount_due INTEGER NOT NULL,"
    "  balance INTEGER NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  debtor_id INTEGER REFERENCES debtors(id),"
    "  buyer_name TEXT NOT NULL DEFAULT '',"
    "  buyer_email TEXT NOT NULL DEFAULT '',"
    "  referenced_number TEXT NOT NULL DEFAULT '',"
    "  payment_terms TEXT NOT NULL DEFAULT '',"
    "  source TEXT NOT NULL,"
    "  confidence INTEGER NOT NULL,"
    "  origin TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN"
    "    ('open', 'paid', 'paused', 'disputed', 'cancelled', 'closed', 'court', 'review',"
    "     'insolvent')),"
    "  level INTEGER NOT NULL DEFAULT 0,"
    "  paused_until TEXT,"
    "  message_id TEXT NOT NULL DEFAULT '',"
    "  queue_id TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  pause_reason TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (seller_key, number));"
    "INSERT INTO invoices_v8 SELECT * FROM invoices;"
    "DROP TABLE invoices;"
    "ALTER TABLE invoices_v8 RENAME TO invoices;"
    "CREATE INDEX invoices_by_number ON invoices(number);"
    "CREATE INDEX invoices_by_debtor ON invoices(debtor_id, status);"
    "CREATE INDEX invoices_by_due ON invoices(status, due_date);"
    "CREATE INDEX invoices_by_message ON invoices(message_id);",
    /* 9: the court file. A copy of each message a case rests on, as the
     * milter saw it (the invoice mail, the debtor's replies) or as the
     * scheduler submitted it (reminders), bounded by ArchiveMaxSize: past
     * it the headers and a note (whole = 0). sha256 is the copy's, and
     * original_sha256 the whole message's; a 'message-kept' event on each
     * case records both, so that the audit chain proves the copy. */
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('invoice', 'reminder', 'reply')),"
    "  message_id TEXT NOT NULL DEFAULT '',"
    "  queue_id TEXT NOT NULL DEFAULT '',"
    "  reminder_id INTEGER REFERENCES reminders(id),"
    "  size INTEGER NOT NULL,"          /* bytes of the whole message */
    "  whole INTEGER NOT NULL,"         /* 0: headers and a note only */
    "  sha256 TEXT NOT NULL,"           /* of raw, as kept */
    "  original_sha256 TEXT NOT NULL,"  /* of the whole message */
    "  received_at TEXT NOT NULL,"
    "  raw BLOB NOT NULL);"
    "CREATE TABLE message_cases ("
    "  message_row INTEGER NOT NULL REFERENCES messages(id),"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  PRIMARY KEY (message_row, invoice_id));"
    "CREATE INDEX message_cases_by_invoice ON message_cases(invoice_id);",
    /* 10: what is known of a collective proceeding against a debtor (C.
     * com. L622-21: the chase stops; its cases are 'insolvent', a status
     * migration 8 allows): kind, opening date, representative and address,
     * and where it came from (a reply, or the operator). */
    "CREATE TABLE debtor_insolvency ("
    "  id INTEGER PRIMARY KEY,"
    "  debtor_id INTEGER NOT NULL REFERENCES debtors(id),"
    "  kind TEXT NOT NULL DEFAULT '',"            /* sauvegarde | redressement | liquidation | ... */
    "  opened TEXT,"                              /* YYYY-MM-DD, NULL when not written */
    "  representative TEXT NOT NULL DEFAULT '',"
    "  address TEXT NOT NULL DEFAULT '',"
    "  source TEXT NOT NULL CHECK (source IN ('reply', 'operator')),"
    "  reply_message_id TEXT NOT NULL DEFAULT '',"
    "  recorded_at TEXT NOT NULL);"
    "CREATE INDEX debtor_insolvency_by_debtor ON debtor_insolvency(debtor_id);",
    /* 11: ladders that fit the debtor. The payer profile the operator set
     * (NULL: computed from history when needed, never stored) and where it
     * came from; the ladder a case follows, chosen when its first step is
     * due and kept (NULL: not chosen yet, or chosen before this version:
     * the default ladder). */
    "ALTER TABLE debtors ADD COLUMN profile TEXT CHECK (profile IN ('forgetful', 'late', 'bad', 'trusted'));"
    "ALTER TABLE debtors ADD COLUMN profile_source TEXT CHECK (profile_source IN ('operator'));"
    "ALTER TABLE invoices ADD COLUMN ladder TEXT;",
    /* 12: the EPC payment QR code's payload a letter carries, recorded
     * with its text, so that a letter held for want of an address is
     * later drawn with the very code (amount, reference) of its day. */
    "ALTER TABLE letters ADD COLUMN payment_qr TEXT NOT NULL DEFAULT '';",
    /* 13: steps done by people. The buyer's telephone as the invoice gives
     * it (BT-57's neighbour), the operator's number for a debtor (never
     * replaced by an invoice), and the tasks a `Step ... action=task`
     * creates: one per debtor and step, over that debtor's due cases
     * (task_items, UNIQUE(invoice_id, step) as for reminders: never
     * twice). state open -> done | timed-out; ended_at counts as the
     * step's date for the interval of the next one. */
    "ALTER TABLE invoices ADD COLUMN buyer_phone TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE debtors ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE tasks ("
    "  id INTEGER PRIMARY KEY,"
    "  debtor_id INTEGER NOT NULL REFERENCES debtors(id),"
    "  step INTEGER NOT NULL,"
    "  step_name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'letter', 'sms')),"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  history TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"               /* the run's moment (UTC) */
    "  created_on TEXT NOT NULL,"               /* its local day, YYYY-MM-DD */
    "  timeout_on TEXT NOT NULL,"               /* created_on + TaskTimeoutDays */
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'timed-out')),"
    "  note TEXT NOT NULL DEFAULT '',"
    "  outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'promise', 'dispute', 'paid')),"
    "  promised TEXT,"
    "  ended_at TEXT,"                          /* done or timed out (UTC) */
    "  actor TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX tasks_by_state ON tasks(state);"
    "CREATE TABLE task_items ("
    "  task_id INTEGER NOT NULL REFERENCES tasks(id),"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  step INTEGER NOT NULL,"
    "  balance INTEGER NOT NULL,"               /* cents owed when the task was created */
    "  PRIMARY KEY (task_id, invoice_id),"
    "  UNIQUE (invoice_id, step));"
    "CREATE TABLE task_digests ("
    "  day TEXT PRIMARY KEY,"                   /* local day a digest was queued */
    "  queued_at TEXT NOT NULL);",
    /* 14: the scheduler's due work at any size of book. Only open cases
     * can be reminded; it reads them debtor by debtor, by due date, a page
     * of debtors at a time: this partial index holds only the open ones, in
     * that order, with their level, so that the read neither sorts nor
     * visits the settled book, and passes over the cases not yet due
     * without reading them (tests/unit/test_store_plans.c). */
    "CREATE INDEX invoices_open_by_debtor ON invoices(debtor_id, due_date, id, level) WHERE status = 'open';"
    /* And what it asks for each reminder it writes: the debtor's
     * reminders of the day (one a day), the case's payments. */
    "CREATE INDEX reminders_by_debtor ON reminders(debtor_id, sent_at);"
    "CREATE INDEX payments_by_invoice ON payments(invoice_id);",
    /* 15: the facts that decide which step is due, kept on the case's row
     * by triggers rather than derived per case on every run (due_facts.h). */
    DUE_FACTS_MIGRATION,
    /* 16: the court file's "kept already" checks. A reply's copy is looked
     * for by its Message-ID and queue id, a reminder's by its id; without
     * these, the first walked every copy kept for the case (a case that
     * gathered many replies made each new one slower) and the second every
     * copy in the store (tests/unit/test_store_plans.c). */
    "CREATE INDEX messages_by_message ON messages(message_id, queue_id);"
    "CREATE INDEX messages_by_reminder ON messages(reminder_id);",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");

static void set_error(struct store *st, const char *what)
{
    snprintf(st->error, sizeof st->error, "%s: %s", what, sqlite3_errmsg(st->db));
}

enum store_result store_result_of(struct store *st, int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return STORE_OK;
    set_error(st, what);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return STORE_BUSY;
    return STORE_ERROR;
}

const char *store_last_error(struct store *st)
{
    return st->error;
}

int store_exec(struct store *st, const char *sql)
{
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

static int read_user_version(struct store *st)
{
    sqlite3_stmt *stmt;
    int version = -1;

    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return version;
}

int store_schema_version(struct store *st)
{
    return read_user_version(st);
}

static bool migrate(struct store *st, char *why, size_t whylen)
{
    int version, rc;
    char sql[64];

    /* Current already (every open but the first of a new version): no
     * write lock, so that a store locked by another process or on a full
     * file system can still be opened and read. */
    if (read_user_version(st) == STORE_SCHEMA_VERSION)
        return true;
    rc = store_exec(st, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        str_format(why, whylen, "cannot lock the database: %s", sqlite3_errmsg(st->db));
        return false;
    }
    version = read_user_version(st);
    if (version < 0 || version > STORE_SCHEMA_VERSION) {
        str_format(why, whylen, "database schema version %d is not supported (this program knows up to %d)",
                   version, STORE_SCHEMA_VERSION);
        store_exec(st, "ROLLBACK");
        return false;
    }
    for (int v = version; v < STORE_SCHEMA_VERSION; v++) {
        if (store_exec(st, migrations[v]) != SQLITE_OK) {
            str_format(why, whylen, "migration to schema %d failed: %s", v + 1, sqlite3_errmsg(st->db));
            store_exec(st, "ROLLBACK");
            return false;
        }
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
    if (store_exec(st, sql) != SQLITE_OK || store_exec(st, "COMMIT") != SQLITE_OK) {
        str_format(why, whylen, "cannot record the schema version: %s", sqlite3_errmsg(st->db));
        store_exec(st, "ROLLBACK");
        return false;
    }
    return true;
}

/* Waits for a lock another connection holds, up to DatabaseTimeout.
 * SQLite's own sqlite3_busy_timeout sleeps 1, 2, 5, 10 ... up to 100 ms
 * between tries: with many milter threads each waiting for a writer that
 * holds the lock a few milliseconds (one fsync), the waiters sleep past
 * its release and the lock stays idle. Short, slowly growing sleeps
 * (0.1 to 2 ms) take it soon after it is free; the limit is the same. */
static int busy_wait(void *arg, int tries)
{
    struct store *st = arg;
    struct timespec now, nap;
    long waited_ms;
    long nap_us = tries < 5 ? 100L << tries : 2000L;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (tries == 0)
        st->busy_since = now;
    waited_ms = (now.tv_sec - st->busy_since.tv_sec) * 1000 + (now.tv_nsec - st->busy_since.tv_nsec) / 1000000;
    if (waited_ms >= st->busy_timeout_ms)
        return 0;
    if (nap_us > 2000)
        nap_us = 2000;
    nap.tv_sec = 0;
    nap.tv_nsec = nap_us * 1000;
    nanosleep(&nap, NULL);
    return 1;
}

struct store *store_open(const char *path, int timeout_ms, char *why, size_t whylen)
{
    struct store *st = xcalloc(1, sizeof *st);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        str_format(why, whylen, "cannot open %s: %s", path,
                   st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return NULL;
    }
    st->busy_timeout_ms = timeout_ms;
    sqlite3_busy_handler(st->db, busy_wait, st);
    sqlite3_extended_result_codes(st->db, 0);
    /* WAL: readers never block the writer; FULL: a commit survives power
     * loss, which the "sent exactly once" promise needs. */
    if (store_exec(st, "PRAGMA journal_mode = WAL") != SQLITE_OK ||
        store_exec(st, "PRAGMA synchronous = FULL") != SQLITE_OK) {
        str_format(why, whylen, "cannot set up %s: %s", path, sqlite3_errmsg(st->db));
        store_close(st);
        return NULL;
    }
    /* Foreign keys are checked from here on, after the migrations: a
     * migration that rebuilds a table to change a CHECK (SQLite's way)
     * must drop the old one, which the checks would refuse. */
    if (!migrate(st, why, whylen)) {
        store_close(st);
        return NULL;
    }
    if (store_exec(st, "PRAGMA foreign_keys = ON") != SQLITE_OK) {
        str_format(why, whylen, "cannot set up %s: %s", path, sqlite3_errmsg(st->db));
        store_close(st);
        return NULL;
    }
    return st;
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    for (size_t i = 0; i < st->cached; i++)
        sqlite3_finalize(st->cache[i].stmt);
    sqlite3_close_v2(st->db);
    free(st);
}

void store_now_text(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- helpers for statements ---- */

int store_prepare(struct store *st, const char *sql, sqlite3_stmt **out)
{
    int rc;

    for (size_t i = 0; i < st->cached; i++) {
        if (st->cache[i].sql == sql && !st->cache[i].busy) {
            st->cache[i].busy = true;
            *out = st->cache[i].stmt;
            return SQLITE_OK;
        }
    }
    rc = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
    if (rc == SQLITE_OK && st->cached < STORE_STMT_CACHE) {
        st->cache[st->cached].sql = sql;
        st->cache[st->cached].stmt = *out;
        st->cache[st->cached].busy = true;
        st->cached++;
    }
    return rc;
}

void store_finalize(struct store *st, sqlite3_stmt *stmt)
{
    for (size_t i = 0; i < st->cached; i++) {
        if (st->cache[i].stmt == stmt) {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            st->cache[i].busy = false;
            return;
        }
    }
    sqlite3_finalize(stmt);
}

void store_bind_text(sqlite3_stmt *stmt, int index, const char *s)
{
    sqlite3_bind_text(stmt, index, s ? s : "", -1, SQLITE_TRANSIENT);
}

void store_bind_date(sqlite3_stmt *stmt, int index, struct date d)
{
    char text[DATE_STR_MAX];

    if (!date_is_set(d)) {
        sqlite3_bind_null(stmt, index);
        return;
    }
    date_format(d, text);
    sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

void store_column_copy(sqlite3_stmt *stmt, int col, char *dst, size_t size)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    str_copy(dst, size, text ? (const char *)text : "");
}

struct date store_column_date(sqlite3_stmt *stmt, int col)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    struct date d = {0, 0, 0};

    if (text)
        date_parse((const char *)text, &d);
    return d;
}

const char *store_due_basis_name(enum due_basis basis)
{
    static const char *const names[] = {"none", "document", "terms", "default"};
    return (unsigned)basis < ARRAY_LEN(names) ? names[basis] : "none";
}

enum due_basis store_due_basis_parse(const char *s)
{
    static const char *const names[] = {"none", "document", "terms", "default"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(s, names[i]) == 0)
            return (enum due_basis)i;
    return DUE_BASIS_NONE;
}

enum invoice_source store_source_parse(const char *s)
{
    for (int i = INVOICE_SOURCE_FACTURX; i <= INVOICE_SOURCE_BODY; i++)
        if (strcmp(s, invoice_source_name((enum invoice_source)i)) == 0)
            return (enum invoice_source)i;
    return INVOICE_SOURCE_BODY;
}

/* Seller names are compared without case and extra white space. */
char *store_seller_key(const char *seller)
{
    char *key = xstrdup(seller);

    str_squeeze_spaces(key);
    str_tolower_ascii(key);
    return key;
}

enum store_result store_read_rows(struct store *st, sqlite3_stmt *stmt, void **items, size_t *count,
                                  size_t item_size, store_row_fn from_row, const char *what)
{
    size_t cap = 0;
    int rc;

    *items = NULL;
    *count = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            *items = xrealloc(*items, cap * item_size);
        }
        from_row(stmt, (char *)*items + *count * item_size);
        (*count)++;
    }
    store_finalize(st, stmt);
    return store_result_of(st, rc, what);
}

/* ---- events ---- */

static enum store_result last_hash(struct store *st, char out[AUDIT_HASH_HEX])
{
    static const char sql[] = "SELECT hash FROM events ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *stmt;
    int rc = store_prepare(st, sql, &stmt);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare last hash");
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        store_column_copy(stmt, 0, out, AUDIT_HASH_HEX);
    else
        str_copy(out, AUDIT_HASH_HEX, AUDIT_GENESIS);
    store_finalize(st, stmt);
    return store_result_of(st, rc, "read last hash");
}

/* Appends one event inside the caller's transaction. */
enum store_result store_event_insert(struct store *st, const struct audit_key *key, int64_t case_id,
                                      const char *kind, const char *actor, const char *detail)
{
    static const char sql[] = "INSERT INTO events (at, invoice_id, kind, actor, detail, prev_hash, hash)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX], now[32];
    struct audit_fields fields;
    sqlite3_stmt *stmt;
    enum store_result r;
    int rc;

    if ((r = last_hash(st, prev)) != STORE_OK)
        return r;
    store_now_text(now);
    fields.at = now;
    fields.case_id = case_id;
    fields.kind = kind;
    fields.actor = actor;
    fields.detail = detail;
    audit_chain_hash(key, prev, &fields, hash);
    rc = store_prepare(st, sql, &stmt);
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare event");
    store_bind_text(stmt, 1, now);
    if (case_id > 0)
        sqlite3_bind_int64(stmt, 2, case_id);
    else
        sqlite3_bind_null(stmt, 2);
    store_bind_text(stmt, 3, kind);
    store_bind_text(stmt, 4, actor);
    store_bind_text(stmt, 5, detail);
    store_bind_text(stmt, 6, prev);
    store_bind_text(stmt, 7, hash);
    rc = sqlite3_step(stmt);
    store_finalize(st, stmt);
    return store_result_of(st, rc, "insert event");
}

enum store_result store_begin(struct store *st)
{
    return store_result_of(st, store_exec(st, "BEGIN IMMEDIATE"), "begin");
}

enum store_result store_finish(struct store *st, enum store_result r)
{
    if (r == STORE_OK) {
        int rc = store_exec(st, "COMMIT");
        if (rc == SQLITE_OK)
            return STORE_OK;
        r = store_result_of(st, rc, "commit");
    }
    store_exec(st, "ROLLBACK");
    return r;
}

enum store_result store_append_event(struct store *st, const struct audit_key *key, int64_t case_id,
                                     const char *kind, const char *actor, const char *detail)
{
    enum store_result r = store_begin(st);

    if (r != STORE_OK)
        return r;
    return store_finish(st, store_event_insert(st, key, case_id, kind, actor, detail));
}

/* ---- events, read side ---- */

void event_list_free(struct event_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].detail);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static void event_from_row(sqlite3_stmt *stmt, void *item)
{
    struct event_row *e = item;
    const unsigned char *detail = sqlite3_column_text(stmt, 5);

    e->id = sqlite3_column_int64(stmt, 0);
    store_column_copy(stmt, 1, e->at, sizeof e->at);
    e->case_id = sqlite3_column_int64(stmt, 2);
    store_column_copy(stmt, 3, e->kind, sizeof e->kind);
    store_column_copy(stmt, 4, e->actor, sizeof e->actor);
    e->detail = xstrdup(detail ? (const char *)detail : "");
    store_column_copy(stmt, 6, e->prev_hash, sizeof e->prev_hash);
    store_column_copy(stmt, 7, e->hash, sizeof e->hash);
}

enum store_result store_list_events(struct store *st, int64_t case_id, struct event_list *out)
{
    static const char sql_all[] =
        "SELECT id, at, COALESCE(invoice_id, 0), kind, actor, detail, prev_hash, hash FROM events ORDER BY id";
    static const char sql_case[] =
        "SELECT id, at, COALESCE(invoice_id, 0), kind, actor, detail, prev_hash, hash FROM events"
        " WHERE invoice_id = ?1 ORDER BY id";
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, case_id > 0 ? sql_case : sql_all, -1, &stmt, NULL);

    out->items = NULL;
    out->count = 0;
    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare events");
    if (case_id > 0)
        sqlite3_bind_int64(stmt, 1, case_id);
    return store_read_rows(st, stmt, (void **)&out->items, &out->count, sizeof *out->items,
                           event_from_row, "read events");
}

/* ---- pool ---- */

/* Connections kept open between uses: at least as many as the MTA's
 * concurrent sessions in a busy moment (Postfix sends 20 and more), or
 * each message past the count opens the store afresh (open, schema read,
 * statements prepared again). Each holds at most its page cache. */
#define POOL_MAX_IDLE 32

struct store_pool {
    pthread_mutex_t lock;
    char *path;
    int timeout_ms;
    struct store *idle[POOL_MAX_IDLE];
    int idle_count;
};

struct store_pool *store_pool_new(const char *path, int timeout_ms)
{
    struct store_pool *pool = xcalloc(1, sizeof *pool);

    pthread_mutex_init(&pool->lock, NULL);
    pool->path = xstrdup(path);
    pool->timeout_ms = timeout_ms;
    return pool;
}

void store_pool_free(struct store_pool *pool)
{
    if (pool == NULL)
        return;
    for (int i = 0; i < pool->idle_count; i++)
        store_close(pool->idle[i]);
    pthread_mutex_destroy(&pool->lock);
    free(pool->path);
    free(pool);
}

struct store *store_pool_get(struct store_pool *pool, char *why, size_t whylen)
{
    struct store *st = NULL;

    pthread_mutex_lock(&pool->lock);
    if (pool->idle_count > 0)
        st = pool->idle[--pool->idle_count];
    pthread_mutex_unlock(&pool->lock);
    if (st == NULL)
        st = store_open(pool->path, pool->timeout_ms, why, whylen);
    return st;
}

void store_pool_put(struct store_pool *pool, struct store *st)
{
    if (st == NULL)
        return;
    pthread_mutex_lock(&pool->lock);
    if (pool->idle_count < POOL_MAX_IDLE) {
        pool->idle[pool->idle_count++] = st;
        st = NULL;
    }
    pthread_mutex_unlock(&pool->lock);
    store_close(st);
}
