/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * calendar.h - when reminders may go out: business days (a weekday set,
 * minus public holidays) and a daily sending window, in the configured
 * time zone. French public holidays are computed (Easter by the anonymous
 * Gregorian algorithm); other countries' holidays come as a list of dates.
 *
 * It answers questions about days and minutes; it does not decide which
 * step is due (ladder.c) nor send anything.
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

/* ---- time zone ---- */

/* True when tz names a zone the system knows (a file under
 * /usr/share/zoneinfo, no "..", or "UTC"). */
bool calendar_timezone_known(const char *tz);
/* Makes tz the process's time zone (TZ). Call before starting threads:
 * localtime_r reads it. */
void calendar_use_timezone(const char *tz);
/* The wall-clock moment of t in the process's time zone. */
struct local_moment calendar_local(time_t t);
/* The instant a wall-clock moment stands for (the earlier one when the
 * clock goes back); -1 when it cannot be represented. */
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
