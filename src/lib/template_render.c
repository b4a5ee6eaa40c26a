/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * template_render.c - a reminder rendered from its template (see
 * template.h): sections expanded, the Markdown parsed once by cmark, then
 * the subject, the text/plain part (template_text.c) and the HTML part
 * (template_html.c). Apart from the template engine (template.c) so that
 * the renderers may use the engine without the engine using them.
 */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "lib/template_internal.h"

void rendered_free(struct rendered *r)
{
    free(r->subject);
    free(r->text);
    free(r->html);
    memset(r, 0, sizeof *r);
}

static char *render_subject(struct render *r, const char *expanded)
{
    struct strbuf sb;
    char *subject;

    strbuf_init(&sb);
    template_substitute(r, expanded, &sb);
    subject = strbuf_detach(&sb);
    str_squeeze_spaces(subject);
    return subject;
}

bool template_render(const struct template *t, const struct template_vars *vars, enum language lang,
                     enum template_colour colour, struct rendered *out, char *why, size_t whylen)
{
    struct render r = {vars, FORMAT_TEXT, {NULL, 0, 0}, false, ""};
    struct strbuf subject, body, text, html;
    cmark_node *doc;

    memset(out, 0, sizeof *out);
    strbuf_init(&body); /* freed below even when the subject fails first */
    if (!template_expand(t->subject, vars, &subject, why, whylen) ||
        !template_expand(t->body, vars, &body, why, whylen)) {
        strbuf_free(&subject);
        strbuf_free(&body);
        return false;
    }
    doc = cmark_parse_document(body.data, body.len, CMARK_OPT_DEFAULT);
    cmark_consolidate_text_nodes(doc);
    out->subject = render_subject(&r, subject.data);
    strbuf_init(&text);
    template_text_body(&r, doc, &text);
    r.fmt = FORMAT_HTML;
    strbuf_init(&html);
    template_html_document(&r, doc, t, out->subject, lang, colour, &html);
    cmark_node_free(doc);
    strbuf_free(&subject);
    strbuf_free(&body);
    out->text = strbuf_detach(&text);
    out->html = strbuf_detach(&html);
    if (r.failed) {
        str_copy(why, whylen, r.why);
        rendered_free(out);
        return false;
    }
    return true;
}
