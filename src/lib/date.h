/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * date.h - civil (proleptic Gregorian) calendar dates without time zones.
 *
 * Due dates, issue dates and promised dates are calendar days, not
 * instants; they are kept as year/month/day and converted to a day number
 * (days since 1970-01-01) for arithmetic. A zero year means "no date".
 */
#ifndef RELANCE_DATE_H
#define RELANCE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct date {
    int year;  /* 0 = unset */
    int month; /* 1..12 */
    int day;   /* 1..31 */
};

#define DATE_STR_MAX 11 /* "YYYY-MM-DD" + NUL */

bool date_is_set(struct date d);
bool date_valid(int year, int month, int day);
int date_days_in_month(int year, int month);
bool date_is_leap_year(int year);

/* Days since 1970-01-01 (negative before). d must be valid. */
int64_t date_to_days(struct date d);
struct date date_from_days(int64_t days);
struct date date_add_days(struct date d, int64_t days);
/* d2 - d1 in days. */
int64_t date_diff_days(struct date d1, struct date d2);
int date_compare(struct date a, struct date b);
/* 0 = Monday .. 6 = Sunday. */
int date_weekday(struct date d);
struct date date_end_of_month(struct date d);
struct date date_add_months(struct date d, int months);

/* Accepts YYYY-MM-DD and YYYYMMDD (optionally followed by a time part
 * starting with 'T' or ' '); returns false on anything else. */
bool date_parse(const char *s, struct date *out);
/* Writes YYYY-MM-DD, or "" for an unset date. */
void date_format(struct date d, char out[DATE_STR_MAX]);

/* Today's date in the process's local time zone (TZ). */
struct date date_today(void);

#endif
