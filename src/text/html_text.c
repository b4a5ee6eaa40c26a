/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * html_text.c - HTML to plain text (see html_text.h).
 *
 * One pass over the bytes: text is written through a small line writer
 * that collapses white space, adds the quote marks at the start of each
 * line and keeps at most one blank line in a row; tags only ask the writer
 * for line breaks, cell gaps and quote depth changes. Nothing is
 * allocated per tag, and every loop moves forward, so the work is linear
 * in the input.
 */
#include "text/html_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lib/utf8.h"
#include "lib/util.h"

#define TAG_NAME_MAX 16
#define ENTITY_NAME_MAX 10

/* ------------------------------------------------------------------ */
/* The line writer                                                     */

struct writer {
    struct strbuf out;
    size_t max_out;
    int quote_depth;   /* open <blockquote> elements */
    int pre_depth;     /* open <pre> elements */
    int breaks;        /* line breaks asked for before the next text */
    int blank_depth;   /* quote depth of the blank lines among them */
    int gap;           /* spaces asked for before the next text: 1, or 2 between cells */
    bool line_started; /* something (marks or text) written on this line */
    int newlines;      /* newlines written since the last text */
};

static bool full(const struct writer *w)
{
    return w->out.len >= w->max_out;
}

static void write_marks(struct writer *w, int depth)
{
    if (depth > HTML_TEXT_MAX_QUOTE_DEPTH)
        depth = HTML_TEXT_MAX_QUOTE_DEPTH;

    for (int i = 0; i < depth; i++)
        strbuf_puts(&w->out, "> ");
    w->line_started = true;
}

/* Ends the current line; a blank line inside a quote still carries its
 * marks (">"), as mail clients quote. */
static void write_newline(struct writer *w, int depth)
{
    if (!w->line_started && depth > 0) {
        write_marks(w, depth);
        while (w->out.len > 0 && w->out.data[w->out.len - 1] == ' ')
            w->out.data[--w->out.len] = '\0';
    }
    strbuf_putc(&w->out, '\n');
    w->line_started = false;
    w->newlines++;
}

/* Asks for n line breaks before the next text (2: a blank line). */
static void ask_breaks(struct writer *w, int n)
{
    if (w->out.len == 0 && !w->line_started)
        return; /* no blank lines at the top */
    if (w->breaks == 0 || w->quote_depth < w->blank_depth)
        w->blank_depth = w->quote_depth;
    if (n > w->breaks)
        w->breaks = n;
}

/* A blank line between a quote and what surrounds it belongs to the
 * outer level. */
static void change_depth(struct writer *w, int delta)
{
    if (delta < 0 && w->quote_depth == 0)
        return;
    w->quote_depth += delta;
    if (w->breaks > 0 && w->quote_depth < w->blank_depth)
        w->blank_depth = w->quote_depth;
}

static void ask_gap(struct writer *w, int n)
{
    if (n > w->gap)
        w->gap = n;
}

/* Writes the breaks and gap asked for, then the marks of a new line. */
static void flush_pending(struct writer *w)
{
    int breaks = w->breaks;

    if (w->line_started && breaks > 0) {
        write_newline(w, w->quote_depth);
        breaks--;
    }
    while (breaks > 0 && w->newlines < 2) {
        write_newline(w, w->blank_depth);
        breaks--;
    }
    w->breaks = 0;
    if (!w->line_started) {
        write_marks(w, w->quote_depth);
        w->gap = 0;
    }
    for (; w->gap > 0; w->gap--)
        strbuf_putc(&w->out, ' ');
}

static void write_text(struct writer *w, const char *s, size_t n)
{
    if (full(w))
        return;
    flush_pending(w);
    strbuf_append(&w->out, s, n);
    w->newlines = 0;
}

/* One byte of character data. */
static void write_char(struct writer *w, char c)
{
    if (w->pre_depth > 0 && c == '\n') {
        if (!w->line_started)
            flush_pending(w);
        write_newline(w, w->quote_depth);
        return;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        if (w->pre_depth > 0)
            write_text(w, " ", 1);
        else if (w->line_started)
            ask_gap(w, 1);
        return;
    }
    write_text(w, &c, 1);
}

/* ------------------------------------------------------------------ */
/* Entities                                                            */

static const struct {
    const char *name;
    uint32_t cp;
} entities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},     {"euro", 0x20AC},   {"pound", 0xA3},   {"yen", 0xA5},     {"cent", 0xA2},
    {"copy", 0xA9},     {"reg", 0xAE},      {"trade", 0x2122}, {"deg", 0xB0},     {"ordm", 0xBA},
    {"ordf", 0xAA},     {"laquo", 0xAB},    {"raquo", 0xBB},   {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"ndash", 0x2013},
    {"mdash", 0x2014},  {"hellip", 0x2026}, {"bull", 0x2022},  {"middot", 0xB7},  {"times", 0xD7},
    {"divide", 0xF7},   {"plusmn", 0xB1},   {"sect", 0xA7},    {"para", 0xB6},    {"sup2", 0xB2},
    {"sup3", 0xB3},     {"frac12", 0xBD},   {"frac14", 0xBC},  {"frac34", 0xBE},  {"shy", 0xAD},
    {"thinsp", 0x2009}, {"ensp", 0x2002},   {"emsp", 0x2003},  {"zwnj", 0x200C},  {"zwj", 0x200D},
    {"lrm", 0x200E},    {"rlm", 0x200F},    {"iexcl", 0xA1},   {"iquest", 0xBF},  {"micro", 0xB5},
    {"agrave", 0xE0},   {"aacute", 0xE1},   {"acirc", 0xE2},   {"atilde", 0xE3},  {"auml", 0xE4},
    {"aring", 0xE5},    {"aelig", 0xE6},    {"ccedil", 0xE7},  {"egrave", 0xE8},  {"eacute", 0xE9},
    {"ecirc", 0xEA},    {"euml", 0xEB},     {"igrave", 0xEC},  {"iacute", 0xED},  {"icirc", 0xEE},
    {"iuml", 0xEF},     {"ntilde", 0xF1},   {"ograve", 0xF2},  {"oacute", 0xF3},  {"ocirc", 0xF4},
    {"otilde", 0xF5},   {"ouml", 0xF6},     {"oslash", 0xF8},  {"ugrave", 0xF9},  {"uacute", 0xFA},
    {"ucirc", 0xFB},    {"uuml", 0xFC},     {"yacute", 0xFD},  {"yuml", 0xFF},    {"szlig", 0xDF},
    {"oelig", 0x153},   {"Agrave", 0xC0},   {"Aacute", 0xC1},  {"Acirc", 0xC2},   {"Atilde", 0xC3},
    {"Auml", 0xC4},     {"Aring", 0xC5},    {"AElig", 0xC6},   {"Ccedil", 0xC7},  {"Egrave", 0xC8},
    {"Eacute", 0xC9},   {"Ecirc", 0xCA},    {"Euml", 0xCB},    {"Igrave", 0xCC},  {"Iacute", 0xCD},
    {"Icirc", 0xCE},    {"Iuml", 0xCF},     {"Ntilde", 0xD1},  {"Ograve", 0xD2},  {"Oacute", 0xD3},
    {"Ocirc", 0xD4},    {"Otilde", 0xD5},   {"Ouml", 0xD6},    {"Oslash", 0xD8},  {"Ugrave", 0xD9},
    {"Uacute", 0xDA},   {"Ucirc", 0xDB},    {"Uuml", 0xDC},    {"Yacute", 0xDD},  {"Yuml", 0x178},
    {"OElig", 0x152},
};

/* References to 0x80..0x9F mean Windows-1252 characters (HTML5). */
static const uint32_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static uint32_t sane_code_point(uint32_t cp)
{
    if (cp >= 0x80 && cp <= 0x9F)
        return cp1252_high[cp - 0x80];
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0xFFFD;
    return cp;
}

/* "&#233;" / "&#xE9;" after the '&'; returns bytes read (0: not one). */
static size_t read_numeric_ref(const char *s, const char *end, uint32_t *cp)
{
    const char *p = s + 1; /* past '#' */
    bool hex = p < end && (*p == 'x' || *p == 'X');
    uint32_t v = 0;
    int digits = 0;

    p += hex ? 1 : 0;
    for (; p < end && digits < 8; p++, digits++) {
        int d;

        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (hex && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (hex && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            break;
        v = v * (hex ? 16u : 10u) + (uint32_t)d;
    }
    if (digits == 0)
        return 0;
    *cp = sane_code_point(v);
    return (size_t)(p - s) + (p < end && *p == ';' ? 1 : 0);
}

/* "&eacute;" after the '&'; a few old pages omit the ';'. */
static size_t read_named_ref(const char *s, const char *end, uint32_t *cp)
{
    char name[ENTITY_NAME_MAX + 1];
    size_t n = 0;

    while (s + n < end && n < ENTITY_NAME_MAX &&
           ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9')))
        n++;
    memcpy(name, s, n);
    name[n] = '\0';
    for (size_t i = 0; i < ARRAY_LEN(entities); i++) {
        if (strcmp(entities[i].name, name) == 0) {
            *cp = entities[i].cp;
            return n + (s + n < end && s[n] == ';' ? 1 : 0);
        }
    }
    return 0;
}

/* At '&': writes the character referred to (sane_code_point has made it
 * one utf8_encode writes); returns bytes consumed. */
static size_t decode_entity(struct writer *w, const char *s, const char *end)
{
    uint32_t cp = 0;
    size_t n = 0;
    char utf8[UTF8_MAX];

    if (s + 1 < end)
        n = s[1] == '#' ? read_numeric_ref(s + 1, end, &cp) : read_named_ref(s + 1, end, &cp);
    if (n == 0) {
        write_char(w, '&');
        return 1;
    }
    if (cp == 0xAD || cp == 0x200C || cp == 0x200D || cp == 0x200E || cp == 0x200F)
        return n + 1; /* invisible */
    write_text(w, utf8, utf8_encode(cp, utf8));
    return n + 1;
}

/* ------------------------------------------------------------------ */
/* Tags                                                                */

/* Elements whose content is never text to read. */
static const char *const dropped_elements[] = {"script",   "style", "head",   "title", "template",
                                               "noscript", "svg",   "object", "xml",   NULL};
/* Elements that stand apart by a blank line. */
static const char *const paragraph_elements[] = {"p",  "h1",    "h2",  "h3", "h4", "h5",     "h6", "ul",
                                                 "ol", "table", "pre", "hr", "dl", "center", NULL};
/* Elements that start and end a line. */
static const char *const line_elements[] = {
    "div",    "tr",    "li",    "dt",    "dd",     "address",    "section", "article", "header",
    "footer", "nav",   "aside", "main",  "figure", "figcaption", "caption", "form",    "fieldset",
    "legend", "tbody", "thead", "tfoot", "body",   "html",       NULL,
};

static bool in_list(const char *name, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

/* Skips to just past the '>' closing a tag, honouring quoted attribute
 * values. */
static const char *skip_tag_rest(const char *p, const char *end)
{
    char quote = '\0';

    for (; p < end; p++) {
        if (quote != '\0') {
            if (*p == quote)
                quote = '\0';
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '>') {
            return p + 1;
        }
    }
    return end;
}

/* Skips a dropped element's content up to and past its end tag. */
static const char *skip_element(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);

    for (; p + 2 + n <= end; p++) {
        if (p[0] == '<' && p[1] == '/' && strncasecmp(p + 2, name, n) == 0 &&
            !((p[2 + n] >= 'a' && p[2 + n] <= 'z') || (p[2 + n] >= 'A' && p[2 + n] <= 'Z')))
            return skip_tag_rest(p + 2 + n, end);
    }
    return end;
}

static const char *skip_past(const char *p, const char *end, const char *marker)
{
    size_t n = strlen(marker);

    for (; p + n <= end; p++)
        if (memcmp(p, marker, n) == 0)
            return p + n;
    return end;
}

static void open_or_close(struct writer *w, const char *name, bool closing)
{
    if (strcmp(name, "br") == 0) {
        if (!w->line_started)
            flush_pending(w);
        write_newline(w, w->quote_depth);
    } else if (strcmp(name, "blockquote") == 0) {
        /* The line break is written lazily, before the next text: the
         * line then starts with the new depth's marks. */
        ask_breaks(w, 1);
        change_depth(w, closing ? -1 : 1);
    } else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
        if (!closing && w->line_started)
            ask_gap(w, 2);
    } else if (in_list(name, paragraph_elements)) {
        if (strcmp(name, "pre") == 0 && !closing)
            w->pre_depth++;
        else if (strcmp(name, "pre") == 0 && w->pre_depth > 0)
            w->pre_depth--;
        ask_breaks(w, 2);
    } else if (in_list(name, line_elements)) {
        ask_breaks(w, 1);
        if (!closing && strcmp(name, "li") == 0)
            write_text(w, "- ", 2);
    }
}

/* At '<': handles one tag, comment or declaration; returns where the
 * text goes on. */
static const char *handle_markup(struct writer *w, const char *p, const char *end)
{
    char name[TAG_NAME_MAX + 1];
    bool closing;
    size_t n = 0;
    const char *q = p + 1;

    if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
        return skip_past(p + 4, end, "-->");
    if (q < end && (*q == '!' || *q == '?'))
        return skip_tag_rest(q, end);
    closing = q < end && *q == '/';
    q += closing ? 1 : 0;
    while (q < end && n < TAG_NAME_MAX &&
           ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (n > 0 && *q >= '0' && *q <= '9'))) {
        name[n++] = (char)((*q >= 'A' && *q <= 'Z') ? *q - 'A' + 'a' : *q);
        q++;
    }
    name[n] = '\0';
    if (n == 0) {
        write_char(w, '<'); /* "a < b" is text */
        return p + 1;
    }
    q = skip_tag_rest(q, end);
    if (!closing && in_list(name, dropped_elements))
        return q[-1] == '>' && q[-2] == '/' ? q : skip_element(q, end, name);
    open_or_close(w, name, closing);
    return q;
}

char *html_to_text(const char *html, size_t len, size_t max_out)
{
    const char *p = html, *end = html + len;
    struct writer w;

    memset(&w, 0, sizeof w);
    strbuf_init(&w.out);
    w.max_out = max_out;
    while (p < end && !full(&w)) {
        if (*p == '<')
            p = handle_markup(&w, p, end);
        else if (*p == '&')
            p += decode_entity(&w, p, end);
        else
            write_char(&w, *p++);
    }
    if (w.line_started)
        strbuf_putc(&w.out, '\n');
    /* Cut past max_out at a character boundary, never inside one. */
    if (w.out.len > max_out) {
        size_t cut = utf8_cut(w.out.data, w.out.len, max_out);

        w.out.data[cut] = '\0';
        w.out.len = cut;
    }
    return strbuf_detach(&w.out);
}
