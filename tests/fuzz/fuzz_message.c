/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_message.c - libFuzzer entry point for the whole scan of a message:
 * GMime parsing, the bounded part walk, and every invoice reader behind it
 * (PDF, XML, text). Checks that no crash or sanitizer report happens and
 * that the scan's own bounds hold.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/invoice.h"
#include "lib/message.h"
#include "recognise/invoice_scan.h"
#include "recognise/invoice_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    struct scan_limits limits;
    struct invoice_scan scan;

    if (!initialised) {
        message_library_init();
        invoice_xml_init();
        initialised = true;
    }
    scan_limits_default(&limits);
    limits.max_parts = 50;
    limits.pdf_max_pages = 3;
    limits.pdf_max_ms = 1000;
    invoice_scan_init(&scan);
    invoice_scan_message((const char *)data, size, &limits, &scan);
    /* One record per invoice, each a number at most. */
    if (scan.invoices.count > (size_t)limits.max_parts * 8)
        abort();
    for (size_t i = 0; i < scan.invoices.count; i++)
        if (scan.invoices.items[i].number[0] == '\0')
            abort();
    invoice_scan_free(&scan);
    return 0;
}
