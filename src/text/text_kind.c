/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_kind.c - the kind of a business document, and its paid mark (see
 * text_kind.h for the order of the decision).
 *
 * All the vocabulary lives in the tables below; the code only decides
 * where a phrase stands (anywhere, a title line, the start of a line).
 */
#include "text/text_kind.h"

#include <string.h>

#include "lib/util.h"
#include "text/text_fold.h"

/* Lines a title may be found in: the subject and the top of a page. A
 * statement lists invoices further down, line after line. */
#define TITLE_ZONE_LINES 40

struct kind_phrase {
    const char *phrase;
    enum doc_kind kind;
};

/* Words no invoice uses. Order matters only between phrases that start
 * alike. */
static const struct kind_phrase definitive[] = {
    {"pro forma", DOC_KIND_PROFORMA},
    {"proforma", DOC_KIND_PROFORMA},
    {"pro-forma", DOC_KIND_PROFORMA},
    {"bon pour accord", DOC_KIND_QUOTE},
    {"devis valable", DOC_KIND_QUOTE},
    {"ce devis", DOC_KIND_QUOTE},
    {"validite du devis", DOC_KIND_QUOTE},
    {"validite de l'offre", DOC_KIND_QUOTE},
    {"duree de validite", DOC_KIND_QUOTE},
    {"offre valable", DOC_KIND_QUOTE},
    {"proposition valable", DOC_KIND_QUOTE},
    {"this quote", DOC_KIND_QUOTE},
    {"this quotation", DOC_KIND_QUOTE},
    {"this estimate", DOC_KIND_QUOTE},
    {"quote is valid", DOC_KIND_QUOTE},
    {"quotation is valid", DOC_KIND_QUOTE},
    {"valid until", DOC_KIND_QUOTE},
    {"dieses angebot", DOC_KIND_QUOTE},
    {"confirmation de commande", DOC_KIND_ORDER},
    {"confirmation de votre commande", DOC_KIND_ORDER},
    {"accuse de reception de commande", DOC_KIND_ORDER},
    {"accuse de reception de votre commande", DOC_KIND_ORDER},
    {"order confirmation", DOC_KIND_ORDER},
    {"we have received your order", DOC_KIND_ORDER},
    {"nous avons bien recu votre commande", DOC_KIND_ORDER},
    {"auftragsbestatigung", DOC_KIND_ORDER},
    {"recu de paiement", DOC_KIND_RECEIPT},
    {"recu de reglement", DOC_KIND_RECEIPT},
    {"confirmation de paiement", DOC_KIND_RECEIPT},
    {"confirmation de reglement", DOC_KIND_RECEIPT},
    {"confirmation de votre paiement", DOC_KIND_RECEIPT},
    {"confirmation de votre reglement", DOC_KIND_RECEIPT},
    {"nous avons bien recu votre reglement", DOC_KIND_RECEIPT},
    {"nous avons bien recu votre paiement", DOC_KIND_RECEIPT},
    {"nous avons bien recu votre virement", DOC_KIND_RECEIPT},
    {"nous accusons reception de votre reglement", DOC_KIND_RECEIPT},
    {"nous accusons reception de votre paiement", DOC_KIND_RECEIPT},
    {"merci pour votre paiement", DOC_KIND_RECEIPT},
    {"merci pour votre reglement", DOC_KIND_RECEIPT},
    {"thank you for your payment", DOC_KIND_RECEIPT},
    {"we have received your payment", DOC_KIND_RECEIPT},
    {"we received your payment", DOC_KIND_RECEIPT},
    {"your payment has been received", DOC_KIND_RECEIPT},
    {"payment confirmation", DOC_KIND_RECEIPT},
    {"payment receipt", DOC_KIND_RECEIPT},
    {"receipt for your payment", DOC_KIND_RECEIPT},
    {"remittance advice", DOC_KIND_RECEIPT},
    {"we've refunded", DOC_KIND_RECEIPT},
    {"we have refunded", DOC_KIND_RECEIPT},
    {"your refund", DOC_KIND_RECEIPT},
    {"refund has been processed", DOC_KIND_RECEIPT},
    {"avons procede au remboursement", DOC_KIND_RECEIPT},
    {"remboursement a ete effectue", DOC_KIND_RECEIPT},
    {"votre remboursement", DOC_KIND_RECEIPT},
    {"avis de paiement", DOC_KIND_RECEIPT},
    {"zahlungsbestatigung", DOC_KIND_RECEIPT},
    {"releve de compte", DOC_KIND_STATEMENT},
    {"releve de factures", DOC_KIND_STATEMENT},
    {"releve des factures", DOC_KIND_STATEMENT},
    {"situation de compte", DOC_KIND_STATEMENT},
    {"situation de votre compte", DOC_KIND_STATEMENT},
    {"etat de compte", DOC_KIND_STATEMENT},
    {"recapitulatif des factures", DOC_KIND_STATEMENT},
    {"statement of account", DOC_KIND_STATEMENT},
    {"account statement", DOC_KIND_STATEMENT},
    {"kontoauszug", DOC_KIND_STATEMENT},
    {"sauf erreur de notre part", DOC_KIND_REMINDER},
    {"reste impayee", DOC_KIND_REMINDER},
    {"restent impayees", DOC_KIND_REMINDER},
    {"demeure impayee", DOC_KIND_REMINDER},
    {"toujours impayee", DOC_KIND_REMINDER},
    {"n'a pas ete reglee", DOC_KIND_REMINDER},
    {"n'ont pas ete reglees", DOC_KIND_REMINDER},
    {"n'avons pas recu votre reglement", DOC_KIND_REMINDER},
    {"n'avons pas recu votre paiement", DOC_KIND_REMINDER},
    {"n'avons pas encore recu", DOC_KIND_REMINDER},
    {"mise en demeure", DOC_KIND_REMINDER},
    {"rappel de paiement", DOC_KIND_REMINDER},
    {"relance de paiement", DOC_KIND_REMINDER},
    {"relance pour facture", DOC_KIND_REMINDER},
    {"is overdue", DOC_KIND_REMINDER},
    {"are overdue", DOC_KIND_REMINDER},
    {"now overdue", DOC_KIND_REMINDER},
    {"past due", DOC_KIND_REMINDER},
    {"remains unpaid", DOC_KIND_REMINDER},
    {"remain unpaid", DOC_KIND_REMINDER},
    {"still unpaid", DOC_KIND_REMINDER},
    {"has not been paid", DOC_KIND_REMINDER},
    {"have not been paid", DOC_KIND_REMINDER},
    {"have not yet received", DOC_KIND_REMINDER},
    {"payment reminder", DOC_KIND_REMINDER},
    {"zahlungserinnerung", DOC_KIND_REMINDER},
    {"mahnung", DOC_KIND_REMINDER},
};

/* Words that name a document when they start a line. Longer phrases come
 * before the words they start with. */
static const struct kind_phrase headings[] = {
    {"facture d'acompte", DOC_KIND_DEPOSIT_INVOICE},
    {"facture acompte", DOC_KIND_DEPOSIT_INVOICE},
    {"deposit invoice", DOC_KIND_DEPOSIT_INVOICE},
    {"down payment invoice", DOC_KIND_DEPOSIT_INVOICE},
    {"anzahlungsrechnung", DOC_KIND_DEPOSIT_INVOICE},
    {"facture d'avoir", DOC_KIND_CREDIT_NOTE},
    {"facture avoir", DOC_KIND_CREDIT_NOTE},
    {"note de credit", DOC_KIND_CREDIT_NOTE},
    {"credit note", DOC_KIND_CREDIT_NOTE},
    {"credit memo", DOC_KIND_CREDIT_NOTE},
    {"gutschrift", DOC_KIND_CREDIT_NOTE},
    {"avoir", DOC_KIND_CREDIT_NOTE},
    {"facture", DOC_KIND_INVOICE},
    {"tax invoice", DOC_KIND_INVOICE},
    {"commercial invoice", DOC_KIND_INVOICE},
    {"invoice", DOC_KIND_INVOICE},
    {"rechnung", DOC_KIND_INVOICE},
    {"devis", DOC_KIND_QUOTE},
    {"quotation", DOC_KIND_QUOTE},
    {"quote", DOC_KIND_QUOTE},
    {"estimate", DOC_KIND_QUOTE},
    {"offre de prix", DOC_KIND_QUOTE},
    {"proposition commerciale", DOC_KIND_QUOTE},
    {"angebot", DOC_KIND_QUOTE},
    {"bon de commande", DOC_KIND_ORDER},
    {"purchase order", DOC_KIND_ORDER},
    {"bestellung", DOC_KIND_ORDER},
    {"recu", DOC_KIND_RECEIPT},
    {"receipt", DOC_KIND_RECEIPT},
    {"quittung", DOC_KIND_RECEIPT},
    {"releve", DOC_KIND_STATEMENT},
    {"statement", DOC_KIND_STATEMENT},
    {"rappel", DOC_KIND_REMINDER},
    {"relance", DOC_KIND_REMINDER},
    {"reminder", DOC_KIND_REMINDER},
    {"second reminder", DOC_KIND_REMINDER},
    {"final reminder", DOC_KIND_REMINDER},
};

/* Mentions of an invoice in running text. */
static const char *const invoice_mentions[] = {"facture",  "factures", "invoice",     "invoices",
                                               "rechnung", "avoir n#", "credit note", NULL};

/* Paid marks, anywhere. */
static const char *const paid_phrases[] = {
    "acquittee",    "acquitte",          "facture reglee",     "facture payee", "payee le",
    "reglee le",    "payee en totalite", "reglee en totalite", "deja reglee",   "deja payee",
    "paid in full", "fully paid",        "was paid",           "has been paid", "have been paid",
    "status: paid", "statut : payee",    "statut: payee",      "bezahlt am",    "invoice paid",
    NULL,
};
/* Paid marks that are a line of their own, in capitals ("PAID" stamp). */
static const char *const paid_stamps[] = {"PAID", "PAYEE", "PAYE", "REGLEE", "ACQUITTEE", "BEZAHLT", NULL};
/* Words that make a following paid mark conditional or negated. */
static const char *const conditional_words[] = {"si",      "if",      "not",   "non",     "pas",
                                                "unless",  "ne",      "sinon", "whether", "once",
                                                "des que", "lorsque", "when",  NULL};

static const char *const kind_names[] = {
    [DOC_KIND_UNKNOWN] = "unknown",
    [DOC_KIND_INVOICE] = "invoice",
    [DOC_KIND_DEPOSIT_INVOICE] = "deposit invoice",
    [DOC_KIND_CREDIT_NOTE] = "credit note",
    [DOC_KIND_QUOTE] = "quote",
    [DOC_KIND_ORDER] = "order",
    [DOC_KIND_PROFORMA] = "pro-forma invoice",
    [DOC_KIND_RECEIPT] = "payment receipt",
    [DOC_KIND_STATEMENT] = "statement",
    [DOC_KIND_REMINDER] = "reminder",
};

const char *doc_kind_name(enum doc_kind kind)
{
    return (size_t)kind < ARRAY_LEN(kind_names) && kind_names[kind] ? kind_names[kind] : "unknown";
}

bool doc_kind_is_tracked(enum doc_kind kind)
{
    return kind == DOC_KIND_INVOICE || kind == DOC_KIND_DEPOSIT_INVOICE || kind == DOC_KIND_CREDIT_NOTE;
}

/* Copies the line around s, trimmed, as evidence. */
static void set_evidence(char out[KIND_EVIDENCE_MAX], const char *text, const char *s)
{
    const char *start = s, *end = text_line_end(s);

    while (start > text && start[-1] != '\n')
        start--;
    start = text_skip_spaces(start);
    str_copyn(out, KIND_EVIDENCE_MAX, start, (size_t)(end - start));
    str_trim(out);
}

/* Where a heading word may start on a line: after quote marks, bullets,
 * and subject prefixes ("Objet :", "Subject:", "Re:", "Fwd:", "TR:"). */
static const char *heading_start(const char *line)
{
    static const char *const prefixes[] = {"objet", "subject", "sujet", "betreff", "re", "fwd",
                                           "fw",    "tr",      "aw",    "wg",      NULL};
    const char *s = line;
    bool moved = true;

    while (moved) {
        size_t len;

        moved = false;
        while (*s == ' ' || *s == '>' || *s == '*' || *s == '-' || *s == '|' || *s == '#') {
            s++;
            moved = true;
        }
        if (text_match_any(s, prefixes, &len) != NULL && *text_skip_spaces(s + len) == ':') {
            s = text_skip_spaces(s + len) + 1;
            moved = true;
        }
    }
    return s;
}

/* "avoir" starts a heading only as a noun: alone, or before a number
 * marker or a colon ("Avoir n° A-12"), never "avoir reçu ...". */
static bool avoir_is_noun(const char *after)
{
    after = text_skip_spaces(after);
    return *after == '\n' || *after == '\0' || *after == ':' || *after == '#' ||
           text_match(after, "n#") > 0 || text_match(after, "no") > 0 || text_match(after, "numero") > 0 ||
           text_is_digit(*after) || (after[0] >= 'A' && after[0] <= 'Z');
}

/* A line that holds nothing but the heading, a number and a date, in any
 * case ("FACTURE", "Devis", "INVOICE #123"): the title. */
static bool is_title_line(const char *after)
{
    const char *end = text_line_end(after);

    after = text_skip_label_punct(after);
    if (after >= end)
        return true;
    /* Capitals are a title's look: "FACTURE N# 12", "INVOICE". */
    for (const char *p = after; p < end; p++)
        if (*p >= 'a' && *p <= 'z')
            return false;
    return true;
}

struct heading_hit {
    enum doc_kind kind;
    bool title;
    const char *at;
};

static bool heading_at(const char *line, struct heading_hit *hit)
{
    const char *s = heading_start(line);

    for (size_t i = 0; i < ARRAY_LEN(headings); i++) {
        size_t len = text_match(s, headings[i].phrase);

        if (len == 0)
            continue;
        if (headings[i].kind == DOC_KIND_CREDIT_NOTE && strcmp(headings[i].phrase, "avoir") == 0 &&
            !avoir_is_noun(s + len))
            return false;
        hit->kind = headings[i].kind;
        hit->at = s;
        hit->title = is_title_line(s + len);
        return true;
    }
    return false;
}

static bool find_definitive(const char *text, struct doc_kind_result *out)
{
    const char *end = text + strlen(text);

    for (size_t i = 0; i < ARRAY_LEN(definitive); i++) {
        size_t len;
        const char *at = text_find(text, end, definitive[i].phrase, &len);

        if (at != NULL) {
            out->kind = definitive[i].kind;
            out->basis = KIND_BASIS_DEFINITIVE;
            set_evidence(out->evidence, text, at);
            return true;
        }
    }
    return false;
}

/* The best heading: a title line beats a heading; the first wins. */
static bool find_heading(const char *text, struct doc_kind_result *out)
{
    struct heading_hit best = {DOC_KIND_UNKNOWN, false, NULL};
    int n = 0;

    for (const char *line = text; line != NULL && n < TITLE_ZONE_LINES; line = text_next_line(line), n++) {
        struct heading_hit hit;

        if (!heading_at(line, &hit))
            continue;
        if (best.at == NULL || (hit.title && !best.title))
            best = hit;
    }
    if (best.at == NULL)
        return false;
    out->kind = best.kind;
    out->basis = best.title ? KIND_BASIS_TITLE : KIND_BASIS_HEADING;
    set_evidence(out->evidence, text, best.at);
    return true;
}

static bool find_mention(const char *text, struct doc_kind_result *out)
{
    const char *end = text + strlen(text);

    for (size_t i = 0; invoice_mentions[i] != NULL; i++) {
        size_t len;
        const char *at = text_find(text, end, invoice_mentions[i], &len);

        if (at != NULL) {
            out->kind = strcmp(invoice_mentions[i], "avoir n#") == 0 ||
                                strcmp(invoice_mentions[i], "credit note") == 0
                            ? DOC_KIND_CREDIT_NOTE
                            : DOC_KIND_INVOICE;
            out->basis = KIND_BASIS_MENTION;
            set_evidence(out->evidence, text, at);
            return true;
        }
    }
    return false;
}

/* True when a conditional or negating word comes shortly before at, in
 * the same sentence: "si vous avez déjà réglé", "if not paid". */
static bool conditional_before(const char *text, const char *at)
{
    const char *start = at;

    while (start > text && at - start < 60 && start[-1] != '\n' && start[-1] != '.')
        start--;
    for (const char *s = start; s < at; s++) {
        size_t len;

        if (text_word_start(start, s) && text_match_any(s, conditional_words, &len) != NULL)
            return true;
    }
    return false;
}

static bool is_stamp_line(const char *line)
{
    const char *s = heading_start(line), *end = text_line_end(line);
    size_t len;

    for (size_t i = 0; paid_stamps[i] != NULL; i++) {
        len = strlen(paid_stamps[i]);
        if (strncmp(s, paid_stamps[i], len) == 0 && text_skip_label_punct(s + len) >= end)
            return true;
    }
    return false;
}

static void find_paid_mark(const char *text, struct doc_kind_result *out)
{
    const char *end = text + strlen(text);

    for (size_t i = 0; paid_phrases[i] != NULL; i++) {
        size_t len;

        for (const char *at = text; (at = text_find(at, end, paid_phrases[i], &len)) != NULL; at += len) {
            if (!conditional_before(text, at)) {
                out->paid_marked = true;
                set_evidence(out->paid_evidence, text, at);
                return;
            }
        }
    }
    for (const char *line = text; line != NULL; line = text_next_line(line)) {
        if (is_stamp_line(line)) {
            out->paid_marked = true;
            set_evidence(out->paid_evidence, text, line);
            return;
        }
    }
}

void text_kind_detect(const char *folded, struct doc_kind_result *out)
{
    memset(out, 0, sizeof *out);
    if (!find_definitive(folded, out) && !find_heading(folded, out))
        find_mention(folded, out);
    if (doc_kind_is_tracked(out->kind))
        find_paid_mark(folded, out);
}
