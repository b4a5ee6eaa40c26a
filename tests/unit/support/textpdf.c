/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * textpdf.c - test support: PDFs from text layouts, and .eml files with
 * such PDFs (see textpdf.h). Uses libc only, so that a tool can include
 * it whole; it writes PDF 1.4 by hand: a catalog, the pages, two
 * standard fonts, one uncompressed content stream per page, an embedded
 * file when asked, the cross-reference table.
 */
#include "textpdf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_WIDTH 595 /* A4, points */
#define PAGE_HEIGHT 842
#define MARGIN_LEFT 56
#define FIRST_BASELINE 790
#define BOTTOM_MARGIN 50
#define MAX_PAGES 32
#define MAX_OBJECTS (8 + 2 * MAX_PAGES)

struct buf {
    char *data;
    size_t len, cap;
};

static void buf_put(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (b->data == NULL)
            abort();
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ------------------------------------------------------------------ */
/* Text to Windows-1252, as a PDF string                               */

static const struct {
    uint32_t cp;
    unsigned char byte;
} cp1252[] = {
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2018, 0x91}, {0x2019, 0x92},
    {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97}, {0x2122, 0x99},
    {0x0152, 0x8C}, {0x0153, 0x9C}, {0x0160, 0x8A}, {0x0161, 0x9A}, {0x0178, 0x9F}, {0x017D, 0x8E},
    {0x017E, 0x9E}, {0x202F, 0xA0}, /* narrow no-break space: no glyph, a no-break one */
};

static size_t decode_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80 || n < 2) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && n >= 3) {
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    *cp = '?';
    return 1;
}

static unsigned char to_cp1252(uint32_t cp)
{
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (unsigned char)cp;
    for (size_t i = 0; i < sizeof cp1252 / sizeof cp1252[0]; i++)
        if (cp1252[i].cp == cp)
            return cp1252[i].byte;
    return '?';
}

/* Writes (text) with PDF escapes; bytes above 127 as octal. */
static void put_pdf_string(struct buf *b, const char *s, size_t n)
{
    buf_put(b, "(", 1);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        unsigned char c;

        i += decode_utf8((const unsigned char *)s + i, n - i, &cp);
        c = to_cp1252(cp);
        if (c == '(' || c == ')' || c == '\\') {
            buf_put(b, "\\", 1);
            buf_put(b, &c, 1);
        } else if (c >= 0x80 || c < 0x20) {
            buf_printf(b, "\\%03o", c);
        } else {
            buf_put(b, &c, 1);
        }
    }
    buf_put(b, ")", 1);
}

/* ------------------------------------------------------------------ */
/* Layout to content streams                                           */

struct style {
    const char *font;
    int size;
    int leading;
};

static const struct style body_style = {"F1", 10, 14};
static const struct style bold_style = {"F2", 10, 14};
static const struct style title_style = {"F2", 16, 24};
static const struct style small_style = {"F1", 7, 10};

/* Emits one run of text at (x, y). */
static void put_run(struct buf *content, const struct style *st, int x, int y, const char *s, size_t n)
{
    if (n == 0)
        return;
    buf_printf(content, "BT /%s %d Tf %d %d Td ", st->font, st->size, x, y);
    put_pdf_string(content, s, n);
    buf_put(content, " Tj ET\n", 7);
}

/* Lays out one line; returns the line's leading. */
static int put_line(struct buf *content, const char *line, size_t n, int y)
{
    const struct style *st = &body_style;
    int x = MARGIN_LEFT;
    size_t run = 0, i = 0;

    if (n >= 3 && memcmp(line, "{H}", 3) == 0) {
        st = &title_style;
        i = run = 3;
    } else if (n >= 3 && memcmp(line, "{S}", 3) == 0) {
        st = &small_style;
        i = run = 3;
    }
    while (i < n) {
        if (line[i] == '{' && i + 2 < n && line[i + 1] == '@') {
            put_run(content, st, x, y, line + run, i - run);
            x = atoi(line + i + 2);
            while (i < n && line[i] != '}')
                i++;
            run = ++i;
        } else if (line[i] == '{' && i + 2 < n && line[i + 1] == 'B' && line[i + 2] == '}') {
            put_run(content, st, x, y, line + run, i - run);
            x += (int)(i - run) * st->size / 2; /* Helvetica: about half an em per character */
            st = &bold_style;
            run = i += 3;
        } else {
            i++;
        }
    }
    put_run(content, st, x, y, line + run, n - run);
    return st->leading;
}

/* Splits the layout into pages of content. */
static int layout_pages(const char *layout, size_t len, struct buf *pages)
{
    int count = 1, y = FIRST_BASELINE;

    memset(&pages[0], 0, sizeof pages[0]);
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(layout + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (layout + at)) : len - at;

        if (n > 0 && layout[at + n - 1] == '\r')
            n--;
        if ((n == 6 && memcmp(layout + at, "{PAGE}", 6) == 0) || y < BOTTOM_MARGIN) {
            if (count == MAX_PAGES)
                break;
            memset(&pages[count], 0, sizeof pages[count]);
            count++;
            y = FIRST_BASELINE;
            if (n == 6 && memcmp(layout + at, "{PAGE}", 6) == 0) {
                at += n + 1;
                continue;
            }
        }
        y -= put_line(&pages[count - 1], layout + at, n, y);
        at += n + (nl ? 1 : 0);
    }
    return count;
}

/* One embedded file, as objects first and first + 1: the stream, then
 * its file specification. */
static void put_attachment(struct buf *pdf, size_t *offsets, int first, const char *name, const char *data,
                           size_t len)
{
    offsets[first] = pdf->len;
    buf_printf(pdf, "%d 0 obj\n<< /Type /EmbeddedFile /Subtype /text#2Fxml /Length %zu >>\nstream\n", first, len);
    buf_put(pdf, data, len);
    buf_printf(pdf, "\nendstream\nendobj\n");
    offsets[first + 1] = pdf->len;
    buf_printf(pdf, "%d 0 obj\n<< /Type /Filespec /F (%s) /UF (%s) /EF << /F %d 0 R >> >>\nendobj\n", first + 1,
               name, name, first);
}

static char *render(const char *layout, size_t len, const char *name, const char *file, size_t file_len,
                    size_t *out_len)
{
    struct buf pages[MAX_PAGES], pdf = {0};
    size_t offsets[MAX_OBJECTS];
    int npages = layout_pages(layout, len, pages), nobj = 5 + 2 * npages;

    buf_printf(&pdf, "%%PDF-1.4\n%%\342\343\317\323\n");
    offsets[1] = pdf.len;
    if (name != NULL)
        buf_printf(&pdf, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(%s) %d 0 R] "
                         ">> >> >>\nendobj\n",
                   name, nobj + 2);
    else
        buf_printf(&pdf, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    offsets[2] = pdf.len;
    buf_printf(&pdf, "2 0 obj\n<< /Type /Pages /Count %d /Kids [", npages);
    for (int i = 0; i < npages; i++)
        buf_printf(&pdf, " %d 0 R", 6 + 2 * i);
    buf_printf(&pdf, " ] >>\nendobj\n");
    offsets[3] = pdf.len;
    buf_printf(&pdf, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding "
                     "/WinAnsiEncoding >>\nendobj\n");
    offsets[4] = pdf.len;
    buf_printf(&pdf, "4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding "
                     "/WinAnsiEncoding >>\nendobj\n");
    offsets[5] = pdf.len;
    buf_printf(&pdf, "5 0 obj\n<< /Producer (relance test layout writer) /Creator (textpdf) >>\nendobj\n");
    for (int i = 0; i < npages; i++) {
        offsets[6 + 2 * i] = pdf.len;
        buf_printf(&pdf,
                   "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R"
                   " /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>\nendobj\n",
                   6 + 2 * i, PAGE_WIDTH, PAGE_HEIGHT, 7 + 2 * i);
        offsets[7 + 2 * i] = pdf.len;
        buf_printf(&pdf, "%d 0 obj\n<< /Length %zu >>\nstream\n", 7 + 2 * i, pages[i].len);
        if (pages[i].len > 0)
            buf_put(&pdf, pages[i].data, pages[i].len);
        buf_printf(&pdf, "\nendstream\nendobj\n");
        free(pages[i].data);
    }
    if (name != NULL) {
        put_attachment(&pdf, offsets, nobj + 1, name, file, file_len);
        nobj += 2;
    }
    {
        size_t xref = pdf.len;

        buf_printf(&pdf, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
        for (int i = 1; i <= nobj; i++)
            buf_printf(&pdf, "%010zu 00000 n \n", offsets[i]);
        buf_printf(&pdf, "trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                   nobj + 1, xref);
    }
    *out_len = pdf.len;
    return pdf.data;
}

char *textpdf_render(const char *layout, size_t len, size_t *out_len)
{
    return render(layout, len, NULL, NULL, 0, out_len);
}

char *textpdf_render_attached(const char *layout, size_t len, const char *name, const char *file, size_t file_len,
                              size_t *out_len)
{
    return render(layout, len, name, file, file_len, out_len);
}

/* ------------------------------------------------------------------ */
/* .eml files                                                          */

static const char begin_marker[] = "%%PDF-LAYOUT\n";
static const char end_marker[] = "%%END-PDF-LAYOUT\n";

static void put_base64(struct buf *b, const unsigned char *p, size_t n)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int col = 0;

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v =
            (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char out[4] = {digits[v >> 18 & 63], digits[v >> 12 & 63], i + 1 < n ? digits[v >> 6 & 63] : '=',
                       i + 2 < n ? digits[v & 63] : '='};

        buf_put(b, out, 4);
        if ((col += 4) == 76) {
            buf_put(b, "\n", 1);
            col = 0;
        }
    }
    if (col > 0)
        buf_put(b, "\n", 1);
}

char *textpdf_expand_eml(const char *eml, size_t len, size_t *out_len)
{
    struct buf out = {0};
    size_t at = 0;

    buf_put(&out, "", 0);
    while (at < len) {
        const char *begin = memmem(eml + at, len - at, begin_marker, sizeof begin_marker - 1);
        const char *layout, *end;
        size_t pdf_len;
        char *pdf;

        if (begin == NULL) {
            buf_put(&out, eml + at, len - at);
            break;
        }
        buf_put(&out, eml + at, (size_t)(begin - (eml + at)));
        layout = begin + sizeof begin_marker - 1;
        end = memmem(layout, len - (size_t)(layout - eml), end_marker, sizeof end_marker - 1);
        if (end == NULL) {
            free(out.data);
            return NULL;
        }
        pdf = textpdf_render(layout, (size_t)(end - layout), &pdf_len);
        put_base64(&out, (const unsigned char *)pdf, pdf_len);
        free(pdf);
        at = (size_t)(end - eml) + sizeof end_marker - 1;
    }
    *out_len = out.len;
    return out.data;
}
