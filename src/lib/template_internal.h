/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * template_internal.h - what the template's files share and nothing else
 * sees: the render context, placeholder substitution and the two
 * renderers over cmark's tree. The engine (template.c) uses neither
 * renderer; template_render.c puts them together. Private to src/lib: the
 * public API is template.h.
 */
#ifndef RELANCE_TEMPLATE_INTERNAL_H
#define RELANCE_TEMPLATE_INTERNAL_H

#include <cmark.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/lang.h"
#include "lib/template.h"
#include "lib/util.h"

enum format { FORMAT_TEXT, FORMAT_HTML };

/* One rendering: the values, the format placeholders are escaped for,
 * and the first error met (rendering goes on to the end; the first error
 * is the one reported). */
struct render {
    const struct template_vars *vars;
    enum format fmt;
    struct strbuf out;
    bool failed;
    char why[200];
};

/* ---- template.c ---- */

size_t template_table_rows(const struct template_table *t);
const char *template_table_cell(const struct template_table *t, size_t row, size_t col);

/* Expands the sections of text into out (initialised here) by the flags
 * of vars; false with the reason in why. */
bool template_expand(const char *text, const struct template_vars *vars, struct strbuf *out, char *why,
                     size_t whylen);

void template_render_fail(struct render *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends text with its placeholders replaced, escaped for r->fmt. */
void template_substitute(struct render *r, const char *text, struct strbuf *out);
/* The table of a paragraph holding only "{{name}}" of a block variable. */
const struct template_table *template_lone_block(const struct render *r, cmark_node *para);
/* The image of a paragraph holding only "{{name}}" of an image variable. */
bool template_lone_image(const struct render *r, cmark_node *para, const char **src, const char **alt);

/* ---- the renderers ---- */

/* The text/plain part of document doc (template_text.c). */
void template_text_body(struct render *r, cmark_node *doc, struct strbuf *out);
/* The HTML part, a whole document titled subject (template_html.c). */
void template_html_document(struct render *r, cmark_node *doc, const struct template *t, const char *subject,
                            enum language lang, enum template_colour colour, struct strbuf *out);

#endif
