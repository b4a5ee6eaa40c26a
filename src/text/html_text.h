/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * html_text.h - HTML mail bodies turned into plain text.
 *
 * Scripts, styles, the head and comments are dropped; block elements
 * (paragraphs, divisions, headings, list items, table rows, <br>) end
 * lines; table cells on one row are kept on one line, two spaces apart;
 * entities are decoded (named ones a mail uses, decimal and hexadecimal
 * references); white space collapses as a browser would, except inside
 * <pre>. Quoted text keeps its nesting: each line inside n <blockquote>
 * elements starts with n "> " marks, so that a reader of replies can tell
 * quoted text from new text. This is no HTML parser: it never builds a
 * tree and never fails, whatever the input.
 */
#ifndef RELANCE_HTML_TEXT_H
#define RELANCE_HTML_TEXT_H

#include <stddef.h>

/* Deepest quote nesting marked; deeper quotes get this many marks. */
#define HTML_TEXT_MAX_QUOTE_DEPTH 16

/* Text of len bytes of UTF-8 HTML, at most max_out bytes long (cut at a
 * character boundary). Owned by the caller. */
char *html_to_text(const char *html, size_t len, size_t max_out);

#endif
