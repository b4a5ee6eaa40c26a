/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_invoice_xml.c - libFuzzer entry point for the CII/UBL reader.
 *
 * Feeds arbitrary bytes to invoice_xml_read and invoice_xml_looks_like_xml.
 * It checks only what must hold for any input: no crash, no sanitizer
 * report, and a result that is one of the three values with a reason when
 * nothing was read. Seed it with the corpus's cii/, ubl/ and
 * facturx/embedded/ files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "recognise/invoice_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    struct invoice inv;
    char why[256];
    enum invoice_xml_result res;

    if (!initialised) {
        invoice_xml_init();
        initialised = true;
    }
    (void)invoice_xml_looks_like_xml((const char *)data, size);
    res = invoice_xml_read((const char *)data, size, &inv, why, sizeof why);
    if (res != INVOICE_XML_INVOICE && res != INVOICE_XML_NOT_INVOICE && res != INVOICE_XML_ERROR)
        abort();
    if (res != INVOICE_XML_INVOICE && why[0] == '\0')
        abort();
    if (res == INVOICE_XML_INVOICE && memchr(inv.number, '\0', sizeof inv.number) == NULL)
        abort();
    return 0;
}
