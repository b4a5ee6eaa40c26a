/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl.h - relancectl's command groups. Each command gets the common
 * options (configuration, --json) and its own arguments, prints a table
 * for people or JSON for scripts, and returns the process exit status:
 * 0 done, 1 failed, 2 usage error.
 */
#ifndef RELANCE_CTL_H
#define RELANCE_CTL_H

#include <stdbool.h>

#include "core/config.h"
#include "core/invoice.h"
#include "lib/json.h"
#include "store/store.h"

struct ctl_env {
    const char *config_path; /* -c, or the default */
    bool config_given;       /* -c was given: a missing file is an error */
    bool json;               /* --json */
    struct config *cfg;      /* loaded on first use */
};

/* The configuration, loaded on first use; NULL (errors printed) if broken. */
struct config *ctl_config(struct ctl_env *env);
/* Opens the database named by the configuration; NULL with a message. */
struct store *ctl_open_store(struct ctl_env *env);
/* For the commands that write: the configuration, the audit key and the
 * store; NULL (message printed) when any is missing. ctl_close_all closes
 * the store and wipes the key. */
struct store *ctl_open_all(struct ctl_env *env, struct audit_key *key);
void ctl_close_all(struct store *st, struct audit_key *key);
/* Today in the configuration's Timezone (once ctl_config has loaded it). */
struct date ctl_today(const struct ctl_env *env);
/* The one case with this number (seller, when not NULL, picks among
 * several sellers' invoices); false with a message when there is none or
 * more than one. */
bool ctl_find_case(struct store *st, const char *number, const char *seller, struct case_row *out);
/* s as a table cell of exactly `width` characters (UTF-8 aware): cut with
 * an ellipsis when longer, padded with spaces when shorter, control
 * characters shown as U+FFFD; out needs CTL_CELL_SIZE(width) bytes.
 * Returns out. */
#define CTL_CELL_SIZE(width) ((width) * 4 + 8)
const char *ctl_cell(char *out, size_t size, const char *s, size_t width);
/* Widens *width (at least the header's) to s's characters, up to cap. */
void ctl_fit(size_t *width, const char *s, size_t cap);
/* Prints to stderr and returns 2. */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* JSON shapes shared by commands (field names are a stable interface). */
/* Prints a finished JSON document and a newline on stdout. */
void ctl_print_json(const struct strbuf *sb);

void ctl_json_invoice_fields(struct json *j, const struct invoice *inv);
/* Writes a case's fields into the object the caller has opened. */
void ctl_json_case_fields(struct json *j, const struct case_row *c);
/* Writes a case as one object. */
void ctl_json_case(struct json *j, const struct case_row *c);
/* The kind that applies to a case's debtor (the recorded one, else
 * DefaultDebtorKind) and where it came from. */
enum debtor_kind ctl_debtor_kind(const struct ctl_env *env, const struct case_row *c);
const char *ctl_debtor_kind_source(const struct case_row *c); /* invoice | operator | default */
/* debtor_kind, debtor_kind_source, debtor_kind_evidence, into the object
 * the caller has opened. */
void ctl_json_debtor_kind(struct json *j, const struct ctl_env *env, const struct case_row *c);

/* ctl_insolvency.c: relancectl debtor EMAIL --insolvent ... */
#define CTL_INSOLVENT_USAGE                                                                        \
    "usage: debtor EMAIL --insolvent [--since YYYY-MM-DD] [--representative 'NAME, ADDRESS']"      \
    " [--proceeding sauvegarde|redressement|liquidation|administration|receivership|chapter 11|chapter 7]"
struct ctl_insolvent_args {
    bool insolvent;
    struct date since;          /* the opening judgment, unset when not known */
    const char *representative; /* "Me X, 12 rue Y, 69002 Lyon": name, then address */
    const char *proceeding;
};
int ctl_debtor_insolvent(struct ctl_env *env, const char *email, const struct ctl_insolvent_args *a);

/* ctl_cases.c */
int ctl_list(struct ctl_env *env, int argc, char **argv);
int ctl_show(struct ctl_env *env, int argc, char **argv);
/* ctl_inspect.c */
int ctl_inspect(struct ctl_env *env, int argc, char **argv);
/* ctl_keygen.c */
int ctl_keygen(struct ctl_env *env, int argc, char **argv);
/* ctl_reminders.c */
int ctl_run_due(struct ctl_env *env, int argc, char **argv);
int ctl_preview(struct ctl_env *env, int argc, char **argv);
int ctl_reminders(struct ctl_env *env, int argc, char **argv);
int ctl_release(struct ctl_env *env, int argc, char **argv);
int ctl_pay(struct ctl_env *env, int argc, char **argv);
int ctl_debtor(struct ctl_env *env, int argc, char **argv);
/* One reminder as a JSON object (shared by reminders and show). */
void ctl_json_reminder(struct json *j, const struct reminder_row *r);
/* ctl_letters.c */
int ctl_letters(struct ctl_env *env, int argc, char **argv);
int ctl_letter(struct ctl_env *env, int argc, char **argv);
/* ctl_outbox.c */
int ctl_outbox(struct ctl_env *env, int argc, char **argv);
/* ctl_payments.c */
int ctl_import_payments(struct ctl_env *env, int argc, char **argv);
/* ctl_stats.c */
int ctl_stats(struct ctl_env *env, int argc, char **argv);
/* ctl_dossier.c */
int ctl_dossier(struct ctl_env *env, int argc, char **argv);
/* ctl_audit.c */
int ctl_audit(struct ctl_env *env, int argc, char **argv);
/* ctl_replies.c */
int ctl_resolve(struct ctl_env *env, int argc, char **argv);
/* The end of the pause a verdict makes, as a reply's would: a promise
 * until its day plus PromiseGraceDays (false, message printed, when the
 * day is before today), a payment for PaymentVerificationDays from today,
 * a dispute none (unset). */
bool ctl_verdict_until(const struct config *cfg, const char *command, enum review_decision how,
                       struct date promised, struct date today, struct date *until);
/* ctl_tasks.c */
int ctl_tasks(struct ctl_env *env, int argc, char **argv);
int ctl_task(struct ctl_env *env, int argc, char **argv);
int ctl_pause(struct ctl_env *env, int argc, char **argv);
int ctl_resume(struct ctl_env *env, int argc, char **argv);
int ctl_replies(struct ctl_env *env, int argc, char **argv);
/* One recorded reply as a JSON object (shared by replies and show). */
void ctl_json_reply(struct json *j, const struct reply_row *r);
/* The replies as a table, in the list's order, excerpts cut to fit a
 * line; of_one_case: indented lines without header nor number (show). */
void ctl_replies_table(const struct reply_list *list, bool of_one_case);

#endif
