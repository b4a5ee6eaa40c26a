/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pdf_frames.c - the records between relance-pdf and its parent (see
 * pdf_extract.h): the worker's side writes them as poppler yields files
 * and text, the parent's side reads them back trusting no length, no
 * count and no order it was not promised.
 */
#include "lib/pdf_extract.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/pdf.h"

#define FRAME_HEADER 5
/* Longest file name passed on; longer ones are cut. */
#define FRAME_NAME_MAX 255
/* Notes about skipped files: how many, how long. */
#define FRAME_NOTES_MAX 32
#define FRAME_NOTE_MAX 300

void pdf_extract_init(struct pdf_extract_result *res)
{
    memset(res, 0, sizeof *res);
    strbuf_init(&res->text);
    strlist_init(&res->notes);
    res->exit_code = -1;
}

static void free_contents(struct pdf_extract_result *res)
{
    for (size_t i = 0; i < res->file_count; i++)
        free(res->files[i].name);
    free(res->files);
    free(res->records);
    res->records = NULL;
    res->files = NULL;
    res->file_count = 0;
    strbuf_free(&res->text);
    strbuf_init(&res->text);
    res->has_text = false;
    res->text_skipped = false;
    strlist_free(&res->notes);
    strlist_init(&res->notes);
}

void pdf_extract_free(struct pdf_extract_result *res)
{
    free_contents(res);
    strbuf_free(&res->text);
    strlist_free(&res->notes);
}

static const char *const reading_names[] = {"all", "unless-xml", "text"};

const char *pdf_reading_name(enum pdf_reading reading)
{
    return (size_t)reading < ARRAY_LEN(reading_names) ? reading_names[reading] : "all";
}

bool pdf_reading_parse(const char *name, enum pdf_reading *reading)
{
    for (size_t i = 0; i < ARRAY_LEN(reading_names); i++)
        if (strcmp(name, reading_names[i]) == 0) {
            *reading = (enum pdf_reading)i;
            return true;
        }
    return false;
}

size_t pdf_frames_max(const struct pdf_limits *limits)
{
    size_t files = (size_t)(limits->max_files > 0 ? limits->max_files : 0);

    return files * (FRAME_HEADER + 2 + FRAME_NAME_MAX) + limits->max_decoded +
           FRAME_NOTES_MAX * (FRAME_HEADER + FRAME_NOTE_MAX) + FRAME_HEADER + limits->max_text +
           3 * (FRAME_HEADER + 256);
}

/* ------------------------------------------------------------------ */
/* The worker's side                                                   */

/* Where records go: a descriptor (the worker) or memory (in process). */
struct sink {
    int fd;
    struct strbuf *mem;
    bool ok;
};

static void sink_write(struct sink *s, const void *data, size_t len)
{
    const char *p = data;

    if (s->mem != NULL) {
        strbuf_append(s->mem, data, len);
        return;
    }
    while (s->ok && len > 0) {
        ssize_t n = write(s->fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            s->ok = false;
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

/* One record whose payload is head then body. */
static void put_record(struct sink *s, char type, const void *head, size_t head_len, const void *body,
                       size_t body_len)
{
    uint32_t len = (uint32_t)(head_len + body_len);
    unsigned char header[FRAME_HEADER] = {(unsigned char)type, (unsigned char)(len >> 24),
                                          (unsigned char)(len >> 16), (unsigned char)(len >> 8),
                                          (unsigned char)len};

    sink_write(s, header, sizeof header);
    if (head_len > 0)
        sink_write(s, head, head_len);
    if (body_len > 0)
        sink_write(s, body, body_len);
}

static void put_string(struct sink *s, char type, const char *text, size_t max)
{
    size_t len = strlen(text);

    put_record(s, type, text, len < max ? len : max, NULL, 0);
}

/* Whether an embedded file may be XML: what invoice_xml_looks_like_xml
 * asks (a UTF-8 BOM, blanks, then '<'). The two need not agree: a file
 * taken for XML here that the parent cannot use costs one more reading
 * for the text (PDF_TEXT_ONLY), never the text itself. */
static bool looks_like_xml(const char *data, size_t len)
{
    size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return i < len && data[i] == '<';
}

struct files_out {
    struct sink *sink;
    bool xml; /* a file looked like XML */
};

static bool put_file(const char *name, const char *data, size_t len, void *ctx)
{
    struct files_out *out = ctx;
    struct sink *s = out->sink;
    size_t name_len = strlen(name);
    unsigned char head[2 + FRAME_NAME_MAX];

    if (name_len > FRAME_NAME_MAX)
        name_len = FRAME_NAME_MAX;
    head[0] = (unsigned char)(name_len >> 8);
    head[1] = (unsigned char)name_len;
    memcpy(head + 2, name, name_len);
    put_record(s, 'F', head, 2 + name_len, data, len);
    out->xml = out->xml || looks_like_xml(data, len);
    return s->ok;
}

/* The embedded files (PDF_TEXT_UNLESS_XML: those that look like XML; no
 * other is decoded past its first bytes) and the notes on those skipped;
 * true when one of them looks like XML. */
static bool put_files(struct pdf_doc *doc, const struct pdf_limits *limits, struct sink *s)
{
    struct pdf_file_bounds bounds = {limits->max_files, limits->max_file_size, limits->max_decoded,
                                     limits->reading == PDF_TEXT_UNLESS_XML};
    struct files_out out = {s, false};
    struct strlist skipped;

    strlist_init(&skipped);
    pdf_each_embedded_file_bounded(doc, &bounds, put_file, &out, &skipped);
    for (size_t i = 0; i < skipped.count && i < FRAME_NOTES_MAX; i++)
        put_string(s, 'N', skipped.items[i], FRAME_NOTE_MAX);
    strlist_free(&skipped);
    return out.xml;
}

static void put_text(struct pdf_doc *doc, const struct pdf_limits *limits, struct sink *s)
{
    struct strbuf text;
    char why[256];

    strbuf_init(&text);
    if (pdf_read_layout_text(doc, limits->max_pages, limits->max_text, limits->max_ms, &text, why, sizeof why))
        put_record(s, 'T', text.data, text.len, NULL, 0);
    else
        put_string(s, 'X', why, sizeof why - 1);
    strbuf_free(&text);
}

static void serve(const char *data, size_t len, const struct pdf_limits *limits, struct sink *s)
{
    char why[256];
    struct pdf_doc *doc = pdf_open(data, len, why, sizeof why);
    bool xml = false;

    if (doc == NULL) {
        put_string(s, 'R', why, sizeof why - 1);
        put_record(s, 'Z', NULL, 0, NULL, 0);
        return;
    }
    if (limits->reading != PDF_TEXT_ONLY)
        xml = put_files(doc, limits, s);
    /* Files first: when one is XML, the pages are not even opened. */
    if (xml && limits->reading == PDF_TEXT_UNLESS_XML)
        put_record(s, 'S', NULL, 0, NULL, 0);
    else
        put_text(doc, limits, s);
    pdf_close(doc);
    put_record(s, 'Z', NULL, 0, NULL, 0);
}

bool pdf_serve(const char *data, size_t len, const struct pdf_limits *limits, int fd)
{
    struct sink s = {fd, NULL, true};

    serve(data, len, limits, &s);
    return s.ok;
}

/* ------------------------------------------------------------------ */
/* The parent's side                                                   */

struct reader {
    const struct pdf_limits *limits;
    struct pdf_extract_result *res;
    size_t decoded;
    bool refused, text_seen, ended;
};

static uint32_t be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;

    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

/* A string payload: no NUL, shorter than size. */
static bool take_string(const char *p, size_t len, char *out, size_t size)
{
    if (len >= size || memchr(p, '\0', len) != NULL)
        return false;
    memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

static const char *take_file(struct reader *r, const char *p, size_t len)
{
    struct pdf_extract_result *res = r->res;
    size_t name_len, data_len;
    struct pdf_file *f;

    if (r->text_seen || r->limits->reading == PDF_TEXT_ONLY || res->file_count >= (size_t)r->limits->max_files ||
        len < 2)
        return "unexpected file";
    name_len = (size_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]);
    if (name_len > FRAME_NAME_MAX || name_len > len - 2 || memchr(p + 2, '\0', name_len) != NULL)
        return "bad file name";
    data_len = len - 2 - name_len;
    if (data_len > r->limits->max_file_size || data_len > r->limits->max_decoded - r->decoded)
        return "file over the bounds";
    r->decoded += data_len;
    res->files = xrealloc(res->files, (res->file_count + 1) * sizeof *res->files);
    f = &res->files[res->file_count++];
    f->name = xstrndup(p + 2, name_len);
    f->data = p + 2 + name_len;
    f->len = data_len;
    return NULL;
}

/* Takes one record; returns what is wrong with it, or NULL. */
static const char *take_record(struct reader *r, char type, const char *p, size_t len, bool first)
{
    char note[FRAME_NOTE_MAX + 1];

    if (r->ended)
        return "data after the end";
    switch (type) {
    case 'R':
        r->refused = true;
        return first && take_string(p, len, r->res->why, sizeof r->res->why) ? NULL : "bad refusal";
    case 'F':
        return r->refused ? "unexpected file" : take_file(r, p, len);
    case 'N':
        if (r->refused || r->limits->reading == PDF_TEXT_ONLY || r->res->notes.count >= FRAME_NOTES_MAX ||
            !take_string(p, len, note, sizeof note))
            return "bad note";
        strlist_add(&r->res->notes, note);
        return NULL;
    case 'T':
        if (r->refused || r->text_seen || len > r->limits->max_text)
            return "bad text";
        r->text_seen = r->res->has_text = true;
        strbuf_append(&r->res->text, p, len);
        return NULL;
    case 'X':
        if (r->refused || r->text_seen || !take_string(p, len, r->res->why, sizeof r->res->why))
            return "bad reason";
        r->text_seen = true;
        return NULL;
    case 'S':
        /* Only when asked, and only after a file that may be XML. */
        if (r->refused || r->text_seen || len != 0 || r->limits->reading != PDF_TEXT_UNLESS_XML ||
            r->res->file_count == 0)
            return "unexpected skip";
        r->text_seen = r->res->text_skipped = true;
        return NULL;
    case 'Z':
        r->ended = true;
        return len == 0 && (r->refused || r->text_seen) ? NULL : "early end";
    default:
        return "unknown record";
    }
}

enum pdf_status pdf_frames_take(char *buf, size_t len, const struct pdf_limits *limits,
                                struct pdf_extract_result *res)
{
    struct reader r = {limits, res, 0, false, false, false};
    const char *wrong = NULL;
    size_t pos = 0;

    free_contents(res);
    res->records = buf;
    res->why[0] = '\0';
    while (pos < len && wrong == NULL) {
        size_t start = pos, rlen;

        if (len - pos < FRAME_HEADER) {
            wrong = "truncated record";
            break;
        }
        rlen = be32(buf + pos + 1);
        pos += FRAME_HEADER;
        if (rlen > len - pos) {
            wrong = "truncated record";
            break;
        }
        wrong = take_record(&r, buf[start], buf + pos, rlen, start == 0);
        pos += rlen;
    }
    if (wrong == NULL && !r.ended)
        wrong = "no end";
    if (wrong != NULL) {
        free_contents(res);
        str_format(res->why, sizeof res->why, "worker output: %s", wrong);
        return PDF_UNREADABLE;
    }
    return r.refused ? PDF_REFUSED : PDF_READ;
}

enum pdf_status pdf_frames_decode(const char *buf, size_t len, const struct pdf_limits *limits,
                                  struct pdf_extract_result *res)
{
    char *copy = xmalloc(len + 1);

    memcpy(copy, buf, len);
    return pdf_frames_take(copy, len, limits, res);
}

enum pdf_status pdf_extract_local(const char *data, size_t len, const struct pdf_limits *limits,
                                  struct pdf_extract_result *res)
{
    struct strbuf out;
    struct sink s = {-1, &out, true};
    size_t out_len;

    strbuf_init(&out);
    serve(data, len, limits, &s);
    out_len = out.len;
    return pdf_frames_take(strbuf_detach(&out), out_len, limits, res);
}
