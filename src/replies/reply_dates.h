/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_dates.h - dates as debtors write them in replies, resolved
 * against the day the reply was written ("today").
 *
 * Read from folded text (text_fold.h), any case. Absolute dates with a
 * year ("15/12/2026", "20 décembre 2026", "December 10, 2026") are read
 * by text_dates.h. Added here, in French and English:
 *   - day and month without a year: "15/12", "le 20 décembre", "1er
 *     mars", "December 10", "10th of December"; the day alone after "le"
 *     or "the", or with an ordinal: "le 20", "the 15th". The year (or the
 *     month, for a day alone) is the first at or after today: a date
 *     already past this year means next year; a day that does not exist
 *     then (29 February in a common year) is no date.
 *   - "aujourd'hui"/"today", "demain"/"tomorrow", "après-demain"; and
 *     the past: "hier"/"yesterday", "avant-hier", "la semaine dernière"/
 *     "last week" (a week ago), "le mois dernier"/"last month".
 *   - a weekday ("vendredi", "d'ici vendredi", "by Friday"): its next
 *     occurrence after today (a week later when today is that day);
 *     "vendredi prochain"/"next Friday": that weekday in the next
 *     calendar week (Monday to Sunday); "lundi dernier"/"last Monday": its
 *     last occurrence before today; "vendredi 20 décembre": the date.
 *   - "cette semaine"/"this week"/"fin de semaine"/"end of the week":
 *     Friday of this week (today when that is past); "la semaine
 *     prochaine"/"next week": Friday of next week, the day by which a
 *     promise for "next week" is kept.
 *   - "fin du mois"/"avant la fin du mois"/"end of the month": the last
 *     day of this month; "le mois prochain"/"next month" and "fin du mois
 *     prochain": the last day of next month; "début du mois prochain"/
 *     "early next month": the 10th of next month.
 *   - "fin décembre"/"end of December": its last day; "mi-décembre"/
 *     "mid-December": the 15th; "début décembre"/"early December": the
 *     10th; "en décembre"/"courant décembre"/"in December": its last day.
 *   - "dans 10 jours", "sous 8 jours", "d'ici deux semaines", "within 10
 *     days", "in two weeks", "in a month", "sous huitaine", "sous
 *     quinzaine": counted from today.
 * Which date a reply promises is the classifier's choice, not this
 * module's.
 */
#ifndef RELANCE_REPLY_DATES_H
#define RELANCE_REPLY_DATES_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/date.h"

/* Reads a date starting at s, which must start a word of the text that
 * starts at start. Returns the bytes read, 0 when no date starts there. */
size_t reply_date_read(const char *start, const char *s, struct date today, struct date *out);

/* The first date starting in [s, end) (s counts as a word start); NULL
 * when none. *len receives its length. */
const char *reply_date_find(const char *s, const char *end, struct date today, struct date *out,
                            size_t *len);

/* Whether the date text at s (len bytes, as found) is a weekday alone
 * ("vendredi"): the next such day for a promise, but as often the last
 * one in "paid on Friday". */
bool reply_date_is_bare_weekday(const char *s, size_t len);

/* A day and month without a year: the first such date at or after today;
 * unset when it does not exist that year. */
struct date reply_date_infer_year(int month, int day, struct date today);

#endif
