/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_facturx.h - invoices carried as XML inside a PDF: Factur-X,
 * ZUGFeRD 1.0/2.x, XRechnung-in-PDF, and PDFs with an embedded UBL file.
 * Every embedded file is tried, whatever its name; the XML reader decides
 * by the root element.
 */
#ifndef RELANCE_INVOICE_FACTURX_H
#define RELANCE_INVOICE_FACTURX_H

#include "core/invoice.h"
#include "lib/pdf_extract.h"

/* Reads each embedded file of a PDF, as the PDF worker handed them back;
 * each invoice found is merged into scan with source
 * INVOICE_SOURCE_FACTURX and origin "<pdf_name>/<file name>". Returns the
 * number of invoice records found. */
int invoice_facturx_read(const struct pdf_extract_result *pdf, const char *pdf_name,
                         struct invoice_scan *scan);

/* The same, also counting in *xml_seen the embedded XML documents read,
 * invoices or not: a PDF whose XML says "order" or "not an invoice" has
 * spoken, and its visual text must not be read as an invoice. Unreadable
 * XML does not count. */
int invoice_facturx_read_counted(const struct pdf_extract_result *pdf, const char *pdf_name,
                                 struct invoice_scan *scan, int *xml_seen);

#endif
