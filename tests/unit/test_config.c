/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_config.c - the configuration loader: defaults, every value type,
 * every kind of invalid line (one error each, with its line number), the
 * matching helpers, and conf/relanced.conf held to the key table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "lib/util.h"

static struct config *parse_ok(const char *text)
{
    struct strlist errors;
    struct config *cfg;

    strlist_init(&errors);
    cfg = config_parse_text("test.conf", text, &errors);
    for (size_t i = 0; i < errors.count; i++)
        print_message("unexpected error: %s\n", errors.items[i]);
    assert_int_equal(errors.count, 0);
    assert_non_null(cfg);
    strlist_free(&errors);
    return cfg;
}

/* Parses text that must fail with exactly one error, equal to expected. */
static void expect_one_error(const char *text, const char *expected)
{
    struct strlist errors;
    struct config *cfg;

    strlist_init(&errors);
    cfg = config_parse_text("test.conf", text, &errors);
    assert_null(cfg);
    if (errors.count != 1 || strcmp(errors.items[0], expected) != 0) {
        for (size_t i = 0; i < errors.count; i++)
            print_message("got: %s\n", errors.items[i]);
        fail_msg("expected exactly: %s", expected);
    }
    strlist_free(&errors);
}

static void test_defaults(void **state)
{
    struct config *cfg = config_defaults();

    (void)state;
    assert_string_equal(cfg->socket, "local:/run/relance/relanced.sock");
    assert_string_equal(cfg->socket_group, "");
    assert_int_equal(cfg->max_message_size, 25LL * 1024 * 1024);
    assert_int_equal(cfg->on_internal_error, ON_ERROR_ACCEPT);
    assert_int_equal(cfg->on_db_error, ON_ERROR_ACCEPT);
    assert_int_equal(cfg->database_timeout, 2);
    assert_int_equal(cfg->default_terms, 30);
    assert_true(cfg->syslog);
    assert_int_equal(cfg->invoice_senders.count, 0);
    assert_int_equal(cfg->internal_hosts.count, 2);
    config_unref(cfg);
}

static void test_every_type_parses(void **state)
{
    struct config *cfg = parse_ok("# a comment\n"
                                  "\n"
                                  "socket local:/run/relance/relanced.sock   # trailing comment\n"
                                  "Database /var/lib/x#y.db\n"
                                  "MaxMessageSize 10M\n"
                                  "PdfMaxText 64k\n"
                                  "PdfMaxTime 1m\n"
                                  "DatabaseTimeout 0\n"
                                  "Syslog off\n"
                                  "LogLevel DEBUG\n"
                                  "On-InternalError tempfail\n"
                                  "MinimumConfidence 75\n"
                                  "InvoiceSenders Billing@Example.COM, @factures.example\n"
                                  "InvoiceSenders compta@example.org\n"
                                  "InternalHosts 10.0.0.0/8 2001:db8::/32\n"
                                  "CreditorIds 123.456.789, fr40-123456789\n"
                                  "CreditorIds 123456789 12345678900017\n"
                                  "SocketGroup postfix\n"
                                  "TrustedAuthservIDs MX.Example.FR, dkim_verifier\n"
                                  "UserID\n");

    (void)state;
    assert_string_equal(cfg->socket, "local:/run/relance/relanced.sock");
    /* '#' inside a value is not a comment. */
    assert_string_equal(cfg->database, "/var/lib/x#y.db");
    assert_int_equal(cfg->max_message_size, 10LL * 1024 * 1024);
    assert_int_equal(cfg->pdf_max_text, 64 * 1024);
    assert_int_equal(cfg->pdf_max_time, 60);
    assert_int_equal(cfg->database_timeout, 0);
    assert_false(cfg->syslog);
    assert_int_equal(cfg->log_level, 4);
    assert_int_equal(cfg->on_internal_error, ON_ERROR_TEMPFAIL);
    assert_int_equal(cfg->min_confidence, 75);
    /* Repeated list keys add up; entries are kept in lower case. */
    assert_int_equal(cfg->invoice_senders.count, 3);
    assert_string_equal(cfg->invoice_senders.items[0], "billing@example.com");
    assert_string_equal(cfg->invoice_senders.items[2], "compta@example.org");
    /* The first InternalHosts line replaces the default list. */
    assert_int_equal(cfg->internal_hosts.count, 2);
    assert_int_equal(cfg->trusted_authserv_ids.count, 2);
    assert_string_equal(cfg->trusted_authserv_ids.items[0], "mx.example.fr");
    assert_string_equal(cfg->trusted_authserv_ids.items[1], "dkim_verifier");
    assert_string_equal(cfg->user_id, "");
    /* Company ids normalised (letters and digits, upper case), once each. */
    assert_int_equal(cfg->creditor_ids.count, 3);
    assert_string_equal(cfg->creditor_ids.items[0], "123456789");
    assert_string_equal(cfg->creditor_ids.items[1], "FR40123456789");
    assert_string_equal(cfg->creditor_ids.items[2], "12345678900017");
    assert_string_equal(cfg->socket_group, "postfix");
    config_unref(cfg);
}

static void test_each_invalid_line(void **state)
{
    (void)state;
    expect_one_error("Bogus 1\n", "test.conf:1: unknown key 'Bogus'");
    expect_one_error("\n\nMaxMimeParts\n", "test.conf:3: MaxMimeParts: missing value");
    expect_one_error("MaxMimeParts many\n", "test.conf:1: MaxMimeParts: expected an integer: 'many'");
    expect_one_error("MaxMimeParts 0\n", "test.conf:1: MaxMimeParts: '0' is out of range (1 to 10000)");
    expect_one_error("MaxMessageSize 12\n",
                     "test.conf:1: MaxMessageSize: '12' is out of range (65536 to 1073741824)");
    expect_one_error("MaxMessageSize 10X\n", "test.conf:1: MaxMessageSize: unknown unit: '10X'");
    expect_one_error("PdfMaxTime -3s\n", "test.conf:1: PdfMaxTime: expected a non-negative number: '-3s'");
    expect_one_error("Syslog maybe\n", "test.conf:1: Syslog: expected yes or no: 'maybe'");
    expect_one_error("LogLevel loud\n",
                     "test.conf:1: LogLevel: 'loud' is not one of error|warning|notice|info|debug");
    expect_one_error("Socket 8891\n",
                     "test.conf:1: Socket: expected local:/path, inet:port@host or inet6:port@host: '8891'");
    expect_one_error("Socket inet:99999@127.0.0.1\n",
                     "test.conf:1: Socket: expected inet:PORT@HOST with a port from 1 to 65535: "
                     "'inet:99999@127.0.0.1'");
    expect_one_error("Socket local:relative.sock\n",
                     "test.conf:1: Socket: socket path must be absolute: 'local:relative.sock'");
    expect_one_error("Database relance.db\n", "test.conf:1: Database: path must be absolute: 'relance.db'");
    expect_one_error("InvoiceSenders billing\n",
                     "test.conf:1: InvoiceSenders: expected an address (name@domain) or @domain: 'billing'");
    expect_one_error("CreditorIds 12.3\n",
                     "test.conf:1: CreditorIds: expected a company id (SIREN, SIRET or VAT id): '12.3'");
    expect_one_error("InternalHosts 10.0.0.0/33\n",
                     "test.conf:1: InternalHosts: expected an IPv4 or IPv6 address or network "
                     "(address/prefix): '10.0.0.0/33'");
    expect_one_error("TrustedAuthservIDs mx;evil\n",
                     "test.conf:1: TrustedAuthservIDs: expected names of letters, digits, '-', '.' and '_': 'mx;evil'");
    expect_one_error("Syslog no\nSyslog yes\n", "test.conf:2: Syslog: given twice (first at line 1)");
}

static void test_line_too_long(void **state)
{
    char *text = xmalloc(5000);

    (void)state;
    memset(text, 'a', 4999);
    text[4999] = '\0';
    expect_one_error(text, "test.conf:1: line too long");
    free(text);
}

/* Every error of a file is reported, not just the first. */
static void test_all_errors_reported(void **state)
{
    struct strlist errors;

    (void)state;
    strlist_init(&errors);
    assert_null(config_parse_text("x.conf", "Bogus\nSyslog maybe\nMaxMimeParts 0\n", &errors));
    assert_int_equal(errors.count, 3);
    assert_true(strncmp(errors.items[0], "x.conf:1:", 9) == 0);
    assert_true(strncmp(errors.items[1], "x.conf:2:", 9) == 0);
    assert_true(strncmp(errors.items[2], "x.conf:3:", 9) == 0);
    strlist_free(&errors);
}

static void test_missing_file(void **state)
{
    struct strlist errors;

    (void)state;
    strlist_init(&errors);
    assert_null(config_load("/nonexistent/relanced.conf", &errors));
    assert_int_equal(errors.count, 1);
    assert_non_null(strstr(errors.items[0], "/nonexistent/relanced.conf:0: cannot read"));
    strlist_free(&errors);
}

static void test_invoice_sender_matching(void **state)
{
    struct config *cfg = parse_ok("InvoiceSenders billing@example.com, @factures.example\n");

    (void)state;
    assert_true(config_is_invoice_sender(cfg, "billing@example.com"));
    assert_true(config_is_invoice_sender(cfg, "BILLING@Example.com"));
    assert_true(config_is_invoice_sender(cfg, "anyone@factures.example"));
    assert_false(config_is_invoice_sender(cfg, "other@example.com"));
    assert_false(config_is_invoice_sender(cfg, "x@sub.factures.example"));
    assert_false(config_is_invoice_sender(cfg, "factures.example"));
    assert_false(config_is_invoice_sender(cfg, ""));
    config_unref(cfg);
}

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

static void test_internal_hosts(void **state)
{
    struct config *cfg = parse_ok("InternalHosts 10.1.0.0/16, 192.0.2.7, 2001:db8:1::/48\n");
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;

    (void)state;
    sockaddr4("10.1.200.3", &a4);
    assert_true(config_is_internal_host(cfg, (struct sockaddr *)&a4));
    sockaddr4("10.2.0.1", &a4);
    assert_false(config_is_internal_host(cfg, (struct sockaddr *)&a4));
    sockaddr4("192.0.2.7", &a4);
    assert_true(config_is_internal_host(cfg, (struct sockaddr *)&a4));
    sockaddr4("192.0.2.8", &a4);
    assert_false(config_is_internal_host(cfg, (struct sockaddr *)&a4));
    sockaddr6("2001:db8:1:ffff::1", &a6);
    assert_true(config_is_internal_host(cfg, (struct sockaddr *)&a6));
    sockaddr6("2001:db8:2::1", &a6);
    assert_false(config_is_internal_host(cfg, (struct sockaddr *)&a6));
    /* An IPv4 client seen through an IPv6 socket. */
    sockaddr6("::ffff:10.1.2.3", &a6);
    assert_true(config_is_internal_host(cfg, (struct sockaddr *)&a6));
    assert_false(config_is_internal_host(cfg, NULL));
    config_unref(cfg);
}

/* config_write's output loads back to the same values. */
static void test_write_round_trip(void **state)
{
    struct config *cfg = parse_ok("InvoiceSenders a@b.example, @c.example\nInternalHosts 10.0.0.0/8\n"
                                  "LogLevel notice\nMaxMessageSize 2M\nPidFile /run/r.pid\n");
    struct strbuf first, second;
    struct config *again;

    (void)state;
    strbuf_init(&first);
    strbuf_init(&second);
    config_write(cfg, &first);
    again = parse_ok(first.data);
    config_write(again, &second);
    assert_string_equal(first.data, second.data);
    assert_non_null(strstr(first.data, "InvoiceSenders a@b.example, @c.example\n"));
    assert_non_null(strstr(first.data, "InternalHosts 10.0.0.0/8\n"));
    assert_non_null(strstr(first.data, "LogLevel notice\n"));
    strbuf_free(&first);
    strbuf_free(&second);
    config_unref(cfg);
    config_unref(again);
}

/* EcbRate: dated rates by half-year (C. com. L441-10 II), or one number
 * for every half-year as before. */
static void test_half_year_rates(void **state)
{
    struct config *cfg;
    struct strbuf out;
    struct strlist warnings;
    struct date today = {2027, 3, 15};

    (void)state;
    /* The default and a single number: one undated rate. */
    cfg = config_defaults();
    assert_int_equal(cfg->ecb_rate.count, 1);
    assert_false(date_is_set(cfg->ecb_rate.items[0].from));
    assert_int_equal(cfg->ecb_rate.items[0].rate, 21500);
    config_unref(cfg);
    cfg = parse_ok("EcbRate 3\n");
    assert_int_equal(cfg->ecb_rate.count, 1);
    assert_int_equal(cfg->ecb_rate.items[0].rate, 30000);
    strlist_init(&warnings);
    config_warnings(cfg, today, &warnings);
    assert_int_equal(warnings.count, 0); /* one rate for all: nothing is missing */
    config_unref(cfg);

    /* Dated: the first line replaces the default, further lines add, in
     * date order whatever the order written. */
    cfg = parse_ok("EcbRate 2027-01-01=2.65\nEcbRate 2026-01-01=2.15, 2026-07-01=2.15\n");
    assert_int_equal(cfg->ecb_rate.count, 3);
    assert_int_equal(cfg->ecb_rate.items[0].from.month, 1);
    assert_int_equal(cfg->ecb_rate.items[0].from.year, 2026);
    assert_int_equal(cfg->ecb_rate.items[1].from.month, 7);
    assert_int_equal(cfg->ecb_rate.items[2].rate, 26500);
    /* Written back as read, and read back the same. */
    strbuf_init(&out);
    config_write(cfg, &out);
    assert_non_null(strstr(out.data, "\nEcbRate 2026-01-01=2.15, 2026-07-01=2.15, 2027-01-01=2.65\n"));
    strbuf_free(&out);
    config_warnings(cfg, today, &warnings);
    assert_int_equal(warnings.count, 0);
    /* On 1 July 2027 the half-year has no rate yet: said, with its start. */
    config_warnings(cfg, (struct date){2027, 7, 1}, &warnings);
    assert_int_equal(warnings.count, 1);
    assert_string_equal(warnings.items[0], "EcbRate: no rate for the half-year starting 2027-07-01 (published by "
                                           "the Banque de France / ECB, update it on 1 January and 1 July)");
    strlist_free(&warnings);
    config_unref(cfg);
    /* A gap is said too, as well as today's half-year. */
    cfg = parse_ok("EcbRate 2026-01-01=2.15, 2027-01-01=2.65\n");
    strlist_init(&warnings);
    config_warnings(cfg, (struct date){2027, 12, 31}, &warnings);
    assert_int_equal(warnings.count, 2);
    assert_non_null(strstr(warnings.items[0], "starting 2026-07-01 "));
    assert_non_null(strstr(warnings.items[1], "starting 2027-07-01 "));
    strlist_free(&warnings);
    config_unref(cfg);

    expect_one_error("EcbRate 2026-03-01=2.15\n", "test.conf:1: EcbRate: a half-year starts on 1 January or "
                                                   "1 July (YYYY-01-01 or YYYY-07-01): '2026-03-01=2.15'");
    expect_one_error("EcbRate 2026-07-01=2.15\nEcbRate 2026-07-01=2.40\n",
                     "test.conf:2: EcbRate: two rates for the same half-year: '2026-07-01=2.40'");
    expect_one_error("EcbRate 2.15, 2026-07-01=2.40\n",
                     "test.conf:1: EcbRate: a rate without a date applies to every half-year: give it alone, or "
                     "date every rate: '2.15, 2026-07-01=2.40'");
    expect_one_error("EcbRate 2026-07-01=2.40\nEcbRate 2.15\n",
                     "test.conf:2: EcbRate: a rate without a date applies to every half-year: give it alone, or "
                     "date every rate: '2.15'");
    expect_one_error("EcbRate 2026-07-01=\n", "test.conf:1: EcbRate: expected a percentage with at most four "
                                               "decimals (12.15): '2026-07-01='");
    expect_one_error("EcbRate 2026-7-1=2\n",
                     "test.conf:1: EcbRate: expected YYYY-MM-DD=RATE or one RATE: '2026-7-1=2'");
    expect_one_error("EcbRate 2026-07-01=-1\n", "test.conf:1: EcbRate: expected a percentage with at most four "
                                                 "decimals (12.15): '2026-07-01=-1'");
    expect_one_error("EcbRate\n", "test.conf:1: EcbRate: missing value");
}

static char *read_sample(void)
{
    const char *top = getenv("RELANCE_TOP");
    char *path = xasprintf("%s/conf/relanced.conf", top ? top : ".");
    char *text = file_read_all(path, 1 << 20, NULL);

    if (text == NULL)
        fail_msg("cannot read %s", path);
    free(path);
    return text;
}

/* The line documenting a key: "#Key default" (or "#Key" when the default
 * is empty). */
static bool sample_documents(const char *sample, const struct config_key_info *key)
{
    char *line = key->default_text[0] ? xasprintf("\n#%s %s\n", key->name, key->default_text)
                                      : xasprintf("\n#%s\n", key->name);
    bool found = strstr(sample, line) != NULL;

    if (!found)
        print_message("conf/relanced.conf lacks the line: %s", line + 1);
    free(line);
    return found;
}

static void test_sample_documents_every_key(void **state)
{
    char *sample = read_sample();
    int missing = 0;

    (void)state;
    for (size_t i = 0; i < config_key_count(); i++)
        missing += !sample_documents(sample, config_key_at(i));
    assert_int_equal(missing, 0);
    free(sample);
}

/* The sample loads as shipped, and with every documented default
 * uncommented: the documented defaults are valid values. */
static void test_sample_loads(void **state)
{
    char *sample = read_sample();
    struct strbuf uncommented;
    struct config *cfg;

    (void)state;
    cfg = parse_ok(sample);
    config_unref(cfg);
    strbuf_init(&uncommented);
    for (char *line = strtok(sample, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' && line[1] >= 'A' && line[1] <= 'Z')
            line++;
        strbuf_puts(&uncommented, line);
        strbuf_putc(&uncommented, '\n');
    }
    cfg = parse_ok(uncommented.data);
    config_unref(cfg);
    strbuf_free(&uncommented);
    free(sample);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_type_parses),
        cmocka_unit_test(test_each_invalid_line),
        cmocka_unit_test(test_line_too_long),
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_invoice_sender_matching),
        cmocka_unit_test(test_internal_hosts),
        cmocka_unit_test(test_write_round_trip),
        cmocka_unit_test(test_half_year_rates),
        cmocka_unit_test(test_sample_documents_every_key),
        cmocka_unit_test(test_sample_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
