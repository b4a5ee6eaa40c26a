/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pdf.c - the only door to poppler (see pdf.h): opens a PDF held in memory,
 * hands out its embedded files and its text, each bounded in size, pages
 * and time.
 *
 * It knows nothing of invoices: what an embedded file or a page of text
 * means is for invoice_facturx.c and the text readers. It never decrypts:
 * a PDF that needs a password is refused. Bounds are checked between
 * poppler calls; one poppler call (opening, one page's text) cannot be
 * interrupted: that is why this runs in the PDF worker, whose resource
 * limits and parent's deadline bound it (lib/pdf_extract.h).
 */
#include "lib/pdf.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <poppler.h>

/* A PDF header may follow some leading garbage; readers look this far. */
#define PDF_HEADER_WINDOW 1024
/* The smallest file that can hold a header, a catalog and a trailer. */
#define PDF_MIN_SIZE 64

struct pdf_doc {
    GBytes *bytes; /* borrows the caller's data */
    PopplerDocument *doc;
};

static bool has_pdf_header(const char *data, size_t len)
{
    size_t window = len < PDF_HEADER_WINDOW ? len : PDF_HEADER_WINDOW;

    return memmem(data, window, "%PDF-", 5) != NULL;
}

static void explain_open_error(const GError *error, char *why, size_t whylen)
{
    if (error != NULL && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_ENCRYPTED)
        str_copy(why, whylen, "encrypted PDF");
    else
        str_format(why, whylen, "unreadable PDF: %s",
                   error != NULL && error->message != NULL ? error->message : "unknown error");
}

struct pdf_doc *pdf_open(const char *data, size_t len, char *why, size_t whylen)
{
    struct pdf_doc *pdf;
    GError *error = NULL;

    if (len < PDF_MIN_SIZE || !has_pdf_header(data, len)) {
        str_copy(why, whylen, "not a PDF");
        return NULL;
    }
    pdf = xcalloc(1, sizeof *pdf);
    /* No copy: the caller keeps data alive until pdf_close. */
    pdf->bytes = g_bytes_new_static(data, len);
    pdf->doc = poppler_document_new_from_bytes(pdf->bytes, NULL, &error);
    if (pdf->doc == NULL) {
        explain_open_error(error, why, whylen);
        g_clear_error(&error);
        pdf_close(pdf);
        return NULL;
    }
    return pdf;
}

void pdf_close(struct pdf_doc *pdf)
{
    if (pdf == NULL)
        return;
    if (pdf->doc != NULL)
        g_object_unref(pdf->doc);
    g_bytes_unref(pdf->bytes);
    free(pdf);
}

/* ------------------------------------------------------------------ */
/* Embedded files                                                      */

struct bounded_buffer {
    struct strbuf sb;
    size_t max;
    size_t seen; /* bytes poppler decoded, kept or not */
    /* xml_only: the bytes known to be a BOM and blanks; whether the
     * first other byte was seen ('<'), or was no '<' (not_xml). */
    bool xml_only, is_xml, not_xml;
    size_t blank;
};

static const char utf8_bom[3] = {'\xEF', '\xBB', '\xBF'};

/* Whether the buffer begins as XML does, as far as it goes: a UTF-8
 * BOM, blanks, then '<'. Undecided (-1) while it holds only those. */
static int starts_as_xml(struct bounded_buffer *out)
{
    const char *d = out->sb.data;
    size_t len = out->sb.len, i = out->blank;

    if (i == 0 && len < sizeof utf8_bom && memcmp(d, utf8_bom, len) == 0)
        return -1;
    if (i == 0 && memcmp(d, utf8_bom, sizeof utf8_bom) == 0)
        i = sizeof utf8_bom;
    while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    out->blank = i;
    return i == len ? -1 : d[i] == '<';
}

/* Declared sizes may lie: the buffer enforces the bound while poppler
 * decodes the stream, and an error stops the decoding. */
static gboolean append_bounded(const gchar *buf, gsize count, gpointer data, GError **error)
{
    struct bounded_buffer *out = data;

    out->seen += count;
    if (count > out->max - out->sb.len) {
        g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "embedded file too large");
        return FALSE;
    }
    strbuf_append(&out->sb, buf, count);
    if (out->xml_only && !out->is_xml && count > 0) {
        int xml = starts_as_xml(out);

        out->is_xml = xml == 1;
        out->not_xml = xml == 0;
        if (out->not_xml) {
            g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "embedded file is no XML");
            return FALSE;
        }
    }
    return TRUE;
}

struct file_walk {
    const struct pdf_file_bounds *bounds;
    size_t decoded; /* over the walk */
    pdf_file_fn fn;
    void *ctx;
    struct strlist *skipped;
    /* Files skipped for each reason, the first one named: a hostile PDF
     * may have hundreds, which make one note, not hundreds. */
    int skips[3];
    char *first_skipped[3];
};

enum skip_reason { SKIP_DECLARED, SKIP_LARGE, SKIP_BROKEN };

static const char *const skip_reasons[] = {"declared size over the bound", "larger than the bound",
                                           "unreadable stream"};

static void skip(struct file_walk *walk, const char *name, enum skip_reason why)
{
    if (walk->skips[why]++ == 0)
        walk->first_skipped[why] = g_strdup(name);
}

static void note_skips(struct file_walk *walk)
{
    for (int i = 0; i < 3; i++) {
        if (walk->skipped != NULL && walk->skips[i] == 1)
            strlist_addf(walk->skipped, "embedded file %s skipped: %s", walk->first_skipped[i], skip_reasons[i]);
        else if (walk->skipped != NULL && walk->skips[i] > 1)
            strlist_addf(walk->skipped, "%d embedded files skipped (%s, ...): %s", walk->skips[i],
                         walk->first_skipped[i], skip_reasons[i]);
        g_free(walk->first_skipped[i]);
    }
}

/* Visits one attachment; returns false when fn asked to stop. */
static bool visit_attachment(PopplerAttachment *att, struct file_walk *walk, bool *visited)
{
    struct bounded_buffer out;
    const char *name = poppler_attachment_get_name(att);
    size_t room = walk->bounds->max_total - walk->decoded;
    bool go_on = true;

    *visited = false;
    name = name != NULL ? name : "";
    memset(&out, 0, sizeof out);
    strbuf_init(&out.sb);
    out.max = walk->bounds->max_size < room ? walk->bounds->max_size : room;
    out.xml_only = walk->bounds->xml_only;
    /* A declared size over the bound spares the decoding; a missing one
     * ((gsize)-1, also too large) is common, and any may lie: then the
     * bounded buffer decides. */
    if (att->size != (gsize)-1 && att->size > out.max) {
        skip(walk, name, SKIP_DECLARED);
        return true;
    }
    if (poppler_attachment_save_to_callback(att, append_bounded, &out, NULL)) {
        *visited = true;
        go_on = walk->fn(name, out.sb.data != NULL ? out.sb.data : "", out.sb.len, walk->ctx);
    } else if (!out.not_xml) {
        skip(walk, name, out.seen > out.max ? SKIP_LARGE : SKIP_BROKEN);
    }
    walk->decoded += out.seen < room ? out.seen : room;
    strbuf_free(&out.sb);
    return go_on;
}

int pdf_each_embedded_file_bounded(struct pdf_doc *pdf, const struct pdf_file_bounds *bounds, pdf_file_fn fn,
                                   void *ctx, struct strlist *skipped)
{
    struct file_walk walk = {bounds, 0, fn, ctx, skipped, {0, 0, 0}, {NULL, NULL, NULL}};
    GList *attachments;
    int count = 0, seen = 0;

    if (pdf == NULL || !poppler_document_has_attachments(pdf->doc))
        return 0;
    attachments = poppler_document_get_attachments(pdf->doc);
    for (GList *it = attachments; it != NULL; it = it->next, seen++) {
        bool visited, go_on;

        if (seen >= bounds->max_files || walk.decoded >= bounds->max_total) {
            if (skipped != NULL)
                strlist_addf(skipped, "%u embedded files skipped: %s", g_list_length(it),
                             seen >= bounds->max_files ? "too many files" : "too many bytes decoded");
            break;
        }
        go_on = visit_attachment(POPPLER_ATTACHMENT(it->data), &walk, &visited);
        count += visited ? 1 : 0;
        if (!go_on)
            break;
    }
    note_skips(&walk);
    g_list_free_full(attachments, g_object_unref);
    return count;
}

int pdf_each_embedded_file(struct pdf_doc *pdf, size_t max_size, pdf_file_fn fn, void *ctx)
{
    struct pdf_file_bounds bounds = {INT_MAX, max_size, SIZE_MAX, false};

    return pdf_each_embedded_file_bounded(pdf, &bounds, fn, ctx, NULL);
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

/* Appends one page's text, and a line break, within room bytes; returns
 * the bytes appended (0 for a page without text). */
static size_t append_page_text(PopplerPage *page, size_t room, struct strbuf *out)
{
    char *text = poppler_page_get_text(page);
    size_t len = text != NULL ? strlen(text) : 0;

    if (len > room)
        len = room;
    if (len > 0) {
        strbuf_append(out, text, len);
        if (len < room) {
            strbuf_putc(out, '\n');
            len++;
        }
    }
    g_free(text);
    return len;
}

/* Appends up to room bytes of one page's text; returns the bytes added. */
typedef size_t (*page_reader)(PopplerPage *page, size_t room, struct strbuf *out);

/* The bounds every text reader shares: pages, bytes and time. */
static bool read_pages(struct pdf_doc *pdf, int max_pages, size_t max_text, unsigned max_ms,
                       page_reader read_page, struct strbuf *out, char *why, size_t whylen)
{
    uint64_t deadline = clock_ms() + max_ms;
    size_t total = 0;
    int pages;

    if (pdf == NULL || (pages = poppler_document_get_n_pages(pdf->doc)) <= 0) {
        str_copy(why, whylen, "PDF has no page");
        return false;
    }
    if (max_pages >= 0 && pages > max_pages)
        pages = max_pages;
    for (int i = 0; i < pages && total < max_text; i++) {
        PopplerPage *page;

        if (i > 0 && clock_ms() > deadline)
            break;
        page = poppler_document_get_page(pdf->doc, i);
        if (page == NULL)
            continue; /* a broken page does not hide the others */
        total += read_page(page, max_text - total, out);
        g_object_unref(page);
    }
    if (total == 0) {
        str_copy(why, whylen, "PDF has no text");
        return false;
    }
    return true;
}

bool pdf_read_text(struct pdf_doc *pdf, int max_pages, size_t max_text, unsigned max_ms,
                   struct strbuf *out, char *why, size_t whylen)
{
    return read_pages(pdf, max_pages, max_text, max_ms, append_page_text, out, why, whylen);
}

/* ------------------------------------------------------------------ */
/* Text by physical lines                                              */

/* One character of a page, where it stands. */
struct glyph {
    double x1, x2, top, bottom;
    const char *utf8; /* into the page text */
    int len;
};

struct glyph_line {
    size_t first, count; /* into the glyphs sorted by line */
    double top, bottom;
};

static int by_top(const void *a, const void *b)
{
    const struct glyph *ga = a, *gb = b;
    double ca = (ga->top + ga->bottom) / 2, cb = (gb->top + gb->bottom) / 2;

    return ca < cb ? -1 : ca > cb ? 1 : (ga->x1 < gb->x1 ? -1 : ga->x1 > gb->x1);
}

static int by_x(const void *a, const void *b)
{
    const struct glyph *ga = a, *gb = b;

    return ga->x1 < gb->x1 ? -1 : ga->x1 > gb->x1;
}

/* The glyphs of a page with their boxes; line breaks are dropped. */
static size_t page_glyphs(const char *text, const PopplerRectangle *rects, guint n_rects, struct glyph *out)
{
    size_t n = 0;
    guint i = 0;

    for (const char *p = text; *p != '\0' && i < n_rects; p = g_utf8_next_char(p), i++) {
        const PopplerRectangle *r = &rects[i];

        if (*p == '\n' || *p == '\r' || r->y2 <= r->y1)
            continue;
        out[n].x1 = r->x1;
        out[n].x2 = r->x2;
        out[n].top = r->y1;
        out[n].bottom = r->y2;
        out[n].utf8 = p;
        out[n].len = (int)(g_utf8_next_char(p) - p);
        n++;
    }
    return n;
}

/* Writes one line: a space where words part, two where columns do. */
static void write_glyph_line(const struct glyph *g, size_t count, double height, struct strbuf *line)
{
    bool pending_space = false;

    for (size_t i = 0; i < count; i++) {
        bool is_space = g[i].len == 1 && g[i].utf8[0] == ' ';
        double gap = i > 0 ? g[i].x1 - g[i - 1].x2 : 0;

        if (is_space) {
            pending_space = line->len > 0;
            continue;
        }
        if (i > 0 && gap > 1.5 * height)
            strbuf_puts(line, "  ");
        else if (pending_space || (i > 0 && gap > 0.25 * height))
            strbuf_putc(line, ' ');
        pending_space = false;
        strbuf_append(line, g[i].utf8, (size_t)g[i].len);
    }
}

/* Groups glyphs sorted top-down into lines: a glyph whose middle lies
 * within the current line's height joins it. */
static void write_page_lines(struct glyph *g, size_t n, size_t room, struct strbuf *out)
{
    struct strbuf line;
    size_t start = 0;

    qsort(g, n, sizeof *g, by_top);
    strbuf_init(&line);
    while (start < n && out->len < room) {
        double top = g[start].top, bottom = g[start].bottom;
        size_t end = start + 1;

        while (end < n && (g[end].top + g[end].bottom) / 2 >= top &&
               (g[end].top + g[end].bottom) / 2 <= bottom)
            end++;
        qsort(g + start, end - start, sizeof *g, by_x);
        strbuf_reset(&line);
        write_glyph_line(g + start, end - start, bottom - top, &line);
        strbuf_putc(&line, '\n');
        strbuf_append(out, line.data, line.len < room - out->len ? line.len : room - out->len);
        start = end;
    }
    strbuf_free(&line);
}

static size_t append_page_layout(PopplerPage *page, size_t room, struct strbuf *out)
{
    PopplerRectangle *rects = NULL;
    guint n_rects = 0;
    char *text = poppler_page_get_text(page);
    size_t before = out->len, n;
    struct glyph *glyphs;

    if (text == NULL || !poppler_page_get_text_layout(page, &rects, &n_rects)) {
        g_free(text);
        return 0;
    }
    glyphs = xcalloc(n_rects + 1, sizeof *glyphs);
    n = page_glyphs(text, rects, n_rects, glyphs);
    write_page_lines(glyphs, n, out->len + room, out);
    free(glyphs);
    g_free(rects);
    g_free(text);
    return out->len - before;
}

bool pdf_read_layout_text(struct pdf_doc *pdf, int max_pages, size_t max_text, unsigned max_ms,
                          struct strbuf *out, char *why, size_t whylen)
{
    return read_pages(pdf, max_pages, max_text, max_ms, append_page_layout, out, why, whylen);
}
