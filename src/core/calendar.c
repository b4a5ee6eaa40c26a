/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * calendar.c - business days, holidays, the sending window and the time
 * zone (see calendar.h).
 */
#include "core/calendar.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/util.h"

/* The anonymous Gregorian algorithm (Meeus, "Astronomical Algorithms",
 * after the 1876 Nature letter): integer arithmetic only. */
struct date calendar_easter(int year)
{
    int a = year % 19, b = year / 100, c = year % 100;
    int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    struct date easter = {year, month, day};

    return easter;
}

bool calendar_is_french_holiday(struct date d)
{
    static const int fixed[][2] = {{1, 1}, {5, 1}, {5, 8}, {7, 14}, {8, 15}, {11, 1}, {11, 11}, {12, 25}};
    /* Days after Easter Sunday: Monday, Ascension Thursday, Whit Monday. */
    static const int movable[] = {1, 39, 50};
    struct date easter;

    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        if (d.month == fixed[i][0] && d.day == fixed[i][1])
            return true;
    if (d.month < 3 || d.month > 6)
        return false;
    easter = calendar_easter(d.year);
    for (size_t i = 0; i < ARRAY_LEN(movable); i++)
        if (date_compare(d, date_add_days(easter, movable[i])) == 0)
            return true;
    return false;
}

bool calendar_is_holiday(const struct calendar *cal, struct date d)
{
    if (cal->french_holidays && calendar_is_french_holiday(d))
        return true;
    if (cal->extra_holidays == NULL)
        return false;
    for (size_t i = 0; i < cal->extra_holidays->count; i++)
        if (date_compare(d, cal->extra_holidays->items[i]) == 0)
            return true;
    return false;
}

bool calendar_is_business_day(const struct calendar *cal, struct date d)
{
    return (cal->weekdays & (1u << date_weekday(d))) != 0 && !calendar_is_holiday(cal, d);
}

bool calendar_may_send(const struct calendar *cal, struct local_moment m)
{
    return calendar_is_business_day(cal, m.date) && m.minute >= cal->window_start &&
           m.minute < cal->window_end;
}

struct date calendar_next_business_day(const struct calendar *cal, struct date d)
{
    /* Holidays are at most a few in a row; a year bounds any list. */
    for (int i = 0; i < 366; i++) {
        struct date next = date_add_days(d, i);
        if (calendar_is_business_day(cal, next))
            return next;
    }
    return d;
}

/* ---- time zone ---- */

bool calendar_timezone_known(const char *tz)
{
    char path[512];
    struct stat st;

    if (tz == NULL || tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL)
        return false;
    if (strcmp(tz, "UTC") == 0)
        return true;
    for (const char *p = tz; *p; p++)
        if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
            return false;
    if (!str_format(path, sizeof path, "/usr/share/zoneinfo/%s", tz))
        return false;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void calendar_use_timezone(const char *tz)
{
    /* ':' asks glibc for the zone file, never a POSIX TZ rule. */
    char *value = xasprintf(":%s", tz);

    setenv("TZ", value, 1);
    free(value);
    tzset();
}

struct local_moment calendar_local(time_t t)
{
    struct local_moment m;
    struct tm tm;

    localtime_r(&t, &tm);
    m.date.year = tm.tm_year + 1900;
    m.date.month = tm.tm_mon + 1;
    m.date.day = tm.tm_mday;
    m.minute = tm.tm_hour * 60 + tm.tm_min;
    return m;
}

time_t calendar_instant(struct local_moment m)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = m.date.year - 1900;
    tm.tm_mon = m.date.month - 1;
    tm.tm_mday = m.date.day;
    tm.tm_hour = m.minute / 60;
    tm.tm_min = m.minute % 60;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

bool calendar_parse_moment(const char *s, int default_minute, struct local_moment *out)
{
    int hour, minute;

    if (!date_parse(s, &out->date) || strlen(s) < 10 || !isdigit((unsigned char)s[9]))
        return false;
    if (s[10] == '\0') {
        out->minute = default_minute;
        return true;
    }
    if ((s[10] != 'T' && s[10] != ' ') || strlen(s) != 16 || !isdigit((unsigned char)s[11]) ||
        !isdigit((unsigned char)s[12]) || s[13] != ':' || !isdigit((unsigned char)s[14]) ||
        !isdigit((unsigned char)s[15]))
        return false;
    hour = (s[11] - '0') * 10 + (s[12] - '0');
    minute = (s[14] - '0') * 10 + (s[15] - '0');
    if (hour > 23 || minute > 59)
        return false;
    out->minute = hour * 60 + minute;
    return true;
}

void calendar_utc_text(time_t t, char out[CALENDAR_UTC_MAX])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, CALENDAR_UTC_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool calendar_parse_utc(const char *text, time_t *out)
{
    struct tm tm;
    const char *end;

    memset(&tm, 0, sizeof tm);
    end = text ? strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    if (end == NULL || *end != '\0')
        return false;
    *out = timegm(&tm);
    return true;
}

void calendar_format_long(struct date d, enum language lang, char *out, size_t size)
{
    static const char *const fr[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                     "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    static const char *const en[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

    if (!date_is_set(d) || d.month < 1 || d.month > 12) {
        str_copy(out, size, "");
        return;
    }
    if (lang == LANG_FR)
        str_format(out, size, "%d%s %s %d", d.day, d.day == 1 ? "er" : "", fr[d.month - 1], d.year);
    else
        str_format(out, size, "%d %s %d", d.day, en[d.month - 1], d.year);
}
