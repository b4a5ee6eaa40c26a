/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * letter.c - the printable letter as a PDF (see letter.h), with cairo's
 * PDF surface and its "toy" text API: enough for a plain business letter,
 * no layout engine.
 */
#include "lib/letter.h"
#include "lib/qr.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A4 in points, 2 cm margins. */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 56.7
#define BODY_SIZE 9.5
#define BODY_LEAD 12.5
#define HEAD_SIZE 10.5
#define HEAD_LEAD 14.0
#define FOOTER_SIZE 7.5
#define MM(x) ((x) * 72.0 / 25.4)
/* A QR module of 0.7 mm: a payment QR code (about 50 modules and its
 * quiet zone) is 4 cm wide, easy for a phone and for a 150 dpi scan. */
#define QR_MODULE MM(0.7)

/*
 * The recipient's block sits where a French window envelope shows it. A
 * DL (110 x 220 mm) or C5/6 envelope has its 45 x 100 mm window 20 mm from
 * the right edge and 15 mm from the bottom (La Poste, NF EN ISO 269 /
 * NF Z10-011 window position); the A4 sheet folded in three (99 mm
 * panels) sits with a few millimetres of play, so the window covers about
 * 100..200 mm from the sheet's left edge and 45..90 mm from its top.
 * Chosen: the block starts 100 mm from the left edge, its first line's
 * baseline 50 mm from the top (cap height above it: the block's top is at
 * about 47 mm), lines 14 pt (4.9 mm) apart: name and six address lines
 * (NF Z10-011's maximum) end by 80 mm, inside the window. The sender's
 * block stays top left, above the window's height, where it cannot show
 * through it.
 */
#define WINDOW_X MM(100.0)
#define WINDOW_FIRST_BASELINE MM(50.0)
#define WINDOW_MAX_LINES 7
#define DATE_Y MM(97.0)

struct page {
    cairo_t *cr;
    double y;
    int number;
    const struct letter *letter;
};

static void set_font(cairo_t *cr, const char *family, bool bold, double size)
{
    cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static void draw_text(cairo_t *cr, double x, double y, const char *text)
{
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, text);
}

static void draw_footer(struct page *p)
{
    char number[32];

    set_font(p->cr, "DejaVu Sans", false, FOOTER_SIZE);
    if (p->letter->footer)
        draw_text(p->cr, MARGIN, PAGE_H - MARGIN / 2, p->letter->footer);
    snprintf(number, sizeof number, "%d", p->number);
    draw_text(p->cr, PAGE_W - MARGIN - 10, PAGE_H - MARGIN / 2, number);
}

static void next_page(struct page *p)
{
    draw_footer(p);
    cairo_show_page(p->cr);
    p->number++;
    p->y = MARGIN + BODY_LEAD;
}

static void draw_block(cairo_t *cr, const struct strlist *lines, double x, double y, bool bold_first)
{
    for (size_t i = 0; i < lines->count; i++) {
        set_font(cr, "DejaVu Sans", bold_first && i == 0, HEAD_SIZE);
        draw_text(cr, x, y + (double)i * HEAD_LEAD, lines->items[i]);
    }
}

static void draw_head(struct page *p)
{
    const struct letter *l = p->letter;
    struct strlist window;
    double y = MARGIN + HEAD_LEAD;

    draw_block(p->cr, &l->sender, MARGIN, y, true);
    /* Lines beyond the window's height are left out rather than printed
     * where the envelope hides them (postal_address keeps six at most). */
    window = l->recipient;
    if (window.count > WINDOW_MAX_LINES)
        window.count = WINDOW_MAX_LINES;
    draw_block(p->cr, &window, WINDOW_X, WINDOW_FIRST_BASELINE, true);
    y = DATE_Y;
    set_font(p->cr, "DejaVu Sans", false, HEAD_SIZE);
    draw_text(p->cr, WINDOW_X, y, l->place_date ? l->place_date : "");
    y += HEAD_LEAD * 2.5;
    set_font(p->cr, "DejaVu Sans", true, HEAD_SIZE);
    draw_text(p->cr, MARGIN, y, l->object ? l->object : "");
    p->y = y + HEAD_LEAD * 2;
}

/* The QR code at the current line, on the next page when it does not fit. */
static void draw_qr(struct page *p, const struct qr_code *q)
{
    double side = (q->width + 2 * QR_QUIET_MODULES) * QR_MODULE;

    if (p->y - BODY_LEAD + side > PAGE_H - MARGIN - BODY_LEAD)
        next_page(p);
    qr_draw(p->cr, q, MARGIN, p->y - BODY_LEAD, QR_MODULE);
    p->y += side;
}

static bool is_mark(const char *line, const char *mark)
{
    while (*line == ' ')
        line++;
    return mark && mark[0] && strncmp(line, mark, strlen(mark)) == 0 && line[strlen(mark)] == '\0';
}

static void draw_body(struct page *p)
{
    const char *s = p->letter->body ? p->letter->body : "";
    struct qr_code q = {0, NULL};
    bool qr = p->letter->qr_payload && qr_encode(p->letter->qr_payload, strlen(p->letter->qr_payload), &q);

    while (*s) {
        size_t len = strcspn(s, "\n");
        char *line = xstrndup(s, len);
        s += len + (s[len] == '\n');
        if (qr && is_mark(line, p->letter->qr_mark)) {
            draw_qr(p, &q);
            qr = false;
            free(line);
            continue;
        }
        if (p->y > PAGE_H - MARGIN - BODY_LEAD)
            next_page(p);
        set_font(p->cr, "DejaVu Sans Mono", false, BODY_SIZE);
        draw_text(p->cr, MARGIN, p->y, line);
        p->y += BODY_LEAD;
        free(line);
    }
    if (qr) {
        p->y += BODY_LEAD;
        draw_qr(p, &q);
    }
    qr_free(&q);
}

bool letter_write_pdf(const struct letter *l, const char *path, char *why, size_t whylen)
{
    char *tmp = xasprintf("%s.tmp", path);
    cairo_surface_t *surface = cairo_pdf_surface_create(tmp, PAGE_W, PAGE_H);
    struct page p = {NULL, 0, 1, l};
    cairo_status_t status;

    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        str_format(why, whylen, "cannot create %s: %s", tmp, cairo_status_to_string(cairo_surface_status(surface)));
        cairo_surface_destroy(surface);
        free(tmp);
        return false;
    }
    p.cr = cairo_create(surface);
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    draw_head(&p);
    draw_body(&p);
    draw_footer(&p);
    cairo_show_page(p.cr);
    status = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS || chmod(tmp, 0640) != 0 || rename(tmp, path) != 0) {
        str_format(why, whylen, "cannot write %s: %s", path,
                   status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(status) : strerror(errno));
        unlink(tmp);
        free(tmp);
        return false;
    }
    free(tmp);
    return true;
}
