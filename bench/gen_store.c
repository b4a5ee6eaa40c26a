/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gen_store.c - writes a store of N invoices over N/20 debtors, for the
 * benchmarks and the scaled checks: `gen_store -n N -k KEYFILE [-t
 * YYYY-MM-DD] [-s SEED] DB`.
 *
 * The book looks like a real one seen on day -t: invoices issued over the
 * two years before it, due 30 or 45 days after issue; the older ones
 * mostly paid (with their payment), the recent ones open, climbing the
 * built-in ladder with one sent reminder per step they went through (and
 * its item, Message-ID and signed token), a few paused, disputed, in
 * review, at court, insolvent, cancelled, each dispute or promise with the
 * debtor's reply. Every change has its event, chained with the KeyFile's
 * secret, so `relancectl audit verify` passes.
 *
 * Speed: the schema comes from store_open (the real migrations), then one
 * transaction of prepared statements with synchronous off; the WAL is
 * checkpointed at the end.
 */
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ladder.h"
#include "lib/audit.h"
#include "lib/date.h"
#include "lib/token.h"
#include "store/store.h"

enum { S_INVOICE, S_DEBTOR, S_REMINDER, S_ITEM, S_PAYMENT, S_REPLY, S_EVENT, S_COUNT };

static const char *const sqls[S_COUNT] = {
    "INSERT INTO invoices (id, seller, seller_key, number, type, issue_date, due_date, due_basis, amount_due,"
    " balance, currency, debtor_id, buyer_name, buyer_email, source, confidence, status, level, paused_until,"
    " pause_reason, message_id, queue_id, created_at, updated_at)"
    " VALUES (?1, 'Bench SARL', 'bench sarl', ?2, 'invoice', ?3, ?4, 'document', ?5, ?6, 'EUR', ?7, ?8, ?9,"
    " 'facturx', 100, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    "INSERT INTO debtors (id, email, name, kind, kind_source, language, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, CASE WHEN ?4 IS NULL THEN NULL ELSE 'operator' END, ?5, ?6, ?6)",
    "INSERT INTO reminders (id, debtor_id, step, step_name, state, message_id, token, sender, recipient,"
    " created_at, sent_at) VALUES (?1, ?2, ?3, ?4, 'sent', ?5, ?6, 'relance@bench.example', ?7, ?8, ?8)",
    "INSERT INTO reminder_items (reminder_id, invoice_id, step, principal) VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO payments (invoice_id, amount, currency, paid_on, source, created_at)"
    " VALUES (?1, ?2, 'EUR', ?3, 'csv', ?4)",
    "INSERT INTO replies (invoice_id, reminder_id, message_id, sender, subject, matched_by, verdict,"
    " promised_date, received_at) VALUES (?1, ?2, ?3, ?4, 'Re: relance', 'token', ?5, ?6, ?7)",
    "INSERT INTO events (at, invoice_id, kind, actor, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

struct gen {
    sqlite3 *db;
    sqlite3_stmt *stmt[S_COUNT];
    struct audit_key key;
    char prev[AUDIT_HASH_HEX];
    struct ladder_steps ladder;
    struct date today;
    uint64_t rng;
    int64_t reminder_id;
    long events;
};

static uint64_t next_random(struct gen *g)
{
    /* xorshift64*: reproducible for a seed, fast. */
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 2685821657736338717ULL;
}

static int below(struct gen *g, int n)
{
    return (int)(next_random(g) % (uint64_t)n);
}

static void die(struct gen *g, const char *what)
{
    fprintf(stderr, "gen_store: %s: %s\n", what, sqlite3_errmsg(g->db));
    exit(1);
}

static void step_done(struct gen *g, int which)
{
    if (sqlite3_step(g->stmt[which]) != SQLITE_DONE)
        die(g, sqls[which]);
    sqlite3_reset(g->stmt[which]);
}

static void text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static void day_text(struct date d, char out[DATE_STR_MAX])
{
    date_format(d, out);
}

static void stamp(struct date d, int seconds, char out[32])
{
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day, 8 + seconds / 3600 % 10,
             seconds / 60 % 60, seconds % 60);
}

static void event(struct gen *g, const char *at, int64_t case_id, const char *kind, const char *detail)
{
    struct audit_fields f = {at, case_id, kind, "bench", detail};
    char hash[AUDIT_HASH_HEX];
    sqlite3_stmt *s = g->stmt[S_EVENT];

    audit_chain_hash(&g->key, g->prev, &f, hash);
    text(s, 1, at);
    sqlite3_bind_int64(s, 2, case_id);
    text(s, 3, kind);
    text(s, 4, "bench");
    text(s, 5, detail);
    text(s, 6, g->prev);
    text(s, 7, hash);
    step_done(g, S_EVENT);
    memcpy(g->prev, hash, sizeof hash);
    g->events++;
}

static void debtor(struct gen *g, int64_t id, const char *now)
{
    static const char *const kinds[] = {NULL, "business", "business", "consumer"};
    sqlite3_stmt *s = g->stmt[S_DEBTOR];
    char email[64], name[64];

    snprintf(email, sizeof email, "compta%lld@client%lld.example", (long long)id, (long long)id);
    snprintf(name, sizeof name, "Client %lld SAS", (long long)id);
    sqlite3_bind_int64(s, 1, id);
    text(s, 2, email);
    text(s, 3, name);
    text(s, 4, kinds[below(g, 4)]);
    text(s, 5, below(g, 5) == 0 ? "en" : NULL);
    text(s, 6, now);
    step_done(g, S_DEBTOR);
}

/* One sent reminder per step the case climbed, on the day it was due. */
static int64_t reminders(struct gen *g, int64_t case_id, int64_t debtor_id, struct date due, int level,
                         int64_t amount)
{
    char email[64], mid[96], tok[TOKEN_MAX], at[32], detail[160];
    int64_t last = 0;

    snprintf(email, sizeof email, "compta%lld@client%lld.example", (long long)debtor_id, (long long)debtor_id);
    for (int step = 1; step <= level; step++) {
        struct reply_token t = {case_id, step};
        sqlite3_stmt *s = g->stmt[S_REMINDER];

        last = ++g->reminder_id;
        token_make(&g->key, &t, tok);
        snprintf(mid, sizeof mid, "relance.%lld.%d@bench.example", (long long)case_id, step);
        stamp(date_add_days(due, g->ladder.items[step - 1].delay), (int)(case_id % 36000), at);
        sqlite3_bind_int64(s, 1, last);
        sqlite3_bind_int64(s, 2, debtor_id);
        sqlite3_bind_int(s, 3, step);
        text(s, 4, g->ladder.items[step - 1].name);
        text(s, 5, mid);
        text(s, 6, tok);
        text(s, 7, email);
        text(s, 8, at);
        step_done(g, S_REMINDER);
        s = g->stmt[S_ITEM];
        sqlite3_bind_int64(s, 1, last);
        sqlite3_bind_int64(s, 2, case_id);
        sqlite3_bind_int(s, 3, step);
        sqlite3_bind_int64(s, 4, amount);
        step_done(g, S_ITEM);
        snprintf(detail, sizeof detail, "{\"reminder\":%lld,\"step\":%d}", (long long)last, step);
        event(g, at, case_id, "reminder-sent", detail);
    }
    return last;
}

static void payment(struct gen *g, int64_t case_id, int64_t amount, struct date on)
{
    sqlite3_stmt *s = g->stmt[S_PAYMENT];
    char day[DATE_STR_MAX], at[32], detail[96];

    day_text(on, day);
    stamp(on, (int)(case_id % 36000), at);
    sqlite3_bind_int64(s, 1, case_id);
    sqlite3_bind_int64(s, 2, amount);
    text(s, 3, day);
    text(s, 4, at);
    step_done(g, S_PAYMENT);
    snprintf(detail, sizeof detail, "{\"amount\":\"%lld.%02lld\",\"source\":\"csv\"}", (long long)(amount / 100),
             (long long)(amount % 100));
    event(g, at, case_id, "payment-recorded", detail);
}

static void reply(struct gen *g, int64_t case_id, int64_t debtor_id, int64_t reminder_id, const char *verdict,
                  const char *promised, struct date on)
{
    sqlite3_stmt *s = g->stmt[S_REPLY];
    char mid[96], from[64], at[32], detail[96];

    snprintf(mid, sizeof mid, "reply.%lld@client%lld.example", (long long)case_id, (long long)debtor_id);
    snprintf(from, sizeof from, "compta%lld@client%lld.example", (long long)debtor_id, (long long)debtor_id);
    stamp(on, (int)(case_id % 36000), at);
    sqlite3_bind_int64(s, 1, case_id);
    if (reminder_id > 0)
        sqlite3_bind_int64(s, 2, reminder_id);
    else
        sqlite3_bind_null(s, 2);
    text(s, 3, mid);
    text(s, 4, from);
    text(s, 5, verdict);
    text(s, 6, promised);
    text(s, 7, at);
    step_done(g, S_REPLY);
    snprintf(detail, sizeof detail, "{\"verdict\":\"%s\"}", verdict);
    event(g, at, case_id, "reply", detail);
}

/* Steps a case open since `due` has climbed by today (the built-in ladder). */
static int level_by(const struct gen *g, struct date due)
{
    int64_t late = date_diff_days(due, g->today);
    int level = 0;

    while ((size_t)level < g->ladder.count - 1 && late >= g->ladder.items[level].delay)
        level++;
    return level;
}

static const char *pick_status(struct gen *g, int64_t late)
{
    int paid = below(g, 1000), r = below(g, 1000);

    if ((late > 60 && paid < 880) || (late > 0 && paid < 500))
        return "paid";
    if (r < 20)
        return "cancelled";
    if (r < 30)
        return "closed";
    if (r < 50)
        return "paused";
    if (r < 65)
        return "disputed";
    if (r < 70)
        return "review";
    if (r < 73 && late > 80)
        return "court";
    if (r < 75)
        return "insolvent";
    return "open";
}

static void invoice(struct gen *g, int64_t id, int64_t debtors)
{
    sqlite3_stmt *s = g->stmt[S_INVOICE];
    struct date issue = date_add_days(g->today, -below(g, 730));
    struct date due = date_add_days(issue, below(g, 3) == 0 ? 45 : 30);
    int64_t late = date_diff_days(due, g->today);
    int64_t debtor_id = 1 + (int64_t)(next_random(g) % (uint64_t)debtors);
    int64_t amount = 5000 + below(g, 2000000);
    const char *status = pick_status(g, late);
    int level = late > 0 && strcmp(status, "paid") != 0 && strcmp(status, "cancelled") != 0 ? level_by(g, due) : 0;
    int64_t balance = strcmp(status, "paid") == 0 || strcmp(status, "cancelled") == 0 ? 0 : amount;
    char number[32], issued[DATE_STR_MAX], due_text[DATE_STR_MAX], email[64], name[64], mid[64], at[32];
    char until[DATE_STR_MAX], detail[192];
    const char *reason = "";
    int64_t last_reminder;

    if (strcmp(status, "court") == 0)
        level = (int)g->ladder.count;
    snprintf(number, sizeof number, "F-%08lld", (long long)id);
    day_text(issue, issued);
    day_text(due, due_text);
    snprintf(email, sizeof email, "compta%lld@client%lld.example", (long long)debtor_id, (long long)debtor_id);
    snprintf(name, sizeof name, "Client %lld SAS", (long long)debtor_id);
    snprintf(mid, sizeof mid, "invoice.%lld@bench.example", (long long)id);
    stamp(issue, (int)(id % 36000), at);
    until[0] = '\0';
    if (strcmp(status, "paused") == 0) {
        day_text(date_add_days(g->today, 1 + below(g, 30)), until);
        reason = "promise";
    }
    sqlite3_bind_int64(s, 1, id);
    text(s, 2, number);
    text(s, 3, issued);
    text(s, 4, due_text);
    sqlite3_bind_int64(s, 5, amount);
    sqlite3_bind_int64(s, 6, balance);
    sqlite3_bind_int64(s, 7, debtor_id);
    text(s, 8, name);
    text(s, 9, email);
    text(s, 10, status);
    sqlite3_bind_int(s, 11, level);
    text(s, 12, until[0] ? until : NULL);
    text(s, 13, reason);
    text(s, 14, mid);
    text(s, 15, "4ABC123");
    text(s, 16, at);
    step_done(g, S_INVOICE);
    snprintf(detail, sizeof detail, "{\"number\":\"%s\",\"type\":\"invoice\",\"amount_due\":\"%lld.%02lld\","
             "\"currency\":\"EUR\",\"due_date\":\"%s\"}", number, (long long)(amount / 100),
             (long long)(amount % 100), due_text);
    event(g, at, id, "invoice-tracked", detail);
    last_reminder = reminders(g, id, debtor_id, due, level < (int)g->ladder.count ? level : level - 1, amount);
    if (balance == 0 && strcmp(status, "paid") == 0)
        payment(g, id, amount, date_add_days(due, (int)(late > 0 ? below(g, (int)(late < 90 ? late : 90)) : 0)));
    if (strcmp(status, "paused") == 0)
        reply(g, id, debtor_id, last_reminder, "promise", until, g->today);
    else if (strcmp(status, "disputed") == 0 || strcmp(status, "review") == 0)
        reply(g, id, debtor_id, last_reminder, strcmp(status, "disputed") == 0 ? "dispute" : "other", NULL,
              date_add_days(g->today, -below(g, 20)));
}

static void usage(void)
{
    fprintf(stderr, "usage: gen_store -n INVOICES -k KEYFILE [-t YYYY-MM-DD] [-s SEED] DB\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct gen g;
    const char *keyfile = NULL;
    long long n = 0;
    char why[256], now[32];
    struct store *st;
    struct timespec t0, t1;
    int ch;

    memset(&g, 0, sizeof g);
    g.rng = 0x9e3779b97f4a7c15ULL;
    g.today = date_today();
    while ((ch = getopt(argc, argv, "n:k:t:s:")) != -1) {
        if (ch == 'n')
            n = atoll(optarg);
        else if (ch == 'k')
            keyfile = optarg;
        else if (ch == 't' && !date_parse(optarg, &g.today))
            usage();
        else if (ch == 's')
            g.rng ^= strtoull(optarg, NULL, 10) * 0xbf58476d1ce4e5b9ULL;
        else if (ch != 't')
            usage();
    }
    if (n < 20 || keyfile == NULL || optind + 1 != argc)
        usage();
    if (!audit_key_load(keyfile, &g.key, why, sizeof why)) {
        fprintf(stderr, "gen_store: %s\n", why);
        return 1;
    }
    ladder_default_steps(&g.ladder);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((st = store_open(argv[optind], 5000, why, sizeof why)) == NULL) {
        fprintf(stderr, "gen_store: %s\n", why);
        return 1;
    }
    store_close(st);
    if (sqlite3_open(argv[optind], &g.db) != SQLITE_OK)
        die(&g, "open");
    sqlite3_exec(g.db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < S_COUNT; i++)
        if (sqlite3_prepare_v2(g.db, sqls[i], -1, &g.stmt[i], NULL) != SQLITE_OK)
            die(&g, sqls[i]);
    memcpy(g.prev, AUDIT_GENESIS, sizeof g.prev);
    stamp(date_add_days(g.today, -731), 0, now);
    for (int64_t d = 1; d <= n / 20; d++)
        debtor(&g, d, now);
    for (int64_t i = 1; i <= n; i++)
        invoice(&g, i, n / 20);
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(g.stmt[i]);
    if (sqlite3_exec(g.db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
        die(&g, "commit");
    sqlite3_close(g.db);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%lld invoices, %lld debtors, %lld reminders, %ld events in %.1f s\n", n, n / 20,
           (long long)g.reminder_id, g.events, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
