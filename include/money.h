/*
 * money.h - amounts as integer cents (hundredths of the currency unit).
 *
 * Floating point never touches money: amounts are parsed from decimal
 * text straight into int64 cents, and every computation rounds explicitly.
 */
#ifndef RELANCE_MONEY_H
#define RELANCE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MONEY_STR_MAX 32
/* Largest accepted magnitude: 10^15 cents, far beyond any invoice. */
#define MONEY_MAX_CENTS 1000000000000000LL

/* Parses a plain decimal number ("1234.56", "-8.79", "119", "+3.5") into
 * cents, rounding half away from zero past the second decimal. Leading and
 * trailing white space is allowed; anything else fails. */
bool money_parse_decimal(const char *s, int64_t *cents);
/* Writes "-1234.56" style text (dot, two decimals, no grouping). */
void money_format_decimal(int64_t cents, char out[MONEY_STR_MAX]);

#endif
