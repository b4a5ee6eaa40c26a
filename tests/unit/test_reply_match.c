/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_match.c - the clues that tie a message to what it answers:
 * the tagged reply address among the recipients, the Message-IDs of
 * In-Reply-To and References (order, duplicates, folding, junk, bound),
 * and an invoice number named as a whole word.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "replies/reply_match.h"

#define REPLY_ADDRESS "relance@agency.test"

/* ---- tagged recipients ---- */

/* Whether one of the recipients (NULL-terminated) is tagged; its token in token. */
static bool tagged(const char *const *recipients, char *token, size_t size)
{
    struct strlist list;
    bool found;

    strlist_init(&list);
    for (size_t i = 0; recipients[i]; i++)
        strlist_add(&list, recipients[i]);
    token[0] = '\0';
    found = reply_match_tagged_recipient(REPLY_ADDRESS, &list, token, size);
    strlist_free(&list);
    return found;
}

static void test_tag_found(void **state)
{
    const char *const rcpt[] = {"relance+42-1-abcdef@agency.test", NULL};
    char token[64];

    (void)state;
    assert_true(tagged(rcpt, token, sizeof token));
    assert_string_equal(token, "42-1-abcdef");
}

static void test_tag_ignores_case_of_local_and_domain(void **state)
{
    const char *const rcpt[] = {"RELANCE+Tok-9@Agency.TEST", NULL};
    char token[64];

    (void)state;
    assert_true(tagged(rcpt, token, sizeof token));
    /* The token itself is kept as written: its verifier decides about case. */
    assert_string_equal(token, "Tok-9");
}

static void test_not_tagged(void **state)
{
    const char *const plain[] = {REPLY_ADDRESS, NULL};
    const char *const other_domain[] = {"relance+tok@other.test", NULL};
    const char *const empty_token[] = {"relance+@agency.test", NULL};
    const char *const longer_local[] = {"relancex+tok@agency.test", NULL};
    const char *const other_separator[] = {"relance-tok@agency.test", NULL};
    const char *const sub_domain[] = {"relance+tok@mail.agency.test", NULL};
    const char *const none[] = {NULL};
    char token[64];

    (void)state;
    assert_false(tagged(plain, token, sizeof token));
    assert_false(tagged(other_domain, token, sizeof token));
    assert_false(tagged(empty_token, token, sizeof token));
    assert_false(tagged(longer_local, token, sizeof token));
    assert_false(tagged(other_separator, token, sizeof token));
    assert_false(tagged(sub_domain, token, sizeof token));
    assert_false(tagged(none, token, sizeof token));
}

static void test_tag_among_several_recipients(void **state)
{
    const char *const rcpt[] = {"compta@client.test", REPLY_ADDRESS, "relance+first@agency.test",
                                "relance+second@agency.test", NULL};
    char token[64];

    (void)state;
    assert_true(tagged(rcpt, token, sizeof token));
    assert_string_equal(token, "first");
}

/* A token longer than the caller's buffer is refused, never cut short. */
static void test_tag_too_long_for_buffer(void **state)
{
    const char *const rcpt[] = {"relance+0123456789@agency.test", NULL};
    char token[8];

    (void)state;
    assert_false(tagged(rcpt, token, sizeof token));
}

static void test_tag_without_reply_address(void **state)
{
    struct strlist list;
    char token[64];

    (void)state;
    strlist_init(&list);
    strlist_add(&list, "relance+tok@agency.test");
    assert_false(reply_match_tagged_recipient("", &list, token, sizeof token));
    assert_false(reply_match_tagged_recipient(NULL, &list, token, sizeof token));
    assert_false(reply_match_tagged_recipient(REPLY_ADDRESS, NULL, token, sizeof token));
    assert_false(reply_match_tagged_recipient(REPLY_ADDRESS, &list, token, 0));
    strlist_free(&list);
}

static void test_is_reply_address(void **state)
{
    (void)state;
    assert_true(reply_match_is_reply_address(REPLY_ADDRESS, "relance@agency.test"));
    assert_true(reply_match_is_reply_address(REPLY_ADDRESS, "Relance@AGENCY.test"));
    assert_true(reply_match_is_reply_address(REPLY_ADDRESS, "relance+42-1-abc@agency.test"));
    assert_false(reply_match_is_reply_address(REPLY_ADDRESS, "relance+@agency.test"));
    assert_false(reply_match_is_reply_address(REPLY_ADDRESS, "relance@other.test"));
    assert_false(reply_match_is_reply_address(REPLY_ADDRESS, "relanc@agency.test"));
    assert_false(reply_match_is_reply_address(REPLY_ADDRESS, "billing@agency.test"));
    assert_false(reply_match_is_reply_address(REPLY_ADDRESS, "relance"));
    assert_false(reply_match_is_reply_address(REPLY_ADDRESS, ""));
    assert_false(reply_match_is_reply_address(REPLY_ADDRESS, NULL));
    assert_false(reply_match_is_reply_address("", REPLY_ADDRESS));
}

/* ---- Message-IDs ---- */

/* The IDs read from the two headers, as one comma-separated string. */
static char *ids_of(const char *in_reply_to, const char *references)
{
    struct strlist ids;
    struct strbuf sb;

    strlist_init(&ids);
    strbuf_init(&sb);
    reply_match_message_ids(in_reply_to, references, &ids);
    for (size_t i = 0; i < ids.count; i++)
        strbuf_printf(&sb, "%s%s", i ? "," : "", ids.items[i]);
    strlist_free(&ids);
    return strbuf_detach(&sb);
}

static void assert_ids(const char *in_reply_to, const char *references, const char *expected)
{
    char *got = ids_of(in_reply_to, references);

    assert_string_equal(got, expected);
    free(got);
}

static void test_in_reply_to_then_references_newest_first(void **state)
{
    (void)state;
    assert_ids("<parent@x.test>", "<root@x.test> <second@x.test> <third@x.test>",
               "parent@x.test,third@x.test,second@x.test,root@x.test");
    assert_ids("<parent@x.test>", NULL, "parent@x.test");
    assert_ids(NULL, "<root@x.test> <child@x.test>", "child@x.test,root@x.test");
    assert_ids(NULL, NULL, "");
    assert_ids("", "", "");
}

static void test_duplicates_once(void **state)
{
    (void)state;
    /* In-Reply-To is usually the last of References too. */
    assert_ids("<b@x.test>", "<a@x.test> <b@x.test> <a@x.test>", "b@x.test,a@x.test");
    assert_ids("<a@x.test> <a@x.test>", NULL, "a@x.test");
}

static void test_folded_headers(void **state)
{
    (void)state;
    assert_ids(NULL, "<one@x.test>\r\n\t<two@x.test>\r\n <three@x.test>", "three@x.test,two@x.test,one@x.test");
    assert_ids(NULL, "<one@x.test>\n\t<two@x.test>", "two@x.test,one@x.test");
    /* No space between IDs at all. */
    assert_ids(NULL, "<one@x.test><two@x.test>", "two@x.test,one@x.test");
}

static void test_junk_skipped(void **state)
{
    (void)state;
    assert_ids("no brackets@x.test", "plain words, nothing else", "");
    assert_ids("<>", "<with space@x.test> <ok@x.test>", "ok@x.test");
    assert_ids(NULL, "(a comment) <ok@x.test> trailing <unclosed@x.test", "ok@x.test");
    assert_ids("Message from Jean <jean@client.test> of 3 May", NULL, "jean@client.test");
    assert_ids(NULL, "<a@x.test> > <b@x.test>", "b@x.test,a@x.test");
}

/* A stray '<' before an ID does not hide it. */
static void test_stray_bracket_before_an_id(void **state)
{
    (void)state;
    assert_ids(NULL, "<<a@x.test>", "a@x.test");
    assert_ids(NULL, "(see <here) <a@x.test> <b@x.test>", "b@x.test,a@x.test");
}

/* Whitespace never stands inside an ID: a fold in the middle is junk. */
static void test_whitespace_inside_is_junk(void **state)
{
    (void)state;
    assert_ids(NULL, "<a@\r\n\tx.test> <b@x.test>", "b@x.test");
    assert_ids(NULL, "<a\t@x.test>", "");
}

static char *numbered_ids(int from, int to)
{
    struct strbuf sb;

    strbuf_init(&sb);
    for (int i = from; i <= to; i++)
        strbuf_printf(&sb, "%s<r%d@x.test>", i > from ? "\r\n " : "", i);
    return strbuf_detach(&sb);
}

static void test_bound(void **state)
{
    char *refs = numbered_ids(1, 30);
    struct strlist ids;

    (void)state;
    strlist_init(&ids);
    reply_match_message_ids("<parent@x.test>", refs, &ids);
    assert_int_equal(ids.count, REPLY_MATCH_MAX_IDS);
    assert_string_equal(ids.items[0], "parent@x.test");
    assert_string_equal(ids.items[1], "r30@x.test");
    /* The newest REPLY_MATCH_MAX_IDS - 1 references: r30 down to r12. */
    assert_string_equal(ids.items[REPLY_MATCH_MAX_IDS - 1], "r12@x.test");
    strlist_free(&ids);
    free(refs);
}

/* A very long References (clients that never trim it) still gives its
 * newest IDs first, not the newest of its beginning. */
static void test_bound_on_long_references(void **state)
{
    char *refs = numbered_ids(1, 500);
    struct strlist ids;

    (void)state;
    strlist_init(&ids);
    reply_match_message_ids(NULL, refs, &ids);
    assert_int_equal(ids.count, REPLY_MATCH_MAX_IDS);
    assert_string_equal(ids.items[0], "r500@x.test");
    assert_string_equal(ids.items[REPLY_MATCH_MAX_IDS - 1], "r481@x.test");
    strlist_free(&ids);
    free(refs);
}

/* IDs already in the list (from an earlier call) are not added again. */
static void test_appends_to_existing_list(void **state)
{
    struct strlist ids;

    (void)state;
    strlist_init(&ids);
    strlist_add(&ids, "a@x.test");
    reply_match_message_ids("<a@x.test>", "<b@x.test>", &ids);
    assert_int_equal(ids.count, 2);
    assert_string_equal(ids.items[1], "b@x.test");
    strlist_free(&ids);
}

/* ---- invoice numbers ---- */

static void test_number_whole_word(void **state)
{
    (void)state;
    assert_true(reply_match_names_number("Concernant la facture F2026-0042, je conteste.", "F2026-0042"));
    assert_true(reply_match_names_number("facture F2026-0042.", "F2026-0042"));
    assert_true(reply_match_names_number("(F2026-0042)", "F2026-0042"));
    assert_true(reply_match_names_number("F2026-0042", "F2026-0042"));
    assert_true(reply_match_names_number("F2026-0042 est réglée", "F2026-0042"));
    assert_true(reply_match_names_number("voir F2026-0042", "F2026-0042"));
}

/* French typography: no-break spaces before ':' and inside guillemets,
 * "n°" glued to the number, typographic dashes and quotes. */
static void test_number_parted_by_typography(void **state)
{
    (void)state;
    assert_true(reply_match_names_number("la facture\u00a0F2026-0042\u00a0: je conteste", "F2026-0042"));
    assert_true(reply_match_names_number("\u00abF2026-0042\u00bb", "F2026-0042"));
    assert_true(reply_match_names_number("facture n\u00b0F2026-0042", "F2026-0042"));
    assert_true(reply_match_names_number("N\u00baF2026-0042", "F2026-0042"));
    assert_true(reply_match_names_number("F2026-0042\u202f;", "F2026-0042"));
    assert_true(reply_match_names_number("\u2014F2026-0042\u2014", "F2026-0042"));
    assert_true(reply_match_names_number("\u201cF2026-0042\u201d", "F2026-0042"));
    assert_true(reply_match_names_number("F2026-0042\u2026", "F2026-0042"));
}

static void test_number_ignores_case(void **state)
{
    (void)state;
    assert_true(reply_match_names_number("la facture f2026-0042 est payée", "F2026-0042"));
    assert_true(reply_match_names_number("INVOICE INV-7A", "inv-7a"));
}

static void test_number_inside_longer_word(void **state)
{
    (void)state;
    assert_false(reply_match_names_number("F-123", "F-12"));
    assert_false(reply_match_names_number("AF-12", "F-12"));
    assert_false(reply_match_names_number("F2026-00421 et F2026-00420", "F2026-0042"));
    /* Letters beyond ASCII count as word characters, and so do bytes
     * that are not UTF-8. */
    assert_false(reply_match_names_number("\u00e9F-12", "F-12"));
    assert_false(reply_match_names_number("F-12\u00e9", "F-12"));
    assert_false(reply_match_names_number("\u4e00F-12", "F-12"));
    assert_false(reply_match_names_number("F-12\U0001D400", "F-12"));
    assert_false(reply_match_names_number("\xa0" "F-12", "F-12"));
    assert_false(reply_match_names_number("F-12\xc3", "F-12"));
    /* An overlong space ("\xC0\xA0") or an encoded surrogate is no space
     * nor sign: it is not UTF-8. */
    assert_false(reply_match_names_number("F-12\xc0\xa0", "F-12"));
    assert_false(reply_match_names_number("\xc0\xa0" "F-12", "F-12"));
    assert_false(reply_match_names_number("\xe0\x80\xa0" "F-12", "F-12"));
    assert_false(reply_match_names_number("F-12\xed\xa0\x80", "F-12"));
    /* The longer number first, then the number itself. */
    assert_true(reply_match_names_number("F-123 et F-12", "F-12"));
    assert_true(reply_match_names_number("F-123, F-12)", "F-12"));
}

static void test_number_absent_or_empty(void **state)
{
    (void)state;
    assert_false(reply_match_names_number("nothing here", "F-12"));
    assert_false(reply_match_names_number("F-12", ""));
    assert_false(reply_match_names_number("F-12", NULL));
    assert_false(reply_match_names_number(NULL, "F-12"));
    assert_false(reply_match_names_number("", "F-12"));
}

/* ---- many numbers in one pass ---- */

#define MANY_NUMBERS 3000

/* A debtor with many cases and a long reply that names some of them,
 * whole or in ways that do not count (inside a longer number, glued to a
 * letter), between long stretches of filler: exactly the named ones are
 * found, whatever their length, case or neighbours. */
static void test_many_numbers_one_pass(void **state)
{
    static const char *const parts[] = {" ", ", ", "\u00a0", "\n", "(", "\u00ab"};
    static const char *const ends[] = {" ", ".", "\u00a0:", ")", "\u00bb", ";"};
    char **numbers = xcalloc(MANY_NUMBERS, sizeof *numbers);
    bool *named = xcalloc(MANY_NUMBERS, sizeof *named);
    bool *expected = xcalloc(MANY_NUMBERS, sizeof *expected);
    struct strbuf text;
    unsigned seed = 12345;

    (void)state;
    for (size_t i = 0; i < MANY_NUMBERS; i++)
        numbers[i] = i % 3 == 0 ? xasprintf("F2026-%05zu", i) : i % 3 == 1 ? xasprintf("INV-%zu", i)
                                                                          : xasprintf("%zu/2026", i * 7);
    strbuf_init(&text);
    for (size_t i = 0; i < MANY_NUMBERS; i++) {
        seed = seed * 1103515245u + 12345u;
        for (int k = 0; k < 40; k++)
            strbuf_puts(&text, "Lorem ipsum dolor sit amet 2026-12 facture n\u00b0 ");
        switch ((seed >> 16) % 5) {
        case 0: /* named, as written */
            strbuf_printf(&text, "%s%s%s", parts[i % 6], numbers[i], ends[i % 6]);
            expected[i] = true;
            break;
        case 1: /* named, in the other case */
            {
                char *lower = xstrdup(numbers[i]);
                str_tolower_ascii(lower);
                strbuf_printf(&text, " %s ", lower);
                free(lower);
                expected[i] = true;
            }
            break;
        case 2: /* inside a longer number */
            strbuf_printf(&text, " %s7 ", numbers[i]);
            break;
        case 3: /* glued to a letter before it */
            strbuf_printf(&text, " \u00e9%s ", numbers[i]);
            break;
        default: /* not named at all */
            break;
        }
    }
    assert_true(text.len > 1000000);
    reply_match_named_numbers(text.data, (const char *const *)numbers, MANY_NUMBERS, named);
    for (size_t i = 0; i < MANY_NUMBERS; i++)
        if (named[i] != expected[i])
            fail_msg("%s: named %d, expected %d", numbers[i], named[i], expected[i]);
    /* The same number twice in the list: both are named. */
    {
        const char *twice[] = {"F2026-00003", "INV-1", "F2026-00003"};
        bool got[3] = {false, false, false};
        reply_match_named_numbers("voir F2026-00003.", twice, 3, got);
        assert_true(got[0] && !got[1] && got[2]);
    }
    for (size_t i = 0; i < MANY_NUMBERS; i++)
        free(numbers[i]);
    free(numbers);
    free(named);
    free(expected);
    strbuf_free(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag_found),
        cmocka_unit_test(test_tag_ignores_case_of_local_and_domain),
        cmocka_unit_test(test_not_tagged),
        cmocka_unit_test(test_tag_among_several_recipients),
        cmocka_unit_test(test_tag_too_long_for_buffer),
        cmocka_unit_test(test_tag_without_reply_address),
        cmocka_unit_test(test_is_reply_address),
        cmocka_unit_test(test_in_reply_to_then_references_newest_first),
        cmocka_unit_test(test_duplicates_once),
        cmocka_unit_test(test_folded_headers),
        cmocka_unit_test(test_junk_skipped),
        cmocka_unit_test(test_stray_bracket_before_an_id),
        cmocka_unit_test(test_whitespace_inside_is_junk),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_bound_on_long_references),
        cmocka_unit_test(test_appends_to_existing_list),
        cmocka_unit_test(test_number_whole_word),
        cmocka_unit_test(test_number_parted_by_typography),
        cmocka_unit_test(test_number_ignores_case),
        cmocka_unit_test(test_number_inside_longer_word),
        cmocka_unit_test(test_number_absent_or_empty),
        cmocka_unit_test(test_many_numbers_one_pass),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
