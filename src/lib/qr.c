/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * qr.c - QR codes with libqrencode, drawn with cairo (see qr.h).
 */
#include "lib/qr.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

bool qr_encode(const char *data, size_t len, struct qr_code *out)
{
    QRcode *code;
    size_t n;

    memset(out, 0, sizeof *out);
    if (len == 0 || len > 2048)
        return false;
    /* Version 0: the smallest that holds the data; level M (EPC069-12). */
    code = QRcode_encodeData((int)len, (const unsigned char *)data, 0, QR_ECLEVEL_M);
    if (code == NULL)
        return false;
    out->width = code->width;
    n = (size_t)code->width * (size_t)code->width;
    out->dark = xmalloc(n);
    /* libqrencode's bit 0 is the module's colour; the others describe it. */
    for (size_t i = 0; i < n; i++)
        out->dark[i] = code->data[i] & 1;
    QRcode_free(code);
    return true;
}

void qr_free(struct qr_code *q)
{
    free(q->dark);
    memset(q, 0, sizeof *q);
}

void qr_draw(cairo_t *cr, const struct qr_code *q, double x, double y, double module)
{
    double side = (q->width + 2 * QR_QUIET_MODULES) * module;

    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, side, side);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    x += QR_QUIET_MODULES * module;
    y += QR_QUIET_MODULES * module;
    for (int row = 0; row < q->width; row++)
        for (int col = 0; col < q->width; col++)
            if (q->dark[(size_t)row * (size_t)q->width + (size_t)col])
                cairo_rectangle(cr, x + col * module, y + row * module, module, module);
    /* Squares that touch are filled as one path: no hairline between them. */
    cairo_fill(cr);
    cairo_restore(cr);
}

static cairo_status_t png_append(void *closure, const unsigned char *data, unsigned int length)
{
    strbuf_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

bool qr_png(const struct qr_code *q, int scale, char **png, size_t *len)
{
    int side = (q->width + 2 * QR_QUIET_MODULES) * scale;
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    cairo_t *cr = cairo_create(surface);
    struct strbuf sb;
    cairo_status_t status;

    /* Whole pixels per module and no smoothing: crisp edges to scan. */
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    qr_draw(cr, q, 0, 0, scale);
    cairo_destroy(cr);
    strbuf_init(&sb);
    status = cairo_surface_write_to_png_stream(surface, png_append, &sb);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS || sb.len == 0) {
        strbuf_free(&sb);
        return false;
    }
    *len = sb.len;
    *png = strbuf_detach(&sb);
    return true;
}
