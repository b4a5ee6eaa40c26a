/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_scan.c - the bounded MIME structure count (see mime_scan.h).
 *
 * One pass over the lines. In a header block only Content-Type is kept
 * (unfolded, up to MIME_SCAN_CT_MAX bytes); at the end of the block it
 * decides whether the entity opens a multipart (push its boundary), an
 * attached message (push a frame without boundary: its own headers follow)
 * or a leaf. In a body, a line that starts with "--" is compared with the
 * open boundaries, innermost first, as GMime does: a match closes the
 * frames inside it and opens a new part (or closes that multipart).
 */
#include "lib/mime_scan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

#define MIME_SCAN_CT_MAX 4096
#define MIME_SCAN_DEPTH_MAX 64

struct frame {
    char boundary[MIME_SCAN_BOUNDARY_MAX];
    size_t len;
    bool multipart; /* false: an attached message, ended by a parent's boundary */
    bool digest;    /* multipart/digest: parts are messages by default */
};

struct scanner {
    int max_parts;
    int max_depth;
    struct frame *stack;
    int count;
    bool in_headers;
    char ct[MIME_SCAN_CT_MAX];
    size_t ct_len;
    bool ct_overflow;
    bool in_ct;        /* the field being read is Content-Type */
    int ct_fields;
    int fields;
    struct mime_scan_result *out;
};

static void stop_at(struct scanner *s, enum mime_scan_stop why, size_t offset)
{
    s->out->stop = why;
    s->out->keep = offset;
}

static void header_block_start(struct scanner *s)
{
    s->in_headers = true;
    s->ct_len = 0;
    s->ct[0] = '\0';
    s->ct_overflow = false;
    s->in_ct = false;
    s->ct_fields = 0;
}

/* Appends to the Content-Type kept, without its carriage returns: GMime
 * drops every CR of a field value before reading its parameters, so that
 * "bounda<CR>ry=b" names the boundary b. */
static void ct_append(struct scanner *s, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\r')
            continue;
        if (s->ct_len + 1 >= sizeof s->ct) {
            s->ct_overflow = true;
            break;
        }
        s->ct[s->ct_len++] = text[i];
    }
    s->ct[s->ct_len] = '\0';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Reads a boundary value (token or quoted string) at p; false when it is
 * too long to follow. */
static bool read_boundary_value(const char *p, struct frame *f)
{
    f->len = 0;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (f->len >= sizeof f->boundary)
                return false;
            f->boundary[f->len++] = *p;
        }
        return true;
    }
    for (; *p && *p != ';' && !is_space(*p); p++) {
        if (f->len >= sizeof f->boundary)
            return false;
        f->boundary[f->len++] = *p;
    }
    return true;
}

enum ct_kind { CT_LEAF, CT_MULTIPART, CT_MESSAGE, CT_UNREADABLE };

/* The boundary of a multipart Content-Type. Any "boundary" word followed
 * by '=' is taken, wherever it stands, so that a lenient parser cannot
 * find one the scanner missed; two of them, an RFC 2231 form or a comment
 * make the field unreadable. No boundary at all is a leaf, as for GMime. */
static enum ct_kind multipart_boundary(const char *ct, struct frame *f)
{
    const char *p = ct;
    bool found = false;

    if (strchr(ct, '(') != NULL)
        return CT_UNREADABLE;
    while ((p = strcasestr(p, "boundary")) != NULL) {
        const char *q = p + strlen("boundary");
        bool word = p == ct || !is_token_char(p[-1]);

        p = q;
        if (!word)
            continue;
        while (is_space(*q))
            q++;
        if (*q == '*')
            return CT_UNREADABLE;
        if (*q != '=')
            continue;
        if (found)
            return CT_UNREADABLE;
        for (q++; is_space(*q); q++)
            ;
        if (!read_boundary_value(q, f))
            return CT_UNREADABLE;
        found = true;
    }
    return found ? CT_MULTIPART : CT_LEAF;
}

static enum ct_kind content_kind(const struct scanner *s, struct frame *f)
{
    const char *p = s->ct;
    const struct frame *parent = s->count > 0 ? &s->stack[s->count - 1] : NULL;

    bool in_digest = parent && parent->multipart && parent->digest;

    /* Whatever precedes the type is skipped, in case a parser does too. */
    while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        p++;
    if (strncasecmp(p, "multipart", 9) == 0) {
        enum ct_kind kind;

        if (s->ct_fields > 1 || s->ct_overflow)
            return CT_UNREADABLE;
        kind = multipart_boundary(p, f);
        p += 9;
        while (is_space(*p) || *p == '/')
            p++;
        f->digest = strncasecmp(p, "digest", 6) == 0;
        return kind;
    }
    if (strncasecmp(p, "message", 7) == 0) {
        if (s->ct_fields > 1 || s->ct_overflow)
            return CT_UNREADABLE;
        p += 7;
        while (is_space(*p))
            p++;
        if (*p == '/')
            p++;
        while (is_space(*p))
            p++;
        if (strncasecmp(p, "partial", 7) == 0 || strncasecmp(p, "external-body", 13) == 0)
            return CT_LEAF;
        return CT_MESSAGE;
    }
    if (s->ct_fields > 1)
        return CT_UNREADABLE; /* the other field may not be a leaf */
    /* RFC 2046 5.1.5: a digest's parts are messages by default, and a
     * parser may fall back to that default for any type it cannot read. */
    return in_digest ? CT_MESSAGE : CT_LEAF;
}

/* The end of a header block: body_start is where the body begins. */
static void header_block_end(struct scanner *s, size_t body_start)
{
    struct frame f = {.len = 0, .multipart = false, .digest = false};
    enum ct_kind kind = content_kind(s, &f);

    s->in_headers = false;
    if (kind == CT_LEAF)
        return;
    if (kind == CT_UNREADABLE) {
        stop_at(s, MIME_SCAN_UNREADABLE, body_start);
        return;
    }
    if (s->count + 1 > s->max_depth) {
        stop_at(s, MIME_SCAN_TOO_DEEP, body_start);
        return;
    }
    if (kind == CT_MESSAGE && s->out->parts + 1 > s->max_parts) {
        stop_at(s, MIME_SCAN_TOO_MANY_PARTS, body_start);
        return;
    }
    f.multipart = kind == CT_MULTIPART;
    s->stack[s->count++] = f;
    if (s->count > s->out->depth)
        s->out->depth = s->count;
    if (kind == CT_MESSAGE) {
        s->out->parts++;
        header_block_start(s);
    }
}

/* Whether line is "--" boundary, then "--" when final, then only white
 * space: GMime's test (is_boundary), no looser. A looser one would be no
 * safer: taking "--b--x" or "--bx" for a delimiter of b closes the frames
 * inside b, whose later delimiters GMime still counts. */
static bool is_delimiter(const char *line, size_t len, const struct frame *f, bool final)
{
    size_t head = 2 + f->len + (final ? 2 : 0);

    if (len < head || line[0] != '-' || line[1] != '-' || memcmp(line + 2, f->boundary, f->len) != 0)
        return false;
    if (final && (line[2 + f->len] != '-' || line[3 + f->len] != '-'))
        return false;
    for (size_t i = head; i < len; i++)
        if (!is_space(line[i]))
            return false;
    return true;
}

/* The frame whose delimiter the line is, innermost first and the close
 * delimiter before the other at each level, as GMime checks them; -1 for
 * none; *closing for "--boundary--". */
static int delimiter_frame(const struct scanner *s, const char *line, size_t len, bool *closing)
{
    if (len < 2 || line[0] != '-' || line[1] != '-')
        return -1;
    for (int i = s->count - 1; i >= 0; i--) {
        const struct frame *f = &s->stack[i];

        if (!f->multipart)
            continue;
        *closing = is_delimiter(line, len, f, true);
        if (*closing || is_delimiter(line, len, f, false))
            return i;
    }
    return -1;
}

static void on_delimiter(struct scanner *s, int frame, bool closing, size_t line_start)
{
    if (closing) {
        s->count = frame; /* the epilogue belongs to the enclosing body */
        s->in_headers = false;
        return;
    }
    s->count = frame + 1;
    if (s->out->parts + 1 > s->max_parts) {
        stop_at(s, MIME_SCAN_TOO_MANY_PARTS, line_start);
        return;
    }
    s->out->parts++;
    header_block_start(s);
}

static void header_line(struct scanner *s, const char *line, size_t len, size_t line_start)
{
    size_t name_len = 0;

    if (line[0] == ' ' || line[0] == '\t') {
        if (s->in_ct)
            ct_append(s, line, len);
        return;
    }
    while (name_len < len && line[name_len] != ':' && line[name_len] != ' ' && line[name_len] != '\t')
        name_len++;
    if (++s->fields > MIME_SCAN_MAX_FIELDS) {
        stop_at(s, MIME_SCAN_TOO_MANY_FIELDS, line_start);
        return;
    }
    s->in_ct = name_len == 12 && strncasecmp(line, "Content-Type", 12) == 0;
    if (s->in_ct) {
        const char *colon = memchr(line, ':', len);

        s->ct_fields++;
        s->ct_len = 0;
        s->ct[0] = '\0';
        s->ct_overflow = false;
        if (colon != NULL)
            ct_append(s, colon + 1, len - (size_t)(colon + 1 - line));
        else
            s->ct_fields++; /* "Content-Type" without a colon: unreadable */
    }
}

/* A delimiter (not the close one) of the multipart this very block
 * declares, before any blank line. GMime reads such a line as one more
 * (invalid) header field, but a parser that ends the block at a line of
 * spaces would already be in the body, so the count takes the block as
 * ended: one part more, never fewer. A close delimiter there is only a
 * field, as for GMime: taking it for one would close the multipart whose
 * parts GMime goes on to build. Each such line is a field for
 * MIME_SCAN_MAX_FIELDS, which bounds the work. */
static bool opens_declared_multipart(const struct scanner *s, const char *line, size_t len)
{
    struct frame f;

    if (len < 2 || line[0] != '-' || line[1] != '-' || s->ct_fields != 1)
        return false;
    if (content_kind(s, &f) != CT_MULTIPART)
        return false;
    return is_delimiter(line, len, &f, false);
}

static void scan_line(struct scanner *s, const char *line, size_t len, size_t line_start, size_t next)
{
    bool closing = false;
    int frame;

    if (len > 0 && line[len - 1] == '\r')
        len--;
    frame = delimiter_frame(s, line, len, &closing);
    if (s->in_headers) {
        if (frame >= 0 || len == 0 || opens_declared_multipart(s, line, len)) {
            /* A blank line ends the block, and so does a delimiter. A line
             * that is no field (an mbox "From " line...) does not: GMime
             * reads on past it, and so must the count. */
            header_block_end(s, len == 0 ? next : line_start);
            if (s->out->stop != MIME_SCAN_WHOLE || len == 0)
                return;
            /* The block may have opened a frame that this line belongs to.
             * When it opened an attached message, the delimiter still ends
             * it at once (GMime then builds no message there). */
            frame = delimiter_frame(s, line, len, &closing);
        } else {
            header_line(s, line, len, line_start);
            return;
        }
    }
    if (frame >= 0)
        on_delimiter(s, frame, closing, line_start);
}

void mime_scan(const char *data, size_t len, int max_parts, int max_depth, struct mime_scan_result *out)
{
    struct scanner s;
    size_t pos = 0;

    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    s.max_parts = max_parts < 1 ? 1 : max_parts;
    s.max_depth = max_depth < 1 ? 1 : max_depth > MIME_SCAN_DEPTH_MAX ? MIME_SCAN_DEPTH_MAX : max_depth;
    s.stack = xcalloc((size_t)s.max_depth, sizeof *s.stack);
    s.out = out;
    out->parts = 1;
    out->keep = len;
    header_block_start(&s);
    while (pos < len && out->stop == MIME_SCAN_WHOLE) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - (data + pos)) : len - pos;
        size_t next = nl ? pos + line_len + 1 : len;

        scan_line(&s, data + pos, line_len, pos, next);
        pos = next;
    }
    if (out->stop == MIME_SCAN_WHOLE && s.in_headers)
        header_block_end(&s, len); /* a block cut short still counts */
    if (out->stop == MIME_SCAN_WHOLE)
        out->keep = len;
    free(s.stack);
}

const char *mime_scan_stop_name(enum mime_scan_stop stop)
{
    switch (stop) {
    case MIME_SCAN_WHOLE:
        return "within the limits";
    case MIME_SCAN_TOO_MANY_PARTS:
        return "more parts than MaxMimeParts";
    case MIME_SCAN_TOO_DEEP:
        return "nested deeper than MaxMimeDepth";
    case MIME_SCAN_TOO_MANY_FIELDS:
        return "too many header fields";
    case MIME_SCAN_UNREADABLE:
        return "a Content-Type too odd to follow";
    }
    return "?";
}
