/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_lexicon.c - the reply lexicon: a valid file, every kind of
 * invalid line (one error each, as file:line), loading a directory, the
 * shipped files, and how phrases match text (case, accents, apostrophes,
 * no-break spaces, wildcards, gaps, clause ends).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "text/reply_lexicon.h"

static struct reply_lexicon *parse_ok(const char *text)
{
    struct strlist errors;
    struct reply_lexicon *lex;

    strlist_init(&errors);
    lex = reply_lexicon_parse_text("t.conf", text, &errors);
    for (size_t i = 0; i < errors.count; i++)
        print_message("unexpected error: %s\n", errors.items[i]);
    assert_int_equal(errors.count, 0);
    assert_non_null(lex);
    strlist_free(&errors);
    return lex;
}

static void expect_one_error(const char *text, const char *expected)
{
    struct strlist errors;
    struct reply_lexicon *lex;

    strlist_init(&errors);
    lex = reply_lexicon_parse_text("t.conf", text, &errors);
    assert_null(lex);
    if (errors.count != 1 || strcmp(errors.items[0], expected) != 0) {
        for (size_t i = 0; i < errors.count; i++)
            print_message("got: %s\n", errors.items[i]);
        fail_msg("expected exactly: %s", expected);
    }
    strlist_free(&errors);
}

static void test_valid_file(void **state)
{
    struct reply_lexicon *lex = parse_ok("# comment\n"
                                         "\n"
                                         "dispute: je conteste\n"
                                         "  Dispute :  pas d’accord  \n"
                                         "promise: paier*\n"
                                         "paid: déjà réglé\n"
                                         "plan: accorder … délai\n"
                                         "auto-reply: out of office\n"
                                         "negation: ne … pas\n"
                                         "negation: n' … pas\n"
                                         "boundary: mais\n"
                                         "neutral: litige … est résolu\n"
                                         "payment: virement\r\n");

    (void)state;
    assert_int_equal(reply_lexicon_count(lex, CUE_DISPUTE), 2);
    assert_int_equal(reply_lexicon_count(lex, CUE_PROMISE), 1);
    assert_int_equal(reply_lexicon_count(lex, CUE_PAID), 1);
    assert_int_equal(reply_lexicon_count(lex, CUE_PLAN), 1);
    assert_int_equal(reply_lexicon_count(lex, CUE_AUTO_REPLY), 1);
    assert_int_equal(reply_lexicon_count(lex, CUE_NEGATION), 2);
    assert_int_equal(reply_lexicon_count(lex, CUE_BOUNDARY), 1);
    assert_int_equal(reply_lexicon_count(lex, CUE_NEUTRAL), 1);
    assert_int_equal(reply_lexicon_count(lex, CUE_PAYMENT), 1);
    reply_lexicon_free(lex);
}

static void test_each_invalid_line(void **state)
{
    char long_line[600];

    (void)state;
    expect_one_error("dispute: ok\nno colon here\n", "t.conf:2: expected \"KIND: PHRASE\"");
    expect_one_error("rumour: on dit\n",
                     "t.conf:1: unknown kind \"rumour\" (dispute, promise, paid, plan, auto-reply, "
                     "negation, boundary, neutral, payment or insolvency)");
    expect_one_error("dispute:   \n", "t.conf:1: empty phrase");
    expect_one_error("dispute: … conteste\n", "t.conf:1: a gap (…) must stand between two words");
    expect_one_error("dispute: je conteste ...\n",
                     "t.conf:1: a gap (…) must stand between two words");
    expect_one_error("dispute: je … … conteste\n",
                     "t.conf:1: a gap (…) must stand between two words");
    expect_one_error("dispute: a … b … c … d\n", "t.conf:1: at most 2 gaps (…) in a phrase");
    expect_one_error("dispute: co*\n", "t.conf:1: \"co*\" needs three letters before '*'");
    expect_one_error("dispute: pay!\n",
                     "t.conf:1: \"pay!\" is not a word (letters, digits, ' and - only)");
    expect_one_error("dispute: con*test\n",
                     "t.conf:1: \"con*test\" is not a word (letters, digits, ' and - only)");
    expect_one_error("dispute: a b c d e f g h i j k l m\n",
                     "t.conf:1: \"m\" makes the phrase longer than 12 words");
    memset(long_line, 'a', sizeof long_line - 1);
    memcpy(long_line, "dispute: ", 9);
    long_line[sizeof long_line - 1] = '\0';
    expect_one_error(long_line, "t.conf:1: line longer than 512 bytes");
}

static void test_all_errors_reported(void **state)
{
    struct strlist errors;

    (void)state;
    strlist_init(&errors);
    assert_null(reply_lexicon_parse_text("t.conf", "bad\ndispute: ok\nworse: x\n", &errors));
    assert_int_equal(errors.count, 2);
    assert_string_equal(errors.items[0], "t.conf:1: expected \"KIND: PHRASE\"");
    assert_true(strncmp(errors.items[1], "t.conf:3: unknown kind", 22) == 0);
    strlist_free(&errors);
}

static char *make_dir(void)
{
    char *dir = xstrdup("/tmp/relance-lexicon-XXXXXX");

    if (mkdtemp(dir) == NULL)
        fail_msg("mkdtemp failed");
    return dir;
}

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    free(path);
}

static void remove_dir(char *dir, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        unlink(path);
        free(path);
    }
    rmdir(dir);
    free(dir);
}

static void test_load_directory(void **state)
{
    static const char *const names[] = {"a.conf", "b.conf", "notes.txt", NULL};
    char *dir = make_dir();
    struct strlist errors;
    struct reply_lexicon *lex;
    char *expected;

    (void)state;
    write_file(dir, "a.conf", "dispute: conteste\n", 18);
    write_file(dir, "b.conf", "promise: paierai\nplan: échéancier\n", 36);
    write_file(dir, "notes.txt", "not a lexicon\n", 14);
    strlist_init(&errors);
    lex = reply_lexicon_load(dir, &errors);
    assert_non_null(lex);
    assert_int_equal(errors.count, 0);
    assert_int_equal(reply_lexicon_count(lex, CUE_DISPUTE), 1);
    assert_int_equal(reply_lexicon_count(lex, CUE_PLAN), 1);
    reply_lexicon_free(lex);

    /* An error in either file names that file and line; both are read. */
    write_file(dir, "a.conf", "dispute conteste\n", 17);
    write_file(dir, "b.conf", "promise: paierai\nplan:\n", 23);
    assert_null(reply_lexicon_load(dir, &errors));
    assert_int_equal(errors.count, 2);
    expected = xasprintf("%s/a.conf:1: expected \"KIND: PHRASE\"", dir);
    assert_string_equal(errors.items[0], expected);
    free(expected);
    expected = xasprintf("%s/b.conf:2: empty phrase", dir);
    assert_string_equal(errors.items[1], expected);
    free(expected);
    strlist_free(&errors);

    /* A NUL byte: not a text file. */
    write_file(dir, "a.conf", "dispute: x\0y\n", 13);
    strlist_init(&errors);
    assert_null(reply_lexicon_load(dir, &errors));
    assert_non_null(strstr(errors.items[0], "a.conf:0: holds a NUL byte"));
    strlist_free(&errors);
    remove_dir(dir, names);
}

static void test_load_errors(void **state)
{
    static const char *const none[] = {NULL};
    char *dir = make_dir();
    struct strlist errors;
    char *expected;

    (void)state;
    strlist_init(&errors);
    assert_null(reply_lexicon_load(dir, &errors));
    expected = xasprintf("%s:0: no *.conf lexicon file", dir);
    assert_int_equal(errors.count, 1);
    assert_string_equal(errors.items[0], expected);
    free(expected);
    strlist_free(&errors);
    remove_dir(dir, none);

    strlist_init(&errors);
    assert_null(reply_lexicon_load("/nonexistent/replies", &errors));
    assert_int_equal(errors.count, 1);
    assert_string_equal(errors.items[0],
                        "/nonexistent/replies:0: cannot read the directory: No such file or directory");
    strlist_free(&errors);
}

static void test_shipped_lexicon_loads(void **state)
{
    const char *top = getenv("RELANCE_TOP");
    char *dir = xasprintf("%s/conf/replies", top ? top : ".");
    struct strlist errors;
    struct reply_lexicon *lex;

    (void)state;
    strlist_init(&errors);
    lex = reply_lexicon_load(dir, &errors);
    for (size_t i = 0; i < errors.count; i++)
        print_message("%s\n", errors.items[i]);
    assert_non_null(lex);
    for (int kind = 0; kind < CUE_KIND_COUNT; kind++)
        assert_true(reply_lexicon_count(lex, (enum reply_cue)kind) >= 4);
    reply_lexicon_free(lex);
    strlist_free(&errors);
    free(dir);
}

/* The matches of lex in text as "kind:first-last" words, space-separated. */
static char *scan(const struct reply_lexicon *lex, const char *text)
{
    struct reply_tokens toks;
    struct reply_matches m;
    struct strbuf out;

    reply_tokens_init(&toks, text, strlen(text));
    reply_lexicon_scan(lex, &toks, &m);
    strbuf_init(&out);
    for (size_t i = 0; i < m.count; i++)
        strbuf_printf(&out, "%s%s:%zu-%zu", i ? " " : "", reply_cue_name(m.items[i].kind),
                      m.items[i].first, m.items[i].last);
    free(m.items);
    reply_tokens_free(&toks);
    return strbuf_detach(&out);
}

static void expect_scan(const struct reply_lexicon *lex, const char *text, const char *want)
{
    char *got = scan(lex, text);

    if (strcmp(got, want) != 0)
        fail_msg("\"%s\": want [%s], got [%s]", text, want, got);
    free(got);
}

static void test_matching(void **state)
{
    struct reply_lexicon *lex = parse_ok("dispute: pas d'accord\n"
                                         "dispute: contest*\n"
                                         "negation: ne … pas\n"
                                         "promise: vais payer\n");

    (void)state;
    /* Case, accents, typographic apostrophe, no-break space. */
    expect_scan(lex, "Je NE suis PAS d’accord", "negation:1-3 dispute:3-5");
    expect_scan(lex, "pas\u00a0d'accord", "dispute:0-2");
    expect_scan(lex, "CONTESTÉE", "dispute:0-0");
    /* A wildcard needs its stem; whole words only. */
    expect_scan(lex, "incontestable", "");
    expect_scan(lex, "je vais payer", "promise:1-2");
    expect_scan(lex, "je vais payerons", "");
    /* Gaps: up to three words, never past a clause end. */
    expect_scan(lex, "ne la lui vends pas", "negation:0-4");
    expect_scan(lex, "ne a b c d pas", "");
    expect_scan(lex, "ne suis, pas", "");
    expect_scan(lex, "vais\n\npayer", "");
    /* A line break inside a paragraph is no clause end. */
    expect_scan(lex, "vais\npayer", "promise:0-1");
    reply_lexicon_free(lex);
}

static void test_tokens(void **state)
{
    struct reply_tokens toks;
    const char *text = "Réf. F-2026-0301, 15/12. Mi-janvier: e-mail";

    (void)state;
    reply_tokens_init(&toks, text, strlen(text));
    /* "ref", "f-2026-0301", "15/12", "mi", "janvier", "e", "mail" */
    assert_int_equal(toks.count, 7);
    assert_memory_equal(toks.text + toks.items[1].start, "f-2026-0301", 11);
    assert_memory_equal(toks.text + toks.items[2].start, "15/12", 5);
    assert_int_equal(toks.items[0].sentence, 0); /* "Réf." then a space ends a sentence */
    assert_int_equal(toks.items[1].sentence, 1);
    assert_int_equal(toks.items[2].clause, toks.items[1].clause + 1);
    assert_int_equal(toks.items[3].sentence, 2);
    assert_int_equal(toks.items[5].clause, toks.items[4].clause + 1);
    reply_tokens_free(&toks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_file),
        cmocka_unit_test(test_each_invalid_line),
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_load_directory),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_shipped_lexicon_loads),
        cmocka_unit_test(test_matching),
        cmocka_unit_test(test_tokens),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
