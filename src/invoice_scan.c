/*
 * invoice_scan.c - finds the invoices in one message: walks its parts and
 * hands each to the reader that fits (PDF: embedded XML; XML attachment:
 * UBL/CII), then keeps one record per invoice (see invoice.h).
 *
 * A part's kind is judged by its content as much as by its label: mailers
 * send PDFs as application/octet-stream, and XML as text/plain.
 */
#include "invoice.h"

#include <string.h>

#include "invoice_facturx.h"
#include "invoice_xml.h"
#include "message.h"
#include "pdf.h"

struct scan_ctx {
    const struct scan_limits *limits;
    struct invoice_scan *scan;
};

static const char *part_label(const struct message_part *part)
{
    return part->filename ? part->filename : part->mime_type;
}

static bool part_is_pdf(const struct message_part *part)
{
    if (part->len >= 5 && memcmp(part->data, "%PDF-", 5) == 0)
        return true;
    return strcmp(part->mime_type, "application/pdf") == 0 ||
           (part->filename && str_iends_with(part->filename, ".pdf"));
}

static bool part_is_xml(const struct message_part *part)
{
    if (strcmp(part->mime_type, "text/html") == 0)
        return false;
    if (strstr(part->mime_type, "xml") != NULL ||
        (part->filename && str_iends_with(part->filename, ".xml")))
        return true;
    /* An XML file sent as octet-stream or text/plain. */
    return part->is_attachment && invoice_xml_looks_like_xml(part->data, part->len);
}

static void scan_pdf(struct scan_ctx *sc, const struct message_part *part)
{
    char why[256];
    struct pdf_doc *pdf = pdf_open(part->data, part->len, why, sizeof why);

    if (pdf == NULL) {
        strlist_addf(&sc->scan->notes, "%s: skipped: %s", part_label(part), why);
        return;
    }
    if (invoice_facturx_read(pdf, part_label(part), sc->limits, sc->scan) == 0)
        strlist_addf(&sc->scan->notes, "%s: PDF without invoice XML", part_label(part));
    pdf_close(pdf);
}

static void scan_xml(struct scan_ctx *sc, const struct message_part *part)
{
    struct invoice inv;
    char why[256];

    invoice_init(&inv);
    switch (invoice_xml_read(part->data, part->len, &inv, why, sizeof why)) {
    case INVOICE_XML_INVOICE:
        str_copy(inv.origin, sizeof inv.origin, part_label(part));
        invoice_scan_merge(sc->scan, &inv);
        break;
    case INVOICE_XML_NOT_INVOICE:
        strlist_addf(&sc->scan->notes, "%s: not an invoice: %s", part_label(part), why);
        break;
    case INVOICE_XML_ERROR:
        strlist_addf(&sc->scan->notes, "%s: unreadable XML: %s", part_label(part), why);
        break;
    }
}

static void scan_part(const struct message_part *part, void *ctx)
{
    struct scan_ctx *sc = ctx;

    if (part_is_pdf(part))
        scan_pdf(sc, part);
    else if (part_is_xml(part))
        scan_xml(sc, part);
}

void invoice_scan_message(const char *data, size_t len, const struct scan_limits *limits,
                          struct invoice_scan *scan)
{
    struct message_walk_limits walk_limits;
    struct message *msg = message_parse(data, len);
    struct scan_ctx sc;

    if (msg == NULL) {
        strlist_add(&scan->notes, "not a MIME message");
        return;
    }
    walk_limits.max_parts = limits->max_parts;
    walk_limits.max_depth = limits->max_depth;
    walk_limits.max_part_size = limits->max_part_size;
    sc.limits = limits;
    sc.scan = scan;
    message_walk(msg, &walk_limits, scan_part, &sc, &scan->notes);
    message_free(msg);
}
