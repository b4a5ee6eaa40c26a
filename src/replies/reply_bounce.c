/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_bounce.c - reading delivery status notifications (see
 * reply_bounce.h).
 *
 * The report parts are found with the part walk (message.h). The
 * delivery-status fields are header-like blocks, one per recipient, read
 * here line by line. The Message-ID of a returned message/rfc822 part is
 * read from the raw bytes because the walk descends into attached
 * messages without exposing their headers; RFC 2046 forbids any transfer
 * encoding but 7bit, 8bit and binary on message/rfc822, so those headers
 * stand in the raw bytes as they were sent.
 */
#include "replies/reply_bounce.h"

#include <string.h>

#include "lib/util.h"

#define HEADER_BLOCK_MAX_LINES 500
#define HEADER_VALUE_MAX 1024
#define RAW_SCAN_MAX (16u << 20)

/* ------------------------------------------------------------------ */
/* Header-like blocks                                                  */

/* A cursor over lines of a bounded buffer, CRLF or LF. */
struct cursor {
    const char *p, *end;
};

/* The next line (without its end) into line and len; false at the end. */
static bool next_line(struct cursor *c, const char **line, size_t *len)
{
    const char *nl;

    if (c->p >= c->end)
        return false;
    nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    *line = c->p;
    *len = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
    c->p = nl ? nl + 1 : c->end;
    if (*len > 0 && (*line)[*len - 1] == '\r')
        (*len)--;
    return true;
}

static bool is_continuation(const char *line, size_t len)
{
    return len > 0 && (line[0] == ' ' || line[0] == '\t');
}

/* Reads one field ("Name: value", unfolded) from c; stops at a blank
 * line (returns false, having consumed it) or at the end. */
static bool next_field(struct cursor *c, struct strbuf *field)
{
    const char *line;
    size_t len;

    strbuf_reset(field);
    for (;;) {
        struct cursor peek = *c;

        if (!next_line(&peek, &line, &len) || len == 0) {
            *c = peek;
            return field->len > 0;
        }
        if (field->len > 0 && !is_continuation(line, len))
            return true;
        *c = peek;
        if (field->len + len < HEADER_VALUE_MAX)
            strbuf_append(field, line, len);
    }
}

/* The value of field when it is named name (case-insensitive), trimmed;
 * NULL otherwise. Points into field. */
static char *field_value(char *field, const char *name)
{
    size_t n = strlen(name);

    if (strncasecmp(field, name, n) != 0 || field[n] != ':')
        return NULL;
    return str_trim(field + n + 1);
}

/* "<id@host>" or "id@host" to "id@host". */
static void copy_message_id(char *dst, size_t size, const char *value)
{
    const char *lt = strchr(value, '<'), *gt;

    if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
        str_copyn(dst, size, lt + 1, (size_t)(gt - lt - 1));
    else
        str_copy(dst, size, value);
    str_trim(dst);
}

/* The Message-ID of a header block starting at c. */
static void read_message_id(struct cursor *c, char *dst, size_t size)
{
    struct strbuf field;

    strbuf_init(&field);
    for (int i = 0; i < HEADER_BLOCK_MAX_LINES && next_field(c, &field); i++) {
        const char *value = field_value(field.data, "Message-ID");
        if (value != NULL && dst[0] == '\0')
            copy_message_id(dst, size, value);
    }
    strbuf_free(&field);
}

/* ------------------------------------------------------------------ */
/* Delivery-status fields                                              */

struct recipient {
    char final[REPLY_BOUNCE_ADDRESS_MAX];
    char original[REPLY_BOUNCE_ADDRESS_MAX];
    char action[32];
    char status[16];
};

/* "rfc822; user@example.com" to "user@example.com". */
static void copy_address(char *dst, size_t size, const char *value)
{
    const char *semi = strchr(value, ';');
    size_t n;

    str_copy(dst, size, semi ? semi + 1 : value);
    str_trim(dst);
    n = strlen(dst);
    if (n >= 2 && dst[0] == '<' && dst[n - 1] == '>') {
        memmove(dst, dst + 1, n - 2);
        dst[n - 2] = '\0';
    }
}

static void note_recipient_field(struct recipient *r, char *field)
{
    char *v;

    if ((v = field_value(field, "Final-Recipient")) != NULL)
        copy_address(r->final, sizeof r->final, v);
    else if ((v = field_value(field, "Original-Recipient")) != NULL)
        copy_address(r->original, sizeof r->original, v);
    else if ((v = field_value(field, "Action")) != NULL)
        str_copy(r->action, sizeof r->action, v);
    else if ((v = field_value(field, "Status")) != NULL)
        str_copyn(r->status, sizeof r->status, v, strcspn(v, " \t("));
}

static bool recipient_failed(const struct recipient *r)
{
    return str_istarts_with(r->action, "failed") ||
           (r->action[0] == '\0' && r->status[0] == '5');
}

/* Takes the first failed recipient of the report; a report from which no
 * recipient can be read is taken as a failure, the reason DSNs exist
 * (delays and deliveries say so in their Action). */
static void read_delivery_status(const char *text, size_t len, struct reply_bounce *out)
{
    struct cursor c = {text, text + len};
    struct strbuf field;
    bool any_recipient = false;

    strbuf_init(&field);
    for (int group = 0; group < 1000 && c.p < c.end && !out->failed; group++) {
        struct recipient r;

        memset(&r, 0, sizeof r);
        for (int i = 0; i < HEADER_BLOCK_MAX_LINES && next_field(&c, &field); i++)
            note_recipient_field(&r, field.data);
        if (r.final[0] == '\0' && r.original[0] == '\0')
            continue;
        any_recipient = true;
        if (!recipient_failed(&r))
            continue;
        out->failed = true;
        str_copy(out->recipient, sizeof out->recipient, r.original[0] ? r.original : r.final);
        str_copy(out->final_recipient, sizeof out->final_recipient, r.final);
        str_copy(out->status, sizeof out->status, r.status);
    }
    if (!any_recipient)
        out->failed = true;
    strbuf_free(&field);
}

/* ------------------------------------------------------------------ */
/* The returned message                                                */

/* The first "Content-Type: message/rfc822" (or message/global) part in
 * raw: skips its own headers and reads the returned message's. */
static void read_returned_message_id(const char *raw, size_t len, char *dst, size_t size)
{
    struct cursor c = {raw, raw + (len < RAW_SCAN_MAX ? len : RAW_SCAN_MAX)};
    const char *line;
    size_t n;

    while (next_line(&c, &line, &n)) {
        char head[64];

        str_copyn(head, sizeof head, line, n);
        if (!str_istarts_with(head, "Content-Type:"))
            continue;
        str_trim(head + 13);
        if (!str_istarts_with(head + 13, "message/rfc822") &&
            !str_istarts_with(head + 13, "message/global"))
            continue;
        while (next_line(&c, &line, &n) && n > 0)
            ; /* the part's own headers */
        read_message_id(&c, dst, size);
        return;
    }
}

struct bounce_walk {
    struct reply_bounce *out;
};

static void visit_report_part(const struct message_part *part, void *ctx)
{
    struct reply_bounce *out = ((struct bounce_walk *)ctx)->out;
    const char *type = part->mime_type;

    if (part->in_attached_message)
        return;
    if (strcmp(type, "message/delivery-status") == 0 ||
        strcmp(type, "message/global-delivery-status") == 0) {
        if (!out->is_dsn)
            read_delivery_status(part->data, part->len, out);
        out->is_dsn = true;
    } else if (strcmp(type, "message/disposition-notification") == 0 ||
               strcmp(type, "message/global-disposition-notification") == 0) {
        out->is_mdn = true;
    } else if ((strcmp(type, "text/rfc822-headers") == 0 ||
                strcmp(type, "message/global-headers") == 0) &&
               out->message_id[0] == '\0') {
        struct cursor c = {part->data, part->data + part->len};
        read_message_id(&c, out->message_id, sizeof out->message_id);
    }
}

void reply_bounce_read(struct message *msg, const char *raw, size_t raw_len,
                       const struct message_walk_limits *limits, struct reply_bounce *out)
{
    static const struct message_walk_limits defaults = {100, 12, 4u << 20};
    struct bounce_walk bw = {out};
    struct strlist notes;

    memset(out, 0, sizeof *out);
    strlist_init(&notes);
    message_walk(msg, limits ? limits : &defaults, visit_report_part, &bw, &notes);
    strlist_free(&notes);
    if (out->is_dsn && out->message_id[0] == '\0' && raw != NULL)
        read_returned_message_id(raw, raw_len, out->message_id, sizeof out->message_id);
    if (!out->is_dsn)
        out->failed = false;
}
