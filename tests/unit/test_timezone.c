/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_timezone.c - time zones held by value: two zones used side by side
 * in one process (Europe/Paris and America/New_York, whose clocks change
 * three weeks apart in March), across their changes of offset: the local
 * day of an instant, the instant of a local midnight, a time the clock
 * skips and a time it shows twice. And the process's TZ is never set:
 * neither the zones, nor the default zone, nor a configuration's Timezone
 * touch it, from one thread or several.
 *
 * Summer time in 2026: New York from 8 March 02:00 to 1 November 02:00,
 * Paris from 29 March 01:00 UTC to 25 October 01:00 UTC.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "core/config.h"
#include "lib/message.h"
#include "lib/util.h"
#include "remind/reminder.h"

struct zones {
    struct calendar_zone *paris;
    struct calendar_zone *new_york;
};

static int setup(void **state)
{
    struct zones *z = xcalloc(1, sizeof *z);

    z->paris = calendar_zone_new("Europe/Paris");
    z->new_york = calendar_zone_new("America/New_York");
    *state = z;
    return z->paris && z->new_york ? 0 : -1;
}

static int teardown(void **state)
{
    struct zones *z = *state;

    calendar_zone_free(z->paris);
    calendar_zone_free(z->new_york);
    free(z);
    return 0;
}

static time_t utc(int y, int mo, int da, int h, int mi)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = da;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return timegm(&tm);
}

static struct local_moment moment(int y, int mo, int da, int h, int mi)
{
    struct local_moment m = {{y, mo, da}, h * 60 + mi};
    return m;
}

static void assert_moment(struct local_moment m, int y, int mo, int da, int h, int mi)
{
    assert_int_equal(m.date.year, y);
    assert_int_equal(m.date.month, mo);
    assert_int_equal(m.date.day, da);
    assert_int_equal(m.minute, h * 60 + mi);
}

static void test_names(void **state)
{
    struct zones *z = *state;

    assert_string_equal(calendar_zone_name(z->paris), "Europe/Paris");
    assert_string_equal(calendar_zone_name(z->new_york), "America/New_York");
    assert_string_equal(calendar_zone_name(NULL), "UTC");
    assert_null(calendar_zone_new("Europe/Atlantis"));
    assert_null(calendar_zone_new("../etc/passwd"));
    /* GLib would read these as POSIX rules; only zone files are zones. */
    assert_null(calendar_zone_new("CET-1CEST"));
    assert_null(calendar_zone_new("EST+5"));
    assert_null(calendar_zone_new(""));
}

/* The same instants, the local days of two zones. */
static void test_local_day_of_an_instant(void **state)
{
    struct zones *z = *state;

    /* Before New York's change: EST (-5) and CET (+1); its day is still
     * the 7th when Paris's is the 8th. */
    assert_moment(calendar_zone_local(z->new_york, utc(2026, 3, 8, 4, 30)), 2026, 3, 7, 23, 30);
    assert_moment(calendar_zone_local(z->paris, utc(2026, 3, 8, 4, 30)), 2026, 3, 8, 5, 30);
    /* Three hours later New York is on EDT (-4), Paris still on CET. */
    assert_moment(calendar_zone_local(z->new_york, utc(2026, 3, 8, 7, 30)), 2026, 3, 8, 3, 30);
    assert_moment(calendar_zone_local(z->paris, utc(2026, 3, 8, 7, 30)), 2026, 3, 8, 8, 30);
    /* Paris's night of change: the 29th begins at 23:00 UTC on the 28th,
     * and 01:30 UTC is already 03:30 (CEST, +2). */
    assert_moment(calendar_zone_local(z->paris, utc(2026, 3, 28, 23, 30)), 2026, 3, 29, 0, 30);
    assert_moment(calendar_zone_local(z->paris, utc(2026, 3, 29, 0, 59)), 2026, 3, 29, 1, 59);
    assert_moment(calendar_zone_local(z->paris, utc(2026, 3, 29, 1, 0)), 2026, 3, 29, 3, 0);
    assert_moment(calendar_zone_local(z->new_york, utc(2026, 3, 28, 23, 30)), 2026, 3, 28, 19, 30);
    /* No zone: UTC. */
    assert_moment(calendar_zone_local(NULL, utc(2026, 3, 8, 4, 30)), 2026, 3, 8, 4, 30);
    assert_int_equal(calendar_zone_offset(z->paris, utc(2026, 1, 15, 12, 0)), 3600);
    assert_int_equal(calendar_zone_offset(z->paris, utc(2026, 7, 15, 12, 0)), 7200);
    assert_int_equal(calendar_zone_offset(z->new_york, utc(2026, 3, 8, 6, 59)), -5 * 3600);
    assert_int_equal(calendar_zone_offset(z->new_york, utc(2026, 3, 8, 7, 0)), -4 * 3600);
    assert_int_equal(calendar_zone_offset(NULL, utc(2026, 7, 15, 12, 0)), 0);
}

/* Local midnights, and the length of the days the clocks change. */
static void test_instant_of_local_midnight(void **state)
{
    struct zones *z = *state;
    time_t start, end;

    start = calendar_zone_instant(z->new_york, moment(2026, 3, 8, 0, 0));
    end = calendar_zone_instant(z->new_york, moment(2026, 3, 9, 0, 0));
    assert_true(start == utc(2026, 3, 8, 5, 0));
    assert_true(end == utc(2026, 3, 9, 4, 0));
    assert_int_equal(end - start, 23 * 3600);
    /* The same day is 24 hours long in Paris. */
    start = calendar_zone_instant(z->paris, moment(2026, 3, 8, 0, 0));
    end = calendar_zone_instant(z->paris, moment(2026, 3, 9, 0, 0));
    assert_true(start == utc(2026, 3, 7, 23, 0));
    assert_int_equal(end - start, 24 * 3600);
    /* Paris's own short day, then its long one in October. */
    start = calendar_zone_instant(z->paris, moment(2026, 3, 29, 0, 0));
    end = calendar_zone_instant(z->paris, moment(2026, 3, 30, 0, 0));
    assert_true(start == utc(2026, 3, 28, 23, 0));
    assert_true(end == utc(2026, 3, 29, 22, 0));
    assert_int_equal(end - start, 23 * 3600);
    start = calendar_zone_instant(z->paris, moment(2026, 10, 25, 0, 0));
    end = calendar_zone_instant(z->paris, moment(2026, 10, 26, 0, 0));
    assert_int_equal(end - start, 25 * 3600);
    start = calendar_zone_instant(z->new_york, moment(2026, 11, 1, 0, 0));
    end = calendar_zone_instant(z->new_york, moment(2026, 11, 2, 0, 0));
    assert_true(start == utc(2026, 11, 1, 4, 0));
    assert_int_equal(end - start, 25 * 3600);
    /* A minute past the day runs on into the next. */
    assert_true(calendar_zone_instant(z->paris, moment(2026, 3, 28, 24, 0)) == utc(2026, 3, 28, 23, 0));
    assert_true(calendar_zone_instant(z->paris, moment(2026, 2, 30, 0, 0)) == (time_t)-1);
    assert_true(calendar_zone_instant(NULL, moment(2026, 3, 29, 2, 30)) == utc(2026, 3, 29, 2, 30));
}

/* 02:00 to 02:59 never happen on the night summer time starts: such a
 * moment is the instant of the jump. */
static void test_spring_forward_gap(void **state)
{
    struct zones *z = *state;

    assert_true(calendar_zone_instant(z->paris, moment(2026, 3, 29, 1, 59)) == utc(2026, 3, 29, 0, 59));
    assert_true(calendar_zone_instant(z->paris, moment(2026, 3, 29, 2, 0)) == utc(2026, 3, 29, 1, 0));
    assert_true(calendar_zone_instant(z->paris, moment(2026, 3, 29, 2, 30)) == utc(2026, 3, 29, 1, 0));
    assert_true(calendar_zone_instant(z->paris, moment(2026, 3, 29, 3, 0)) == utc(2026, 3, 29, 1, 0));
    assert_true(calendar_zone_instant(z->new_york, moment(2026, 3, 8, 2, 30)) == utc(2026, 3, 8, 7, 0));
    assert_true(calendar_zone_instant(z->new_york, moment(2026, 3, 8, 3, 0)) == utc(2026, 3, 8, 7, 0));
    /* The other zone's clock did not jump that night. */
    assert_true(calendar_zone_instant(z->paris, moment(2026, 3, 8, 2, 30)) == utc(2026, 3, 8, 1, 30));
    assert_true(calendar_zone_instant(z->new_york, moment(2026, 3, 29, 2, 30)) == utc(2026, 3, 29, 6, 30));
}

/* 02:00 to 02:59 happen twice in Paris on 25 October (01:00 to 01:59 in
 * New York on 1 November): the earlier is taken. */
static void test_fall_back_overlap(void **state)
{
    struct zones *z = *state;

    assert_moment(calendar_zone_local(z->paris, utc(2026, 10, 25, 0, 30)), 2026, 10, 25, 2, 30);
    assert_moment(calendar_zone_local(z->paris, utc(2026, 10, 25, 1, 30)), 2026, 10, 25, 2, 30);
    assert_true(calendar_zone_instant(z->paris, moment(2026, 10, 25, 2, 30)) == utc(2026, 10, 25, 0, 30));
    assert_true(calendar_zone_instant(z->paris, moment(2026, 10, 25, 3, 0)) == utc(2026, 10, 25, 2, 0));
    assert_true(calendar_zone_instant(z->new_york, moment(2026, 11, 1, 1, 30)) == utc(2026, 11, 1, 5, 30));
    assert_true(calendar_zone_instant(z->new_york, moment(2026, 11, 1, 2, 0)) == utc(2026, 11, 1, 7, 0));
}

/* Every minute of both zones' change days reads back to itself, unless
 * the clock skipped it. */
static void test_round_trip(void **state)
{
    struct zones *z = *state;
    const struct {
        const struct calendar_zone *zone;
        struct date gap; /* the day its clock skips 02:00-02:59 */
    } zones[] = {{z->paris, {2026, 3, 29}}, {z->new_york, {2026, 3, 8}}};
    struct date days[] = {{2026, 3, 8}, {2026, 3, 29}, {2026, 10, 25}, {2026, 11, 1}};

    for (size_t i = 0; i < ARRAY_LEN(zones); i++) {
        for (size_t d = 0; d < ARRAY_LEN(days); d++) {
            for (int minute = 0; minute < 1440; minute++) {
                struct local_moment m = {days[d], minute};
                struct local_moment back = calendar_zone_local(zones[i].zone, calendar_zone_instant(zones[i].zone, m));
                bool skipped = date_compare(days[d], zones[i].gap) == 0 && minute >= 120 && minute < 180;

                assert_int_equal(date_compare(back.date, m.date), 0);
                assert_int_equal(back.minute, skipped ? 180 : m.minute);
            }
        }
    }
}

/* ---- the process's TZ ---- */

static void test_tz_never_set(void **state)
{
    struct zones *z = *state;
    struct tm tm;
    time_t noon = utc(2026, 1, 15, 12, 0);

    /* Whatever TZ says, the zones say their own time... */
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    assert_moment(calendar_zone_local(z->paris, noon), 2026, 1, 15, 13, 0);
    assert_moment(calendar_zone_local(z->new_york, noon), 2026, 1, 15, 7, 0);
    calendar_use_timezone("America/New_York");
    assert_moment(calendar_local(noon), 2026, 1, 15, 7, 0);
    assert_true(calendar_instant(moment(2026, 1, 15, 7, 0)) == noon);
    /* ...and none of them changed it: libc still reads Tokyo. */
    assert_string_equal(getenv("TZ"), "Asia/Tokyo");
    localtime_r(&noon, &tm);
    assert_int_equal(tm.tm_hour, 21);
    /* Without TZ, nothing puts one there. */
    unsetenv("TZ");
    tzset();
    calendar_use_timezone("Europe/Paris");
    assert_moment(calendar_local(noon), 2026, 1, 15, 13, 0);
    (void)calendar_zone_instant(z->paris, moment(2026, 3, 29, 2, 30));
    assert_null(getenv("TZ"));
    /* An unknown name leaves the default zone at UTC. */
    calendar_use_timezone("Mars/Olympus");
    assert_moment(calendar_local(noon), 2026, 1, 15, 12, 0);
    assert_null(getenv("TZ"));
    calendar_use_timezone("Europe/Paris");
}

/* Each configuration snapshot carries its zone: the one a reload builds
 * and the one still in use answer at the same time, each in its own. */
static void test_configuration_zones(void **state)
{
    struct strlist errors;
    struct config *old, *reloaded;
    struct strbuf dump;
    time_t t = utc(2026, 3, 8, 4, 30);

    (void)state;
    strlist_init(&errors);
    old = config_parse_text("old.conf", "Timezone Europe/Paris\n", &errors);
    reloaded = config_parse_text("new.conf", "Timezone America/New_York\n", &errors);
    assert_non_null(old);
    assert_non_null(reloaded);
    assert_moment(calendar_zone_local(old->timezone, t), 2026, 3, 8, 5, 30);
    assert_moment(calendar_zone_local(reloaded->timezone, t), 2026, 3, 7, 23, 30);
    strbuf_init(&dump);
    config_write(reloaded, &dump);
    assert_non_null(strstr(dump.data, "\nTimezone America/New_York\n"));
    strbuf_free(&dump);
    config_unref(old);
    config_unref(reloaded);
    assert_null(config_parse_text("bad.conf", "Timezone CET-1CEST\n", &errors));
    assert_int_equal(errors.count, 1);
    assert_string_equal(errors.items[0],
                        "bad.conf:1: Timezone: unknown time zone (see /usr/share/zoneinfo): 'CET-1CEST'");
    strlist_free(&errors);
    assert_null(getenv("TZ"));
}

/* The Date header of a mail is written in the zone the mail names. */
static void test_mail_date(void **state)
{
    struct zones *z = *state;
    struct reminder_mail m;
    char *mail;
    size_t len;

    memset(&m, 0, sizeof m);
    m.from_address = "agence@example.com";
    m.to_address = "client@example.org";
    m.message_id = "1@example.com";
    m.marker = "token";
    m.subject = "Relance";
    m.text = "texte";
    m.html = "<p>texte</p>";
    m.date = utc(2026, 1, 15, 12, 0);
    m.zone = z->paris;
    mail = reminder_build(&m, &len);
    assert_non_null(strstr(mail, "Date: Thu, 15 Jan 2026 13:00:00 +0100\n"));
    free(mail);
    m.date = utc(2026, 7, 15, 12, 0);
    m.zone = z->new_york;
    mail = reminder_build(&m, &len);
    assert_non_null(strstr(mail, "Date: Wed, 15 Jul 2026 08:00:00 -0400\n"));
    free(mail);
    m.zone = NULL;
    mail = reminder_build(&m, &len);
    assert_non_null(strstr(mail, "Date: Wed, 15 Jul 2026 12:00:00 +0000\n"));
    free(mail);
}

/* ---- threads ---- */

#define THREAD_ROUNDS 2000

struct worker {
    const struct calendar_zone *zone;
    struct local_moment midnight; /* a change day's */
    time_t expected_start, expected_end;
    int failures;
};

static void *convert(void *arg)
{
    struct worker *w = arg;
    struct local_moment next = w->midnight;

    next.date = date_add_days(next.date, 1);
    for (int i = 0; i < THREAD_ROUNDS; i++) {
        struct local_moment back = calendar_zone_local(w->zone, w->expected_start);
        if (calendar_zone_instant(w->zone, w->midnight) != w->expected_start ||
            calendar_zone_instant(w->zone, next) != w->expected_end || back.minute != 0 ||
            date_compare(back.date, w->midnight.date) != 0)
            w->failures++;
    }
    return NULL;
}

/* Two threads convert in their own zones while a third keeps changing the
 * default zone: none sees another's. */
static void test_threads(void **state)
{
    struct zones *z = *state;
    struct worker paris = {z->paris, moment(2026, 3, 29, 0, 0), utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0), 0};
    struct worker new_york = {z->new_york, moment(2026, 3, 8, 0, 0), utc(2026, 3, 8, 5, 0), utc(2026, 3, 9, 4, 0), 0};
    pthread_t a, b;

    assert_int_equal(pthread_create(&a, NULL, convert, &paris), 0);
    assert_int_equal(pthread_create(&b, NULL, convert, &new_york), 0);
    for (int i = 0; i < THREAD_ROUNDS / 10; i++)
        calendar_use_timezone(i % 2 ? "Europe/Paris" : "Asia/Tokyo");
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    assert_int_equal(paris.failures, 0);
    assert_int_equal(new_york.failures, 0);
    assert_null(getenv("TZ"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_local_day_of_an_instant),
        cmocka_unit_test(test_instant_of_local_midnight),
        cmocka_unit_test(test_spring_forward_gap),
        cmocka_unit_test(test_fall_back_overlap),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tz_never_set),
        cmocka_unit_test(test_configuration_zones),
        cmocka_unit_test(test_mail_date),
        cmocka_unit_test(test_threads),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, setup, teardown);
}
