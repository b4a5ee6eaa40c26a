/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_messages.c - the copies the court file rests on, on a real
 * SQLite store: an invoice mail kept once for the cases it created (a
 * second sighting keeps nothing), whole under ArchiveMaxSize and as
 * headers and a note over it; its SHA-256 (and the whole message's) in a
 * 'message-kept' event on each case; a reply kept for the cases its
 * replies rows name; a reminder for the cases it covered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "store/store.h"
#include "store/store_messages.h"
#include "temp_store.h"

#define MAIL "From: <billing@creditor.test>\r\nMessage-ID: <inv-1@creditor.test>\r\nSubject: Facture\r\n\r\n" \
             "Bonjour,\r\nla facture F-1 est jointe.\r\n"

struct fixture {
    char dir[64];
    char path[128];
    struct store *st;
    struct audit_key key;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);

    f->st = temp_store_open("messages", f->dir, sizeof f->dir, f->path, sizeof f->path);
    memset(f->key.bytes, 3, sizeof f->key.bytes);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    temp_store_close(f->st, f->dir, f->path);
    free(f);
    return 0;
}

static int64_t track(struct fixture *f, const char *number, const char *message_id, const char *queue_id)
{
    struct track_context tc = {"debtor@client.test", message_id, queue_id, "test"};
    struct invoice inv;
    struct case_row c;
    bool created;

    invoice_init(&inv);
    str_copy(inv.number, sizeof inv.number, number);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME");
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    inv.has_amount_due = true;
    inv.amount_due = 10000;
    date_parse("2026-01-30", &inv.due_date);
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &tc, &c, &created), STORE_OK);
    return c.id;
}

/* The detail of the case's last 'message-kept' event, copied. */
static bool kept_event(struct fixture *f, int64_t case_id, char *detail, size_t size)
{
    struct event_list events;
    bool found = false;

    assert_int_equal(store_list_events(f->st, case_id, &events), STORE_OK);
    for (size_t i = 0; i < events.count; i++)
        if (strcmp(events.items[i].kind, "message-kept") == 0) {
            str_copy(detail, size, events.items[i].detail);
            found = true;
        }
    event_list_free(&events);
    return found;
}

static void invoice_whole(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", "inv-1@creditor.test", "Q1"), b = track(f, "F-2", "inv-1@creditor.test", "Q1");
    struct kept_message_list list;
    char sha[SHA256_HEX], detail[1024], needle[128];
    size_t cases = 0;

    assert_int_equal(store_keep_invoice_message(f->st, &f->key, "inv-1@creditor.test", "Q1", MAIL, strlen(MAIL),
                                                1024, &cases),
                     STORE_OK);
    assert_int_equal(cases, 2); /* one mail, two invoices */
    store_sha256_hex(MAIL, strlen(MAIL), sha);
    assert_int_equal(store_case_messages(f->st, b, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].kind, "invoice");
    assert_true(list.items[0].whole);
    assert_int_equal(list.items[0].raw_len, strlen(MAIL));
    assert_memory_equal(list.items[0].raw, MAIL, strlen(MAIL));
    assert_string_equal(list.items[0].sha256, sha);
    assert_string_equal(list.items[0].original_sha256, sha);
    kept_message_list_free(&list);
    assert_true(kept_event(f, a, detail, sizeof detail));
    snprintf(needle, sizeof needle, "\"sha256\":\"%s\"", sha);
    assert_non_null(strstr(detail, needle));
    assert_non_null(strstr(detail, "\"whole\":true"));
    /* Seen again (the same mail resent): nothing more is kept. */
    assert_int_equal(store_keep_invoice_message(f->st, &f->key, "inv-1@creditor.test", "Q1", MAIL, strlen(MAIL),
                                                1024, &cases),
                     STORE_OK);
    assert_int_equal(cases, 0);
    /* Another queue id: not the mail that created these cases. */
    assert_int_equal(store_keep_invoice_message(f->st, &f->key, "inv-1@creditor.test", "Q9", MAIL, strlen(MAIL),
                                                1024, &cases),
                     STORE_OK);
    assert_int_equal(cases, 0);
    assert_int_equal(store_case_messages(f->st, a, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    kept_message_list_free(&list);
}

static void invoice_over_the_bound(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", "inv-1@creditor.test", "Q1");
    struct kept_message_list list;
    char sha[SHA256_HEX], detail[1024], needle[128];
    size_t cases = 0;

    assert_int_equal(store_keep_invoice_message(f->st, &f->key, "inv-1@creditor.test", "Q1", MAIL, strlen(MAIL),
                                                40, &cases),
                     STORE_OK);
    assert_int_equal(cases, 1);
    assert_int_equal(store_case_messages(f->st, a, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_false(list.items[0].whole);
    assert_int_equal(list.items[0].size, strlen(MAIL));
    /* The header lines that fit in 40 bytes, cut at a line end: "From:
     * <billing@creditor.test>\r\n" is 30 bytes, the Message-ID line would
     * end past 40. */
    assert_memory_equal(list.items[0].raw, "From: <billing@creditor.test>\r\n", 31);
    assert_null(strstr(list.items[0].raw, "Message-ID"));
    assert_non_null(strstr(list.items[0].raw, "over ArchiveMaxSize (40 bytes)"));
    assert_null(strstr(list.items[0].raw, "Bonjour"));
    store_sha256_hex(list.items[0].raw, list.items[0].raw_len, sha);
    assert_string_equal(list.items[0].sha256, sha);
    store_sha256_hex(MAIL, strlen(MAIL), sha);
    assert_string_equal(list.items[0].original_sha256, sha);
    kept_message_list_free(&list);
    assert_true(kept_event(f, a, detail, sizeof detail));
    snprintf(needle, sizeof needle, "\"original_sha256\":\"%s\"", sha);
    assert_non_null(strstr(detail, needle));
    assert_non_null(strstr(detail, "\"whole\":false"));
}

/* A bound past the headers keeps all of them and the note. */
static void headers_whole(void **state)
{
    struct fixture *f = *state;
    int64_t a = track(f, "F-1", "inv-1@creditor.test", "Q1");
    size_t headers = (size_t)(strstr(MAIL, "\r\n\r\n") + 2 - MAIL), cases;
    struct kept_message_list list;

    assert_int_equal(store_keep_invoice_message(f->st, &f->key, "inv-1@creditor.test", "Q1", MAIL, strlen(MAIL),
                                                headers + 5, &cases),
                     STORE_OK);
    assert_int_equal(store_case_messages(f->st, a, &list), STORE_OK);
    assert_memory_equal(list.items[0].raw, MAIL, headers);
    assert_non_null(strstr(list.items[0].raw, "X-Relance-Archive: headers only\r\n\r\n[relance:"));
    kept_message_list_free(&list);
}

/* Hostile shapes: no blank line after the headers, LF line ends, a
 * bound of 0 (headers only: nothing fits), a line longer than the bound. */
static void odd_shapes(void **state)
{
    struct fixture *f = *state;
    static const char *const mails[] = {"Subject: no body\r\nX: y", "Subject: lf\n\nbody\n",
                                        "Subject: a very long header line that never ends before the bound"};
    static const size_t bounds[] = {10, 12, 0};
    struct kept_message_list list;
    size_t cases;

    for (size_t i = 0; i < ARRAY_LEN(mails); i++) {
        char number[8], queue[8];
        int64_t id;

        snprintf(number, sizeof number, "F-%zu", i);
        snprintf(queue, sizeof queue, "Q%zu", i);
        id = track(f, number, "", queue);
        assert_int_equal(store_keep_invoice_message(f->st, &f->key, "", queue, mails[i], strlen(mails[i]), bounds[i],
                                                    &cases),
                         STORE_OK);
        assert_int_equal(cases, 1);
        assert_int_equal(store_case_messages(f->st, id, &list), STORE_OK);
        assert_int_equal(list.count, 1);
        assert_false(list.items[0].whole);
        assert_non_null(strstr(list.items[0].raw, "over ArchiveMaxSize"));
        assert_null(strstr(list.items[0].raw, "body\n"));
        if (i == 1) /* LF line ends, bound 12: "Subject: lf\n" is 12 bytes and fits */
            assert_memory_equal(list.items[0].raw, "Subject: lf\n", 12);
        if (i == 2) /* nothing fits in 0 bytes: the note alone */
            assert_memory_equal(list.items[0].raw, "X-Relance-Archive", 17);
        kept_message_list_free(&list);
    }
    /* A case tracked after the copy was kept (another sighting) has none. */
    assert_int_equal(store_case_messages(f->st, track(f, "F-9", "", "Q1"), &list), STORE_OK);
    assert_int_equal(list.count, 0);
    kept_message_list_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(invoice_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(invoice_over_the_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(headers_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(odd_shapes, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
