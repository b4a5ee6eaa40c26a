/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * train_replies.c - learns the reply model (conf/replies/model.tsv,
 * text/reply_model.h) from the TUNING half of the labelled replies only
 * (tests/data/replies/LABELS.tsv; FNV-1a of the file name even), reading
 * each reply as the classifier does (reply_classify_features).
 *
 *   build/train_replies [TOP] >conf/replies/model.tsv   (TOP: the tree, default .)
 *
 * The model: multinomial logistic regression over binary features, L2
 * regularised, trained by stochastic gradient descent in a fixed order
 * (a seeded generator): the same data gives the same file, byte for byte.
 * Replies the headers decide (bounce, auto-reply headers, read receipts)
 * and insolvency notices (the rules decide them first) are left out.
 * Features seen in fewer than MIN_DF tuning replies are dropped.
 *
 * The regularisation and the dispute floor (the dispute probability from
 * which a reply reads as a dispute) are chosen by 5-fold cross-validation
 * inside the tuning half (fold = rank in the file modulo 5): the pair that
 * maximises accuracy + dispute recall + dispute precision of the model
 * alone (held-out probabilities: an honest estimate). The figures go to
 * stderr, with those of the model beside the rules as reply_classify.c
 * combines them; those are a training score, for the rules were written
 * on the tuning half.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/date.h"
#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply_classify.h"
#include "text/reply_lexicon.h"

#define MIN_DF 2
#define FOLDS 5
#define EPOCHS 40
#define SEED 20261203u
#define MAX_DOCS 4096
#define NC 7

static const char *const class_names[NC] = {"dispute", "promise", "paid", "plan",
                                            "auto-reply", "other", "insolvency"};

struct doc {
    int label;
    int rules;        /* the rules' verdict (class), -1 when none of the classes */
    bool rules_sure;  /* sure, from a lexicon phrase */
    bool no_cue;      /* the rules found no cue at all: the model may read a dispute */
    int *feats; /* vocabulary indexes, distinct */
    size_t nfeats;
};

struct vocab {
    char **names; /* sorted */
    size_t count;
};

static int class_of(enum reply_verdict v)
{
    for (int c = 0; c < NC; c++)
        if (strcmp(class_names[c], reply_verdict_name(v)) == 0)
            return c;
    return -1;
}

static bool tuning_half(const char *file)
{
    uint32_t h = 2166136261u;

    for (const unsigned char *p = (const unsigned char *)file; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % 2 == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct features of one reply, sorted; NULL when the headers or an
 * insolvency notice decide it. */
static struct strlist *read_reply(const struct reply_lexicon *lex, const char *top, const char *file,
                                  struct date today, int *rules, bool *sure, bool *no_cue)
{
    char *path = xasprintf("%s/tests/data/replies/%s", top, file);
    size_t len;
    char *data = file_read_all(path, 4u << 20, &len);
    struct message *msg;
    struct reply_reading r;
    struct strlist *f = NULL;

    if (data == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    msg = message_parse(data, len);
    reply_read_message(lex, msg, data, len, NULL, today, true, &r);
    if (r.verdict != REPLY_BOUNCE && r.verdict != REPLY_INSOLVENCY &&
        strncmp(r.reason, "header ", 7) != 0 && strncmp(r.reason, "delivery status", 15) != 0 &&
        strncmp(r.reason, "disposition", 11) != 0) {
        char *subject = message_header(msg, "Subject");
        *rules = class_of(r.verdict);
        *no_cue = r.verdict == REPLY_OTHER && strcmp(r.reason, "no cue") == 0;
        *sure = !r.unsure && r.verdict != REPLY_OTHER && strstr(r.reason, "(tense)") == NULL &&
                strstr(r.reason, "(complaint)") == NULL;
        f = xcalloc(1, sizeof *f);
        strlist_init(f);
        reply_classify_features(lex, subject, r.own_words, today, f);
        free(subject);
        if (f->count > 1)
            qsort(f->items, f->count, sizeof f->items[0], cmp_str);
    }
    reply_reading_free(&r);
    message_free(msg);
    free(data);
    free(path);
    return f;
}

static int find_name(const struct vocab *v, const char *name)
{
    char *const *hit = bsearch(&name, v->names, v->count, sizeof v->names[0], cmp_str);
    return hit ? (int)(hit - v->names) : -1;
}

/* The vocabulary: features in at least MIN_DF replies (labels unused). */
static void build_vocab(struct strlist **raw, size_t n, struct vocab *v)
{
    struct strlist all;

    strlist_init(&all);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < raw[i]->count; k++)
            if (k == 0 || strcmp(raw[i]->items[k], raw[i]->items[k - 1]) != 0)
                strlist_add(&all, raw[i]->items[k]);
    qsort(all.items, all.count, sizeof all.items[0], cmp_str);
    v->names = xcalloc(all.count + 1, sizeof *v->names);
    for (size_t k = 0, run; k < all.count; k += run) {
        for (run = 1; k + run < all.count && strcmp(all.items[k], all.items[k + run]) == 0; run++)
            ;
        if (run >= MIN_DF)
            v->names[v->count++] = xstrdup(all.items[k]);
    }
    strlist_free(&all);
}

static void to_doc(const struct vocab *v, const struct strlist *raw, int label, struct doc *d)
{
    d->label = label;
    d->feats = xcalloc(raw->count + 1, sizeof *d->feats);
    d->nfeats = 0;
    for (size_t k = 0; k < raw->count; k++) {
        int idx = find_name(v, raw->items[k]);
        if (idx >= 0 && (d->nfeats == 0 || d->feats[d->nfeats - 1] != idx))
            d->feats[d->nfeats++] = idx;
    }
}

static void probs(const double *w, const double *bias, const struct doc *d, double *p)
{
    double top = -1e300, sum = 0;

    for (int c = 0; c < NC; c++) {
        p[c] = bias[c];
        for (size_t k = 0; k < d->nfeats; k++)
            p[c] += w[(size_t)d->feats[k] * NC + c];
        top = p[c] > top ? p[c] : top;
    }
    for (int c = 0; c < NC; c++)
        sum += (p[c] = exp(p[c] - top));
    for (int c = 0; c < NC; c++)
        p[c] /= sum;
}

static uint32_t next_random(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Trains on the docs whose fold is not held (held < 0: all). */
static void train(const struct doc *docs, size_t n, int held, size_t nfeat, double lambda, double *w,
                  double *bias)
{
    size_t *order = xcalloc(n + 1, sizeof *order), m = 0;
    uint32_t seed = SEED;
    double p[NC];

    memset(w, 0, nfeat * NC * sizeof *w);
    memset(bias, 0, NC * sizeof *bias);
    for (size_t i = 0; i < n; i++)
        if (held < 0 || (int)(i % FOLDS) != held)
            order[m++] = i;
    for (int e = 0; e < EPOCHS; e++) {
        double lr = 0.5 / (1 + 0.2 * e);
        for (size_t i = m; i > 1; i--) { /* Fisher-Yates, seeded */
            size_t j = next_random(&seed) % i, t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        for (size_t k = 0; k < m; k++) {
            const struct doc *d = &docs[order[k]];
            probs(w, bias, d, p);
            for (int c = 0; c < NC; c++) {
                double g = p[c] - (d->label == c ? 1 : 0);
                bias[c] -= lr * g;
                for (size_t f = 0; f < d->nfeats; f++) {
                    double *x = &w[(size_t)d->feats[f] * NC + c];
                    *x -= lr * (g + lambda * *x);
                }
            }
        }
    }
    free(order);
}

/* The model alone: a dispute from the floor on, else the most probable
 * other class. with_rules: as reply_classify.c combines, the rules' verdict
 * but where they found no cue, a dispute from the floor on. */
static int predict(const double *p, double floor, const struct doc *d, bool with_rules)
{
    int best = 1;

    for (int c = 2; c < NC; c++)
        if (p[c] > p[best])
            best = c;
    if (with_rules && d->rules >= 0 && !(d->no_cue && p[0] >= floor))
        return d->rules;
    return p[0] >= floor ? 0 : best;
}

static const double lambdas[] = {0.0003, 0.001, 0.003, 0.01, 0.03};
static const double floors[] = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
#define NL (sizeof lambdas / sizeof lambdas[0])
#define NF (sizeof floors / sizeof floors[0])

/* How the held-out probabilities read the replies where the rules found
 * no cue, for each floor: printed only. On the tuning half the rules miss
 * almost nothing (they were written on it), so these replies are nearly
 * all truly "other" and this count cannot choose the floor: the model's
 * own dispute floor is used (see choose). */
static void show_promote(const struct doc *docs, size_t n, const double *p)
{
    for (size_t f = NF; f-- > 0;) {
        int wrong = 0, right = 0;
        for (size_t i = 0; i < n; i++)
            if (docs[i].no_cue && p[i * NC] >= floors[f]) {
                wrong += docs[i].label != 0;
                right += docs[i].label == 0;
            }
        fprintf(stderr, "cv promote floor %.2f: replies without a cue read as disputes: %d right, %d wrong\n",
                floors[f], right, wrong);
    }
}

/* Cross-validation: the held-out probabilities of every doc for each
 * lambda, then each floor scored on them. */
static void choose(const struct doc *docs, size_t n, size_t nfeat, double *lambda, double *floor,
                   double *promote)
{
    double *w = xcalloc(nfeat * NC + 1, sizeof *w), bias[NC];
    double *p = xcalloc(n * NC + 1, sizeof *p), best = -1;
    double *chosen_p = xcalloc(n * NC + 1, sizeof *p);

    for (size_t l = 0; l < NL; l++) {
        for (int fold = 0; fold < FOLDS; fold++) {
            train(docs, n, fold, nfeat, lambdas[l], w, bias);
            for (size_t i = (size_t)fold; i < n; i += FOLDS)
                probs(w, bias, &docs[i], &p[i * NC]);
        }
        for (size_t f = 0; f < 2 * NF; f++) {
            int right = 0, disputes = 0, found = 0, said = 0, grave = 0;
            bool with_rules = f >= NF;
            for (size_t i = 0; i < n; i++) {
                int y = predict(&p[i * NC], floors[f % NF], &docs[i], with_rules);
                right += y == docs[i].label;
                disputes += docs[i].label == 0;
                found += docs[i].label == 0 && y == 0;
                said += y == 0;
                grave += docs[i].label == 0 && (y == 1 || y == 2);
            }
            double acc = (double)right / n, rec = disputes ? (double)found / disputes : 1;
            double prec = said ? (double)found / said : 1, score = acc + rec + prec;
            fprintf(stderr, "cv %s lambda %.4f floor %.2f: accuracy %.1f%% dispute recall %.1f%% "
                            "precision %.1f%% disputes as paid/promise %d\n",
                    with_rules ? "model+rules" : "model alone", lambdas[l], floors[f % NF], 100 * acc, 100 * rec, 100 * prec, grave);
            if (!with_rules && score > best + 1e-9) {
                best = score;
                *lambda = lambdas[l];
                *floor = floors[f];
            }
        }
        if (lambdas[l] == *lambda)
            memcpy(chosen_p, p, n * NC * sizeof *p);
    }
    show_promote(docs, n, chosen_p);
    *promote = *floor;
    free(chosen_p);
    free(p);
    free(w);
}

static void write_model(const struct vocab *v, const double *w, const double *bias, double lambda,
                        double floor, double promote, size_t ndocs)
{
    printf("# The reply model: generated by tools/train_replies.c from the tuning half of\n"
           "# tests/data/replies (%zu replies read from their words); do not edit by hand.\n"
           "# Multinomial logistic regression, L2 %.4f (5-fold cross-validation), weights\n"
           "# rounded to 3 decimals, features whose weights all round under 0.01 left out.\n",
           ndocs, lambda);
    for (int c = 0; c < NC; c++)
        printf("class\t%s\n", class_names[c]);
    printf("param\tdispute_floor\t%.2f\n", floor);
    printf("param\tpromote_floor\t%.2f\n", promote);
    printf("__bias__");
    for (int c = 0; c < NC; c++)
        printf("\t%.3f", bias[c]);
    printf("\n");
    for (size_t k = 0; k < v->count; k++) {
        bool keep = false;
        for (int c = 0; c < NC; c++)
            keep |= fabs(w[k * NC + c]) >= 0.01;
        if (!keep || strchr(v->names[k], '\t') != NULL)
            continue;
        printf("%s", v->names[k]);
        for (int c = 0; c < NC; c++)
            printf("\t%.3f", w[k * NC + c] + 0.0);
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    const char *top = argc > 1 ? argv[1] : ".";
    char *lexdir = xasprintf("%s/conf/replies", top);
    char *labels_path = xasprintf("%s/tests/data/replies/LABELS.tsv", top);
    char *labels = file_read_all(labels_path, 1u << 20, NULL), *save = NULL;
    struct strlist errors, *raw[MAX_DOCS];
    int label[MAX_DOCS], rules[MAX_DOCS];
    bool sure[MAX_DOCS], no_cue[MAX_DOCS];
    struct reply_lexicon *lex;
    struct doc *docs;
    struct vocab v = {NULL, 0};
    size_t n = 0;
    double lambda = 0, floor = 0, promote = 1, *w, bias[NC];

    message_library_init();
    strlist_init(&errors);
    lex = reply_lexicon_load(lexdir, &errors);
    for (size_t i = 0; i < errors.count; i++)
        fprintf(stderr, "%s\n", errors.items[i]);
    if (lex == NULL || labels == NULL) {
        fprintf(stderr, "cannot read the lexicon (a broken %s/model.tsv: remove it and retrain) or %s\n",
                lexdir, labels_path);
        return 1;
    }
    reply_lexicon_set_model(lex, NULL); /* the rules alone decide what is read from words */
    for (char *line = strtok_r(labels, "\n", &save); line && n < MAX_DOCS;
         line = strtok_r(NULL, "\n", &save)) {
        char *cols[4] = {line, NULL, NULL, NULL};
        enum reply_verdict verdict;
        struct date today;
        int c = 0;
        if (line[0] == '#' || strncmp(line, "file\t", 5) == 0)
            continue;
        for (char *p = line; *p && c < 3; p++)
            if (*p == '\t') {
                *p = '\0';
                cols[++c] = p + 1;
            }
        if (c < 3 || !tuning_half(cols[0]) || !reply_verdict_parse(cols[1], &verdict))
            continue;
        char *tab = strchr(cols[3], '\t');
        if (tab != NULL)
            *tab = '\0';
        if (!date_parse(cols[3], &today) || class_of(verdict) < 0)
            continue;
        if ((raw[n] = read_reply(lex, top, cols[0], today, &rules[n], &sure[n], &no_cue[n])) != NULL)
            label[n++] = class_of(verdict);
    }
    build_vocab(raw, n, &v);
    docs = xcalloc(n + 1, sizeof *docs);
    for (size_t i = 0; i < n; i++) {
        to_doc(&v, raw[i], label[i], &docs[i]);
        docs[i].rules = rules[i];
        docs[i].rules_sure = sure[i];
        docs[i].no_cue = no_cue[i];
        strlist_free(raw[i]);
        free(raw[i]);
    }
    fprintf(stderr, "%zu tuning replies read from their words, %zu features\n", n, v.count);
    choose(docs, n, v.count, &lambda, &floor, &promote);
    fprintf(stderr, "chosen: lambda %.4f, dispute floor %.2f, promote floor %.2f\n", lambda, floor,
            promote);
    w = xcalloc(v.count * NC + 1, sizeof *w);
    train(docs, n, -1, v.count, lambda, w, bias);
    write_model(&v, w, bias, lambda, floor, promote, n);
    return 0;
}
