/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_party_ids.c - SIREN, SIRET and VAT ids in invoice text, the
 * buyer's apart (see text_party_ids.h for when an id is the buyer's).
 */
#include "text/text_party_ids.h"

#include <string.h>

#include "text/text_fold.h"

/* Lines a buyer's address block may span below its heading. */
#define BLOCK_LINES_MAX 8

enum id_type { ID_DIGITS, ID_VAT };

struct id_label {
    const char *phrase;
    enum id_type type;
};

/* Longest first: the first that matches is taken. */
static const struct id_label id_labels[] = {
    {"SIRET", ID_DIGITS},
    {"SIREN", ID_DIGITS},
    {"TVA intracommunautaire", ID_VAT},
    {"TVA intra-communautaire", ID_VAT},
    {"TVA intracom", ID_VAT},
    {"TVA intra", ID_VAT},
    {"TVA", ID_VAT},
    {"VAT registration number", ID_VAT},
    {"VAT number", ID_VAT},
    {"VAT ID", ID_VAT},
    {"VAT", ID_VAT},
    {"USt-IdNr", ID_VAT},
};

/* Words between a label and its value ("SIRET du client :"). */
static const char *const filler_words[] = {
    "du", "de", "la", "l'", "le", "des", "client", "cliente", "acheteur", "customer", "buyer", "the", "of",
    "number", "numero", "no", "nr", "n", "id", "reg", "intracommunautaire", NULL,
};

static const char *const buyer_words[] = {"client", "cliente", "acheteur", "customer", "buyer", NULL};
static const char *const seller_words[] = {"fournisseur", "vendeur", "emetteur", "prestataire", "seller",
                                           "supplier", "vendor", NULL};

/* Headings of the buyer's address block, at the start of a line. Those
 * marked `colon` need one ("Client :"), so that "Client n# 42" is not
 * taken for a heading. */
struct heading {
    const char *phrase;
    bool colon;
};

static const struct heading buyer_headings[] = {
    {"Client", true},           {"Cliente", true},         {"Acheteur", true},
    {"Customer", true},         {"Buyer", true},           {"Destinataire", true},
    {"Facture a", false},       {"Facturer a", false},     {"Adresse de facturation", false},
    {"Bill to", false},         {"Billed to", false},      {"Invoice to", false},
    {"Sold to", false},
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* A run of two spaces or more after the line's first word parts columns
 * (a label's own padding, right after ':', does not). */
static bool has_columns(const char *ls, const char *le)
{
    const char *p = ls;

    while (p < le && is_space(*p))
        p++;
    for (; p + 1 < le; p++) {
        if (is_space(p[0]) && is_space(p[1]) && p[-1] != ':') {
            const char *q = p;
            while (q < le && is_space(*q))
                q++;
            if (q < le)
                return true;
            return false;
        }
    }
    return false;
}

/* Where the column holding p starts. */
static const char *column_start(const char *ls, const char *p)
{
    for (const char *q = p; q > ls + 1; q--) {
        if (is_space(q[-1]) && is_space(q[-2]) && !(q - 2 > ls && q[-3] == ':'))
            return q;
    }
    return ls;
}

static bool has_word(const char *s, const char *e, const char *const *words)
{
    for (const char *p = s; p < e; p++) {
        size_t n;
        if (text_word_start(s, p) && text_match_any(p, words, &n) && p + n <= e)
            return true;
    }
    return false;
}

static bool luhn(const char *digits)
{
    int sum = 0;
    size_t n = strlen(digits);

    for (size_t i = 0; i < n; i++) {
        int d = digits[n - 1 - i] - '0';
        if (i % 2 == 1 && (d *= 2) > 9)
            d -= 9;
        sum += d;
    }
    return sum % 10 == 0;
}

static bool valid_digits(const char *id)
{
    size_t n = strlen(id);

    if (n != 9 && n != 14)
        return false;
    /* La Poste's establishments share one SIREN and break the SIRET key. */
    return luhn(id) || (n == 14 && strncmp(id, "356000000", 9) == 0);
}

static bool valid_vat(const char *id)
{
    size_t n = strlen(id), digits = 0;

    if (n < 10 || n > 14 || !text_is_alpha(id[0]) || !text_is_alpha(id[1]))
        return false;
    for (size_t i = 2; i < n; i++)
        digits += text_is_digit(id[i]);
    if (digits < 5)
        return false;
    if (strncmp(id, "FR", 2) == 0) {
        long siren = 0;
        if (n != 13)
            return false;
        for (size_t i = 4; i < 13; i++) {
            if (!text_is_digit(id[i]))
                return false;
            siren = siren * 10 + (id[i] - '0');
        }
        if (text_is_digit(id[2]) && text_is_digit(id[3]))
            return (id[2] - '0') * 10 + (id[3] - '0') == (12 + 3 * (siren % 97)) % 97;
    }
    return true;
}

/* Reads a value at p: groups of letters and digits parted by one space
 * or dot, the groups after the first all digits. */
static bool read_value(const char *p, const char *le, enum id_type type, char out[TEXT_PARTY_ID_LEN])
{
    size_t n = 0;
    bool first = true;

    if (type == ID_VAT && !(p + 1 < le && text_is_alpha(p[0]) && text_is_alpha(p[1])))
        return false;
    if (type == ID_DIGITS && !(p < le && text_is_digit(*p)))
        return false;
    while (p < le) {
        const char *g = p;
        while (p < le && text_is_alnum(*p) && (first ? type == ID_VAT || text_is_digit(*p) : text_is_digit(*p)))
            p++;
        if (p == g || (p < le && text_is_alpha(*p)))
            break;
        if (n + (size_t)(p - g) >= TEXT_PARTY_ID_LEN)
            return false;
        for (const char *c = g; c < p; c++)
            out[n++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
        first = false;
        if (p + 1 < le && (*p == ' ' || *p == '.') && text_is_digit(p[1]))
            p++;
        else
            break;
    }
    out[n] = '\0';
    return type == ID_DIGITS ? valid_digits(out) : valid_vat(out);
}

static void add_id(struct text_id_list *list, const char *id)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i], id) == 0)
            return;
    if (list->count == TEXT_PARTY_IDS_MAX) {
        list->overflow = true;
        return;
    }
    memcpy(list->items[list->count++], id, TEXT_PARTY_ID_LEN);
}

/* Past the words and marks between a label and its value. */
static const char *skip_filler(const char *p, const char *le)
{
    for (;;) {
        size_t n;
        while (p < le && (is_space(*p) || *p == ':' || *p == '#' || *p == '-' || *p == '.' || *p == '('))
            p++;
        if (p < le && text_match_any(p, filler_words, &n) && p + n <= le)
            p += n;
        else
            return p;
    }
}

static bool line_starts_with_heading(const char *ls, const char *le)
{
    const char *p = ls;
    size_t n;

    while (p < le && is_space(*p))
        p++;
    for (size_t i = 0; i < sizeof buyer_headings / sizeof buyer_headings[0]; i++) {
        const char *q;
        if ((n = text_match(p, buyer_headings[i].phrase)) == 0 || p + n > le)
            continue;
        for (q = p + n; q < le && is_space(*q); q++)
            ;
        if (!buyer_headings[i].colon || q == le || *q == ':')
            return true;
    }
    return false;
}

/* The ids of one line; in_block: the line is in the buyer's block. */
static void read_line(const char *ls, const char *le, bool in_block, struct text_party_ids *out)
{
    for (const char *p = ls; p < le; p++) {
        char id[TEXT_PARTY_ID_LEN];
        const char *col, *value;
        size_t n = 0;
        const struct id_label *label = NULL;

        if (!text_word_start(ls, p))
            continue;
        for (size_t i = 0; i < sizeof id_labels / sizeof id_labels[0] && !label; i++)
            if ((n = text_match(p, id_labels[i].phrase)) > 0 && p + n <= le)
                label = &id_labels[i];
        if (label == NULL)
            continue;
        value = skip_filler(p + n, le);
        if (!read_value(value, le, label->type, id))
            continue;
        col = column_start(ls, p);
        if (has_word(col, value, seller_words))
            add_id(&out->other, id);
        else if (has_word(col, value, buyer_words) || in_block)
            add_id(&out->buyer, id);
        else
            add_id(&out->other, id);
        p = value;
    }
}

void text_party_ids_read(const char *start, const char *end, struct text_party_ids *out)
{
    bool in_block = false;
    int block_lines = 0;

    memset(out, 0, sizeof *out);
    for (const char *ls = start; ls < end;) {
        const char *le = memchr(ls, '\n', (size_t)(end - ls));
        const char *p = ls;
        bool columns;

        if (le == NULL)
            le = end;
        while (p < le && is_space(*p))
            p++;
        columns = has_columns(ls, le);
        if (p == le || columns || has_word(p, le, seller_words))
            in_block = false; /* a blank line, two columns or the seller's words end the block */
        else if (line_starts_with_heading(ls, le))
            in_block = true, block_lines = 0;
        read_line(ls, le, in_block, out);
        if (in_block && ++block_lines > BLOCK_LINES_MAX)
            in_block = false;
        ls = le + 1;
    }
}
