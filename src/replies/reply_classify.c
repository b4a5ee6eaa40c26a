/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_classify.c - the verdict on a reply (see reply_classify.h for the
 * precedence and negation rules and why).
 *
 * The per-message work is: one walk for report parts, one for the body,
 * one pass cutting the own words into tokens, one index look-up per token
 * in the compiled lexicon, then rules over the (few) matches. Nothing is
 * compiled per message. It does not match the reply to a case nor act on
 * the verdict: the caller does both.
 */
#include "replies/reply_classify.h"

#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "lib/utf8.h"
#include "lib/util.h"
#include "replies/reply_dates.h"
#include "replies/reply_features.h"
#include "replies/reply_infer.h"
#include "replies/reply_score.h"
#include "replies/reply_insolvency.h"
#include "replies/reply_text.h"
#include "text/reply_model.h"
#include "text/text_fold.h"

#define NEGATION_REACH 4   /* words after a negation that it still governs */
#define DATE_REACH 40      /* words after a promise where its date may stand, past its sentence */
#define MAX_DATES 64
#define NEAR_FUTURE_DAYS 180 /* how far ahead a date is still "to come" */

static const char *const verdict_names[REPLY_VERDICT_COUNT] = {
    "dispute", "promise", "paid", "plan", "auto-reply", "bounce", "other", "insolvency",
};

/* Cue kinds in the order their verdicts take precedence (reply_classify.h). */
static const struct {
    enum reply_cue cue;
    enum reply_verdict verdict;
} word_precedence[] = {
    {CUE_DISPUTE, REPLY_DISPUTE}, {CUE_PAID, REPLY_PAID},           {CUE_PLAN, REPLY_PLAN},
    {CUE_PROMISE, REPLY_PROMISE}, {CUE_AUTO_REPLY, REPLY_AUTO_REPLY},
};

const char *reply_verdict_name(enum reply_verdict verdict)
{
    return verdict < REPLY_VERDICT_COUNT ? verdict_names[verdict] : "other";
}

bool reply_verdict_parse(const char *name, enum reply_verdict *out)
{
    for (size_t i = 0; i < REPLY_VERDICT_COUNT; i++)
        if (name != NULL && strcmp(name, verdict_names[i]) == 0) {
            *out = (enum reply_verdict)i;
            return true;
        }
    return false;
}

void reply_reading_free(struct reply_reading *reading)
{
    free(reading->own_words);
    reading->own_words = NULL;
}

/* ------------------------------------------------------------------ */
/* Which cues stand                                                    */

struct found_date {
    struct date date;
    size_t token;
    bool bare_weekday; /* "vendredi": next Friday, or last Friday after "paid" */
    bool bare_day;     /* "le 3", "the 3rd": this month's to come, or the last one after "paid" */
};

/* The most words a phrase match spans: its words and its gaps. */
#define MATCH_SPAN_MAX (REPLY_PHRASE_MAX_WORDS + REPLY_PHRASE_MAX_GAPS * REPLY_PHRASE_GAP_WORDS)

struct analysis {
    struct reply_tokens toks;
    struct reply_matches matches;
    size_t *boundaries_before; /* per token: boundary matches starting before it */
    bool *covered;  /* by a longer cue of another kind */
    bool *negated;  /* governed by a negation, or a payment claim about a day to come */
    bool *promises; /* a payment word with a date to come: a promise */
    struct found_date dates[MAX_DATES];
    size_t ndates;
};

/* Kinds that take part in covering: all but the negation machinery. */
static bool is_cue(enum reply_cue kind)
{
    return kind != CUE_NEGATION && kind != CUE_BOUNDARY;
}

/* Whether match j covers match i: a longer cue of another kind spanning
 * it, or a neutral phrase that i starts inside ("le litige [est réglé]
 * depuis": what a neutral phrase says is no cue). */
static bool covers(const struct reply_match *j, const struct reply_match *i)
{
    if (!is_cue(j->kind) || j->kind == i->kind || j->first > i->first)
        return false;
    if (j->kind == CUE_NEUTRAL && i->first <= j->last)
        return true;
    return j->last >= i->last && j->last - j->first > i->last - i->first;
}

/* The first match starting at or after token t (matches are ordered by
 * first word). */
static size_t first_match_from(const struct analysis *a, size_t t)
{
    size_t lo = 0, hi = a->matches.count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->matches.items[mid].first < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Matches that can cover or govern the match starting at token t start
 * at most MATCH_SPAN_MAX + NEGATION_REACH words before it: looking no
 * further keeps the work linear in the number of matches. */
static size_t window_start(const struct analysis *a, size_t t)
{
    size_t reach = MATCH_SPAN_MAX + NEGATION_REACH;
    return first_match_from(a, t > reach ? t - reach : 0);
}

static void mark_covered(struct analysis *a)
{
    const struct reply_match *m = a->matches.items;

    for (size_t i = 0; i < a->matches.count; i++) {
        if (!is_cue(m[i].kind))
            continue;
        for (size_t j = window_start(a, m[i].first); j < a->matches.count && m[j].first <= m[i].first;
             j++)
            if (j != i && covers(&m[j], &m[i])) {
                a->covered[i] = true;
                break;
            }
    }
}

/* A payment made to wait for a correction (REPLY_PHRASE_CONDITION) is no
 * promise nor payment: the promise and payment cues of its sentence are
 * void ("nous réglerons dès que la facture sera corrigée"). */
static void void_conditioned(struct analysis *a)
{
    const struct reply_match *m = a->matches.items;

    for (size_t c = 0; c < a->matches.count; c++) {
        if (m[c].kind != CUE_DISPUTE || strcmp(m[c].phrase, REPLY_PHRASE_CONDITION) != 0)
            continue;
        for (size_t i = 0; i < a->matches.count; i++)
            if ((m[i].kind == CUE_PROMISE || m[i].kind == CUE_PAYMENT || m[i].kind == CUE_PAID) &&
                a->toks.items[m[i].first].sentence == a->toks.items[m[c].first].sentence)
                a->covered[i] = true;
    }
}

/* "Il doit y avoir une erreur, nous avons réglé cette facture": the
 * invoice said wrong, no object named, beside a standing payment claim,
 * says it is paid (REPLY_PHRASE_INVOICE_WRONG); no dispute. Called once
 * negations are known. */
static bool stands(const struct analysis *a, size_t i);

static void void_paid_errors(struct analysis *a)
{
    const struct reply_match *m = a->matches.items;
    bool paid = false;

    for (size_t i = 0; i < a->matches.count && !paid; i++)
        paid = m[i].kind == CUE_PAID && stands(a, i);
    for (size_t i = 0; i < a->matches.count && paid; i++)
        if (m[i].kind == CUE_DISPUTE && strcmp(m[i].phrase, REPLY_PHRASE_INVOICE_WRONG) == 0)
            a->covered[i] = true;
}

static void count_boundaries(struct analysis *a)
{
    a->boundaries_before = xcalloc(a->toks.count + 1, sizeof *a->boundaries_before);
    for (size_t k = 0; k < a->matches.count; k++)
        if (a->matches.items[k].kind == CUE_BOUNDARY)
            a->boundaries_before[a->matches.items[k].first + 1]++;
    for (size_t t = 1; t <= a->toks.count; t++)
        a->boundaries_before[t] += a->boundaries_before[t - 1];
}

/* A boundary word starting strictly between tokens after and before. */
static bool boundary_between(const struct analysis *a, size_t after, size_t before)
{
    return a->boundaries_before[before] - a->boundaries_before[after + 1] > 0;
}

/* Whether negation n governs cue c (see reply_classify.h). */
static bool governs(const struct analysis *a, const struct reply_match *n,
                    const struct reply_match *c)
{
    const struct reply_word *t = a->toks.items;

    if (n->first < c->first && c->first < n->last)
        return true; /* "ne [conteste] pas" */
    if (c->first <= n->last)
        return false; /* before it, or holding its words ("pas d'accord") */
    return c->first - n->last <= NEGATION_REACH && t[c->first].clause == t[n->last].clause &&
           !boundary_between(a, n->last, c->first);
}

/* A cue that opens with a negation word holds its own negation: "n'ai
 * jamais rien commandé" is one negation, read by "jamais … commandé", not
 * a negated one. */
static const char *const negation_openers[] = {
    "pas", "jamais", "rien", "aucun", "aucune", "never", "not", "nothing", "none", NULL,
};

static bool opens_with_negation(const struct analysis *a, const struct reply_match *m)
{
    return m->kind == CUE_DISPUTE && !reply_match_inferred(m) &&
           reply_token_in(&a->toks, m->first, negation_openers);
}

static void mark_negated(struct analysis *a)
{
    const struct reply_match *m = a->matches.items;

    for (size_t i = 0; i < a->matches.count; i++) {
        if (!is_cue(m[i].kind))
            continue;
        for (size_t j = window_start(a, m[i].first);
             j < a->matches.count && m[j].first < m[i].first && !a->negated[i]; j++)
            if (m[j].kind == CUE_NEGATION && !reply_match_holds_negation(&m[i]) &&
                !opens_with_negation(a, &m[i]) &&
                governs(a, &m[j], &m[i]))
                a->negated[i] = true;
    }
}

static bool stands(const struct analysis *a, size_t i)
{
    return !a->covered[i] && !a->negated[i];
}

static bool any_standing(const struct analysis *a, enum reply_cue kind)
{
    for (size_t i = 0; i < a->matches.count; i++)
        if (a->matches.items[i].kind == kind && stands(a, i))
            return true;
    return false;
}

static size_t token_at_offset(const struct reply_tokens *toks, size_t offset)
{
    size_t lo = 0, hi = toks->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (toks->items[mid].start < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < toks->count ? lo : (toks->count ? toks->count - 1 : 0);
}

/* A day of the month alone, as found: "3", "le 3", "the 3rd", "3rd". */
static bool is_bare_day(const char *s, size_t len)
{
    size_t i = 0, digits = 0;

    if (len > 4 && strncmp(s, "the ", 4) == 0)
        i = 4;
    else if (len > 3 && strncmp(s, "le ", 3) == 0)
        i = 3;
    while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
        i++;
        digits++;
    }
    if (digits == 0 || digits > 2)
        return false;
    if (i == len)
        return true;
    return len - i == 2 && (strncmp(s + i, "st", 2) == 0 || strncmp(s + i, "nd", 2) == 0 ||
                            strncmp(s + i, "rd", 2) == 0 || strncmp(s + i, "th", 2) == 0 ||
                            strncmp(s + i, "er", 2) == 0);
}

/* Dates from today on: a promise is never kept in the past, and dates
 * before today are references ("votre relance du 3/12/2026"). */
static void find_dates(struct analysis *a, struct date today)
{
    const struct reply_tokens *toks = &a->toks;
    const char *s = toks->text, *end = toks->text + toks->text_len;
    struct date d;
    size_t len;

    while (a->ndates < MAX_DATES && toks->count > 0 &&
           (s = reply_date_find(s, end, today, &d, &len)) != NULL) {
        if (date_compare(d, today) >= 0) {
            a->dates[a->ndates].date = d;
            a->dates[a->ndates].token = token_at_offset(toks, (size_t)(s - toks->text));
            a->dates[a->ndates].bare_weekday = reply_date_is_bare_weekday(s, len);
            a->dates[a->ndates].bare_day = is_bare_day(s, len);
            a->ndates++;
        }
        s += len;
    }
}

/* A date in the sentence of match m that is to come: from today (or
 * surely after today, and then in its clause, when strictly is set: "le
 * virement est parti ce matin, vous l'aurez demain" is paid) to
 * NEAR_FUTURE_DAYS ahead. A
 * date without a year that has just passed ("payé le 2 décembre", written
 * on the 7th) reads as next year's; that far ahead it is no date to come
 * but a reference to the past. A weekday or a day of the month alone is
 * not surely to come: "paid on Friday", "paid on the 3rd" mean the last
 * one. */
static bool date_to_come(const struct analysis *a, const struct reply_match *m, bool strictly,
                         struct date today)
{
    const struct reply_word *at = &a->toks.items[m->first];

    for (size_t k = 0; k < a->ndates; k++) {
        int64_t ahead = date_diff_days(today, a->dates[k].date);
        const struct reply_word *d = &a->toks.items[a->dates[k].token];
        if ((strictly ? d->clause == at->clause : d->sentence == at->sentence) &&
            ahead <= NEAR_FUTURE_DAYS &&
            ahead >= (strictly ? 1 : 0) &&
            !(strictly && (a->dates[k].bare_weekday || a->dates[k].bare_day)))
            return true;
    }
    return false;
}

/* Whether a standing cue of kind starts in the sentence of token t. */
static bool standing_in_sentence(const struct analysis *a, enum reply_cue kind, size_t t)
{
    uint32_t sentence = a->toks.items[t].sentence;
    size_t start = t;

    while (start > 0 && a->toks.items[start - 1].sentence == sentence)
        start--;
    for (size_t i = first_match_from(a, start);
         i < a->matches.count && a->toks.items[a->matches.items[i].first].sentence == sentence; i++)
        if (a->matches.items[i].kind == kind && stands(a, i))
            return true;
    return false;
}

/* Whether match i is covered by a cue that still stands (a paid claim
 * voided for its date no longer hides the payment word inside it). */
static bool covered_by_standing(const struct analysis *a, size_t i)
{
    const struct reply_match *m = a->matches.items;

    for (size_t j = window_start(a, m[i].first); j < a->matches.count && m[j].first <= m[i].first;
         j++)
        if (j != i && stands(a, j) && covers(&m[j], &m[i]))
            return true;
    return false;
}

/* "Virement effectué demain": nothing is paid on a day to come, so a
 * payment claim with a later date in its sentence is void; and a payment
 * word with a date to come ("Règlement fin décembre.") is a promise,
 * unless its sentence claims payment or the words are an absence notice
 * ("de retour le 4 janvier"). */
static void weigh_dates(struct analysis *a, struct date today)
{
    const struct reply_match *m = a->matches.items;
    bool absence;

    for (size_t i = 0; i < a->matches.count; i++)
        if (m[i].kind == CUE_PAID && stands(a, i) && date_to_come(a, &m[i], true, today))
            a->negated[i] = true;
    absence = any_standing(a, CUE_AUTO_REPLY);
    for (size_t i = 0; i < a->matches.count && !absence; i++)
        if (m[i].kind == CUE_PAYMENT && !a->negated[i] && !covered_by_standing(a, i) &&
            date_to_come(a, &m[i], false, today) &&
            !standing_in_sentence(a, CUE_PAID, m[i].first))
            a->promises[i] = true;
}

/* Cues the grammar gives beside the lexicon's (reply_infer.h). */
static void infer(struct analysis *a)
{
    struct reply_matches extra = {NULL, 0, 0};

    reply_tense_scan(&a->toks, &extra);
    reply_complaint_scan(&a->toks, &extra);
    reply_matches_merge(&a->matches, &extra);
}

static void analyse(struct analysis *a, const struct reply_lexicon *lex, const char *text,
                    struct date today)
{
    reply_tokens_init(&a->toks, text, strlen(text));
    reply_lexicon_scan(lex, &a->toks, &a->matches);
    infer(a);
    count_boundaries(a);
    a->covered = xcalloc(a->matches.count + 1, sizeof *a->covered);
    a->negated = xcalloc(a->matches.count + 1, sizeof *a->negated);
    a->promises = xcalloc(a->matches.count + 1, sizeof *a->promises);
    mark_covered(a);
    void_conditioned(a);
    mark_negated(a);
    void_paid_errors(a);
    find_dates(a, today);
    weigh_dates(a, today);
}

static void analysis_free(struct analysis *a)
{
    reply_tokens_free(&a->toks);
    free(a->matches.items);
    free(a->boundaries_before);
    free(a->covered);
    free(a->negated);
    free(a->promises);
}

/* A standing promise: a promise cue, or a payment word with its date. */
static bool is_promise(const struct analysis *a, size_t i)
{
    return (a->matches.items[i].kind == CUE_PROMISE && stands(a, i)) || a->promises[i];
}

/* The first standing cue of kind; NULL when none. */
static const struct reply_match *first_standing(const struct analysis *a, enum reply_cue kind)
{
    for (size_t i = 0; i < a->matches.count; i++)
        if (kind == CUE_PROMISE ? is_promise(a, i)
                                : a->matches.items[i].kind == kind && stands(a, i))
            return &a->matches.items[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The promised date                                                   */

/* How far a date is from a promise: in its sentence, the nearest wins
 * (after the cue slightly before, as in "je paierai le 15"); past its
 * sentence, only dates shortly after count. SIZE_MAX: too far. */
static size_t date_distance(const struct reply_tokens *toks, const struct reply_match *p,
                            size_t token)
{
    bool same = toks->items[token].sentence == toks->items[p->first].sentence;

    if (token > p->last)
        return same ? token - p->last
                    : (token - p->last <= DATE_REACH ? 100 + token - p->last : SIZE_MAX);
    if (token >= p->first)
        return 0;
    return same ? p->first - token + 2 : SIZE_MAX;
}

static struct date promised_date(const struct analysis *a)
{
    size_t best = SIZE_MAX;
    struct date chosen = {0, 0, 0};

    for (size_t i = 0; i < a->matches.count; i++) {
        if (!is_promise(a, i))
            continue;
        for (size_t k = 0; k < a->ndates; k++) {
            size_t d = date_distance(&a->toks, &a->matches.items[i], a->dates[k].token);
            if (d < best) {
                best = d;
                chosen = a->dates[k].date;
            }
        }
    }
    return chosen;
}

/* ------------------------------------------------------------------ */
/* Subject and result                                                  */

/* A subject the debtor wrote: not one carried over by "RE:" or "TR:".
 * An auto-reply's subject ("Réponse automatique : <ours>") counts only up
 * to its colon. Returns a copy (owned) or NULL. */
static char *fresh_subject(const char *subject)
{
    static const char *const carried[] = {"re:", "re :", "tr:", "tr :", "fw:", "fwd:", "fw :",
                                          "fwd :", "aw:", "wg:", "ref:", "ref :", "rif:", NULL};
    static const char *const automatic[] = {"reponse automatique", "automatic reply",
                                            "auto reply", "auto-reply", "autoreply",
                                            "out of office", "absent", "absence", "auto:", NULL};
    char *folded, *copy;

    if (subject == NULL)
        return NULL;
    folded = text_fold(subject, strlen(subject), 1024);
    str_tolower_ascii(str_trim(folded));
    for (size_t i = 0; carried[i] != NULL; i++)
        if (strncmp(folded, carried[i], strlen(carried[i])) == 0) {
            free(folded);
            return NULL;
        }
    copy = xstrdup(subject);
    for (size_t i = 0; automatic[i] != NULL; i++)
        if (strncmp(folded, automatic[i], strlen(automatic[i])) == 0) {
            char *colon = strchr(copy, ':');
            if (colon != NULL && strcmp(automatic[i], "auto:") != 0)
                *colon = '\0';
            break;
        }
    free(folded);
    return copy;
}

/* The start of the own words, spaces squeezed, cut on a character. */
static void set_excerpt(struct reply_reading *out)
{
    char *copy = xstrdup(out->own_words);

    str_squeeze_spaces(copy);
    for (char *p = copy; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    utf8_copy(out->excerpt, sizeof out->excerpt, copy);
    free(copy);
}

static void set_reason_cue(struct reply_reading *out, const char *what, const struct reply_match *m)
{
    str_format(out->reason, sizeof out->reason, "%s%s\"%s\" (%s)", what, what[0] ? " " : "",
               m->phrase, m->origin);
}

static void explain_no_cue(struct reply_reading *out, const struct analysis *a)
{
    for (size_t i = 0; i < a->matches.count; i++)
        if (is_cue(a->matches.items[i].kind) && a->negated[i]) {
            char what[64];
            str_format(what, sizeof what, "no standing cue; negated %s:",
                       reply_cue_name(a->matches.items[i].kind));
            set_reason_cue(out, what, &a->matches.items[i]);
            return;
        }
    str_copy(out->reason, sizeof out->reason, "no cue");
}

static void decide(struct reply_reading *out, const struct analysis *a)
{
    for (size_t i = 0; i < ARRAY_LEN(word_precedence); i++) {
        const struct reply_match *m = first_standing(a, word_precedence[i].cue);
        if (m != NULL) {
            char what[32];
            out->verdict = word_precedence[i].verdict;
            str_format(what, sizeof what, "%s:",
                       m->kind == CUE_PAYMENT ? "promise: payment word with a date"
                                              : reply_cue_name(m->kind));
            set_reason_cue(out, what, m);
            return;
        }
    }
    out->verdict = REPLY_OTHER;
    explain_no_cue(out, a);
}

/* Which verdict each standing cue speaks for. */
static enum reply_verdict verdict_of(const struct analysis *a, size_t i)
{
    if (is_promise(a, i))
        return REPLY_PROMISE;
    for (size_t k = 0; k < ARRAY_LEN(word_precedence); k++)
        if (a->matches.items[i].kind == word_precedence[k].cue && stands(a, i))
            return word_precedence[k].verdict;
    return REPLY_VERDICT_COUNT;
}

static bool text_is_empty(const char *s)
{
    for (; s != NULL && *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t')
            return false;
    return true;
}

/* The margin and whether a person should decide (reply_score.h). */
static void weigh_confidence(struct reply_reading *out, const struct analysis *a,
                             const struct reply_lexicon *lex, bool empty, struct reply_evidence *ep)
{
    struct reply_evidence e;

    size_t last_word[REPLY_VERDICT_COUNT];

    memset(&e, 0, sizeof e);
    memset(last_word, 0xff, sizeof last_word);
    e.empty = empty;
    for (size_t i = 0; i < a->matches.count; i++) {
        enum reply_verdict v = verdict_of(a, i);

        if (v < REPLY_VERDICT_COUNT && last_word[v] == a->matches.items[i].first)
            continue; /* one cue a word: "contest*" of fr.conf and of en.conf */
        if (v < REPLY_VERDICT_COUNT) {
            last_word[v] = a->matches.items[i].first;
            if (reply_match_inferred(&a->matches.items[i]))
                e.inferred[v]++;
            else
                e.lexicon[v]++;
        } else if (is_cue(a->matches.items[i].kind) && a->matches.items[i].kind != CUE_PAYMENT &&
                   a->matches.items[i].kind != CUE_NEUTRAL) {
            e.voided = true;
        }
    }
    out->margin = reply_margin(&e, out->verdict);
    out->unsure = out->margin < reply_lexicon_minimum_margin(lex);
    *ep = e;
}

/* ------------------------------------------------------------------ */
/* The learned model (reply_model.h) beside the rules                  */

/* The model reads the words only (reply_features.h): the rules' own
 * findings were written for the tuning half, where they are right 99 times
 * in 100, so a model trained there would learn to trust them blindly.
 * The rules and the model meet in apply_model instead. */
static void model_features(const struct analysis *a, struct strlist *f)
{
    reply_features_words(&a->toks, &a->matches, f);
}

/* The probability the model gives each verdict (p[REPLY_VERDICT_COUNT]). */
static void model_probs(const struct reply_model *model, const struct analysis *a, double *p)
{
    size_t nc = reply_model_class_count(model);
    double s[REPLY_MODEL_MAX_CLASSES], top = -1e9, sum = 0;
    struct strlist f;

    strlist_init(&f);
    model_features(a, &f);
    reply_model_score(model, &f, s);
    strlist_free(&f);
    memset(p, 0, REPLY_VERDICT_COUNT * sizeof *p);
    for (size_t c = 0; c < nc; c++)
        top = s[c] > top ? s[c] : top;
    for (size_t c = 0; c < nc; c++)
        sum += exp(s[c] - top);
    for (size_t c = 0; c < nc; c++) {
        enum reply_verdict v;
        if (reply_verdict_parse(reply_model_class_name(model, c), &v))
            p[v] += exp(s[c] - top) / sum;
    }
}

static double model_dispute(const struct reply_model *model, const struct analysis *a)
{
    double p[REPLY_VERDICT_COUNT];

    model_probs(model, a, p);
    return p[REPLY_DISPUTE];
}

/* The model by itself: a dispute from dispute_floor on, else its most
 * probable other verdict (for measuring, reply_classify_model_alone). */
static enum reply_verdict model_alone(const struct reply_model *model, const struct analysis *a)
{
    double p[REPLY_VERDICT_COUNT];
    enum reply_verdict best = REPLY_OTHER;

    model_probs(model, a, p);
    if (p[REPLY_DISPUTE] >= reply_model_param(model, "dispute_floor", 0.5))
        return REPLY_DISPUTE;
    for (int v = 1; v < REPLY_VERDICT_COUNT; v++)
        if (p[v] > p[best])
            best = (enum reply_verdict)v;
    return best;
}

/* The model beside the rules (README "How a reply is read"). The rules
 * keep every verdict they read from a cue; the model speaks for disputes
 * only, the grave miss (a formal notice to someone who contests the debt):
 * - words where the rules found no cue at all (no phrase, no inference,
 *   nothing negated) read as a dispute when the model's dispute
 *   probability reaches promote_floor; the margin is how far above, and
 *   the reading is always unsure: the case goes to review, a person
 *   decides (a word model alone never changes a case);
 * - a paid or promise reading is unsure (a person decides) when that
 *   probability reaches dispute_floor. */
static void apply_model(const struct reply_model *model, const struct reply_lexicon *lex,
                        const struct analysis *a, const struct reply_evidence *e,
                        struct reply_reading *out)
{
    double dispute = model_dispute(model, a);
    double promote = reply_model_param(model, "promote_floor", 1.0);
    double floor = reply_model_param(model, "dispute_floor", 0.5);
    char why[REPLY_REASON_MAX];

    if (out->verdict == REPLY_OTHER && !e->voided && !e->empty &&
        strcmp(out->reason, "no cue") == 0 && dispute >= promote) {
        str_copy(why, sizeof why, out->reason);
        out->verdict = REPLY_DISPUTE;
        out->margin = (int)(100 * (dispute - promote) / (1.0001 - promote) + 0.5);
        /* A word model alone never changes a case: no rule read a cue, so
         * a person decides (review), whatever the margin. */
        out->unsure = true;
        (void)lex;
        str_format(out->reason, sizeof out->reason, "model: dispute %.0f%% (rules: %s)",
                   100 * dispute, why);
    } else if ((out->verdict == REPLY_PAID || out->verdict == REPLY_PROMISE) && dispute >= floor) {
        out->unsure = true;
        str_format(out->reason + strlen(out->reason), sizeof out->reason - strlen(out->reason),
                   "; unsure: the model reads a dispute %.0f%%", 100 * dispute);
    }
}

/* Reads the words (reply_classify_text); features, when not NULL, gets
 * what the model reads (the trainer's view), and the model is not applied;
 * alone, when not NULL, gets the model's verdict by itself. */
static void classify(const struct reply_lexicon *lex, const char *subject, const char *own_words,
                     struct date today, struct reply_reading *out, struct strlist *features,
                     enum reply_verdict *alone)
{
    char *fresh = fresh_subject(subject);
    char *text = xasprintf("%s\n\n%s", fresh ? fresh : "", own_words ? own_words : "");
    struct analysis a;
    struct reply_evidence e;
    bool empty;

    memset(out, 0, sizeof *out);
    out->own_words = xstrdup(own_words ? own_words : "");
    memset(&a, 0, sizeof a);
    analyse(&a, lex, text, today);
    /* A court's proceeding outranks every other word (reply_insolvency.h). */
    if (reply_insolvency_find(&a.toks, &a.matches, text, today, &out->insolvency, out->reason,
                              sizeof out->reason)) {
        out->verdict = REPLY_INSOLVENCY;
        out->margin = 100;
    } else {
        empty = text_is_empty(own_words) && fresh == NULL;
        decide(out, &a);
        weigh_confidence(out, &a, lex, empty, &e);
        out->promised = promised_date(&a);
        if (features != NULL)
            model_features(&a, features);
        else if (alone != NULL && reply_lexicon_model(lex) != NULL)
            *alone = model_alone(reply_lexicon_model(lex), &a);
        else if (reply_lexicon_model(lex) != NULL && !empty)
            apply_model(reply_lexicon_model(lex), lex, &a, &e, out);
    }
    if (out->verdict == REPLY_INSOLVENCY)
        out->promised = promised_date(&a);
    set_excerpt(out);
    analysis_free(&a);
    free(text);
    free(fresh);
}

void reply_classify_text(const struct reply_lexicon *lex, const char *subject,
                         const char *own_words, struct date today, struct reply_reading *out)
{
    classify(lex, subject, own_words, today, out, NULL, NULL);
}

void reply_classify_features(const struct reply_lexicon *lex, const char *subject,
                             const char *own_words, struct date today, struct strlist *features)
{
    struct reply_reading r;

    classify(lex, subject, own_words, today, &r, features, NULL);
    reply_reading_free(&r);
}

enum reply_verdict reply_classify_model_alone(const struct reply_lexicon *lex, const char *subject,
                                              const char *own_words, struct date today)
{
    struct reply_reading r;
    enum reply_verdict alone = REPLY_VERDICT_COUNT;

    classify(lex, subject, own_words, today, &r, NULL, &alone);
    reply_reading_free(&r);
    return alone == REPLY_VERDICT_COUNT ? r.verdict : alone;
}
