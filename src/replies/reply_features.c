/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_features.c - word features of a reply for the learned model (see
 * reply_features.h). One pass over the negations, one over the words:
 * linear in the length of the reply.
 */
#include "replies/reply_features.h"

#include <stdlib.h>
#include <string.h>

#define STEM_LEN 6  /* the start of a longer word, a crude stem */
#define WORD_MAX 40 /* longer words are cut: a feature name stays short */

/* Marks the words each negation governs: its own span, then up to reach
 * words after it while the clause lasts. */
static void mark_scope(const struct reply_tokens *toks, const struct reply_matches *matches,
                       size_t n, bool *scope)
{
    for (size_t i = 0; i < matches->count; i++) {
        const struct reply_match *m = &matches->items[i];
        if (m->kind != CUE_NEGATION || m->first >= n)
            continue;
        for (size_t t = m->first; t < n && t <= m->last + REPLY_FEATURE_NEGATION_REACH; t++) {
            if (t > m->last && toks->items[t].clause != toks->items[m->last].clause)
                break;
            scope[t] = true;
        }
    }
}

/* Word t as a feature's part: lower-case letters, digits read as 0. */
static void word_of(const struct reply_tokens *toks, size_t t, char *buf)
{
    const struct reply_word *w = &toks->items[t];
    size_t n = w->len < WORD_MAX ? w->len : WORD_MAX, k = 0;

    for (size_t i = 0; i < n; i++) {
        char c = toks->text[w->start + i];
        if (c >= '0' && c <= '9') {
            if (k == 0 || buf[k - 1] != '0')
                buf[k++] = '0';
        } else if (c != '\t' && c != '\n') {
            buf[k++] = c;
        }
    }
    buf[k] = '\0';
}

void reply_features_words(const struct reply_tokens *toks, const struct reply_matches *matches,
                          struct strlist *out)
{
    size_t n = toks->count < REPLY_FEATURE_TOKENS ? toks->count : REPLY_FEATURE_TOKENS;
    bool *scope = xcalloc(n + 1, sizeof *scope);
    char prev[WORD_MAX + 1] = "", word[WORD_MAX + 1];

    mark_scope(toks, matches, n, scope);
    for (size_t t = 0; t < n; t++) {
        const char *neg = scope[t] ? "NOT_" : "";
        word_of(toks, t, word);
        if (word[0] == '\0')
            continue;
        strlist_addf(out, "w:%s%s", neg, word);
        if (strlen(word) > STEM_LEN) /* "contest" of contestons, contestation, contested */
            strlist_addf(out, "s:%s%.*s", neg, STEM_LEN, word);
        if (t > 0 && prev[0] != '\0' && toks->items[t - 1].sentence == toks->items[t].sentence)
            strlist_addf(out, "b:%s%s_%s", neg, prev, word);
        memcpy(prev, word, sizeof prev);
    }
    free(scope);
}
