/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * template.c - reminder templates (see template.h): tables and variables,
 * header lines, sections and placeholders. The two renderers over cmark's
 * tree are template_text.c (text/plain) and template_html.c (HTML);
 * template_render.c puts them together.
 *
 * Placeholders are replaced after cmark has parsed the Markdown, inside
 * its text nodes: a value can never turn into Markdown or HTML, whatever
 * it holds ("*", "<script>", "[x](y)"), and every value is escaped in the
 * HTML part. Raw HTML in a template is dropped, as cmark's safe mode does.
 */
#include "lib/template.h"

#include <cmark.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/template_internal.h"

#define NAME_MAX_LEN 40
#define SECTION_DEPTH_MAX 8

enum var_kind { VAR_TEXT, VAR_FLAG, VAR_TABLE, VAR_IMAGE };

struct template_var {
    char *name;
    enum var_kind kind;
    char *text; /* an image's source */
    char *alt;  /* an image's text for the text part */
    bool flag;
    struct template_table table;
};

/* ---- tables ---- */

void template_table_init(struct template_table *t, size_t columns)
{
    memset(t, 0, sizeof *t);
    t->columns = columns < TEMPLATE_TABLE_MAX_COLUMNS ? columns : TEMPLATE_TABLE_MAX_COLUMNS;
    strlist_init(&t->cells);
}

void template_table_free(struct template_table *t)
{
    strlist_free(&t->cells);
    t->columns = 0;
}

void template_table_row(struct template_table *t, const char *const *cells)
{
    for (size_t i = 0; i < t->columns; i++)
        strlist_add(&t->cells, cells[i] ? cells[i] : "");
}

size_t template_table_rows(const struct template_table *t)
{
    return t->columns ? t->cells.count / t->columns : 0;
}

const char *template_table_cell(const struct template_table *t, size_t row, size_t col)
{
    return t->cells.items[row * t->columns + col];
}

/* ---- variables ---- */

void template_vars_init(struct template_vars *v)
{
    v->items = NULL;
    v->count = 0;
}

static void var_clear(struct template_var *var)
{
    free(var->text);
    var->text = NULL;
    free(var->alt);
    var->alt = NULL;
    if (var->kind == VAR_TABLE)
        template_table_free(&var->table);
}

void template_vars_free(struct template_vars *v)
{
    for (size_t i = 0; i < v->count; i++) {
        var_clear(&v->items[i]);
        free(v->items[i].name);
    }
    free(v->items);
    template_vars_init(v);
}

/* Flags and values live apart: "payment_info" may be both the text and
 * the flag saying it is there. */
static struct template_var *var_find(const struct template_vars *v, const char *name, size_t len, bool flag)
{
    for (size_t i = 0; i < v->count; i++)
        if ((v->items[i].kind == VAR_FLAG) == flag && strlen(v->items[i].name) == len &&
            memcmp(v->items[i].name, name, len) == 0)
            return &v->items[i];
    return NULL;
}

static struct template_var *var_slot(struct template_vars *v, const char *name, bool flag)
{
    struct template_var *var = var_find(v, name, strlen(name), flag);

    if (var) {
        var_clear(var);
        return var;
    }
    v->items = xrealloc(v->items, (v->count + 1) * sizeof *v->items);
    var = &v->items[v->count++];
    memset(var, 0, sizeof *var);
    var->name = xstrdup(name);
    return var;
}

/* Values are one line of text: control characters become spaces. */
static char *clean_value(const char *value)
{
    char *copy = xstrdup(value ? value : "");

    for (char *p = copy; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return copy;
}

void template_set(struct template_vars *v, const char *name, const char *value)
{
    struct template_var *var = var_slot(v, name, false);

    var->kind = VAR_TEXT;
    var->text = clean_value(value);
}

void template_setf(struct template_vars *v, const char *name, const char *fmt, ...)
{
    struct strbuf sb;
    va_list ap;

    strbuf_init(&sb);
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    template_set(v, name, sb.data);
    strbuf_free(&sb);
}

void template_set_flag(struct template_vars *v, const char *name, bool on)
{
    struct template_var *var = var_slot(v, name, true);

    var->kind = VAR_FLAG;
    var->flag = on;
}

void template_set_table(struct template_vars *v, const char *name, struct template_table *t)
{
    struct template_var *var = var_slot(v, name, false);

    var->kind = VAR_TABLE;
    var->table = *t;
    template_table_init(t, t->columns);
}

void template_set_image(struct template_vars *v, const char *name, const char *src, const char *alt)
{
    struct template_var *var = var_slot(v, name, false);

    var->kind = VAR_IMAGE;
    var->text = clean_value(src);
    var->alt = clean_value(alt);
}

/* ---- loading ---- */

void template_free(struct template *t)
{
    free(t->subject);
    free(t->sticker);
    free(t->body);
    memset(t, 0, sizeof *t);
}

/* Reads "Key: value" header lines up to the first blank line. */
static bool parse_header_line(const char *line, size_t len, struct template *out, char *why, size_t whylen)
{
    const char *colon = memchr(line, ':', len);
    char *value;

    if (colon == NULL) {
        str_format(why, whylen, "header line without ':' (a blank line must end the header lines)");
        return false;
    }
    value = xstrndup(colon + 1, len - (size_t)(colon + 1 - line));
    str_trim(value);
    if ((size_t)(colon - line) == 7 && strncasecmp(line, "Subject", 7) == 0 && out->subject == NULL) {
        out->subject = value;
    } else if ((size_t)(colon - line) == 7 && strncasecmp(line, "Sticker", 7) == 0 && out->sticker == NULL) {
        out->sticker = value;
    } else {
        str_format(why, whylen, "unknown or repeated header line '%.*s'", (int)(colon - line), line);
        free(value);
        return false;
    }
    return true;
}

bool template_parse(const char *name, const char *text, struct template *out, char *why, size_t whylen)
{
    const char *p = text;
    char reason[200];

    memset(out, 0, sizeof *out);
    if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    while (*p && *p != '\n' && !(*p == '\r' && p[1] == '\n')) {
        size_t len = strcspn(p, "\n");
        size_t trimmed = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
        if (!parse_header_line(p, trimmed, out, reason, sizeof reason)) {
            str_format(why, whylen, "%s: %s", name, reason);
            template_free(out);
            return false;
        }
        p += len + (p[len] == '\n');
    }
    if (out->subject == NULL || out->subject[0] == '\0') {
        str_format(why, whylen, "%s: no Subject line", name);
        template_free(out);
        return false;
    }
    p += *p == '\r' ? 2 : (*p == '\n');
    out->body = xstrdup(p);
    return true;
}

bool template_load(const char *dir, enum language lang, const char *name, struct template *out, char *why,
                   size_t whylen)
{
    char *path = xasprintf("%s/%s/%s.md", dir, language_code(lang), name);
    size_t len;
    char *text = file_read_all(path, TEMPLATE_MAX_SIZE, &len);
    bool ok;

    if (text == NULL) {
        str_format(why, whylen, "cannot read template %s: %s", path, strerror(errno));
        free(path);
        return false;
    }
    ok = memchr(text, '\0', len) == NULL && template_parse(path, text, out, why, whylen);
    if (!ok && memchr(text, '\0', len) != NULL)
        str_format(why, whylen, "%s: not a text file", path);
    free(text);
    free(path);
    return ok;
}

/* ---- sections ---- */

struct tag {
    const char *start, *end; /* the tag "{{#name}}" */
    const char *line_start, *line_end; /* its line when it stands alone, else start/end */
    char kind;               /* '#', '^' or '/' */
    const char *name;
    size_t name_len;
};

static bool read_tag(const char *text, const char *at, const char *limit, struct tag *tag)
{
    const char *close = strstr(at, "}}");
    const char *ls = at, *le;

    if (close == NULL || close > limit)
        return false;
    tag->start = at;
    tag->end = close + 2;
    tag->kind = at[2];
    tag->name = at + 3;
    tag->name_len = (size_t)(close - tag->name);
    while (ls > text && (ls[-1] == ' ' || ls[-1] == '\t'))
        ls--;
    le = tag->end;
    while (le < limit && (*le == ' ' || *le == '\t' || *le == '\r'))
        le++;
    if ((ls == text || ls[-1] == '\n') && (le == limit || *le == '\n')) {
        tag->line_start = ls;
        tag->line_end = le < limit ? le + 1 : le;
    } else {
        tag->line_start = tag->start;
        tag->line_end = tag->end;
    }
    return tag->name_len > 0 && tag->name_len <= NAME_MAX_LEN;
}

/* The next section tag ({{#, {{^ or {{/) at or after p, or NULL. */
static const char *next_section_tag(const char *p, const char *limit)
{
    for (const char *q = strstr(p, "{{"); q && q < limit; q = strstr(q + 2, "{{"))
        if (q[2] == '#' || q[2] == '^' || q[2] == '/')
            return q;
    return NULL;
}

/* Finds the {{/name}} closing open (nested sections of the same name count). */
static bool find_close(const char *text, const struct tag *open, const char *limit, struct tag *close)
{
    int depth = 1;

    for (const char *q = next_section_tag(open->end, limit); q; q = next_section_tag(close->end, limit)) {
        if (!read_tag(text, q, limit, close))
            return false;
        if (close->name_len != open->name_len || memcmp(close->name, open->name, open->name_len) != 0)
            continue;
        depth += close->kind == '/' ? -1 : 1;
        if (depth == 0)
            return true;
    }
    return false;
}

static bool expand_sections(const char *text, const char *from, const char *limit, const struct template_vars *vars,
                            struct strbuf *out, int depth, char *why, size_t whylen)
{
    const char *p = from;

    if (depth > SECTION_DEPTH_MAX) {
        str_format(why, whylen, "sections nested too deep");
        return false;
    }
    for (const char *q = next_section_tag(p, limit); q; q = next_section_tag(p, limit)) {
        struct tag open, close;
        struct template_var *flag;

        if (!read_tag(text, q, limit, &open) || open.kind == '/') {
            str_format(why, whylen, "unexpected or malformed section tag near '%.20s'", q);
            return false;
        }
        if (!find_close(text, &open, limit, &close)) {
            str_format(why, whylen, "section {{%c%.*s}} is not closed", open.kind, (int)open.name_len, open.name);
            return false;
        }
        flag = var_find(vars, open.name, open.name_len, true);
        if (flag == NULL) {
            str_format(why, whylen, "unknown flag '%.*s'", (int)open.name_len, open.name);
            return false;
        }
        strbuf_append(out, p, (size_t)(open.line_start - p));
        if (flag->flag == (open.kind == '#') &&
            !expand_sections(text, open.line_end, close.line_start, vars, out, depth + 1, why, whylen))
            return false;
        p = close.line_end;
    }
    strbuf_append(out, p, (size_t)(limit - p));
    return true;
}

bool template_expand(const char *text, const struct template_vars *vars, struct strbuf *out, char *why,
                     size_t whylen)
{
    strbuf_init(out);
    strbuf_puts(out, "");
    return expand_sections(text, text, text + strlen(text), vars, out, 0, why, whylen);
}

/* ---- placeholders ---- */

void template_html_escape(struct strbuf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_puts(out, "&amp;"); break;
        case '<': strbuf_puts(out, "&lt;"); break;
        case '>': strbuf_puts(out, "&gt;"); break;
        case '"': strbuf_puts(out, "&quot;"); break;
        case '\'': strbuf_puts(out, "&#39;"); break;
        default: strbuf_putc(out, *s);
        }
    }
}

static void append_literal(struct strbuf *out, const char *s, size_t len, enum format fmt)
{
    char *copy;

    if (fmt == FORMAT_TEXT) {
        strbuf_append(out, s, len);
        return;
    }
    copy = xstrndup(s, len);
    template_html_escape(out, copy);
    free(copy);
}

/* The name inside "{{ name }}" starting at p (p points at "{{"). */
static bool placeholder_name(const char *p, const char **name, size_t *len, const char **end)
{
    const char *close = strstr(p + 2, "}}");
    const char *n = p + 2, *e;

    if (close == NULL)
        return false;
    while (n < close && *n == ' ')
        n++;
    e = close;
    while (e > n && e[-1] == ' ')
        e--;
    if (e == n || (size_t)(e - n) > NAME_MAX_LEN)
        return false;
    for (const char *c = n; c < e; c++)
        if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
            return false;
    *name = n;
    *len = (size_t)(e - n);
    *end = close + 2;
    return true;
}

void template_render_fail(struct render *r, const char *fmt, ...)
{
    va_list ap;

    if (r->failed)
        return;
    r->failed = true;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

void template_substitute(struct render *r, const char *text, struct strbuf *out)
{
    const char *p = text;

    for (const char *q = strstr(p, "{{"); q; q = strstr(p, "{{")) {
        const char *name, *end;
        struct template_var *var;
        size_t len;

        append_literal(out, p, (size_t)(q - p), r->fmt);
        if (!placeholder_name(q, &name, &len, &end)) {
            template_render_fail(r, "malformed placeholder near '%.20s'", q);
            return;
        }
        var = var_find(r->vars, name, len, false);
        if (var == NULL) {
            template_render_fail(r, "unknown variable {{%.*s}}", (int)len, name);
            return;
        }
        if (var->kind == VAR_TABLE || var->kind == VAR_IMAGE) {
            template_render_fail(r, "{{%.*s}} is a block: it must stand alone in its paragraph", (int)len, name);
            return;
        }
        append_literal(out, var->text, strlen(var->text), r->fmt);
        p = end;
    }
    append_literal(out, p, strlen(p), r->fmt);
}

static const struct template_var *lone_var(const struct render *r, cmark_node *para)
{
    cmark_node *child = cmark_node_first_child(para);
    const char *lit, *name, *end;
    size_t len;

    if (child == NULL || cmark_node_next(child) != NULL || cmark_node_get_type(child) != CMARK_NODE_TEXT)
        return NULL;
    lit = cmark_node_get_literal(child);
    while (lit && *lit == ' ')
        lit++;
    if (lit == NULL || strncmp(lit, "{{", 2) != 0 || !placeholder_name(lit, &name, &len, &end))
        return NULL;
    while (*end == ' ')
        end++;
    if (*end != '\0')
        return NULL;
    return var_find(r->vars, name, len, false);
}

const struct template_table *template_lone_block(const struct render *r, cmark_node *para)
{
    const struct template_var *var = lone_var(r, para);

    return var && var->kind == VAR_TABLE ? &var->table : NULL;
}

bool template_lone_image(const struct render *r, cmark_node *para, const char **src, const char **alt)
{
    const struct template_var *var = lone_var(r, para);

    if (var == NULL || var->kind != VAR_IMAGE)
        return false;
    *src = var->text;
    *alt = var->alt;
    return true;
}
