/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * template.h - reminder templates: loading, variables, rendering.
 *
 * A template is a small text file, one per step and language
 * (TemplateDirectory/fr/rappel.md):
 *
 *   Subject: Facture {{invoice_numbers}} : rappel d'échéance
 *   Sticker: Rappel
 *                                  <- a blank line ends the header lines
 *   Bonjour,
 *
 *   Markdown (CommonMark) with {{variable}} placeholders...
 *
 *   {{invoices}}                   <- a block variable, alone in its paragraph
 *
 *   {{#business}}Only for business debtors.{{/business}}
 *   {{^business}}Only for the others.{{/business}}
 *
 * Subject is required; Sticker (the coloured label on top of the HTML part)
 * is optional. Sections test a flag; a section tag alone on its line takes
 * the line with it. Rendering gives the subject, a text/plain body (wrapped
 * at 72 columns) and an HTML body, each value escaped for its format. An
 * unknown variable or flag is an error, so that a typo never reaches a
 * debtor as "{{totl}}".
 *
 * It renders; it does not choose the template, the values or the step.
 */
#ifndef RELANCE_TEMPLATE_H
#define RELANCE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/lang.h"
#include "lib/util.h"

#define TEMPLATE_MAX_SIZE (64 * 1024)
#define TEMPLATE_TEXT_WIDTH 72

/* A table for a block variable: rows of cells, a header row first. */
#define TEMPLATE_TABLE_MAX_COLUMNS 6

struct template_table {
    size_t columns;
    bool right[TEMPLATE_TABLE_MAX_COLUMNS]; /* right-aligned (amounts) */
    struct strlist cells;                   /* row by row, `columns` per row; row 0 is the header */
    size_t total_rows;                      /* the last rows are totals (set apart, bold) */
};

void template_table_init(struct template_table *t, size_t columns);
void template_table_free(struct template_table *t);
/* Adds one row of `columns` cells. */
void template_table_row(struct template_table *t, const char *const *cells);

struct template_var;

struct template_vars {
    struct template_var *items;
    size_t count;
};

void template_vars_init(struct template_vars *v);
void template_vars_free(struct template_vars *v);
/* Sets a text value (replacing an earlier one). */
void template_set(struct template_vars *v, const char *name, const char *value);
void template_setf(struct template_vars *v, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets a flag for {{#name}} sections. */
void template_set_flag(struct template_vars *v, const char *name, bool on);
/* Sets a block variable; the table is moved into v (t is left empty). */
void template_set_table(struct template_vars *v, const char *name, struct template_table *t);
/* Sets an image block variable, alone in its paragraph like a table: in
 * the HTML part an <img> of src (only "cid:" sources, the message's own
 * parts), in the text part the alt text. */
void template_set_image(struct template_vars *v, const char *name, const char *src, const char *alt);

struct template {
    char *subject;
    char *sticker; /* may be NULL */
    char *body;    /* Markdown with placeholders */
};

/* Parses template text; name is used in errors. */
bool template_parse(const char *name, const char *text, struct template *out, char *why, size_t whylen);
/* Loads DIR/LANG/NAME.md. */
bool template_load(const char *dir, enum language lang, const char *name, struct template *out, char *why,
                   size_t whylen);
void template_free(struct template *t);

/* Colours of the HTML sticker. */
enum template_colour {
    TEMPLATE_GREEN = 0,
    TEMPLATE_ORANGE,
    TEMPLATE_RED,
};

struct rendered {
    char *subject;
    char *text;
    char *html;
};

bool template_render(const struct template *t, const struct template_vars *vars, enum language lang,
                     enum template_colour colour, struct rendered *out, char *why, size_t whylen);
void rendered_free(struct rendered *r);

/* Appends s escaped for HTML text and attributes. */
void template_html_escape(struct strbuf *out, const char *s);

#endif
