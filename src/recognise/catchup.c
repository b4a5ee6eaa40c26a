/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * catchup.c - the queue of invoices read while the store failed, and the
 * thread that records them when it is back (see catchup.h).
 *
 * One mutex guards the queue; the store is never touched under it: the
 * drain takes the oldest message out, records it, and puts it back at
 * the head if the store failed again, so that the milter's threads can
 * queue meanwhile and the order holds.
 */
#include "recognise/catchup.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "recognise/invoice_record.h"
#include "store/store_messages.h"

struct queued {
    struct queued *next;
    char queue_id[32];
    char *message_id;
    struct catchup_invoice *items;
    size_t count;
    char *data; /* NULL: over the byte budget, no copy for the court file */
    size_t len;
    time_t queued_at;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct queued *head, *tail;
    size_t count, bytes;
    bool running, stop;
    pthread_t thread;
    struct config *(*get_config)(void);
    struct store_pool *pool;
    struct audit_key key;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, false, false, 0, NULL, NULL, {{0}}};

static void queued_free(struct queued *m)
{
    free(m->message_id);
    free(m->items);
    free(m->data);
    free(m);
}

/* One line per invoice that will never be a case: what the operator needs
 * to find the mail again. */
static void log_lost(const char *queue_id, const char *message_id, const struct catchup_invoice *items, size_t count,
                     const char *why)
{
    for (size_t i = 0; i < count; i++)
        log_error(queue_id, "NOT TRACKED: %s %s to <%s> (Message-ID <%s>): %s", invoice_type_name(items[i].inv.type),
                  items[i].inv.number, items[i].debtor, message_id, why);
}

bool catchup_add(const char *queue_id, const char *message_id, const struct catchup_invoice *items, size_t count,
                 const char *data, size_t len)
{
    struct queued *m;
    bool full;

    if (count == 0)
        return true;
    pthread_mutex_lock(&q.lock);
    full = q.count >= CATCHUP_MAX_MESSAGES;
    pthread_mutex_unlock(&q.lock);
    if (full) {
        char why[96];

        str_format(why, sizeof why, "the database failed and the catch-up queue is full (%d messages)",
                   CATCHUP_MAX_MESSAGES);
        log_lost(queue_id, message_id, items, count, why);
        return false;
    }
    m = xcalloc(1, sizeof *m);
    str_copy(m->queue_id, sizeof m->queue_id, queue_id);
    m->message_id = xstrdup(message_id);
    m->items = xmalloc(count * sizeof *items);
    memcpy(m->items, items, count * sizeof *items);
    m->count = count;
    m->queued_at = time(NULL);
    pthread_mutex_lock(&q.lock);
    if (data != NULL && q.bytes + len <= CATCHUP_MAX_BYTES) {
        m->data = xmalloc(len + 1);
        memcpy(m->data, data, len);
        m->data[len] = '\0';
        m->len = len;
        q.bytes += len;
    }
    if (q.tail)
        q.tail->next = m;
    else
        q.head = m;
    q.tail = m;
    q.count++;
    pthread_mutex_unlock(&q.lock);
    for (size_t i = 0; i < count; i++)
        log_info(queue_id, "queued %s %s for catch-up: the database failed%s", invoice_type_name(items[i].inv.type),
                 items[i].inv.number, m->data ? "" : " (no room to keep the mail for the court file)");
    return true;
}

size_t catchup_pending(void)
{
    size_t n;

    pthread_mutex_lock(&q.lock);
    n = q.count;
    pthread_mutex_unlock(&q.lock);
    return n;
}

static struct queued *take_oldest(void)
{
    struct queued *m;

    pthread_mutex_lock(&q.lock);
    m = q.head;
    if (m) {
        q.head = m->next;
        if (q.head == NULL)
            q.tail = NULL;
        m->next = NULL;
        q.count--;
        q.bytes -= m->data ? m->len : 0;
    }
    pthread_mutex_unlock(&q.lock);
    return m;
}

static void put_back(struct queued *m)
{
    pthread_mutex_lock(&q.lock);
    m->next = q.head;
    q.head = m;
    if (q.tail == NULL)
        q.tail = m;
    q.count++;
    q.bytes += m->data ? m->len : 0;
    pthread_mutex_unlock(&q.lock);
}

/* Records one message whole; false when the store failed (nothing of it
 * is lost: tracking again what was recorded changes nothing). */
static bool record(const struct config *cfg, struct store *st, const struct audit_key *key, struct queued *m)
{
    char note[64];
    size_t cases = 0;

    str_format(note, sizeof note, "caught up %llds after its mail passed", (long long)(time(NULL) - m->queued_at));
    /* Invoices before credit notes, as when the mail passed. */
    for (int pass = 0; pass < 2; pass++) {
        enum invoice_type wanted = pass == 0 ? INVOICE_TYPE_INVOICE : INVOICE_TYPE_CREDIT_NOTE;

        for (size_t i = 0; i < m->count; i++) {
            if (m->items[i].inv.type != wanted)
                continue;
            if (!invoice_record_one(st, key, &m->items[i].inv, m->items[i].debtor, m->message_id, m->queue_id,
                                     NULL, note))
                return false;
        }
    }
    if (m->data && store_keep_invoice_message(st, key, m->message_id, m->queue_id, m->data, m->len,
                                              (size_t)cfg->archive_max_size, &cases) != STORE_OK)
        log_error(m->queue_id, "invoice mail not kept for the court file: %s", store_last_error(st));
    return true;
}

size_t catchup_drain(const struct config *cfg, struct store_pool *pool, const struct audit_key *key)
{
    struct store *st = NULL;
    struct queued *m;
    char why[256];
    size_t done = 0;

    if (catchup_pending() == 0)
        return 0;
    st = store_pool_get(pool, why, sizeof why);
    if (st == NULL) {
        log_every("database", CATCHUP_LOG_INTERVAL_S, LOG_LEVEL_ERROR, NULL,
                  "database unavailable, %zu message(s) with invoices wait to be recorded: %s", catchup_pending(),
                  why);
        return 0;
    }
    while ((m = take_oldest()) != NULL) {
        if (!record(cfg, st, key, m)) {
            log_every("database", CATCHUP_LOG_INTERVAL_S, LOG_LEVEL_ERROR, m->queue_id,
                      "catch-up: cannot record yet: %s; %zu message(s) with invoices waiting", store_last_error(st),
                      catchup_pending() + 1);
            put_back(m);
            break;
        }
        queued_free(m);
        done++;
    }
    store_pool_put(pool, st);
    if (done > 0)
        log_notice(NULL, "catch-up: %zu message(s) with invoices recorded after the database failed, %zu waiting",
                   done, catchup_pending());
    return done;
}

/* ---- the retry thread ---- */

static void *catchup_main(void *arg)
{
    struct timespec until;

    (void)arg;
    pthread_mutex_lock(&q.lock);
    while (!q.stop) {
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += CATCHUP_RETRY_S;
        while (!q.stop && pthread_cond_timedwait(&q.wake, &q.lock, &until) == 0)
            ;
        if (q.stop || q.count == 0)
            continue;
        pthread_mutex_unlock(&q.lock);
        {
            struct config *cfg = q.get_config();
            catchup_drain(cfg, q.pool, &q.key);
            config_unref(cfg);
        }
        pthread_mutex_lock(&q.lock);
    }
    pthread_mutex_unlock(&q.lock);
    return NULL;
}

bool catchup_start(struct config *(*get_config)(void), struct store_pool *pool, const struct audit_key *key)
{
    sigset_t all, old;
    int rc;

    q.get_config = get_config;
    q.pool = pool;
    q.key = *key;
    q.stop = false;
    /* Signals belong to libmilter's and the reload thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(&q.thread, NULL, catchup_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    q.running = rc == 0;
    return q.running;
}

void catchup_stop(void)
{
    struct queued *m;

    if (!q.running)
        return;
    pthread_mutex_lock(&q.lock);
    q.stop = true;
    pthread_cond_signal(&q.wake);
    pthread_mutex_unlock(&q.lock);
    pthread_join(q.thread, NULL);
    q.running = false;
    {
        struct config *cfg = q.get_config();
        catchup_drain(cfg, q.pool, &q.key);
        config_unref(cfg);
    }
    while ((m = take_oldest()) != NULL) {
        log_lost(m->queue_id, m->message_id, m->items, m->count, "relanced stopped before the database came back");
        queued_free(m);
    }
    explicit_bzero(&q.key, sizeof q.key);
}
