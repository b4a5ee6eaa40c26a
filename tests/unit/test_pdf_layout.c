/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_pdf_layout.c - a PDF's text by physical lines (pdf_read_layout_text
 * in pdf.c), on PDFs made by support/textpdf.c: a label and its value in
 * two columns come out on one line, columns two spaces apart, words one;
 * pages, text size and time stay bounded; a page without text is none.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/pdf.h"
#include "lib/util.h"
#include "textpdf.h"

static char *layout_text(const char *layout, int max_pages, size_t max_text, bool *ok)
{
    size_t len;
    char *pdf = textpdf_render(layout, strlen(layout), &len);
    char why[256];
    struct pdf_doc *doc = pdf_open(pdf, len, why, sizeof why);
    struct strbuf text;

    assert_non_null(doc);
    strbuf_init(&text);
    *ok = pdf_read_layout_text(doc, max_pages, max_text, 5000, &text, why, sizeof why);
    pdf_close(doc);
    free(pdf);
    return strbuf_detach(&text);
}

static void test_columns_on_one_line(void **state)
{
    bool ok;
    char *text;

    (void)state;
    text = layout_text("{H}FACTURE\n"
                       "ACME SARL{@350}Client : Dupont\n"
                       "N° F2026-0042{@350}Date : 01/12/2026\n"
                       "{@360}Total HT{@450}540,00 €\n"
                       "{@360}{B}Net à payer{@450}648,00 €\n",
                       20, 65536, &ok);
    assert_true(ok);
    assert_non_null(strstr(text, "FACTURE\n"));
    assert_non_null(strstr(text, "ACME SARL  Client : Dupont\n"));
    assert_non_null(strstr(text, "N\xc2\xb0 F2026-0042  Date : 01/12/2026\n"));
    assert_non_null(strstr(text, "Total HT  540,00 \xe2\x82\xac\n"));
    assert_non_null(strstr(text, "Net \xc3\xa0 payer  648,00 \xe2\x82\xac\n"));
    /* Lines come top to bottom. */
    assert_true(strstr(text, "FACTURE") < strstr(text, "Net \xc3\xa0 payer"));
    free(text);
}

static void test_bounds(void **state)
{
    bool ok;
    char *text;

    (void)state;
    text = layout_text("page one\n{PAGE}\npage two\n", 1, 65536, &ok);
    assert_true(ok);
    assert_non_null(strstr(text, "page one"));
    assert_null(strstr(text, "page two"));
    free(text);
    text = layout_text("page one\n{PAGE}\npage two\n", 5, 65536, &ok);
    assert_non_null(strstr(text, "page two"));
    free(text);
    text = layout_text("0123456789 0123456789 0123456789\n", 5, 10, &ok);
    assert_true(ok);
    assert_true(strlen(text) <= 10);
    free(text);
    text = layout_text("", 5, 65536, &ok);
    assert_false(ok);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_on_one_line),
        cmocka_unit_test(test_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
