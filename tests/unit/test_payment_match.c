/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_payment_match.c - bank credits matched to cases and recorded as
 * payments (payment_import) on a real store: an invoice number named as a
 * whole word, a partial payment, a credit exceeding the balance, a credit
 * naming nothing matched by amount and payer only when one case fits,
 * debits skipped, a statement imported twice paying once, a dry run
 * changing nothing. Every balance is worked out by hand in a comment.
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

#include "lib/audit.h"
#include "lib/util.h"
#include "store/payment_match.h"
#include "store/store.h"
#include "temp_store.h"

struct fixture {
    char dir[64];
    char *path;
    struct store *st;
    struct audit_key key;
};

static void track(struct fixture *f, const char *number, int64_t cents, const char *buyer, const char *email)
{
    struct track_context ctx = {email, "inv@creditor.example", "Q1", "milter"};
    struct invoice inv;
    bool created;

    memset(&inv, 0, sizeof inv);
    str_copy(inv.seller_name, sizeof inv.seller_name, "ACME Industries SAS");
    str_copy(inv.number, sizeof inv.number, number);
    inv.issue_date = (struct date){2026, 10, 1};
    inv.due_date = (struct date){2026, 10, 31};
    inv.due_basis = DUE_BASIS_DOCUMENT;
    inv.amount_due = cents;
    inv.has_amount_due = true;
    str_copy(inv.currency, sizeof inv.currency, "EUR");
    str_copy(inv.buyer_name, sizeof inv.buyer_name, buyer);
    str_copy(inv.buyer_email, sizeof inv.buyer_email, email);
    inv.source = INVOICE_SOURCE_UBL;
    assert_int_equal(store_track_invoice(f->st, &f->key, &inv, &ctx, NULL, &created), STORE_OK);
    assert_true(created);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    char why[256];

    str_copy(f->dir, sizeof f->dir, "/tmp/relance-payments-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    f->path = xasprintf("%s/relance.db", f->dir);
    if ((f->st = store_open(f->path, 2000, why, sizeof why)) == NULL)
        return -1;
    for (size_t i = 0; i < sizeof f->key.bytes; i++)
        f->key.bytes[i] = (uint8_t)(i * 5 + 3);
    track(f, "F-2026-001", 120000, "Atelier Dupont SARL", "compta@dupont.example");
    track(f, "F-2026-01", 50000, "Atelier Dupont SARL", "compta@dupont.example");
    track(f, "M-101", 25000, "Boulangerie Martin", "martin@boulangerie.example");
    track(f, "M-102", 25000, "Boulangerie Martin", "martin@boulangerie.example");
    track(f, "G-201", 48000, "Garage Durand et Fils", "compta@durand.example");
    track(f, "G-202", 10000, "Garage Durand et Fils", "compta@durand.example");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    store_close(f->st);
    temp_store_remove(f->dir, f->path);
    free(f->path);
    free(f);
    return 0;
}

/* A statement of credits (and debits) built by hand. */
static struct bank_entry *add(struct bank_statement *s, const char *entry_id, int64_t cents, bool credit,
                              const char *remittance, const char *name)
{
    struct bank_entry *e = bank_statement_add(s);

    str_copy(e->statement_id, sizeof e->statement_id, "STMT-2026-12");
    str_copy(e->entry_id, sizeof e->entry_id, entry_id);
    e->amount = cents;
    str_copy(e->currency, sizeof e->currency, "EUR");
    e->credit = credit;
    e->booked = (struct date){2026, 12, 2};
    str_copy(e->remittance, sizeof e->remittance, remittance);
    str_copy(e->debtor_name, sizeof e->debtor_name, name);
    e->line = s->count;
    return e;
}

static struct case_row get_case(struct fixture *f, const char *number)
{
    struct case_list list;
    struct case_row c;

    assert_int_equal(store_find_cases(f->st, number, &list), STORE_OK);
    assert_int_equal(list.count, 1);
    c = list.items[0];
    case_list_free(&list);
    return c;
}

static size_t payments_of(struct fixture *f, const char *number)
{
    struct money_payment *p;
    size_t n;

    assert_int_equal(store_list_payments(f->st, get_case(f, number).id, &p, &n), STORE_OK);
    free(p);
    return n;
}

static void import(struct fixture *f, struct bank_statement *s, bool dry_run, struct payment_line *lines)
{
    strcpy(s->format, "camt.053.001.08");
    bank_statement_set_keys(s);
    assert_int_equal(payment_import(f->st, &f->key, s, dry_run, lines), STORE_OK);
}

static void test_whole_word(void **state)
{
    (void)state;
    assert_true(payment_names_number("VIR SEPA FACT F-2026-001 MERCI", "F-2026-001"));
    assert_true(payment_names_number("(f-2026-001)", "F-2026-001"));
    assert_true(payment_names_number("F-2026-001", "F-2026-001"));
    assert_false(payment_names_number("F-2026-0010", "F-2026-001"));
    assert_false(payment_names_number("XF-2026-001", "F-2026-001"));
    assert_false(payment_names_number("F-2026-00", "F-2026-001"));
    /* F-2026-01 is not named by F-2026-011 nor inside F-2026-01x */
    assert_false(payment_names_number("F-2026-011", "F-2026-01"));
    assert_true(payment_names_number("F-2026-01/F-2026-011", "F-2026-01"));
    /* too short to be looked for in text */
    assert_false(payment_names_number("VIR 12 DEC", "12"));
    assert_true(payment_same_name("GARAGE DURAND ET FILS", "Garage Durand et Fils"));
    assert_true(payment_same_name("GARAGE DURAND", "Garage Durand et Fils")); /* cut by the bank */
    assert_false(payment_same_name("GARAGE DUR", "Garage Durand et Fils"));  /* not at a word end */
    assert_false(payment_same_name("DURAND", "Garage Durand et Fils"));
    assert_true(payment_same_name("SOCIÉTÉ MARTIN", "Société Martin"));
}

static void test_named_invoice_paid_in_full(void **state)
{
    struct fixture *f = *state;
    struct bank_statement s;
    struct payment_line lines[1];
    struct event_list events;
    struct case_row c;
    size_t i;

    bank_statement_init(&s);
    /* 1200.00 names F-2026-001, which owes 1200.00: 1200.00 - 1200.00 = 0, paid */
    add(&s, "E1", 120000, true, "VIR SEPA REGLEMENT FACT F-2026-001", "ATELIER DUPONT");
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_MATCHED);
    assert_false(lines[0].by_name);
    assert_string_equal(lines[0].number, "F-2026-001");
    assert_int_equal(lines[0].balance_before, 120000);
    assert_int_equal(lines[0].balance_after, 0);
    c = get_case(f, "F-2026-001");
    assert_int_equal(c.balance, 0);
    assert_int_equal(c.status, CASE_PAID);
    /* F-2026-01 is not named by F-2026-001: untouched */
    assert_int_equal(get_case(f, "F-2026-01").balance, 50000);
    /* the event is a manual payment's, with the bank's source and reference */
    assert_int_equal(store_list_events(f->st, c.id, &events), STORE_OK);
    for (i = 0; i < events.count && strcmp(events.items[i].kind, "payment-recorded") != 0; i++)
        ;
    assert_true(i < events.count);
    assert_string_equal(events.items[i].actor, "bank-import");
    assert_non_null(strstr(events.items[i].detail, "\"source\":\"camt053\""));
    assert_non_null(strstr(events.items[i].detail, "\"reference\":\"STMT-2026-12|E1\""));
    assert_non_null(strstr(events.items[i].detail, "\"paid_on\":\"2026-12-02\""));
    event_list_free(&events);
    bank_statement_free(&s);
}

static void test_partial_then_exceeding(void **state)
{
    struct fixture *f = *state;
    struct bank_statement s;
    struct payment_line lines[2];

    bank_statement_init(&s);
    /* F-2026-01 owes 500.00: 200.00 pays part, 500.00 - 200.00 = 300.00 left */
    add(&s, "E2", 20000, true, "ACOMPTE F-2026-01", "");
    /* then 300.01 > 300.00 left: an overpayment, not paid */
    add(&s, "E3", 30001, true, "SOLDE F-2026-01", "");
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_PARTIAL);
    assert_int_equal(lines[0].balance_after, 30000);
    assert_int_equal(lines[1].outcome, PAYMENT_OVERPAYMENT);
    assert_int_equal(lines[1].balance_after, 30000);
    assert_string_equal(lines[1].note, "names F-2026-01, which owes 300.00 EUR: not paid");
    assert_int_equal(get_case(f, "F-2026-01").balance, 30000);
    assert_int_equal(get_case(f, "F-2026-01").status, CASE_OPEN);
    assert_int_equal(payments_of(f, "F-2026-01"), 1);
    bank_statement_free(&s);
}

static void test_by_amount_and_name(void **state)
{
    struct fixture *f = *state;
    struct bank_statement s;
    struct payment_line lines[4];

    bank_statement_init(&s);
    /* 250.00 from Boulangerie Martin, naming nothing: M-101 and M-102 both owe 250.00 */
    add(&s, "E4", 25000, true, "VIREMENT", "BOULANGERIE MARTIN");
    /* 480.00 from Garage Durand (cut): only G-201 owes 480.00 (G-202 owes 100.00) */
    add(&s, "E5", 48000, true, "VIREMENT", "GARAGE DURAND");
    /* 480.00 from another payer: nobody of that name */
    add(&s, "E6", 48000, true, "VIREMENT", "GARAGE DUPUIS");
    /* 100.00 with neither number nor name */
    add(&s, "E7", 10000, true, "VIREMENT", "");
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_AMBIGUOUS);
    assert_string_equal(lines[0].note, "names no invoice; 2 cases of BOULANGERIE MARTIN owe this amount: M-101 M-102");
    assert_int_equal(get_case(f, "M-101").balance, 25000);
    assert_int_equal(get_case(f, "M-102").balance, 25000);
    assert_int_equal(lines[1].outcome, PAYMENT_MATCHED);
    assert_true(lines[1].by_name);
    assert_string_equal(lines[1].number, "G-201");
    /* 480.00 - 480.00 = 0 */
    assert_int_equal(get_case(f, "G-201").balance, 0);
    assert_int_equal(get_case(f, "G-202").balance, 10000);
    assert_int_equal(lines[2].outcome, PAYMENT_UNMATCHED);
    assert_int_equal(lines[3].outcome, PAYMENT_UNMATCHED);
    assert_string_equal(lines[3].note, "names no invoice and no payer");
    bank_statement_free(&s);
}

static void test_debit_and_several_numbers(void **state)
{
    struct fixture *f = *state;
    struct bank_statement s;
    struct payment_line lines[2];

    bank_statement_init(&s);
    add(&s, "E8", 120000, false, "F-2026-001", "ATELIER DUPONT");
    add(&s, "E9", 50000, true, "F-2026-001 ET F-2026-01", "ATELIER DUPONT");
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_DEBIT);
    assert_int_equal(lines[1].outcome, PAYMENT_AMBIGUOUS);
    assert_string_equal(lines[1].note, "names several invoices: F-2026-001 F-2026-01");
    assert_int_equal(get_case(f, "F-2026-001").balance, 120000);
    assert_int_equal(get_case(f, "F-2026-01").balance, 50000);
    assert_int_equal(payments_of(f, "F-2026-001"), 0);
    bank_statement_free(&s);
}

static void test_imported_twice_pays_once(void **state)
{
    struct fixture *f = *state;
    struct bank_statement s;
    struct payment_line lines[2];

    bank_statement_init(&s);
    /* no entry id: the key is a hash of the entry */
    add(&s, "", 20000, true, "F-2026-01", "");
    add(&s, "", 25000, true, "VIREMENT", "BOULANGERIE MARTIN");
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_PARTIAL);
    assert_int_equal(lines[1].outcome, PAYMENT_AMBIGUOUS);
    /* 500.00 - 200.00 = 300.00 */
    assert_int_equal(get_case(f, "F-2026-01").balance, 30000);
    /* M-101 settled by hand meanwhile: the ambiguous line must not now pay M-102 */
    assert_int_equal(store_record_payment(f->st, &f->key, get_case(f, "M-101").id, 25000, (struct date){2026, 12, 3},
                                          "operator", "operator", &(int64_t){0}),
                     STORE_OK);
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_ALREADY);
    assert_int_equal(lines[1].outcome, PAYMENT_ALREADY);
    assert_int_equal(get_case(f, "F-2026-01").balance, 30000);
    assert_int_equal(get_case(f, "M-102").balance, 25000);
    assert_int_equal(payments_of(f, "F-2026-01"), 1);
    bank_statement_free(&s);
}

static void test_dry_run_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct bank_statement s;
    struct payment_line lines[1];

    bank_statement_init(&s);
    add(&s, "E10", 120000, true, "F-2026-001", "");
    import(f, &s, true, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_MATCHED);
    assert_int_equal(get_case(f, "F-2026-001").balance, 120000);
    assert_int_equal(payments_of(f, "F-2026-001"), 0);
    /* not remembered either: the real import pays */
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_MATCHED);
    assert_int_equal(get_case(f, "F-2026-001").balance, 0);
    bank_statement_free(&s);
}

static void test_pending_pays_once_booked(void **state)
{
    struct fixture *f = *state;
    struct bank_statement s;
    struct payment_line lines[1];

    bank_statement_init(&s);
    add(&s, "E12", 120000, true, "F-2026-001", "")->pending = true;
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_PENDING);
    assert_int_equal(get_case(f, "F-2026-001").balance, 120000);
    /* the next statement has it booked, with the same reference: it pays */
    s.items[0].pending = false;
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_MATCHED);
    /* 1200.00 - 1200.00 = 0 */
    assert_int_equal(get_case(f, "F-2026-001").balance, 0);
    bank_statement_free(&s);
}

static void test_other_currency_not_paid(void **state)
{
    struct fixture *f = *state;
    struct bank_statement s;
    struct payment_line lines[1];

    bank_statement_init(&s);
    strcpy(add(&s, "E11", 120000, true, "F-2026-001", "")->currency, "CHF");
    import(f, &s, false, lines);
    assert_int_equal(lines[0].outcome, PAYMENT_UNMATCHED);
    assert_string_equal(lines[0].note, "names F-2026-001, invoiced in EUR, but is in CHF");
    assert_int_equal(get_case(f, "F-2026-001").balance, 120000);
    bank_statement_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_word),
        cmocka_unit_test_setup_teardown(test_named_invoice_paid_in_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_then_exceeding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_by_amount_and_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debit_and_several_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_imported_twice_pays_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_pays_once_booked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_currency_not_paid, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
