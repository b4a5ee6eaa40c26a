/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * submit.h - handing a finished message to the MTA: a sendmail(1) pipe
 * ("/usr/sbin/sendmail -t -i") or SMTP to a local port (the default,
 * smtp:127.0.0.1:25).
 *
 * The result says what relance may do next. DEFINITE: the MTA certainly
 * does not have the message (the command could not run or refused it, the
 * SMTP server said no or the connection failed before the end of DATA),
 * so trying again later cannot make a duplicate. AMBIGUOUS: the MTA may
 * have the message (killed or timed-out submission, no answer to the end
 * of DATA): the reminder must be held for the operator, never retried
 * blindly. It submits; it does not record anything.
 */
#ifndef RELANCE_SUBMIT_H
#define RELANCE_SUBMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

#define SUBMIT_MAX_ARGS 32

enum submit_result {
    SUBMIT_OK = 0,
    SUBMIT_DEFINITE, /* not handed over: may retry */
    SUBMIT_AMBIGUOUS, /* may have been handed over: hold */
};

struct submit_spec {
    bool smtp;
    char *argv[SUBMIT_MAX_ARGS + 3]; /* sendmail: the command and its arguments (owned) */
    int argc;
    char host[256]; /* smtp */
    char port[8];
};

/* Parses a Submit value; false with a reason. */
bool submit_spec_parse(const char *text, struct submit_spec *out, char *why, size_t whylen);
void submit_spec_free(struct submit_spec *spec);

struct submit_envelope {
    const char *sender;             /* envelope sender (bounces) */
    const struct strlist *recipients; /* for SMTP; sendmail -t reads the headers */
};

/* Submits the message (LF line ends) within timeout_s seconds; error gets
 * a reason for the log. */
enum submit_result submit_message(const struct submit_spec *spec, const struct submit_envelope *env,
                                  const char *data, size_t len, int timeout_s, char *error,
                                  size_t errlen);

#endif
