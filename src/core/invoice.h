/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice.h - the invoice record, and the scan of one message for invoices.
 *
 * An invoice record holds what a document says, field by field, plus where
 * it was read from (source) and how sure the reader is (confidence). The
 * scan walks a parsed message, asks each reader (Factur-X/ZUGFeRD PDFs,
 * UBL/CII XML, PDF text, bodies) for records, keeps one record per
 * (seller, number) with the most trusted source winning, and explains in
 * notes what it saw and why anything was left out.
 */
#ifndef RELANCE_INVOICE_H
#define RELANCE_INVOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/postal_address.h"
#include "lib/date.h"
#include "lib/util.h"

#define INVOICE_NUMBER_MAX 128
#define INVOICE_NAME_MAX 256
#define INVOICE_EMAIL_MAX 256
#define INVOICE_PHONE_MAX 48
#define INVOICE_TERMS_MAX 256
#define INVOICE_ORIGIN_MAX 256
#define INVOICE_KIND_MAX 32
#define INVOICE_WHY_MAX 384
#define INVOICE_IDS_MAX 128

enum invoice_type {
    INVOICE_TYPE_INVOICE = 0,
    INVOICE_TYPE_CREDIT_NOTE = 1,
};

/* In order of trust: a lower value wins over a higher one. */
enum invoice_source {
    INVOICE_SOURCE_FACTURX = 0, /* CII/UBL XML embedded in a PDF */
    INVOICE_SOURCE_UBL,         /* UBL 2.1 XML attachment */
    INVOICE_SOURCE_CII,         /* CII XML attachment */
    INVOICE_SOURCE_PDF_TEXT,    /* text of a PDF attachment */
    INVOICE_SOURCE_BODY,        /* text of the message body */
};

/* Where the due date came from. */
enum due_basis {
    DUE_BASIS_NONE = 0,    /* unknown */
    DUE_BASIS_DOCUMENT,    /* written in the document */
    DUE_BASIS_TERMS,       /* computed from the document's payment terms */
    DUE_BASIS_DEFAULT,     /* computed from DefaultPaymentTerms */
};

struct invoice {
    char number[INVOICE_NUMBER_MAX];
    enum invoice_type type;
    int type_code; /* UNTDID 1001 code when the document gives one, else 0 */
    struct date issue_date;
    struct date due_date;
    enum due_basis due_basis;
    bool has_amount_due;
    int64_t amount_due; /* cents: BT-115, else grand total less prepaid */
    char currency[4];   /* ISO 4217 */
    char buyer_name[INVOICE_NAME_MAX];
    char buyer_email[INVOICE_EMAIL_MAX]; /* from the document; may be empty */
    char buyer_phone[INVOICE_PHONE_MAX]; /* the buyer contact's telephone, as written; may be empty */
    char seller_name[INVOICE_NAME_MAX];
    /* Legal and tax ids (SIREN, SIRET, VAT...) the document gives for each
     * party, normalised (company_id_normalise), separated by spaces. */
    char seller_ids[INVOICE_IDS_MAX];
    char buyer_ids[INVOICE_IDS_MAX];
    /* The buyer's postal address (BT-50..55), for the letters of the
     * agency steps; empty when the document gives none. */
    struct postal_address buyer_address;
    char referenced_number[INVOICE_NUMBER_MAX]; /* BT-25: invoice a credit note corrects */
    char payment_terms[INVOICE_TERMS_MAX];      /* free text, as written */
    enum invoice_source source;
    int confidence;                  /* 0..100 */
    char origin[INVOICE_ORIGIN_MAX]; /* part it came from: file name, "body", ... */
};

struct invoice_list {
    struct invoice *items;
    size_t count;
    size_t cap;
};

void invoice_init(struct invoice *inv);
/* A telephone number as people write one: at least three digits, and
 * only '+', spaces, '-', '.', '/', '(' and ')' besides. */
bool invoice_phone_plausible(const char *s);
void invoice_list_init(struct invoice_list *list);
void invoice_list_free(struct invoice_list *list);
void invoice_list_add(struct invoice_list *list, const struct invoice *inv);

const char *invoice_type_name(enum invoice_type type);       /* "invoice" | "credit_note" */
const char *invoice_source_name(enum invoice_source source); /* "facturx" | "ubl" | ... */

/* Bounds on the work done for one message; all from configuration. */
struct scan_limits {
    size_t max_part_size;      /* largest decoded part examined, bytes */
    int max_parts;             /* parts visited per message */
    int max_depth;             /* nesting of multiparts and message/rfc822 */
    int pdf_max_pages;         /* pages of text read per PDF */
    size_t pdf_max_text;       /* bytes of text read per PDF */
    unsigned pdf_max_ms;       /* time budget per PDF, milliseconds */
    size_t pdf_max_memory;     /* the PDF worker's address space */
    int pdf_max_files;         /* embedded files looked at per PDF */
    size_t pdf_max_decoded;    /* bytes of embedded files decoded per PDF */
    const char *pdf_worker;    /* relance-pdf; NULL: PDFs read in process (tests only) */
    int default_terms_days;    /* DefaultPaymentTerms */
    int min_text_confidence;   /* text-derived records below it are not kept */
};

void scan_limits_default(struct scan_limits *limits);

/* A document that was read but is not to be tracked, and why: a quote,
 * a paid invoice, a text invoice read with too little confidence. */
struct invoice_rejection {
    struct invoice inv;          /* what was read; number may be empty */
    char kind[INVOICE_KIND_MAX]; /* "quote", "invoice", "credit note", ... */
    char why[INVOICE_WHY_MAX];
};

/* What one message holds. */
struct invoice_scan {
    struct invoice_list invoices; /* records to track, one per (seller, number) */
    struct strlist notes;         /* what was seen, and why anything was left out */
    struct strlist unreadable;    /* PDFs whose reading was stopped: hostile or broken input */
    struct strlist failures;      /* what relance itself could not do (run the PDF worker) */
    struct invoice_rejection *rejected; /* documents read but not tracked */
    size_t rejected_count;
    size_t rejected_cap;
};

void invoice_scan_init(struct invoice_scan *scan);
void invoice_scan_free(struct invoice_scan *scan);

/* Records a document read but not tracked. The same (kind, number,
 * source) is recorded once: a body sent as text and as HTML says it
 * twice. */
void invoice_scan_reject(struct invoice_scan *scan, const struct invoice *inv, const char *kind,
                         const char *why);

/* The last step of a scan, once every reader has merged its records:
 * invoices without a due date get one from their payment terms
 * (DUE_BASIS_TERMS) or from DefaultPaymentTerms (DUE_BASIS_DEFAULT), and
 * records read from text below MinimumConfidence move to the rejected
 * list, with what was missing. */
void invoice_scan_finish(struct invoice_scan *scan, const struct scan_limits *limits);

/* Adds rec to the scan, merging with an existing record for the same
 * (seller, number): the more trusted source wins, and its empty fields are
 * filled from the other. Exposed for the readers and for tests. */
void invoice_scan_merge(struct invoice_scan *scan, const struct invoice *rec);

#endif
