/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * letter.h - the printable letter of a step (agency letter, agency formal
 * notice): an A4 PDF drawn with cairo, for the creditor or the agency to
 * print and post (by registered letter for a formal notice).
 *
 * Layout: sender block top left, recipient block (name, postal address)
 * in the window of a French DL/C5-6 window envelope (letter.c gives the
 * measures), place and date, the object line, then the
 * body: the reminder's text part in a fixed-width font, so that its amount
 * tables stay aligned, and the payment QR code where the body names it. Fonts come from fontconfig (DejaVu: fonts-dejavu-core).
 * It draws; it does not decide which steps need a letter.
 */
#ifndef RELANCE_LETTER_H
#define RELANCE_LETTER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

struct letter {
    struct strlist sender;    /* lines: name, address... */
    struct strlist recipient; /* lines: name, then the postal address */
    const char *place_date;   /* "Le 2 mars 2026" */
    const char *object;       /* "Objet : ..." */
    const char *body;         /* plain text, lines of at most ~80 columns */
    const char *footer;       /* small print at the bottom of each page, or NULL */
    const char *qr_payload;   /* a QR code to draw (the EPC payment QR), or NULL */
    const char *qr_mark;      /* the body line it replaces; not found (or NULL): after the body */
};

/* Writes the PDF at path (mode 0640, replaced atomically). */
bool letter_write_pdf(const struct letter *l, const char *path, char *why, size_t whylen);

#endif
