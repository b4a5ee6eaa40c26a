/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_xml.h - reads invoice fields from UBL 2.1 and UN/CEFACT CII XML.
 *
 * One reader for every XML syntax relance knows: CII D16B (Factur-X,
 * ZUGFeRD 2.x, XRechnung CII), ZUGFeRD 1.0 CrossIndustryDocument, its 2014
 * release candidate (CBFBUY Invoice), UBL 2.1 Invoice and CreditNote. The
 * document is recognised by its root element and namespace, never by a
 * file name. Parsing is hardened: no network, no DTD loading, no entity
 * expansion, and documents declaring a DTD are refused.
 */
#ifndef RELANCE_INVOICE_XML_H
#define RELANCE_INVOICE_XML_H

#include <stddef.h>

#include "core/invoice.h"

enum invoice_xml_result {
    INVOICE_XML_INVOICE = 0,  /* an invoice or credit note: *out is filled */
    INVOICE_XML_NOT_INVOICE,  /* well-formed, but not a document to collect */
    INVOICE_XML_ERROR,        /* not well-formed, refused, or unreadable */
};

/* Installs the process-wide libxml2 settings (external entity loader that
 * refuses everything). Call once at start-up, before any thread. */
void invoice_xml_init(void);

/* Reads one XML document. out->source is set to INVOICE_SOURCE_CII or
 * INVOICE_SOURCE_UBL; the caller may override it (Factur-X). why receives
 * a short explanation for NOT_INVOICE and ERROR. */
enum invoice_xml_result invoice_xml_read(const char *data, size_t len, struct invoice *out,
                                         char *why, size_t whylen);

/* True when the first bytes look like an XML document (after a BOM and
 * white space, "<?xml" or "<"). Cheap pre-check for attachments. */
bool invoice_xml_looks_like_xml(const char *data, size_t len);

#endif
