/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_dates.c - dates in replies, relative to the reply's day (see
 * reply_dates.h).
 *
 * Every reader starts at one position and reports how many bytes it
 * read; reply_date_read tries them from the most explicit (a full date,
 * left to text_dates.c) to the loosest (a day alone). Words are matched
 * with text_match, so case and runs of spaces do not matter. Vocabulary
 * of dates (months, weekdays, "prochain") is grammar, not a lexicon an
 * admin extends, so it lives here.
 */
#include "replies/reply_dates.h"

#include <string.h>

#include "lib/util.h"
#include "text/text_dates.h"
#include "text/text_fold.h"

#define MAX_DAYS_AHEAD 366

/* Full names first so that "sept" is not read as "sep"; short forms are
 * accepted only right next to a day number ("20 déc.", "Dec 10"). */
static const struct {
    const char *name;
    int month;
    bool short_form;
} months[] = {
    {"janvier", 1, false},   {"january", 1, false},  {"fevrier", 2, false},   {"february", 2, false},
    {"mars", 3, false},      {"march", 3, false},    {"avril", 4, false},     {"april", 4, false},
    {"mai", 5, false},       {"may", 5, false},      {"juin", 6, false},      {"june", 6, false},
    {"juillet", 7, false},   {"july", 7, false},     {"aout", 8, false},      {"august", 8, false},
    {"septembre", 9, false}, {"september", 9, false}, {"octobre", 10, false}, {"october", 10, false},
    {"novembre", 11, false}, {"november", 11, false}, {"decembre", 12, false}, {"december", 12, false},
    {"janv", 1, true},       {"jan", 1, true},       {"fevr", 2, true},       {"fev", 2, true},
    {"feb", 2, true},        {"mar", 3, true},       {"avr", 4, true},        {"apr", 4, true},
    {"juil", 7, true},       {"jul", 7, true},       {"jun", 6, true},        {"aug", 8, true},
    {"sept", 9, true},       {"sep", 9, true},       {"oct", 10, true},       {"nov", 11, true},
    {"dec", 12, true},
};

static const char *const weekdays[][2] = {
    {"lundi", "monday"}, {"mardi", "tuesday"}, {"mercredi", "wednesday"}, {"jeudi", "thursday"},
    {"vendredi", "friday"}, {"samedi", "saturday"}, {"dimanche", "sunday"},
};

static const struct {
    const char *word;
    int value;
} numbers[] = {
    {"un", 1},    {"une", 1},    {"a", 1},       {"one", 1},     {"deux", 2},   {"two", 2},
    {"trois", 3}, {"three", 3},  {"quatre", 4},  {"four", 4},    {"cinq", 5},   {"five", 5},
    {"six", 6},   {"sept", 7},   {"seven", 7},   {"huit", 8},    {"eight", 8},  {"neuf", 9},
    {"nine", 9},  {"dix", 10},   {"ten", 10},    {"quinze", 15}, {"fifteen", 15}, {"vingt", 20},
    {"twenty", 20}, {"trente", 30}, {"thirty", 30},
};

/* ------------------------------------------------------------------ */
/* Calendar helpers                                                    */

struct date reply_date_infer_year(int month, int day, struct date today)
{
    struct date none = {0, 0, 0}, d;
    int year = today.year;

    if (month < today.month || (month == today.month && day < today.day))
        year++;
    if (!date_valid(year, month, day))
        return none;
    d.year = year;
    d.month = month;
    d.day = day;
    return d;
}

/* The day-th of this month, or of next month when that is past. */
static struct date day_of_month(int day, struct date today)
{
    struct date none = {0, 0, 0}, d = today;

    if (day < today.day) {
        d.day = 1;
        d = date_add_months(d, 1);
    }
    if (!date_valid(d.year, d.month, day))
        return none;
    d.day = day;
    return d;
}

static struct date end_of_month_inferred(int month, struct date today)
{
    struct date d = {today.year + (month < today.month), month, 1};
    return date_end_of_month(d);
}

static struct date next_month(struct date today, int day)
{
    struct date d = {today.year, today.month, 1};

    d = date_add_months(d, 1);
    if (day == 0)
        return date_end_of_month(d);
    d.day = day;
    return d;
}

enum weekday_ref { WD_NEXT, WD_NEXT_WEEK, WD_LAST };

/* Weekday wd (0 = Monday): its next occurrence after today, that day in
 * the next calendar week, or its last occurrence before today. */
static struct date weekday_date(int wd, enum weekday_ref ref, struct date today)
{
    int now = date_weekday(today);
    int delta;

    if (ref == WD_LAST) {
        delta = (now - wd + 7) % 7;
        return date_add_days(today, -(delta == 0 ? 7 : delta));
    }
    delta = ref == WD_NEXT_WEEK ? 7 - now + wd : (wd - now + 7) % 7;
    return date_add_days(today, delta == 0 ? 7 : delta);
}

static struct date friday_of_week(struct date today, int weeks_ahead)
{
    int delta = 4 - date_weekday(today) + 7 * weeks_ahead;

    return date_add_days(today, delta < 0 ? 0 : delta);
}

/* ------------------------------------------------------------------ */
/* Words                                                               */

static size_t read_digits(const char *s, size_t max, int *value)
{
    size_t n = 0;

    *value = 0;
    while (n < max && text_is_digit(s[n]))
        *value = *value * 10 + (s[n++] - '0');
    return text_is_digit(s[n]) ? 0 : n;
}

/* A month name (short forms only when allowed), with an abbreviation
 * dot. */
static size_t read_month(const char *s, bool allow_short, int *month)
{
    for (size_t i = 0; i < ARRAY_LEN(months); i++) {
        size_t n;

        if (months[i].short_form && !allow_short)
            continue;
        if ((n = text_match(s, months[i].name)) > 0) {
            *month = months[i].month;
            return s[n] == '.' ? n + 1 : n;
        }
    }
    return 0;
}

static size_t read_weekday(const char *s, int *wd)
{
    for (int i = 0; i < 7; i++)
        for (int lang = 0; lang < 2; lang++) {
            size_t n = text_match(s, weekdays[i][lang]);
            if (n > 0) {
                *wd = i;
                return n;
            }
        }
    return 0;
}

static size_t read_ordinal(const char *s)
{
    static const char *const suffixes[] = {"er", "st", "nd", "rd", "th", "eme", "e", NULL};
    size_t len;

    return text_match_any(s, suffixes, &len) != NULL ? len : 0;
}

static size_t read_number(const char *s, int *value)
{
    size_t n = read_digits(s, 3, value);

    if (n > 0)
        return n;
    for (size_t i = 0; i < ARRAY_LEN(numbers); i++)
        if ((n = text_match(s, numbers[i].word)) > 0) {
            *value = numbers[i].value;
            return n;
        }
    return 0;
}

/* Spaces, then one of the words; returns bytes up to the word's end. */
static size_t then_word(const char *s, const char *const *words)
{
    const char *p = text_skip_spaces(s);
    size_t len;

    return text_match_any(p, words, &len) != NULL ? (size_t)(p - s) + len : 0;
}

static bool set(struct date d, struct date *out)
{
    if (!date_is_set(d))
        return false;
    *out = d;
    return true;
}

/* ------------------------------------------------------------------ */
/* Readers: each returns bytes read at s, or 0                         */

/* 15/12, 15.12, 15-12: day first, as French and British writers do. Two
 * single digits ("1/3") read as a fraction, not a date. */
static size_t read_day_month_numeric(const char *s, struct date today, struct date *out)
{
    int d, m;
    size_t n = read_digits(s, 2, &d), k;

    if (n == 0 || (s[n] != '/' && s[n] != '.' && s[n] != '-'))
        return 0;
    if ((k = read_digits(s + n + 1, 2, &m)) == 0 || (n == 1 && k == 1))
        return 0;
    n += 1 + k;
    /* "15/12/..." with a bad year, "15.12.5": not this form. */
    if ((s[n] == '/' || s[n] == '.' || s[n] == '-') && text_is_digit(s[n + 1]))
        return 0;
    if (m < 1 || m > 12 || d < 1)
        return 0;
    return set(reply_date_infer_year(m, d, today), out) ? n : 0;
}

/* "20 décembre", "1er mars", "10th of December", "20 déc." */
static size_t read_day_month_name(const char *s, struct date today, struct date *out)
{
    int d, m;
    size_t n = read_digits(s, 2, &d), k;

    if (n == 0)
        return 0;
    n += read_ordinal(s + n);
    if (s[n] != ' ' && s[n] != '-')
        return 0;
    n = (size_t)(text_skip_spaces(s + n + (s[n] == '-')) - s);
    if ((k = text_match(s + n, "of")) > 0)
        n = (size_t)(text_skip_spaces(s + n + k) - s);
    if ((k = read_month(s + n, true, &m)) == 0)
        return 0;
    return set(reply_date_infer_year(m, d, today), out) ? n + k : 0;
}

/* "December 10", "Dec 10th", "décembre 20" is not French: English only,
 * but harmless either way. */
static size_t read_month_name_day(const char *s, struct date today, struct date *out)
{
    int d, m;
    size_t n = read_month(s, true, &m), k;

    if (n == 0 || s[n] != ' ')
        return 0;
    n = (size_t)(text_skip_spaces(s + n) - s);
    if ((k = text_match(s + n, "the")) > 0)
        n = (size_t)(text_skip_spaces(s + n + k) - s);
    if ((k = read_digits(s + n, 2, &d)) == 0)
        return 0;
    n += k;
    n += read_ordinal(s + n);
    if (text_is_alnum(s[n]) || s[n] == ':' || s[n] == '/')
        return 0;
    return set(reply_date_infer_year(m, d, today), out) ? n : 0;
}

/* Words after a number that make it an amount, a time or a count, not a
 * day: "le 20 %", "le 15 h", "30 jours". */
static bool followed_by_unit(const char *s)
{
    static const char *const units[] = {"%", "eur", "euro", "euros", "h", "heures", "jours",
                                        "jour", "days", "mois", "months", "ans", "k", "000",
                                        "pour", "percent", "x", NULL};
    const char *p = text_skip_spaces(s);
    size_t len;

    return *p == '%' || text_match_any(p, units, &len) != NULL;
}

/* The day alone: "le 20", "the 15th", "1er". */
static size_t read_day_only(const char *start, const char *s, struct date today, struct date *out)
{
    int d;
    size_t n = read_digits(s, 2, &d), ord;
    bool after_article = (s - start >= 3 && text_match(s - 3, "le") == 2) ||
                         (s - start >= 4 && text_match(s - 4, "the") == 3) ||
                         (s - start >= 3 && text_match(s - 3, "au") == 2);

    if (n == 0 || d < 1 || d > 31)
        return 0;
    ord = read_ordinal(s + n);
    /* "le 15." ends a sentence; "le 15.5" and "le 15:30" are no days. */
    if ((!after_article && ord == 0) || text_is_alnum(s[n + ord]) || s[n + ord] == '/' ||
        ((s[n + ord] == '.' || s[n + ord] == ':') && text_is_digit(s[n + ord + 1])) ||
        followed_by_unit(s + n + ord))
        return 0;
    return set(day_of_month(d, today), out) ? n + ord : 0;
}

static size_t read_numeric_forms(const char *start, const char *s, struct date today,
                                 struct date *out)
{
    size_t n;

    if ((n = text_date_read(s, DATE_ORDER_DMY, out)) > 0)
        return n;
    if ((n = read_day_month_numeric(s, today, out)) > 0)
        return n;
    if ((n = read_day_month_name(s, today, out)) > 0)
        return n;
    return read_day_only(start, s, today, out);
}

enum relative {
    REL_TODAY, REL_TOMORROW, REL_AFTER_TOMORROW, REL_END_WEEK, REL_END_NEXT_WEEK,
    REL_END_MONTH, REL_END_NEXT_MONTH, REL_EARLY_NEXT_MONTH, REL_PLUS_8, REL_PLUS_15,
    REL_YESTERDAY, REL_BEFORE_YESTERDAY, REL_LAST_WEEK, REL_LAST_MONTH,
};

/* Longest first where one phrase starts another. */
static const struct {
    const char *phrase;
    enum relative rel;
} relatives[] = {
    {"avant-hier", REL_BEFORE_YESTERDAY},
    {"avant hier", REL_BEFORE_YESTERDAY},
    {"the day before yesterday", REL_BEFORE_YESTERDAY},
    {"hier", REL_YESTERDAY},
    {"yesterday", REL_YESTERDAY},
    {"la semaine derniere", REL_LAST_WEEK},
    {"semaine derniere", REL_LAST_WEEK},
    {"last week", REL_LAST_WEEK},
    {"le mois dernier", REL_LAST_MONTH},
    {"mois dernier", REL_LAST_MONTH},
    {"last month", REL_LAST_MONTH},
    {"aujourd'hui", REL_TODAY},
    {"today", REL_TODAY},
    {"ce jour", REL_TODAY},
    {"apres-demain", REL_AFTER_TOMORROW},
    {"apres demain", REL_AFTER_TOMORROW},
    {"the day after tomorrow", REL_AFTER_TOMORROW},
    {"demain", REL_TOMORROW},
    {"tomorrow", REL_TOMORROW},
    {"fin de la semaine prochaine", REL_END_NEXT_WEEK},
    {"fin de semaine prochaine", REL_END_NEXT_WEEK},
    {"end of next week", REL_END_NEXT_WEEK},
    {"la semaine prochaine", REL_END_NEXT_WEEK},
    {"semaine prochaine", REL_END_NEXT_WEEK},
    {"next week", REL_END_NEXT_WEEK},
    {"fin de la semaine", REL_END_WEEK},
    {"fin de semaine", REL_END_WEEK},
    {"cette semaine", REL_END_WEEK},
    {"end of the week", REL_END_WEEK},
    {"end of this week", REL_END_WEEK},
    {"this week", REL_END_WEEK},
    {"fin du mois prochain", REL_END_NEXT_MONTH},
    {"fin de mois prochain", REL_END_NEXT_MONTH},
    {"end of next month", REL_END_NEXT_MONTH},
    {"debut du mois prochain", REL_EARLY_NEXT_MONTH},
    {"debut de mois prochain", REL_EARLY_NEXT_MONTH},
    {"early next month", REL_EARLY_NEXT_MONTH},
    {"beginning of next month", REL_EARLY_NEXT_MONTH},
    {"start of next month", REL_EARLY_NEXT_MONTH},
    {"le mois prochain", REL_END_NEXT_MONTH},
    {"mois prochain", REL_END_NEXT_MONTH},
    {"next month", REL_END_NEXT_MONTH},
    {"fin du mois", REL_END_MONTH},
    {"fin de mois", REL_END_MONTH},
    {"fin de ce mois", REL_END_MONTH},
    {"end of the month", REL_END_MONTH},
    {"end of this month", REL_END_MONTH},
    {"end of month", REL_END_MONTH},
    {"month end", REL_END_MONTH},
    {"month-end", REL_END_MONTH},
    {"sous huitaine", REL_PLUS_8},
    {"sous quinzaine", REL_PLUS_15},
    {"une quinzaine de jours", REL_PLUS_15},
    {"quinze jours", REL_PLUS_15},
    {"huit jours", REL_PLUS_8},
};

static struct date resolve_relative(enum relative rel, struct date today)
{
    switch (rel) {
    case REL_TODAY:
        return today;
    case REL_TOMORROW:
        return date_add_days(today, 1);
    case REL_AFTER_TOMORROW:
        return date_add_days(today, 2);
    case REL_END_WEEK:
        return friday_of_week(today, 0);
    case REL_END_NEXT_WEEK:
        return friday_of_week(today, 1);
    case REL_END_MONTH:
        return date_end_of_month(today);
    case REL_END_NEXT_MONTH:
        return next_month(today, 0);
    case REL_EARLY_NEXT_MONTH:
        return next_month(today, 10);
    case REL_PLUS_8:
        return date_add_days(today, 8);
    case REL_PLUS_15:
        return date_add_days(today, 15);
    case REL_YESTERDAY:
        return date_add_days(today, -1);
    case REL_BEFORE_YESTERDAY:
        return date_add_days(today, -2);
    case REL_LAST_WEEK:
        return date_add_days(today, -7);
    case REL_LAST_MONTH:
        return date_add_months(today, -1);
    }
    return today;
}

static size_t read_relative(const char *s, struct date today, struct date *out)
{
    /* "ce jour-là" is the day just named, not today. */
    if (text_match(s, "ce jour-la") > 0 || text_match(s, "ce jour la") > 0)
        return 0;
    for (size_t i = 0; i < ARRAY_LEN(relatives); i++) {
        size_t n = text_match(s, relatives[i].phrase);
        if (n > 0) {
            *out = resolve_relative(relatives[i].rel, today);
            return n;
        }
    }
    return 0;
}

/* "fin décembre", "mi-mars", "early January", "en juin": a month and
 * where in it (day 0 = its last day). */
static size_t read_part_of_month(const char *s, struct date today, struct date *out)
{
    static const struct {
        const char *prefix;
        int day;
    } parts[] = {
        {"fin de", 0},    {"fin d'", 0},     {"fin", 0},        {"end of", 0},   {"late", 0},
        {"mi-", 15},      {"mi", 15},        {"mid-", 15},      {"mid", 15},     {"debut de", 10},
        {"debut d'", 10}, {"debut", 10},     {"early", 10},     {"beginning of", 10},
        {"start of", 10}, {"courant", 0},    {"en", 0},         {"in", 0},
    };

    for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
        size_t n = text_match(s, parts[i].prefix), k;
        int m;
        struct date d;

        if (n == 0)
            continue;
        n = (size_t)(text_skip_spaces(s + n) - s);
        if ((k = read_month(s + n, false, &m)) == 0 || text_is_alnum(s[n + k]))
            continue;
        d = end_of_month_inferred(m, today);
        if (parts[i].day != 0)
            d = reply_date_infer_year(m, parts[i].day, today);
        *out = d;
        return n + k;
    }
    return 0;
}

/* "dans 10 jours", "within two weeks", "d'ici un mois". */
static size_t read_duration(const char *s, struct date today, struct date *out)
{
    static const char *const prefixes[] = {"dans", "sous", "d'ici", "within", "in", NULL};
    static const char *const day_units[] = {"jours", "jour", "days", "day", NULL};
    static const char *const week_units[] = {"semaines", "semaine", "weeks", "week", NULL};
    static const char *const month_units[] = {"mois", "months", "month", NULL};
    size_t n, k;
    int value;

    if (text_match_any(s, prefixes, &n) == NULL)
        return 0;
    n = (size_t)(text_skip_spaces(s + n) - s);
    if ((k = read_number(s + n, &value)) == 0 || value < 1)
        return 0;
    n += k;
    if ((k = then_word(s + n, day_units)) > 0 && value <= MAX_DAYS_AHEAD)
        *out = date_add_days(today, value);
    else if ((k = then_word(s + n, week_units)) > 0 && value <= 52)
        *out = date_add_days(today, 7 * value);
    else if ((k = then_word(s + n, month_units)) > 0 && value <= 12)
        *out = date_add_months(today, value);
    else
        return 0;
    return n + k;
}

/* "vendredi", "vendredi prochain", "next Friday", "lundi dernier", "last
 * Monday", "vendredi 20 décembre". */
static size_t read_weekday_forms(const char *start, const char *s, struct date today,
                                 struct date *out)
{
    static const char *const next_after[] = {"prochain", "prochaine", NULL};
    static const char *const last_after[] = {"dernier", "derniere", NULL};
    enum weekday_ref ref = WD_NEXT;
    size_t n, k, lead = 0;
    int wd;

    if ((k = text_match(s, "next")) > 0 || (k = text_match(s, "last")) > 0) {
        ref = s[0] == 'n' || s[0] == 'N' ? WD_NEXT_WEEK : WD_LAST;
        lead = (size_t)(text_skip_spaces(s + k) - s);
    }
    if ((n = read_weekday(s + lead, &wd)) == 0)
        return 0;
    n += lead;
    if (lead == 0) {
        const char *p = text_skip_spaces(s + n);
        if (*p != '\0' && (k = read_numeric_forms(start, p, today, out)) > 0)
            return (size_t)(p - s) + k;
        if ((k = then_word(s + n, next_after)) > 0)
            ref = WD_NEXT_WEEK;
        else if ((k = then_word(s + n, last_after)) > 0)
            ref = WD_LAST;
        n += k;
    }
    *out = weekday_date(wd, ref, today);
    return n;
}

bool reply_date_is_bare_weekday(const char *s, size_t len)
{
    int wd;

    return read_weekday(s, &wd) == len;
}

size_t reply_date_read(const char *start, const char *s, struct date today, struct date *out)
{
    size_t n;

    if (!date_is_set(today) || !text_word_start(start, s))
        return 0;
    if (text_is_digit(*s))
        return read_numeric_forms(start, s, today, out);
    if (!text_is_alpha(*s))
        return 0;
    if ((n = text_date_read(s, DATE_ORDER_DMY, out)) > 0 ||
        (n = read_month_name_day(s, today, out)) > 0 || (n = read_relative(s, today, out)) > 0 ||
        (n = read_weekday_forms(start, s, today, out)) > 0 ||
        (n = read_duration(s, today, out)) > 0 || (n = read_part_of_month(s, today, out)) > 0)
        return n;
    return 0;
}

const char *reply_date_find(const char *s, const char *end, struct date today, struct date *out,
                            size_t *len)
{
    const char *start = s;

    for (; s < end && *s != '\0'; s++) {
        size_t n;

        /* "F2026-12-15" and "RE-2017/05/09" hold no date of their own. */
        if (s > start && (s[-1] == '/' || s[-1] == '.' || s[-1] == '-') && text_is_digit(*s))
            continue;
        if ((n = reply_date_read(start, s, today, out)) > 0 && s + n <= end) {
            *len = n;
            return s;
        }
    }
    return NULL;
}
