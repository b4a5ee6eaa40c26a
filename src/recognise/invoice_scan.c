/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_scan.c - finds the invoices in one message: walks its parts and
 * hands each to the reader that fits, then keeps one record per invoice
 * (see core/invoice.h) and finishes the records (due dates, confidence).
 *
 * Readers, in order of trust: a PDF's embedded XML (Factur-X, ZUGFeRD,
 * XRechnung), an XML attachment (UBL/CII), the text of a PDF that carries
 * no invoice XML, the text of a body (text/plain or text/html that is no
 * attachment, also inside an attached message/rfc822). A part's kind is
 * judged by its content as much as by its label: mailers send PDFs as
 * application/octet-stream, and XML as text/plain. Text is only read when
 * it can be an invoice: a PDF without XML, a body that uses an invoice
 * word.
 *
 * A PDF is read by the PDF worker (lib/pdf_extract.h), once, for its
 * embedded files and, when none of them is XML, its text (a second time,
 * for the text, when all its XML is unreadable: see scan_pdf); a PDF the
 * worker was stopped on (deadline, memory, output) is recorded as
 * unreadable, one the worker died on as a failure (On-InternalError);
 * the rest of the message is still read.
 */
#include "recognise/invoice_scan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/message.h"
#include "lib/pdf_extract.h"
#include "lib/plain_message.h"
#include "recognise/invoice_facturx.h"
#include "recognise/invoice_text.h"
#include "recognise/invoice_xml.h"
#include "text/html_text.h"
#include "text/payment_terms.h"
#include "text/text_dates.h"
#include "text/text_fold.h"
#include "text/text_kind.h"

/* Largest body read as text, after HTML is turned into text. */
#define BODY_TEXT_MAX (256u * 1024)
/* Longest Subject and Date header used. */
#define HEADER_TEXT_MAX 998

struct scan_ctx {
    const struct scan_limits *limits;
    struct invoice_scan *scan;
    const char *subject; /* the message's, for top-level bodies */
    struct date sent;    /* the message's Date */
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
    if (strstr(part->mime_type, "xml") != NULL || (part->filename && str_iends_with(part->filename, ".xml")))
        return true;
    /* An XML file sent as octet-stream or text/plain. */
    return part->is_attachment && invoice_xml_looks_like_xml(part->data, part->len);
}

/* A message's own text: not an attached file, plain or HTML. */
static bool part_is_body(const struct message_part *part)
{
    return !part->is_attachment &&
           (strcmp(part->mime_type, "text/plain") == 0 || strcmp(part->mime_type, "text/html") == 0);
}

/* The PDF limits of the scan's. Embedded files are bounded like parts. */
static void pdf_limits_of(const struct scan_limits *limits, struct pdf_limits *pl)
{
    pl->worker = limits->pdf_worker;
    pl->max_pages = limits->pdf_max_pages;
    pl->max_text = limits->pdf_max_text;
    pl->max_ms = limits->pdf_max_ms;
    pl->max_memory = limits->pdf_max_memory;
    pl->max_files = limits->pdf_max_files;
    pl->max_file_size = limits->max_part_size;
    pl->max_decoded = limits->pdf_max_decoded;
    pl->reading = PDF_TEXT_UNLESS_XML;
}

/* A PDF without invoice XML: its visual text, within the PDF bounds. */
static void scan_pdf_text(struct scan_ctx *sc, const struct pdf_extract_result *pdf, const struct message_part *part)
{
    struct text_origin origin = {INVOICE_SOURCE_PDF_TEXT, part_label(part), NULL, sc->sent};

    if (pdf->has_text)
        invoice_text_read(pdf->text.data, pdf->text.len, &origin, sc->limits, sc->scan);
    else
        strlist_addf(&sc->scan->notes, "%s: PDF text not read: %s", part_label(part), pdf->why);
}

/* Says why a PDF was not read; false when there is nothing to read. */
static bool pdf_was_read(struct scan_ctx *sc, enum pdf_status status, const struct pdf_extract_result *pdf,
                         const struct message_part *part)
{
    switch (status) {
    case PDF_READ:
        return true;
    case PDF_REFUSED:
        strlist_addf(&sc->scan->notes, "%s: skipped: %s", part_label(part), pdf->why);
        break;
    case PDF_UNREADABLE:
        strlist_addf(&sc->scan->unreadable, "%s: PDF not readable: %s", part_label(part), pdf->why);
        break;
    case PDF_WORKER_DIED:
        /* A worker that dies is answered as relance's own failure
         * (On-InternalError), whatever made it die. */
        strlist_addf(&sc->scan->failures, "%s: PDF not read: the PDF worker died: %s", part_label(part), pdf->why);
        break;
    case PDF_WORKER_ERROR:
        strlist_addf(&sc->scan->failures, "%s: PDF not read: %s", part_label(part), pdf->why);
        break;
    }
    return false;
}

/* The text the first reading skipped, since a file looked like XML that
 * turned out unusable: a second reading, in what is left of PdfMaxTime. */
static void scan_pdf_text_again(struct scan_ctx *sc, const struct pdf_limits *first, unsigned first_ms,
                                 const struct message_part *part)
{
    struct pdf_limits limits = *first;
    struct pdf_extract_result pdf;

    if (first_ms >= first->max_ms) {
        strlist_addf(&sc->scan->notes, "%s: PDF text not read: PdfMaxTime spent on its embedded files",
                     part_label(part));
        return;
    }
    limits.reading = PDF_TEXT_ONLY;
    limits.max_ms = first->max_ms - first_ms;
    pdf_extract_init(&pdf);
    if (pdf_was_read(sc, pdf_extract(part->data, part->len, &limits, &pdf), &pdf, part))
        scan_pdf_text(sc, &pdf, part);
    pdf_extract_free(&pdf);
}

/* A PDF is read once, embedded files first; its pages are read only
 * when no embedded file looks like XML (PDF_TEXT_UNLESS_XML), or by a
 * second run of the worker, for them alone, in the rare PDF whose
 * XML-looking files are all unreadable: the text of a PDF with usable
 * XML is never used. */
static void scan_pdf(struct scan_ctx *sc, const struct message_part *part)
{
    struct pdf_limits limits;
    struct pdf_extract_result pdf;
    enum pdf_status status;
    int xml_seen = 0;

    pdf_limits_of(sc->limits, &limits);
    pdf_extract_init(&pdf);
    status = pdf_extract(part->data, part->len, &limits, &pdf);
    if (!pdf_was_read(sc, status, &pdf, part)) {
        pdf_extract_free(&pdf);
        return;
    }
    for (size_t i = 0; i < pdf.notes.count; i++)
        strlist_addf(&sc->scan->notes, "%s: %s", part_label(part), pdf.notes.items[i]);
    if (invoice_facturx_read_counted(&pdf, part_label(part), sc->scan, &xml_seen) == 0) {
        if (xml_seen > 0) {
            strlist_addf(&sc->scan->notes, "%s: its XML is no invoice: text not read", part_label(part));
        } else {
            strlist_addf(&sc->scan->notes, "%s: PDF without invoice XML: reading its text", part_label(part));
            if (pdf.text_skipped)
                scan_pdf_text_again(sc, &limits, pdf.elapsed_ms, part);
            else
                scan_pdf_text(sc, &pdf, part);
        }
    }
    pdf_extract_free(&pdf);
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

static void scan_body(struct scan_ctx *sc, const struct message_part *part)
{
    struct text_origin origin = {INVOICE_SOURCE_BODY, "body", NULL, sc->sent};
    char *text = message_part_text_utf8(part);

    if (strcmp(part->mime_type, "text/html") == 0) {
        char *plain = html_to_text(text, strlen(text), BODY_TEXT_MAX);

        free(text);
        text = plain;
    }
    if (part->in_attached_message) {
        origin.label = "attached message body";
    } else {
        /* The subject often names the document ("Facture F-42"). */
        origin.subject = sc->subject;
    }
    if (invoice_text_worth_reading(text, strlen(text)) ||
        (origin.subject != NULL && invoice_text_worth_reading(origin.subject, strlen(origin.subject))))
        invoice_text_read(text, strlen(text) < BODY_TEXT_MAX ? strlen(text) : BODY_TEXT_MAX, &origin,
                          sc->limits, sc->scan);
    free(text);
}

static void scan_part(const struct message_part *part, void *ctx)
{
    struct scan_ctx *sc = ctx;

    if (part_is_pdf(part))
        scan_pdf(sc, part);
    else if (part_is_xml(part))
        scan_xml(sc, part);
    else if (part_is_body(part))
        scan_body(sc, part);
}

/* The day of a Date header ("Mon, 23 Nov 2026 10:00:00 +0100"). */
static struct date header_date(struct message *msg)
{
    struct date d = {0, 0, 0};
    char *value = message_header(msg, "Date");
    char *folded;
    size_t len;

    if (value == NULL)
        return d;
    folded = text_fold(value, strlen(value), HEADER_TEXT_MAX);
    if (text_date_find(folded, folded + strlen(folded), DATE_ORDER_DMY, &d, &len) == NULL)
        memset(&d, 0, sizeof d);
    free(folded);
    free(value);
    return d;
}

/* Whether a Subject read from the raw bytes uses an invoice word as
 * written or once or twice decoded: GMime decodes the field when it reads
 * it, and message_header decodes that value again (a word encoded twice
 * is found both ways). Plain ASCII needs no decoding. */
bool invoice_subject_worth_reading(const char *raw, size_t len)
{
    bool plain = true, worth;
    char *once, *twice;

    for (size_t i = 0; i < len && plain; i++)
        plain = (unsigned char)raw[i] < 0x80 && !(raw[i] == '=' && i + 1 < len && raw[i + 1] == '?');
    if (invoice_text_worth_reading(raw, len))
        return true;
    if (plain)
        return false;
    once = message_decode_header_text(raw, len);
    twice = message_decode_header_text(once, strlen(once));
    worth = invoice_text_worth_reading(once, strlen(once)) || invoice_text_worth_reading(twice, strlen(twice));
    free(once);
    free(twice);
    return worth;
}

/* A lone text/plain body with nothing to decode (plain_message.h), in
 * which neither the text nor the Subject uses an invoice word: what the
 * walk below would find too (scan_body reads nothing), known without
 * building the MIME tree. GMime would hand over the same bytes, charset
 * converted: the conversion keeps every ASCII byte in place and makes no
 * other byte an ASCII letter, and the words are ASCII. Most mail from
 * internal hosts is of this kind. */
static bool plain_and_not_worth_reading(const char *data, size_t len, const struct scan_limits *limits)
{
    struct plain_message pm;

    if (limits->max_parts < 1 || limits->max_depth < 0 || !plain_message_read(data, len, &pm) ||
        pm.body_len > limits->max_part_size)
        return false;
    return !invoice_text_worth_reading(pm.body, pm.body_len) &&
           (pm.subject == NULL || !invoice_subject_worth_reading(pm.subject, pm.subject_len));
}

void invoice_scan_message(const char *data, size_t len, const struct scan_limits *limits,
                          struct invoice_scan *scan)
{
    if (plain_and_not_worth_reading(data, len, limits)) {
        invoice_scan_finish(scan, limits);
        return;
    }
    invoice_scan_message_parsed(data, len, limits, scan);
}

void invoice_scan_message_parsed(const char *data, size_t len, const struct scan_limits *limits,
                                 struct invoice_scan *scan)
{
    struct message_walk_limits walk_limits;
    struct mime_scan_result cut;
    struct message *msg;
    struct scan_ctx sc;
    char *subject;

    walk_limits.max_parts = limits->max_parts;
    walk_limits.max_depth = limits->max_depth;
    walk_limits.max_part_size = limits->max_part_size;
    /* Counted before GMime builds anything: see mime_scan.h. */
    msg = message_parse_bounded(data, len, &walk_limits, &cut);
    if (msg == NULL) {
        strlist_add(&scan->notes, "not a MIME message");
        return;
    }
    if (cut.stop != MIME_SCAN_WHOLE)
        strlist_addf(&scan->notes, "MIME structure with %s: only its first %zu of %zu bytes (%d parts) read",
                     mime_scan_stop_name(cut.stop), cut.keep, len, cut.parts);
    subject = message_header(msg, "Subject");
    if (subject != NULL && strlen(subject) > HEADER_TEXT_MAX)
        subject[HEADER_TEXT_MAX] = '\0';
    sc.limits = limits;
    sc.scan = scan;
    sc.subject = subject;
    sc.sent = header_date(msg);
    message_walk(msg, &walk_limits, scan_part, &sc, &scan->notes);
    free(subject);
    message_free(msg);
    invoice_scan_finish(scan, limits);
}

void invoice_scan_document(const char *name, const char *data, size_t len, const struct scan_limits *limits,
                           struct invoice_scan *scan)
{
    struct message_part part;
    struct scan_ctx sc = {limits, scan, NULL, {0, 0, 0}};

    memset(&part, 0, sizeof part);
    part.filename = name;
    part.data = data;
    part.len = len;
    part.is_attachment = true;
    part.mime_type = str_iends_with(name, ".pdf") ? "application/pdf" : "application/xml";
    if (len > limits->max_part_size)
        strlist_addf(&scan->notes, "%s: skipped: larger than %zu bytes", name, limits->max_part_size);
    else
        scan_part(&part, &sc);
    invoice_scan_finish(scan, limits);
}

/* ------------------------------------------------------------------ */
/* Finishing                                                           */

static bool from_text(const struct invoice *inv)
{
    return inv->source == INVOICE_SOURCE_PDF_TEXT || inv->source == INVOICE_SOURCE_BODY;
}

/* An invoice with no due date: its terms, else DefaultPaymentTerms. A
 * credit note is owed nothing and needs none. */
static void default_due_date(struct invoice *inv, const struct scan_limits *limits, struct strlist *notes)
{
    struct payment_terms terms;
    char due[DATE_STR_MAX], what[64];

    if (inv->type != INVOICE_TYPE_INVOICE || date_is_set(inv->due_date) || !date_is_set(inv->issue_date))
        return;
    if (inv->payment_terms[0] != '\0' && payment_terms_parse_utf8(inv->payment_terms, &terms)) {
        inv->due_date = payment_terms_due(&terms, inv->issue_date);
        inv->due_basis = DUE_BASIS_TERMS;
        payment_terms_describe(&terms, what, sizeof what);
    } else {
        inv->due_date = date_add_days(inv->issue_date, limits->default_terms_days);
        inv->due_basis = DUE_BASIS_DEFAULT;
        str_format(what, sizeof what, "DefaultPaymentTerms, %d days", limits->default_terms_days);
    }
    date_format(inv->due_date, due);
    strlist_addf(notes, "%s %s: no due date in the document: due %s (%s)", invoice_type_name(inv->type),
                 inv->number, due, what);
}

/* What a text record lacks, for the log line saying why it was left. */
static void missing_fields(const struct invoice *inv, char *out, size_t size)
{
    struct strbuf sb;

    strbuf_init(&sb);
    if (!inv->has_amount_due)
        strbuf_puts(&sb, ", no amount due");
    if (!date_is_set(inv->issue_date))
        strbuf_puts(&sb, ", no issue date");
    if (inv->due_basis != DUE_BASIS_DOCUMENT && inv->due_basis != DUE_BASIS_TERMS)
        strbuf_puts(&sb, ", no due date or payment terms");
    if (inv->currency[0] == '\0')
        strbuf_puts(&sb, ", no currency");
    str_copy(out, size, sb.len > 2 ? sb.data + 2 : "weak labels");
    strbuf_free(&sb);
}

/* A more trusted reader said this number is no invoice to collect: the
 * attached PDF says "acquittée", or is the receipt of that invoice, while
 * the body names the invoice. A statement lists invoices still owed: its
 * numbers refute nothing. */
static const struct invoice_rejection *refuted(const struct invoice_scan *scan, const struct invoice *inv)
{
    for (size_t i = 0; i < scan->rejected_count; i++) {
        const struct invoice_rejection *r = &scan->rejected[i];

        if (r->inv.number[0] != '\0' && strcasecmp(r->inv.number, inv->number) == 0 &&
            r->inv.source <= inv->source && strcmp(r->kind, doc_kind_name(DOC_KIND_STATEMENT)) != 0)
            return r;
    }
    return NULL;
}

/* Moves a record to the rejected list. */
static void drop_record(struct invoice_scan *scan, size_t i, const char *why)
{
    struct invoice inv = scan->invoices.items[i];

    invoice_scan_reject(scan, &inv, invoice_type_name(inv.type), why);
    strlist_addf(&scan->notes, "%s %s from %s (%s): not tracked: %s", invoice_type_name(inv.type), inv.number,
                 invoice_source_name(inv.source), inv.origin, why);
    memmove(&scan->invoices.items[i], &scan->invoices.items[i + 1],
            (scan->invoices.count - i - 1) * sizeof scan->invoices.items[0]);
    scan->invoices.count--;
}

void invoice_scan_finish(struct invoice_scan *scan, const struct scan_limits *limits)
{
    char why[INVOICE_WHY_MAX], missing[128];

    for (size_t i = 0; i < scan->invoices.count;) {
        struct invoice *inv = &scan->invoices.items[i];
        const struct invoice_rejection *r;

        default_due_date(inv, limits, &scan->notes);
        if (from_text(inv) && (r = refuted(scan, inv)) != NULL) {
            str_format(why, sizeof why, "%s (%s) says: %s", r->inv.origin, invoice_source_name(r->inv.source),
                       r->why);
            drop_record(scan, i, why);
        } else if (from_text(inv) && inv->confidence < limits->min_text_confidence) {
            missing_fields(inv, missing, sizeof missing);
            str_format(why, sizeof why, "confidence %d below MinimumConfidence %d (%s)", inv->confidence,
                       limits->min_text_confidence, missing);
            drop_record(scan, i, why);
        } else {
            i++;
        }
    }
}
