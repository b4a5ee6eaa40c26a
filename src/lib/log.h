/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * log.h - small logging API: one line per event, by severity, to syslog
 * (mail facility by default) or stderr. Every line about a message starts
 * with the MTA queue id, as Postfix's own lines do, so that an operator can
 * grep one id across the MTA and relance.
 */
#ifndef RELANCE_LOG_H
#define RELANCE_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level {
    LOG_LEVEL_ERROR = 0,
    LOG_LEVEL_WARNING,
    LOG_LEVEL_NOTICE,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
};

/* ident: program name; facility: a syslog LOG_* facility value. */
void log_open(const char *ident, bool use_syslog, int facility);
/* While on, errors and warnings sent to syslog are also written to
 * stderr (start-up: a failure must be seen without a syslog daemon). */
void log_copy_to_stderr(bool on);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_enabled(enum log_level level);
/* Parses "error", "warning", "notice", "info", "debug"; -1 when unknown. */
int log_level_parse(const char *name);
const char *log_level_name(enum log_level level);

/* qid may be NULL for lines not about one message. */
void log_msg(enum log_level level, const char *qid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level level, const char *qid, const char *fmt, va_list ap);

/* Rate-limited lines for a failure that every message would otherwise
 * report (a locked or full database): at most one line per `seconds` for
 * one `key` (a static string naming the failure, compared by content).
 * The line that goes out says how many were held back since the last one.
 * Returns true when this call wrote its line. Keys beyond LOG_EVERY_KEYS
 * share one slot: never unlimited, never silent for good. */
#define LOG_EVERY_KEYS 16
bool log_every(const char *key, int seconds, enum log_level level, const char *qid, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Forgets every key's last line (tests; a reload may want it too). */
void log_every_reset(void);

#define log_error(qid, ...) log_msg(LOG_LEVEL_ERROR, (qid), __VA_ARGS__)
#define log_warning(qid, ...) log_msg(LOG_LEVEL_WARNING, (qid), __VA_ARGS__)
#define log_notice(qid, ...) log_msg(LOG_LEVEL_NOTICE, (qid), __VA_ARGS__)
#define log_info(qid, ...) log_msg(LOG_LEVEL_INFO, (qid), __VA_ARGS__)
#define log_debug(qid, ...) log_msg(LOG_LEVEL_DEBUG, (qid), __VA_ARGS__)

#endif
