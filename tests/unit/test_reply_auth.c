/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_auth.c - who may change a case through a reply: alignment of
 * a verified domain with the writer's, which Authentication-Results count
 * (trusted authserv-id, pass, the right property), and who may receive a
 * dispute acknowledgment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/util.h"
#include "replies/reply_auth.h"

#define TRUSTED "mx.agency.test"

static void test_alignment(void **state)
{
    (void)state;
    assert_true(reply_auth_aligned("debtor.fr", "debtor.fr"));
    assert_true(reply_auth_aligned("Debtor.FR", "debtor.fr."));
    assert_true(reply_auth_aligned("compta.debtor.fr", "debtor.fr"));
    /* Never the reverse, never a lookalike, never a bare top-level domain. */
    assert_false(reply_auth_aligned("debtor.fr", "compta.debtor.fr"));
    assert_false(reply_auth_aligned("evildebtor.fr", "debtor.fr"));
    assert_false(reply_auth_aligned("debtor.fr", "fr"));
    assert_false(reply_auth_aligned("debtor.fr", ".fr"));
    assert_false(reply_auth_aligned("debtor.fr", ""));
    assert_false(reply_auth_aligned("", "debtor.fr"));
    assert_false(reply_auth_aligned(NULL, "debtor.fr"));
    assert_false(reply_auth_aligned("debtor.fr", NULL));
    assert_string_equal(reply_auth_domain_of("a@b.fr"), "b.fr");
    assert_string_equal(reply_auth_domain_of("b.fr"), "b.fr");
    assert_null(reply_auth_domain_of("a@"));
    assert_null(reply_auth_domain_of(NULL));
}

/* How domain is authenticated by the given header values, TRUSTED trusted. */
static enum reply_auth judged(const char *domain, const char *const *values)
{
    struct strlist trusted, ar;
    enum reply_auth how;

    strlist_init(&trusted);
    strlist_init(&ar);
    strlist_add(&trusted, TRUSTED);
    for (size_t i = 0; values[i]; i++)
        strlist_add(&ar, values[i]);
    how = reply_auth_domain(&trusted, &ar, domain);
    strlist_free(&trusted);
    strlist_free(&ar);
    return how;
}

static void test_methods(void **state)
{
    (void)state;
    assert_int_equal(judged("debtor.fr", (const char *[]){TRUSTED "; dmarc=pass header.from=debtor.fr", NULL}),
                     REPLY_AUTH_DMARC);
    assert_int_equal(judged("debtor.fr", (const char *[]){TRUSTED "; dkim=pass (2048-bit key) header.d=debtor.fr"
                                                                  " header.i=@debtor.fr", NULL}),
                     REPLY_AUTH_DKIM);
    assert_int_equal(judged("compta.debtor.fr", (const char *[]){TRUSTED "; dkim=pass header.d=debtor.fr", NULL}),
                     REPLY_AUTH_DKIM);
    assert_int_equal(judged("debtor.fr", (const char *[]){TRUSTED "; spf=pass smtp.mailfrom=bounce@debtor.fr", NULL}),
                     REPLY_AUTH_SPF);
    assert_int_equal(judged("debtor.fr", (const char *[]){TRUSTED "; spf=pass smtp.mailfrom=debtor.fr", NULL}),
                     REPLY_AUTH_SPF);
    /* The first trusted pass found wins; failures before it do not hide it. */
    assert_int_equal(judged("debtor.fr", (const char *[]){TRUSTED "; dkim=fail header.d=debtor.fr",
                                                          TRUSTED "; dkim=pass header.d=debtor.fr", NULL}),
                     REPLY_AUTH_DKIM);
}

static void test_what_does_not_count(void **state)
{
    (void)state;
    /* Not a pass. */
    assert_int_equal(judged("debtor.fr", (const char *[]){TRUSTED "; dkim=fail header.d=debtor.fr",
                                                          TRUSTED "; dmarc=none header.from=debtor.fr",
                                                          TRUSTED "; spf=softfail smtp.mailfrom=x@debtor.fr", NULL}),
                     REPLY_AUTH_NONE);
    /* Another domain, a parent claimed by a child, dmarc for a subdomain. */
    assert_int_equal(judged("debtor.fr", (const char *[]){TRUSTED "; dkim=pass header.d=stranger.fr",
                                                          TRUSTED "; dkim=pass header.d=mail.debtor.fr",
                                                          TRUSTED "; dmarc=pass header.from=debtor.fr.evil.test",
                                                          TRUSTED "; spf=pass smtp.mailfrom=x@evildebtor.fr", NULL}),
                     REPLY_AUTH_NONE);
    assert_int_equal(judged("compta.debtor.fr", (const char *[]){TRUSTED "; dmarc=pass header.from=debtor.fr", NULL}),
                     REPLY_AUTH_NONE);
    /* A verifier nobody trusts, or a header that cannot be read. */
    assert_int_equal(judged("debtor.fr", (const char *[]){"mx.debtor.fr; dkim=pass header.d=debtor.fr",
                                                          TRUSTED "; dkim=pass header.d=debtor.fr (unterminated",
                                                          TRUSTED, NULL}),
                     REPLY_AUTH_NONE);
    /* The wrong property: header.i, or dkim's d= named as header.from. */
    assert_int_equal(judged("debtor.fr", (const char *[]){TRUSTED "; dkim=pass header.i=@debtor.fr",
                                                          TRUSTED "; dkim=pass header.from=debtor.fr", NULL}),
                     REPLY_AUTH_NONE);
    /* Nothing trusted (the default): nothing counts. */
    struct strlist none, ar;
    strlist_init(&none);
    strlist_init(&ar);
    strlist_add(&ar, TRUSTED "; dkim=pass header.d=debtor.fr");
    assert_int_equal(reply_auth_domain(&none, &ar, "debtor.fr"), REPLY_AUTH_NONE);
    assert_int_equal(reply_auth_domain(NULL, &ar, "debtor.fr"), REPLY_AUTH_NONE);
    strlist_add(&none, TRUSTED);
    assert_int_equal(reply_auth_domain(&none, NULL, "debtor.fr"), REPLY_AUTH_NONE);
    assert_int_equal(reply_auth_domain(&none, &ar, NULL), REPLY_AUTH_NONE);
    strlist_free(&none);
    strlist_free(&ar);
}

static void test_acknowledgment(void **state)
{
    const char *one[] = {"compta@debtor.fr"};
    const char *two[] = {"compta@debtor.fr", "achats@debtor.fr"};
    const char *gmail[] = {"client@gmail.com"};
    const char *why = NULL;

    (void)state;
    /* The debtor's own address: always. */
    assert_true(reply_auth_may_acknowledge("Compta@Debtor.fr", one, 1, false, false, &why));
    /* A colleague: only authenticated, at the debtor's domain, not a public provider's. */
    assert_false(reply_auth_may_acknowledge("jeanne@debtor.fr", one, 1, false, false, &why));
    assert_string_equal(why, "the writer is not the debtor's address and its domain is not authenticated");
    assert_true(reply_auth_may_acknowledge("jeanne@debtor.fr", one, 1, true, false, &why));
    assert_false(reply_auth_may_acknowledge("other@gmail.com", gmail, 1, true, true, &why));
    assert_string_equal(why, "the writer's domain is a public provider's");
    assert_true(reply_auth_may_acknowledge("client@gmail.com", gmail, 1, true, true, &why));
    /* A stranger, even authenticated for their own domain (a token reply). */
    assert_false(reply_auth_may_acknowledge("x@stranger.test", one, 1, true, false, &why));
    assert_string_equal(why, "the writer is not at the debtor's domain");
    assert_false(reply_auth_may_acknowledge("compta@mail.debtor.fr", one, 1, true, false, &why));
    /* Several cases: the writer must be each one's debtor, or at each one's domain. */
    assert_false(reply_auth_may_acknowledge("compta@debtor.fr", two, 2, false, false, &why));
    assert_true(reply_auth_may_acknowledge("compta@debtor.fr", two, 2, true, false, &why));
    /* Nothing to write to. */
    assert_false(reply_auth_may_acknowledge("", one, 1, true, false, &why));
    assert_false(reply_auth_may_acknowledge(NULL, one, 1, true, false, &why));
    assert_false(reply_auth_may_acknowledge("compta@debtor.fr", one, 0, true, false, &why));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_what_does_not_count),
        cmocka_unit_test(test_acknowledgment),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
