/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * textpdf.h - test support: small PDFs made from a text layout, as an
 * invoicing tool or a word processor exports them (standard Helvetica
 * fonts, WinAnsi encoding, text placed line by line and in columns), and
 * .eml test files whose PDF attachments are written as such layouts.
 *
 * Layout: one line of text per line, top to bottom. Within a line,
 * "{@N}" moves to N points from the left edge (a column), "{B}" sets the
 * rest of the line in bold, "{H}" makes the line a bold 16-point title,
 * "{S}" a 7-point footer line; a line "{PAGE}" starts a new page. Text is
 * UTF-8; what Windows-1252 cannot show becomes '?'.
 *
 * In an .eml, a part's body written as
 *     %%PDF-LAYOUT
 *     ... layout ...
 *     %%END-PDF-LAYOUT
 * is replaced by the base64 of the rendered PDF (the part's headers say
 * application/pdf and base64). libc only: the same file is built into
 * the unit tests and into tests/tools/eml_render.
 */
#ifndef RELANCE_TEST_TEXTPDF_H
#define RELANCE_TEST_TEXTPDF_H

#include <stddef.h>

/* The PDF for a layout; malloc'ed, its size in *out_len. */
char *textpdf_render(const char *layout, size_t len, size_t *out_len);

/* The same PDF carrying one embedded file (uncompressed), as a Factur-X
 * carries its XML: name is written as a PDF literal string, so it holds
 * no parenthesis or backslash. */
char *textpdf_render_attached(const char *layout, size_t len, const char *name, const char *file, size_t file_len,
                              size_t *out_len);

/* The .eml with every layout block rendered; malloc'ed, NUL-terminated,
 * its size in *out_len. NULL when a block is not closed. */
char *textpdf_expand_eml(const char *eml, size_t len, size_t *out_len);

#endif
