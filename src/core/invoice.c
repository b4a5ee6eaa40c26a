/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice.c - the invoice record, and the choice between sources when one
 * message carries the same invoice more than once (see invoice.h).
 *
 * The message walk itself lives in invoice_scan.c; this file holds what
 * every reader shares.
 */
#include "core/invoice.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void invoice_init(struct invoice *inv)
{
    memset(inv, 0, sizeof *inv);
    inv->type = INVOICE_TYPE_INVOICE;
    inv->confidence = 100;
}

void invoice_list_init(struct invoice_list *list)
{
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}

void invoice_list_free(struct invoice_list *list)
{
    free(list->items);
    invoice_list_init(list);
}

void invoice_list_add(struct invoice_list *list, const struct invoice *inv)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 4;
        list->items = xrealloc(list->items, list->cap * sizeof *list->items);
    }
    list->items[list->count++] = *inv;
}

const char *invoice_type_name(enum invoice_type type)
{
    return type == INVOICE_TYPE_CREDIT_NOTE ? "credit_note" : "invoice";
}

const char *invoice_source_name(enum invoice_source source)
{
    switch (source) {
    case INVOICE_SOURCE_FACTURX:
        return "facturx";
    case INVOICE_SOURCE_UBL:
        return "ubl";
    case INVOICE_SOURCE_CII:
        return "cii";
    case INVOICE_SOURCE_PDF_TEXT:
        return "pdf-text";
    case INVOICE_SOURCE_BODY:
        return "body";
    }
    return "unknown";
}

void scan_limits_default(struct scan_limits *limits)
{
    limits->max_part_size = 16u * 1024 * 1024;
    limits->max_parts = 200;
    limits->max_depth = 12;
    limits->pdf_max_pages = 20;
    limits->pdf_max_text = 512u * 1024;
    limits->pdf_max_ms = 5000;
    limits->pdf_max_memory = 256u * 1024 * 1024;
    limits->pdf_max_files = 20;
    limits->pdf_max_decoded = 32u * 1024 * 1024;
    limits->pdf_worker = NULL;
    limits->default_terms_days = 30;
    limits->min_text_confidence = 60;
}

void invoice_scan_init(struct invoice_scan *scan)
{
    invoice_list_init(&scan->invoices);
    strlist_init(&scan->notes);
    strlist_init(&scan->unreadable);
    strlist_init(&scan->failures);
    scan->rejected = NULL;
    scan->rejected_count = 0;
    scan->rejected_cap = 0;
}

void invoice_scan_free(struct invoice_scan *scan)
{
    invoice_list_free(&scan->invoices);
    strlist_free(&scan->notes);
    strlist_free(&scan->unreadable);
    strlist_free(&scan->failures);
    free(scan->rejected);
    scan->rejected = NULL;
    scan->rejected_count = 0;
    scan->rejected_cap = 0;
}

void invoice_scan_reject(struct invoice_scan *scan, const struct invoice *inv, const char *kind,
                         const char *why)
{
    struct invoice_rejection *r;

    for (size_t i = 0; i < scan->rejected_count; i++) {
        r = &scan->rejected[i];
        if (strcmp(r->kind, kind) == 0 && strcasecmp(r->inv.number, inv->number) == 0 &&
            r->inv.source == inv->source)
            return;
    }
    if (scan->rejected_count == scan->rejected_cap) {
        scan->rejected_cap = scan->rejected_cap ? scan->rejected_cap * 2 : 4;
        scan->rejected = xrealloc(scan->rejected, scan->rejected_cap * sizeof *scan->rejected);
    }
    r = &scan->rejected[scan->rejected_count++];
    r->inv = *inv;
    str_copy(r->kind, sizeof r->kind, kind);
    str_copy(r->why, sizeof r->why, why);
}

/* Invoice numbers are compared without case and white space: "F 2026-1"
 * in a body and "F2026-1" in the XML are the same invoice. */
static bool same_number(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '\t')
            a++;
        while (*b == ' ' || *b == '\t')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
}

static bool same_invoice(const struct invoice *a, const struct invoice *b)
{
    if (!same_number(a->number, b->number) || a->type != b->type)
        return false;
    /* Text readers often cannot name the seller: a number alone matches. */
    if (a->seller_name[0] == '\0' || b->seller_name[0] == '\0')
        return true;
    return strcasecmp(a->seller_name, b->seller_name) == 0;
}

#define FILL_STR(dst, src, field)                                                                  \
    do {                                                                                           \
        if ((dst)->field[0] == '\0')                                                               \
            memcpy((dst)->field, (src)->field, sizeof((dst)->field));                              \
    } while (0)

/* Fills the empty fields of dst from src. */
static void fill_missing(struct invoice *dst, const struct invoice *src)
{
    FILL_STR(dst, src, buyer_name);
    FILL_STR(dst, src, buyer_email);
    FILL_STR(dst, src, seller_name);
    FILL_STR(dst, src, seller_ids);
    FILL_STR(dst, src, buyer_ids);
    FILL_STR(dst, src, referenced_number);
    FILL_STR(dst, src, payment_terms);
    FILL_STR(dst, src, currency);
    if (!postal_address_usable(&dst->buyer_address) && postal_address_usable(&src->buyer_address))
        dst->buyer_address = src->buyer_address;
    if (!date_is_set(dst->issue_date))
        dst->issue_date = src->issue_date;
    if (!date_is_set(dst->due_date) && date_is_set(src->due_date)) {
        dst->due_date = src->due_date;
        dst->due_basis = src->due_basis;
    }
    if (!dst->has_amount_due && src->has_amount_due) {
        dst->has_amount_due = true;
        dst->amount_due = src->amount_due;
    }
    if (dst->type_code == 0)
        dst->type_code = src->type_code;
}

void invoice_scan_merge(struct invoice_scan *scan, const struct invoice *rec)
{
    for (size_t i = 0; i < scan->invoices.count; i++) {
        struct invoice *have = &scan->invoices.items[i];

        if (!same_invoice(have, rec))
            continue;
        if (rec->source < have->source ||
            (rec->source == have->source && rec->confidence > have->confidence)) {
            struct invoice old = *have;
            *have = *rec;
            fill_missing(have, &old);
        } else {
            fill_missing(have, rec);
        }
        return;
    }
    invoice_list_add(&scan->invoices, rec);
}

bool invoice_phone_plausible(const char *s)
{
    int digits = 0;

    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (strchr("+ -./()", *s) == NULL)
            return false;
    }
    return digits >= 3;
}
