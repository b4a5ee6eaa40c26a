/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * template_text.c - the text/plain part of a reminder, rendered from
 * cmark's tree of the template (see template_internal.h): paragraphs
 * wrapped at TEMPLATE_TEXT_WIDTH columns, lists and quotes with their
 * prefixes on every line, headings underlined, tables in aligned columns.
 */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/template_internal.h"
#include "lib/utf8.h"

/* Display width of UTF-8 text: one column per character. */
static size_t text_width(const char *s, size_t len)
{
    return utf8_chars(s, len);
}

static void pad(struct strbuf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        strbuf_putc(out, ' ');
}

static void rtrim_line(struct strbuf *out)
{
    while (out->len > 0 && out->data[out->len - 1] == ' ')
        out->data[--out->len] = '\0';
}

static void text_table_rule(struct strbuf *out, const char *prefix, const size_t *widths, size_t columns)
{
    strbuf_puts(out, prefix);
    for (size_t c = 0; c < columns; c++) {
        if (c)
            strbuf_puts(out, "  ");
        for (size_t i = 0; i < widths[c]; i++)
            strbuf_putc(out, '-');
    }
    strbuf_putc(out, '\n');
}

static void text_table(const struct template_table *t, const char *prefix, struct strbuf *out)
{
    size_t widths[TEMPLATE_TABLE_MAX_COLUMNS] = {0};
    size_t rows = template_table_rows(t);

    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < t->columns; c++) {
            size_t w = text_width(template_table_cell(t, r, c), strlen(template_table_cell(t, r, c)));
            if (w > widths[c])
                widths[c] = w;
        }
    for (size_t r = 0; r < rows; r++) {
        if (r == 1 || (t->total_rows > 0 && r == rows - t->total_rows))
            text_table_rule(out, prefix, widths, t->columns);
        strbuf_puts(out, prefix);
        for (size_t c = 0; c < t->columns; c++) {
            const char *s = template_table_cell(t, r, c);
            size_t gap = widths[c] - text_width(s, strlen(s));
            if (c)
                strbuf_puts(out, "  ");
            if (t->right[c])
                pad(out, gap);
            strbuf_puts(out, s);
            if (!t->right[c])
                pad(out, gap);
        }
        rtrim_line(out);
        strbuf_putc(out, '\n');
    }
}

static void text_inlines(struct render *r, cmark_node *node, struct strbuf *out);

static void text_inline(struct render *r, cmark_node *n, struct strbuf *out)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
        template_substitute(r, cmark_node_get_literal(n), out);
        break;
    case CMARK_NODE_SOFTBREAK:
        strbuf_putc(out, ' ');
        break;
    case CMARK_NODE_LINEBREAK:
        strbuf_putc(out, '\n');
        break;
    case CMARK_NODE_LINK: {
        struct strbuf label, url;
        strbuf_init(&label);
        strbuf_init(&url);
        text_inlines(r, n, &label);
        template_substitute(r, cmark_node_get_url(n) ? cmark_node_get_url(n) : "", &url);
        strbuf_puts(out, label.data ? label.data : "");
        if (url.len && (label.data == NULL || strcmp(label.data, url.data) != 0) &&
            !(strncmp(url.data, "mailto:", 7) == 0 && label.data && strcmp(label.data, url.data + 7) == 0))
            strbuf_printf(out, " <%s>", url.data);
        strbuf_free(&label);
        strbuf_free(&url);
        break;
    }
    case CMARK_NODE_HTML_INLINE:
        break;
    default: /* emphasis, strong, image: their text */
        text_inlines(r, n, out);
    }
}

static void text_inlines(struct render *r, cmark_node *node, struct strbuf *out)
{
    for (cmark_node *n = cmark_node_first_child(node); n; n = cmark_node_next(n))
        text_inline(r, n, out);
}

/* Appends words to out, wrapped at the width; prefixes start each line. */
static void wrap_line(const char *line, size_t len, const char *first, const char *rest, struct strbuf *out)
{
    size_t width = TEMPLATE_TEXT_WIDTH, col = 0;
    const char *prefix = first;
    size_t i = 0;
    bool line_open = false;

    while (i < len) {
        size_t start, wlen, w;
        while (i < len && line[i] == ' ')
            i++;
        if (i >= len)
            break;
        start = i;
        while (i < len && line[i] != ' ')
            i++;
        wlen = i - start;
        w = text_width(line + start, wlen);
        if (line_open && col + 1 + w > width) {
            strbuf_putc(out, '\n');
            prefix = rest;
            line_open = false;
        }
        if (!line_open) {
            strbuf_puts(out, prefix);
            col = text_width(prefix, strlen(prefix));
            line_open = true;
        } else {
            strbuf_putc(out, ' ');
            col++;
        }
        strbuf_append(out, line + start, wlen);
        col += w;
    }
    if (!line_open)
        strbuf_puts(out, first);
    rtrim_line(out);
    strbuf_putc(out, '\n');
}

static void wrap_paragraph(const char *text, const char *first, const char *rest, struct strbuf *out)
{
    const char *p = text;
    bool is_first = true;

    for (;;) {
        size_t len = strcspn(p, "\n");
        wrap_line(p, len, is_first ? first : rest, rest, out);
        is_first = false;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
}

static void text_block(struct render *r, cmark_node *n, const char *first, const char *rest, struct strbuf *out);

static void text_children(struct render *r, cmark_node *parent, const char *first, const char *rest, bool tight,
                          struct strbuf *out)
{
    bool first_child = true;

    for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
        if (cmark_node_get_type(c) == CMARK_NODE_HTML_BLOCK)
            continue;
        if (!first_child && !tight) {
            strbuf_puts(out, rest);
            rtrim_line(out);
            strbuf_putc(out, '\n');
        }
        text_block(r, c, first_child ? first : rest, rest, out);
        first_child = false;
    }
}

static void text_list(struct render *r, cmark_node *list, const char *prefix, struct strbuf *out)
{
    bool ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    bool tight = cmark_node_get_list_tight(list);
    int number = ordered ? cmark_node_get_list_start(list) : 0;

    for (cmark_node *item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
        char bullet[16], *first, *rest;
        if (ordered)
            snprintf(bullet, sizeof bullet, "%d. ", number++);
        else
            snprintf(bullet, sizeof bullet, "- ");
        first = xasprintf("%s%s", prefix, bullet);
        rest = xasprintf("%s%*s", prefix, (int)strlen(bullet), "");
        if (item != cmark_node_first_child(list) && !tight)
            strbuf_putc(out, '\n');
        text_children(r, item, first, rest, tight, out);
        free(first);
        free(rest);
    }
}

static void text_heading(struct render *r, cmark_node *n, const char *prefix, struct strbuf *out)
{
    struct strbuf title;
    size_t w;

    strbuf_init(&title);
    text_inlines(r, n, &title);
    strbuf_printf(out, "%s%s\n%s", prefix, title.data ? title.data : "", prefix);
    w = title.data ? text_width(title.data, title.len) : 0;
    for (size_t i = 0; i < w; i++)
        strbuf_putc(out, cmark_node_get_heading_level(n) == 1 ? '=' : '-');
    strbuf_putc(out, '\n');
    strbuf_free(&title);
}

static void text_block(struct render *r, cmark_node *n, const char *first, const char *rest, struct strbuf *out)
{
    const struct template_table *table;
    const char *src, *alt;
    struct strbuf sb;

    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        if ((table = template_lone_block(r, n)) != NULL) {
            text_table(table, rest, out);
            break;
        }
        if (template_lone_image(r, n, &src, &alt)) {
            /* The text part has no image: its words stand for it. */
            wrap_paragraph(alt, first, rest, out);
            break;
        }
        strbuf_init(&sb);
        text_inlines(r, n, &sb);
        wrap_paragraph(sb.data ? sb.data : "", first, rest, out);
        strbuf_free(&sb);
        break;
    case CMARK_NODE_HEADING:
        text_heading(r, n, first, out);
        break;
    case CMARK_NODE_LIST:
        text_list(r, n, first, out);
        break;
    case CMARK_NODE_BLOCK_QUOTE: {
        char *qf = xasprintf("%s> ", first), *qr = xasprintf("%s> ", rest);
        text_children(r, n, qf, qr, false, out);
        free(qf);
        free(qr);
        break;
    }
    case CMARK_NODE_CODE_BLOCK: {
        const char *p;
        strbuf_init(&sb);
        template_substitute(r, cmark_node_get_literal(n), &sb);
        p = sb.data ? sb.data : "";
        while (*p) {
            size_t len = strcspn(p, "\n");
            strbuf_printf(out, "%s    %.*s\n", rest, (int)len, p);
            p += len + (p[len] == '\n');
        }
        strbuf_free(&sb);
        break;
    }
    case CMARK_NODE_THEMATIC_BREAK:
        strbuf_printf(out, "%s----------\n", first);
        break;
    default:
        text_children(r, n, first, rest, false, out);
    }
}

void template_text_body(struct render *r, cmark_node *doc, struct strbuf *out)
{
    text_children(r, doc, "", "", false, out);
}
