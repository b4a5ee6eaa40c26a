/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * payment_match.c - bank statement lines matched to cases and recorded as
 * payments (see payment_match.h).
 *
 * The rules never guess: a number is matched only as a whole word (so
 * that F-12 is not found in F-123), a credit larger than the balance of
 * the invoice it names is reported, not spread over other invoices, and
 * a credit naming nothing pays only a case that is the single one owing
 * exactly that amount under that name. Invoice numbers shorter than three
 * characters are never looked for in text: "12" is found in too many
 * labels (dates, branch numbers) to mean an invoice.
 */
#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/payment_match.h"
#include "store/store_internal.h"

#define NUMBER_MIN_LEN 3
#define NAME_PREFIX_MIN 8

const char *payment_outcome_name(enum payment_outcome o)
{
    static const char *const names[PAYMENT_OUTCOME_COUNT] = {
        "matched", "partial", "overpayment", "ambiguous", "unmatched", "skipped-debit", "already-imported",
        "pending",
    };

    return (unsigned)o < PAYMENT_OUTCOME_COUNT ? names[o] : "unknown";
}

static bool word_char(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

bool payment_names_number(const char *text, const char *number)
{
    size_t len = strlen(number);

    if (len < NUMBER_MIN_LEN)
        return false;
    for (const char *p = text; (p = strcasestr(p, number)) != NULL; p++) {
        bool starts = p == text || !word_char((unsigned char)p[-1]) || !word_char((unsigned char)number[0]);
        bool ends = !word_char((unsigned char)p[len]) || !word_char((unsigned char)number[len - 1]);

        if (starts && ends)
            return true;
    }
    return false;
}

/* Lower case (ASCII and the Latin-1 capitals of UTF-8), anything that is
 * not a letter or digit as one space, trimmed. */
static void fold_name(const char *s, char *out, size_t size)
{
    size_t n = 0;
    bool space = true;

    for (const unsigned char *p = (const unsigned char *)s; *p && n + 3 < size; p++) {
        if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e && p[1] != 0x97) {
            out[n++] = (char)0xc3;
            out[n++] = (char)(p[1] + 0x20);
            p++;
            space = false;
        } else if (isalnum(*p) || *p >= 0x80) {
            out[n++] = (char)tolower(*p);
            space = false;
        } else if (!space) {
            out[n++] = ' ';
            space = true;
        }
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

bool payment_same_name(const char *bank_name, const char *case_name)
{
    char a[BANK_NAME_MAX * 2], b[INVOICE_NAME_MAX * 2];
    size_t len;

    fold_name(bank_name, a, sizeof a);
    fold_name(case_name, b, sizeof b);
    len = strlen(a);
    if (len == 0 || b[0] == '\0')
        return false;
    if (strcmp(a, b) == 0)
        return true;
    return len >= NAME_PREFIX_MIN && strncmp(a, b, len) == 0 && b[len] == ' ';
}

/* ---- judging one line ---- */

static bool payable_status(enum case_status s)
{
    return s != CASE_PAID && s != CASE_CANCELLED && s != CASE_CLOSED;
}

static bool same_currency(const struct bank_entry *e, const struct case_row *c)
{
    return e->currency[0] == '\0' || strcasecmp(e->currency, c->inv.currency) == 0;
}

static void set_case(struct payment_line *l, const struct case_row *c)
{
    l->case_id = c->id;
    str_copy(l->number, sizeof l->number, c->inv.number);
    str_copy(l->currency, sizeof l->currency, c->inv.currency);
    l->balance_before = l->balance_after = c->balance;
}

/* The invoice numbers of the cases at idx, for a note. */
static void list_numbers(const struct case_list *cases, const size_t *idx, size_t n, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < n && i < 5; i++)
        bank_text_append(out, size, cases->items[idx[i]].inv.number);
    if (n > 5)
        bank_text_append(out, size, "...");
}

static void judge_named(const struct bank_entry *e, const struct case_row *c, struct payment_line *l)
{
    char owed[MONEY_STR_MAX];

    set_case(l, c);
    money_format_decimal(c->balance, owed);
    if (!same_currency(e, c)) {
        l->outcome = PAYMENT_UNMATCHED;
        str_format(l->note, sizeof l->note, "names %s, invoiced in %s, but is in %s", c->inv.number,
                   c->inv.currency, e->currency);
    } else if (c->status == CASE_CANCELLED || c->status == CASE_CLOSED) {
        l->outcome = PAYMENT_UNMATCHED;
        str_format(l->note, sizeof l->note, "names %s, which is %s", c->inv.number, case_status_name(c->status));
    } else if (e->amount > c->balance) {
        l->outcome = PAYMENT_OVERPAYMENT;
        str_format(l->note, sizeof l->note, "names %s, which owes %s %s: not paid", c->inv.number, owed,
                   c->inv.currency);
    } else {
        l->outcome = e->amount == c->balance ? PAYMENT_MATCHED : PAYMENT_PARTIAL;
        l->balance_after = c->balance - e->amount;
    }
}

/* A credit that names no invoice: the single open case owing exactly the
 * amount under the payer's name. */
static void judge_by_name(const struct bank_entry *e, const struct case_list *cases, size_t *idx,
                          struct payment_line *l)
{
    char numbers[200];
    size_t n = 0;

    if (!e->debtor_name[0]) {
        l->outcome = PAYMENT_UNMATCHED;
        str_copy(l->note, sizeof l->note, "names no invoice and no payer");
        return;
    }
    for (size_t i = 0; i < cases->count; i++) {
        const struct case_row *c = &cases->items[i];

        if (c->inv.type == INVOICE_TYPE_INVOICE && payable_status(c->status) && c->balance == e->amount &&
            same_currency(e, c) &&
            (payment_same_name(e->debtor_name, c->debtor_name) || payment_same_name(e->debtor_name, c->inv.buyer_name)))
            idx[n++] = i;
    }
    if (n == 1) {
        set_case(l, &cases->items[idx[0]]);
        l->outcome = PAYMENT_MATCHED;
        l->by_name = true;
        l->balance_after = 0;
        str_format(l->note, sizeof l->note, "names no invoice; the only case of %s owing this amount",
                   e->debtor_name);
    } else if (n > 1) {
        list_numbers(cases, idx, n, numbers, sizeof numbers);
        l->outcome = PAYMENT_AMBIGUOUS;
        str_format(l->note, sizeof l->note, "names no invoice; %zu cases of %s owe this amount: %s", n,
                   e->debtor_name, numbers);
    } else {
        l->outcome = PAYMENT_UNMATCHED;
        str_format(l->note, sizeof l->note, "names no invoice; no open case of %s owes this amount",
                   e->debtor_name);
    }
}

/* idx: room for cases->count indexes. */
static void judge(const struct bank_entry *e, const struct case_list *cases, size_t *idx, struct payment_line *l)
{
    char numbers[200];
    size_t n = 0;

    if (e->pending) {
        l->outcome = PAYMENT_PENDING;
        str_copy(l->note, sizeof l->note, "not booked yet (status pending or information): import it once booked");
        return;
    }
    if (!e->credit || e->amount <= 0) {
        l->outcome = PAYMENT_DEBIT;
        str_copy(l->note, sizeof l->note, e->credit ? "no amount" : "a debit (or a reversal) pays nothing");
        return;
    }
    for (size_t i = 0; i < cases->count; i++)
        if (cases->items[i].inv.type == INVOICE_TYPE_INVOICE &&
            payment_names_number(e->remittance, cases->items[i].inv.number))
            idx[n++] = i;
    if (n == 1) {
        judge_named(e, &cases->items[idx[0]], l);
    } else if (n > 1) {
        list_numbers(cases, idx, n, numbers, sizeof numbers);
        l->outcome = PAYMENT_AMBIGUOUS;
        str_format(l->note, sizeof l->note, "names several invoices: %s", numbers);
    } else {
        judge_by_name(e, cases, idx, l);
    }
}

/* ---- remembering lines ---- */

static enum store_result seen_before(struct store *st, const char *entry_key, bool *seen)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "SELECT 1 FROM bank_entries WHERE entry_key = ?1", -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare bank entry");
    store_bind_text(stmt, 1, entry_key);
    rc = sqlite3_step(stmt);
    *seen = rc == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "read bank entry");
}

static enum store_result remember(struct store *st, const struct payment_line *l)
{
    static const char sql[] = "INSERT INTO bank_entries (entry_key, statement_id, entry_id, amount, currency,"
                              " credit, booked_on, outcome, invoice_id, imported_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    const struct bank_entry *e = l->entry;
    sqlite3_stmt *stmt;
    char now[32];
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        return store_result_of(st, rc, "prepare bank entry");
    store_now_text(now);
    store_bind_text(stmt, 1, e->key);
    store_bind_text(stmt, 2, e->statement_id);
    store_bind_text(stmt, 3, e->entry_id);
    sqlite3_bind_int64(stmt, 4, e->amount);
    store_bind_text(stmt, 5, e->currency);
    sqlite3_bind_int(stmt, 6, e->credit);
    store_bind_date(stmt, 7, e->booked);
    store_bind_text(stmt, 8, payment_outcome_name(l->outcome));
    if (l->case_id > 0)
        sqlite3_bind_int64(stmt, 9, l->case_id);
    else
        sqlite3_bind_null(stmt, 9);
    store_bind_text(stmt, 10, now);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return store_result_of(st, rc, "insert bank entry");
}

static const char *payment_source(const struct bank_statement *s)
{
    if (strncmp(s->format, "camt.053", 8) == 0)
        return "camt053";
    if (strncmp(s->format, "camt.054", 8) == 0)
        return "camt054";
    return "csv";
}

/* Records one line (its payment when it pays) in one transaction. */
static enum store_result record_line(struct store *st, const struct audit_key *key, const struct bank_statement *s,
                                     struct case_list *cases, size_t *idx, struct payment_line *l)
{
    const struct bank_entry *e = l->entry;
    struct date paid_on = date_is_set(e->booked) ? e->booked : e->value;
    enum store_result r = store_begin(st);
    bool seen = false;

    if (r != STORE_OK)
        return r;
    if ((r = seen_before(st, e->key, &seen)) != STORE_OK || seen) {
        if (seen)
            l->outcome = PAYMENT_ALREADY;
        return store_finish(st, r);
    }
    judge(e, cases, idx, l);
    if (l->outcome == PAYMENT_MATCHED || l->outcome == PAYMENT_PARTIAL) {
        if (!date_is_set(paid_on))
            paid_on = date_today();
        r = store_payment_with_reference(st, key, l->case_id, e->amount, paid_on, payment_source(s), e->key,
                                         "bank-import", &l->balance_after);
    }
    /* A pending line is not remembered: booked later, it must pay then. */
    if (r == STORE_OK && l->outcome != PAYMENT_PENDING)
        r = remember(st, l);
    r = store_finish(st, r);
    if (r == STORE_OK && (l->outcome == PAYMENT_MATCHED || l->outcome == PAYMENT_PARTIAL)) {
        for (size_t i = 0; i < cases->count; i++) {
            if (cases->items[i].id == l->case_id) {
                cases->items[i].balance = l->balance_after;
                if (l->balance_after <= 0)
                    cases->items[i].status = CASE_PAID;
            }
        }
    }
    return r;
}

enum store_result payment_import(struct store *st, const struct audit_key *key, const struct bank_statement *s,
                                 bool dry_run, struct payment_line *lines)
{
    struct case_list cases = {NULL, 0};
    enum store_result r = store_list_cases(st, &cases);
    size_t *idx;

    if (r != STORE_OK)
        return r;
    idx = xcalloc(cases.count + 1, sizeof *idx);
    for (size_t i = 0; i < s->count && r == STORE_OK; i++) {
        struct payment_line *l = &lines[i];
        bool seen = false;

        memset(l, 0, sizeof *l);
        l->entry = &s->items[i];
        if (!dry_run) {
            r = record_line(st, key, s, &cases, idx, l);
        } else if ((r = seen_before(st, l->entry->key, &seen)) == STORE_OK) {
            if (seen)
                l->outcome = PAYMENT_ALREADY;
            else
                judge(l->entry, &cases, idx, l);
        }
    }
    free(idx);
    case_list_free(&cases);
    return r;
}
