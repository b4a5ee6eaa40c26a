/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * qr.h - a QR code (libqrencode: 8-bit data, error correction level M, as
 * the EPC069-12 payment QR wants), written as a PNG for an e-mail's inline
 * image or drawn with cairo into a letter.
 *
 * It draws what it is given; the payload is core/payment.c's.
 */
#ifndef RELANCE_QR_H
#define RELANCE_QR_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

/* The quiet zone around the symbol, in modules (ISO/IEC 18004: 4). */
#define QR_QUIET_MODULES 4

struct qr_code {
    int width;               /* modules per side, without the quiet zone */
    unsigned char *dark;     /* width * width, row by row: 1 dark, 0 light */
};

/* False when the data does not fit a QR code or libqrencode fails. */
bool qr_encode(const char *data, size_t len, struct qr_code *out);
void qr_free(struct qr_code *q);
/* Draws the symbol with its quiet zone, top left at (x, y), each module a
 * square of `module` user units; black on white. */
void qr_draw(cairo_t *cr, const struct qr_code *q, double x, double y, double module);
/* The symbol as a PNG, `scale` pixels a module, quiet zone included;
 * *png is the caller's (free). False when cairo fails. */
bool qr_png(const struct qr_code *q, int scale, char **png, size_t *len);

#endif
