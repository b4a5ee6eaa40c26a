/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_amounts.c - amounts and currencies in folded text (see
 * text_amounts.h).
 *
 * Parsing goes straight from digits to int64 cents; no floating point.
 * At most 13 integer digits are read, which keeps every value far below
 * MONEY_MAX_CENTS.
 */
#include "text/text_amounts.h"

#include <string.h>

#include "lib/util.h"
#include "text/text_dates.h"
#include "text/text_fold.h"

#define AMOUNT_MAX_INT_DIGITS 13

/* Longest first where one marker starts another ("US$" before "$"). */
static const struct {
    const char *marker;
    const char *code;
    bool word; /* must not be followed by a letter */
} currency_markers[] = {
    {"US$", "USD", false},    {"CA$", "CAD", false},   {"AU$", "AUD", false},
    {"C$", "CAD", false},     {"A$", "AUD", false},    {"$", "USD", false},
    {"SFr.", "CHF", false},   {"euros", "EUR", true},  {"euro", "EUR", true},
    {"dollars", "USD", true}, {"pounds", "GBP", true}, {"livres sterling", "GBP", true},
};

/* ISO 4217 codes met on invoices sent from France and its neighbours. */
static const char *const iso_codes[] = {
    "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK",
    "HUF", "RON", "BGN", "ISK", "CNY", "HKD", "SGD", "NZD", "INR", "BRL", "MXN", "ZAR",
    "TRY", "ILS", "AED", "SAR", "QAR", "MAD", "TND", "DZD", "XOF", "XAF", "XPF", "KRW",
};

static bool code_at(const char *s, const char *code)
{
    for (size_t i = 0; i < 3; i++)
        if (text_lower(s[i]) != text_lower(code[i]))
            return false;
    /* "EURL" (a company form) is no currency; "EUR100" is. */
    return !text_is_alpha(s[3]);
}

static size_t marker_at(const char *s, const char *marker, bool word)
{
    size_t n = strlen(marker);

    for (size_t i = 0; i < n; i++)
        if (text_lower(s[i]) != text_lower(marker[i]))
            return 0;
    if (word && text_is_alpha(s[n]))
        return 0;
    return n;
}

size_t text_currency_read(const char *s, char code[4])
{
    for (size_t i = 0; i < ARRAY_LEN(iso_codes); i++) {
        if (code_at(s, iso_codes[i])) {
            memcpy(code, iso_codes[i], 4);
            return 3;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(currency_markers); i++) {
        size_t n = marker_at(s, currency_markers[i].marker, currency_markers[i].word);

        if (n > 0) {
            memcpy(code, currency_markers[i].code, 4);
            return n;
        }
    }
    return 0;
}

/* Reads up to max digits into *value; returns how many. */
static size_t read_digits(const char *s, size_t max, int64_t *value)
{
    size_t n = 0;

    while (n < max && text_is_digit(s[n])) {
        *value = *value * 10 + (s[n] - '0');
        n++;
    }
    return n;
}

static bool is_group_sep(char c)
{
    return c == ' ' || c == '.' || c == ',' || c == '\'';
}

/* Exactly three digits at s, not followed by a fourth. */
static bool three_digits(const char *s)
{
    return text_is_digit(s[0]) && text_is_digit(s[1]) && text_is_digit(s[2]) && !text_is_digit(s[3]);
}

/* The integer part with its thousands groups; returns bytes, sets the
 * group separator used ('\0' for none). */
static size_t read_integer_part(const char *s, int64_t *units, char *group)
{
    size_t n, digits;

    *group = '\0';
    /* "04 78 12 34 56", "0042": a phone number or a code; nobody writes
     * money with a leading zero. */
    if (s[0] == '0' && text_is_digit(s[1]))
        return 0;
    n = read_digits(s, AMOUNT_MAX_INT_DIGITS, units);
    digits = n;
    /* "0,025" has no thousands: a leading zero never starts groups. */
    if (n == 0 || n > 3 || *units == 0)
        return text_is_digit(s[n]) ? 0 : n;
    while (is_group_sep(s[n]) && (*group == '\0' || s[n] == *group) && three_digits(s + n + 1) &&
           digits + 3 <= AMOUNT_MAX_INT_DIGITS) {
        /* "1,234.56": a comma then a dot; "1.234,56": the other way. A
         * lone ",234" at the end is read as a group (invoices show two
         * decimals), which is what English writers mean. */
        *group = s[n];
        n += 1 + read_digits(s + n + 1, 3, units);
        digits += 3;
    }
    return n;
}

/* ",56", ".5" after the integer part; returns bytes and sets *decimals. */
static size_t read_decimal_part(const char *s, char group, int64_t *cents, int *decimals)
{
    int64_t frac = 0;
    size_t k;

    *decimals = 0;
    if ((s[0] != ',' && s[0] != '.') || s[0] == group)
        return 0;
    k = read_digits(s + 1, 2, &frac);
    if (k == 0 || text_is_digit(s[1 + k]))
        return 0;
    *cents += k == 1 ? frac * 10 : frac;
    *decimals = (int)k;
    return 1 + k;
}

/* What may follow an amount: not a letter (unless a currency code), not
 * a digit, not the rest of a token like "2026-0042" or "12/05". */
static bool ends_cleanly(const char *s)
{
    char code[4];

    if ((s[0] == '/' || s[0] == '-' || s[0] == '.' || s[0] == ',') && text_is_digit(s[1]))
        return false;
    return !text_is_alnum(s[0]) || text_currency_read(s, code) > 0;
}

size_t text_amount_read(const char *s, struct text_amount *out)
{
    const char *p = s;
    int64_t units = 0, cents;
    bool negative = false;
    char group;
    size_t n;

    memset(out, 0, sizeof *out);
    if ((n = text_currency_read(p, out->currency)) > 0)
        p = text_skip_spaces(p + n);
    if (*p == '-' || *p == '+') {
        negative = *p == '-';
        p = text_skip_spaces(p + 1);
    }
    if (out->currency[0] == '\0' && (n = text_currency_read(p, out->currency)) > 0)
        p = text_skip_spaces(p + n); /* "-€120" */
    if ((n = read_integer_part(p, &units, &group)) == 0)
        return 0;
    p += n;
    cents = units * 100;
    p += read_decimal_part(p, group, &cents, &out->decimals);
    if (!ends_cleanly(p))
        return 0;
    if (out->currency[0] == '\0') {
        const char *after = text_skip_spaces(p);

        if ((n = text_currency_read(after, out->currency)) > 0)
            p = after + n;
    }
    out->cents = negative ? -cents : cents;
    return (size_t)(p - s);
}

/* Words after a bare number that make it a count or a duration, not
 * money: "payable a 30 jours", "30 heures", "8 participants", "net 30
 * days", "3 x". Folded text. */
static const char *const count_words[] = {
    /* durations */
    "jours", "jour", "j", "days", "day", "semaines", "semaine", "weeks", "week", "mois", "months", "month",
    "heures", "heure", "h", "hours", "hour", "hrs", "hr", "minutes", "min", "ans", "annees", "years", "year",
    "nuits", "nights",
    /* counts and measures */
    "pages", "page", "feuillets", "participants", "personnes", "people", "pieces", "piece", "unites", "units",
    "pcs", "articles", "sacs", "bags", "fois", "times", "x", "kg", "km", "m2", "litres", "liters", NULL,
};

/* After an amount (and its currency): what makes it a price per unit
 * ("50 EUR de l'heure", "$95.00/hour", "650 EUR par jour"). */
static const char *const rate_words[] = {
    "de l'heure", "par heure", "par jour", "par mois", "par an", "par personne", "l'unite", "la piece",
    "per hour", "per day", "per month", "per year", "per unit", "per person", "an hour", "a day", "a month",
    "each", NULL,
};

bool text_amount_is_count(const char *after)
{
    size_t len;

    return text_match_any(text_skip_spaces(after), count_words, &len) != NULL;
}

bool text_amount_is_rate(const char *after)
{
    const char *p = text_skip_spaces(after);
    size_t len;

    if (*p == '/')
        return text_is_alpha(*text_skip_spaces(p + 1));
    return text_match_any(p, rate_words, &len) != NULL;
}

/* "net 30", "net 45": English payment terms, where the number is days.
 * True when the word just before s is "net". */
static bool after_net(const char *start, const char *s)
{
    const char *p = s;

    while (p > start && p[-1] == ' ')
        p--;
    return p - start >= 3 && text_match(p - 3, "net") == 3 && (p - 3 == start || !text_is_alpha(p[-4]));
}

/* "net 30" and not "Montant net 1 250,00": a whole number of days. */
static bool is_net_days(const char *start, const char *s, const struct text_amount *a)
{
    return a->decimals == 0 && a->cents <= 365 * 100 && after_net(start, s);
}

/* An amount may start here: not inside a word or a token such as
 * "F2026-0042", "RE-20170509/505" or "1.2.3". */
static bool may_start_amount(const char *start, const char *s)
{
    char prev;

    if (s == start)
        return true;
    prev = s[-1];
    if (text_is_alnum(prev) || prev == '_' || prev == '#' || prev == '/' || prev == '\'')
        return false;
    if ((prev == '-' || prev == '.' || prev == ',') && s - start >= 2 && text_is_alnum(s[-2]))
        return false;
    return true;
}

/* Past a run of digits and of the single spaces, dots or dashes
 * between them. */
static const char *skip_digit_groups(const char *s)
{
    while (text_is_digit(*s) || ((*s == ' ' || *s == '.' || *s == '-') && text_is_digit(s[1])))
        s++;
    return s;
}

static bool is_percentage(const char *after)
{
    return *text_skip_spaces(after) == '%';
}

const char *text_amount_find(const char *s, const char *end, struct text_amount *out, size_t *len)
{
    const char *start = s;

    while (s < end && *s != '\0') {
        struct date d;
        size_t n;

        if (!may_start_amount(start, s)) {
            s++;
            continue;
        }
        if ((n = text_date_read(s, DATE_ORDER_DMY, &d)) > 0) {
            s += n;
            continue;
        }
        if (s[0] == '0' && text_is_digit(s[1])) {
            s = skip_digit_groups(s); /* "04 78 12 34 56": every group */
            continue;
        }
        n = text_amount_read(s, out);
        if (n > 0 && s + n <= end && !is_percentage(s + n) &&
            (text_is_digit(*s) || out->currency[0] != '\0' || *s == '-' || *s == '+') &&
            (out->currency[0] != '\0' || !(text_amount_is_count(s + n) || is_net_days(start, s, out)))) {
            *len = n;
            return s;
        }
        s += n > 0 ? n : 1;
    }
    return NULL;
}

void text_currency_dominant(const char *text, char code[4])
{
    int counts[ARRAY_LEN(iso_codes)] = {0};
    int best = -1;

    for (const char *s = text; *s != '\0'; s++) {
        char found[4];

        if (s > text && text_is_alpha(s[-1]))
            continue;
        if (text_currency_read(s, found) == 0)
            continue;
        for (size_t i = 0; i < ARRAY_LEN(iso_codes); i++)
            if (strcmp(found, iso_codes[i]) == 0)
                counts[i]++;
    }
    for (size_t i = 0; i < ARRAY_LEN(iso_codes); i++)
        if (counts[i] > 0 && (best < 0 || counts[i] > counts[best]))
            best = (int)i;
    str_copy(code, 4, best >= 0 ? iso_codes[best] : "");
}
