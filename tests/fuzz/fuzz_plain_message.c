/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_plain_message.c - libFuzzer entry point for the lone text/plain
 * message read from raw bytes (plain_message.h), checked against GMime:
 * whatever it accepts, GMime must read as one text/plain body (no
 * attachment, no PDF), and a text or Subject that uses an invoice word
 * only when the raw body, or the raw Subject decoded, does (invoice_scan_message skips
 * the parse on that answer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/message.h"
#include "lib/plain_message.h"
#include "recognise/invoice_scan.h"
#include "recognise/invoice_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walked {
    int parts;
    bool plain_body;
    bool worth;
};

static void visit(const struct message_part *part, void *ctx)
{
    struct walked *w = ctx;
    char *text = message_part_text_utf8(part);

    w->parts++;
    w->plain_body = strcmp(part->mime_type, "text/plain") == 0 && !part->is_attachment &&
                    !part->in_attached_message && !(part->len >= 5 && memcmp(part->data, "%PDF-", 5) == 0);
    w->worth = invoice_text_worth_reading(text, strlen(text));
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    const struct message_walk_limits limits = {200, 12, 1u << 20};
    struct plain_message pm;
    struct walked w = {0, false, false};
    struct strlist notes;
    struct message *msg;
    char *subject;

    if (!initialised) {
        message_library_init();
        initialised = true;
    }
    if (!plain_message_read((const char *)data, size, &pm))
        return 0;
    if (pm.body < (const char *)data || pm.body + pm.body_len != (const char *)data + size)
        abort();
    msg = message_parse((const char *)data, size);
    if (msg == NULL)
        abort(); /* accepted, but GMime finds no message */
    strlist_init(&notes);
    message_walk(msg, &limits, visit, &w, &notes);
    if (w.parts != 1 || !w.plain_body || notes.count != 0)
        abort();
    if (w.worth && !invoice_text_worth_reading(pm.body, pm.body_len))
        abort(); /* an invoice word the short cut would miss */
    subject = message_header(msg, "Subject");
    if ((pm.subject == NULL) != (subject == NULL))
        abort();
    if (subject != NULL && invoice_text_worth_reading(subject, strlen(subject)) &&
        !invoice_subject_worth_reading(pm.subject, pm.subject_len))
        abort(); /* an invoice word in the Subject the short cut would miss */
    free(subject);
    strlist_free(&notes);
    message_free(msg);
    return 0;
}
