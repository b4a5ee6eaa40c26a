/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * log.c - severity-filtered logging to syslog or stderr (see log.h).
 *
 * The level is read without a lock: it is a single int written only at
 * start-up and on reload, and a stale read costs at most one line.
 *
 * Lines on stderr are stamped in UTC ("...Z"), from the first line to the
 * last: the process's TZ is not the configured Timezone (zones are per
 * configuration, calendar.h, and may change at a reload), and UTC does
 * not jump when summer time starts or ends. Lines for syslog carry no
 * stamp of ours: the syslog daemon or journald stamps them.
 *
 * While a program starts, its errors and warnings may also be copied to
 * stderr (log_copy_to_stderr): with Syslog on a machine without a syslog
 * daemon, a start-up failure must not be silent.
 *
 * log_every keeps, per key, when its last line went out and how many
 * were held back since: a fault that every message meets (a locked
 * database) is then one line per interval with a count, not a flood that
 * hides everything else. The clock is CLOCK_MONOTONIC: a jump of the
 * wall clock neither silences nor repeats it.
 */
#include "lib/log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <pthread.h>

static const char *const level_names[] = {"error", "warning", "notice", "info", "debug"};
static const int level_priority[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};

static volatile int current_level = LOG_LEVEL_INFO;
static bool to_syslog;
static volatile bool copy_to_stderr;
static char log_ident[32] = "relance";
static pthread_mutex_t stderr_lock = PTHREAD_MUTEX_INITIALIZER;

void log_open(const char *ident, bool use_syslog, int facility)
{
    snprintf(log_ident, sizeof log_ident, "%s", ident);
    if (to_syslog)
        closelog();
    to_syslog = use_syslog;
    if (use_syslog)
        openlog(log_ident, LOG_PID | LOG_NDELAY, facility);
}

void log_copy_to_stderr(bool on)
{
    copy_to_stderr = on;
}

void log_set_level(enum log_level level)
{
    current_level = (int)level;
}

enum log_level log_get_level(void)
{
    return (enum log_level)current_level;
}

bool log_enabled(enum log_level level)
{
    return (int)level <= current_level;
}

int log_level_parse(const char *name)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (strcasecmp(name, level_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *log_level_name(enum log_level level)
{
    if ((unsigned)level >= sizeof level_names / sizeof level_names[0])
        return "unknown";
    return level_names[level];
}

static void write_stderr(enum log_level level, const char *qid, const char *text)
{
    char stamp[32];
    struct tm tm;
    time_t now;

    now = time(NULL);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    pthread_mutex_lock(&stderr_lock);
    if (qid && *qid)
        fprintf(stderr, "%s %s[%s]: %s: %s\n", stamp, log_ident, level_names[level], qid, text);
    else
        fprintf(stderr, "%s %s[%s]: %s\n", stamp, log_ident, level_names[level], text);
    fflush(stderr);
    pthread_mutex_unlock(&stderr_lock);
}

void log_vmsg(enum log_level level, const char *qid, const char *fmt, va_list ap)
{
    char text[2048];

    if (!log_enabled(level))
        return;
    vsnprintf(text, sizeof text, fmt, ap);
    if (!to_syslog) {
        write_stderr(level, qid, text);
        return;
    }
    if (qid && *qid)
        syslog(level_priority[level], "%s: %s", qid, text);
    else
        syslog(level_priority[level], "%s", text);
    if (copy_to_stderr && level <= LOG_LEVEL_WARNING)
        write_stderr(level, qid, text);
}

void log_msg(enum log_level level, const char *qid, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vmsg(level, qid, fmt, ap);
    va_end(ap);
}

/* ---- rate-limited lines ---- */

struct every_slot {
    char key[48];
    bool used;
    struct timespec last;
    unsigned long held_back;
};

static struct every_slot every_slots[LOG_EVERY_KEYS];
static pthread_mutex_t every_lock = PTHREAD_MUTEX_INITIALIZER;

/* The key's slot; the last one is shared by every key past the table. */
static struct every_slot *every_slot_of(const char *key)
{
    for (size_t i = 0; i < LOG_EVERY_KEYS; i++) {
        struct every_slot *s = &every_slots[i];

        if (!s->used) {
            snprintf(s->key, sizeof s->key, "%s", key);
            s->used = true;
            return s;
        }
        if (strncmp(s->key, key, sizeof s->key - 1) == 0)
            return s;
    }
    return &every_slots[LOG_EVERY_KEYS - 1];
}

bool log_every(const char *key, int seconds, enum log_level level, const char *qid, const char *fmt, ...)
{
    struct every_slot *s;
    struct timespec now;
    unsigned long held_back = 0;
    bool due;
    char text[1800];
    va_list ap;

    if (!log_enabled(level))
        return false;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&every_lock);
    s = every_slot_of(key);
    due = s->last.tv_sec == 0 || now.tv_sec - s->last.tv_sec >= (time_t)seconds;
    if (due) {
        held_back = s->held_back;
        s->held_back = 0;
        /* Never 0: 0 means "never written". */
        s->last = now.tv_sec != 0 ? now : (struct timespec){1, 0};
    } else {
        s->held_back++;
    }
    pthread_mutex_unlock(&every_lock);
    if (!due)
        return false;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (held_back > 0)
        log_msg(level, qid, "%s (%lu more like this since the last such line, not logged)", text, held_back);
    else
        log_msg(level, qid, "%s", text);
    return true;
}

void log_every_reset(void)
{
    pthread_mutex_lock(&every_lock);
    memset(every_slots, 0, sizeof every_slots);
    pthread_mutex_unlock(&every_lock);
}
