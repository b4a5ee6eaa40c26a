/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_pdf_worker.c - PDFs read by relance-pdf (lib/pdf_extract.h): the
 * worker gives what poppler in process gives; PDF bombs made at test time
 * (nested form XObjects, many embedded files naming one huge stream) end
 * within PdfMaxTime and under PdfMaxMemory; the parent trusts no record it
 * reads back; a worker that cannot run is told apart from a PDF that
 * killed it.
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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
