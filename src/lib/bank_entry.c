/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bank_entry.c - the list of bank statement lines the readers fill, and
 * what they share: amounts with either decimal separator, the dates banks
 * write, and the key that recognises a line imported before.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bank_entry.h"
#include "lib/utf8.h"
#include "lib/util.h"

void bank_statement_init(struct bank_statement *s)
{
    memset(s, 0, sizeof *s);
}

void bank_statement_free(struct bank_statement *s)
{
    free(s->items);
    bank_statement_init(s);
}

struct bank_entry *bank_statement_add(struct bank_statement *s)
{
    if (s->count >= BANK_MAX_ENTRIES)
        return NULL;
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    memset(&s->items[s->count], 0, sizeof s->items[s->count]);
    return &s->items[s->count++];
}

/* A hash of what an entry says, for banks that give no entry id. */
static void entry_digest(const struct bank_entry *e, char hex[33])
{
    unsigned char digest[16];
    char day[DATE_STR_MAX], value[DATE_STR_MAX];
    struct strbuf sb;

    date_format(e->booked, day);
    date_format(e->value, value);
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s\n%s\n%lld\n%s\n%c\n%s\n%s\n%s", e->statement_id, day, (long long)e->amount,
                  e->currency, e->credit ? 'C' : 'D', value, e->remittance, e->debtor_name);
    crypto_generichash(digest, sizeof digest, (const unsigned char *)sb.data, sb.len, NULL, 0);
    sodium_bin2hex(hex, 33, digest, sizeof digest);
    strbuf_free(&sb);
}

void bank_statement_set_keys(struct bank_statement *s)
{
    char (*digests)[33] = s->count ? xcalloc(s->count, sizeof *digests) : NULL;

    for (size_t i = 0; i < s->count; i++) {
        struct bank_entry *e = &s->items[i];
        size_t rank = 1;

        if (e->entry_id[0]) {
            str_format(e->key, sizeof e->key, "%s|%s", e->statement_id, e->entry_id);
            continue;
        }
        entry_digest(e, digests[i]);
        for (size_t k = 0; k < i; k++)
            if (!s->items[k].entry_id[0] && strcmp(digests[k], digests[i]) == 0)
                rank++;
        str_format(e->key, sizeof e->key, "%s|#%s-%zu", e->statement_id, digests[i], rank);
    }
    free(digests);
}

/* Removes the grouping spaces banks print: ' ', no-break and narrow
 * no-break spaces, apostrophes. */
static bool strip_grouping(const char *s, char *out, size_t size)
{
    size_t n = 0;

    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\'') {
            s++;
        } else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0) {
            s += 2;
        } else if ((unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xaf) {
            s += 3;
        } else {
            if (n + 1 >= size)
                return false;
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    return true;
}

/* The decimal separator's offset in t, or -1: the last of ',' and '.'
 * when both occur, else the only one when it occurs once. */
static long decimal_separator(const char *t)
{
    const char *comma = strrchr(t, ','), *dot = strrchr(t, '.');

    if (comma && dot)
        return comma > dot ? comma - t : dot - t;
    if (comma && strchr(t, ',') == comma)
        return comma - t;
    if (dot && strchr(t, '.') == dot)
        return dot - t;
    return -1;
}

/* Grouping separators (those before the decimal one) must each be
 * followed by exactly three digits: "1.234,5" but not "1,2,3.4". */
static bool grouping_ok(const char *p, long sep)
{
    long end = sep >= 0 ? sep : (long)strlen(p);
    long digits_run = 0;
    bool grouped = false;

    for (long i = 0; i < end; i++) {
        if (p[i] == ',' || p[i] == '.') {
            if (digits_run == 0 || (grouped && digits_run != 3))
                return false;
            grouped = true;
            digits_run = 0;
        } else {
            digits_run++;
        }
    }
    return !grouped || digits_run == 3;
}

bool bank_amount_parse(const char *s, int64_t *cents)
{
    char t[64];
    long sep;
    int64_t units = 0, frac = 0;
    int decimals = 0, round_digit = -1;
    bool negative = false, any = false;
    const char *p;

    if (!strip_grouping(s, t, sizeof t))
        return false;
    p = t;
    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    sep = decimal_separator(p);
    if (!grouping_ok(p, sep))
        return false;
    for (long i = 0; p[i]; i++) {
        if (i == sep)
            continue;
        if (p[i] == ',' || p[i] == '.') {
            if (sep >= 0 && i > sep)
                return false;
            continue; /* grouping */
        }
        if (p[i] < '0' || p[i] > '9')
            return false;
        any = true;
        if (sep < 0 || i < sep) {
            if (units > (INT64_MAX / 1000) / 10)
                return false;
            units = units * 10 + (p[i] - '0');
        } else if (decimals < 2) {
            frac = frac * 10 + (p[i] - '0');
            decimals++;
        } else if (round_digit < 0) {
            round_digit = p[i] - '0';
        }
    }
    if (!any)
        return false;
    while (decimals++ < 2)
        frac *= 10;
    *cents = units * 100 + frac + (round_digit >= 5 ? 1 : 0);
    if (negative)
        *cents = -*cents;
    return true;
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool bank_date_parse(const char *s, struct date *out)
{
    int y, m, d;
    size_t len;

    while (*s == ' ')
        s++;
    len = strcspn(s, " T");
    if (len == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4, &y) && digits(s + 5, 2, &m) &&
        digits(s + 8, 2, &d)) {
        /* ISO: y-m-d */
    } else if ((len == 10 || len == 8) && (s[2] == '/' || s[2] == '-' || s[2] == '.') && s[5] == s[2] &&
               digits(s, 2, &d) && digits(s + 3, 2, &m) && digits(s + 6, len - 6, &y)) {
        if (len == 8)
            y += 2000;
    } else {
        return false;
    }
    if (!date_valid(y, m, d))
        return false;
    out->year = y;
    out->month = m;
    out->day = d;
    return true;
}

void bank_text_append(char *dst, size_t size, const char *text)
{
    size_t used = strlen(dst), room, len;

    while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
        text++;
    len = strlen(text);
    if (len == 0 || used + 2 >= size)
        return;
    if (used > 0)
        dst[used++] = ' ';
    room = size - used - 1;
    len = utf8_cut(text, len, room);
    memcpy(dst + used, text, len);
    dst[used + len] = '\0';
}
