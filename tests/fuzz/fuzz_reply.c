/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_reply.c - libFuzzer entry point for reading replies: the bytes are
 * parsed as a message, its own words extracted and classified with the
 * shipped lexicon ($RELANCE_TOP/conf/replies, else conf/replies), and the
 * bytes are also taken as a body text and as folded text for the date
 * reader. Checks that no crash or sanitizer report happens and that the
 * readers' bounds hold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply_classify.h"
#include "replies/reply_dates.h"
#include "replies/reply_text.h"
#include "text/reply_lexicon.h"
#include "text/text_fold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct reply_lexicon *shipped_lexicon(void)
{
    const char *top = getenv("RELANCE_TOP");
    char *dir = xasprintf("%s/conf/replies", top ? top : ".");
    struct strlist errors;
    struct reply_lexicon *lex;

    strlist_init(&errors);
    lex = reply_lexicon_load(dir, &errors);
    for (size_t i = 0; i < errors.count; i++)
        fprintf(stderr, "%s\n", errors.items[i]);
    if (lex == NULL)
        abort(); /* the target means nothing without the lexicon */
    strlist_free(&errors);
    free(dir);
    return lex;
}

static void check_reading(const struct reply_reading *r)
{
    if (r->verdict >= REPLY_VERDICT_COUNT || r->own_words == NULL ||
        strlen(r->own_words) > REPLY_TEXT_MAX_OUTPUT)
        abort();
    if (strnlen(r->reason, sizeof r->reason) == sizeof r->reason ||
        strnlen(r->excerpt, sizeof r->excerpt) == sizeof r->excerpt ||
        strnlen(r->bounce.recipient, sizeof r->bounce.recipient) == sizeof r->bounce.recipient ||
        strnlen(r->bounce.message_id, sizeof r->bounce.message_id) == sizeof r->bounce.message_id)
        abort();
    if (date_is_set(r->promised) && !date_valid(r->promised.year, r->promised.month, r->promised.day))
        abort();
    if (r->verdict == REPLY_BOUNCE && !r->bounce.failed)
        abort();
}

/* Read twice: as a bounce may arrive (null sender to the reply address)
 * and as anyone else's mail, which is never a bounce. */
static void read_as_message(const struct reply_lexicon *lex, const char *text, size_t size,
                            struct date today)
{
    const struct message_walk_limits limits = {50, 12, 1u << 20};
    struct mime_scan_result scan;
    struct message *msg = message_parse_bounded(text, size, &limits, &scan);
    struct reply_reading r;

    if (msg == NULL)
        return;
    if (scan.keep > size)
        abort();
    size = scan.keep; /* as reply_msg_read does */
    reply_read_message(lex, msg, text, size, &limits, today, true, &r);
    check_reading(&r);
    reply_reading_free(&r);
    reply_read_message(lex, msg, text, size, &limits, today, false, &r);
    check_reading(&r);
    if (r.verdict == REPLY_BOUNCE)
        abort();
    reply_reading_free(&r);
    message_free(msg);
}


static void read_as_text(const char *text, size_t size, struct date today)
{
    char *words = reply_own_words(text, size);
    char *folded = text_fold(text, size, 1u << 16);
    const char *s = folded, *end = folded + strlen(folded);
    struct date d;
    size_t len, found = 0;

    if (strlen(words) > REPLY_TEXT_MAX_OUTPUT)
        abort();
    while ((s = reply_date_find(s, end, today, &d, &len)) != NULL) {
        if (len == 0 || s + len > end || !date_valid(d.year, d.month, d.day) || ++found > size)
            abort();
        s += len;
    }
    free(folded);
    free(words);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct reply_lexicon *lex;
    const struct date today = {2026, 12, 7};
    char *text;

    if (lex == NULL) {
        message_library_init();
        lex = shipped_lexicon();
    }
    /* A private NUL-terminated copy: the readers of text want one. */
    text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    read_as_message(lex, text, size, today);
    read_as_text(text, size, today);
    free(text);
    return 0;
}
