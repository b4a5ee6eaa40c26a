/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_model.c - the learned reply model (text/reply_model.h): the
 * file format and its errors, scoring (each feature once, unknown ones
 * nothing), the word features (reply_features.h: words, pairs, stems,
 * NOT_ in a negation's scope), and how the classifier combines a model
 * with the rules (reply_classify.c, apply_model): a dispute read where
 * the rules found no cue, never where they found one (negated or not),
 * and a paid reading made unsure, not turned, by a model that reads a
 * dispute. Hand-written models, so that each rule shows alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply_classify.h"
#include "replies/reply_features.h"
#include "text/reply_lexicon.h"
#include "text/reply_model.h"

#define CLASSES "class\tdispute\nclass\tother\nclass\tpaid\n"

static const char *top_dir(void)
{
    const char *top = getenv("RELANCE_TOP");
    return top ? top : ".";
}

static void expect_error(const char *text, const char *expected)
{
    struct strlist errors;

    strlist_init(&errors);
    assert_null(reply_model_parse("m.tsv", text, &errors));
    assert_int_equal(errors.count, 1);
    if (strstr(errors.items[0], expected) == NULL)
        fail_msg("error \"%s\" does not say \"%s\"", errors.items[0], expected);
    strlist_free(&errors);
}

static void test_format(void **state)
{
    struct reply_model *m;
    struct strlist f;
    double s[3];

    (void)state;
    m = reply_model_parse("m.tsv", "# c\n" CLASSES "param\tdispute_floor\t0.6\n"
                          "__bias__\t0.5\t1\t0\nw:carton\t2\t-1\t0.25\n", NULL);
    assert_non_null(m);
    assert_int_equal(reply_model_class_count(m), 3);
    assert_string_equal(reply_model_class_name(m, 2), "paid");
    assert_int_equal(reply_model_feature_count(m), 1);
    assert_true(reply_model_param(m, "dispute_floor", 0) == 0.6);
    assert_true(reply_model_param(m, "missing", 7) == 7);
    strlist_init(&f);
    strlist_add(&f, "w:carton");
    strlist_add(&f, "w:carton"); /* counted once */
    strlist_add(&f, "w:unknown");
    reply_model_score(m, &f, s);
    /* bias + one w:carton: 0.5 + 2, 1 - 1, 0 + 0.25 */
    assert_true(s[0] == 2.5 && s[1] == 0 && s[2] == 0.25);
    strlist_free(&f);
    reply_model_free(m);
    expect_error("w:x\t1\n", "before the class lines");
    expect_error(CLASSES "w:x\t1\t2\n", "not one weight per class");
    expect_error(CLASSES "w:x\t1\tz\t2\n", "no number");
    expect_error(CLASSES "w:x\t1\t1e9\t2\n", "no number");
    expect_error(CLASSES "w:x\t1\t1\t2\nw:x\t1\t1\t2\n", "twice");
    expect_error(CLASSES "w:x\t1\t1\t2\nclass\tplan\n", "bad class line");
    expect_error(CLASSES "param\tx\n", "bad param line");
    expect_error("class\tdispute\n", "fewer than two classes");
}

static void test_word_features(void **state)
{
    struct reply_tokens toks;
    struct reply_matches matches = {NULL, 0, 0};
    struct strlist f, errors;
    struct reply_lexicon *lex;
    const char *text = "Nous ne contestons pas la facture 1234. Merci";

    (void)state;
    strlist_init(&errors);
    lex = reply_lexicon_parse_text("t.conf", "negation: ne \xe2\x80\xa6 pas\n", &errors);
    assert_non_null(lex);
    reply_tokens_init(&toks, text, strlen(text));
    reply_lexicon_scan(lex, &toks, &matches);
    strlist_init(&f);
    reply_features_words(&toks, &matches, &f);
    /* In the negation's scope (its span and four words on, in the clause). */
    assert_true(strlist_contains_icase(&f, "w:NOT_contestons"));
    assert_true(strlist_contains_icase(&f, "s:NOT_contes"));
    assert_true(strlist_contains_icase(&f, "b:NOT_ne_contestons"));
    assert_true(strlist_contains_icase(&f, "w:NOT_facture"));
    assert_true(strlist_contains_icase(&f, "w:nous"));
    assert_true(strlist_contains_icase(&f, "w:merci")); /* another sentence: out of scope */
    assert_false(strlist_contains_icase(&f, "b:0_merci")); /* no pair across sentences */
    assert_false(strlist_contains_icase(&f, "w:contestons"));
    strlist_free(&f);
    free(matches.items);
    reply_tokens_free(&toks);
    reply_lexicon_free(lex);
    strlist_free(&errors);
}

/* The shipped lexicon with a hand-written model instead of the trained one. */
static struct reply_lexicon *lexicon_with(const char *model_text)
{
    char *dir = xasprintf("%s/conf/replies", top_dir());
    struct reply_lexicon *lex = reply_lexicon_load(dir, NULL);

    assert_non_null(lex);
    reply_lexicon_set_model(lex, reply_model_parse("m.tsv", model_text, NULL));
    assert_non_null(reply_lexicon_model(lex));
    free(dir);
    return lex;
}

static void read_as(const struct reply_lexicon *lex, const char *words, const char *verdict,
                    bool unsure)
{
    struct reply_reading r;
    struct date today = {2026, 12, 7};

    reply_classify_text(lex, NULL, words, today, &r);
    if (strcmp(reply_verdict_name(r.verdict), verdict) != 0 || r.unsure != unsure)
        fail_msg("\"%s\": want %s%s, got %s%s (%s)", words, verdict, unsure ? " unsure" : "",
                 reply_verdict_name(r.verdict), r.unsure ? " unsure" : "", r.reason);
    reply_reading_free(&r);
}

static void test_combination(void **state)
{
    /* "carton" weighs 10 for dispute: its probability is about 1. */
    struct reply_lexicon *lex = lexicon_with(CLASSES "param\tdispute_floor\t0.8\n"
                                             "param\tpromote_floor\t0.8\n"
                                             "w:carton\t10\t0\t0\n");
    struct reply_reading r;
    struct date today = {2026, 12, 7};

    (void)state;
    /* No cue: the model reads the dispute, and a person decides (a word
     * model alone never changes a case: unsure, whatever the margin). */
    read_as(lex, "La chaudière est toujours dans son carton.", "dispute", true);
    reply_classify_text(lex, NULL, "Toujours dans son carton.", today, &r);
    assert_non_null(strstr(r.reason, "model: dispute"));
    reply_reading_free(&r);
    /* Without the word, the rules' other stands. */
    read_as(lex, "La chaudière est toujours dans son garage.", "other", false);
    /* A negated cue is a cue: the rules keep their reading. */
    read_as(lex, "Nous ne contestons pas, le carton est arrivé.", "other", false);
    /* A paid reading is made unsure, never turned into a dispute. */
    read_as(lex, "La facture est réglée, le carton est arrivé.", "paid", true);
    read_as(lex, "La facture est réglée.", "paid", false);
    /* From a postmaster the text is machine-written: the model is mute. */
    {
        static const char mail[] = "From: Postmaster <postmaster@client.test>\r\n"
                                   "Subject: failure notice\r\n\r\n"
                                   "La chaudiere est toujours dans son carton.\r\n";
        struct message *msg = message_parse(mail, sizeof mail - 1);

        assert_non_null(msg);
        reply_read_message(lex, msg, mail, sizeof mail - 1, NULL, today, false, &r);
        assert_string_equal(reply_verdict_name(r.verdict), "other");
        assert_false(r.unsure);
        reply_reading_free(&r);
        message_free(msg);
    }
    reply_lexicon_free(lex);
    /* Under the floor nothing changes. */
    lex = lexicon_with(CLASSES "param\tdispute_floor\t0.8\nparam\tpromote_floor\t0.8\n"
                       "w:carton\t1\t0\t0\n");
    read_as(lex, "La chaudière est toujours dans son carton.", "other", false);
    reply_lexicon_free(lex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_word_features),
        cmocka_unit_test(test_combination),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
