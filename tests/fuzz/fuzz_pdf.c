/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_pdf.c - libFuzzer entry point for the PDF path: pdf_open, every
 * embedded file through the XML reader, then pdf_read_text and
 * pdf_read_layout_text.
 *
 * Bounds are small so that one input stays fast; only "no crash, no
 * sanitizer report, bounds respected" is checked. Seed it with the
 * corpus's facturx/ and pdf-plain/ files.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/pdf.h"
#include "lib/util.h"
#include "recognise/invoice_xml.h"

#define FUZZ_MAX_FILE (1u << 20)
#define FUZZ_MAX_TEXT (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool read_embedded(const char *name, const char *bytes, size_t len, void *ctx)
{
    struct invoice inv;
    char why[256];

    (void)name;
    (void)ctx;
    if (len > FUZZ_MAX_FILE)
        abort();
    if (invoice_xml_looks_like_xml(bytes, len))
        (void)invoice_xml_read(bytes, len, &inv, why, sizeof why);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    struct pdf_doc *pdf;
    struct strbuf text;
    char why[256];

    if (!initialised) {
        invoice_xml_init();
        initialised = true;
    }
    pdf = pdf_open((const char *)data, size, why, sizeof why);
    if (pdf == NULL)
        return 0;
    pdf_each_embedded_file(pdf, FUZZ_MAX_FILE, read_embedded, NULL);
    strbuf_init(&text);
    pdf_read_text(pdf, 3, FUZZ_MAX_TEXT, 1000, &text, why, sizeof why);
    if (text.len > FUZZ_MAX_TEXT)
        abort();
    strbuf_reset(&text);
    pdf_read_layout_text(pdf, 3, FUZZ_MAX_TEXT, 1000, &text, why, sizeof why);
    if (text.len > FUZZ_MAX_TEXT)
        abort();
    strbuf_free(&text);
    pdf_close(pdf);
    return 0;
}
