/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_ladder_book.c - ladders that fit the debtor: the Ladder and
 * LadderFor keys (parsing, and each error -n gives with its file:line),
 * which rule holds for a profile and a balance, and the payer profile a
 * history gives, each history built by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/config.h"
#include "core/debtor_profile.h"
#include "core/ladder_book.h"
#include "lib/util.h"

static struct config *parse_ok(const char *text)
{
    struct strlist errors;
    struct config *cfg;

    strlist_init(&errors);
    cfg = config_parse_text("t.conf", text, &errors);
    for (size_t i = 0; i < errors.count; i++)
        print_message("unexpected error: %s\n", errors.items[i]);
    assert_int_equal(errors.count, 0);
    assert_non_null(cfg);
    strlist_free(&errors);
    return cfg;
}

static void expect_error(const char *text, const char *expected)
{
    struct strlist errors;
    struct config *cfg;
    bool found = false;

    strlist_init(&errors);
    cfg = config_parse_text("t.conf", text, &errors);
    assert_null(cfg);
    for (size_t i = 0; i < errors.count; i++)
        found |= strcmp(errors.items[i], expected) == 0;
    if (!found) {
        for (size_t i = 0; i < errors.count; i++)
            print_message("got: %s\n", errors.items[i]);
        fail_msg("expected: %s", expected);
    }
    strlist_free(&errors);
}

#define TWO_LADDERS                                                                                \
    "Step rappel after=1 severity=green claim=no\n"                                               \
    "Step avis-impaye after=15 interval=7\n"                                                      \
    "Ladder gentle\n"                                                                              \
    "Step rappel after=5 claim=no\n"                                                              \
    "Step avis-impaye after=25 interval=15\n"                                                     \
    "Step mise-en-demeure after=50 interval=15\n"                                                 \
    "Ladder firm\n"                                                                                \
    "Step avis-impaye after=1\n"                                                                  \
    "Step mise-en-demeure after=8 interval=7\n"

static void test_named_ladders_parse(void **state)
{
    struct config *cfg = parse_ok(TWO_LADDERS "LadderFor profile=bad ladder=firm\n"
                                              "LadderFor amount>=5000 ladder=firm\n"
                                              "LadderFor profile=forgetful amount<5000 ladder=gentle\n");
    const struct ladder_named *firm;

    (void)state;
    /* The Step lines before any Ladder line: the default ladder. */
    assert_int_equal(cfg->steps.count, 2);
    assert_int_equal(cfg->ladders.count, 2);
    assert_string_equal(cfg->ladders.items[0].name, "gentle");
    assert_int_equal(cfg->ladders.items[0].steps.count, 3);
    assert_int_equal(cfg->ladders.items[0].steps.items[1].delay, 25);
    assert_int_equal(cfg->ladders.items[0].line, 3);
    firm = ladder_set_find(&cfg->ladders, "firm");
    assert_non_null(firm);
    assert_int_equal(firm->steps.count, 2);
    assert_int_equal(firm->steps.items[1].interval, 7);
    assert_int_equal(cfg->ladder_rules.count, 3);
    assert_int_equal(cfg->ladder_rules.items[1].min, 500000);
    assert_int_equal(cfg->ladder_rules.items[1].max, INT64_MAX);
    /* amount<5000: up to 4999.99. */
    assert_int_equal(cfg->ladder_rules.items[2].max, 499999);
    assert_int_equal(cfg->ladder_rules.items[2].line, 12);
    config_unref(cfg);
}

/* Without Step lines before the first Ladder, the default is built in. */
static void test_default_stays_built_in(void **state)
{
    struct config *cfg = parse_ok("Ladder firm\nStep avis-impaye after=1\n");

    (void)state;
    assert_int_equal(cfg->steps.count, 7);
    assert_int_equal(cfg->ladders.items[0].steps.count, 1);
    config_unref(cfg);
}

/* config_write's output loads back: ladders, their steps and the rules. */
static void test_round_trip(void **state)
{
    struct config *cfg = parse_ok(TWO_LADDERS "LadderFor profile=bad ladder=firm\n");
    struct config *again;
    struct strbuf first, second;

    (void)state;
    strbuf_init(&first);
    strbuf_init(&second);
    config_write(cfg, &first);
    again = parse_ok(first.data);
    config_write(again, &second);
    assert_string_equal(first.data, second.data);
    assert_int_equal(again->ladders.count, 2);
    assert_int_equal(again->ladders.items[1].steps.count, 2);
    assert_int_equal(again->steps.count, 2);
    assert_int_equal(again->ladder_rules.count, 1);
    strbuf_free(&first);
    strbuf_free(&second);
    config_unref(cfg);
    config_unref(again);
}

static void test_errors_with_lines(void **state)
{
    (void)state;
    expect_error("Ladder firm\nLadder firm\nStep a after=1\n", "t.conf:2: Ladder: ladder firm is defined twice: 'firm'");
    expect_error("Ladder firm\nLadder big\nStep a after=1\n", "t.conf:1: Ladder firm: no Step line follows it");
    expect_error("Ladder default\n",
                 "t.conf:1: Ladder: 'default' is the ladder of the Step lines before any Ladder line: 'default'");
    expect_error("Ladder Firm!\n",
                 "t.conf:1: Ladder: a ladder's name is a-z, 0-9, '-', '_' (at most 31 characters): 'Firm!'");
    /* Each ladder is checked as the default one is. */
    expect_error("Ladder firm\nStep a after=10\nStep b after=5\n",
                 "t.conf:1: Ladder firm: step b comes before a in time: steps are listed in order");
    expect_error("Ladder firm\nStep a after=1\nStep a after=5\n", "t.conf:1: Ladder firm: step a is listed twice");
    expect_error("Ladder firm\nStep a after=1\nStep b after=x\n",
                 "t.conf:3: Step: bad step attribute after=x: 'b after=x'");
    expect_error("Ladder firm\nStep\n",
                 "t.conf:2: Step: a named ladder lists its own steps (an empty Step is the default ladder's)");
    expect_error("LadderFor profile=bad ladder=firm\n",
                 "t.conf:1: LadderFor: no ladder named firm (Ladder firm, then its Step lines)");
    expect_error("Ladder firm\nStep a after=1\nLadderFor profile=rich ladder=firm\n",
                 "t.conf:3: LadderFor: 'profile=rich': expected profile=forgetful|late|bad|trusted|none, "
                 "amount>=N (>, <=, <) and one ladder=NAME: 'profile=rich ladder=firm'");
    expect_error("Ladder firm\nStep a after=1\nLadderFor profile=bad\n",
                 "t.conf:3: LadderFor: ladder=NAME is required: 'profile=bad'");
    expect_error("Ladder firm\nStep a after=1\nLadderFor ladder=firm\n",
                 "t.conf:3: LadderFor: a rule needs a condition (profile=... or amount...): 'ladder=firm'");
    /* Never matches: no balance fits, or an earlier rule takes it all. */
    expect_error("Ladder firm\nStep a after=1\nLadderFor amount>=5000 amount<1000 ladder=firm\n",
                 "t.conf:3: LadderFor: 'amount>=5000 amount<1000 ladder=firm' can never match (no balance fits its "
                 "amounts)");
    expect_error("Ladder firm\nStep a after=1\nLadderFor amount<=0 ladder=firm\n",
                 "t.conf:3: LadderFor: 'amount<=0 ladder=firm' can never match (no balance fits its amounts)");
    expect_error("Ladder firm\nStep a after=1\nLadder big\nStep a after=1\n"
                 "LadderFor amount>=1000 ladder=firm\nLadderFor amount>=5000 ladder=big\n",
                 "t.conf:6: LadderFor: 'amount>=5000 ladder=big' can never match: the rule at line 5 takes every "
                 "case it would");
    expect_error("Ladder firm\nStep a after=1\nLadder big\nStep a after=1\n"
                 "LadderFor profile=bad ladder=firm\nLadderFor profile=bad amount>=5000 ladder=big\n",
                 "t.conf:6: LadderFor: 'profile=bad amount>=5000 ladder=big' can never match: the rule at line 5 "
                 "takes every case it would");
}

/* CPCE R124-4: a named ladder's agency step needs the same keys. */
static void test_agency_keys_checked_in_named_ladders(void **state)
{
    (void)state;
    expect_error("AgencyName Agence\nAgencyAddress 1 rue A\nCreditorAddress 2 rue B\nStep rappel after=1\n"
                 "Ladder firm\nStep a after=1 from=agency\n",
                 "t.conf:5: CreditorPaymentInfo: required by step a (from=agency): its letters must give CPCE "
                 "R124-4 4°, how to pay (or CreditorIban)");
}

static void test_rule_matching(void **state)
{
    struct config *cfg = parse_ok(TWO_LADDERS "LadderFor profile=bad ladder=firm\n"
                                              "LadderFor amount>=5000 ladder=firm\n"
                                              "LadderFor profile=forgetful ladder=gentle\n"
                                              "LadderFor profile=none amount>100 amount<=200 ladder=default\n");
    const struct ladder_rules *r = &cfg->ladder_rules;

    (void)state;
    /* First match wins: a bad payer's small debt, a forgetful one's large one. */
    assert_ptr_equal(ladder_rules_first(r, PROFILE_BAD, 1000), &r->items[0]);
    assert_ptr_equal(ladder_rules_first(r, PROFILE_FORGETFUL, 500000), &r->items[1]);
    assert_ptr_equal(ladder_rules_first(r, PROFILE_FORGETFUL, 499999), &r->items[2]);
    assert_ptr_equal(ladder_rules_first(r, PROFILE_NONE, 500000), &r->items[1]);
    /* 100.00 < balance <= 200.00, no profile. */
    assert_null(ladder_rules_first(r, PROFILE_NONE, 10000));
    assert_ptr_equal(ladder_rules_first(r, PROFILE_NONE, 10001), &r->items[3]);
    assert_ptr_equal(ladder_rules_first(r, PROFILE_NONE, 20000), &r->items[3]);
    assert_null(ladder_rules_first(r, PROFILE_NONE, 20001));
    assert_null(ladder_rules_first(r, PROFILE_LATE, 1000));
    assert_null(ladder_rules_first(r, PROFILE_TRUSTED, 1000));
    config_unref(cfg);
}

static struct profile_verdict profile_of(int settled, int first, int second_third, int agency)
{
    struct profile_history h = {settled, first, second_third, agency};
    struct profile_verdict v;

    debtor_profile_compute(&h, &v);
    return v;
}

static void test_profile_from_history(void **state)
{
    struct profile_verdict v;

    (void)state;
    /* 4 paid invoices, 3 of them after step 1: 3 > 4/2. */
    v = profile_of(4, 3, 1, 0);
    assert_int_equal(v.profile, PROFILE_FORGETFUL);
    assert_string_equal(v.why, "computed: paid after step 1 on 3 of 4 invoices");
    /* 2 of 4: a tie is not "most". */
    v = profile_of(4, 2, 0, 0);
    assert_int_equal(v.profile, PROFILE_NONE);
    assert_string_equal(v.why, "computed: no pattern in 4 paid invoices");
    /* 2 of 3 after step 2 or 3. */
    v = profile_of(3, 1, 2, 0);
    assert_int_equal(v.profile, PROFILE_LATE);
    assert_string_equal(v.why, "computed: paid after step 2 or 3 on 2 of 3 invoices");
    /* One paid invoice is too little history, whatever it says. */
    v = profile_of(1, 1, 0, 0);
    assert_int_equal(v.profile, PROFILE_NONE);
    assert_string_equal(v.why, "computed: too little history (1 paid invoice)");
    v = profile_of(0, 0, 0, 1);
    assert_int_equal(v.profile, PROFILE_NONE);
    /* Agency steps on two invoices: bad, before anything else. */
    v = profile_of(5, 5, 0, 2);
    assert_int_equal(v.profile, PROFILE_BAD);
    assert_string_equal(v.why, "computed: reached the agency steps on 2 invoices");
    /* 2 of 2 after step 1: the smallest history that says forgetful. */
    v = profile_of(2, 2, 0, 0);
    assert_int_equal(v.profile, PROFILE_FORGETFUL);
}

static void test_profile_set_by_operator(void **state)
{
    struct profile_history h = {4, 4, 0, 3};
    struct profile_verdict v;
    enum debtor_profile p;

    (void)state;
    debtor_profile_effective("trusted", &h, &v);
    assert_int_equal(v.profile, PROFILE_TRUSTED);
    assert_true(v.set_by_operator);
    assert_string_equal(v.why, "set by the operator");
    debtor_profile_effective("", &h, &v);
    assert_int_equal(v.profile, PROFILE_BAD);
    assert_false(v.set_by_operator);
    /* Names in French too, typed with or without accents. */
    assert_true(debtor_profile_parse("négligent", &p));
    assert_int_equal(p, PROFILE_FORGETFUL);
    assert_true(debtor_profile_parse("mauvais-payeur", &p));
    assert_int_equal(p, PROFILE_BAD);
    assert_string_equal(debtor_profile_french(PROFILE_LATE), "retardataire");
    assert_false(debtor_profile_parse("rich", &p));
}

/* The agency's steps count as reached once one of them was sent. */
static void test_reached_agency(void **state)
{
    struct ladder_steps steps;

    (void)state;
    ladder_default_steps(&steps);
    assert_false(ladder_reached_agency(&steps, 3));
    assert_true(ladder_reached_agency(&steps, 4));
    assert_false(ladder_reached_agency(&steps, 0));
}

/* A ladder no rule names: loaded, but -n and the log say so. */
static void test_unused_ladder_warned(void **state)
{
    struct config *cfg = parse_ok(TWO_LADDERS "LadderFor profile=bad ladder=firm\n");
    struct strlist warnings;
    struct date today = {2026, 1, 15};
    bool found = false;

    (void)state;
    strlist_init(&warnings);
    config_warnings(cfg, today, &warnings);
    for (size_t i = 0; i < warnings.count; i++) {
        found |= strcmp(warnings.items[i], "t.conf:3: Ladder gentle: no LadderFor rule names it: no new case will "
                                           "follow it") == 0;
        assert_null(strstr(warnings.items[i], "Ladder firm"));
    }
    assert_true(found);
    strlist_free(&warnings);
    config_unref(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named_ladders_parse),
        cmocka_unit_test(test_default_stays_built_in),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_errors_with_lines),
        cmocka_unit_test(test_agency_keys_checked_in_named_ladders),
        cmocka_unit_test(test_rule_matching),
        cmocka_unit_test(test_profile_from_history),
        cmocka_unit_test(test_profile_set_by_operator),
        cmocka_unit_test(test_reached_agency),
        cmocka_unit_test(test_unused_ladder_warned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
