/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_message.c - the GMime walk: every leaf part once, decoded; parts
 * inside attached messages; the depth and count bounds; charsets; and
 * every tricky real-world message of the corpus walked without harm.
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
#include "corpus.h"
#include "lib/message.h"
#include "lib/util.h"
#include "recognise/invoice_scan.h"

struct seen {
    struct strlist types;
    struct strlist names;
    int attached;
    size_t bytes;
};

static void record_part(const struct message_part *part, void *ctx)
{
    struct seen *s = ctx;

    strlist_add(&s->types, part->mime_type);
    strlist_add(&s->names, part->filename ? part->filename : "-");
    s->attached += part->in_attached_message;
    s->bytes += part->len;
}

static const struct message_walk_limits generous = {200, 12, 16u << 20};

static void walk_text(const char *text, const struct message_walk_limits *limits, struct seen *s,
                      struct strlist *notes)
{
    struct message *msg = message_parse(text, strlen(text));

    assert_non_null(msg);
    strlist_init(&s->types);
    strlist_init(&s->names);
    s->attached = 0;
    s->bytes = 0;
    message_walk(msg, limits, record_part, s, notes);
    message_free(msg);
}

static void seen_free(struct seen *s)
{
    strlist_free(&s->types);
    strlist_free(&s->names);
}

static const char nested[] =
    "From: a@b.example\r\nTo: c@d.example\r\nSubject: Fwd: facture\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
    "--outer\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    "Voici la facture transf=E9r=E9e.\r\n"
    "--outer\r\nContent-Type: message/rfc822\r\n\r\n"
    "From: x@y.example\r\nSubject: Facture\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n"
    "--inner\r\nContent-Type: text/plain\r\n\r\nCi-joint.\r\n"
    "--inner\r\nContent-Type: application/octet-stream; name=\"facture.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
    "--inner--\r\n"
    "--outer--\r\n";

static void test_nested_message_walked(void **state)
{
    struct strlist notes;
    struct seen s;

    (void)state;
    strlist_init(&notes);
    walk_text(nested, &generous, &s, &notes);
    assert_int_equal(s.types.count, 3);
    assert_string_equal(s.types.items[0], "text/plain");
    assert_string_equal(s.types.items[2], "application/octet-stream");
    assert_string_equal(s.names.items[2], "facture.pdf");
    /* The two parts of the forwarded message are marked as such. */
    assert_int_equal(s.attached, 2);
    /* base64 "JVBERi0xLjQK" decodes to "%PDF-1.4\n" (9 bytes). */
    assert_int_equal(notes.count, 0);
    seen_free(&s);
    strlist_free(&notes);
}

struct text_capture {
    char *first_text;
    char *pdf;
    size_t pdf_len;
};

static void capture(const struct message_part *part, void *ctx)
{
    struct text_capture *c = ctx;

    if (c->first_text == NULL && strcmp(part->mime_type, "text/plain") == 0)
        c->first_text = message_part_text_utf8(part);
    if (part->filename && strcmp(part->filename, "facture.pdf") == 0) {
        c->pdf = xstrndup(part->data, part->len);
        c->pdf_len = part->len;
    }
}

static void test_decoding_and_charset(void **state)
{
    struct message *msg = message_parse(nested, strlen(nested));
    struct text_capture c = {NULL, NULL, 0};
    struct strlist notes;

    (void)state;
    strlist_init(&notes);
    message_walk(msg, &generous, capture, &c, &notes);
    /* GMime hands decoded text with LF line ends. */
    assert_string_equal(str_trim(c.first_text), "Voici la facture transférée.");
    assert_int_equal(c.pdf_len, 9);
    assert_memory_equal(c.pdf, "%PDF-1.4\n", 9);
    free(c.first_text);
    free(c.pdf);
    strlist_free(&notes);
    message_free(msg);
}

static void test_bounds_noted(void **state)
{
    const struct message_walk_limits shallow = {200, 1, 16u << 20};
    const struct message_walk_limits few = {2, 12, 16u << 20};
    const struct message_walk_limits small = {200, 12, 9};
    struct strlist notes;
    struct seen s;

    (void)state;
    strlist_init(&notes);
    walk_text(nested, &shallow, &s, &notes);
    assert_int_equal(s.types.count, 1);
    assert_int_equal(notes.count, 1);
    assert_non_null(strstr(notes.items[0], "nested deeper than 1"));
    seen_free(&s);
    strlist_free(&notes);

    walk_text(nested, &few, &s, &notes);
    assert_int_equal(s.types.count, 1);
    assert_non_null(strstr(notes.items[0], "parts after the first 2 skipped"));
    seen_free(&s);
    strlist_free(&notes);

    /* "Ci-joint." (the CRLF before a boundary belongs to the boundary) and
     * the PDF are 9 bytes each and fit; the first text does not. */
    walk_text(nested, &small, &s, &notes);
    assert_int_equal(s.types.count, 2);
    assert_string_equal(s.names.items[1], "facture.pdf");
    assert_int_equal(notes.count, 1);
    assert_non_null(strstr(notes.items[0], "skipped (larger than 9)"));
    seen_free(&s);
    strlist_free(&notes);
}

static void test_header_helpers(void **state)
{
    static const char text[] = "From: =?utf-8?q?Soci=C3=A9t=C3=A9?= <billing@creditor.example>\r\n"
                               "To: A <a@x.example>, grp: b@y.example, c@z.example;\r\n"
                               "Message-ID: <abc@creditor.example>\r\n\r\nbody\r\n";
    struct message *msg = message_parse(text, strlen(text));
    struct strlist to;
    char *from, *id;

    (void)state;
    strlist_init(&to);
    from = message_header(msg, "From");
    id = message_id(msg);
    message_header_addresses(msg, "To", &to);
    assert_string_equal(from, "Société <billing@creditor.example>");
    assert_string_equal(id, "abc@creditor.example");
    assert_int_equal(to.count, 3);
    assert_string_equal(to.items[1], "b@y.example");
    free(from);
    free(id);
    strlist_free(&to);
    message_free(msg);
}

/* Every message of corpus/mime walks and scans without a sanitizer report,
 * and the scan finds no invoice in any of them. */
static void test_corpus_mime_messages(void **state)
{
    char *path = xasprintf("%s/mime", corpus_dir());
    DIR *d = opendir(path);
    struct scan_limits limits;
    struct dirent *e;
    int files = 0;

    (void)state;
    assert_non_null(d);
    scan_limits_default(&limits);
    while ((e = readdir(d)) != NULL) {
        struct invoice_scan scan;
        char *rel, *data;
        size_t len;

        if (!str_iends_with(e->d_name, ".eml"))
            continue;
        rel = xasprintf("mime/%s", e->d_name);
        data = corpus_read(rel, &len);
        assert_non_null(data);
        invoice_scan_init(&scan);
        invoice_scan_message(data, len, &limits, &scan);
        if (scan.invoices.count != 0)
            fail_msg("%s: an invoice found in a message that holds none", rel);
        invoice_scan_free(&scan);
        free(data);
        free(rel);
        files++;
    }
    closedir(d);
    free(path);
    print_message("corpus mime: %d messages scanned\n", files);
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
        cmocka_unit_test(test_nested_message_walked),
        cmocka_unit_test(test_decoding_and_charset),
        cmocka_unit_test(test_bounds_noted),
        cmocka_unit_test(test_header_helpers),
        cmocka_unit_test(test_corpus_mime_messages),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
