/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_text.c - invoices in the text of PDFs and bodies (see
 * invoice_text.h for the steps and the confidence scale).
 *
 * This file decides; the readers it calls only find things: text_kind.c
 * what the document is, text_numbers.c its numbers, text_fields.c its
 * dates, amount and terms. It never touches the store and never applies
 * the confidence threshold.
 */
#include "recognise/invoice_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/invoice_owner.h"
#include "core/money.h"
#include "text/text_amounts.h"
#include "text/text_fields.h"

#include "text/text_fold.h"
#include "text/text_kind.h"
#include "text/text_numbers.h"
#include "text/text_party_ids.h"

_Static_assert(TEXT_TERMS_MAX == INVOICE_TERMS_MAX, "terms read must fit the invoice record whole");

/* A message carries a handful of invoices at most; more headings than
 * this in one text are read as one document. */
#define TEXT_SEGMENTS_MAX 16

enum text_language {
    TEXT_LANG_UNKNOWN = 0,
    TEXT_LANG_FR,
    TEXT_LANG_EN,
    TEXT_LANG_DE,
};

/* One invoice's stretch of text. */
struct segment {
    const char *start;
    const char *end;
};

/* Everything one text says, shared by its segments. */
struct text_doc {
    char *text; /* folded, quote marks removed */
    const char *end;
    enum text_language lang;
    enum date_order order;
    char currency[4]; /* the text's most used currency */
    struct doc_kind_result kind;
    struct number_hits numbers;
    const struct text_origin *origin;
    char buyer_ids[INVOICE_IDS_MAX]; /* the buyer's ids the text gives plainly */
};

static const char *const invoice_words_utf8[] = {"factur", "invoice",  "avoir",
                                                 "credit", "rechnung", "gutschrift"};

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Whether an invoice word starts at s (at least the word's length left):
 * ASCII case folded, as strncasecmp does in the C locale. */
static bool invoice_word_at(const unsigned char *s, const char *word)
{
    for (; *word != '\0'; word++, s++)
        if (ascii_lower(*s) != (unsigned char)*word)
            return false;
    return true;
}

/* One pass over the text: at each byte, only the words that begin with
 * that letter are compared. Every body from an internal host is asked
 * this: a strncasecmp call per word and per byte was the milter's largest
 * cost on plain mail. The words are lower-case ASCII. */
bool invoice_text_worth_reading(const char *utf8, size_t len)
{
    const unsigned char *s = (const unsigned char *)utf8;

    for (size_t at = 0; at < len; at++) {
        unsigned char c = ascii_lower(s[at]);

        for (size_t i = 0; i < ARRAY_LEN(invoice_words_utf8); i++) {
            const char *word = invoice_words_utf8[i];

            if ((unsigned char)word[0] == c && strlen(word) <= len - at && invoice_word_at(s + at, word))
                return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Preparing the text                                                  */

/* Removes quote marks ("> ", ">> ") at the start of each line, in place:
 * a forwarded or quoted invoice reads like any other. */
static void strip_quote_marks(char *text)
{
    char *out = text;

    for (const char *in = text; *in != '\0';) {
        const char *p = in;

        while (*p == '>' || (*p == ' ' && p[1] == '>'))
            p++;
        if (p > in && *p == ' ')
            p++;
        while (*p != '\0' && *p != '\n')
            *out++ = *p++;
        if (*p == '\n')
            *out++ = *p++;
        in = p;
    }
    *out = '\0';
}

static enum text_language detect_language(const char *text)
{
    static const char *const fr[] = {"le",       "la",       "les",     "de",      "des",
                                     "du",       "et",       "facture", "montant", "echeance",
                                     "paiement", "veuillez", "merci",   "bonjour", NULL};
    static const char *const en[] = {"the",    "and",   "of",  "to",   "invoice", "amount", "payment",
                                     "please", "thank", "due", "dear", "your",    NULL};
    static const char *const de[] = {"der",    "die",   "das", "und",     "rechnung",
                                     "betrag", "bitte", "mit", "zahlbar", NULL};
    int score[4] = {0, 0, 0, 0};

    for (const char *s = text; *s != '\0'; s++) {
        size_t len;

        if (!text_word_start(text, s) || !text_is_alpha(*s))
            continue;
        score[TEXT_LANG_FR] += text_match_any(s, fr, &len) != NULL;
        score[TEXT_LANG_EN] += text_match_any(s, en, &len) != NULL;
        score[TEXT_LANG_DE] += text_match_any(s, de, &len) != NULL;
    }
    if (score[TEXT_LANG_FR] == 0 && score[TEXT_LANG_EN] == 0 && score[TEXT_LANG_DE] == 0)
        return TEXT_LANG_UNKNOWN;
    if (score[TEXT_LANG_FR] >= score[TEXT_LANG_EN] && score[TEXT_LANG_FR] >= score[TEXT_LANG_DE])
        return TEXT_LANG_FR;
    return score[TEXT_LANG_EN] >= score[TEXT_LANG_DE] ? TEXT_LANG_EN : TEXT_LANG_DE;
}

/* Day first everywhere but in American English; the text's own
 * unambiguous dates overrule. */
static enum date_order date_order_of(const struct text_doc *doc)
{
    enum date_order fallback =
        doc->lang == TEXT_LANG_EN && strcmp(doc->currency, "USD") == 0 ? DATE_ORDER_MDY : DATE_ORDER_DMY;

    return text_date_order_evidence(doc->text, fallback);
}

static void doc_prepare(struct text_doc *doc, const char *utf8, size_t len, const struct text_origin *origin,
                        size_t max)
{
    struct strbuf raw;

    strbuf_init(&raw);
    if (origin->subject != NULL && origin->subject[0] != '\0') {
        strbuf_puts(&raw, origin->subject);
        strbuf_puts(&raw, "\n\n");
    }
    strbuf_append(&raw, utf8, len < max ? len : max);
    doc->text = text_fold(raw.data, raw.len, max + raw.len);
    strbuf_free(&raw);
    strip_quote_marks(doc->text);
    doc->end = doc->text + strlen(doc->text);
    doc->origin = origin;
    doc->lang = detect_language(doc->text);
    text_currency_dominant(doc->text, doc->currency);
    doc->order = date_order_of(doc);
    text_kind_detect(doc->text, &doc->kind);
}

/* ------------------------------------------------------------------ */
/* Numbers and segments                                                */

static enum number_class own_class(const struct text_doc *doc)
{
    return doc->kind.kind == DOC_KIND_CREDIT_NOTE ? NUMBER_OF_CREDIT : NUMBER_OF_INVOICE;
}

/* The document's own number within a segment: the first of its class,
 * else the first bare "N° ..." line. */
static const struct number_hit *own_number(const struct text_doc *doc, const struct segment *seg)
{
    const struct number_hit *generic = NULL;

    for (int i = 0; i < doc->numbers.count; i++) {
        const struct number_hit *hit = &doc->numbers.items[i];

        if (hit->label < seg->start || hit->label >= seg->end)
            continue;
        if (!hit->generic && hit->cls == own_class(doc))
            return hit;
        if (hit->generic && generic == NULL)
            generic = hit;
    }
    return generic;
}

/* A credit note's reference: the first invoice number that is not its
 * own ("Avoir n° A-3 sur facture n° F-42"). */
static const char *referenced_number(const struct text_doc *doc, const char *own)
{
    for (int i = 0; i < doc->numbers.count; i++) {
        const struct number_hit *hit = &doc->numbers.items[i];

        if (!hit->generic && hit->cls == NUMBER_OF_INVOICE && strcasecmp(hit->number, own) != 0)
            return hit->number;
    }
    return NULL;
}

static const char *line_of(const struct text_doc *doc, const char *s)
{
    while (s > doc->text && s[-1] != '\n')
        s--;
    return s;
}

/* Several invoices in one text: each starts at a line heading with a
 * number of the document's class not seen before ("Facture n° F-1 ..."
 * then "Facture n° F-2 ..."; the subject naming F-1 and the body's
 * heading for F-1 are one invoice). Returns the number of segments. */
static int cut_segments(const struct text_doc *doc, struct segment *segs)
{
    const char *numbers[TEXT_SEGMENTS_MAX];
    int n = 0;

    for (int i = 0; i < doc->numbers.count && n < TEXT_SEGMENTS_MAX; i++) {
        const struct number_hit *hit = &doc->numbers.items[i];
        bool seen = false;

        if (hit->generic || hit->cls != own_class(doc) || !hit->line_start)
            continue;
        for (int k = 0; k < n && !seen; k++)
            seen = strcasecmp(numbers[k], hit->number) == 0;
        if (seen)
            continue;
        numbers[n] = hit->number;
        segs[n].start = line_of(doc, hit->label);
        if (n > 0)
            segs[n - 1].end = segs[n].start;
        segs[n].end = doc->end;
        n++;
    }
    return n;
}

/* Segments are invoices only if each states an amount: otherwise the
 * headings were references within one document. */
static bool segments_priced(const struct text_doc *doc, const struct segment *segs, int n)
{
    for (int i = 0; i < n; i++) {
        struct text_fields f;

        text_fields_read(segs[i].start, segs[i].end, doc->order, &f);
        if (!f.has_amount || f.amount_rank == AMOUNT_RANK_LONE)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Building records                                                    */

static int kind_score(enum kind_basis basis)
{
    switch (basis) {
    case KIND_BASIS_TITLE:
        return 25;
    case KIND_BASIS_HEADING:
        return 20;
    case KIND_BASIS_MENTION:
        return 10;
    default:
        return 0;
    }
}

static int amount_score(enum amount_rank rank)
{
    switch (rank) {
    case AMOUNT_RANK_PAYABLE:
        return 25;
    case AMOUNT_RANK_GROSS:
        return 20;
    case AMOUNT_RANK_WEAK:
        return 10;
    case AMOUNT_RANK_LONE:
        return 5;
    default:
        return 0;
    }
}

static int issue_score(enum date_basis basis)
{
    if (basis == DATE_BASIS_LABEL || basis == DATE_BASIS_NUMBER)
        return 10;
    return basis == DATE_BASIS_NONE ? 0 : 5;
}

static int confidence_of(const struct text_doc *doc, const struct text_fields *f, enum date_basis issue,
                         bool currency_written)
{
    int score = kind_score(doc->kind.basis) + 25 + amount_score(f->amount_rank) + issue_score(issue) +
                (date_is_set(f->due_date) || f->has_terms ? 10 : 0) + (currency_written ? 5 : 0);

    if (!f->has_amount && score > 30)
        score = 30;
    /* Two amounts that disagree: whichever relance chose could be the
     * wrong one to claim; 0 keeps it under any MinimumConfidence but 0. */
    if (f->amount_conflict)
        score = 0;
    return score > 100 ? 100 : score;
}

/* The fields of one segment, with what the text before the first
 * segment says (a common header or footer) filling the gaps. */
static void segment_fields(const struct text_doc *doc, const struct segment *seg, const struct segment *head,
                           struct text_fields *f)
{
    struct text_fields shared;

    text_fields_read(seg->start, seg->end, doc->order, f);
    if (head == NULL || head->end <= head->start)
        return;
    text_fields_read(head->start, head->end, doc->order, &shared);
    if (f->issue_basis == DATE_BASIS_NONE) {
        f->issue_date = shared.issue_date;
        f->issue_basis = shared.issue_basis;
    }
    if (!date_is_set(f->due_date))
        f->due_date = shared.due_date;
    if (!f->has_terms && shared.has_terms) {
        f->has_terms = true;
        f->terms = shared.terms;
        memcpy(f->terms_text, shared.terms_text, sizeof f->terms_text);
    }
    if (f->currency[0] == '\0')
        memcpy(f->currency, shared.currency, sizeof f->currency);
}

static void set_issue_date(const struct text_doc *doc, const struct number_hit *hit, struct text_fields *f,
                           struct invoice *inv, enum date_basis *basis)
{
    *basis = f->issue_basis;
    inv->issue_date = f->issue_date;
    if (date_is_set(hit->date) && (f->issue_basis == DATE_BASIS_NONE || f->issue_basis > DATE_BASIS_NUMBER)) {
        inv->issue_date = hit->date;
        *basis = DATE_BASIS_NUMBER;
    }
    if (!date_is_set(inv->issue_date) && date_is_set(doc->origin->sent))
        inv->issue_date = doc->origin->sent; /* the mail is the invoice's date */
}

static void set_due_date(const struct text_fields *f, struct invoice *inv)
{
    if (f->has_terms)
        str_copy(inv->payment_terms, sizeof inv->payment_terms, f->terms_text);
    if (date_is_set(f->due_date)) {
        inv->due_date = f->due_date;
        inv->due_basis = DUE_BASIS_DOCUMENT;
    } else if (f->has_terms && date_is_set(inv->issue_date)) {
        inv->due_date = payment_terms_due(&f->terms, inv->issue_date);
        inv->due_basis = DUE_BASIS_TERMS;
    }
}

/* Writes what the reader saw into a note line. */
static void describe_record(const struct text_doc *doc, const struct text_fields *f,
                            const struct invoice *inv, struct strbuf *out)
{
    char amount[MONEY_STR_MAX], issue[DATE_STR_MAX], due[DATE_STR_MAX];

    money_format_decimal(inv->amount_due, amount);
    date_format(inv->issue_date, issue);
    date_format(inv->due_date, due);
    static const char *const basis_names[] = {"-", "words", "title", "heading", "mention"};

    strbuf_printf(out, "%s %s (%s '%s'", doc_kind_name(doc->kind.kind), inv->number,
                  basis_names[doc->kind.basis], doc->kind.evidence);
    if (f->has_amount) {
        strbuf_printf(out, ", amount %s %s from '%s'", amount, inv->currency, f->amount_label);
    } else if (f->amount_conflict) {
        char first[MONEY_STR_MAX], second[MONEY_STR_MAX];

        money_format_decimal(f->amount, first);
        money_format_decimal(f->conflicting_amount, second);
        strbuf_printf(out, ", amounts disagree: %s and %s under '%s'", first, second, f->amount_label);
    } else
        strbuf_puts(out, ", no amount due");
    strbuf_printf(out, ", issued %s, due %s%s%s%s)", issue[0] ? issue : "-", due[0] ? due : "-",
                  inv->payment_terms[0] ? " (terms '" : "", inv->payment_terms,
                  inv->payment_terms[0] ? "')" : "");
}

/* The buyer's ids, when the text gives them plainly (text_party_ids.h).
 * One the text also gives without saying whose it is may be the seller's
 * (a footer's SIRET): it is dropped, and so is everything when the text
 * has more ids than are looked at. A seller's id never makes the buyer a
 * business. */
static void doc_buyer_ids(struct text_doc *doc)
{
    struct text_party_ids ids;
    size_t len = 0;

    text_party_ids_read(doc->text, doc->end, &ids);
    if (ids.buyer.overflow || ids.other.overflow)
        return;
    for (size_t i = 0; i < ids.buyer.count; i++) {
        const char *id = ids.buyer.items[i];
        size_t n = strlen(id);
        bool elsewhere = false;
        for (size_t k = 0; k < ids.other.count && !elsewhere; k++)
            elsewhere = company_ids_match(id, ids.other.items[k]);
        if (elsewhere || len + n + 2 > sizeof doc->buyer_ids)
            continue;
        if (len > 0)
            doc->buyer_ids[len++] = ' ';
        memcpy(doc->buyer_ids + len, id, n + 1);
        len += n;
    }
}

/* Builds the record of one segment; false when it has no number. */
static bool build_record(const struct text_doc *doc, const struct segment *seg, const struct segment *head,
                         struct invoice *inv, struct text_fields *f)
{
    const struct number_hit *hit = own_number(doc, seg);
    enum date_basis issue_basis;
    const char *ref;
    bool currency_written;

    invoice_init(inv);
    inv->source = doc->origin->source;
    str_copy(inv->origin, sizeof inv->origin, doc->origin->label);
    segment_fields(doc, seg, head, f);
    if (hit == NULL)
        return false;
    str_copy(inv->number, sizeof inv->number, hit->number);
    str_copy(inv->buyer_ids, sizeof inv->buyer_ids, doc->buyer_ids);
    inv->type = doc->kind.kind == DOC_KIND_CREDIT_NOTE ? INVOICE_TYPE_CREDIT_NOTE : INVOICE_TYPE_INVOICE;
    /* UNTDID 1001: 380 invoice, 386 prepayment invoice, 381 credit note. */
    inv->type_code = doc->kind.kind == DOC_KIND_CREDIT_NOTE       ? 381
                     : doc->kind.kind == DOC_KIND_DEPOSIT_INVOICE ? 386
                                                                  : 380;
    if (inv->type == INVOICE_TYPE_CREDIT_NOTE && (ref = referenced_number(doc, hit->number)) != NULL)
        str_copy(inv->referenced_number, sizeof inv->referenced_number, ref);
    set_issue_date(doc, hit, f, inv, &issue_basis);
    set_due_date(f, inv);
    inv->has_amount_due = f->has_amount;
    /* A credit note's amount is what it takes off, written with or
     * without a minus sign. */
    inv->amount_due = !f->has_amount                                       ? 0
                      : inv->type == INVOICE_TYPE_CREDIT_NOTE && f->amount < 0 ? -f->amount
                                                                                : f->amount;
    currency_written = f->currency[0] != '\0' || doc->currency[0] != '\0';
    str_copy(inv->currency, sizeof inv->currency, f->currency[0] ? f->currency : doc->currency);
    if (inv->currency[0] == '\0' && (doc->lang == TEXT_LANG_FR || doc->lang == TEXT_LANG_DE))
        str_copy(inv->currency, sizeof inv->currency, "EUR"); /* France and Germany write euros */
    inv->confidence = confidence_of(doc, f, issue_basis, currency_written);
    return true;
}

/* ------------------------------------------------------------------ */
/* Decisions                                                           */

static void reject_kind(const struct text_doc *doc, struct invoice_scan *scan)
{
    struct invoice inv;
    char why[INVOICE_WHY_MAX];

    invoice_init(&inv);
    inv.source = doc->origin->source;
    inv.confidence = 0;
    str_copy(inv.origin, sizeof inv.origin, doc->origin->label);
    if (doc->numbers.count > 0)
        str_copy(inv.number, sizeof inv.number, doc->numbers.items[0].number);
    str_format(why, sizeof why, "%s, not an invoice to collect ('%s')", doc_kind_name(doc->kind.kind),
               doc->kind.evidence);
    invoice_scan_reject(scan, &inv, doc_kind_name(doc->kind.kind), why);
    strlist_addf(&scan->notes, "%s: %s", doc->origin->label, why);
}

/* True when the invoice says it needs no payment. */
static bool paid_reason(const struct text_doc *doc, const struct text_fields *f, const struct invoice *inv,
                        char *why, size_t size)
{
    if (inv->type == INVOICE_TYPE_CREDIT_NOTE)
        return false;
    if (doc->kind.paid_marked)
        str_format(why, size, "marked paid ('%s')", doc->kind.paid_evidence);
    else if (f->zero_balance)
        str_copy(why, size, "nothing left to pay (an amount to pay of 0.00)");
    return doc->kind.paid_marked || f->zero_balance;
}

static int read_segment(const struct text_doc *doc, const struct segment *seg, const struct segment *head,
                        struct invoice_scan *scan)
{
    struct text_fields f;
    struct invoice inv;
    struct strbuf what;
    char why[INVOICE_WHY_MAX];

    if (!build_record(doc, seg, head, &inv, &f)) {
        strlist_addf(&scan->notes, "%s: %s '%s' without an invoice number: nothing to track",
                     doc->origin->label, doc_kind_name(doc->kind.kind), doc->kind.evidence);
        return 0;
    }
    strbuf_init(&what);
    describe_record(doc, &f, &inv, &what);
    if (paid_reason(doc, &f, &inv, why, sizeof why)) {
        invoice_scan_reject(scan, &inv, doc_kind_name(doc->kind.kind), why);
        strlist_addf(&scan->notes, "%s: %s: not tracked: %s", doc->origin->label, what.data, why);
        strbuf_free(&what);
        return 0;
    }
    strlist_addf(&scan->notes, "%s: read %s, confidence %d", doc->origin->label, what.data, inv.confidence);
    strbuf_free(&what);
    invoice_scan_merge(scan, &inv);
    return 1;
}

int invoice_text_read(const char *utf8, size_t len, const struct text_origin *origin,
                      const struct scan_limits *limits, struct invoice_scan *scan)
{
    struct segment segs[TEXT_SEGMENTS_MAX], whole, head;
    struct text_doc doc;
    int found = 0, n;

    memset(&doc, 0, sizeof doc);
    doc_prepare(&doc, utf8, len, origin, limits->pdf_max_text);
    if (doc.kind.kind == DOC_KIND_UNKNOWN) {
        free(doc.text);
        return 0;
    }
    text_find_numbers(doc.text, doc.end, doc.order, &doc.numbers);
    if (!doc_kind_is_tracked(doc.kind.kind)) {
        reject_kind(&doc, scan);
        free(doc.text);
        return 0;
    }
    doc_buyer_ids(&doc);
    whole.start = doc.text;
    whole.end = doc.end;
    n = cut_segments(&doc, segs);
    if (n < 2 || !segments_priced(&doc, segs, n)) {
        found = read_segment(&doc, &whole, NULL, scan);
    } else {
        head.start = doc.text;
        head.end = segs[0].start;
        for (int i = 0; i < n; i++)
            found += read_segment(&doc, &segs[i], &head, scan);
    }
    free(doc.text);
    return found;
}
