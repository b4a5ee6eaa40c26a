/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json.c - streaming JSON writer (see json.h).
 */
#include "lib/json.h"

#include <stdio.h>
#include <string.h>

#include "lib/utf8.h"

void json_init(struct json *j, struct strbuf *out, bool pretty)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->pretty = pretty;
    j->first[0] = true;
}

static void newline_indent(struct json *j)
{
    if (!j->pretty)
        return;
    strbuf_putc(j->out, '\n');
    for (int i = 0; i < j->depth; i++)
        strbuf_puts(j->out, "  ");
}

/* Writes the separator before a value (or a key) at the current depth. */
static void before_value(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (!j->first[j->depth])
            strbuf_putc(j->out, ',');
        newline_indent(j);
    }
    j->first[j->depth] = false;
}

static void open_container(struct json *j, char c)
{
    before_value(j);
    strbuf_putc(j->out, c);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
}

static void close_container(struct json *j, char c)
{
    bool empty = j->first[j->depth];

    if (j->depth > 0)
        j->depth--;
    if (!empty)
        newline_indent(j);
    strbuf_putc(j->out, c);
}

void json_object_begin(struct json *j)
{
    open_container(j, '{');
}

void json_object_end(struct json *j)
{
    close_container(j, '}');
}

void json_array_begin(struct json *j)
{
    open_container(j, '[');
}

void json_array_end(struct json *j)
{
    close_container(j, ']');
}

void json_key(struct json *j, const char *key)
{
    before_value(j);
    json_escape_string(j->out, key);
    strbuf_puts(j->out, j->pretty ? ": " : ":");
    j->after_key = true;
}

void json_escape_string(struct strbuf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    strbuf_putc(out, '"');
    while (*p) {
        uint32_t cp;
        size_t n;
        switch (*p) {
        case '"':
            strbuf_puts(out, "\\\"");
            p++;
            continue;
        case '\\':
            strbuf_puts(out, "\\\\");
            p++;
            continue;
        case '\n':
            strbuf_puts(out, "\\n");
            p++;
            continue;
        case '\r':
            strbuf_puts(out, "\\r");
            p++;
            continue;
        case '\t':
            strbuf_puts(out, "\\t");
            p++;
            continue;
        default:
            break;
        }
        if (*p < 0x20) {
            strbuf_printf(out, "\\u%04x", *p);
            p++;
            continue;
        }
        n = utf8_decode((const char *)p, strnlen((const char *)p, UTF8_MAX), &cp);
        if (cp == UTF8_INVALID)
            strbuf_puts(out, "\xef\xbf\xbd"); /* U+FFFD for each invalid byte */
        else
            strbuf_append(out, p, n);
        p += n;
    }
    strbuf_putc(out, '"');
}

void json_string(struct json *j, const char *s)
{
    before_value(j);
    if (s == NULL)
        strbuf_puts(j->out, "null");
    else
        json_escape_string(j->out, s);
}

void json_int(struct json *j, long long v)
{
    before_value(j);
    strbuf_printf(j->out, "%lld", v);
}

void json_bool(struct json *j, bool v)
{
    before_value(j);
    strbuf_puts(j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
    before_value(j);
    strbuf_puts(j->out, "null");
}

void json_raw(struct json *j, const char *text)
{
    before_value(j);
    strbuf_puts(j->out, text && *text ? text : "null");
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, s);
}

void json_kv_string_or_null(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_string(j, (s && *s) ? s : NULL);
}

void json_kv_int(struct json *j, const char *key, long long v)
{
    json_key(j, key);
    json_int(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
    json_key(j, key);
    json_bool(j, v);
}
