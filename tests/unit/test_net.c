/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_net.c - networks as InternalHosts writes them: reading, writing
 * back, and matching client addresses of either family, prefixes that end
 * inside a byte included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/net.h"

static void sockaddr4(const char *text, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, text, &sa->sin_addr), 1);
}

static void sockaddr6(const char *text, struct sockaddr_in6 *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, text, &sa->sin6_addr), 1);
}

static bool contains4(const struct network_list *list, const char *text)
{
    struct sockaddr_in sa;

    sockaddr4(text, &sa);
    return network_list_contains(list, (struct sockaddr *)&sa);
}

static bool contains6(const struct network_list *list, const char *text)
{
    struct sockaddr_in6 sa;

    sockaddr6(text, &sa);
    return network_list_contains(list, (struct sockaddr *)&sa);
}

/* Reads text and writes it back. */
static void assert_reads_as(const char *text, const char *expected)
{
    struct network net;
    struct strbuf out;

    assert_true(network_parse(text, &net));
    strbuf_init(&out);
    network_format(&net, &out);
    assert_string_equal(out.data, expected);
    strbuf_free(&out);
}

static void test_parse_and_format(void **state)
{
    struct network net;

    (void)state;
    assert_reads_as("10.0.0.0/8", "10.0.0.0/8");
    assert_reads_as("192.0.2.7", "192.0.2.7");
    assert_reads_as("192.0.2.7/32", "192.0.2.7");
    assert_reads_as("0.0.0.0/0", "0.0.0.0/0");
    assert_reads_as("2001:DB8:0::/32", "2001:db8::/32");
    assert_reads_as("::1", "::1");
    assert_reads_as("::1/128", "::1");
    assert_true(network_parse("172.16.0.0/12", &net));
    assert_int_equal(net.family, AF_INET);
    assert_int_equal(net.prefix, 12);
    assert_false(network_parse("10.0.0.0/33", &net));
    assert_false(network_parse("2001:db8::/129", &net));
    assert_false(network_parse("10.0.0.0/-1", &net));
    assert_false(network_parse("10.0.0.0/", &net));
    assert_false(network_parse("10.0.0.0/8x", &net));
    assert_false(network_parse("/8", &net));
    assert_false(network_parse("", &net));
    assert_false(network_parse("10.0.0", &net));
    assert_false(network_parse("fe80::1%eth0", &net));
    assert_false(network_parse("example.com", &net));
}

static void test_matching(void **state)
{
    struct network_list list = {NULL, 0};
    const char *const entries[] = {"10.1.0.0/16", "192.0.2.7", "172.16.0.0/12", "2001:db8:1::/48"};
    struct network net;

    (void)state;
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        assert_true(network_parse(entries[i], &net));
        network_list_add(&list, &net);
    }
    assert_int_equal(list.count, 4);
    assert_true(contains4(&list, "10.1.255.255"));
    assert_false(contains4(&list, "10.2.0.0"));
    assert_true(contains4(&list, "192.0.2.7"));
    assert_false(contains4(&list, "192.0.2.6"));
    /* /12 ends inside the second byte: 172.16 to 172.31. */
    assert_true(contains4(&list, "172.31.0.1"));
    assert_false(contains4(&list, "172.32.0.1"));
    assert_false(contains4(&list, "172.15.255.255"));
    assert_true(contains6(&list, "2001:db8:1:ffff::1"));
    assert_false(contains6(&list, "2001:db8:2::1"));
    /* An IPv4 client through an IPv6 socket is matched as IPv4 ... */
    assert_true(contains6(&list, "::ffff:10.1.2.3"));
    assert_false(contains6(&list, "::ffff:10.2.2.3"));
    /* ... and an IPv4 network never matches a native IPv6 address. */
    assert_false(contains6(&list, "::a01:203"));
    assert_false(network_list_contains(&list, NULL));
    network_list_clear(&list);
    assert_int_equal(list.count, 0);
    assert_null(list.items);
    assert_false(contains4(&list, "10.1.0.1"));
}

/* Another family (a unix socket's client) is never internal. */
static void test_other_family(void **state)
{
    struct network_list list = {NULL, 0};
    struct network net;
    struct sockaddr sa;

    (void)state;
    assert_true(network_parse("0.0.0.0/0", &net));
    network_list_add(&list, &net);
    memset(&sa, 0, sizeof sa);
    sa.sa_family = AF_UNIX;
    assert_false(network_list_contains(&list, &sa));
    assert_true(contains4(&list, "203.0.113.9"));
    network_list_clear(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_matching),
        cmocka_unit_test(test_other_family),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
