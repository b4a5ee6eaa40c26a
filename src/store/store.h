/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store.h - the SQLite store: schema, migrations, and every query. No
 * other module writes SQL.
 *
 * One file in WAL mode; each handle is one connection, used by one thread
 * at a time (the pool hands them out). Every change is one transaction.
 * Writers wait at most the configured DatabaseTimeout: a locked database
 * is reported as STORE_BUSY so that the caller can fail open instead of
 * holding mail.
 */
#ifndef RELANCE_STORE_H
#define RELANCE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/invoice.h"
#include "core/ladder.h"
#include "core/money.h"
#include "lib/audit.h"
#include "store/case_state.h"

#define STORE_SCHEMA_VERSION 16

enum store_result {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_BUSY,  /* locked past the timeout */
    STORE_ERROR, /* anything else; the handle is still usable */
    STORE_CONFLICT, /* the change lost a race or no longer applies (nothing was changed) */
};

struct store;

/* Opens (creating if needed) and migrates the database to the current
 * schema. Refuses a database whose schema is newer than this program's. */
struct store *store_open(const char *path, int timeout_ms, char *why, size_t whylen);
void store_close(struct store *st);
int store_schema_version(struct store *st);
/* Text of the last error on this handle. */
const char *store_last_error(struct store *st);

/* A tracked invoice (a case), with its debtor. */
struct case_row {
    int64_t id;
    struct invoice inv; /* as read from the document */
    enum case_status status;
    int level;          /* reminder steps sent */
    int64_t balance;    /* cents still owed */
    int64_t debtor_id;
    char debtor_email[INVOICE_EMAIL_MAX];
    char debtor_name[INVOICE_NAME_MAX];
    char message_id[256]; /* Message-ID of the invoice mail */
    char queue_id[32];
    char created_at[32];
    char updated_at[32];
    char paused_until[16]; /* YYYY-MM-DD, "" when not paused or paused without end */
    char pause_reason[16]; /* promise | paid | plan | operator, "" when not paused */
    /* The debtor's recorded kind: business | consumer | "" (DefaultDebtorKind);
     * where it came from: invoice | operator | "" (the default); and for
     * an invoice, which id on which invoice ("SIRET ... on invoice F-1"). */
    char debtor_kind[16];
    char debtor_kind_source[16];
    char debtor_kind_evidence[192];
    char ladder[32];          /* the ladder it follows, "" not chosen yet */
    char debtor_profile[16];  /* forgetful | late | bad | trusted set by the operator, or "" */
};

struct case_list {
    struct case_row *items;
    size_t count;
};

void case_list_free(struct case_list *list);

/* Where a tracked invoice came from, for the case and its history. */
struct track_context {
    const char *debtor_email;  /* already chosen: document, else envelope */
    const char *message_id;
    const char *queue_id;
    const char *actor;         /* "milter", "operator", ... */
};

/* Records an invoice as a case; the same (seller, number) is one case: a
 * second sighting changes nothing and reports created = false. An invoice
 * naming the buyer's legal or tax ids (inv->buyer_ids) makes a debtor
 * whose kind nobody recorded a business (kind_source 'invoice', one
 * event); a kind the operator set is never changed. */
enum store_result store_track_invoice(struct store *st, const struct audit_key *key,
                                      const struct invoice *inv, const struct track_context *ctx,
                                      struct case_row *out, bool *created);

enum store_result store_list_cases(struct store *st, struct case_list *out);
/* Cases in id order after after_id (0: from the first), in one status
 * (status NULL: all), at most limit (0: no limit), handed one at a time to
 * fn (the row lives until fn returns); fn returns false to stop. Memory
 * does not grow with the book. */
struct case_page {
    int64_t after_id;
    size_t limit;
    const enum case_status *status;
};
typedef bool (*store_case_fn)(const struct case_row *c, void *arg);
enum store_result store_each_case(struct store *st, const struct case_page *page, store_case_fn fn, void *arg);
enum store_result store_get_case(struct store *st, int64_t id, struct case_row *out);
/* Every case with this number (one per seller). */
enum store_result store_find_cases(struct store *st, const char *number, struct case_list *out);

/* One row of the audit log. */
struct event_row {
    int64_t id;
    char at[32];
    int64_t case_id;
    char kind[32];
    char actor[32];
    char *detail; /* JSON; owned */
    char prev_hash[AUDIT_HASH_HEX];
    char hash[AUDIT_HASH_HEX];
};

struct event_list {
    struct event_row *items;
    size_t count;
};

void event_list_free(struct event_list *list);
/* case_id 0: the whole log, in order. */
enum store_result store_list_events(struct store *st, int64_t case_id, struct event_list *out);
/* Appends one event, chained to the last one. detail is JSON text. */
enum store_result store_append_event(struct store *st, const struct audit_key *key, int64_t case_id,
                                     const char *kind, const char *actor, const char *detail);

/* ---- the audit chain, checked (store_audit.c) ---- */

enum audit_problem {
    AUDIT_INTACT = 0,
    AUDIT_EDITED,    /* an entry's hash does not match its content */
    AUDIT_REMOVED,   /* an entry's predecessor is missing */
    AUDIT_REORDERED, /* an entry follows another entry than its own predecessor */
};

struct audit_verdict {
    size_t entries;            /* entries walked */
    enum audit_problem problem;
    int64_t entry_id;          /* the first entry that breaks the chain */
    char why[160];             /* what is wrong with it, for people */
    int64_t last_id;           /* intact: the newest entry and its hash */
    char head[AUDIT_HASH_HEX];
};

/* Walks the whole event log in order and names the first entry that breaks
 * the keyed hash chain (STORE_OK whatever the verdict). */
enum store_result store_verify_audit(struct store *st, const struct audit_key *key, struct audit_verdict *out);

/* ---- reminders (store_reminders.c) ---- */

/* A case as the scheduler sees it: the case, its debtor's profile and
 * where it stands on the ladder. */
struct due_case {
    struct case_row c;
    char debtor_kind[16];    /* business | consumer | "" (configured default) */
    char debtor_language[4]; /* fr | en | "" (configured default) */
    bool undeliverable;
    char last_step_at[32];   /* sent_at of the reminder that carried step `level`,
                                or the end of the task of that step, or "" */
    bool courtesy_done;
    bool busy;               /* a pending or held reminder covers it (or, in a dry
                                run, the next step was already written), or the
                                answer to its dispute has not gone out yet, or
                                an open task (store_tasks.h) covers it */
    char resumed_at[32];     /* when the answer to its dispute went out (or was
                                queued, if it never went out), or "": the next
                                step waits its interval after it */
};

struct due_case_list {
    struct due_case *items;
    size_t count;
};

void due_case_list_free(struct due_case_list *list);
/* Open invoices with something owed, a due date and a debtor, by debtor
 * and due date. dry_run: dry-run reminders count as done (a rehearsal
 * writes each step once); otherwise they are ignored. */
enum store_result store_list_due_cases(struct store *st, bool dry_run, struct due_case_list *out);
/* The same, streamed and narrowed to what may be due: debtors after
 * after_debtor, at a level L no higher than max_level (past it the ladder
 * is climbed) and due on or before latest_due[L] (YYYY-MM-DD: a case due
 * later can have no step due today at that level). Rows come in (debtor,
 * due date, id) order from the partial index of open cases, which holds
 * the level too, so that cases not yet due are passed over in the index;
 * each row lives until fn returns, which returns false to stop. */
struct due_filter {
    bool dry_run;
    int64_t after_debtor;
    int max_level;
    char latest_due[LADDER_MAX_STEPS + 1][16];
};
typedef bool (*store_due_fn)(const struct due_case *dc, void *arg);
enum store_result store_each_due_case(struct store *st, const struct due_filter *f, store_due_fn fn, void *arg);
/* The same view of one case, whatever its status. */
enum store_result store_get_due_case(struct store *st, int64_t case_id, bool dry_run, struct due_case *out);

struct claim_item {
    int64_t case_id;
    int expected_level; /* the case's level when the step was chosen */
    int64_t principal, penalties, indemnity;
};

/* A reminder about to be handed to the MTA. */
struct reminder_claim {
    int64_t debtor_id;
    int step;
    const char *step_name;
    const char *message_id; /* without brackets */
    const char *token;
    const char *sender;
    const char *recipient;
    const char *at;                   /* the run's moment (UTC text): sent_at */
    const char *day_start, *day_end;  /* the local day of `at` (UTC text), for one a day */
    bool dry_run;
    const struct claim_item *items;
    size_t count;
};

/* In one IMMEDIATE transaction: checks that the debtor had no reminder
 * that day and that every case is still open at the expected level, then
 * records the reminder as 'pending' with its items. UNIQUE(invoice_id,
 * step) makes a second claim of a step fail. STORE_CONFLICT: nothing was
 * claimed (another runner, a reminder today, a case that moved). */
enum store_result store_claim_reminder(struct store *st, const struct reminder_claim *claim, int64_t *id);

/* Outcomes of a claimed reminder; each writes one event per case. */
/* pending|held -> sent: raises each case's level to the step (court: the
 * open cases become 'court'). */
enum store_result store_reminder_sent(struct store *st, const struct audit_key *key, int64_t id, bool court,
                                      const char *actor, const char *note);
/* pending -> dry-run (written to a file, not sent). */
enum store_result store_reminder_dry_run(struct store *st, const struct audit_key *key, int64_t id,
                                         const char *actor, const char *path);
/* pending|held -> failed: the items are deleted so that the step may be
 * sent again. Only for a reminder that certainly did not go out. */
enum store_result store_reminder_failed(struct store *st, const struct audit_key *key, int64_t id,
                                        const char *actor, const char *error);
/* pending -> held: may have gone out; the operator decides. */
enum store_result store_reminder_held(struct store *st, const struct audit_key *key, int64_t id,
                                      const char *actor, const char *error);
/* The milter met a reminder's marker: records when (once). STORE_NOT_FOUND
 * when no reminder has this Message-ID and token. */
enum store_result store_reminder_seen(struct store *st, const char *message_id, const char *token);

struct reminder_row {
    int64_t id;
    int64_t debtor_id;
    char debtor_email[INVOICE_EMAIL_MAX];
    int step;
    char step_name[32];
    enum reminder_state state;
    char message_id[256];
    char token[64];
    char sender[256];
    char recipient[256];
    char created_at[32];
    char sent_at[32];
    char mta_seen_at[32];
    char error[256];
    char numbers[512]; /* invoice numbers, comma-separated */
};

struct reminder_list {
    struct reminder_row *items;
    size_t count;
};

void reminder_list_free(struct reminder_list *list);
/* Reminders, newest first: all (state NULL) or in one state; of one case
 * (case_id > 0) or all. */
enum store_result store_list_reminders(struct store *st, const enum reminder_state *state, int64_t case_id,
                                       struct reminder_list *out);
enum store_result store_get_reminder(struct store *st, int64_t id, struct reminder_row *out);
/* 'pending' reminders created (real time) before `before`: a runner died. */
enum store_result store_list_stale_reminders(struct store *st, const char *before, struct reminder_list *out);
/* The cases a reminder is about, in the order they were claimed (at most
 * max); *count says how many. */
enum store_result store_reminder_case_ids(struct store *st, int64_t reminder_id, int64_t *ids, size_t max,
                                          size_t *count);

/* ---- payments and debtors (store_payments.c) ---- */

/* Records a payment (or part of one) on a case: balance reduced, the case
 * 'paid' when nothing is left, one event. */
enum store_result store_record_payment(struct store *st, const struct audit_key *key, int64_t case_id,
                                       int64_t amount, struct date paid_on, const char *source,
                                       const char *actor, int64_t *balance_after);
/* Payments of a case, oldest first (owned array in *out). */
enum store_result store_list_payments(struct store *st, int64_t case_id, struct money_payment **out,
                                      size_t *count);
/* Sets a debtor's kind and/or language (NULL: unchanged), creating the
 * debtor when unknown; one event. A kind set here is the operator's
 * (kind_source 'operator'): no invoice changes it afterwards. */
enum store_result store_set_debtor_profile(struct store *st, const struct audit_key *key, const char *email,
                                           const char *kind, const char *language, const char *actor);

/* Sets (profile a debtor_profile name) or clears (NULL or "none") the
 * payer profile of a debtor (store_profiles.c); one 'debtor-profile'
 * event. STORE_NOT_FOUND: no such debtor. */
enum store_result store_set_debtor_payer_profile(struct store *st, const struct audit_key *key, const char *email,
                                                 const char *profile, const char *actor);
/* One of a debtor's other invoices, as the profile computation reads it. */
struct case_history_item {
    enum case_status status;
    int level;
    char ladder[32];
};
/* The debtor's invoices other than except_case (0: all), oldest first
 * (owned array). */
enum store_result store_debtor_history(struct store *st, int64_t debtor_id, int64_t except_case,
                                       struct case_history_item **out, size_t *count);
/* Records the ladder a case follows, once: STORE_CONFLICT when one is
 * recorded already. One 'ladder-chosen' event saying why. */
enum store_result store_set_case_ladder(struct store *st, const struct audit_key *key, int64_t case_id,
                                        const char *ladder, const char *why, const char *actor);

/* Clears a debtor's undeliverable mark (store_deliverable.c): one
 * 'debtor-deliverable' event when it was set; *was_marked says whether it
 * was. STORE_NOT_FOUND: no such debtor. */
enum store_result store_set_debtor_deliverable(struct store *st, const struct audit_key *key, const char *email,
                                               const char *actor, bool *was_marked);

/* ---- letters and postal addresses (store_letters.c) ---- */

/* A debtor's postal address (lines separated by '\n'), "" when unknown. */
enum store_result store_debtor_address(struct store *st, int64_t debtor_id, char *out, size_t size);
/* The operator's address for a debtor (created when unknown): an invoice
 * never replaces it. One event. */
enum store_result store_set_debtor_address(struct store *st, const struct audit_key *key, const char *email,
                                           const char *address, const char *actor);

enum letter_state {
    LETTER_HELD = 0, /* not written: the debtor has no postal address */
    LETTER_TO_POST,  /* written, waiting to be posted */
    LETTER_POSTED,   /* the operator recorded that it went (registered_number when registered) */
};

/* The letter of a step, recorded after its reminder went out. */
struct letter_record {
    int64_t reminder_id;
    int64_t debtor_id;
    int64_t case_id;         /* the first case the reminder covered */
    int step;
    const char *step_name;
    bool registered_mail;    /* must go by registered mail with acknowledgment of receipt */
    const char *sender;      /* lines separated by '\n' */
    const char *place_date;
    const char *object;
    const char *body;
    const char *footer;
    const char *recipient_name;
    const char *address;     /* as printed; "" while held */
    const char *path;        /* the PDF; "" while held */
    const char *payment_qr;  /* the EPC QR payload drawn on it; NULL or "": none */
};

struct letter_row {
    int64_t id;
    int64_t reminder_id;
    int64_t debtor_id;
    int64_t case_id;
    int step;
    char step_name[32];
    bool registered_mail;
    enum letter_state state;
    char debtor_email[INVOICE_EMAIL_MAX];
    char debtor_address[POSTAL_TEXT_MAX]; /* the debtor's address now ("" unknown) */
    char number[INVOICE_NUMBER_MAX];      /* the first case's invoice number */
    char address[POSTAL_TEXT_MAX];        /* as printed ("" while held) */
    char recipient_name[INVOICE_NAME_MAX];
    char path[512];
    char registered_number[64];
    char created_at[32];
    char written_at[32];
    char posted_on[16];
    char *sender, *place_date, *object, *body, *footer; /* owned */
    char *payment_qr;                                   /* owned; "" when none */
};

struct letter_list {
    struct letter_row *items;
    size_t count;
};

void letter_list_free(struct letter_list *list);
const char *letter_state_name(enum letter_state state); /* held | to-post | posted */
/* Records a step's letter: 'to-post' when rec->path is set, else 'held'.
 * One event on the case. */
enum store_result store_letter_record(struct store *st, const struct audit_key *key,
                                      const struct letter_record *rec, const char *actor, int64_t *id);
/* held -> to-post once written. STORE_CONFLICT when no longer held. */
enum store_result store_letter_written(struct store *st, const struct audit_key *key, int64_t id,
                                       const char *address, const char *path, const char *actor);
/* to-post -> posted, on posted_on, with the registered letter's number
 * (NULL or "": not registered). STORE_CONFLICT when the letter is not
 * to-post (held: nothing to post; posted: already recorded). One event. */
enum store_result store_letter_posted(struct store *st, const struct audit_key *key, int64_t id,
                                      struct date posted_on, const char *registered_number, const char *actor);
/* Letters, oldest first: all (state NULL) or in one state. */
enum store_result store_list_letters(struct store *st, const enum letter_state *state, struct letter_list *out);
/* One letter; its owned fields are freed with letter_row_free. */
enum store_result store_get_letter(struct store *st, int64_t id, struct letter_row *out);
void letter_row_free(struct letter_row *row);

/* The newest posted letter about any of the cases: what a reminder may
 * say of postal dispatch. posted false when none was posted. */
struct letter_dispatch {
    bool posted;
    struct date posted_on;
    char registered_number[64]; /* "" when not registered */
};
enum store_result store_letter_dispatch(struct store *st, const int64_t *case_ids, size_t count,
                                        struct letter_dispatch *out);

/* ---- credit notes (store_credits.c) ---- */

enum credit_outcome {
    CREDIT_APPLIED = 0,
    CREDIT_ALREADY_APPLIED,   /* this credit note was applied before: nothing changed */
    CREDIT_NO_INVOICE,        /* no tracked invoice (or no single one) has that number */
    CREDIT_CURRENCY_MISMATCH, /* the invoice is in another currency: nothing changed */
    CREDIT_NO_AMOUNT,         /* the credit note states no positive amount */
};

struct credit_result {
    enum credit_outcome outcome;
    int64_t invoice_id;    /* the invoice credited (0 when none) */
    int64_t balance_after; /* cents, when applied */
    enum case_status status; /* the invoice's status after: closed when nothing is left */
};

/* Applies a credit note (type credit note, referenced_number set, amount
 * in cents as a positive value) to the tracked invoice it references: a
 * 'credit_note' payment, the balance lowered, the case closed at zero, an
 * audit event, in one transaction. Errors are the store's; every other
 * outcome is reported in out. */
enum store_result store_apply_credit_note(struct store *st, const struct audit_key *key,
                                          const struct invoice *credit, const char *actor,
                                          struct credit_result *out);
const char *credit_outcome_name(enum credit_outcome outcome);

/* ---- replies (store_replies.c) ---- */

/* Finding the cases a reply is about. Each fills a case list (possibly
 * empty); only live cases are returned (case_is_live: invoices not paid,
 * closed or cancelled). */
/* The cases a reminder with this Message-ID covered; *reminder_id gets
 * the reminder (0 when no reminder has it). */
enum store_result store_cases_of_reminder_message(struct store *st, const char *message_id,
                                                  int64_t *reminder_id, struct case_list *out);
/* The same for the reminder that carried this reply token (the newest
 * when a token was used twice). */
enum store_result store_cases_of_reminder_token(struct store *st, const char *token, int64_t *reminder_id,
                                                struct case_list *out);
/* The cases whose invoice mail had this Message-ID. */
enum store_result store_cases_of_invoice_message(struct store *st, const char *message_id,
                                                 struct case_list *out);
/* Whether any invoice or reminder mail had this Message-ID (cheap, for
 * the milter's end-of-headers decision). */
enum store_result store_message_id_known(struct store *st, const char *message_id, bool *known);
/* The cases of the debtor at this address and, when domain_too, of every
 * debtor in its domain. */
enum store_result store_cases_of_correspondent(struct store *st, const char *address, bool domain_too,
                                               struct case_list *out);
/* Whether a debtor has this address, or (domain_too) one in its domain. */
enum store_result store_correspondent_known(struct store *st, const char *address, bool domain_too,
                                            bool *known);

/* A message relance writes about a reply (to the creditor, to the
 * debtor), stored with the reply and sent later by the scheduler. */
struct outbox_message {
    const char *kind;      /* creditor-notice | dispute-ack | dispute-resumed | dispute-withdrawn */
    int64_t case_id;       /* the first case it is about */
    const char *sender;    /* envelope sender */
    const char *recipient;
    const char *message_id;
    const char *data;      /* the whole message, LF line ends */
    size_t len;
};

/* What one reply does to its cases. */
enum reply_effect {
    REPLY_EFFECT_NONE = 0,   /* recorded only */
    REPLY_EFFECT_DISPUTE,    /* open, paused or court cases become disputed */
    REPLY_EFFECT_PAUSE,      /* open or paused cases are paused (until pause_until, or without end) */
    REPLY_EFFECT_UNDELIVERABLE, /* the debtor address is marked undeliverable */
    REPLY_EFFECT_REVIEW,     /* open cases wait for the operator until pause_until (status review) */
    REPLY_EFFECT_INSOLVENT,  /* the cases become insolvent, the proceeding is recorded
                                (store_insolvency.h) */
};

struct debtor_insolvency;

struct reply_record {
    const int64_t *case_ids;
    size_t case_count;
    int64_t reminder_id;     /* 0 when not matched through a reminder */
    const char *message_id;  /* the reply's, without brackets */
    const char *sender;
    const char *subject;
    const char *queue_id;
    const char *matched_by;  /* token | thread | number | bounce */
    const char *verdict;     /* reply_verdict_name() */
    struct date promised;    /* may be unset */
    const char *reason;
    const char *excerpt;
    const char *own_words;
    enum reply_effect effect;
    const char *pause_reason;  /* promise | paid | plan (REPLY_EFFECT_PAUSE) */
    struct date pause_until;   /* unset: without end; REPLY_EFFECT_REVIEW: the review's last day */
    const char *undeliverable; /* the address (REPLY_EFFECT_UNDELIVERABLE) */
    const char *note;          /* said of the action in brackets ("promise capped"), or NULL */
    int max_pauses;            /* a pause or a review moves only cases that replies paused
                                  or held fewer times (store_reply_pauses); 0: no limit */
    bool unverified;           /* matched by a clue anyone could forge: effect is NONE */
    const struct debtor_insolvency *insolvency; /* REPLY_EFFECT_INSOLVENT */
    const struct outbox_message *outbox;
    size_t outbox_count;
    const char *copy;          /* the message as received, kept for the court file in the same
                                  transaction (store_keep_reply_message); NULL: not kept here */
    size_t copy_len;
    size_t copy_max;           /* ArchiveMaxSize */
};

struct reply_outcome {
    bool duplicate;  /* this Message-ID was already recorded for these cases: nothing done */
    size_t changed;  /* cases whose status changed */
    bool kept;       /* the copy was kept with the reply (reply_record.copy) */
};

/* How many times replies paused this case or put it in review (replies
 * whose recorded action is a pause or a review: a reply that left the
 * status as it was does not count). A review holds the ladder as a pause
 * does, so that a debtor writing nonsense every few days cannot hold a
 * case longer than MaxPausesPerCase reviews. */
enum store_result store_reply_pauses(struct store *st, int64_t case_id, int *count);
/* The same, counted up to limit at most (0: no limit). */
enum store_result store_reply_pauses_upto(struct store *st, int64_t case_id, int limit, int *count);

/* The address a reminder was sent to (its debtor's at the time), "" when
 * there is no such reminder. */
enum store_result store_reminder_recipient(struct store *st, int64_t reminder_id, char *out, size_t size);

/* Records a reply against each of its cases, changes their status, marks
 * the address, queues the outbox messages and appends one event per case,
 * all in one transaction. */
enum store_result store_record_reply(struct store *st, const struct audit_key *key,
                                     const struct reply_record *rec, const char *actor,
                                     struct reply_outcome *out);

/* Whether a dispute acknowledgment about case_id was queued (whatever
 * became of it) at or after since. */
enum store_result store_acknowledged_since(struct store *st, int64_t case_id, time_t since, bool *found);

struct reply_row {
    int64_t id;
    int64_t case_id;
    char number[INVOICE_NUMBER_MAX];
    char received_at[32];
    char sender[INVOICE_EMAIL_MAX];
    char subject[256];
    char matched_by[16];
    char verdict[16];
    char promised[16];
    char reason[256];
    char excerpt[512];
    char action[64];
    char message_id[256];
    char queue_id[32];
};

struct reply_list {
    struct reply_row *items;
    size_t count;
};

void reply_list_free(struct reply_list *list);
/* Replies, newest first: of one case (case_id > 0) or all. */
enum store_result store_list_replies(struct store *st, int64_t case_id, struct reply_list *out);

/* ---- pauses and disputes (store_replies.c) ---- */

/* Cases paused until a day before `today` (YYYY-MM-DD) go back to open;
 * disputes never end by themselves. One event each; *count resumed. */
enum store_result store_resume_expired_pauses(struct store *st, const struct audit_key *key, struct date today,
                                              const char *actor, int *count);

enum case_resolution {
    RESOLVE_RESUME = 0, /* the debt stands: the ladder resumes */
    RESOLVE_CANCEL,     /* the debt is dropped: the case is cancelled */
    RESOLVE_CREDIT,     /* part of it is dropped: a credit lowers the balance (a payment with
                           source 'credit'), the rest resumes */
    RESOLVE_END_PAUSE,  /* a pause (never a dispute) ends: the ladder resumes */
};

/* Ends a dispute (or a pause). STORE_CONFLICT when the case is neither
 * disputed nor paused (paused, for RESOLVE_END_PAUSE: the status is read
 * in the transaction, so a dispute recorded meanwhile is never ended by
 * it), or a credit is not positive. amount: cents credited (RESOLVE_CREDIT). */
enum store_result store_resolve_case(struct store *st, const struct audit_key *key, int64_t case_id,
                                     enum case_resolution how, int64_t amount, const char *actor,
                                     enum case_status *status_after);
/* The same, telling the debtor: when the case was disputed (read in the
 * transaction), notice (kind dispute-resumed or dispute-withdrawn, case_id
 * the case) is queued in the outbox in the same transaction, so that the
 * answer the acknowledgment promised is never lost nor doubled. A pause
 * ends without it. notice may be NULL. */
enum store_result store_resolve_case_told(struct store *st, const struct audit_key *key, int64_t case_id,
                                          enum case_resolution how, int64_t amount, const char *actor,
                                          const struct outbox_message *notice, enum case_status *status_after);
/* Pauses an open case by hand (until: unset = without end); replies do
 * not shorten such a pause. STORE_CONFLICT
 * when the case is not open or paused. */
enum store_result store_pause_case(struct store *st, const struct audit_key *key, int64_t case_id,
                                   struct date until, const char *actor);

/* ---- reviews (store_review.c) ---- */

/* Cases in review whose last day (paused_until) is before `today`:
 * ReviewDays passed without the operator's decision. Owned ids. */
enum store_result store_lapsed_reviews(struct store *st, struct date today, int64_t **ids, size_t *count);
/* Ends a lapsed review: the case goes back to open (the ladder takes it
 * where it stopped), an event says why, and notice (the creditor's
 * reminder, may be NULL) is queued in the same transaction, so that it
 * goes out once. *ended false: the case was no longer in review (the
 * operator decided meanwhile) and nothing changed. */
enum store_result store_end_review(struct store *st, const struct audit_key *key, int64_t case_id,
                                   const char *actor, const struct outbox_message *notice, bool *ended);

/* What the operator read in a reply that was in review. */
enum review_decision {
    REVIEW_DISPUTE = 0, /* a dispute: the case is disputed */
    REVIEW_PROMISE,     /* a promise: paused until the day given (promise day + grace) */
    REVIEW_PAID,        /* a payment: paused until the day given (PaymentVerificationDays) */
};
/* Records it with the verdict's effect, audited ("case-resolved").
 * STORE_CONFLICT when the case is not in review (nothing changed). */
enum store_result store_decide_review(struct store *st, const struct audit_key *key, int64_t case_id,
                                      enum review_decision how, struct date until, const char *actor,
                                      enum case_status *status_after);
const char *review_decision_name(enum review_decision how);

/* ---- the outbox (store_outbox.c) ---- */

struct outbox_row {
    int64_t id;
    char kind[24];
    int64_t case_id;
    char sender[256];
    char recipient[256];
    char message_id[256];
    char *data; /* owned */
    size_t len;
    int attempts;
    char state[16];      /* pending | sending | sent | failed | uncertain */
    char created_at[32];
    char claimed_at[32]; /* when a sender claimed it, or "" */
    char sent_at[32];
    char error[256];
};

struct outbox_list {
    struct outbox_row *items;
    size_t count;
};

void outbox_list_free(struct outbox_list *list);
/* Pending messages whose time has come (next_at <= now), oldest first. */
enum store_result store_outbox_due(struct store *st, const char *now, size_t limit, struct outbox_list *out);
/* The claim that makes a message go out at most once: pending -> sending
 * (claimed_at = now) in one IMMEDIATE transaction, only if still pending.
 * STORE_CONFLICT: another sender has it (or it is no longer pending). */
enum store_result store_outbox_claim(struct store *st, int64_t id);
/* After a try of a claimed message: state sent | failed | uncertain, or
 * pending again at retry_at (attempts counted). STORE_CONFLICT when the
 * message is not (or no longer) claimed. */
enum store_result store_outbox_done(struct store *st, int64_t id, const char *state, const char *retry_at,
                                    const char *error);
/* The same, a message sent being recorded as sent at sent_at (UTC text;
 * NULL: now): a run "as at" another moment records that moment, as
 * reminders do. */
enum store_result store_outbox_done_at(struct store *st, int64_t id, const char *state, const char *retry_at,
                                       const char *error, const char *sent_at);
/* 'sending' messages claimed (real time) before `before`: a sender died
 * between its claim and its record. */
enum store_result store_outbox_list_stale(struct store *st, const char *before, struct outbox_list *out);
/* sending -> uncertain for a stale claim: it may have gone out, so it is
 * never sent again. STORE_CONFLICT when its sender recorded it meanwhile. */
enum store_result store_outbox_abandon(struct store *st, int64_t id, const char *error);
/* The outbox for the operator, newest first; state NULL for every state. */
enum store_result store_outbox_list(struct store *st, const char *state, size_t limit, struct outbox_list *out);

/* A small pool of handles for the milter's threads. */
struct store_pool;
struct store_pool *store_pool_new(const char *path, int timeout_ms);
void store_pool_free(struct store_pool *pool);
struct store *store_pool_get(struct store_pool *pool, char *why, size_t whylen);
/* Returns a handle to the pool (or closes it when the pool is full). */
void store_pool_put(struct store_pool *pool, struct store *st);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void store_now_text(char out[32]);

#endif
