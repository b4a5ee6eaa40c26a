/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_thread.c - the daemon's thread: a run of the due work every
 * SchedulerInterval, with the configuration of the moment, until asked
 * to stop.
 *
 * It only times and frames the runs (a store connection from the pool,
 * a summary in the log); what a run does is scheduler.c's. relancectl
 * run-due calls scheduler_run_due itself, without this thread.
 */
#include "remind/scheduler.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "remind/outbox.h"

struct scheduler_thread {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    bool outbox_wanted; /* scheduler_wake: send the outbox now */
    struct config *(*get_config)(void);
    struct store_pool *pool;
    struct audit_key key;
};

/* The running thread, for scheduler_wake (one daemon, one thread). */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static struct scheduler_thread *running;

void scheduler_wake(void)
{
    pthread_mutex_lock(&running_lock);
    if (running) {
        pthread_mutex_lock(&running->lock);
        running->outbox_wanted = true;
        pthread_cond_signal(&running->wake);
        pthread_mutex_unlock(&running->lock);
    }
    pthread_mutex_unlock(&running_lock);
}

/* Mail about replies goes out whatever the interval and the window. */
static void send_outbox(struct scheduler_thread *t, const struct config *cfg)
{
    struct outbox_report report;
    struct store *st;
    char why[256];

    st = store_pool_get(t->pool, why, sizeof why);
    if (st == NULL) {
        log_error(NULL, "scheduler: database unavailable for the outbox: %s", why);
        return;
    }
    outbox_send_due(cfg, st, time(NULL), time(NULL), &report);
    store_pool_put(t->pool, st);
}

static void run_once(struct scheduler_thread *t, const struct config *cfg)
{
    struct scheduler_report report;
    struct scheduler_run run = {cfg, &t->key, NULL, time(NULL), "scheduler"};
    char why[256];

    run.st = store_pool_get(t->pool, why, sizeof why);
    if (run.st == NULL) {
        log_error(NULL, "scheduler: database unavailable: %s", why);
        return;
    }
    if (!scheduler_run_due(&run, &report))
        log_error(NULL, "scheduler: the run stopped early on a database error");
    if (report.sent + report.dry_runs + report.held + report.failed + report.recovered + report.resumed +
            report.tasks + report.tasks_timed_out > 0)
        log_info(NULL, "scheduler: %d sent, %d dry runs, %d held, %d failed, %d settled after an interruption,"
                       " %d pause(s) ended, %d task(s) created, %d timed out", report.sent, report.dry_runs,
                 report.held, report.failed, report.recovered, report.resumed, report.tasks, report.tasks_timed_out);
    store_pool_put(t->pool, run.st);
}

/* Sleeps until `until`, or until asked to stop or to send the outbox;
 * true when asked to stop. */
static bool wait_or_stop(struct scheduler_thread *t, const struct timespec *until, bool *outbox)
{
    bool stop;

    pthread_mutex_lock(&t->lock);
    while (!t->stop && !t->outbox_wanted && pthread_cond_timedwait(&t->wake, &t->lock, until) == 0)
        ;
    stop = t->stop;
    *outbox = t->outbox_wanted;
    t->outbox_wanted = false;
    pthread_mutex_unlock(&t->lock);
    return stop;
}

static void *scheduler_main(void *arg)
{
    struct scheduler_thread *t = arg;
    struct timespec next;
    bool outbox = false;

    clock_gettime(CLOCK_REALTIME, &next);
    do {
        struct config *cfg = t->get_config();
        long long interval = cfg->scheduler_interval;
        struct timespec now;

        clock_gettime(CLOCK_REALTIME, &now);
        if (outbox && now.tv_sec < next.tv_sec) {
            send_outbox(t, cfg);
        } else {
            /* SchedulerInterval 0 (after a reload): only the outbox, until it changes. */
            if (interval > 0)
                run_once(t, cfg);
            else
                send_outbox(t, cfg);
            next = now;
            next.tv_sec += (time_t)(interval > 0 ? interval : 60);
        }
        config_unref(cfg);
    } while (!wait_or_stop(t, &next, &outbox));
    return NULL;
}

struct scheduler_thread *scheduler_start(struct config *(*get_config)(void), struct store_pool *pool,
                                         const struct audit_key *key)
{
    struct scheduler_thread *t = xcalloc(1, sizeof *t);
    sigset_t all, old;
    int rc;

    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, NULL);
    t->get_config = get_config;
    t->pool = pool;
    t->key = *key;
    /* Signals belong to libmilter's and the reload thread: the scheduler
     * starts with all of them blocked. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(&t->thread, NULL, scheduler_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    pthread_mutex_lock(&running_lock);
    running = t;
    pthread_mutex_unlock(&running_lock);
    return t;
}

void scheduler_stop(struct scheduler_thread *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&running_lock);
    if (running == t)
        running = NULL;
    pthread_mutex_unlock(&running_lock);
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    explicit_bzero(&t->key, sizeof t->key);
    free(t);
}
