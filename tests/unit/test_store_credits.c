/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_store_credits.c - credit notes applied to the invoices they
 * correct (store_credits.c), on a real SQLite file in a temporary
 * directory: a partial credit lowers the balance, a full one closes the
 * case, the same credit note twice changes nothing, a credit note in
 * another currency or for an unknown invoice changes nothing, and each
 * application leaves one audit event.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/invoice.h"
#include "lib/util.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    char *path;
    struct store *st;
    struct audit_key key;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    char why[256];

    str_copy(f->dir, sizeof f->dir, "/tmp/relance-credits.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/relance.db", f->dir);
    f->st = store_open(f->path, 2000, why, sizeof why);
    assert_non_null(f->st);
    memset(f->key.bytes, 7, sizeof f->key.bytes);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char *wal = xasprintf("%s-wal", f->path), *shm = xasprintf("%s-shm", f->path);

    store_close(f->st);
    unlink(f->path);
    unlink(wal);
    unlink(shm);
    rmdir(f->dir);
    free(wal);
    free(shm);
    free(f->path);
    free(f);
    return 0;
}

static void track(struct fixture *f, const char *seller, const char *number, enum invoice_type type,
                  int64_t cents, const char *currency, const char *referenced)
{
    struct track_context ctx = {"debtor@example.net", "msg@example.net", "QID1", "test"};
    struct invoice inv;
    bool created;

    invoice_init(&inv);
    str_copy(inv.seller_name, sizeof inv.seller_name, seller);
    str_copy(inv.number, sizeof inv.number, number);
    inv.type = type;
    inv.has_amount_due = true;
    inv.amount_due = cents;
    str_copy(inv.currency, sizeof inv.currency, currency);
    str_copy(inv.referenced_number, sizeof inv.referenced_number, referenced);
    inv.issue_date = (struct date){2026, 12, 10};
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &ctx, NULL, &created), STORE_OK);
    assert_true(created);
}

static struct invoice credit_note(const char *seller, const char *number, int64_t cents, const char *currency,
                                  const char *referenced)
{
    struct invoice inv;

    invoice_init(&inv);
    inv.type = INVOICE_TYPE_CREDIT_NOTE;
    str_copy(inv.seller_name, sizeof inv.seller_name, seller);
    str_copy(inv.number, sizeof inv.number, number);
    inv.has_amount_due = true;
    inv.amount_due = cents;
    str_copy(inv.currency, sizeof inv.currency, currency);
    str_copy(inv.referenced_number, sizeof inv.referenced_number, referenced);
    inv.issue_date = (struct date){2026, 12, 10};
    return inv;
}

static struct case_row find_invoice(struct fixture *f, const char *number)
{
    struct case_list list;
    struct case_row row;

    assert_int_equal(store_find_cases(f->st, number, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    row = list.items[0];
    case_list_free(&list);
    return row;
}

static size_t events_of(struct fixture *f, int64_t case_id, const char *kind)
{
    struct event_list events;
    size_t n = 0;

    assert_int_equal(store_list_events(f->st, case_id, &events), STORE_OK);
    for (size_t i = 0; i < events.count; i++)
        n += strcmp(events.items[i].kind, kind) == 0;
    event_list_free(&events);
    return n;
}

static void test_partial_then_full_credit(void **state)
{
    struct fixture *f = *state;
    struct credit_result res;
    struct invoice cn;
    struct case_row row;

    track(f, "acme-renovation.fr", "F2026-0042", INVOICE_TYPE_INVOICE, 64800, "EUR", "");
    cn = credit_note("acme-renovation.fr", "A-2026-003", 10800, "EUR", "F2026-0042");
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_APPLIED);
    assert_int_equal(res.balance_after, 54000);
    assert_string_equal(case_status_name(res.status), "open");
    row = find_invoice(f, "F2026-0042");
    assert_int_equal(row.balance, 54000);
    assert_string_equal(case_status_name(row.status), "open");
    assert_int_equal(events_of(f, row.id, "credit-note-applied"), 1);

    /* The same credit note again: nothing changes. */
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_ALREADY_APPLIED);
    assert_int_equal(find_invoice(f, "F2026-0042").balance, 54000);
    assert_int_equal(events_of(f, row.id, "credit-note-applied"), 1);

    /* The rest: the case closes. */
    cn = credit_note("acme-renovation.fr", "A-2026-004", 54000, "EUR", "F2026-0042");
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_APPLIED);
    assert_int_equal(res.balance_after, 0);
    row = find_invoice(f, "F2026-0042");
    assert_int_equal(row.balance, 0);
    assert_string_equal(case_status_name(row.status), "closed");
    assert_int_equal(events_of(f, row.id, "credit-note-applied"), 2);
}

static void test_nothing_applied(void **state)
{
    struct fixture *f = *state;
    struct credit_result res;
    struct invoice cn;

    track(f, "brightline.example.com", "INV-7781", INVOICE_TYPE_INVOICE, 425000, "USD", "");
    cn = credit_note("brightline.example.com", "CN-1", 75000, "EUR", "INV-7781");
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_CURRENCY_MISMATCH);
    assert_int_equal(find_invoice(f, "INV-7781").balance, 425000);
    cn = credit_note("brightline.example.com", "CN-2", 75000, "USD", "INV-0000");
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_NO_INVOICE);
    cn = credit_note("brightline.example.com", "CN-3", 0, "USD", "INV-7781");
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_NO_AMOUNT);
    assert_int_equal(find_invoice(f, "INV-7781").balance, 425000);
}

/* The seller named differently (legal name in Factur-X, mail domain in a
 * text credit note): the only invoice with that number is meant; with two
 * sellers having one each, neither is touched; and a structured credit
 * note from another named seller never lowers our invoice. */
static void test_seller_matching(void **state)
{
    struct fixture *f = *state;
    struct credit_result res;
    struct invoice cn;

    track(f, "LE FOURNISSEUR", "F20180027", INVOICE_TYPE_INVOICE, 10000, "EUR", "");
    cn = credit_note("creditor.test", "AV-9", 2500, "EUR", "F20180027");
    cn.source = INVOICE_SOURCE_BODY;
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_APPLIED);
    assert_int_equal(res.balance_after, 7500);

    track(f, "Seller One", "X-1", INVOICE_TYPE_INVOICE, 10000, "EUR", "");
    track(f, "Seller Two", "X-1", INVOICE_TYPE_INVOICE, 10000, "EUR", "");
    cn = credit_note("someone-else.test", "AV-10", 2500, "EUR", "X-1");
    cn.source = INVOICE_SOURCE_BODY;
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_NO_INVOICE);
    cn = credit_note("Seller Two", "AV-11", 2500, "EUR", "X-1");
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_APPLIED);
    assert_int_equal(res.balance_after, 7500);

    track(f, "ACME Industries SAS", "Y-1", INVOICE_TYPE_INVOICE, 10000, "EUR", "");
    cn = credit_note("Autre Vendeur SARL", "AV-12", 2500, "EUR", "Y-1");
    cn.source = INVOICE_SOURCE_CII;
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_NO_INVOICE);
    assert_int_equal(find_invoice(f, "Y-1").balance, 10000);
    /* The same seller without its legal form is the same seller. */
    cn = credit_note("ACME Industries", "AV-13", 2500, "EUR", "Y-1");
    cn.source = INVOICE_SOURCE_CII;
    assert_int_equal(store_apply_credit_note(f->st, &f->key, &cn, "test", &res), STORE_OK);
    assert_int_equal(res.outcome, CREDIT_APPLIED);
    assert_int_equal(find_invoice(f, "Y-1").balance, 7500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_partial_then_full_credit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seller_matching, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
