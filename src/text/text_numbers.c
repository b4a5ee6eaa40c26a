/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_numbers.c - labelled invoice and credit note numbers (see
 * text_numbers.h).
 *
 * A label is a document word ("facture", "invoice", "avoir", ...) that may
 * be followed by a qualifier ("d'origine") and a number marker ("n°", "#",
 * "number", "Nr."), or a marker followed by the document word ("N° de
 * facture"). When a label ends its line, its value is the first token of
 * the next line (tables put labels above values); a bare document word
 * never reaches across lines, since the line below a title is an address
 * as often as a number.
 */
#include "text/text_numbers.h"

#include <string.h>

#include "lib/util.h"
#include "text/text_amounts.h"
#include "text/text_fold.h"

struct label {
    const char *words;
    enum number_class cls;
    bool strict; /* a common word: needs a marker, a colon or to start its line */
};

/* Document words, longer phrases first. */
static const struct label doc_words[] = {
    {"facture d'avoir", NUMBER_OF_CREDIT, false},
    {"facture avoir", NUMBER_OF_CREDIT, false},
    {"facture d'acompte", NUMBER_OF_INVOICE, false},
    {"facture acompte", NUMBER_OF_INVOICE, false},
    {"facture rectificative", NUMBER_OF_INVOICE, false},
    {"facture definitive", NUMBER_OF_INVOICE, false},
    {"facture de solde", NUMBER_OF_INVOICE, false},
    {"facture", NUMBER_OF_INVOICE, false},
    {"tax invoice", NUMBER_OF_INVOICE, false},
    {"deposit invoice", NUMBER_OF_INVOICE, false},
    {"invoice", NUMBER_OF_INVOICE, false},
    {"rechnungsnummer", NUMBER_OF_INVOICE, false},
    {"rechnungs-nr", NUMBER_OF_INVOICE, false},
    {"rechnung", NUMBER_OF_INVOICE, false},
    {"note de credit", NUMBER_OF_CREDIT, false},
    {"credit note", NUMBER_OF_CREDIT, false},
    {"credit memo", NUMBER_OF_CREDIT, false},
    {"gutschriftsnummer", NUMBER_OF_CREDIT, false},
    {"gutschrift", NUMBER_OF_CREDIT, false},
    {"avoir", NUMBER_OF_CREDIT, true}, /* also the verb "to have" */
};

/* Marker first, document word after: the whole label. */
static const struct label reversed_labels[] = {
    {"n# de facture", NUMBER_OF_INVOICE, false},     {"n# facture", NUMBER_OF_INVOICE, false},
    {"no de facture", NUMBER_OF_INVOICE, false},     {"no. de facture", NUMBER_OF_INVOICE, false},
    {"numero de facture", NUMBER_OF_INVOICE, false}, {"numero de la facture", NUMBER_OF_INVOICE, false},
    {"numero facture", NUMBER_OF_INVOICE, false},    {"num. facture", NUMBER_OF_INVOICE, false},
    {"ref. facture", NUMBER_OF_INVOICE, false},      {"ref facture", NUMBER_OF_INVOICE, false},
    {"reference facture", NUMBER_OF_INVOICE, false}, {"reference de la facture", NUMBER_OF_INVOICE, false},
    {"n# d'avoir", NUMBER_OF_CREDIT, false},         {"n# avoir", NUMBER_OF_CREDIT, false},
    {"numero d'avoir", NUMBER_OF_CREDIT, false},     {"numero de l'avoir", NUMBER_OF_CREDIT, false},
};

/* Markers between a document word and its number. */
static const char *const markers[] = {"n#",   "no.",    "no",        "nr.",    "nr",  "num.",
                                      "num",  "numero", "number",    "nummer", "nbr", "#",
                                      "ref.", "ref",    "reference", "id",     NULL};
/* Words that may sit between a document word and its marker. */
static const char *const qualifiers[] = {"d'origine", "originale",    "initiale",   "concernee",
                                         "corrigee",  "de reference", "referencee", "original",
                                         "related",   "referenced",   "simplifiee", NULL};
/* Words between a number and its date: "F-1 du 01/12/2026". */
static const char *const date_links[] = {"en date du", "emise le", "issued at", "issued on", "dated", "du",
                                         "of",         "von",      "vom",       "from",      "le",    NULL};

static bool token_char(char c)
{
    return text_is_alnum(c) || c == '/' || c == '_' || c == '.' || c == '-';
}

/* A number token at s; returns bytes read, 0 when there is none. */
static size_t read_token(const char *s, char out[TEXT_NUMBER_TOKEN_MAX + 1])
{
    struct text_amount amount;
    struct date d;
    size_t n = 0, len, amount_len;
    bool digit = false;

    if (!text_is_alnum(*s))
        return 0;
    while (token_char(s[n]) && n <= TEXT_NUMBER_TOKEN_MAX)
        n++;
    if (n > TEXT_NUMBER_TOKEN_MAX)
        return 0;
    len = n;
    while (len > 0 && (s[len - 1] == '.' || s[len - 1] == '-' || s[len - 1] == '/' || s[len - 1] == '_'))
        len--;
    for (size_t i = 0; i < len; i++)
        digit = digit || text_is_digit(s[i]);
    if (!digit || text_date_read(s, DATE_ORDER_DMY, &d) > 0 || *text_skip_spaces(s + n) == '%')
        return 0;
    /* "Facture 1 234,56 EUR" names an amount, not a number. */
    amount_len = text_amount_read(s, &amount);
    if (amount_len > n || (amount_len == n && amount.currency[0] != '\0'))
        return 0;
    memcpy(out, s, len);
    out[len] = '\0';
    return n;
}

/* The label starts its line: only quote marks and bullets before it. */
static bool at_line_start(const char *start, const char *s)
{
    while (s > start && (s[-1] == ' ' || s[-1] == '>' || s[-1] == '*' || s[-1] == '-' || s[-1] == '|'))
        s--;
    return s == start || s[-1] == '\n';
}

/* Skips qualifiers and markers after a document word; sets *marked when
 * a marker was there. */
static const char *skip_markers(const char *p, bool *marked)
{
    size_t len;

    *marked = false;
    for (int i = 0; i < 2 && text_match_any(text_skip_spaces(p), qualifiers, &len); i++)
        p = text_skip_spaces(p) + len;
    for (int i = 0; i < 2; i++) {
        const char *q = text_skip_label_punct(p);

        if (text_match_any(q, markers, &len) == NULL)
            break;
        /* "N#2026-0315": the marker glued to its number. */
        p = q + len;
        *marked = true;
    }
    return text_skip_label_punct(p);
}

/* The date right after a number: "du 01/12/2026", "of 3 November 2026". */
static void read_number_date(const char *after, enum date_order order, struct date *out)
{
    const char *p = text_skip_spaces(after);
    size_t len;

    if (*p == ',' || *p == '-')
        p = text_skip_spaces(p + 1);
    if (text_match_any(p, date_links, &len) != NULL)
        p = text_skip_spaces(p + len);
    if (text_date_read(p, order, out) == 0)
        memset(out, 0, sizeof *out);
}

static bool has_digit(const char *s, const char *end)
{
    for (; s < end; s++)
        if (text_is_digit(*s))
            return true;
    return false;
}

/* The first number token on the line at line; NULL when none. */
static const char *first_token_on_line(const char *line, char out[TEXT_NUMBER_TOKEN_MAX + 1], size_t *n)
{
    const char *end = text_line_end(line);

    for (const char *v = line; v < end; v++) {
        if (text_word_start(line, v) && (*n = read_token(v, out)) > 0)
            return v;
    }
    return NULL;
}

/* The next line after p's with a letter or digit (table rules such as
 * "|-----|" are skipped), its quote marks skipped. */
static const char *next_content_line(const char *p, const char *end)
{
    for (const char *line = text_next_line(p); line != NULL && line < end; line = text_next_line(line)) {
        const char *v = line, *line_end = text_line_end(line);

        while (*v == '>' || *v == ' ')
            v++;
        for (const char *q = v; q < line_end; q++)
            if (text_is_alnum(*q))
                return v;
    }
    return NULL;
}

/* The value of a label at p: on its line; else, when the label has a
 * marker and the rest of its line holds only other labels (a table
 * header), the first number on the next non-empty line; else, for a bare
 * title ("FACTURE"), a next line that starts with a marker ("N° F-1"). */
static const char *label_value(const char *p, const char *end, bool marked,
                               char out[TEXT_NUMBER_TOKEN_MAX + 1], size_t *n)
{
    const char *next;
    bool next_marked;

    if ((*n = read_token(p, out)) > 0)
        return p;
    if (has_digit(p, text_line_end(p)) || (next = next_content_line(p, end)) == NULL)
        return NULL;
    if (marked)
        return first_token_on_line(next, out, n);
    if (*p != '\n' && *p != '\0')
        return NULL;
    next = skip_markers(next, &next_marked);
    if (!next_marked || (*n = read_token(next, out)) == 0)
        return NULL;
    return next;
}

static bool add_hit(struct number_hits *hits, const struct number_hit *hit)
{
    if (hits->count >= TEXT_NUMBER_HITS_MAX)
        return false;
    hits->items[hits->count++] = *hit;
    return true;
}

/* Markers that name a number on their own at the start of a line. */
static const char *const line_markers[] = {"n#", "no.", "nr.", "numero", "number", "num.", NULL};

/* "N° F2026-0042" alone on its line. */
static bool generic_number_at(const char *start, const char *s, struct number_hit *hit, const char **value,
                              size_t *n)
{
    size_t len;
    const char *p;

    if (!at_line_start(start, s) || text_match_any(s, line_markers, &len) == NULL)
        return false;
    p = text_skip_label_punct(s + len);
    if ((*n = read_token(p, hit->number)) == 0)
        return false;
    hit->generic = true;
    *value = p;
    return true;
}

/* Tries the labels at s; returns where scanning goes on (s when none). */
static const char *number_at(const char *start, const char *s, const char *end, enum date_order order,
                             struct number_hits *hits)
{
    struct number_hit hit;
    const char *p = NULL, *value;
    bool marked = false;
    size_t len, n;

    memset(&hit, 0, sizeof hit);
    for (size_t i = 0; i < ARRAY_LEN(reversed_labels) && p == NULL; i++) {
        if ((len = text_match(s, reversed_labels[i].words)) > 0) {
            hit.cls = reversed_labels[i].cls;
            p = text_skip_label_punct(s + len);
            marked = true;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(doc_words) && p == NULL; i++) {
        if ((len = text_match(s, doc_words[i].words)) > 0) {
            hit.cls = doc_words[i].cls;
            p = skip_markers(s + len, &marked);
            if (doc_words[i].strict && !marked && !at_line_start(start, s) &&
                *text_skip_spaces(s + len) != ':')
                return s;
        }
    }
    if (p == NULL && !generic_number_at(start, s, &hit, &value, &n))
        return s;
    if (p != NULL && (value = label_value(p, end, marked, hit.number, &n)) == NULL)
        return s;
    hit.label = s;
    hit.value = value;
    hit.line_start = at_line_start(start, s);
    read_number_date(value + n, order, &hit.date);
    add_hit(hits, &hit);
    return value + n;
}

void text_find_numbers(const char *start, const char *end, enum date_order order, struct number_hits *out)
{
    out->count = 0;
    for (const char *s = start; s < end && *s != '\0' && out->count < TEXT_NUMBER_HITS_MAX;) {
        const char *next;

        if (!text_word_start(start, s) || !text_is_alpha(*s)) {
            s++;
            continue;
        }
        next = number_at(start, s, end, order, out);
        s = next > s ? next : s + 1;
    }
}
