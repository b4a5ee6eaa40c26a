/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pdfbomb.h - test support: small hostile PDFs that make a PDF library
 * work far beyond their size, to prove that relance reads PDFs within
 * bounds (test_pdf_worker, tests/tools/pdf_bomb for the integration
 * tests and the fuzz seeds). The cross-reference table is exact, so that
 * a reader spends its time where the bomb wants it, not in repairs.
 */
#ifndef RELANCE_TEST_PDFBOMB_H
#define RELANCE_TEST_PDFBOMB_H

#include <stddef.h>

/* One page draws form X0; each form Xk draws X(k+1) fanout times; the
 * last one draws a line of text: fanout^(levels-1) text draws.
 * malloc'ed, its size in *len. */
char *pdfbomb_forms(int levels, int fanout, size_t *len);

/* count embedded files all naming one Flate stream that inflates to
 * megabytes (10^6 bytes) of XML-looking text; its size declared in the
 * stream's /Params or not. */
char *pdfbomb_files(int count, int megabytes, int declare_size, size_t *len);

#endif
