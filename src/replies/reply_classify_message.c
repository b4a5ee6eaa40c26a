/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_classify_message.c - a whole reply read: a bounce, an
 * auto-responder's headers, else its own words classified
 * (reply_classify.c). Headers decide before words and are sure: their
 * readings are never unsure.
 */
#include "replies/reply_classify.h"
#include "replies/reply_insolvency.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"
#include "replies/reply_text.h"
#include "text/text_fold.h"

/* RFC 3834 and the common non-standard headers of auto-responders.
 * X-Auto-Response-Suppress is not one: Outlook sets it on mail people
 * write. */
static bool auto_reply_header(struct message *msg, char *reason, size_t size)
{
    static const char *const names[] = {"Auto-Submitted", "X-Autoreply", "X-Autorespond",
                                        "X-Autoresponder", NULL};
    bool found = false;

    for (size_t i = 0; names[i] != NULL && !found; i++) {
        char *v = message_header(msg, names[i]);
        if (v != NULL && !str_iequal(str_trim(v), "no") && !str_istarts_with(v, "no;") &&
            !str_iequal(v, "false")) {
            str_format(reason, size, "header %s: %s", names[i], v);
            found = true;
        }
        free(v);
    }
    return found;
}

static bool precedence_auto(struct message *msg, char *reason, size_t size)
{
    char *v = message_header(msg, "Precedence");
    bool found = false;

    if (v != NULL) {
        str_trim(v);
        found = str_iequal(v, "auto_reply") || str_iequal(v, "bulk") || str_iequal(v, "junk");
        if (found)
            str_format(reason, size, "header Precedence: %s", v);
    }
    free(v);
    return found;
}

/* Mail from MAILER-DAEMON or postmaster without a DSN part: an old-style
 * bounce (qmail, some Exim set-ups). Only with a null envelope sender
 * (may_bounce): anybody can write "From: postmaster@..." */
static bool from_mailer_daemon(struct message *msg)
{
    struct strlist from;
    bool daemon = false;

    strlist_init(&from);
    message_header_addresses(msg, "From", &from);
    if (from.count > 0)
        daemon = str_istarts_with(from.items[0], "mailer-daemon@") ||
                 str_istarts_with(from.items[0], "postmaster@");
    strlist_free(&from);
    return daemon;
}

/* What an old-style bounce says in its text: qmail's "<user@host>:" line
 * names the recipient, the returned headers a "Message-ID:" line. Both are
 * free text: the recipient may only confirm the reminder's (reply.c). */
static void read_plain_bounce(const char *body, struct reply_bounce *b)
{
    for (const char *line = body; line != NULL && *line; line = text_next_line(line)) {
        const char *end = text_line_end(line);
        size_t n = (size_t)(end - line);

        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
            n--;
        if (b->recipient[0] == '\0' && n > 4 && line[0] == '<' && line[n - 1] == ':' &&
            line[n - 2] == '>' && memchr(line, '@', n) != NULL)
            str_copyn(b->recipient, sizeof b->recipient, line + 1, n - 3);
        else if (b->message_id[0] == '\0' && n > 11 && strncasecmp(line, "Message-ID:", 11) == 0) {
            const char *lt = memchr(line, '<', n), *gt = lt ? memchr(lt, '>', n - (size_t)(lt - line)) : NULL;
            if (lt != NULL && gt != NULL)
                str_copyn(b->message_id, sizeof b->message_id, lt + 1, (size_t)(gt - lt - 1));
        }
    }
}

/* A failed DSN is a bounce only when may_bounce (a null sender to the
 * reply address); from anyone else it is their text, read as words. */
static bool read_report(struct message *msg, const char *raw, size_t raw_len,
                        const struct message_walk_limits *limits, bool may_bounce,
                        struct reply_reading *out)
{
    struct reply_bounce *b = &out->bounce;

    reply_bounce_read(msg, raw, raw_len, limits, b);
    if (b->is_dsn && b->failed && !may_bounce) {
        memset(b, 0, sizeof *b);
        return false;
    }
    if (b->is_dsn && b->failed) {
        out->verdict = REPLY_BOUNCE;
        str_format(out->reason, sizeof out->reason, "delivery status notification: %s failed%s%s%s",
                   b->recipient[0] ? b->recipient : "a recipient", b->status[0] ? " (" : "",
                   b->status, b->status[0] ? ")" : "");
    } else if (b->is_dsn) {
        out->verdict = REPLY_AUTO_REPLY;
        str_copy(out->reason, sizeof out->reason,
                 "delivery status notification without failure (delayed or delivered)");
    } else if (b->is_mdn) {
        out->verdict = REPLY_AUTO_REPLY;
        str_copy(out->reason, sizeof out->reason, "disposition notification (read receipt)");
    } else {
        return false;
    }
    return true;
}

static char *own_words_of(struct message *msg, const struct message_walk_limits *limits,
                          char **body_out)
{
    char *body = reply_body_text(msg, limits);
    char *words = body ? reply_own_words(body, strlen(body)) : xstrdup("");

    *body_out = body;
    return words;
}

/* What the headers and the sender say over the words: an old-style
 * bounce, an RFC 3834 auto-reply, or Precedence (which yields to a
 * dispute). */
static void weigh_headers(struct message *msg, const char *body, bool may_bounce,
                          struct reply_reading *out)
{
    char reason[REPLY_REASON_MAX] = "";

    if (may_bounce && from_mailer_daemon(msg)) {
        /* Machine text, not a debtor's words. */
        out->verdict = REPLY_BOUNCE;
        read_plain_bounce(body ? body : "", &out->bounce);
        out->bounce.failed = true;
        out->own_words[0] = '\0';
        out->excerpt[0] = '\0';
        out->promised = (struct date){0, 0, 0};
        str_copy(out->reason, sizeof out->reason, "bounce from MAILER-DAEMON without a report");
        out->margin = 100;
        out->unsure = false;
    } else if (auto_reply_header(msg, reason, sizeof reason) ||
               (precedence_auto(msg, reason, sizeof reason) && out->verdict != REPLY_DISPUTE &&
                out->verdict != REPLY_INSOLVENCY)) {
        out->verdict = REPLY_AUTO_REPLY;
        str_copy(out->reason, sizeof out->reason, reason);
        out->margin = 100;
        out->unsure = false;
    }
}

void reply_read_message(const struct reply_lexicon *lex, struct message *msg, const char *raw,
                        size_t raw_len, const struct message_walk_limits *limits,
                        struct date today, bool may_bounce, struct reply_reading *out)
{
    char *subject, *body, *words;

    memset(out, 0, sizeof *out);
    if (read_report(msg, raw, raw_len, limits, may_bounce, out)) {
        out->own_words = xstrdup("");
        out->margin = 100;
        return;
    }
    words = own_words_of(msg, limits, &body);
    subject = message_header(msg, "Subject");
    reply_classify_text(lex, subject, words, today, out);
    if (out->verdict == REPLY_DISPUTE && strncmp(out->reason, "model:", 6) == 0 && from_mailer_daemon(msg)) {
        /* The word model learnt from people's replies: mail signed by a
         * mailer daemon or a postmaster is machine-written, and what the
         * model alone reads in it is no dispute. */
        out->verdict = REPLY_OTHER;
        out->unsure = false;
        str_copy(out->reason, sizeof out->reason, "no cue (machine-written: the model reads people)");
    }
    if (out->verdict != REPLY_INSOLVENCY && body != NULL && reply_insolvency_forwarded(lex, body, today, out)) {
        out->margin = 100; /* a court's notice is no matter of degree */
        out->unsure = false;
    }
    weigh_headers(msg, body, may_bounce, out);
    free(subject);
    free(words);
    free(body);
}
