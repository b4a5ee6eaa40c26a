/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * payment_terms.c - payment terms in words, and their due date (see
 * payment_terms.h for what is understood and the conventions applied).
 *
 * Text is read clause by clause (a line, cut at ';', at ", " and at the
 * end of a sentence), so that "30 jours, pas d'escompte" keeps its terms.
 * A clause counts only when it or the line above it speaks of payment,
 * and never when it speaks of something that also comes in days (a
 * quote's validity, delivery, warranty, late penalties, an early payment
 * discount).
 */
#include "text/payment_terms.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "text/text_fold.h"

/* Longest terms text read from a structured invoice. */
#define TERMS_TEXT_MAX 4096

static const char *const payment_words[] = {
    "paiement", "payable",    "payables",  "payer",   "reglement",    "regler",
    "echeance", "conditions", "condition", "terms",   "payment",      "pay",
    "due",      "net",        "zahlbar",   "zahlung", "zahlungsziel", "zahlungsbedingungen",
    "credit",   NULL,
};

static const char *const excluded_words[] = {
    "escompte",  "skonto",        "discount",      "valable",      "valid",        "validite",
    "validity",  "livraison",     "delivery",      "livre",        "delivered",    "garantie",
    "warranty",  "retard",        "late",          "penalite",     "penalites",    "penalty",
    "penalties", "interet",       "interets",      "interest",     "retour",       "return",
    "rembourse", "remboursement", "refund",        "retractation", "annulation",   "cancellation",
    "lieferung", "gultig",        "en cas de",     "si paiement",  "si reglement", "anticipe",
    "if paid",   "if payment",    "early payment", NULL,
};

static const char *const day_units[] = {"jours", "jour", "j", "days", "day", "tagen", "tage", "tag", NULL};
static const char *const fr_end_of_month[] = {"fin de mois", "fin du mois", "fdm", "f.d.m", NULL};
static const char *const eom_first_after[] = {
    "a compter de la fin du mois",
    "a compter de la fin de mois",
    "apres la fin du mois",
    "apres la fin de mois",
    "apres fin de mois",
    "after the end of the month",
    "after end of month",
    "from the end of the month",
    "from end of month",
    "end of month",
    "end of the month",
    "eom",
    NULL,
};
static const char *const receipt_phrases[] = {
    "a reception",
    "des reception",
    "a la reception",
    "des la reception",
    "au comptant",
    "comptant",
    "upon receipt",
    "on receipt",
    "payable immediately",
    "immediate payment",
    "due immediately",
    "paiement immediat",
    "sofort",
    NULL,
};

/* A clause: [start, end) of one line. */
struct clause {
    const char *start;
    const char *end;
};

static bool clause_has_word(const struct clause *c, const char *const *words)
{
    for (size_t i = 0; words[i] != NULL; i++) {
        size_t len;

        if (text_find(c->start, c->end, words[i], &len) != NULL)
            return true;
    }
    return false;
}

/* A day count of 0..365 at s, as a whole word; returns bytes. */
static size_t read_day_count(const char *s, int *days)
{
    size_t n = 0;
    int v = 0;

    while (n < 3 && text_is_digit(s[n]))
        v = v * 10 + (s[n++] - '0');
    if (n == 0 || text_is_digit(s[n]) || v > PAYMENT_TERMS_MAX_DAYS)
        return 0;
    /* "Net 30,00 EUR" is an amount, not terms. */
    if ((s[n] == ',' || s[n] == '.') && text_is_digit(s[n + 1]))
        return 0;
    *days = v;
    return n;
}

/* "45 jours fin de mois", "30 days EOM", "60 jours date de facture". */
static size_t read_days_phrase(const char *s, struct payment_terms *out)
{
    const char *p;
    size_t n = read_day_count(s, &out->days), len;

    if (n == 0)
        return 0;
    p = text_skip_spaces(s + n);
    if (text_match_any(p, day_units, &len) == NULL)
        return 0;
    p = text_skip_spaces(p + len);
    if ((len = text_match(p, "nets")) > 0 || (len = text_match(p, "net")) > 0)
        p = text_skip_spaces(p + len); /* "30 jours nets fin de mois" */
    if (text_match_any(p, eom_first_after, &len) != NULL) {
        out->kind = TERMS_END_OF_MONTH_DAYS;
        return (size_t)(p + len - s);
    }
    if (text_match_any(p, fr_end_of_month, &len) != NULL) {
        out->kind = TERMS_DAYS_END_OF_MONTH;
        return (size_t)(p + len - s);
    }
    out->kind = TERMS_DAYS;
    return (size_t)(p - s);
}

/* "Net 30", "net 30 EOM". */
static size_t read_net_phrase(const char *s, struct payment_terms *out)
{
    size_t n = text_match(s, "net"), k, len;
    const char *p;

    if (n == 0)
        return 0;
    p = text_skip_spaces(s + n);
    if (p == s + n || (k = read_day_count(p, &out->days)) == 0)
        return 0;
    p += k;
    if (text_is_alpha(*p))
        return 0;
    p = text_skip_spaces(p);
    if (text_match_any(p, day_units, &len) != NULL)
        p = text_skip_spaces(p + len);
    if (text_match(p, "eom") > 0) {
        out->kind = TERMS_END_OF_MONTH_DAYS;
        return (size_t)(p + 3 - s);
    }
    out->kind = TERMS_DAYS;
    return (size_t)(p - s);
}

/* "fin de mois + 45 jours", "fin de mois" alone. */
static size_t read_end_of_month_first(const char *s, struct payment_terms *out)
{
    const char *p, *unit;
    size_t len, k;

    if (text_match_any(s, fr_end_of_month, &len) == NULL)
        return 0;
    out->kind = TERMS_END_OF_MONTH_DAYS;
    out->days = 0;
    p = text_skip_spaces(s + len);
    if (*p == '+' || *p == ',')
        p = text_skip_spaces(p + 1);
    else if ((k = text_match(p, "plus")) > 0)
        p = text_skip_spaces(p + k);
    if ((k = read_day_count(p, &out->days)) == 0) {
        out->days = 0;
        return len;
    }
    unit = text_skip_spaces(p + k);
    if (text_match_any(unit, day_units, &k) == NULL) {
        out->days = 0;
        return len;
    }
    return (size_t)(unit + k - s);
}

/* Terms that say nothing but payment terms, wherever they stand. */
static bool self_evident(const char *s, const struct payment_terms *t)
{
    return text_match(s, "net") > 0 || t->kind == TERMS_DAYS_END_OF_MONTH ||
           (t->kind == TERMS_END_OF_MONTH_DAYS && t->days > 0);
}

/* The terms phrase of one clause, if any. */
static bool read_clause(const struct clause *c, bool context, struct payment_terms *out, const char **at,
                        size_t *len)
{
    for (const char *s = c->start; s < c->end; s++) {
        size_t n = 0;

        if (!text_word_start(c->start, s))
            continue;
        memset(out, 0, sizeof *out);
        if (text_is_digit(*s))
            n = read_days_phrase(s, out);
        else if ((n = read_net_phrase(s, out)) == 0 && (n = read_end_of_month_first(s, out)) == 0 &&
                 text_match_any(s, receipt_phrases, &n) != NULL)
            out->kind = TERMS_ON_RECEIPT;
        if (n == 0 || (!context && !self_evident(s, out)))
            continue;
        *at = s;
        *len = n;
        return true;
    }
    return false;
}

/* A sentence ends at ". " after a word of two characters or more; "30 j.
 * fin de mois" and "f.d.m." go on. */
static bool sentence_end(const char *start, const char *s, const char *line_end)
{
    return *s == '.' && s + 1 < line_end && s[1] == ' ' && s - start >= 2 && text_is_alnum(s[-1]) &&
           text_is_alnum(s[-2]);
}

/* The next clause after *pos within the line ending at line_end. */
static bool next_clause(const char **pos, const char *line_end, struct clause *c)
{
    const char *s = *pos;

    if (s >= line_end)
        return false;
    c->start = s;
    while (s < line_end && *s != ';' && !(*s == ',' && s[1] == ' ') && !sentence_end(c->start, s, line_end))
        s++;
    c->end = s;
    *pos = s < line_end ? s + 1 : s;
    return true;
}

static bool read_line(const char *line, const char *prev_line, struct payment_terms *out, const char **at,
                      size_t *len)
{
    const char *line_end = text_line_end(line), *pos = line;
    struct clause c, prev = {prev_line, prev_line ? text_line_end(prev_line) : NULL};
    bool prev_context =
        prev_line != NULL && clause_has_word(&prev, payment_words) && !clause_has_word(&prev, excluded_words);

    while (next_clause(&pos, line_end, &c)) {
        if (clause_has_word(&c, excluded_words))
            continue;
        if (read_clause(&c, prev_context || clause_has_word(&c, payment_words), out, at, len))
            return true;
    }
    return false;
}

bool payment_terms_find(const char *text, struct payment_terms *out, const char **at, size_t *len)
{
    const char *prev = NULL, *dummy_at;
    size_t dummy_len;

    if (at == NULL)
        at = &dummy_at;
    if (len == NULL)
        len = &dummy_len;
    memset(out, 0, sizeof *out);
    for (const char *line = text; line != NULL; prev = line, line = text_next_line(line)) {
        if (read_line(line, prev, out, at, len))
            return true;
    }
    memset(out, 0, sizeof *out);
    return false;
}

bool payment_terms_parse_utf8(const char *text, struct payment_terms *out)
{
    char *folded = text_fold(text, strlen(text), TERMS_TEXT_MAX);
    bool found = payment_terms_find(folded, out, NULL, NULL);

    free(folded);
    return found;
}

struct date payment_terms_due(const struct payment_terms *terms, struct date issue)
{
    struct date none = {0, 0, 0};

    if (!date_is_set(issue))
        return none;
    switch (terms->kind) {
    case TERMS_ON_RECEIPT:
        return issue;
    case TERMS_DAYS:
        return date_add_days(issue, terms->days);
    case TERMS_DAYS_END_OF_MONTH:
        return date_end_of_month(date_add_days(issue, terms->days));
    case TERMS_END_OF_MONTH_DAYS:
        return date_add_days(date_end_of_month(issue), terms->days);
    case TERMS_NONE:
        break;
    }
    return none;
}

void payment_terms_describe(const struct payment_terms *terms, char *out, size_t size)
{
    switch (terms->kind) {
    case TERMS_ON_RECEIPT:
        str_copy(out, size, "on receipt");
        break;
    case TERMS_DAYS:
        str_format(out, size, "%d days", terms->days);
        break;
    case TERMS_DAYS_END_OF_MONTH:
        str_format(out, size, "%d days then end of month", terms->days);
        break;
    case TERMS_END_OF_MONTH_DAYS:
        str_format(out, size, "end of month then %d days", terms->days);
        break;
    case TERMS_NONE:
        str_copy(out, size, "none");
        break;
    }
}
