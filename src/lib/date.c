/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * date.c - civil calendar arithmetic (see date.h).
 *
 * Day numbers use the era-based conversion popularised by H. Hinnant's
 * "chrono-compatible low-level date algorithms": exact for every
 * Gregorian date, no floating point, no table.
 */
#include "lib/date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

bool date_is_set(struct date d)
{
    return d.year != 0;
}

bool date_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

bool date_valid(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= date_days_in_month(year, month);
}

int64_t date_to_days(struct date d)
{
    int64_t y = d.year - (d.month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d.month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

struct date date_from_days(int64_t z)
{
    struct date d;
    int64_t era, doe, yoe, doy, mp, y;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(y + (d.month <= 2));
    return d;
}

struct date date_add_days(struct date d, int64_t days)
{
    return date_from_days(date_to_days(d) + days);
}

int64_t date_diff_days(struct date d1, struct date d2)
{
    return date_to_days(d2) - date_to_days(d1);
}

int date_compare(struct date a, struct date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

int date_weekday(struct date d)
{
    int64_t days = date_to_days(d);
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

struct date date_end_of_month(struct date d)
{
    d.day = date_days_in_month(d.year, d.month);
    return d;
}

struct date date_add_months(struct date d, int months)
{
    int total = d.year * 12 + (d.month - 1) + months;
    int dim;

    d.year = total / 12;
    d.month = total % 12 + 1;
    dim = date_days_in_month(d.year, d.month);
    if (d.day > dim)
        d.day = dim;
    return d;
}

static bool read_digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool date_parse(const char *s, struct date *out)
{
    int y, m, d;
    const char *rest;

    while (isspace((unsigned char)*s))
        s++;
    if (read_digits(s, 4, &y) && s[4] == '-' && read_digits(s + 5, 2, &m) && s[7] == '-' &&
        read_digits(s + 8, 2, &d))
        rest = s + 10;
    else if (read_digits(s, 4, &y) && read_digits(s + 4, 2, &m) && read_digits(s + 6, 2, &d))
        rest = s + 8;
    else
        return false;
    if (*rest != '\0' && *rest != 'T' && *rest != ' ' && *rest != '\t' && *rest != '\r' &&
        *rest != '\n' && *rest != '+' && *rest != 'Z')
        return false;
    if (!date_valid(y, m, d))
        return false;
    out->year = y;
    out->month = m;
    out->day = d;
    return true;
}

void date_format(struct date d, char out[DATE_STR_MAX])
{
    if (!date_is_set(d)) {
        out[0] = '\0';
        return;
    }
    snprintf(out, DATE_STR_MAX, "%04u-%02u-%02u", (unsigned)d.year % 10000u, (unsigned)d.month % 100u,
             (unsigned)d.day % 100u);
}

struct date date_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    struct date d;

    localtime_r(&now, &tm);
    d.year = tm.tm_year + 1900;
    d.month = tm.tm_mon + 1;
    d.day = tm.tm_mday;
    return d;
}
