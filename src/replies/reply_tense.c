/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_tense.c - the tense of payment verbs (reply_infer.h): a payment
 * that has left is paid, one that will leave is a promise, whatever words
 * the lexicon knows.
 *
 * Debtors who have paid often say so with the transfer as subject and a
 * past participle, and no "payé" ("le virement a été émis / est parti /
 * a été ordonné"), or with a person as subject ("on a viré"). The rules
 * look from a payment word (or a subject pronoun) a few words ahead in
 * the same clause: a future marker first makes a promise, a participle
 * after an auxiliary (or right after the payment word: "virement passé")
 * makes it paid. Dates to come and negations are weighed afterwards, on
 * the cue like any other (reply_classify.c): "virement effectué demain"
 * is no payment, "le virement n'est pas parti" neither.
 */
#include "replies/reply_infer.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define TENSE_REACH 7 /* words after the payment word where its verb may stand */

static const char *const payment_nouns[] = {
    "virement",  "virements", "reglement", "reglements", "paiement", "paiements", "cheque",
    "cheques",   "fonds",     "versement", "transfer",   "transfers", "payment", "payments",
    "funds",     "check",     "remittance", "wire",      "bacs",      "prelevement", "debit", NULL,
};

/* Participles and simple pasts that say the money left. */
static const char *const past_forms[] = {
    "emis",     "emise",    "envoye",   "envoyee",  "envoyes",  "ordonne",   "ordonnee",
    "effectue", "effectuee", "effectues", "parti",  "partie",   "partis",    "passe",
    "passee",   "execute",  "executee", "poste",    "postee",   "encaisse",  "encaissee",
    "transmis", "transmise", "fait",    "faite",    "vire",     "viree",     "regle",
    "reglee",   "paye",     "payee",    "debite",   "debitee",  "expedie",   "expediee",
    "realise",  "realisee", "lance",    "lancee",   "verse",    "versee",    "transfere",
    "sent",     "made",     "processed", "transferred", "cashed", "executed", "settled",
    "issued",   "wired",    "debited",  "posted",   "mailed",   "paid",      "initiated",
    "released", "left",     "gone",     "remitted", "cleared",  "went",      "collected", NULL,
};

/* Participles a person uses of a payment ("on a viré", "I sent it"). */
static const char *const personal_past[] = {
    "vire", "paye", "payes", "regle", "envoye", "emis", "poste", "transfere", "verse",
    "paid", "sent", "transferred", "wired", "settled", "posted", "mailed", "remitted", NULL,
};

static const char *const auxiliaries[] = {
    "a", "ai", "as", "avons", "avez", "ont", "est", "sont", "ete", "etait", "etaient",
    "was", "were", "been", "has", "have", "had", "is", "are", NULL,
};

/* Words that may stand between the subject and its verb. */
static const char *const fillers[] = {
    "bien", "deja", "vous", "l", "les", "le", "la", "y", "tout", "already", "just", "also",
    "it", "this", "ve", "d", "n", "jamais", NULL,
};

static const char *const future_markers[] = {
    "sera", "seront", "partira", "partiront", "interviendra", "va", "vont", "vais", "allons",
    "devrait", "pourra", "will", "shall", "going", "ll", "would", "programme", "prevu",
    "scheduled", "planned", NULL,
};

static const char *const already[] = {"deja", "already", NULL};

static const char *const pronouns[] = {"on", "nous", "j", "je", "we", "i", "they", NULL};

/* A modal before the subject asks a question: "should we pay into
 * this account?", "why should I pay for...". */
static const char *const inverted_modals[] = {
    "should", "would", "could", "must", "shall", "can", "do", "may", NULL,
};

/* Without accents these read as present tense as well as participles
 * ("le paiement passe par Chorus"): past only after an auxiliary or
 * before a word of time past ("virement passé hier"). */
static const char *const ambiguous_past[] = {
    "passe", "fait", "regle", "paye", "vire", "lance", "verse", "poste", NULL,
};
static const char *const time_past[] = {
    "hier", "ce", "ce matin", "deja", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
    "yesterday", "today", "this", "last", "on", "le", NULL,
};

/* A person paying now or soon: "on paie le 18", "je règle fin du mois",
 * "we'll clear this by Friday". A promise; its date is read near it. */
static const char *const present_pay[] = {
    "paie", "paye", "payons", "paient", "regle", "reglons", "vire", "virons", "verse",
    "versons", "envoie", "envoyons", "pay", "settle", "clear", "transfer", "wire", "send",
    "paiera", "payera", "reglera", "virera", "enverra", "versera", "paieront", "regleront", NULL,
};
/* A verb in the present followed by these is a refusal, not a promise
 * ("je paie pas", informal French drops the "ne"). */
static const char *const refusals[] = {"pas", "not", "jamais", "rien", "never", NULL};
/* Infinitives, a promise only after a future marker ("nous allons
 * régler"; "pouvons-nous payer en 3 fois ?" asks). */
static const char *const infinitive_pay[] = {
    "payer", "regler", "virer", "verser", "envoyer", NULL,
};

bool reply_token_in(const struct reply_tokens *toks, size_t i, const char *const *words)
{
    const struct reply_word *t = &toks->items[i];
    const char *w = toks->text + t->start;

    for (size_t k = 0; words[k] != NULL; k++) {
        size_t n = strlen(words[k]);
        if (words[k][n - 1] == '*' ? t->len >= n - 1 && memcmp(w, words[k], n - 1) == 0
                                   : t->len == n && memcmp(w, words[k], n) == 0)
            return true;
    }
    return false;
}

void reply_matches_add(struct reply_matches *m, enum reply_cue kind, size_t first, size_t last,
                       const char *phrase, const char *origin)
{
    if (m->count >= REPLY_MATCHES_MAX)
        return;
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->items = xrealloc(m->items, m->cap * sizeof *m->items);
    }
    m->items[m->count++] = (struct reply_match){kind, first, last, phrase, origin};
}

bool reply_match_inferred(const struct reply_match *m)
{
    return strcmp(m->origin, REPLY_ORIGIN_TENSE) == 0 ||
           strcmp(m->origin, REPLY_ORIGIN_COMPLAINT) == 0;
}

bool reply_match_holds_negation(const struct reply_match *m)
{
    return strcmp(m->origin, REPLY_ORIGIN_COMPLAINT) == 0 &&
           (strcmp(m->phrase, REPLY_PHRASE_NOT_APPLIED) == 0 ||
            strcmp(m->phrase, REPLY_PHRASE_NEVER_DONE) == 0);
}

/* "sent back", "renvoyé": goods returned, not money sent. */
static bool returned(const struct reply_tokens *toks, size_t j)
{
    const struct reply_word *t;

    for (size_t k = j + 1; k <= j + 2 && k < toks->count; k++) {
        t = &toks->items[k];
        if (t->len == 4 && memcmp(toks->text + t->start, "back", 4) == 0)
            return true;
    }
    return false;
}

static bool same_clause(const struct reply_tokens *toks, size_t a, size_t b)
{
    return b < toks->count && toks->items[a].clause == toks->items[b].clause;
}

/* A past verb before the payment word, in its clause: "you cashed our
 * cheque", "vous avez encaissé notre chèque", "sent the payment". */
static bool past_before(const struct reply_tokens *toks, size_t i, struct reply_matches *out)
{
    for (size_t back = 1; back <= 3 && back <= i; back++) {
        size_t j = i - back;
        if (!same_clause(toks, j, i))
            return false;
        if (reply_token_in(toks, j, past_forms) &&
            (!reply_token_in(toks, j, ambiguous_past) ||
             (j > 0 && (reply_token_in(toks, j - 1, auxiliaries) ||
                        reply_token_in(toks, j - 1, already))))) {
            reply_matches_add(out, CUE_PAID, j, j, "a past payment verb before a payment word",
                              REPLY_ORIGIN_TENSE);
            return true;
        }
    }
    return false;
}

/* From the payment word at i: a future marker or a past verb ahead. */
static void from_payment_word(const struct reply_tokens *toks, size_t i, struct reply_matches *out)
{
    bool aux = false;

    for (size_t j = i + 1; j <= i + TENSE_REACH && same_clause(toks, i, j); j++) {
        if (reply_token_in(toks, j, future_markers)) {
            reply_matches_add(out, CUE_PROMISE, j, j, "payment word with a future verb",
                              REPLY_ORIGIN_TENSE);
            return;
        }
        if (reply_token_in(toks, j, payment_nouns))
            return; /* the next payment word speaks for itself */
        if (reply_token_in(toks, j, auxiliaries))
            aux = true;
        else if (reply_token_in(toks, j, past_forms) &&
                 (aux || ((j == i + 1 || (j == i + 2 && reply_token_in(toks, i + 1, fillers))) &&
                          (!reply_token_in(toks, j, ambiguous_past) ||
                           (same_clause(toks, j, j + 1) && reply_token_in(toks, j + 1, time_past)))))) {
            reply_matches_add(out, CUE_PAID, j, j, "payment word with a past participle",
                              REPLY_ORIGIN_TENSE);
            return;
        }
    }
}

/* From a subject pronoun at i: "on a viré", "nous vous avons réglé",
 * "I sent", "we paid" (English needs no auxiliary) are paid; "on paie le
 * 18", "we'll clear this" are promises. */
static void from_pronoun(const struct reply_tokens *toks, size_t i, struct reply_matches *out)
{
    bool aux = false, future = false, english;
    const char *w = toks->text + toks->items[i].start;

    if (i > 0 && same_clause(toks, i - 1, i) && reply_token_in(toks, i - 1, inverted_modals))
        return;
    english = (toks->items[i].len == 2 && memcmp(w, "we", 2) == 0) ||
              (toks->items[i].len == 1 && w[0] == 'i') ||
              (toks->items[i].len == 4 && memcmp(w, "they", 4) == 0);
    for (size_t j = i + 1; j <= i + 4 && same_clause(toks, i, j); j++) {
        if (reply_token_in(toks, j, future_markers))
            future = true;
        else if (reply_token_in(toks, j, auxiliaries))
            aux = true;
        else if (!future && reply_token_in(toks, j, personal_past) && (aux || english) &&
                 !returned(toks, j)) {
            reply_matches_add(out, CUE_PAID, j, j, "a person with a past payment verb",
                              REPLY_ORIGIN_TENSE);
            return;
        } else if (!aux && (reply_token_in(toks, j, present_pay) ||
                            (future && reply_token_in(toks, j, infinitive_pay)))) {
            if (j + 1 < toks->count && reply_token_in(toks, j + 1, refusals))
                return;
            reply_matches_add(out, CUE_PROMISE, j, j, "a person with a present or future payment verb",
                              REPLY_ORIGIN_TENSE);
            return;
        } else if (!reply_token_in(toks, j, fillers))
            return;
    }
}

/* How a payment went: "payé par carte", "paid through online banking". */
static const char *const payment_means[] = {"par", "via", "through", "by", "online", NULL};

/* A sentence that opens with a payment participle and a time past or a
 * means: "Réglé ce matin.", "Paid yesterday.", "Paid through online
 * banking." (the subject left out). */
static bool opening_past(const struct reply_tokens *toks, size_t i)
{
    return (i == 0 || toks->items[i - 1].sentence != toks->items[i].sentence) &&
           reply_token_in(toks, i, personal_past) && same_clause(toks, i, i + 1) &&
           (reply_token_in(toks, i + 1, time_past) || reply_token_in(toks, i + 1, payment_means));
}

void reply_tense_scan(const struct reply_tokens *toks, struct reply_matches *out)
{
    for (size_t i = 0; i < toks->count; i++) {
        if (opening_past(toks, i))
            reply_matches_add(out, CUE_PAID, i, i, "a payment participle opening its sentence",
                              REPLY_ORIGIN_TENSE);
        else if (reply_token_in(toks, i, payment_nouns)) {
            if (!past_before(toks, i, out))
                from_payment_word(toks, i, out);
        }
        else if (reply_token_in(toks, i, pronouns))
            from_pronoun(toks, i, out);
    }
}

static int by_first(const void *x, const void *y)
{
    const struct reply_match *a = x, *b = y;

    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return a->last < b->last ? -1 : a->last > b->last;
}

/* The lexicon's list is ordered by first word; the inferred one is sorted
 * here; the lexicon's come first at one word. */
void reply_matches_merge(struct reply_matches *matches, struct reply_matches *extra)
{
    struct reply_matches all = {NULL, 0, 0};
    size_t a = 0, b = 0;

    if (extra->count == 0) {
        free(extra->items);
        return;
    }
    qsort(extra->items, extra->count, sizeof *extra->items, by_first);
    all.cap = matches->count + extra->count;
    all.items = xmalloc(all.cap * sizeof *all.items);
    while ((a < matches->count || b < extra->count) && all.count < REPLY_MATCHES_MAX) {
        bool take_a = b >= extra->count ||
                      (a < matches->count && matches->items[a].first <= extra->items[b].first);
        all.items[all.count++] = take_a ? matches->items[a++] : extra->items[b++];
    }
    free(matches->items);
    free(extra->items);
    *matches = all;
}
