/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * calendar.h - when reminders may go out: business days (a weekday set,
 * minus public holidays) and a daily sending window, in the configured
 * time zone. French public holidays are computed (Easter by the anonymous
 * Gregorian algorithm); other countries' holidays come as a list of dates.
 *
 * It answers questions about days and minutes; it does not decide which
 * step is due (ladder.c) nor send anything.
 *
 * Time zones are GLib's (GTimeZone, GDateTime): each configuration carries
 * its own zone and each conversion is made in the zone it is given, never
 * in the process's TZ, so that threads share no time zone state and a
 * reload can change Timezone while they run.
 */
#ifndef RELANCE_CALENDAR_H
#define RELANCE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "lib/date.h"
#include "lib/lang.h"

/* Weekday bits: bit 0 = Monday .. bit 6 = Sunday (date_weekday's order). */
#define CALENDAR_MONDAY_TO_FRIDAY 0x1f

struct date_list {
    struct date *items;
    size_t count;
};

struct calendar {
    bool french_holidays;
    const struct date_list *extra_holidays; /* may be NULL */
    unsigned weekdays;                      /* days reminders may go out */
    int window_start;                       /* minutes after midnight, inclusive */
    int window_end;                         /* minutes after midnight, exclusive */
};

/* A moment as the wall clock of the configured time zone shows it. */
struct local_moment {
    struct date date;
    int minute; /* 0..1439 */
};

/* Easter Sunday of a Gregorian year. */
struct date calendar_easter(int year);
/* The eleven French public holidays (metropolitan law, Code du travail
 * L3133-1): 1 Jan, Easter Monday, 1 May, 8 May, Ascension, Whit Monday,
 * 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec. */
bool calendar_is_french_holiday(struct date d);
bool calendar_is_holiday(const struct calendar *cal, struct date d);
bool calendar_is_business_day(const struct calendar *cal, struct date d);
/* A business day, within the window. */
bool calendar_may_send(const struct calendar *cal, struct local_moment m);
/* The first business day on or after d (d itself when it is one); d when
 * no weekday is allowed at all. */
struct date calendar_next_business_day(const struct calendar *cal, struct date d);
/* The n-th business day after d (d itself not counted): Wednesday plus 5
 * is the next Wednesday when no holiday falls between; calendar days when
 * no weekday is allowed at all. */
struct date calendar_add_business_days(const struct calendar *cal, struct date d, int n);

/* ---- time zone ---- */

/* A time zone, read once from the system's zone files. It never changes
 * once made, so any number of threads may use it at once. */
struct calendar_zone;

/* True when tz names a zone the system knows (a zone file under
 * /usr/share/zoneinfo, no "..", or "UTC"). */
bool calendar_timezone_known(const char *tz);
/* The zone tz names; NULL when calendar_timezone_known says no, or when
 * its file cannot be read as a zone. */
struct calendar_zone *calendar_zone_new(const char *tz);
void calendar_zone_free(struct calendar_zone *zone);
/* The name it was made from ("Europe/Paris"). */
const char *calendar_zone_name(const struct calendar_zone *zone);

/* In the functions below, a NULL zone is UTC. */

/* The wall-clock moment of t in zone; an unset date when t lies beyond
 * the years 1 to 9999. */
struct local_moment calendar_zone_local(const struct calendar_zone *zone, time_t t);
/* The instant a wall-clock moment of zone stands for. When the clock goes
 * back and the moment happens twice, the earlier; when the clock goes
 * forward over it and it never happens, the instant of the jump (02:30 on
 * the night summer time starts is taken as the 03:00 that follows 01:59);
 * -1 when the date is not a date. A minute past 1439 runs on into the
 * next days. */
time_t calendar_zone_instant(const struct calendar_zone *zone, struct local_moment m);
/* Seconds east of UTC in zone at t (3600 in Paris in winter). */
int calendar_zone_offset(const struct calendar_zone *zone, time_t t);

/* The process's default zone, for callers with no configuration at hand:
 * UTC until calendar_use_timezone names another (UTC again when it names
 * none the system knows). It is kept apart from TZ, which is never read or
 * set, and may be changed and used from any thread. */
void calendar_use_timezone(const char *tz);
/* The wall-clock moment of t in the default zone. */
struct local_moment calendar_local(time_t t);
/* The instant of a wall-clock moment of the default zone, as
 * calendar_zone_instant reads it. */
time_t calendar_instant(struct local_moment m);

/* Parses "YYYY-MM-DD" (the moment is the window's opening minute) or
 * "YYYY-MM-DDTHH:MM" (also with a space instead of 'T'). */
bool calendar_parse_moment(const char *s, int default_minute, struct local_moment *out);

/* UTC text as the store writes it: "YYYY-MM-DDTHH:MM:SSZ". */
#define CALENDAR_UTC_MAX 32
void calendar_utc_text(time_t t, char out[CALENDAR_UTC_MAX]);
/* Reads that text back; false when it is not. */
bool calendar_parse_utc(const char *text, time_t *out);

/* "2 mars 2026" / "1er mai 2026" / "2 March 2026". */
void calendar_format_long(struct date d, enum language lang, char *out, size_t size);

#endif
