/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_invoice_text.c - libFuzzer entry point for the text readers: HTML
 * to text, then the invoice text reader and the scan's last step, as for
 * a body; the same bytes again as a PDF's text. Checks that no crash or
 * sanitizer report happens and that the readers' bounds hold: the HTML
 * text stays within its bound, one text gives at most 16 records, each
 * with a number and a confidence of 0..100.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/invoice.h"
#include "recognise/invoice_text.h"
#include "text/html_text.h"

#define FUZZ_TEXT_MAX (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_scan(const struct invoice_scan *scan)
{
    if (scan->invoices.count > 16)
        abort();
    for (size_t i = 0; i < scan->invoices.count; i++) {
        const struct invoice *inv = &scan->invoices.items[i];

        if (inv->number[0] == '\0' || inv->confidence < 0 || inv->confidence > 100)
            abort();
    }
}

static void read_as(const char *text, size_t len, enum invoice_source source, const char *subject)
{
    struct text_origin origin = {source, "fuzz", subject, {2026, 12, 1}};
    struct scan_limits limits;
    struct invoice_scan scan;

    scan_limits_default(&limits);
    limits.pdf_max_text = FUZZ_TEXT_MAX;
    invoice_scan_init(&scan);
    invoice_text_read(text, len, &origin, &limits, &scan);
    invoice_scan_finish(&scan, &limits);
    check_scan(&scan);
    invoice_scan_free(&scan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = html_to_text((const char *)data, size, FUZZ_TEXT_MAX);

    if (strlen(text) > FUZZ_TEXT_MAX)
        abort();
    read_as(text, strlen(text), INVOICE_SOURCE_BODY, "Facture");
    free(text);
    /* Raw bytes may hold NULs and invalid UTF-8: the reader folds them. */
    text = malloc(size + 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    read_as(text, strlen(text), INVOICE_SOURCE_PDF_TEXT, NULL);
    free(text);
    return 0;
}
