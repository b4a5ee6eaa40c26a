/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * money.c - integer-cent amounts (see money.h): parsing, formatting for
 * configuration and for people (French and English), annual rates, and
 * late payment penalties. It computes; it never decides whether a debtor
 * owes penalties (the scheduler does, from the debtor's kind and the step).
 */
#include "core/money.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool money_parse_decimal(const char *s, int64_t *cents)
{
    int64_t units = 0, frac = 0;
    int frac_digits = 0;
    bool negative = false, any_digit = false, round_up = false;

    while (isspace((unsigned char)*s))
        s++;
    if (*s == '-' || *s == '+')
        negative = *s++ == '-';
    for (; isdigit((unsigned char)*s); s++) {
        any_digit = true;
        units = units * 10 + (*s - '0');
        if (units > MONEY_MAX_CENTS / 100)
            return false;
    }
    if (*s == '.') {
        for (s++; isdigit((unsigned char)*s); s++) {
            any_digit = true;
            if (frac_digits < 2)
                frac = frac * 10 + (*s - '0');
            else if (frac_digits == 2)
                round_up = *s >= '5';
            frac_digits++;
        }
    }
    while (isspace((unsigned char)*s))
        s++;
    if (!any_digit || *s != '\0')
        return false;
    if (frac_digits == 1)
        frac *= 10;
    *cents = units * 100 + frac + (round_up ? 1 : 0);
    if (negative)
        *cents = -*cents;
    return true;
}

void money_format_decimal(int64_t cents, char out[MONEY_STR_MAX])
{
    uint64_t mag = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;

    snprintf(out, MONEY_STR_MAX, "%s%llu.%02llu", cents < 0 ? "-" : "",
             (unsigned long long)(mag / 100), (unsigned long long)(mag % 100));
}

/* ---- amounts for people ---- */

#define NNBSP "\xe2\x80\xaf" /* U+202F NARROW NO-BREAK SPACE */
#define NBSP "\xc2\xa0"      /* U+00A0 NO-BREAK SPACE */

static const char *currency_symbol(const char *currency)
{
    if (strcmp(currency, "EUR") == 0)
        return "\xe2\x82\xac"; /* € */
    if (strcmp(currency, "USD") == 0)
        return "$";
    if (strcmp(currency, "GBP") == 0)
        return "\xc2\xa3"; /* £ */
    return NULL;
}

/* Writes the integer part with a separator between groups of three. */
static void group_digits(uint64_t units, const char *separator, char *out, size_t size)
{
    char digits[24];
    size_t n, pos = 0;

    snprintf(digits, sizeof digits, "%llu", (unsigned long long)units);
    n = strlen(digits);
    out[0] = '\0';
    for (size_t i = 0; i < n && pos + 8 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            memcpy(out + pos, separator, strlen(separator));
            pos += strlen(separator);
        }
        out[pos++] = digits[i];
    }
    out[pos] = '\0';
}

void money_format_text(int64_t cents, const char *currency, enum language lang,
                       char out[MONEY_TEXT_MAX])
{
    uint64_t mag = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    const char *symbol = currency_symbol(currency ? currency : "");
    const char *sign = cents < 0 ? "-" : "";
    char units[40];

    if (lang == LANG_FR) {
        group_digits(mag / 100, NNBSP, units, sizeof units);
        snprintf(out, MONEY_TEXT_MAX, "%s%s,%02u" NBSP "%s", sign, units, (unsigned)(mag % 100),
                 symbol ? symbol : currency);
    } else if (symbol) {
        group_digits(mag / 100, ",", units, sizeof units);
        snprintf(out, MONEY_TEXT_MAX, "%s%s%s.%02u", sign, symbol, units, (unsigned)(mag % 100));
    } else {
        group_digits(mag / 100, ",", units, sizeof units);
        snprintf(out, MONEY_TEXT_MAX, "%s%s %s.%02u", sign, currency ? currency : "", units,
                 (unsigned)(mag % 100));
    }
}

/* ---- rates ---- */

bool rate_parse_percent(const char *s, int64_t *rate)
{
    int64_t units = 0, frac = 0;
    int frac_digits = 0;
    bool any = false;

    while (isspace((unsigned char)*s))
        s++;
    for (; isdigit((unsigned char)*s); s++, any = true) {
        units = units * 10 + (*s - '0');
        if (units > RATE_MAX / RATE_PER_PERCENT)
            return false;
    }
    if (*s == '.') {
        for (s++; isdigit((unsigned char)*s); s++, any = true) {
            if (++frac_digits > 4)
                return false;
            frac = frac * 10 + (*s - '0');
        }
    }
    while (isspace((unsigned char)*s))
        s++;
    if (!any || *s != '\0')
        return false;
    for (int i = frac_digits; i < 4; i++)
        frac *= 10;
    *rate = units * RATE_PER_PERCENT + frac;
    return *rate <= RATE_MAX;
}

/* "12.15": the decimals that matter, none for a whole number. */
static void rate_digits(int64_t rate, char point, char out[MONEY_TEXT_MAX])
{
    int64_t frac = rate % RATE_PER_PERCENT;
    int decimals = 4;

    if (frac == 0) {
        snprintf(out, MONEY_TEXT_MAX, "%lld", (long long)(rate / RATE_PER_PERCENT));
        return;
    }
    while (frac % 10 == 0) {
        frac /= 10;
        decimals--;
    }
    snprintf(out, MONEY_TEXT_MAX, "%lld%c%0*lld", (long long)(rate / RATE_PER_PERCENT), point, decimals,
             (long long)frac);
}

void rate_format_decimal(int64_t rate, char out[MONEY_TEXT_MAX])
{
    rate_digits(rate, '.', out);
}

void rate_format_text(int64_t rate, enum language lang, char out[MONEY_TEXT_MAX])
{
    char digits[MONEY_TEXT_MAX];

    rate_digits(rate, lang == LANG_FR ? ',' : '.', digits);
    snprintf(out, MONEY_TEXT_MAX, lang == LANG_FR ? "%s" NBSP "%%" : "%s%%", digits);
}

/* ---- rates by period ---- */

size_t rate_schedule_index(const struct rate_schedule *s, struct date d)
{
    size_t found = 0;

    for (size_t i = 0; i < s->count; i++)
        if (!date_is_set(s->items[i].from) || date_compare(s->items[i].from, d) <= 0)
            found = i;
    return found;
}

int64_t rate_schedule_at(const struct rate_schedule *s, struct date d)
{
    return s->count > 0 ? s->items[rate_schedule_index(s, d)].rate : 0;
}

/* ---- late payment penalties ---- */

/* Cent-days owed over the days of delay numbered (first, last] (day 1 is
 * the day after the due date): the balance on each of them, plus each
 * payment on the days up to and including its own date. */
static __int128 owed_days_between(int64_t balance, struct date due, int64_t first, int64_t last,
                                  const struct money_payment *payments, size_t count)
{
    __int128 owed = (__int128)balance * (last - first);

    for (size_t i = 0; i < count; i++) {
        struct date paid = date_is_set(payments[i].paid_on) ? payments[i].paid_on : due;
        int64_t upto = date_diff_days(due, paid);

        upto = upto < first ? first : upto > last ? last : upto;
        owed += (__int128)payments[i].amount * (upto - first);
    }
    return owed;
}

int64_t money_late_penalties_dated(int64_t balance, struct date due, struct date until,
                                   const struct money_payment *payments, size_t count,
                                   const struct rate_schedule *rates)
{
    /* Exact sum over the periods of (cent-days x rate), over
     * 365 x 10^6: 128 bits hold 10^15 cents x 10^5 days x 10^7 rate units
     * easily, whatever the number of periods. */
    const __int128 denominator = (__int128)365 * 100 * RATE_PER_PERCENT;
    __int128 sum = 0;
    int64_t period, day = 0;

    if (!date_is_set(due) || !date_is_set(until) || rates->count == 0)
        return 0;
    period = date_diff_days(due, until);
    while (day < period) {
        /* Day day + 1 starts a piece; it runs to the eve of the next
         * period's start, or to `until`. */
        struct date start = date_add_days(due, day + 1);
        size_t k = rate_schedule_index(rates, start);
        int64_t end = period;

        for (size_t j = k + 1; j < rates->count; j++) {
            int64_t next = date_diff_days(due, rates->items[j].from) - 1;
            if (date_is_set(rates->items[j].from) && next > day) {
                end = next < period ? next : period;
                break;
            }
        }
        if (rates->items[k].rate > 0)
            sum += owed_days_between(balance, due, day, end, payments, count) * rates->items[k].rate;
        day = end;
    }
    if (sum <= 0)
        return 0;
    return (int64_t)((sum + denominator / 2) / denominator);
}


int64_t money_late_penalties(int64_t balance, struct date due, struct date until,
                             const struct money_payment *payments, size_t count, int64_t rate)
{
    struct rate_schedule one = {1, {{{0, 0, 0}, rate}}};

    return money_late_penalties_dated(balance, due, until, payments, count, &one);
}
