/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_accuracy.c - recognition accuracy, as `make check` enforces it:
 * the whole scan (invoice_scan_message / invoice_scan_document) over
 *   - every structured invoice of the invoice corpus (facturx/, cii/,
 *     ubl/, all of them): every field right, checked as test_invoice_xml.c does;
 *   - the corpus's text-only PDFs (pdf-plain/) and the labelled set
 *     tests/data/text-invoices/ (.eml files; PDF attachments written as layouts,
 *     rendered by support/textpdf.c): at least 95 % of fields right;
 *   - every non-invoice: tests/data/non-invoices/ (every .eml), the corpus's
 *     mime/ messages, its non-invoice and unreadable files: no case at all.
 * `make accuracy` prints the same figures per source and field through
 * relancectl (tests/accuracy.sh).
 *
 * Expected values come from the corpus manifest, from EXPECTED.tsv (read
 * by hand from each document), and, for the due dates relance computes
 * when a structured document gives none, from the table below (counted by
 * hand on the calendar); never from the code under test. The test data
 * directory is $RELANCE_TESTDATA, else tests/data (make runs from the top
 * of the tree).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/invoice.h"
#include "core/money.h"
#include "corpus.h"
#include "lib/date.h"
#include "lib/message.h"
#include "lib/util.h"
#include "recognise/invoice_scan.h"
#include "recognise/invoice_xml.h"
#include "textpdf.h"

#define TEXT_FIELDS_MIN_PERCENT 95
#define TSV_MAX_COLS 16
#define EML_MAX (8u * 1024 * 1024)

/* Due dates computed for structured invoices that give none, with
 * DefaultPaymentTerms 30: issue date + 30 days, or what their terms say
 * (read by hand from the manifest's payment_terms column). */
static const struct {
    const char *path;
    const char *due;
    enum due_basis basis;
} computed_due[] = {
    {"facturx/zf1_BASIC_Einfach.pdf", "2013-04-04", DUE_BASIS_DEFAULT},
    {"facturx/zf1_COMFORT_Rechnungskorrektur.pdf", "2013-10-16", DUE_BASIS_DEFAULT},
    /* "Bei Zahlung innerhalb 14 Tagen ... Skonto": a discount, not terms. */
    {"facturx/zf1_EXTENDED_Warenrechnung.pdf", "2013-09-05", DUE_BASIS_DEFAULT},
    {"facturx/zf1_konik_acme_invoice-42.pdf", "2014-12-08", DUE_BASIS_DEFAULT},
    {"facturx/zf1_4s4u_additional-data-sample-1.pdf", "2013-09-05", DUE_BASIS_DEFAULT},
    /* "Zahlbar innerhalb 30 Tagen netto bis 04.04.2018, 3% Skonto ...". */
    {"facturx/zf20_EN16931_Gutschrift.pdf", "2018-04-04", DUE_BASIS_TERMS},
    {"facturx/zf22_EN16931_Einfach_negativePaymentDue.pdf", "2018-04-04", DUE_BASIS_DEFAULT},
    /* "Zahlbar sofort rein netto": on receipt. */
    {"facturx/zf22_EN16931_Elektron.pdf", "2018-04-25", DUE_BASIS_TERMS},
    {"facturx/zf22_EN16931_Rechnungskorrektur.pdf", "2018-10-16", DUE_BASIS_DEFAULT},
    {"facturx/fx_FNFE_Facture_FR_MINIMUM.pdf", "2017-12-13", DUE_BASIS_DEFAULT},
    {"facturx/fail_FNFE_Avoir_FR_type380_MINIMUM.pdf", "2017-12-16", DUE_BASIS_DEFAULT},
    {"cii/ce_CII_example7.xml", "2013-06-12", DUE_BASIS_TERMS},
    {"cii/zc_EN16931_Gutschrift.cii.xml", "2018-04-04", DUE_BASIS_DEFAULT},
    {"cii/zc_EN16931_Rechnungskorrektur.cii.xml", "2018-10-16", DUE_BASIS_DEFAULT},
    {"cii/zc_XRECHNUNG_Einfach.cii.xml", "2024-12-15", DUE_BASIS_TERMS},
    {"cii/zc_XRECHNUNG_Elektron.cii.xml", "2024-11-15", DUE_BASIS_TERMS},
    {"ubl/pp_vat-category-E.xml", "2018-09-29", DUE_BASIS_TERMS},
    /* 2020 is a leap year: 2020-02-13 + 30 days = 2020-03-14. */
    {"ubl/ce_FT_G2G_TD01_con_Allegato_Bonifico_e_Split_Payment.xml", "2020-03-14", DUE_BASIS_DEFAULT},
    {"ubl/zc_XRECHNUNG_Einfach.ubl.xml", "2024-12-15", DUE_BASIS_TERMS},
    {"ubl/zc_EN16931_Gutschrift.ubl.xml", "2018-04-04", DUE_BASIS_DEFAULT},
};

/* The PDFs test_invoice_facturx.c shows poppler cannot read or refuses. */
static const char *const unreadable[] = {"facturx/broken_corruptedV2PDF.pdf",
                                         "facturx/broken_waytoosmall.pdf"};

struct tally {
    struct score structured;
    struct score text;
    int false_cases;
    int non_invoices;
};

static struct tally tally;

static const char *test_data_dir(void)
{
    const char *dir = getenv("RELANCE_TESTDATA");

    return dir != NULL && dir[0] != '\0' ? dir : "tests/data";
}

static void limits_for_tests(struct scan_limits *limits)
{
    scan_limits_default(limits);
    limits->default_terms_days = 30;
    limits->min_text_confidence = 60;
}

static const char *iso(struct date d)
{
    static char out[DATE_STR_MAX];

    date_format(d, out);
    return out;
}

static void cents_text(const struct invoice *inv, char out[MONEY_STR_MAX])
{
    if (inv->has_amount_due)
        money_format_decimal(inv->amount_due, out);
    else
        out[0] = '\0';
}

static void scan_corpus_file(const char *path, struct invoice_scan *scan)
{
    struct scan_limits limits;
    size_t len;
    char *data = corpus_read(path, &len);

    assert_non_null(data);
    limits_for_tests(&limits);
    invoice_scan_init(scan);
    invoice_scan_document(strrchr(path, '/') + 1, data, len, &limits, scan);
    free(data);
}

static void count_false_cases(const char *what, const struct invoice_scan *scan)
{
    tally.non_invoices++;
    if (scan->invoices.count == 0)
        return;
    tally.false_cases += (int)scan->invoices.count;
    print_message("  FALSE CASE %s: %s %s\n", what, invoice_type_name(scan->invoices.items[0].type),
                  scan->invoices.items[0].number);
}

/* ------------------------------------------------------------------ */
/* Structured corpus                                                   */

/* A due date relance computed where the document gives none: checked
 * against the table, then cleared so that the manifest's "none" holds. */
static void check_computed_due(const char *path, struct invoice *inv, struct score *s)
{
    const char *want = "";

    for (size_t i = 0; i < ARRAY_LEN(computed_due); i++)
        if (strcmp(computed_due[i].path, path) == 0)
            want = computed_due[i].due;
    check_field(s, path, "computed due_date", want,
                inv->due_basis == DUE_BASIS_DOCUMENT ? "(from the document)" : iso(inv->due_date));
    for (size_t i = 0; i < ARRAY_LEN(computed_due); i++)
        if (strcmp(computed_due[i].path, path) == 0 && inv->due_basis != computed_due[i].basis)
            check_field(s, path, "due_basis", "as the table says", "other");
    memset(&inv->due_date, 0, sizeof inv->due_date);
    inv->due_basis = DUE_BASIS_NONE;
}

static enum invoice_source expected_source(const char *path)
{
    if (strncmp(path, "cii/", 4) == 0)
        return INVOICE_SOURCE_CII;
    return strncmp(path, "ubl/", 4) == 0 ? INVOICE_SOURCE_UBL : INVOICE_SOURCE_FACTURX;
}

static void check_structured_row(const struct manifest *m, size_t row)
{
    const char *path = cell(m, row, "local_path");
    struct invoice_scan scan;
    char count[16];

    scan_corpus_file(path, &scan);
    if (row_is_not_invoice(m, row) || strcmp(path, unreadable[0]) == 0 || strcmp(path, unreadable[1]) == 0) {
        count_false_cases(path, &scan);
    } else {
        snprintf(count, sizeof count, "%zu", scan.invoices.count);
        check_field(&tally.structured, path, "records", "1", count);
        if (scan.invoices.count == 1) {
            struct invoice *inv = &scan.invoices.items[0];

            check_field(&tally.structured, path, "source", invoice_source_name(expected_source(path)),
                        invoice_source_name(inv->source));
            if (cell(m, row, "due_date")[0] == '\0')
                check_computed_due(path, inv, &tally.structured);
            check_invoice_fields(m, row, inv, &tally.structured);
        }
    }
    invoice_scan_free(&scan);
}

/* ------------------------------------------------------------------ */
/* Text: corpus pdf-plain and the labelled set                         */

struct expected_row {
    const char *number, *type, *issue, *due, *amount, *currency, *source, *referenced;
};

/* Checks one expected invoice against the scan: the record with its
 * number, else the only record. Returns the record used (or NULL). */
static const struct invoice *check_labelled_record(const char *file, const struct expected_row *e,
                                                   const struct invoice_scan *scan, struct score *s)
{
    const struct invoice *inv = NULL;
    char amount[MONEY_STR_MAX];

    for (size_t i = 0; i < scan->invoices.count && inv == NULL; i++)
        if (strcmp(scan->invoices.items[i].number, e->number) == 0)
            inv = &scan->invoices.items[i];
    if (inv == NULL && scan->invoices.count == 1)
        inv = &scan->invoices.items[0];
    if (inv == NULL) {
        s->checked += 7;
        print_message("  WRONG %s: no record for %s\n", file, e->number);
        return NULL;
    }
    cents_text(inv, amount);
    check_field(s, file, "number", e->number, inv->number);
    check_field(s, file, "type", e->type, invoice_type_name(inv->type));
    check_field(s, file, "issue_date", e->issue, iso(inv->issue_date));
    check_field(s, file, "due_date", e->due, iso(inv->due_date));
    check_field(s, file, "amount_due", e->amount, amount);
    check_field(s, file, "currency", e->currency, inv->currency);
    check_field(s, file, "source", e->source, invoice_source_name(inv->source));
    if (e->referenced[0] != '\0')
        check_field(s, file, "referenced_number", e->referenced, inv->referenced_number);
    return inv;
}

static void check_plain_pdf_row(const struct manifest *m, size_t row)
{
    const char *path = cell(m, row, "local_path");
    char issue[16], due[16], amount[MONEY_STR_MAX];
    struct expected_row e;
    struct invoice_scan scan;
    int64_t cents;

    /* The manifest writes the due date, then how it was read. */
    str_copyn(due, sizeof due, cell(m, row, "due_date"), 10);
    str_copy(issue, sizeof issue, cell(m, row, "issue_date"));
    assert_true(money_parse_decimal(cell(m, row, "amount_due"), &cents));
    money_format_decimal(cents, amount);
    e = (struct expected_row){cell(m, row, "invoice_number"), "invoice",  issue, due, amount,
                              cell(m, row, "currency"),       "pdf-text", ""};
    scan_corpus_file(path, &scan);
    check_labelled_record(path, &e, &scan, &tally.text);
    invoice_scan_free(&scan);
}

static void test_corpus(void **state)
{
    struct manifest m;
    int structured = 0, plain = 0;

    (void)state;
    if (!manifest_load(&m))
        fail_msg("corpus manifest missing under %s (set RELANCE_CORPUS)", corpus_dir());
    for (size_t row = 0; row < m.nrows; row++) {
        const char *path = cell(&m, row, "local_path");

        if (strncmp(path, "facturx/", 8) == 0 || strncmp(path, "cii/", 4) == 0 ||
            strncmp(path, "ubl/", 4) == 0) {
            check_structured_row(&m, row);
            structured++;
        } else if (strncmp(path, "pdf-plain/", 10) == 0) {
            check_plain_pdf_row(&m, row);
            plain++;
        }
    }
    manifest_free(&m);
    print_message("corpus: %d structured files, %d text-only PDFs\n", structured, plain);
    assert_true(structured > 0 && plain > 0);
}

/* Splits a TSV line in place, keeping empty cells; returns the count. */
static size_t split_tsv(char *line, char **cells, size_t max)
{
    size_t n = 0;

    cells[n++] = line;
    for (char *p = line; *p != '\0' && n < max; p++) {
        if (*p == '\t') {
            *p = '\0';
            cells[n++] = p + 1;
        }
    }
    return n;
}

/* An .eml of the labelled set, its PDF layouts rendered. */
static char *load_eml(const char *path, size_t *len)
{
    size_t raw_len;
    char *raw = file_read_all(path, EML_MAX, &raw_len), *eml;

    if (raw == NULL)
        fail_msg("cannot read %s", path);
    eml = textpdf_expand_eml(raw, raw_len, len);
    free(raw);
    if (eml == NULL)
        fail_msg("%s: unclosed PDF layout", path);
    return eml;
}

static void scan_eml(const char *path, struct invoice_scan *scan)
{
    struct scan_limits limits;
    size_t len;
    char *eml = load_eml(path, &len);

    limits_for_tests(&limits);
    invoice_scan_init(scan);
    invoice_scan_message(eml, len, &limits, scan);
    free(eml);
}

/* Scans one labelled file and checks each of its expected rows. */
static void check_labelled_file(const char *file, char *(*rows)[TSV_MAX_COLS], size_t nrows, int *extra)
{
    char *path = xasprintf("%s/text-invoices/%s", test_data_dir(), file);
    struct invoice_scan scan;
    size_t expected = 0;

    scan_eml(path, &scan);
    for (size_t r = 0; r < nrows; r++) {
        struct expected_row e;
        bool structured;

        if (strcmp(rows[r][0], file) != 0)
            continue;
        e = (struct expected_row){rows[r][1], rows[r][2], rows[r][3], rows[r][4],
                                  rows[r][5], rows[r][6], rows[r][7], rows[r][8]};
        structured = strcmp(e.source, "body") != 0 && strcmp(e.source, "pdf-text") != 0;
        check_labelled_record(file, &e, &scan, structured ? &tally.structured : &tally.text);
        expected++;
    }
    if (scan.invoices.count > expected) {
        *extra += (int)(scan.invoices.count - expected);
        print_message("  EXTRA %s: %zu records, %zu expected\n", file, scan.invoices.count, expected);
    }
    invoice_scan_free(&scan);
    free(path);
}

/* A labelled file missing from EXPECTED.tsv would be skipped unseen. */
static void assert_every_file_expected(char *(*rows)[TSV_MAX_COLS], size_t nrows)
{
    char *dir = xasprintf("%s/text-invoices", test_data_dir());
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        bool listed = false;

        if (!str_iends_with(e->d_name, ".eml"))
            continue;
        for (size_t r = 0; r < nrows && !listed; r++)
            listed = strcmp(rows[r][0], e->d_name) == 0;
        if (!listed)
            fail_msg("%s/%s has no row in EXPECTED.tsv", dir, e->d_name);
    }
    closedir(d);
    free(dir);
}

static void test_labelled_invoices(void **state)
{
    char *path = xasprintf("%s/text-invoices/EXPECTED.tsv", test_data_dir());
    size_t len, nrows = 0, files = 0;
    char *text = file_read_all(path, EML_MAX, &len), *line, *next;
    char *(*rows)[TSV_MAX_COLS] = NULL;
    int extra = 0;

    (void)state;
    if (text == NULL)
        fail_msg("cannot read %s (run from the top of the tree or set RELANCE_TESTDATA)", path);
    for (line = strchr(text, '\n') + 1; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
        memset(rows[nrows], 0, sizeof rows[nrows]);
        assert_int_equal(split_tsv(line, rows[nrows], TSV_MAX_COLS), 9);
        nrows++;
    }
    for (size_t r = 0; r < nrows; r++) {
        if (r > 0 && strcmp(rows[r][0], rows[r - 1][0]) == 0)
            continue; /* several invoices in one file: scanned once */
        check_labelled_file(rows[r][0], rows, nrows, &extra);
        files++;
    }
    assert_every_file_expected(rows, nrows);
    print_message("labelled set: %zu files, %zu invoices\n", files, nrows);
    assert_true(files >= 25 && nrows >= 30);
    assert_int_equal(extra, 0);
    free(rows);
    free(text);
    free(path);
}

/* ------------------------------------------------------------------ */
/* Non-invoices                                                        */

static void scan_dir_of_emls(const char *dir, bool layouts)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        fail_msg("cannot open %s", dir);
    while ((e = readdir(d)) != NULL) {
        char *path;
        struct invoice_scan scan;

        if (!str_iends_with(e->d_name, ".eml"))
            continue;
        path = xasprintf("%s/%s", dir, e->d_name);
        if (layouts) {
            scan_eml(path, &scan);
        } else {
            struct scan_limits limits;
            size_t len;
            char *data = file_read_all(path, EML_MAX, &len);

            assert_non_null(data);
            limits_for_tests(&limits);
            invoice_scan_init(&scan);
            invoice_scan_message(data, len, &limits, &scan);
            free(data);
        }
        count_false_cases(path, &scan);
        invoice_scan_free(&scan);
        free(path);
    }
    closedir(d);
}

static void test_non_invoices(void **state)
{
    char *labelled = xasprintf("%s/non-invoices", test_data_dir());
    char *mime = xasprintf("%s/mime", corpus_dir());
    int before = tally.non_invoices;

    (void)state;
    scan_dir_of_emls(labelled, true);
    assert_true(tally.non_invoices - before >= 15);
    scan_dir_of_emls(mime, false);
    free(labelled);
    free(mime);
}

/* ------------------------------------------------------------------ */
/* Thresholds                                                          */

static void test_thresholds(void **state)
{
    (void)state;
    print_message("accuracy: structured %d/%d fields right; text %d/%d (%.1f %%); %d false cases in %d "
                  "non-invoices\n",
                  tally.structured.right, tally.structured.checked, tally.text.right, tally.text.checked,
                  tally.text.checked ? 100.0 * tally.text.right / tally.text.checked : 0.0, tally.false_cases,
                  tally.non_invoices);
    assert_true(tally.structured.checked > 400);
    assert_int_equal(tally.structured.right, tally.structured.checked);
    assert_true(tally.text.checked > 200);
    assert_true(tally.text.right * 100 >= tally.text.checked * TEXT_FIELDS_MIN_PERCENT);
    assert_true(tally.non_invoices > 60);
    assert_int_equal(tally.false_cases, 0);
}

static int setup(void **state)
{
    (void)state;
    message_library_init();
    invoice_xml_init();
    return 0;
}

int main(void)
{
    /* The threshold test reads what the others counted: run in order. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_labelled_invoices),
        cmocka_unit_test(test_non_invoices),
        cmocka_unit_test(test_thresholds),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
