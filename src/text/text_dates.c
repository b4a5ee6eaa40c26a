/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_dates.c - dates written in invoices (see text_dates.h).
 *
 * Every form is read at one position, from the first character, and the
 * date must stand alone: a digit or letter right before or after it means
 * it is part of something else (an invoice number "F2026-12-01A", an
 * IBAN). Two-digit years are taken as 20YY: invoices are recent.
 */
#include "text/text_dates.h"

#include <string.h>

#include "lib/util.h"
#include "text/text_fold.h"

/* Month names as folded text, longest first within a month so that
 * "sept" is not read as "sep" followed by a stray "t". */
static const struct {
    const char *name;
    int month;
} month_names[] = {
    {"janvier", 1},   {"january", 1},   {"januar", 1},    {"janv", 1},     {"jan", 1},       {"fevrier", 2},
    {"february", 2},  {"februar", 2},   {"fevr", 2},      {"fev", 2},      {"feb", 2},       {"mars", 3},
    {"march", 3},     {"marz", 3},      {"mar", 3},       {"mrz", 3},      {"avril", 4},     {"april", 4},
    {"avr", 4},       {"apr", 4},       {"mai", 5},       {"may", 5},      {"juin", 6},      {"june", 6},
    {"juni", 6},      {"jun", 6},       {"juillet", 7},   {"july", 7},     {"juli", 7},      {"juil", 7},
    {"jul", 7},       {"aout", 8},      {"august", 8},    {"aug", 8},      {"septembre", 9}, {"september", 9},
    {"sept", 9},      {"sep", 9},       {"octobre", 10},  {"october", 10}, {"oktober", 10},  {"oct", 10},
    {"okt", 10},      {"novembre", 11}, {"november", 11}, {"nov", 11},     {"decembre", 12}, {"december", 12},
    {"dezember", 12}, {"dec", 12},      {"dez", 12},
};

/* Reads 1..max digits; returns how many. */
static size_t read_digits(const char *s, size_t max, int *value)
{
    size_t n = 0;

    *value = 0;
    while (n < max && text_is_digit(s[n])) {
        *value = *value * 10 + (s[n] - '0');
        n++;
    }
    return n;
}

/* A month name at s, with an optional abbreviation dot; returns bytes. */
static size_t read_month_name(const char *s, int *month)
{
    for (size_t i = 0; i < ARRAY_LEN(month_names); i++) {
        size_t n = text_match(s, month_names[i].name);

        if (n > 0) {
            *month = month_names[i].month;
            return s[n] == '.' ? n + 1 : n;
        }
    }
    return 0;
}

static bool stands_alone_after(const char *s)
{
    return !text_is_alnum(*s);
}

static size_t make_date(int year, int month, int day, size_t len, struct date *out)
{
    if (year < 100)
        year += 2000;
    if (!date_valid(year, month, day) || year < 1990 || year > 2199)
        return 0;
    out->year = year;
    out->month = month;
    out->day = day;
    return len;
}

/* 2026-12-01, 2026/12/01, 2026.12.01 */
static size_t read_iso(const char *s, struct date *out)
{
    int y, m, d;
    size_t n = read_digits(s, 4, &y), k;
    char sep;

    if (n != 4 || (s[4] != '-' && s[4] != '/' && s[4] != '.'))
        return 0;
    sep = s[4];
    if ((k = read_digits(s + 5, 2, &m)) == 0 || s[5 + k] != sep)
        return 0;
    n = 5 + k + 1;
    if ((k = read_digits(s + n, 2, &d)) == 0 || text_is_digit(s[n + k]))
        return 0;
    n += k;
    /* "2026-12-01T10:00" carries a time: still the date. */
    if (!stands_alone_after(s + n) && s[n] != 'T')
        return 0;
    return make_date(y, m, d, n, out);
}

/* 01/12/2026, 1.12.26, 01-12-2026 */
static size_t read_numeric(const char *s, enum date_order order, struct date *out)
{
    int a, b, y;
    size_t n, k;
    char sep;

    if ((n = read_digits(s, 2, &a)) == 0 || (s[n] != '/' && s[n] != '.' && s[n] != '-'))
        return 0;
    sep = s[n++];
    if ((k = read_digits(s + n, 2, &b)) == 0 || s[n + k] != sep)
        return 0;
    n += k + 1;
    k = read_digits(s + n, 4, &y);
    if ((k != 2 && k != 4) || text_is_digit(s[n + k]))
        return 0;
    n += k;
    /* "01.12.2026." ends a sentence; "01.12.2026.5" is not a date. */
    if (!stands_alone_after(s + n) || (s[n] == sep && text_is_digit(s[n + 1])))
        return 0;
    if (sep == '.' || a > 12 || (order == DATE_ORDER_DMY && b <= 12))
        return make_date(y, b, a, n, out);
    return make_date(y, a, b, n, out);
}

/* An English or French ordinal suffix after a day number. */
static size_t read_ordinal_suffix(const char *s)
{
    static const char *const suffixes[] = {"er", "st", "nd", "rd", "th", "e", NULL};
    size_t len;

    if (*s == '.')
        return 1; /* German "3. November" */
    return text_match_any(s, suffixes, &len) != NULL ? len : 0;
}

/* A year after a month name: ", 2026", " 2026", "-2026". */
static size_t read_year_after(const char *s, int *year)
{
    size_t n = 0, k;

    if (s[n] == ',')
        n++;
    while (s[n] == ' ' || s[n] == '-')
        n++;
    k = read_digits(s + n, 4, year);
    if (k != 4 || text_is_digit(s[n + k]))
        return 0;
    return n + k;
}

/* 1er décembre 2026, 3 Nov. 2026, 03-Nov-2026, 3rd November 2026 */
static size_t read_day_month_name(const char *s, struct date *out)
{
    int d, m, y;
    size_t n = read_digits(s, 2, &d), k;

    if (n == 0)
        return 0;
    n += read_ordinal_suffix(s + n);
    if (s[n] != ' ' && s[n] != '-')
        return 0;
    while (s[n] == ' ' || s[n] == '-')
        n++;
    if ((k = read_month_name(s + n, &m)) == 0)
        return 0;
    n += k;
    if ((k = read_year_after(s + n, &y)) == 0)
        return 0;
    return make_date(y, m, d, n + k, out);
}

/* December 3, 2026; Dec 3rd 2026 */
static size_t read_month_name_day(const char *s, struct date *out)
{
    int d, m, y;
    size_t n = read_month_name(s, &m), k;

    if (n == 0 || s[n] != ' ')
        return 0;
    n = (size_t)(text_skip_spaces(s + n) - s);
    if ((k = read_digits(s + n, 2, &d)) == 0)
        return 0;
    n += k;
    if (s[n] != '.')
        n += read_ordinal_suffix(s + n);
    if (s[n] != ',' && s[n] != ' ')
        return 0;
    if ((k = read_year_after(s + n, &y)) == 0)
        return 0;
    return make_date(y, m, d, n + k, out);
}

size_t text_date_read(const char *s, enum date_order order, struct date *out)
{
    size_t n;

    if (text_is_digit(*s)) {
        if ((n = read_iso(s, out)) > 0 || (n = read_numeric(s, order, out)) > 0)
            return n;
        return read_day_month_name(s, out);
    }
    if (text_is_alpha(*s))
        return read_month_name_day(s, out);
    return 0;
}

const char *text_date_find(const char *s, const char *end, enum date_order order, struct date *out,
                           size_t *len)
{
    const char *start = s;

    for (; s < end && *s != '\0'; s++) {
        size_t n;

        /* "INV-01-12-2026" and "RE-2017/05/09" hold no date of their own. */
        if (!text_word_start(start, s) || (s > start && (s[-1] == '/' || s[-1] == '.' || s[-1] == '-')))
            continue;
        if ((n = text_date_read(s, order, out)) > 0) {
            *len = n;
            return s;
        }
    }
    return NULL;
}

enum date_order text_date_order_evidence(const char *text, enum date_order fallback)
{
    bool dmy = false, mdy = false;

    for (const char *s = text; *s != '\0'; s++) {
        int a, b;
        size_t n, k;

        if (!text_word_start(text, s) || !text_is_digit(*s))
            continue;
        n = read_digits(s, 2, &a);
        if (n == 0 || (s[n] != '/' && s[n] != '-') || (k = read_digits(s + n + 1, 2, &b)) == 0 ||
            s[n + 1 + k] != s[n] || !text_is_digit(s[n + 2 + k]))
            continue;
        dmy = dmy || (a > 12 && b <= 12);
        mdy = mdy || (b > 12 && a <= 12);
    }
    if (dmy == mdy)
        return fallback;
    return dmy ? DATE_ORDER_DMY : DATE_ORDER_MDY;
}
