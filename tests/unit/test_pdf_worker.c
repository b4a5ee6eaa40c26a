/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_pdf_worker.c - PDFs read by relance-pdf (lib/pdf_extract.h): the
 * worker gives what poppler in process gives; PDF bombs made at test time
 * (nested form XObjects, many embedded files naming one huge stream) end
 * within PdfMaxTime and under PdfMaxMemory; the parent trusts no record it
 * reads back; a worker that cannot run is told apart from a PDF that
 * killed it; the text of a PDF with XML inside is not read, unless that
 * XML is unusable.
 *
 * The worker is the real (unsanitized) build/relance-pdf, so that its
 * RLIMIT_AS applies (TEST_PDF_WORKER, set by the Makefile).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/invoice.h"
#include "lib/pdf_extract.h"
#include "lib/util.h"
#include "recognise/invoice_scan.h"

#include "corpus.h"
#include "pdfbomb.h"
#include "textpdf.h"

#ifndef TEST_PDF_WORKER
#error "TEST_PDF_WORKER: the path of build/relance-pdf"
#endif

/* Slack for starting the worker and for a loaded machine. */
#define MARGIN_MS 1500

static void worker_limits(struct pdf_limits *pl, unsigned max_ms)
{
    pl->worker = TEST_PDF_WORKER;
    pl->max_pages = 20;
    pl->max_text = 512u * 1024;
    pl->max_ms = max_ms;
    pl->max_memory = 256u * 1024 * 1024;
    pl->max_files = 20;
    pl->max_file_size = 25u * 1024 * 1024;
    pl->max_decoded = 32u * 1024 * 1024;
    pl->reading = PDF_FILES_AND_TEXT;
}

/* The worker and the same work in process agree, byte for byte. */
static void test_worker_matches_in_process(void **state)
{
    static const char *const files[] = {"facturx/zf22_EN16931_Elektron.pdf", "pdf-plain/hetzner_R0005532486.pdf"};
    struct pdf_limits limits;

    (void)state;
    worker_limits(&limits, 10000);
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        struct pdf_extract_result far, near;
        size_t len;
        char *data = corpus_read(files[f], &len);
        struct pdf_limits local = limits;

        assert_non_null(data);
        local.worker = NULL;
        pdf_extract_init(&far);
        pdf_extract_init(&near);
        assert_int_equal(pdf_extract(data, len, &limits, &far), PDF_READ);
        assert_int_equal(pdf_extract_local(data, len, &local, &near), PDF_READ);
        assert_int_equal(far.exit_code, 0);
        assert_int_equal(far.file_count, near.file_count);
        for (size_t i = 0; i < far.file_count; i++) {
            assert_string_equal(far.files[i].name, near.files[i].name);
            assert_int_equal(far.files[i].len, near.files[i].len);
            assert_memory_equal(far.files[i].data, near.files[i].data, far.files[i].len);
        }
        assert_int_equal(far.has_text, near.has_text);
        assert_int_equal(far.text.len, near.text.len);
        if (far.text.len > 0)
            assert_memory_equal(far.text.data, near.text.data, far.text.len);
        pdf_extract_free(&far);
        pdf_extract_free(&near);
        free(data);
    }
}

/* One exec per PDF: what it costs, on a real Factur-X file. */
static void test_worker_cost(void **state)
{
    struct pdf_limits limits;
    size_t len;
    char *data = corpus_read("facturx/zf22_EN16931_Elektron.pdf", &len);
    uint64_t start;
    unsigned worker_ms, local_ms;
    const int rounds = 20;

    (void)state;
    assert_non_null(data);
    worker_limits(&limits, 10000);
    limits.reading = PDF_TEXT_UNLESS_XML; /* as relanced reads it */
    start = clock_ms();
    for (int i = 0; i < rounds; i++) {
        struct pdf_extract_result res;

        pdf_extract_init(&res);
        assert_int_equal(pdf_extract(data, len, &limits, &res), PDF_READ);
        pdf_extract_free(&res);
    }
    worker_ms = (unsigned)(clock_ms() - start);
    limits.worker = NULL;
    start = clock_ms();
    for (int i = 0; i < rounds; i++) {
        struct pdf_extract_result res;

        pdf_extract_init(&res);
        assert_int_equal(pdf_extract_local(data, len, &limits, &res), PDF_READ);
        pdf_extract_free(&res);
    }
    local_ms = (unsigned)(clock_ms() - start);
    printf("    one PDF (%zu bytes): worker %.1f ms, in process (ASan) %.1f ms\n", len,
           (double)worker_ms / rounds, (double)local_ms / rounds);
    /* Starting a process is cheap next to PdfMaxTime. */
    assert_true(worker_ms / rounds < 1000);
    free(data);
}

/* Nested form XObjects: exponential drawing, memory growing. The worker
 * is killed at PdfMaxTime (RLIMIT_CPU or the parent's deadline). */
static void test_forms_bomb_stopped(void **state)
{
    struct pdf_limits limits;
    struct pdf_extract_result res;
    size_t len;
    char *pdf = pdfbomb_forms(7, 8, &len);

    (void)state;
    worker_limits(&limits, 2000);
    pdf_extract_init(&res);
    assert_int_equal(pdf_extract(pdf, len, &limits, &res), PDF_UNREADABLE);
    printf("    forms bomb (%zu bytes): %u ms, worker peak %ld kB: %s\n", len, res.elapsed_ms, res.peak_kb, res.why);
    assert_true(res.elapsed_ms < limits.max_ms + MARGIN_MS);
    assert_true(res.peak_kb > 0 && (size_t)res.peak_kb * 1024 < limits.max_memory);
    assert_int_equal(res.file_count, 0);
    assert_false(res.has_text);
    pdf_extract_free(&res);
    free(pdf);
}

/* The same bomb with a memory bound too small for it: RLIMIT_AS ends
 * the worker before the clock does. */
static void test_forms_bomb_memory(void **state)
{
    struct pdf_limits limits;
    struct pdf_extract_result res;
    size_t len;
    char *pdf = pdfbomb_forms(6, 30, &len);
    enum pdf_status status;

    (void)state;
    worker_limits(&limits, 60000);
    limits.max_memory = 96u * 1024 * 1024;
    pdf_extract_init(&res);
    status = pdf_extract(pdf, len, &limits, &res);
    /* Stopped by the parent's watch of its size (UNREADABLE), or dead of
     * its own RLIMIT_AS first (DIED): bounded either way. */
    assert_true(status == PDF_UNREADABLE || status == PDF_WORKER_DIED);
    printf("    forms bomb, 96 MB: %u ms, worker peak %ld kB: %s\n", res.elapsed_ms, res.peak_kb, res.why);
    assert_true(res.elapsed_ms < limits.max_ms);
    assert_true((size_t)res.peak_kb * 1024 < limits.max_memory);
    pdf_extract_free(&res);
    free(pdf);
}

static bool notes_say(const struct pdf_extract_result *res, const char *what)
{
    for (size_t i = 0; i < res->notes.count; i++)
        if (strstr(res->notes.items[i], what) != NULL)
            return true;
    return false;
}

/* 200 embedded files naming one stream of 26 MB: PdfMaxEmbeddedFiles
 * and the declared size stop the decoding early. */
static void test_files_bomb_bounded(void **state)
{
    struct pdf_limits limits;
    struct pdf_extract_result res;
    size_t len, total = 0;
    char *pdf = pdfbomb_files(200, 26, 1, &len);

    (void)state;
    worker_limits(&limits, 5000);
    pdf_extract_init(&res);
    assert_int_equal(pdf_extract(pdf, len, &limits, &res), PDF_READ);
    for (size_t i = 0; i < res.file_count; i++)
        total += res.files[i].len;
    printf("    files bomb (%zu bytes): %u ms, worker peak %ld kB, %zu files, %zu bytes\n", len, res.elapsed_ms,
           res.peak_kb, res.file_count, total);
    assert_true(res.file_count <= (size_t)limits.max_files);
    assert_true(total <= limits.max_decoded);
    assert_true(notes_say(&res, "too many files"));
    assert_true(res.elapsed_ms < limits.max_ms);
    assert_true((size_t)res.peak_kb * 1024 < limits.max_memory);
    pdf_extract_free(&res);
    free(pdf);
}

/* The same without declared sizes: the bounded decoding and the total
 * of decoded bytes stop it. */
static void test_files_bomb_undeclared(void **state)
{
    struct pdf_limits limits;
    struct pdf_extract_result res;
    size_t len;
    char *pdf = pdfbomb_files(200, 26, 0, &len);

    (void)state;
    worker_limits(&limits, 5000);
    limits.max_file_size = 4u * 1024 * 1024;
    limits.max_decoded = 10u * 1024 * 1024;
    pdf_extract_init(&res);
    assert_int_equal(pdf_extract(pdf, len, &limits, &res), PDF_READ);
    printf("    files bomb, no sizes: %u ms, worker peak %ld kB\n", res.elapsed_ms, res.peak_kb);
    assert_int_equal(res.file_count, 0);
    assert_true(notes_say(&res, "larger than the bound"));
    assert_true(notes_say(&res, "too many bytes decoded"));
    assert_true(res.elapsed_ms < limits.max_ms);
    pdf_extract_free(&res);
    free(pdf);
}

/* A scan: the bomb is unreadable input, not relance's failure, and the
 * worker that cannot run is. */
static void test_scan_tells_failures_apart(void **state)
{
    struct scan_limits limits;
    struct invoice_scan scan;
    size_t len;
    char *pdf = pdfbomb_forms(7, 8, &len);

    (void)state;
    scan_limits_default(&limits);
    limits.pdf_worker = TEST_PDF_WORKER;
    limits.pdf_max_ms = 1000;
    invoice_scan_init(&scan);
    invoice_scan_document("bomb.pdf", pdf, len, &limits, &scan);
    assert_int_equal(scan.unreadable.count, 1);
    assert_int_equal(scan.failures.count, 0);
    assert_non_null(strstr(scan.unreadable.items[0], "bomb.pdf: PDF not readable"));
    invoice_scan_free(&scan);

    limits.pdf_worker = "/nonexistent/relance-pdf";
    invoice_scan_init(&scan);
    invoice_scan_document("bomb.pdf", pdf, len, &limits, &scan);
    assert_int_equal(scan.unreadable.count, 0);
    assert_int_equal(scan.failures.count, 1);
    assert_non_null(strstr(scan.failures.items[0], "cannot run /nonexistent/relance-pdf"));
    invoice_scan_free(&scan);

    /* A worker that dies of a signal it was not sent by its parent. */
    limits.pdf_worker = TEST_DYING_WORKER;
    invoice_scan_init(&scan);
    invoice_scan_document("bomb.pdf", pdf, len, &limits, &scan);
    assert_int_equal(scan.unreadable.count, 0);
    assert_int_equal(scan.failures.count, 1);
    assert_non_null(strstr(scan.failures.items[0], "bomb.pdf: PDF not read: the PDF worker died: worker killed by signal"));
    invoice_scan_free(&scan);
    free(pdf);
}

/* A program that is no worker: its output is garbage, or it fails. */
static void test_foreign_worker(void **state)
{
    struct pdf_limits limits;
    struct pdf_extract_result res;
    size_t len;
    char *pdf = pdfbomb_forms(1, 1, &len);

    (void)state;
    worker_limits(&limits, 2000);
    limits.worker = "/bin/echo";
    pdf_extract_init(&res);
    assert_int_equal(pdf_extract(pdf, len, &limits, &res), PDF_UNREADABLE);
    assert_non_null(strstr(res.why, "worker output"));
    limits.worker = "/bin/false";
    /* A worker that fails by itself has died (On-InternalError). */
    assert_int_equal(pdf_extract(pdf, len, &limits, &res), PDF_WORKER_DIED);
    assert_non_null(strstr(res.why, "status 1"));
    pdf_extract_free(&res);
    free(pdf);
}

/* ------------------------------------------------------------------ */
/* Files first, the text when no XML                                   */

/* A text invoice carrying a Factur-X file cut short (no well-formed
 * XML): its text is all there is to read. */
static const char invoice_layout[] = "MENUISERIE GIRARD - 5 chemin des Vignes - 33000 Bordeaux\n"
                                     "{H}Facture n\xc2\xb0 FA-2026-042\n"
                                     "Date : 03/11/2026{@330}M. et Mme Roussel\n"
                                     "{@330}11 all\xc3\xa9""e des Pins, 33600 Pessac\n"
                                     "\n"
                                     "{@330}Total HT{@450}1 250,00 \xe2\x82\xac\n"
                                     "{@330}TVA 20 %{@450}250,00 \xe2\x82\xac\n"
                                     "{@330}{B}Net \xc3\xa0 payer{@450}1 500,00 \xe2\x82\xac\n"
                                     "\n"
                                     "\xc3\x89""ch\xc3\xa9""ance : 03/12/2026\n"
                                     "{S}EURL Menuiserie Girard - SIRET 987 654 321 00019\n";
static const char cut_xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:"
                              "CrossIndustryInvoice:100\">\n<rsm:ExchangedDocument><ram:ID>FA-2026-0";

static char *invoice_with_cut_xml(size_t *len)
{
    return textpdf_render_attached(invoice_layout, sizeof invoice_layout - 1, "factur-x.xml", cut_xml,
                                   sizeof cut_xml - 1, len);
}

/* One reading by the worker and the same in process: they agree. */
static void read_both(const char *data, size_t len, enum pdf_reading reading, struct pdf_extract_result *res)
{
    struct pdf_limits limits;
    struct pdf_extract_result near;

    worker_limits(&limits, 10000);
    limits.reading = reading;
    pdf_extract_init(res);
    assert_int_equal(pdf_extract(data, len, &limits, res), PDF_READ);
    limits.worker = NULL;
    pdf_extract_init(&near);
    assert_int_equal(pdf_extract(data, len, &limits, &near), PDF_READ);
    assert_int_equal(res->file_count, near.file_count);
    assert_int_equal(res->has_text, near.has_text);
    assert_int_equal(res->text_skipped, near.text_skipped);
    assert_int_equal(res->text.len, near.text.len);
    pdf_extract_free(&near);
}

/* A Factur-X: its pages are not read (the ICC output intent of a PDF/A
 * makes them the dear part), nor its other embedded files, unless the
 * whole or the text alone is asked. */
static void test_facturx_text_not_read(void **state)
{
    size_t len;
    char *data = corpus_read("facturx/zf22_EN16931_Elektron.pdf", &len);
    struct pdf_extract_result all, unless_xml, text_only;

    (void)state;
    assert_non_null(data);
    read_both(data, len, PDF_FILES_AND_TEXT, &all);
    read_both(data, len, PDF_TEXT_UNLESS_XML, &unless_xml);
    read_both(data, len, PDF_TEXT_ONLY, &text_only);
    /* The PNG, the PDF and factur-x.xml, and text, when all is asked. */
    assert_int_equal(all.file_count, 3);
    assert_true(all.has_text && !all.text_skipped && all.text.len > 100);
    /* The XML alone (the PNG and the PDF are dropped at their first
     * bytes, unnamed); no text, and it says why. */
    assert_int_equal(unless_xml.file_count, 1);
    assert_string_equal(unless_xml.files[0].name, "factur-x.xml");
    assert_string_equal(all.files[2].name, "factur-x.xml");
    assert_int_equal(unless_xml.files[0].len, all.files[2].len);
    assert_memory_equal(unless_xml.files[0].data, all.files[2].data, all.files[2].len);
    assert_int_equal(unless_xml.notes.count, 0);
    assert_false(unless_xml.has_text);
    assert_true(unless_xml.text_skipped);
    assert_int_equal(unless_xml.text.len, 0);
    /* The text alone, the same text. */
    assert_int_equal(text_only.file_count, 0);
    assert_true(text_only.has_text && !text_only.text_skipped);
    assert_int_equal(text_only.text.len, all.text.len);
    assert_memory_equal(text_only.text.data, all.text.data, all.text.len);
    pdf_extract_free(&all);
    pdf_extract_free(&unless_xml);
    pdf_extract_free(&text_only);
    free(data);
}

/* A PDF without embedded XML is read whole at once. */
static void test_plain_pdf_text_read(void **state)
{
    size_t len;
    char *data = corpus_read("pdf-plain/hetzner_R0005532486.pdf", &len);
    struct pdf_extract_result res;

    (void)state;
    assert_non_null(data);
    read_both(data, len, PDF_TEXT_UNLESS_XML, &res);
    assert_int_equal(res.file_count, 0);
    assert_true(res.has_text && !res.text_skipped);
    assert_non_null(strstr(res.text.data, "R0005532486"));
    pdf_extract_free(&res);
    free(data);
}

/* What looks like XML: a UTF-8 BOM and blanks may come first; anything
 * else is dropped at its first bytes, and the text is read then. */
static void test_xml_look(void **state)
{
    static const struct {
        const char *file;
        bool xml;
    } cases[] = {
        {"\xef\xbb\xbf  \r\n\t<?xml version=\"1.0\"?><a/>", true},
        {"<a/>", true},
        {"\x89PNG\r\n\x1a\n<not xml>", false},
        {"\xef\xbb<a/>", false}, /* a BOM cut short */
        {"text <a/>", false},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t len;
        char *pdf = textpdf_render_attached(invoice_layout, sizeof invoice_layout - 1, "a.xml", cases[i].file,
                                            strlen(cases[i].file), &len);
        struct pdf_extract_result res;

        read_both(pdf, len, PDF_TEXT_UNLESS_XML, &res);
        assert_int_equal(res.file_count, cases[i].xml ? 1 : 0);
        assert_int_equal(res.text_skipped, cases[i].xml);
        assert_int_equal(res.has_text, !cases[i].xml);
        assert_int_equal(res.notes.count, 0);
        if (cases[i].xml)
            assert_memory_equal(res.files[0].data, cases[i].file, strlen(cases[i].file));
        pdf_extract_free(&res);
        free(pdf);
    }
}

/* The scan: a Factur-X is read from its XML; a PDF whose XML is unusable
 * is read from its text (a second reading), through the worker and in
 * process alike. */
static void test_scan_text_behind_unusable_xml(void **state)
{
    struct scan_limits limits;
    size_t len, fx_len;
    char *pdf = invoice_with_cut_xml(&len);
    char *fx = corpus_read("facturx/zf22_EN16931_Elektron.pdf", &fx_len);
    struct pdf_extract_result first;

    (void)state;
    assert_non_null(fx);
    /* The first reading took the file for XML and skipped the text. */
    read_both(pdf, len, PDF_TEXT_UNLESS_XML, &first);
    assert_int_equal(first.file_count, 1);
    assert_true(first.text_skipped);
    pdf_extract_free(&first);
    scan_limits_default(&limits);
    for (int pass = 0; pass < 2; pass++) {
        struct invoice_scan scan;

        limits.pdf_worker = pass == 0 ? TEST_PDF_WORKER : NULL;
        invoice_scan_init(&scan);
        invoice_scan_document("FA-2026-042.pdf", pdf, len, &limits, &scan);
        assert_int_equal(scan.failures.count + scan.unreadable.count, 0);
        assert_int_equal(scan.invoices.count, 1);
        assert_string_equal(scan.invoices.items[0].number, "FA-2026-042");
        assert_int_equal(scan.invoices.items[0].source, INVOICE_SOURCE_PDF_TEXT);
        assert_true(scan.invoices.items[0].has_amount_due);
        assert_int_equal(scan.invoices.items[0].amount_due, 150000);
        invoice_scan_free(&scan);

        invoice_scan_init(&scan);
        invoice_scan_document("zf22_EN16931_Elektron.pdf", fx, fx_len, &limits, &scan);
        assert_int_equal(scan.invoices.count, 1);
        assert_string_equal(scan.invoices.items[0].number, "181301674");
        assert_int_equal(scan.invoices.items[0].source, INVOICE_SOURCE_FACTURX);
        invoice_scan_free(&scan);
    }
    free(fx);
    free(pdf);
}

/* ------------------------------------------------------------------ */
/* The parent's reading of records                                     */

static void record(struct strbuf *sb, char type, const void *payload, size_t len)
{
    unsigned char h[5] = {(unsigned char)type, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                          (unsigned char)(len >> 8), (unsigned char)len};

    strbuf_append(sb, h, sizeof h);
    strbuf_append(sb, payload, len);
}

static enum pdf_status decode(const struct strbuf *sb, const struct pdf_limits *limits)
{
    struct pdf_extract_result res;
    enum pdf_status status;

    pdf_extract_init(&res);
    status = pdf_frames_decode(sb->data, sb->len, limits, &res);
    if (status == PDF_UNREADABLE)
        assert_int_equal(res.file_count, 0); /* nothing of garbage is kept */
    pdf_extract_free(&res);
    return status;
}

static void test_frames_untrusted(void **state)
{
    struct pdf_limits limits;
    struct strbuf sb;
    char file[2 + 5 + 10] = {0, 5, 'a', '.', 'x', 'm', 'l', '<', '?', 'x', 'm', 'l', ' ', '?', '>', 0, 0};

    (void)state;
    worker_limits(&limits, 1000);
    limits.max_file_size = 8;
    strbuf_init(&sb);
    record(&sb, 'F', file, 2 + 5 + 8);
    record(&sb, 'T', "text", 4);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_READ);
    sb.len -= 1; /* a truncated end */
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);
    sb.len -= 4; /* no end at all */
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);

    strbuf_reset(&sb); /* a file over max_file_size */
    record(&sb, 'F', file, sizeof file);
    record(&sb, 'T', "text", 4);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);

    strbuf_reset(&sb); /* a length past the end */
    strbuf_append(&sb, "T\xff\xff\xff\xff", 5);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);

    strbuf_reset(&sb); /* a name longer than its record */
    record(&sb, 'F', "\x01\x00" "ab", 4);
    record(&sb, 'X', "none", 4);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);

    strbuf_reset(&sb); /* two texts, text over max_text */
    record(&sb, 'T', "a", 1);
    record(&sb, 'T', "b", 1);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);
    limits.max_text = 2;
    strbuf_reset(&sb);
    record(&sb, 'T', "abc", 3);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);

    strbuf_reset(&sb); /* a refusal, then something */
    record(&sb, 'R', "not a PDF", 9);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_REFUSED);
    record(&sb, 'T', "a", 1);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);

    strbuf_reset(&sb); /* more files than max_files */
    limits.max_files = 1;
    limits.max_file_size = 100;
    record(&sb, 'F', file, 2 + 5 + 8);
    record(&sb, 'F', file, 2 + 5 + 8);
    record(&sb, 'X', "none", 4);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);

    /* Text skipped: only when asked, after a file, instead of the text. */
    strbuf_reset(&sb);
    record(&sb, 'F', file, 2 + 5 + 8);
    record(&sb, 'S', "", 0);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);
    limits.reading = PDF_TEXT_UNLESS_XML;
    assert_int_equal(decode(&sb, &limits), PDF_READ);
    strbuf_reset(&sb); /* no file */
    record(&sb, 'S', "", 0);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);
    strbuf_reset(&sb); /* skipped, then text */
    record(&sb, 'F', file, 2 + 5 + 8);
    record(&sb, 'S', "", 0);
    record(&sb, 'T', "a", 1);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);
    strbuf_reset(&sb); /* the text alone asked: no file */
    limits.reading = PDF_TEXT_ONLY;
    record(&sb, 'F', file, 2 + 5 + 8);
    record(&sb, 'T', "a", 1);
    record(&sb, 'Z', "", 0);
    assert_int_equal(decode(&sb, &limits), PDF_UNREADABLE);
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_untrusted),
        cmocka_unit_test(test_foreign_worker),
        cmocka_unit_test(test_worker_matches_in_process),
        cmocka_unit_test(test_worker_cost),
        cmocka_unit_test(test_forms_bomb_stopped),
        cmocka_unit_test(test_forms_bomb_memory),
        cmocka_unit_test(test_files_bomb_bounded),
        cmocka_unit_test(test_files_bomb_undeclared),
        cmocka_unit_test(test_scan_tells_failures_apart),
        cmocka_unit_test(test_facturx_text_not_read),
        cmocka_unit_test(test_plain_pdf_text_read),
        cmocka_unit_test(test_xml_look),
        cmocka_unit_test(test_scan_text_behind_unusable_xml),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
