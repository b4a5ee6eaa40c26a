/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_invoice_facturx.c - PDFs with embedded invoice XML (pdf.c and
 * invoice_facturx.c) against the invoice corpus and against broken input.
 *
 * The corpus part reads $RELANCE_CORPUS/MANIFEST.tsv (default
 * tests/data/corpus) and checks every row under facturx/ field by field,
 * through pdf_extract_local and invoice_facturx_read, against the values the
 * manifest gives; expected values come from the manifest (and, for the
 * buyer's contact e-mail, from a table read by hand from the files), never
 * from the code under test. A missing corpus fails the test.
 *
 * The manifest reading and field checks are in support/corpus.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/invoice.h"
#include "core/money.h"
#include "lib/date.h"
#include "lib/pdf.h"
#include "lib/util.h"
#include "recognise/invoice_facturx.h"
#include "recognise/invoice_xml.h"


#include "corpus.h"


/* ------------------------------------------------------------------ */
/* Corpus rows                                                         */

/*
 * Rows judged impossible, with what is asserted instead:
 * - broken_corruptedV2PDF.pdf: its page tree is malformed and poppler
 *   finds no embedded file (the manifest's values were recovered by
 *   inflating raw streams, which relance must not do by hand). It must
 *   yield no invoice, without crashing.
 * - broken_waytoosmall.pdf: 15 bytes, only a header; pdf_open must refuse
 *   it.
 */
static const char *const unreadable_pdfs[] = {"facturx/broken_corruptedV2PDF.pdf"};
static const char *const refused_pdfs[] = {"facturx/broken_waytoosmall.pdf"};

static bool listed(const char *const *list, size_t count, const char *path)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(list[i], path) == 0)
            return true;
    return false;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

/* The PDF worker's default bounds, the worker's work done in process
 * (pdf_extract_local) so that the sanitizers see it. */
static void default_pdf_limits(struct pdf_limits *pl)
{
    struct scan_limits limits;

    scan_limits_default(&limits);
    pl->worker = NULL;
    pl->max_pages = limits.pdf_max_pages;
    pl->max_text = limits.pdf_max_text;
    pl->max_ms = limits.pdf_max_ms;
    pl->max_memory = limits.pdf_max_memory;
    pl->max_files = limits.pdf_max_files;
    pl->max_file_size = limits.max_part_size;
    pl->max_decoded = limits.pdf_max_decoded;
    pl->reading = PDF_FILES_AND_TEXT;
}

/* Reads one corpus PDF into scan; false when it was refused. */
static bool read_corpus_pdf(const char *path, struct invoice_scan *scan, int *found)
{
    struct pdf_limits limits;
    struct pdf_extract_result pdf;
    size_t len;
    char *data = corpus_read(path, &len);

    assert_non_null(data);
    default_pdf_limits(&limits);
    pdf_extract_init(&pdf);
    if (pdf_extract_local(data, len, &limits, &pdf) != PDF_READ) {
        strlist_addf(&scan->notes, "%s refused: %s", path, pdf.why);
        pdf_extract_free(&pdf);
        free(data);
        return false;
    }
    *found = invoice_facturx_read(&pdf, base_name(path), scan);
    pdf_extract_free(&pdf);
    free(data);
    return true;
}

static void check_pdf_row(const struct manifest *m, size_t row, struct score *s)
{
    const char *path = cell(m, row, "local_path");
    struct invoice_scan scan;
    int found = 0;
    bool opened;
    char count[16];

    invoice_scan_init(&scan);
    opened = read_corpus_pdf(path, &scan, &found);
    if (listed(refused_pdfs, ARRAY_LEN(refused_pdfs), path)) {
        check_field(s, path, "refused", "refused", opened ? "opened" : "refused");
    } else if (listed(unreadable_pdfs, ARRAY_LEN(unreadable_pdfs), path) ||
               row_is_not_invoice(m, row)) {
        snprintf(count, sizeof count, "%zu", scan.invoices.count);
        check_field(s, path, "records", "0", count);
    } else {
        snprintf(count, sizeof count, "%zu", scan.invoices.count);
        check_field(s, path, "records", "1", count);
        if (scan.invoices.count == 1) {
            const struct invoice *inv = &scan.invoices.items[0];

            check_invoice_fields(m, row, inv, s);
            assert_int_equal(inv->source, INVOICE_SOURCE_FACTURX);
            assert_true(str_istarts_with(inv->origin, base_name(path)));
            assert_true(found >= 1);
        }
    }
    invoice_scan_free(&scan);
}

static void test_corpus_facturx(void **state)
{
    struct manifest m;
    struct score s = {0, 0};
    int rows = 0;

    (void)state;
    if (!manifest_load(&m))
        fail_msg("corpus manifest missing under %s (set RELANCE_CORPUS)", corpus_dir());
    for (size_t row = 0; row < m.nrows; row++) {
        const char *path = cell(&m, row, "local_path");

        if (strncmp(path, "facturx/", 8) != 0)
            continue;
        rows++;
        check_pdf_row(&m, row, &s);
    }
    manifest_free(&m);
    print_message("corpus facturx: %d/%d fields right (%d files)\n", s.right, s.checked, rows);
    assert_true(rows > 0);
    assert_int_equal(s.right, s.checked);
}

/* ------------------------------------------------------------------ */
/* Notes, origins, duplicates                                          */

static bool notes_contain(const struct invoice_scan *scan, const char *text)
{
    for (size_t i = 0; i < scan->notes.count; i++)
        if (strstr(scan->notes.items[i], text) != NULL)
            return true;
    return false;
}

static void test_order_is_noted(void **state)
{
    struct invoice_scan scan;
    int found = -1;

    (void)state;
    invoice_scan_init(&scan);
    assert_true(read_corpus_pdf("facturx/notinvoice_ORDER-X_EX01_COMFORT.pdf", &scan, &found));
    assert_int_equal(found, 0);
    assert_int_equal(scan.invoices.count, 0);
    assert_true(notes_contain(&scan, "notinvoice_ORDER-X_EX01_COMFORT.pdf/order-x.xml: not an "
                                     "invoice: root SCRDMCCBDACIOMessageStructure"));
    invoice_scan_free(&scan);
}

static void test_two_xml_one_record(void **state)
{
    struct invoice_scan scan;
    int found = 0;

    (void)state;
    invoice_scan_init(&scan);
    assert_true(read_corpus_pdf("facturx/fail_zf1and2_Mustang_RE-20171118_506.pdf", &scan, &found));
    assert_int_equal(found, 2);
    assert_int_equal(scan.invoices.count, 1);
    invoice_scan_free(&scan);

    invoice_scan_init(&scan);
    assert_true(read_corpus_pdf("facturx/zf22_EN16931_Elektron.pdf", &scan, &found));
    assert_int_equal(found, 1);
    assert_string_equal(scan.invoices.items[0].origin, "zf22_EN16931_Elektron.pdf/factur-x.xml");
    invoice_scan_free(&scan);
}

/* ------------------------------------------------------------------ */
/* pdf.c                                                               */

struct visit_log {
    int calls;
    int stop_after;
    size_t largest;
};

static bool log_visit(const char *name, const char *data, size_t len, void *ctx)
{
    struct visit_log *log = ctx;

    assert_non_null(name);
    assert_non_null(data);
    log->calls++;
    if (len > log->largest)
        log->largest = len;
    return log->stop_after == 0 || log->calls < log->stop_after;
}

static void test_embedded_files_bounded(void **state)
{
    size_t len;
    char *data = corpus_read("facturx/zf22_EN16931_Elektron.pdf", &len);
    char why[256];
    struct pdf_doc *pdf;
    struct visit_log log = {0, 0, 0};

    (void)state;
    assert_non_null(data);
    pdf = pdf_open(data, len, why, sizeof why);
    assert_non_null(pdf);
    /* Three files: a PNG, a PDF and factur-x.xml. */
    assert_int_equal(pdf_each_embedded_file(pdf, 16u << 20, log_visit, &log), 3);
    assert_int_equal(log.calls, 3);
    /* Stopping early. */
    log = (struct visit_log){0, 1, 0};
    assert_int_equal(pdf_each_embedded_file(pdf, 16u << 20, log_visit, &log), 1);
    /* Files above the bound are skipped. */
    log = (struct visit_log){0, 0, 0};
    pdf_each_embedded_file(pdf, 4096, log_visit, &log);
    assert_true(log.largest <= 4096);
    assert_true(log.calls < 3);
    pdf_close(pdf);
    free(data);
}

static void test_read_text(void **state)
{
    size_t len;
    char *data = corpus_read("facturx/zf1_BASIC_Einfach.pdf", &len);
    char why[256];
    struct pdf_doc *pdf;
    struct strbuf text;

    (void)state;
    assert_non_null(data);
    pdf = pdf_open(data, len, why, sizeof why);
    assert_non_null(pdf);
    strbuf_init(&text);
    assert_true(pdf_read_text(pdf, 20, 512 * 1024, 5000, &text, why, sizeof why));
    assert_non_null(strstr(text.data, "471102"));
    strbuf_reset(&text);
    assert_true(pdf_read_text(pdf, 1, 10, 5000, &text, why, sizeof why));
    assert_true(text.len > 0 && text.len <= 10);
    strbuf_free(&text);
    pdf_close(pdf);
    free(data);
}

/* A minimal PDF with the given page objects (kids "3 0 R" or empty) and
 * optionally a standard-security /Encrypt dictionary whose user password
 * is not empty, so that no reader can open it without a password. */
static char *build_pdf(bool with_page, bool encrypted, size_t *len)
{
    struct strbuf sb;
    size_t offsets[5];
    size_t xref;
    int objects = encrypted ? 5 : 4;

    strbuf_init(&sb);
    strbuf_puts(&sb, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    offsets[1] = sb.len;
    strbuf_puts(&sb, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    offsets[2] = sb.len;
    strbuf_printf(&sb, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n",
                  with_page ? "3 0 R" : "", with_page ? 1 : 0);
    offsets[3] = sb.len;
    strbuf_puts(&sb, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\n"
                     "endobj\n");
    offsets[4] = sb.len;
    if (encrypted)
        strbuf_puts(&sb, "4 0 obj\n<< /Filter /Standard /V 1 /R 2 /P -44"
                         " /O <00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF>"
                         " /U <FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100>"
                         " >>\nendobj\n");
    xref = sb.len;
    strbuf_printf(&sb, "xref\n0 %d\n0000000000 65535 f \n", objects);
    for (int i = 1; i < objects; i++)
        strbuf_printf(&sb, "%010zu 00000 n \n", offsets[i]);
    strbuf_printf(&sb,
                  "trailer\n<< /Size %d /Root 1 0 R %s/ID [<0123456789ABCDEF0123456789ABCDEF>"
                  " <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n%zu\n%%%%EOF\n",
                  objects, encrypted ? "/Encrypt 4 0 R " : "", xref);
    *len = sb.len;
    return strbuf_detach(&sb);
}

static void test_encrypted_refused(void **state)
{
    size_t len;
    char *data = build_pdf(true, true, &len);
    char why[256];

    (void)state;
    assert_null(pdf_open(data, len, why, sizeof why));
    assert_string_equal(why, "encrypted PDF");
    free(data);
}

static void test_no_page_no_text(void **state)
{
    size_t len;
    char *empty = build_pdf(false, false, &len);
    char *blank;
    char why[256];
    struct pdf_doc *pdf;
    struct strbuf text;

    (void)state;
    strbuf_init(&text);
    pdf = pdf_open(empty, len, why, sizeof why);
    if (pdf != NULL) { /* poppler may refuse a document without pages */
        assert_false(pdf_read_text(pdf, 20, 4096, 1000, &text, why, sizeof why));
        assert_true(why[0] != '\0');
        assert_int_equal(pdf_each_embedded_file(pdf, 4096, log_visit, &(struct visit_log){0}), 0);
        pdf_close(pdf);
    }
    blank = build_pdf(true, false, &len);
    pdf = pdf_open(blank, len, why, sizeof why);
    assert_non_null(pdf);
    assert_false(pdf_read_text(pdf, 20, 4096, 1000, &text, why, sizeof why));
    assert_string_equal(why, "PDF has no text");
    pdf_close(pdf);
    strbuf_free(&text);
    free(empty);
    free(blank);
}

static void test_not_pdf_refused(void **state)
{
    char why[256];
    char junk[2048];
    size_t len;
    char *xml = corpus_read("cii/ce_CII_example1.xml", &len);

    (void)state;
    assert_null(pdf_open("%PDF-1.4\n", 9, why, sizeof why));
    assert_string_equal(why, "not a PDF");
    assert_non_null(xml);
    assert_null(pdf_open(xml, len, why, sizeof why));
    free(xml);
    memset(junk, 'x', sizeof junk);
    assert_null(pdf_open(junk, sizeof junk, why, sizeof why));
    memcpy(junk + 100, "%PDF-1.7\n", 9);
    assert_null(pdf_open(junk, sizeof junk, why, sizeof why));
    assert_true(str_istarts_with(why, "unreadable PDF: "));
}

/* The first half (and other prefixes) of real PDFs: refused or read
 * partially, never a crash. */
static void test_truncated_pdfs(void **state)
{
    static const char *const files[] = {"facturx/zf1_BASIC_Einfach.pdf",
                                        "facturx/zf22_EN16931_Elektron.pdf",
                                        "facturx/fx_Mustang_EXTENDED_Fremdwaehrung_pdfa4.pdf"};
    struct pdf_limits limits;

    (void)state;
    default_pdf_limits(&limits);
    for (size_t f = 0; f < ARRAY_LEN(files); f++) {
        size_t len;
        char *data = corpus_read(files[f], &len);

        assert_non_null(data);
        for (int part = 1; part < 4; part++) {
            size_t cut = len * (size_t)part / 4;
            char *copy = xmalloc(cut); /* exact size, so that ASan sees overreads */
            struct pdf_extract_result pdf;

            memcpy(copy, data, cut);
            pdf_extract_init(&pdf);
            if (pdf_extract_local(copy, cut, &limits, &pdf) == PDF_READ) {
                struct invoice_scan scan;

                invoice_scan_init(&scan);
                invoice_facturx_read(&pdf, "cut.pdf", &scan);
                assert_true(pdf.text.len <= limits.max_text);
                invoice_scan_free(&scan);
            }
            pdf_extract_free(&pdf);
            free(copy);
        }
        free(data);
    }
}

static int setup(void **state)
{
    (void)state;
    invoice_xml_init();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_facturx),
        cmocka_unit_test(test_order_is_noted),
        cmocka_unit_test(test_two_xml_one_record),
        cmocka_unit_test(test_embedded_files_bounded),
        cmocka_unit_test(test_read_text),
        cmocka_unit_test(test_encrypted_refused),
        cmocka_unit_test(test_no_page_no_text),
        cmocka_unit_test(test_not_pdf_refused),
        cmocka_unit_test(test_truncated_pdfs),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
