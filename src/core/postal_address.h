/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * postal_address.h - a postal address: as an invoice gives it (EN 16931
 * BT-50..55 for the buyer: three lines, post code, city, country), and as
 * relance keeps and prints it, lines separated by '\n', at most
 * POSTAL_MAX_LINES of them (AFNOR NF Z10-011: six lines of at most 38
 * characters below the name).
 *
 * Pure logic: parsing the operator's text, formatting an invoice's fields.
 */
#ifndef RELANCE_POSTAL_ADDRESS_H
#define RELANCE_POSTAL_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define POSTAL_LINE_MAX 128
#define POSTAL_CODE_MAX 24
#define POSTAL_MAX_LINES 6
#define POSTAL_LINE_CHARS 38
#define POSTAL_TEXT_MAX 512 /* the formatted address, lines joined by '\n' */

struct postal_address {
    char line1[POSTAL_LINE_MAX]; /* BT-50 */
    char line2[POSTAL_LINE_MAX]; /* BT-51 */
    char line3[POSTAL_LINE_MAX]; /* BT-163 */
    char postcode[POSTAL_CODE_MAX]; /* BT-53 */
    char city[POSTAL_LINE_MAX];     /* BT-52 */
    char country[4];                /* BT-55, ISO 3166-1 alpha-2 */
};

/* Whether a letter can be addressed with it: a street line and a city. */
bool postal_address_usable(const struct postal_address *a);
/* The address as printed: street lines, "POSTCODE CITY", and the country
 * (its code) when it is not France; "" when not usable. */
void postal_address_format(const struct postal_address *a, char *out, size_t size);
/* The operator's text: lines separated by '|' or new lines, each trimmed,
 * empty ones dropped; 2 to POSTAL_MAX_LINES lines of at most
 * POSTAL_LINE_CHARS characters, no control character. False with why. */
bool postal_address_parse(const char *text, char *out, size_t size, char *why, size_t whylen);

#endif
