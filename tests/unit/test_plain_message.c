/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_plain_message.c - the lone text/plain message read from raw bytes
 * (lib/plain_message.h), and the proof that invoice_scan_message's short
 * cut built on it reads what the GMime walk reads: for every message it
 * accepts (crafted ones and every .eml under tests/data), GMime sees one
 * text/plain body, not an attachment, and a text that
 * uses an invoice word only when the raw body does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/invoice.h"
#include "lib/message.h"
#include "lib/plain_message.h"
#include "lib/util.h"
#include "recognise/invoice_scan.h"
#include "recognise/invoice_text.h"

#define EML_MAX (8u << 20)

static const char *test_data_dir(void)
{
    const char *dir = getenv("RELANCE_TESTDATA");

    return dir != NULL && dir[0] != '\0' ? dir : "tests/data";
}

static bool reads(const char *raw)
{
    struct plain_message pm;

    return plain_message_read(raw, strlen(raw), &pm);
}

#define HDR "From: <a@b.test>\r\nTo: <c@d.test>\r\n"

static void test_accepted(void **state)
{
    struct plain_message pm;
    const char *raw = HDR "Subject:  Compte rendu \r\nContent-Type: text/plain; charset=UTF-8\r\n"
                          "Content-Transfer-Encoding: 8bit\r\n\r\nBonjour\r\n";

    (void)state;
    assert_true(plain_message_read(raw, strlen(raw), &pm));
    assert_int_equal(pm.subject_len, strlen("Compte rendu"));
    assert_memory_equal(pm.subject, "Compte rendu", pm.subject_len);
    assert_int_equal(pm.body_len, strlen("Bonjour\r\n"));
    assert_memory_equal(pm.body, "Bonjour\r\n", pm.body_len);
    assert_true(reads("From: a\n\nno Content-Type: text/plain by default\n"));
    assert_true(reads(HDR "Content-Type: TEXT/PLAIN; charset=\"us-ascii\"\r\n\r\nx"));
    assert_true(reads(HDR "Content-Type: text/plain ; charset = iso-8859-15 ;\r\n\r\nx"));
    assert_true(reads(HDR "Content-Type: text/plain\r\nContent-Transfer-Encoding: 7BIT\r\n\r\n"));
    assert_true(reads(HDR "Content-Language: fr\r\nReceived: from x\r\n\tby y\r\n\r\nx"));
    assert_true(reads(HDR "Subject:\r\n\r\nempty subject"));
    assert_true(reads(HDR "Subject: =?utf-8?q?Facture?=\r\n\r\nx"));
    assert_true(reads(HDR "Subject: r\xc3\xa9union\r\n\r\nx"));
    /* The Subject is decoded before it is read, as GMime reads it. */
    assert_true(invoice_subject_worth_reading("=?utf-8?q?F=61cture?=", 21));
    assert_true(invoice_subject_worth_reading("=?utf-8?b?SW52b2ljZQ==?=", 24));
    assert_true(invoice_subject_worth_reading("Re: avoir", 9));
    assert_false(invoice_subject_worth_reading("r\xc3\xa9union", 8));
    assert_false(invoice_subject_worth_reading("=?utf-8?q?r=C3=A9union?=", 24));
}

static void test_refused(void **state)
{
    (void)state;
    assert_false(reads(""));
    assert_false(reads("\r\nno header at all"));
    assert_false(reads(HDR "Subject: no body"));
    assert_false(reads(HDR "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nfacture\r\n--x--\r\n"));
    assert_false(reads(HDR "Content-Type: text/html\r\n\r\n<p>x</p>"));
    assert_false(reads(HDR "Content-Type: text/plain; name=facture.txt\r\n\r\nx"));
    assert_false(reads(HDR "Content-Type: text/plain; format=flowed\r\n\r\nx"));
    assert_false(reads(HDR "Content-Type: text/plain; charset=utf-16\r\n\r\nx"));
    assert_false(reads(HDR "Content-Type: text/plain; charset=utf-8; name=x\r\n\r\nx"));
    assert_false(reads(HDR "Content-Type: text/plain;\r\n charset=utf-8\r\n\r\nx"));
    assert_false(reads(HDR "Content-Type: text/plain\r\nContent-Type: application/pdf\r\n\r\nx"));
    assert_false(reads(HDR "Content-Transfer-Encoding: base64\r\n\r\nRmFjdHVyZQ==\r\n"));
    assert_false(reads(HDR "Content-Transfer-Encoding: quoted-printable\r\n\r\nfac=\r\nture\r\n"));
    assert_false(reads(HDR "Content-Disposition: attachment\r\n\r\nx"));
    assert_false(reads(HDR "Content-Disposition: inline\r\n\r\nx"));
    assert_false(reads(HDR "Content-Location: x\r\n\r\nx"));
    assert_false(reads(HDR "Subject: Fac\r\n ture\r\n\r\nx"));
    assert_false(reads(HDR "Subject: a\r\nSubject: b\r\n\r\nx"));
    assert_false(reads(HDR "Subject: a\x01b\r\n\r\nx"));
    assert_false(reads(" folded: first\r\n\r\nx"));
    assert_false(reads(HDR "not a field\r\n\r\nx"));
    assert_false(reads(HDR "Bad Name: x\r\n\r\nx"));
    assert_false(reads(":x\r\n\r\nx"));
    assert_false(reads(HDR "X-A: bare\rcarriage return\r\n\r\nx"));
    assert_false(reads(HDR "\r\n%PDF-1.7\r\n"));
    {
        static const char nul[] = "From: a\0b\r\n\r\nx";
        struct plain_message pm;

        assert_false(plain_message_read(nul, sizeof nul - 1, &pm));
    }
}

struct walked {
    int parts;
    bool plain_body;
    bool worth;
};

static void visit(const struct message_part *part, void *ctx)
{
    struct walked *w = ctx;
    char *text = message_part_text_utf8(part);

    w->parts++;
    w->plain_body = strcmp(part->mime_type, "text/plain") == 0 && !part->is_attachment &&
                    !part->in_attached_message && !(part->len >= 5 && memcmp(part->data, "%PDF-", 5) == 0);
    w->worth = invoice_text_worth_reading(text, strlen(text));
    free(text);
}

/* What GMime makes of a message plain_message_read accepted. Returns
 * whether it was accepted. */
static bool check_against_gmime(const char *name, const char *raw, size_t len)
{
    static const struct message_walk_limits limits = {200, 12, 16u << 20};
    struct plain_message pm;
    struct walked w = {0, false, false};
    struct message *msg;
    struct strlist notes;
    char *subject;

    if (!plain_message_read(raw, len, &pm))
        return false;
    msg = message_parse(raw, len);
    if (msg == NULL)
        fail_msg("%s: accepted, but GMime finds no message", name);
    strlist_init(&notes);
    message_walk(msg, &limits, visit, &w, &notes);
    if (w.parts != 1 || !w.plain_body || notes.count != 0)
        fail_msg("%s: accepted, but GMime sees %d parts (text/plain body: %d)", name, w.parts, w.plain_body);
    if (w.worth && !invoice_text_worth_reading(pm.body, pm.body_len))
        fail_msg("%s: GMime's text uses an invoice word, the raw body does not", name);
    subject = message_header(msg, "Subject");
    if ((pm.subject == NULL) != (subject == NULL))
        fail_msg("%s: a Subject on one side only", name);
    if (subject != NULL && invoice_text_worth_reading(subject, strlen(subject)) &&
        !invoice_subject_worth_reading(pm.subject, pm.subject_len))
        fail_msg("%s: GMime's Subject \"%s\" uses an invoice word, the raw one \"%.*s\" does not", name,
                 subject, (int)pm.subject_len, pm.subject);
    free(subject);
    strlist_free(&notes);
    message_free(msg);
    return true;
}

/* Bodies whose 8-bit bytes stand between the letters of invoice words,
 * in each charset accepted: no conversion may join the letters. */
static void test_same_as_gmime_crafted(void **state)
{
    static const char *const charsets[] = {"", "; charset=utf-8", "; charset=us-ascii", "; charset=iso-8859-1",
                                           "; charset=iso-8859-15", "; charset=windows-1252"};
    static const char *const bodies[] = {
        "Fact\xe9ur\xe9 F-12\r\n",  "fact\x81ur and credi\x8dt\r\n", "INVO\xc3ICE\r\n",
        "re\xc3\xa9" "chnung\r\n", "fac\0ture after a NUL\r\n",     "gutschrift\r\n",
        "avo\xff\xfeir\r\nx\r\n",   "Compte rendu\r\n",              "factur\r\n\r\n%PDF-1.4\r\n",
    };
    static const char *const subjects[] = {
        "\r\nSubject: Re: lunch", "\r\nSubject: =?utf-8?q?F=61ctur=C3=A9?=", "\r\nSubject: r\xe9union",
        "\r\nSubject: =?iso-8859-1?b?cul1bmlvbg==?=", "\r\nSubject: =?utf-8?q?=3D=3Futf-8=3Fq=3FInvoice=3F=3D?="};
    int accepted = 0;

    (void)state;
    for (size_t c = 0; c < sizeof charsets / sizeof charsets[0]; c++) {
        for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++) {
            struct strbuf raw;
            char name[64];

            strbuf_init(&raw);
            strbuf_puts(&raw, HDR "MIME-Version: 1.0\r\nContent-Type: text/plain");
            strbuf_puts(&raw, subjects[b % (sizeof subjects / sizeof subjects[0])]);
            strbuf_puts(&raw, charsets[c]);
            strbuf_puts(&raw, "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
            /* The fifth body holds a NUL: its length is counted past it. */
            strbuf_append(&raw, bodies[b], strlen(bodies[b]) + (b == 4 ? strlen(bodies[b] + 4) + 1 : 0));
            str_format(name, sizeof name, "charset %zu body %zu", c, b);
            accepted += check_against_gmime(name, raw.data, raw.len);
            strbuf_free(&raw);
        }
    }
    assert_int_equal(accepted, 6 * 9);
}

static int check_directory(const char *sub)
{
    char *dir = xasprintf("%s/%s", test_data_dir(), sub);
    DIR *d = opendir(dir);
    struct dirent *e;
    int accepted = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char *path;
        char *raw;
        size_t len;

        if (!str_iends_with(e->d_name, ".eml"))
            continue;
        path = xasprintf("%s/%s", dir, e->d_name);
        raw = file_read_all(path, EML_MAX, &len);
        assert_non_null(raw);
        accepted += check_against_gmime(path, raw, len);
        free(raw);
        free(path);
    }
    closedir(d);
    free(dir);
    return accepted;
}

/* Real mail: replies, text invoices, non-invoices, the MIME corpus. */
static void test_same_as_gmime_on_test_data(void **state)
{
    int accepted = 0;

    (void)state;
    accepted += check_directory("replies");
    accepted += check_directory("text-invoices");
    accepted += check_directory("non-invoices");
    accepted += check_directory("corpus/mime");
    print_message("%d messages read as lone text/plain bodies\n", accepted);
    assert_true(accepted > 100);
}

static bool scan_is_empty(const struct invoice_scan *scan)
{
    return scan->invoices.count == 0 && scan->rejected_count == 0 && scan->notes.count == 0 &&
           scan->unreadable.count == 0 && scan->failures.count == 0;
}

/* The short cut and the GMime walk agree on whole scans: a plain message
 * without invoice words reads as nothing both ways, and a text invoice
 * sent as a plain body is still found (the short cut does not apply). */
static void test_scan_agrees(void **state)
{
    const char *plain = HDR "Subject: Compte rendu\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                            "Merci pour la reunion de mardi.\r\n";
    const char *invoice = HDR "Subject: Facture F-2026-118\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                              "FACTURE N\xc2\xb0 F-2026-118\r\nDate : 02/11/2026\r\n"
                              "Echeance : 02/12/2026\r\nTotal TTC : 1 200,00 EUR\r\n";
    struct scan_limits limits;
    struct invoice_scan fast, parsed;

    (void)state;
    scan_limits_default(&limits);
    limits.default_terms_days = 30;
    limits.min_text_confidence = 0;
    invoice_scan_init(&fast);
    invoice_scan_init(&parsed);
    invoice_scan_message(plain, strlen(plain), &limits, &fast);
    invoice_scan_message_parsed(plain, strlen(plain), &limits, &parsed);
    assert_true(scan_is_empty(&fast));
    assert_true(scan_is_empty(&parsed));
    invoice_scan_free(&fast);
    invoice_scan_free(&parsed);
    invoice_scan_init(&fast);
    invoice_scan_init(&parsed);
    invoice_scan_message(invoice, strlen(invoice), &limits, &fast);
    invoice_scan_message_parsed(invoice, strlen(invoice), &limits, &parsed);
    assert_int_equal(fast.invoices.count, 1);
    assert_int_equal(parsed.invoices.count, 1);
    assert_string_equal(fast.invoices.items[0].number, "F-2026-118");
    invoice_scan_free(&fast);
    invoice_scan_free(&parsed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_same_as_gmime_crafted),
        cmocka_unit_test(test_same_as_gmime_on_test_data),
        cmocka_unit_test(test_scan_agrees),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
