/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_mime_scan.c - the raw MIME count made before GMime parses: parts
 * and nesting counted as the walk counts them, the cut placed before the
 * first entity over the limits, boundaries of enclosing multiparts ending
 * inner ones, attached messages followed, odd Content-Types stopping the
 * scan, and, over the whole MIME corpus, a count never below the walk's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "lib/message.h"
#include "lib/mime_scan.h"
#include "lib/util.h"

static const struct message_walk_limits generous = {10000, 64, 16u << 20};

static void count_part(const struct message_part *part, void *ctx)
{
    struct strlist *texts = ctx;

    char *text = xstrndup(part->data, part->len);

    strlist_add(texts, text);
    free(text);
}

/* A multipart/mixed of n parts: the first says "first", the others "x". */
static char *bomb(int n)
{
    struct strbuf sb;

    strbuf_init(&sb);
    strbuf_puts(&sb, "From: a@example.net\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\npreamble\r\n"
                     "--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n");
    for (int i = 1; i < n; i++)
        strbuf_puts(&sb, "--b\r\n\r\nx\r\n");
    strbuf_puts(&sb, "--b--\r\nepilogue\r\n");
    return strbuf_detach(&sb);
}

static void test_plain_message_whole(void **state)
{
    const char *text = "From: a@example.net\r\nSubject: hi\r\n\r\n--b\r\nnot a delimiter here\r\n";
    struct mime_scan_result r;

    (void)state;
    mime_scan(text, strlen(text), 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_WHOLE);
    assert_int_equal(r.keep, strlen(text));
    assert_int_equal(r.parts, 1);
    assert_int_equal(r.depth, 0);
}

static void test_count_matches_walk(void **state)
{
    char *text = bomb(3);
    struct mime_scan_result r;
    struct strlist texts;
    struct message *msg;
    int visited;

    (void)state;
    mime_scan(text, strlen(text), 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_WHOLE);
    assert_int_equal(r.parts, 4); /* the multipart and its three parts */
    assert_int_equal(r.depth, 1);
    strlist_init(&texts);
    msg = message_parse(text, strlen(text));
    visited = message_walk(msg, &generous, count_part, &texts, &texts);
    assert_int_equal(visited, r.parts);
    message_free(msg);
    strlist_free(&texts);
    free(text);
}

/* The scan counts exactly what the walk visits on well-formed mail. */
static void assert_scan_equals_walk(const char *text, int expected)
{
    struct mime_scan_result r;
    struct strlist texts;
    struct message *msg;

    mime_scan(text, strlen(text), 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_WHOLE);
    assert_int_equal(r.parts, expected);
    strlist_init(&texts);
    msg = message_parse(text, strlen(text));
    assert_int_equal(message_walk(msg, &generous, count_part, &texts, &texts), expected);
    message_free(msg);
    strlist_free(&texts);
}

static void test_types_of_parts(void **state)
{
    (void)state;
    /* A part without Content-Type after a multipart one is a leaf. */
    assert_scan_equals_walk("Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                            "--b\r\nContent-Type: multipart/alternative; boundary=i\r\n\r\n"
                            "--i\r\n\r\none\r\n--i--\r\n--b\r\n\r\nplain\r\n--b--\r\n",
                            4);
    /* In a digest, a part without a type is a message (RFC 2046 5.1.5). */
    assert_scan_equals_walk("Content-Type: multipart/digest; boundary=d\r\n\r\n"
                            "--d\r\n\r\nSubject: one\r\n\r\nbody one\r\n"
                            "--d\r\n\r\nSubject: two\r\n\r\nbody two\r\n--d--\r\n",
                            5);
}

static void test_bomb_cut_before_the_part_over(void **state)
{
    char *text = bomb(5000);
    const struct message_walk_limits limits = {200, 12, 1u << 20};
    struct mime_scan_result r;
    struct strlist texts, notes;
    struct message *msg;
    int visited;

    (void)state;
    msg = message_parse_bounded(text, strlen(text), &limits, &r);
    assert_non_null(msg);
    assert_int_equal(r.stop, MIME_SCAN_TOO_MANY_PARTS);
    assert_int_equal(r.parts, 200);
    assert_true(r.keep < 4000);
    /* The cut falls on the start of the 200th delimiter line. */
    assert_memory_equal(text + r.keep, "--b\r\n", 5);
    strlist_init(&texts);
    strlist_init(&notes);
    visited = message_walk(msg, &limits, count_part, &texts, &notes);
    assert_int_equal(visited, 200);
    assert_int_equal(notes.count, 0); /* nothing left over for the walk to skip */
    assert_true(texts.count == 199);
    assert_non_null(strstr(texts.items[0], "first"));
    message_free(msg);
    strlist_free(&texts);
    strlist_free(&notes);
    free(text);
}

static void test_nesting_cut(void **state)
{
    struct strbuf sb;
    struct mime_scan_result r;

    (void)state;
    strbuf_init(&sb);
    strbuf_puts(&sb, "Subject: deep\r\n");
    for (int i = 0; i < 30; i++)
        strbuf_printf(&sb, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
    strbuf_puts(&sb, "\r\ndeepest\r\n");
    mime_scan(sb.data, sb.len, 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_TOO_DEEP);
    assert_int_equal(r.depth, 12);
    /* Cut where the 13th multipart's body would start. */
    assert_true(r.keep > 0 && r.keep < sb.len);
    assert_memory_equal(sb.data + r.keep, "--b12\r\n", 7);
    strbuf_free(&sb);
}

static void test_parent_boundary_ends_inner(void **state)
{
    const char *text = "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
                       "--outer\r\nContent-Type: multipart/alternative;\r\n\tboundary=inner\r\n\r\n"
                       "--inner\r\n\r\none\r\n--inner  \r\n\r\ntwo\r\n"
                       "--outer\r\n\r\nthree\r\n"
                       "--inner\r\n\r\nnot a part: inner is closed\r\n"
                       "--outer--\r\n";
    struct mime_scan_result r;

    (void)state;
    mime_scan(text, strlen(text), 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_WHOLE);
    assert_int_equal(r.parts, 5); /* outer, alternative, one, two, three */
    assert_int_equal(r.depth, 2);
}

static void test_attached_message_followed(void **state)
{
    struct strbuf sb;
    struct mime_scan_result r;

    (void)state;
    strbuf_init(&sb);
    strbuf_puts(&sb, "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n"
                     "Content-Type: message/rfc822\r\n\r\n"
                     "Subject: inner\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n");
    for (int i = 0; i < 500; i++)
        strbuf_puts(&sb, "--i\r\n\r\nx\r\n");
    strbuf_puts(&sb, "--o--\r\n");
    mime_scan(sb.data, sb.len, 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_TOO_MANY_PARTS);
    assert_int_equal(r.depth, 3);
    assert_int_equal(r.parts, 200);
    strbuf_free(&sb);
}

static void test_odd_content_types_stop(void **state)
{
    static const char *odd[] = {
        "Content-Type: multipart/mixed; boundary*0=\"a\"; boundary*1=\"b\"\r\n\r\n--ab\r\n\r\nx\r\n",
        "Content-Type: multipart/mixed; boundary*=utf-8''ab\r\n\r\n--ab\r\n\r\nx\r\n",
        "Content-Type: multipart/mixed; boundary=a; boundary=b\r\n\r\n--a\r\n\r\nx\r\n",
        "Content-Type: text/plain\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\r\nx\r\n",
        "Content-Type: multipart/mixed; (comment) boundary=a\r\n\r\n--a\r\n\r\nx\r\n",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(odd); i++) {
        struct mime_scan_result r;
        const char *body = strstr(odd[i], "\r\n\r\n") + 4;

        mime_scan(odd[i], strlen(odd[i]), 200, 12, &r);
        if (r.stop != MIME_SCAN_UNREADABLE)
            fail_msg("case %zu: stop %d", i, (int)r.stop);
        assert_int_equal(r.keep, (size_t)(body - odd[i]));
    }
}

/* Delimiters that follow a declaring block with no blank line (a line of
 * spaces instead) still count. */
static void test_delimiter_without_blank_line(void **state)
{
    struct strbuf sb;
    struct mime_scan_result r;

    (void)state;
    strbuf_init(&sb);
    strbuf_puts(&sb, "Content-Type: multipart/mixed; boundary=b\r\n \r\n");
    for (int i = 0; i < 300; i++)
        strbuf_puts(&sb, "--b\r\n \r\nx\r\n");
    mime_scan(sb.data, sb.len, 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_TOO_MANY_PARTS);
    strbuf_free(&sb);
}

/* Inputs on which GMime once built more entities than the scan counted
 * (found by fuzz_mime_scan): each names what GMime does that the scan must
 * follow. The walk's count is the reference; the scan may exceed it. */
static void test_never_fewer_than_gmime(void **state)
{
    static const struct {
        const char *what;
        const char *text;
        int walked;
    } cases[] = {
        {"a close delimiter followed by more than white space is no delimiter",
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--x\r\n"
         "--b\r\n\r\ny\r\n--b\r\n\r\nz\r\n--b--\r\n", 4},
        {"a close delimiter in the declaring header block is a field",
         "Content-Type: multipart/mixed; boundary=b\r\n--b--\r\n\r\n--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--\r\n", 3},
        {"a CR inside a parameter name is dropped",
         "Content-Type: multipart/mixed; bounda\rry=b\r\n\r\n--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--\r\n", 3},
        {"an inner boundary the outer one prefixes: --b--x closes nothing",
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/mixed; boundary=bb\r\n\r\n"
         "--bb\r\n\r\nx\r\n--b--x\r\n--bb\r\n\r\ny\r\n--bb\r\n\r\nz\r\n--bb--\r\n--b--\r\n", 5},
        {"an outer boundary the inner one prefixes: --b---x is neither's",
         "Content-Type: multipart/mixed; boundary=b-\r\n\r\n--b-\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
         "--b\r\n\r\nx\r\n--b---x\r\n--b\r\n\r\ny\r\n--b\r\n\r\nz\r\n--b--\r\n--b---\r\n", 5},
        {"an attached message's header block ended by a delimiter",
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n"
         "--b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--\r\n", 4},
        {"white space and CR CR LF after delimiters",
         "Content-Type: multipart/mixed; boundary=b\r\r\n\r\n--b \t\r\r\n\r\nx\r\n--b\r\r\n\r\ny\r\n--b-- \r\n", 3},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const char *text = cases[i].text;
        struct mime_scan_result r;
        struct strlist texts;
        struct message *msg;
        int visited;

        mime_scan(text, strlen(text), 200, 12, &r);
        msg = message_parse(text, strlen(text));
        assert_non_null(msg);
        strlist_init(&texts);
        visited = message_walk(msg, &generous, count_part, &texts, &texts);
        if (visited != cases[i].walked)
            fail_msg("%s: GMime built %d entities, not %d", cases[i].what, visited, cases[i].walked);
        if (r.stop != MIME_SCAN_WHOLE || r.parts < visited)
            fail_msg("%s: scan stop %d, %d entities, GMime %d", cases[i].what, (int)r.stop, r.parts, visited);
        strlist_free(&texts);
        message_free(msg);
    }
}

/* The crash inputs kept as fuzz seeds, bounded as the fuzz target bounds
 * them: what GMime builds from the bytes kept never exceeds the count. */
static void test_fuzz_seeds_never_undercount(void **state)
{
    static const char *seeds[] = {"crash-close-in-header.eml", "crash-cr-in-param.eml",
                                  "crash-digest-message-delimiter.eml"};
    const struct message_walk_limits limits = {20, 4, 1u << 20};

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(seeds); i++) {
        char *path = xasprintf("tests/data/fuzz/fuzz_mime_scan/%s", seeds[i]);
        struct mime_scan_result r;
        struct strlist texts;
        struct message *msg;
        size_t len;
        char *data = file_read_all(path, 1u << 20, &len);
        int visited;

        assert_non_null(data);
        msg = message_parse_bounded(data, len, &limits, &r);
        assert_non_null(msg);
        strlist_init(&texts);
        visited = message_walk(msg, &generous, count_part, &texts, &texts);
        if (r.parts < visited)
            fail_msg("%s: scanned %d entities, GMime built %d", seeds[i], r.parts, visited);
        strlist_free(&texts);
        message_free(msg);
        free(data);
        free(path);
    }
}

static void test_boundary_too_long_stops(void **state)
{
    struct strbuf sb;
    struct mime_scan_result r;

    (void)state;
    strbuf_init(&sb);
    strbuf_puts(&sb, "Content-Type: multipart/mixed; boundary=");
    for (int i = 0; i < MIME_SCAN_BOUNDARY_MAX + 1; i++)
        strbuf_putc(&sb, 'z');
    strbuf_puts(&sb, "\r\n\r\nbody\r\n");
    mime_scan(sb.data, sb.len, 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_UNREADABLE);
    strbuf_free(&sb);
}

static void test_header_field_flood_stops(void **state)
{
    struct strbuf sb;
    struct mime_scan_result r;

    (void)state;
    strbuf_init(&sb);
    strbuf_puts(&sb, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n");
    for (int i = 0; i < MIME_SCAN_MAX_FIELDS + 10; i++)
        strbuf_puts(&sb, "X: y\r\n");
    strbuf_puts(&sb, "\r\nx\r\n--b--\r\n");
    mime_scan(sb.data, sb.len, 200, 12, &r);
    assert_int_equal(r.stop, MIME_SCAN_TOO_MANY_FIELDS);
    assert_true(r.keep < sb.len);
    strbuf_free(&sb);
}

/* Over real mail the scanner must never count fewer entities than the
 * walk visits: counting fewer is what would let a bomb through. */
static void test_corpus_never_undercounts(void **state)
{
    char *path = xasprintf("%s/mime", corpus_dir());
    DIR *d = opendir(path);
    struct dirent *e;
    int files = 0;

    (void)state;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        struct mime_scan_result r;
        struct strlist texts;
        struct message *msg;
        char *rel, *data;
        size_t len;
        int visited;

        if (!str_iends_with(e->d_name, ".eml"))
            continue;
        rel = xasprintf("mime/%s", e->d_name);
        data = corpus_read(rel, &len);
        assert_non_null(data);
        mime_scan(data, len, 10000, 64, &r);
        msg = message_parse(data, len);
        strlist_init(&texts);
        visited = msg ? message_walk(msg, &generous, count_part, &texts, &texts) : 0;
        if (r.stop == MIME_SCAN_WHOLE && r.parts < visited)
            fail_msg("%s: scanned %d entities, walked %d", rel, r.parts, visited);
        message_free(msg);
        strlist_free(&texts);
        free(data);
        free(rel);
        files++;
    }
    closedir(d);
    free(path);
    assert_true(files >= 30);
}

static int setup(void **state)
{
    (void)state;
    message_library_init();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_message_whole),
        cmocka_unit_test(test_count_matches_walk),
        cmocka_unit_test(test_types_of_parts),
        cmocka_unit_test(test_bomb_cut_before_the_part_over),
        cmocka_unit_test(test_nesting_cut),
        cmocka_unit_test(test_parent_boundary_ends_inner),
        cmocka_unit_test(test_attached_message_followed),
        cmocka_unit_test(test_odd_content_types_stop),
        cmocka_unit_test(test_delimiter_without_blank_line),
        cmocka_unit_test(test_never_fewer_than_gmime),
        cmocka_unit_test(test_fuzz_seeds_never_undercount),
        cmocka_unit_test(test_boundary_too_long_stops),
        cmocka_unit_test(test_header_field_flood_stops),
        cmocka_unit_test(test_corpus_never_undercounts),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
