/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camt.c - reads ISO 20022 camt.053 statements and camt.054 notifications
 * (see camt.h).
 *
 * The document is refused before parsing when it is over BANK_MAX_INPUT or
 * declares a DTD; libxml2 then parses it without network, without
 * substituting entities and with its default (not "huge") limits. The
 * version is read from the namespace (urn:iso:std:iso:20022:tech:xsd:
 * camt.053.001.NN); the elements used exist in every version from 02 on,
 * with the party name moving under Pty from version 08 (both are read).
 *
 * One entry (Ntry) is one line, except a batch: an entry with several
 * transaction details (TxDtls) each carrying its own amount becomes one
 * line per transaction, since each pays its own invoice.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "lib/camt.h"
#include "lib/util.h"

#define CAMT_NS_PREFIX "urn:iso:std:iso:20022:tech:xsd:camt.05"

bool camt_looks_like(const char *data, size_t len)
{
    size_t n = len < 4096 ? len : 4096;

    return memmem(data, n, CAMT_NS_PREFIX, strlen(CAMT_NS_PREFIX)) != NULL;
}

static bool is_element(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    if (parent == NULL)
        return NULL;
    for (xmlNodePtr n = parent->children; n; n = n->next)
        if (is_element(n, name))
            return n;
    return NULL;
}

/* Follows "A/B/C" down the first matching children. */
static xmlNodePtr descend(xmlNodePtr from, const char *path)
{
    char name[64];

    while (from && *path) {
        size_t len = strcspn(path, "/");

        if (!str_copyn(name, sizeof name, path, len))
            return NULL;
        from = child(from, name);
        path += len;
        if (*path == '/')
            path++;
    }
    return from;
}

/* The trimmed text of a node into dst (cut to fit); "" for NULL. */
static void text_of(xmlNodePtr n, char *dst, size_t size)
{
    xmlChar *content;

    dst[0] = '\0';
    if (n == NULL || (content = xmlNodeGetContent(n)) == NULL)
        return;
    bank_text_append(dst, size, (const char *)content);
    xmlFree(content);
    str_trim(dst);
}

static void append_text_of(xmlNodePtr n, char *dst, size_t size)
{
    char text[BANK_TEXT_MAX];

    text_of(n, text, sizeof text);
    bank_text_append(dst, size, text);
}

/* A date element holding Dt or DtTm. */
static struct date date_of(xmlNodePtr n)
{
    char text[40];
    struct date d = {0, 0, 0};
    xmlNodePtr dt = child(n, "Dt");

    text_of(dt ? dt : child(n, "DtTm"), text, sizeof text);
    if (text[0] && !bank_date_parse(text, &d))
        memset(&d, 0, sizeof d);
    return d;
}

/* An Amt element: cents and currency; false when unreadable. */
static bool amount_of(xmlNodePtr amt, int64_t *cents, char currency[4])
{
    char text[64];
    xmlChar *ccy;

    if (amt == NULL)
        return false;
    text_of(amt, text, sizeof text);
    if (!bank_amount_parse(text, cents) || *cents < 0)
        return false;
    ccy = xmlGetProp(amt, (const xmlChar *)"Ccy");
    str_copy(currency, 4, ccy ? (const char *)ccy : "");
    xmlFree(ccy);
    return true;
}

/* A party's name: Nm (up to version 07) or Pty/Nm (08 on). */
static void party_name(xmlNodePtr party, char *dst, size_t size)
{
    xmlNodePtr nm = child(party, "Nm");

    text_of(nm ? nm : descend(party, "Pty/Nm"), dst, size);
}

/* What one TxDtls says of who paid and why, added to e. */
static void read_details(xmlNodePtr tx, struct bank_entry *e)
{
    xmlNodePtr rmt = child(tx, "RmtInf"), pties = child(tx, "RltdPties");
    char e2e[BANK_ID_MAX];

    for (xmlNodePtr n = rmt ? rmt->children : NULL; n; n = n->next) {
        if (is_element(n, "Ustrd"))
            append_text_of(n, e->remittance, sizeof e->remittance);
        if (!is_element(n, "Strd"))
            continue;
        append_text_of(descend(n, "CdtrRefInf/Ref"), e->remittance, sizeof e->remittance);
        for (xmlNodePtr d = n->children; d; d = d->next)
            if (is_element(d, "RfrdDocInf"))
                append_text_of(child(d, "Nb"), e->remittance, sizeof e->remittance);
        for (xmlNodePtr d = n->children; d; d = d->next)
            if (is_element(d, "AddtlRmtInf"))
                append_text_of(d, e->remittance, sizeof e->remittance);
    }
    text_of(descend(tx, "Refs/EndToEndId"), e2e, sizeof e2e);
    if (e2e[0] && strcmp(e2e, "NOTPROVIDED") != 0) {
        if (!e->end_to_end[0])
            str_copy(e->end_to_end, sizeof e->end_to_end, e2e);
        bank_text_append(e->remittance, sizeof e->remittance, e2e);
    }
    append_text_of(child(tx, "AddtlTxInf"), e->remittance, sizeof e->remittance);
    if (!e->debtor_name[0] && pties) {
        xmlNodePtr dbtr = child(pties, "Dbtr");

        party_name(dbtr ? dbtr : child(pties, "UltmtDbtr"), e->debtor_name, sizeof e->debtor_name);
        if (!e->debtor_name[0])
            party_name(child(pties, "UltmtDbtr"), e->debtor_name, sizeof e->debtor_name);
    }
}

/* A transaction's own amount: Amt (version 03 on) or AmtDtls/TxAmt/Amt. */
static bool tx_amount(xmlNodePtr tx, int64_t *cents, char currency[4])
{
    xmlNodePtr amt = child(tx, "Amt");

    return amount_of(amt ? amt : descend(tx, "AmtDtls/TxAmt/Amt"), cents, currency);
}

/* A transaction's own CdtDbtInd (version 03 on), when it gives one: a
 * batch may hold a return among its credits. */
static void tx_direction(xmlNodePtr tx, struct bank_entry *e)
{
    char cdi[8];

    text_of(child(tx, "CdtDbtInd"), cdi, sizeof cdi);
    if (strcmp(cdi, "DBIT") == 0)
        e->credit = false;
}

struct entry_head {
    const char *statement_id;
    int64_t amount;
    char currency[4];
    bool credit;
    bool pending;
    struct date booked, value;
    char id[BANK_ID_MAX];
    char info[BANK_TEXT_MAX]; /* AddtlNtryInf */
    size_t number;
};

static struct bank_entry *new_line(struct bank_statement *out, const struct entry_head *h)
{
    struct bank_entry *e = bank_statement_add(out);

    if (e == NULL)
        return NULL;
    str_copy(e->statement_id, sizeof e->statement_id, h->statement_id);
    str_copy(e->entry_id, sizeof e->entry_id, h->id);
    e->amount = h->amount;
    str_copy(e->currency, sizeof e->currency, h->currency);
    e->credit = h->credit;
    e->pending = h->pending;
    e->booked = h->booked;
    e->value = h->value;
    e->line = h->number;
    return e;
}

/* The TxDtls of an entry (across its NtryDtls), in an array the caller
 * frees (NULL when there are none). */
static xmlNodePtr *collect_details(xmlNodePtr ntry, size_t *count)
{
    xmlNodePtr *txs = NULL;
    size_t cap = 0;

    *count = 0;
    for (xmlNodePtr d = ntry->children; d; d = d->next) {
        if (!is_element(d, "NtryDtls"))
            continue;
        for (xmlNodePtr t = d->children; t; t = t->next) {
            if (!is_element(t, "TxDtls"))
                continue;
            if (*count == cap) {
                cap = cap ? cap * 2 : 4;
                txs = xrealloc(txs, cap * sizeof *txs);
            }
            txs[(*count)++] = t;
        }
    }
    return txs;
}

/* A batch is split when every transaction has its own amount. */
static bool split_batch(xmlNodePtr *txs, size_t count)
{
    int64_t cents;
    char ccy[4];

    if (count < 2)
        return false;
    for (size_t i = 0; i < count; i++)
        if (!tx_amount(txs[i], &cents, ccy))
            return false;
    return true;
}

static bool read_entry(xmlNodePtr ntry, struct entry_head *h, struct bank_statement *out, char *why, size_t whylen)
{
    xmlNodePtr *txs;
    char cdi[8], reversal[8], status[8];
    xmlNodePtr sts = child(ntry, "Sts");
    size_t count;
    struct bank_entry *e;

    text_of(child(ntry, "CdtDbtInd"), cdi, sizeof cdi);
    text_of(child(ntry, "RvslInd"), reversal, sizeof reversal);
    if (!amount_of(child(ntry, "Amt"), &h->amount, h->currency) ||
        (strcmp(cdi, "CRDT") != 0 && strcmp(cdi, "DBIT") != 0)) {
        str_format(why, whylen, "entry %zu: no readable amount or credit/debit indicator", h->number);
        return false;
    }
    /* A reversed credit takes money back: it pays nothing. */
    h->credit = strcmp(cdi, "CRDT") == 0 && strcmp(reversal, "true") != 0;
    /* Sts is text up to version 07, Sts/Cd from 08; a missing one is booked. */
    text_of(child(sts, "Cd") ? child(sts, "Cd") : sts, status, sizeof status);
    h->pending = status[0] && strcmp(status, "BOOK") != 0;
    h->booked = date_of(child(ntry, "BookgDt"));
    h->value = date_of(child(ntry, "ValDt"));
    text_of(child(ntry, "AcctSvcrRef"), h->id, sizeof h->id);
    if (!h->id[0])
        text_of(child(ntry, "NtryRef"), h->id, sizeof h->id);
    text_of(child(ntry, "AddtlNtryInf"), h->info, sizeof h->info);
    txs = collect_details(ntry, &count);
    if (split_batch(txs, count)) {
        char base[BANK_ID_MAX];

        str_copy(base, sizeof base, h->id);
        for (size_t i = 0; i < count; i++) {
            if (base[0])
                str_format(h->id, sizeof h->id, "%s/%zu", base, i + 1);
            if ((e = new_line(out, h)) == NULL)
                goto too_many;
            tx_amount(txs[i], &e->amount, e->currency);
            tx_direction(txs[i], e);
            read_details(txs[i], e);
            bank_text_append(e->remittance, sizeof e->remittance, h->info);
        }
        free(txs);
        return true;
    }
    if ((e = new_line(out, h)) == NULL)
        goto too_many;
    for (size_t i = 0; i < count; i++)
        read_details(txs[i], e);
    bank_text_append(e->remittance, sizeof e->remittance, h->info);
    free(txs);
    return true;
too_many:
    free(txs);
    str_format(why, whylen, "more than %d entries", BANK_MAX_ENTRIES);
    return false;
}

static bool read_record(xmlNodePtr rec, size_t *number, struct bank_statement *out, char *why, size_t whylen)
{
    char id[BANK_ID_MAX];
    struct entry_head h;

    text_of(child(rec, "Id"), id, sizeof id);
    if (!id[0]) {
        str_copy(why, whylen, "a statement without Id");
        return false;
    }
    for (xmlNodePtr n = rec->children; n; n = n->next) {
        if (!is_element(n, "Ntry"))
            continue;
        memset(&h, 0, sizeof h);
        h.statement_id = id;
        h.number = ++*number;
        if (!read_entry(n, &h, out, why, whylen))
            return false;
    }
    return true;
}

/* The message kind from the root's namespace: "camt.053.001.08". */
static bool document_kind(xmlNodePtr root, char *kind, size_t size, char *why, size_t whylen)
{
    const char *href = root && root->ns && root->ns->href ? (const char *)root->ns->href : "";
    size_t plen = strlen(CAMT_NS_PREFIX);

    if (!is_element(root, "Document") || strncmp(href, CAMT_NS_PREFIX, plen) != 0 ||
        (href[plen] != '3' && href[plen] != '4') || strncmp(href + plen + 1, ".001.", 5) != 0 ||
        strlen(href + plen + 6) != 2 || href[plen + 6] < '0' || href[plen + 6] > '9' ||
        href[plen + 7] < '0' || href[plen + 7] > '9') {
        str_copy(why, whylen, "not an ISO 20022 camt.053 or camt.054 document");
        return false;
    }
    return str_copy(kind, size, href + strlen("urn:iso:std:iso:20022:tech:xsd:"));
}

static bool read_document(xmlNodePtr root, struct bank_statement *out, char *why, size_t whylen)
{
    bool statement;
    xmlNodePtr msg;
    size_t records = 0, number = 0;

    if (!document_kind(root, out->format, sizeof out->format, why, whylen))
        return false;
    statement = strncmp(out->format, "camt.053", 8) == 0;
    msg = child(root, statement ? "BkToCstmrStmt" : "BkToCstmrDbtCdtNtfctn");
    for (xmlNodePtr n = msg ? msg->children : NULL; n; n = n->next) {
        if (!is_element(n, statement ? "Stmt" : "Ntfctn"))
            continue;
        records++;
        if (!read_record(n, &number, out, why, whylen))
            return false;
    }
    if (records == 0) {
        str_format(why, whylen, "%s without any %s", out->format, statement ? "statement (Stmt)" : "notification (Ntfctn)");
        return false;
    }
    return true;
}

static void ignore_error(void *ctx, xmlErrorPtr error)
{
    (void)ctx;
    (void)error;
}

bool camt_read(const char *data, size_t len, struct bank_statement *out, char *why, size_t whylen)
{
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    bool ok;

    bank_statement_free(out);
    if (len == 0 || len > BANK_MAX_INPUT || len > (size_t)INT32_MAX) {
        str_format(why, whylen, len == 0 ? "empty file" : "file too large (%zu bytes, at most %u)", len,
                   BANK_MAX_INPUT);
        return false;
    }
    if (memmem(data, len, "<!DOCTYPE", 9) != NULL || memmem(data, len, "<!ENTITY", 8) != NULL) {
        str_copy(why, whylen, "the document declares a DTD or entities: refused");
        return false;
    }
    if ((ctxt = xmlNewParserCtxt()) == NULL) {
        str_copy(why, whylen, "out of memory");
        return false;
    }
    ctxt->sax->serror = ignore_error;
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, options);
    if (doc == NULL) {
        xmlErrorPtr err = xmlCtxtGetLastError(ctxt);

        str_format(why, whylen, "malformed XML (line %d)", err ? err->line : 0);
        xmlFreeParserCtxt(ctxt);
        return false;
    }
    ok = read_document(xmlDocGetRootElement(doc), out, why, whylen);
    if (ok)
        bank_statement_set_keys(out);
    else
        bank_statement_free(out);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return ok;
}
