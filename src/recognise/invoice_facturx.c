/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_facturx.c - invoices carried as XML inside a PDF: Factur-X,
 * ZUGFeRD 1.0/2.x, XRechnung-in-PDF, and PDFs with an embedded UBL file
 * (see invoice_facturx.h).
 *
 * Every embedded file that looks like XML is handed to the XML reader,
 * whatever its name: the reader decides by the root element. This file
 * does not parse PDFs (the PDF worker does, lib/pdf_extract.h) nor XML
 * (invoice_xml.c), and does not read a PDF's text (the text readers do,
 * when no XML was found).
 */
#include "recognise/invoice_facturx.h"

#include "recognise/invoice_xml.h"

struct facturx_walk {
    const char *pdf_name;
    struct invoice_scan *scan;
    int found;
    int xml_seen;
};

static void set_origin(struct invoice *inv, const char *pdf_name, const char *file_name)
{
    /* A truncated origin still names the PDF, which is what an operator
     * needs to find the part again. */
    str_format(inv->origin, sizeof inv->origin, "%s/%s", pdf_name, file_name);
}

static void read_embedded_file(const char *name, const char *data, size_t len, struct facturx_walk *walk)
{
    struct invoice inv;
    char why[256];

    /* Images, PDFs and other companions of the invoice XML are no news. */
    if (!invoice_xml_looks_like_xml(data, len))
        return;
    switch (invoice_xml_read(data, len, &inv, why, sizeof why)) {
    case INVOICE_XML_INVOICE:
        walk->xml_seen++;
        inv.source = INVOICE_SOURCE_FACTURX;
        set_origin(&inv, walk->pdf_name, name);
        /* A PDF may carry the same invoice twice (ZUGFeRD 1 and Factur-X
         * files side by side): the merge keeps one record. */
        invoice_scan_merge(walk->scan, &inv);
        walk->found++;
        break;
    case INVOICE_XML_NOT_INVOICE:
        walk->xml_seen++;
        strlist_addf(&walk->scan->notes, "%s/%s: not an invoice: %s", walk->pdf_name, name, why);
        break;
    case INVOICE_XML_ERROR:
        strlist_addf(&walk->scan->notes, "%s/%s: unreadable XML: %s", walk->pdf_name, name, why);
        break;
    }
}

int invoice_facturx_read_counted(const struct pdf_extract_result *pdf, const char *pdf_name,
                                 struct invoice_scan *scan, int *xml_seen)
{
    struct facturx_walk walk = {pdf_name != NULL ? pdf_name : "", scan, 0, 0};

    for (size_t i = 0; i < pdf->file_count; i++)
        read_embedded_file(pdf->files[i].name, pdf->files[i].data, pdf->files[i].len, &walk);
    *xml_seen = walk.xml_seen;
    return walk.found;
}

int invoice_facturx_read(const struct pdf_extract_result *pdf, const char *pdf_name, struct invoice_scan *scan)
{
    int xml_seen;

    return invoice_facturx_read_counted(pdf, pdf_name, scan, &xml_seen);
}
