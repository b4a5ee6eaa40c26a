/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_statutory_rate.c - the rates of C. com. L441-10 II: the penalty
 * rate with and without a contractual one, and the floor of a contractual
 * rate, at its edge; and the configuration that applies them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/config.h"
#include "core/money.h"
#include "core/statutory_rate.h"

static int64_t percent(const char *text)
{
    int64_t rate;

    assert_true(rate_parse_percent(text, &rate));
    return rate;
}

static void test_penalty_rate(void **state)
{
    (void)state;
    /* No rate agreed: the ECB's plus ten points. */
    assert_int_equal(statutory_penalty_rate(-1, percent("2.15")), percent("12.15"));
    assert_int_equal(statutory_penalty_rate(-1, 0), percent("10"));
    /* An agreed rate applies as it is, even zero. */
    assert_int_equal(statutory_penalty_rate(percent("9"), percent("2.15")), percent("9"));
    assert_int_equal(statutory_penalty_rate(0, percent("2.15")), 0);
}

static void test_contractual_floor(void **state)
{
    int64_t legal = percent("2.62");

    (void)state;
    assert_int_equal(statutory_contractual_floor(legal), percent("7.86"));
    assert_true(statutory_contractual_allowed(-1, legal));
    assert_true(statutory_contractual_allowed(percent("7.86"), legal));
    assert_false(statutory_contractual_allowed(percent("7.86") - 1, legal));
    assert_false(statutory_contractual_allowed(0, legal));
    assert_true(statutory_contractual_allowed(percent("12"), legal));
}

/* The configuration checks the floor and reports it with its line. */
static void test_configuration(void **state)
{
    struct strlist errors;
    struct config *cfg;

    (void)state;
    strlist_init(&errors);
    cfg = config_parse_text("t.conf", "EcbRate 3\n", &errors);
    assert_non_null(cfg);
    assert_int_equal(config_penalty_rate(cfg), percent("13"));
    config_unref(cfg);
    cfg = config_parse_text("t.conf", "LegalInterestRate 2.62\nContractualRate 7.86\n", &errors);
    assert_non_null(cfg);
    assert_int_equal(config_penalty_rate(cfg), percent("7.86"));
    config_unref(cfg);
    assert_null(config_parse_text("t.conf", "LegalInterestRate 2.62\n\nContractualRate 7.85\n", &errors));
    assert_int_equal(errors.count, 1);
    assert_string_equal(errors.items[0], "t.conf:3: ContractualRate: 7.85 % is below three times "
                                         "LegalInterestRate (7.86 %), the floor of C. com. L441-10");
    strlist_free(&errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_penalty_rate),
        cmocka_unit_test(test_contractual_floor),
        cmocka_unit_test(test_configuration),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
