/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * template_html.c - the HTML part of a reminder, rendered from cmark's
 * tree of the template (see template_internal.h): a whole document with
 * inline styles, the coloured sticker on top, tables for block variables.
 * Every value is escaped, links go only to http, https and mailto URLs,
 * and raw HTML in a template is dropped.
 */
#include <cmark.h>
#include <string.h>

#include "lib/template_internal.h"

static const char *const colours[] = {"#2e7d32", "#e65100", "#c62828"};

#define CELL_STYLE "padding:4px 12px;"

static void html_table(const struct template_table *t, struct strbuf *out)
{
    size_t rows = template_table_rows(t);

    strbuf_puts(out, "<table style=\"border-collapse:collapse;margin:12px 0\">\n");
    for (size_t r = 0; r < rows; r++) {
        bool header = r == 0, total = t->total_rows > 0 && r >= rows - t->total_rows;
        strbuf_puts(out, total ? "<tr style=\"font-weight:bold\">" : "<tr>");
        for (size_t c = 0; c < t->columns; c++) {
            strbuf_printf(out, "<%s style=\"" CELL_STYLE "text-align:%s;%s\">", header ? "th" : "td",
                          t->right[c] ? "right" : "left",
                          header ? "border-bottom:1px solid #999999"
                          : total && r == rows - t->total_rows ? "border-top:1px solid #999999"
                                                               : "");
            template_html_escape(out, template_table_cell(t, r, c));
            strbuf_puts(out, header ? "</th>" : "</td>");
        }
        strbuf_puts(out, "</tr>\n");
    }
    strbuf_puts(out, "</table>\n");
}

/* An image of the message itself (multipart/related): no source outside
 * it is ever fetched by the reader's mail client. */
static void html_image(const char *src, const char *alt, struct strbuf *out)
{
    if (strncmp(src, "cid:", 4) != 0 || src[4] == '\0')
        return;
    strbuf_puts(out, "<p><img src=\"");
    template_html_escape(out, src);
    strbuf_puts(out, "\" alt=\"");
    template_html_escape(out, alt);
    strbuf_puts(out, "\" style=\"display:block;border:0\"></p>\n");
}

static bool url_allowed(const char *url)
{
    return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0 || strncmp(url, "mailto:", 7) == 0;
}

static void html_inlines(struct render *r, cmark_node *node, struct strbuf *out);

static void html_link(struct render *r, cmark_node *n, struct strbuf *out)
{
    struct strbuf url;
    struct render plain = *r;

    /* The URL is substituted raw, then escaped once as an attribute. */
    plain.fmt = FORMAT_TEXT;
    strbuf_init(&url);
    template_substitute(&plain, cmark_node_get_url(n) ? cmark_node_get_url(n) : "", &url);
    if (plain.failed)
        template_render_fail(r, "%s", plain.why);
    if (url.data && url_allowed(url.data)) {
        strbuf_puts(out, "<a href=\"");
        template_html_escape(out, url.data);
        strbuf_puts(out, "\">");
        html_inlines(r, n, out);
        strbuf_puts(out, "</a>");
    } else {
        html_inlines(r, n, out);
    }
    strbuf_free(&url);
}

static void html_inline(struct render *r, cmark_node *n, struct strbuf *out)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
        template_substitute(r, cmark_node_get_literal(n), out);
        break;
    case CMARK_NODE_CODE:
        strbuf_puts(out, "<code>");
        template_substitute(r, cmark_node_get_literal(n), out);
        strbuf_puts(out, "</code>");
        break;
    case CMARK_NODE_SOFTBREAK:
        strbuf_putc(out, '\n');
        break;
    case CMARK_NODE_LINEBREAK:
        strbuf_puts(out, "<br>\n");
        break;
    case CMARK_NODE_EMPH:
        strbuf_puts(out, "<em>");
        html_inlines(r, n, out);
        strbuf_puts(out, "</em>");
        break;
    case CMARK_NODE_STRONG:
        strbuf_puts(out, "<strong>");
        html_inlines(r, n, out);
        strbuf_puts(out, "</strong>");
        break;
    case CMARK_NODE_LINK:
        html_link(r, n, out);
        break;
    case CMARK_NODE_HTML_INLINE:
        break;
    default:
        html_inlines(r, n, out);
    }
}

static void html_inlines(struct render *r, cmark_node *node, struct strbuf *out)
{
    for (cmark_node *n = cmark_node_first_child(node); n; n = cmark_node_next(n))
        html_inline(r, n, out);
}

static void html_blocks(struct render *r, cmark_node *parent, bool tight, struct strbuf *out);

static void html_block(struct render *r, cmark_node *n, bool tight, struct strbuf *out)
{
    const struct template_table *table;
    const char *src, *alt;

    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        if ((table = template_lone_block(r, n)) != NULL) {
            html_table(table, out);
        } else if (template_lone_image(r, n, &src, &alt)) {
            html_image(src, alt, out);
        } else if (tight) {
            html_inlines(r, n, out);
        } else {
            strbuf_puts(out, "<p>");
            html_inlines(r, n, out);
            strbuf_puts(out, "</p>\n");
        }
        break;
    case CMARK_NODE_HEADING:
        strbuf_printf(out, "<h%d>", cmark_node_get_heading_level(n));
        html_inlines(r, n, out);
        strbuf_printf(out, "</h%d>\n", cmark_node_get_heading_level(n));
        break;
    case CMARK_NODE_LIST: {
        bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
        strbuf_puts(out, ordered ? "<ol>\n" : "<ul>\n");
        for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
            strbuf_puts(out, "<li>");
            html_blocks(r, item, cmark_node_get_list_tight(n), out);
            strbuf_puts(out, "</li>\n");
        }
        strbuf_puts(out, ordered ? "</ol>\n" : "</ul>\n");
        break;
    }
    case CMARK_NODE_BLOCK_QUOTE:
        strbuf_puts(out, "<blockquote>\n");
        html_blocks(r, n, false, out);
        strbuf_puts(out, "</blockquote>\n");
        break;
    case CMARK_NODE_CODE_BLOCK:
        strbuf_puts(out, "<pre><code>");
        template_substitute(r, cmark_node_get_literal(n), out);
        strbuf_puts(out, "</code></pre>\n");
        break;
    case CMARK_NODE_THEMATIC_BREAK:
        strbuf_puts(out, "<hr>\n");
        break;
    case CMARK_NODE_HTML_BLOCK:
        break;
    default:
        html_blocks(r, n, false, out);
    }
}

static void html_blocks(struct render *r, cmark_node *parent, bool tight, struct strbuf *out)
{
    for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c))
        html_block(r, c, tight, out);
}

void template_html_document(struct render *r, cmark_node *doc, const struct template *t, const char *subject,
                            enum language lang, enum template_colour colour, struct strbuf *out)
{
    strbuf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
                  language_code(lang));
    template_html_escape(out, subject);
    strbuf_puts(out, "</title>\n</head>\n<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;"
                     "line-height:1.5;color:#222222;max-width:680px\">\n");
    if (t->sticker) {
        strbuf_printf(out, "<p><span style=\"display:inline-block;padding:4px 14px;border-radius:14px;"
                           "background:%s;color:#ffffff;font-weight:bold\">",
                      colours[(unsigned)colour < ARRAY_LEN(colours) ? colour : TEMPLATE_RED]);
        template_substitute(r, t->sticker, out);
        strbuf_puts(out, "</span></p>\n");
    }
    html_blocks(r, doc, false, out);
    strbuf_puts(out, "</body>\n</html>\n");
}
