/*
 * money.c - parsing and formatting of integer-cent amounts (see money.h).
 */
#include "money.h"

#include <ctype.h>
#include <stdio.h>

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
