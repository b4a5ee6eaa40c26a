/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_pdf.c - libFuzzer entry point for the PDF path: the input read as
 * a PDF by pdf_extract (embedded files, through the XML reader, and the
 * text by lines, in one of the three readings of enum pdf_reading), then
 * read as a worker's records by the parent's decoder, which must take any
 * bytes.
 *
 * With RELANCE_PDF_WORKER set (tests/fuzz/run-replay.sh sets the
 * sanitized build/asan/relance-pdf), the PDF is read by that worker under
 * the same bounds as in relanced, so that a PDF bomb among the seeds ends
 * at the deadline; a sanitizer report in the worker (exit status 86, see
 * run-replay.sh) aborts. Without it (libFuzzer), the worker's work runs
 * in process, where coverage is seen; libFuzzer's -timeout bounds it.
 *
 * Bounds are small so that one input stays fast; only "no crash, no
 * sanitizer report, bounds respected" is checked.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/pdf_extract.h"
#include "lib/util.h"
#include "recognise/invoice_xml.h"

#define FUZZ_MAX_FILE (1u << 20)
#define FUZZ_MAX_TEXT (64u * 1024)
/* The status a sanitizer ends the worker with (ASAN_OPTIONS exitcode). */
#define SANITIZER_EXIT 86

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(const struct pdf_extract_result *res, const struct pdf_limits *limits)
{
    size_t total = 0;

    if (res->file_count > (size_t)limits->max_files || res->text.len > limits->max_text)
        abort();
    /* No file when the text alone was asked; the text skipped only for a file, never beside text. */
    if ((limits->reading == PDF_TEXT_ONLY && res->file_count > 0) ||
        (res->text_skipped && (res->has_text || res->file_count == 0 || limits->reading != PDF_TEXT_UNLESS_XML)))
        abort();
    for (size_t i = 0; i < res->file_count; i++) {
        struct invoice inv;
        char why[256];

        if (res->files[i].len > limits->max_file_size)
            abort();
        total += res->files[i].len;
        if (invoice_xml_looks_like_xml(res->files[i].data, res->files[i].len))
            (void)invoice_xml_read(res->files[i].data, res->files[i].len, &inv, why, sizeof why);
    }
    if (total > limits->max_decoded)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    struct pdf_limits limits = {NULL, 3, FUZZ_MAX_TEXT, 500, 256u << 20, 20, FUZZ_MAX_FILE, 4u << 20,
                                PDF_FILES_AND_TEXT};
    struct pdf_extract_result res;

    if (!initialised) {
        invoice_xml_init();
        initialised = true;
    }
    limits.worker = getenv("RELANCE_PDF_WORKER");
    /* Each reading (files and text; text unless XML; text alone), chosen
     * by the input's length so that a seed always takes the same one. */
    limits.reading = (enum pdf_reading)(size % 3);
    pdf_extract_init(&res);
    if (pdf_extract((const char *)data, size, &limits, &res) == PDF_READ)
        check_result(&res, &limits);
    if (res.exit_code == SANITIZER_EXIT)
        abort();
    /* The same bytes as a worker's records. */
    if (pdf_frames_decode((const char *)data, size, &limits, &res) == PDF_READ)
        check_result(&res, &limits);
    pdf_extract_free(&res);
    return 0;
}
