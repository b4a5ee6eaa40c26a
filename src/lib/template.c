/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * template.c - reminder templates (see template.h): header lines,
 * sections, placeholders, and two renderers over cmark's tree, one for
 * text/plain and one for HTML.
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

#include "lib/utf8.h"

#define NAME_MAX_LEN 40
#define SECTION_DEPTH_MAX 8

enum var_kind { VAR_TEXT, VAR_FLAG, VAR_TABLE };

struct template_var {
    char *name;
    enum var_kind kind;
    char *text;
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

static size_t table_rows(const struct template_table *t)
{
    return t->columns ? t->cells.count / t->columns : 0;
}

static const char *cell(const struct template_table *t, size_t row, size_t col)
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

/* ---- placeholders ---- */

enum format { FORMAT_TEXT, FORMAT_HTML };

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

struct render {
    const struct template_vars *vars;
    enum format fmt;
    struct strbuf out;
    bool failed;
    char why[200];
};

static void render_fail(struct render *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void render_fail(struct render *r, const char *fmt, ...)
{
    va_list ap;

    if (r->failed)
        return;
    r->failed = true;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

/* Appends text with its placeholders replaced, escaped for r->fmt. */
static void substitute(struct render *r, const char *text, struct strbuf *out)
{
    const char *p = text;

    for (const char *q = strstr(p, "{{"); q; q = strstr(p, "{{")) {
        const char *name, *end;
        struct template_var *var;
        size_t len;

        append_literal(out, p, (size_t)(q - p), r->fmt);
        if (!placeholder_name(q, &name, &len, &end)) {
            render_fail(r, "malformed placeholder near '%.20s'", q);
            return;
        }
        var = var_find(r->vars, name, len, false);
        if (var == NULL) {
            render_fail(r, "unknown variable {{%.*s}}", (int)len, name);
            return;
        }
        if (var->kind == VAR_TABLE) {
            render_fail(r, "{{%.*s}} is a block: it must stand alone in its paragraph", (int)len, name);
            return;
        }
        append_literal(out, var->text, strlen(var->text), r->fmt);
        p = end;
    }
    append_literal(out, p, strlen(p), r->fmt);
}

/* The table of a paragraph holding only "{{name}}" of a block variable. */
static const struct template_table *lone_block(const struct render *r, cmark_node *para)
{
    cmark_node *child = cmark_node_first_child(para);
    const char *lit, *name, *end;
    struct template_var *var;
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
    var = var_find(r->vars, name, len, false);
    return var && var->kind == VAR_TABLE ? &var->table : NULL;
}

/* ---- text/plain ---- */

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
    size_t rows = table_rows(t);

    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < t->columns; c++) {
            size_t w = text_width(cell(t, r, c), strlen(cell(t, r, c)));
            if (w > widths[c])
                widths[c] = w;
        }
    for (size_t r = 0; r < rows; r++) {
        if (r == 1 || (t->total_rows > 0 && r == rows - t->total_rows))
            text_table_rule(out, prefix, widths, t->columns);
        strbuf_puts(out, prefix);
        for (size_t c = 0; c < t->columns; c++) {
            const char *s = cell(t, r, c);
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
        substitute(r, cmark_node_get_literal(n), out);
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
        substitute(r, cmark_node_get_url(n) ? cmark_node_get_url(n) : "", &url);
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
    struct strbuf sb;

    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        if ((table = lone_block(r, n)) != NULL) {
            text_table(table, rest, out);
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
        substitute(r, cmark_node_get_literal(n), &sb);
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

/* ---- HTML ---- */

static const char *const colours[] = {"#2e7d32", "#e65100", "#c62828"};

#define CELL_STYLE "padding:4px 12px;"

static void html_table(const struct template_table *t, struct strbuf *out)
{
    size_t rows = table_rows(t);

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
            template_html_escape(out, cell(t, r, c));
            strbuf_puts(out, header ? "</th>" : "</td>");
        }
        strbuf_puts(out, "</tr>\n");
    }
    strbuf_puts(out, "</table>\n");
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
    substitute(&plain, cmark_node_get_url(n) ? cmark_node_get_url(n) : "", &url);
    if (plain.failed)
        render_fail(r, "%s", plain.why);
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
        substitute(r, cmark_node_get_literal(n), out);
        break;
    case CMARK_NODE_CODE:
        strbuf_puts(out, "<code>");
        substitute(r, cmark_node_get_literal(n), out);
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

    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        if ((table = lone_block(r, n)) != NULL) {
            html_table(table, out);
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
        substitute(r, cmark_node_get_literal(n), out);
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

static void html_document(struct render *r, cmark_node *doc, const struct template *t, const char *subject,
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
        substitute(r, t->sticker, out);
        strbuf_puts(out, "</span></p>\n");
    }
    html_blocks(r, doc, false, out);
    strbuf_puts(out, "</body>\n</html>\n");
}

/* ---- rendering ---- */

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
    substitute(r, expanded, &sb);
    subject = strbuf_detach(&sb);
    str_squeeze_spaces(subject);
    return subject;
}

static bool expand(const char *text, const struct template_vars *vars, struct strbuf *out, char *why,
                   size_t whylen)
{
    strbuf_init(out);
    strbuf_puts(out, "");
    return expand_sections(text, text, text + strlen(text), vars, out, 0, why, whylen);
}

bool template_render(const struct template *t, const struct template_vars *vars, enum language lang,
                     enum template_colour colour, struct rendered *out, char *why, size_t whylen)
{
    struct render r = {vars, FORMAT_TEXT, {NULL, 0, 0}, false, ""};
    struct strbuf subject, body, text, html;
    cmark_node *doc;

    memset(out, 0, sizeof *out);
    if (!expand(t->subject, vars, &subject, why, whylen) || !expand(t->body, vars, &body, why, whylen)) {
        strbuf_free(&subject);
        strbuf_free(&body);
        return false;
    }
    doc = cmark_parse_document(body.data, body.len, CMARK_OPT_DEFAULT);
    cmark_consolidate_text_nodes(doc);
    out->subject = render_subject(&r, subject.data);
    strbuf_init(&text);
    text_children(&r, doc, "", "", false, &text);
    r.fmt = FORMAT_HTML;
    strbuf_init(&html);
    html_document(&r, doc, t, out->subject, lang, colour, &html);
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
