/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * postal_address.c - postal addresses for letters (see postal_address.h).
 */
#include "core/postal_address.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/utf8.h"
#include "lib/util.h"

bool postal_address_usable(const struct postal_address *a)
{
    return (a->line1[0] || a->line2[0] || a->line3[0]) && a->city[0];
}

static void add_line(struct strbuf *sb, const char *line)
{
    if (line[0] == '\0')
        return;
    strbuf_printf(sb, "%s%s", sb->len ? "\n" : "", line);
}

void postal_address_format(const struct postal_address *a, char *out, size_t size)
{
    struct strbuf sb;

    out[0] = '\0';
    if (!postal_address_usable(a))
        return;
    strbuf_init(&sb);
    add_line(&sb, a->line1);
    add_line(&sb, a->line2);
    add_line(&sb, a->line3);
    strbuf_printf(&sb, "\n%s%s%s", a->postcode, a->postcode[0] ? " " : "", a->city);
    if (a->country[0] && strcasecmp(a->country, "FR") != 0)
        strbuf_printf(&sb, "\n%s", a->country);
    utf8_copy(out, size, sb.data);
    strbuf_free(&sb);
}

static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

bool postal_address_parse(const char *text, char *out, size_t size, char *why, size_t whylen)
{
    struct strbuf sb;
    int lines = 0;
    bool ok = true;

    out[0] = '\0';
    if (utf8_valid_prefix(text, strlen(text)) != strlen(text)) {
        str_format(why, whylen, "the address is not valid UTF-8");
        return false;
    }
    strbuf_init(&sb);
    for (const char *p = text; *p && ok;) {
        size_t n = strcspn(p, "|\n");
        char *line = xstrndup(p, n);
        str_trim(line);
        if (line[0] && has_control(line, strlen(line))) {
            str_format(why, whylen, "the address holds a control character");
            ok = false;
        } else if (line[0] && utf8_chars(line, strlen(line)) > POSTAL_LINE_CHARS) {
            str_format(why, whylen, "line \"%s\" is longer than %d characters", line, POSTAL_LINE_CHARS);
            ok = false;
        } else if (line[0]) {
            add_line(&sb, line);
            lines++;
        }
        free(line);
        p += n + (p[n] != '\0');
    }
    if (ok && (lines < 2 || lines > POSTAL_MAX_LINES)) {
        str_format(why, whylen, "an address has 2 to %d lines (street, post code and city...), not %d",
                   POSTAL_MAX_LINES, lines);
        ok = false;
    }
    if (ok && sb.len >= size) {
        str_format(why, whylen, "the address is too long");
        ok = false;
    }
    if (ok)
        str_copy(out, size, sb.data);
    strbuf_free(&sb);
    return ok;
}
