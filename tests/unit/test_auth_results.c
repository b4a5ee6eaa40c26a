/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_auth_results.c - the Authentication-Results reader: the headers
 * OpenDKIM, OpenDMARC and Postfix's SPF policy servers write, RFC 8601's
 * examples (comments, versions, quoted strings, "none"), and what must be
 * refused (malformed, too long, too deep, too many methods).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/auth_results.h"
#include "lib/util.h"

static void test_opendkim(void **state)
{
    struct auth_results ar;

    (void)state;
    assert_true(auth_results_parse(" mx.agency.test; dkim=pass (2048-bit key; unprotected) header.d=example.fr"
                                   " header.i=@example.fr header.a=rsa-sha256 header.s=sel1 header.b=Ab/Cd+E=",
                                   &ar));
    assert_string_equal(ar.authserv_id, "mx.agency.test");
    assert_int_equal(ar.version, 1);
    assert_int_equal(ar.method_count, 1);
    assert_string_equal(ar.methods[0].method, "dkim");
    assert_string_equal(ar.methods[0].result, "pass");
    assert_string_equal(auth_method_property(&ar.methods[0], "header.d"), "example.fr");
    assert_string_equal(auth_method_property(&ar.methods[0], "header.i"), "@example.fr");
    assert_string_equal(auth_method_property(&ar.methods[0], "header.b"), "Ab/Cd+E=");
    assert_null(auth_method_property(&ar.methods[0], "header.from"));
}

/* As OpenDKIM 2.11 wrote it in tests/integration/test_authenticated_replies.sh. */
static void test_opendkim_as_seen(void **state)
{
    struct auth_results ar;

    (void)state;
    assert_true(auth_results_parse(" relance-verifier.test;\r\n\tdkim=pass (1024-bit key) header.d=client-c.test"
                                   " header.i=@client-c.test header.a=rsa-sha1 header.s=sel header.b=hdb+rsTw;\r\n"
                                   "\tdkim-atps=neutral",
                                   &ar));
    assert_string_equal(ar.authserv_id, "relance-verifier.test");
    assert_int_equal(ar.method_count, 2);
    assert_string_equal(auth_method_property(&ar.methods[0], "header.d"), "client-c.test");
    assert_string_equal(ar.methods[1].method, "dkim-atps");
    assert_string_equal(ar.methods[1].result, "neutral");
    assert_int_equal(ar.methods[1].prop_count, 0);
    assert_true(auth_results_parse(" relance-verifier.test; dkim=none;\r\n\tdkim-atps=neutral", &ar));
    assert_string_equal(ar.methods[0].result, "none");
}

static void test_several_methods_folded(void **state)
{
    struct auth_results ar;

    (void)state;
    assert_true(auth_results_parse("mx.agency.test 1;\r\n\tspf=pass (sender SPF authorized) smtp.mailfrom=x@example.fr;"
                                   "\r\n\tdkim=fail reason=\"bad signature; really\" header.d=example.fr;\n dmarc=pass"
                                   " (p=none dis=none) header.from=Example.FR;",
                                   &ar));
    assert_int_equal(ar.method_count, 3);
    assert_string_equal(ar.methods[0].method, "spf");
    assert_string_equal(auth_method_property(&ar.methods[0], "smtp.mailfrom"), "x@example.fr");
    assert_string_equal(ar.methods[1].result, "fail");
    assert_string_equal(auth_method_property(&ar.methods[1], "header.d"), "example.fr");
    assert_string_equal(ar.methods[2].method, "dmarc");
    assert_string_equal(auth_method_property(&ar.methods[2], "header.from"), "Example.FR");
}

/* RFC 8601 appendix B: comments anywhere, versions, case. */
static void test_rfc_examples(void **state)
{
    struct auth_results ar;

    (void)state;
    assert_true(auth_results_parse("example.com; none", &ar));
    assert_string_equal(ar.authserv_id, "example.com");
    assert_int_equal(ar.method_count, 0);
    assert_true(auth_results_parse("example.com 1; none", &ar));
    assert_true(auth_results_parse("foo.example.net (foobar) 1 (baz);\n dkim (Because I like it) / 1 (One yay) = (wait"
                                   " for it) fail\n policy (A dot can go here) . (like that) expired\n (this surprised"
                                   " me) = (as I wasn't expecting it) 1362471462",
                                   &ar));
    assert_string_equal(ar.authserv_id, "foo.example.net");
    assert_string_equal(ar.methods[0].method, "dkim");
    assert_string_equal(ar.methods[0].result, "fail");
    assert_string_equal(auth_method_property(&ar.methods[0], "policy.expired"), "1362471462");
    assert_true(auth_results_parse("\"mx (quoted) example\"; SPF=Pass smtp.MailFrom=\"a\\\"b@example.com\"", &ar));
    assert_string_equal(ar.authserv_id, "mx (quoted) example");
    assert_string_equal(ar.methods[0].method, "spf");
    assert_string_equal(ar.methods[0].result, "pass");
    assert_string_equal(auth_method_property(&ar.methods[0], "smtp.mailfrom"), "a\"b@example.com");
}

static void test_malformed_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "   ",
        "(only a comment)",
        "example.com; dkim",
        "example.com; dkim=",
        "example.com; =pass",
        "example.com; dkim=pass header.d",
        "example.com; dkim=pass header.d=",
        "example.com; dkim=pass header=example.fr",
        "example.com; dkim=pass (unterminated comment",
        "example.com; dkim=pass header.d=\"unterminated",
        "example.com; dkim=pass header.d=example.fr extra",
        "example.com x; dkim=pass",
        "example.com; none; dkim=pass",
        "example.com; dkim=pass; none",
        "example.com; dk!m=pass",
        "example.com; dkim/x=pass",
        /* An empty quoted authserv-id (found by the fuzz campaign). */
        "\"\"",
        "\"\"; dkim=pass header.d=example.fr",
    };
    struct auth_results ar;

    (void)state;
    /* A bare authserv-id says nothing was checked: readable, no method. */
    assert_true(auth_results_parse("example.com", &ar));
    assert_int_equal(ar.method_count, 0);
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        if (auth_results_parse(bad[i], &ar))
            fail_msg("accepted: \"%s\"", bad[i]);
        assert_string_equal(ar.authserv_id, "");
        assert_int_equal(ar.method_count, 0);
    }
    assert_false(auth_results_parse(NULL, &ar));
}

static void test_bounds(void **state)
{
    struct auth_results ar;
    struct strbuf sb;

    (void)state;
    /* Comments nest at most AUTH_RESULTS_MAX_DEPTH deep. */
    assert_true(auth_results_parse("a.test; dkim=pass (1(2(3(4(5(6(7(8)))))))) header.d=x.test", &ar));
    assert_false(auth_results_parse("a.test; dkim=pass (1(2(3(4(5(6(7(8(9))))))))) header.d=x.test", &ar));
    /* Too many methods. */
    strbuf_init(&sb);
    strbuf_puts(&sb, "a.test");
    for (int i = 0; i < AUTH_RESULTS_MAX_METHODS; i++)
        strbuf_puts(&sb, "; dkim=pass header.d=x.test");
    assert_true(auth_results_parse(sb.data, &ar));
    assert_int_equal(ar.method_count, AUTH_RESULTS_MAX_METHODS);
    strbuf_puts(&sb, "; spf=pass");
    assert_false(auth_results_parse(sb.data, &ar));
    /* Too long as a whole, even if well formed. */
    strbuf_reset(&sb);
    strbuf_puts(&sb, "a.test; dkim=pass ");
    while (sb.len <= AUTH_RESULTS_MAX_LEN)
        strbuf_puts(&sb, "(padding) ");
    strbuf_puts(&sb, "header.d=x.test");
    assert_false(auth_results_parse(sb.data, &ar));
    strbuf_free(&sb);
    /* Words longer than their fields. */
    char longword[AUTH_RESULTS_VALUE_MAX + 10];
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    char *text = xasprintf("a.test; dkim=pass header.d=%s", longword);
    assert_false(auth_results_parse(text, &ar));
    free(text);
    /* Properties past AUTH_RESULTS_MAX_PROPS are read and dropped. */
    assert_true(auth_results_parse("a.test; dkim=pass header.a=1 header.b=2 header.c=3 header.e=4 header.f=5"
                                   " header.g=6 header.h=7 header.j=8 header.d=late.test",
                                   &ar));
    assert_int_equal(ar.methods[0].prop_count, AUTH_RESULTS_MAX_PROPS);
    assert_null(auth_method_property(&ar.methods[0], "header.d"));
}

static void test_authserv_id_alone(void **state)
{
    char id[AUTH_RESULTS_ID_MAX];
    struct strbuf sb;

    (void)state;
    assert_true(auth_results_authserv_id(" (c) mx.agency.test; dkim=pass", id, sizeof id));
    assert_string_equal(id, "mx.agency.test");
    assert_true(auth_results_authserv_id("mx.agency.test", id, sizeof id));
    assert_string_equal(id, "mx.agency.test");
    assert_false(auth_results_authserv_id("  ", id, sizeof id));
    assert_string_equal(id, "");
    assert_false(auth_results_authserv_id(" \"\" ; dkim=pass", id, sizeof id));
    assert_string_equal(id, "");
    /* Known even when the rest is too long to read. */
    strbuf_init(&sb);
    strbuf_puts(&sb, "mx.agency.test; dkim=pass ");
    while (sb.len <= AUTH_RESULTS_MAX_LEN)
        strbuf_puts(&sb, "(padding) ");
    assert_true(auth_results_authserv_id(sb.data, id, sizeof id));
    assert_string_equal(id, "mx.agency.test");
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opendkim),
        cmocka_unit_test(test_opendkim_as_seen),
        cmocka_unit_test(test_several_methods_folded),
        cmocka_unit_test(test_rfc_examples),
        cmocka_unit_test(test_malformed_refused),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_authserv_id_alone),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
