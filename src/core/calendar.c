/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * calendar.c - business days, holidays, the sending window and the time
 * zone (see calendar.h).
 *
 * Conversions between instants and wall-clock moments go through GLib's
 * GTimeZone, never through localtime_r and mktime: those read the
 * process's TZ, which one thread cannot change while others read it.
 */
#include "core/calendar.h"

#include <ctype.h>
#include <glib.h>
#include <pthread.h>
#include <stdint.h>
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

struct date calendar_add_business_days(const struct calendar *cal, struct date d, int n)
{
    struct date day = d;
    int counted = 0;

    if (cal->weekdays == 0)
        return date_add_days(d, n);
    /* n business days, each found within a year (see above). */
    for (int i = 0; counted < n && i < 366 * (n + 1); i++) {
        day = date_add_days(day, 1);
        counted += calendar_is_business_day(cal, day);
    }
    return day;
}

/* ---- time zone ---- */

#define ZONEINFO_DIR "/usr/share/zoneinfo"

/* The file of the zone tz names; false when the name could lead out of
 * the directory or is too long. */
static bool zone_file(const char *tz, char *path, size_t size)
{
    if (tz == NULL || tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL)
        return false;
    for (const char *p = tz; *p; p++)
        if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
            return false;
    return str_format(path, size, ZONEINFO_DIR "/%s", tz);
}

/* A regular file that starts as zone files do ("TZif", RFC 8536): the
 * directory also holds tables and leap-second lists. */
static bool is_zone_file(const char *path)
{
    char magic[4];
    struct stat st;
    FILE *f;
    bool ok;

    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (f = fopen(path, "rb")) == NULL)
        return false;
    ok = fread(magic, 1, sizeof magic, f) == sizeof magic && memcmp(magic, "TZif", 4) == 0;
    fclose(f);
    return ok;
}

bool calendar_timezone_known(const char *tz)
{
    char path[512];

    if (tz != NULL && strcmp(tz, "UTC") == 0)
        return true;
    return zone_file(tz, path, sizeof path) && is_zone_file(path);
}

struct calendar_zone {
    GTimeZone *tz;
    char *name;
};

struct calendar_zone *calendar_zone_new(const char *tz)
{
    struct calendar_zone *zone;
    char path[512];
    GTimeZone *g;

    /* GLib would take a name it cannot find for a POSIX rule ("CET-1CEST")
     * and look in TZDIR: it is given the very file that was checked. */
    if (!calendar_timezone_known(tz))
        return NULL;
    if (strcmp(tz, "UTC") == 0)
        g = g_time_zone_new_utc();
    else if (zone_file(tz, path, sizeof path))
        g = g_time_zone_new_identifier(path);
    else
        g = NULL;
    if (g == NULL)
        return NULL;
    zone = xmalloc(sizeof *zone);
    zone->tz = g;
    zone->name = xstrdup(tz);
    return zone;
}

void calendar_zone_free(struct calendar_zone *zone)
{
    if (zone == NULL)
        return;
    g_time_zone_unref(zone->tz);
    free(zone->name);
    free(zone);
}

const char *calendar_zone_name(const struct calendar_zone *zone)
{
    return zone ? zone->name : "UTC";
}

/* The GLib zone behind zone, with a reference for the caller. */
static GTimeZone *zone_ref(const struct calendar_zone *zone)
{
    return zone ? g_time_zone_ref(zone->tz) : g_time_zone_new_utc();
}

static struct local_moment local_in(GTimeZone *tz, time_t t)
{
    struct local_moment m = {{0, 0, 0}, 0};
    GDateTime *utc = g_date_time_new_from_unix_utc((gint64)t);
    GDateTime *local = utc ? g_date_time_to_timezone(utc, tz) : NULL;

    if (local != NULL) {
        g_date_time_get_ymd(local, &m.date.year, &m.date.month, &m.date.day);
        m.minute = g_date_time_get_hour(local) * 60 + g_date_time_get_minute(local);
        g_date_time_unref(local);
    }
    if (utc != NULL)
        g_date_time_unref(utc);
    return m;
}

/* The earlier of the instants a wall-clock time (seconds since 1970 as if
 * the zone were UTC) stands for: a time that happens twice, once in
 * summer time and once in standard time, is found under each. */
static gint64 earliest_instant(GTimeZone *tz, gint64 wall)
{
    static const GTimeType types[] = {G_TIME_TYPE_DAYLIGHT, G_TIME_TYPE_STANDARD};
    gint64 best = INT64_MAX;
    int interval;

    for (size_t i = 0; i < ARRAY_LEN(types); i++) {
        interval = g_time_zone_find_interval(tz, types[i], wall);
        if (interval >= 0 && wall - g_time_zone_get_offset(tz, interval) < best)
            best = wall - g_time_zone_get_offset(tz, interval);
    }
    if (best != INT64_MAX)
        return best;
    /* Skipped by the clock: GLib moves it on to the end of the gap. */
    interval = g_time_zone_adjust_time(tz, G_TIME_TYPE_STANDARD, &wall);
    return wall - g_time_zone_get_offset(tz, interval);
}

static time_t instant_in(GTimeZone *tz, struct local_moment m)
{
    gint64 wall;

    if (!date_valid(m.date.year, m.date.month, m.date.day))
        return (time_t)-1;
    wall = date_to_days(m.date) * 86400 + (gint64)m.minute * 60;
    return (time_t)earliest_instant(tz, wall);
}

struct local_moment calendar_zone_local(const struct calendar_zone *zone, time_t t)
{
    GTimeZone *tz = zone_ref(zone);
    struct local_moment m = local_in(tz, t);

    g_time_zone_unref(tz);
    return m;
}

time_t calendar_zone_instant(const struct calendar_zone *zone, struct local_moment m)
{
    GTimeZone *tz = zone_ref(zone);
    time_t t = instant_in(tz, m);

    g_time_zone_unref(tz);
    return t;
}

int calendar_zone_offset(const struct calendar_zone *zone, time_t t)
{
    GTimeZone *tz = zone_ref(zone);
    int offset = g_time_zone_get_offset(tz, g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, (gint64)t));

    g_time_zone_unref(tz);
    return offset;
}

/* ---- the default zone ---- */

static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static GTimeZone *default_tz; /* NULL: UTC */

static GTimeZone *default_ref(void)
{
    GTimeZone *tz;

    pthread_mutex_lock(&default_lock);
    tz = default_tz ? g_time_zone_ref(default_tz) : g_time_zone_new_utc();
    pthread_mutex_unlock(&default_lock);
    return tz;
}

void calendar_use_timezone(const char *tz)
{
    struct calendar_zone *zone = calendar_zone_new(tz);
    GTimeZone *next = zone ? g_time_zone_ref(zone->tz) : NULL;
    GTimeZone *old;

    calendar_zone_free(zone);
    pthread_mutex_lock(&default_lock);
    old = default_tz;
    default_tz = next;
    pthread_mutex_unlock(&default_lock);
    if (old != NULL)
        g_time_zone_unref(old);
}

struct local_moment calendar_local(time_t t)
{
    GTimeZone *tz = default_ref();
    struct local_moment m = local_in(tz, t);

    g_time_zone_unref(tz);
    return m;
}

time_t calendar_instant(struct local_moment m)
{
    GTimeZone *tz = default_ref();
    time_t t = instant_in(tz, m);

    g_time_zone_unref(tz);
    return t;
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
