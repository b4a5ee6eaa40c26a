/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply.h - what happens to mail coming in from outside: at end of
 * headers, whether it may answer relance (reply_screen); once whole, which
 * cases it answers, what it says and what that changes (reply_process).
 * Independent of libmilter, so that tests and relancectl can drive it.
 *
 * A message answers relance when (first clue wins):
 *   token   a recipient is ReplyAddress tagged with a token that verifies;
 *   thread  its In-Reply-To/References name a reminder's or an invoice's
 *           Message-ID;
 *   number  it comes from a debtor's address, or from the debtor's domain
 *           (not a public provider's: PublicMailDomains), and names one of
 *           that debtor's invoice numbers in its subject or text;
 *   bounce  a delivery report (null sender) to the reply address whose
 *           returned headers name a reminder's Message-ID.
 * A tagged address whose token does not verify is a forgery or a mangled
 * copy: the message is logged and passes untouched, whatever else it says.
 *
 * Who may change a case. The debtor is the usual adversary; a stranger
 * knows neither a token nor a Message-ID relance sent. Token and thread
 * are capabilities: whoever holds one was sent it, so they act. The
 * number clue rests on the From header, which anyone can write: it acts
 * only when the writer's domain is authenticated by a verifier named in
 * TrustedAuthservIDs (reply_auth.h; the Authentication-Results headers
 * come in env->auth_results, only those added on our side). Otherwise
 * the reply is recorded as unverified, nothing changes, and the creditor
 * is told so. A dispute acknowledgment goes only to the case's debtor
 * address or to an authenticated colleague at the debtor's domain, and
 * at most once a day per case: never to an address a stranger chose.
 */
#ifndef RELANCE_REPLY_H
#define RELANCE_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/config.h"
#include "lib/audit.h"
#include "lib/token.h"
#include "recognise/outgoing.h"
#include "store/store.h"

struct reply_envelope {
    const char *queue_id;
    const char *sender;               /* envelope sender, "" for a bounce */
    const struct strlist *recipients;
    const char *message_id;           /* without brackets */
    const char *header_from;          /* From header, as written */
    const char *in_reply_to, *references;
    /* Authentication-Results values written on our side (the milter
     * passes those its own verifiers inserted at the top: milter.c);
     * NULL: none. Only those of a TrustedAuthservIDs verifier count. */
    const struct strlist *auth_results;
};

/* What the headers tell, decided at end of headers. */
struct reply_hints {
    bool tagged;          /* a tagged ReplyAddress is among the recipients */
    bool token_valid;     /* ... and its token verifies */
    char token[TOKEN_MAX];
    struct reply_token token_ref;
    bool thread;          /* In-Reply-To/References name a known Message-ID */
    bool correspondent;   /* the writer is a debtor, or in a debtor's domain */
    bool bounce;          /* null sender, to the reply address */
};

/* True when the message must be read whole; logs a forged token. Store
 * errors are logged and count as "no" (the mail passes). */
bool reply_screen(const struct config *cfg, struct store_pool *pool, const struct audit_key *key,
                  const struct reply_envelope *env, struct reply_hints *hints);

/* Matches, reads and acts; writes the X-Relance-Reply header value
 * ("dispute; F2026-0042") into header_value, empty when the message
 * answered nothing. now: the moment of arrival. */
enum outgoing_result reply_process(const struct config *cfg, struct store_pool *pool, const struct audit_key *key,
                                   const char *data, size_t len, const struct reply_envelope *env,
                                   const struct reply_hints *hints, time_t now, struct strbuf *header_value);

/* The writer's address: the From header's (the last <...>, else the
 * whole value), else the envelope sender. Owned. */
char *reply_writer_address(const struct reply_envelope *env);

/* Whether a reading goes to a person: a reply relance cannot place
 * (other), or a person's verdict (dispute, promise, paid, plan) the
 * classifier is not sure of; never an auto-reply nor a bounce. */
struct reply_reading;
bool reply_needs_review(const struct reply_reading *r);

#endif
