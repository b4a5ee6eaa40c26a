/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_score.c - scores and margin of a reading (see reply_score.h for
 * the weights and why).
 */
#include "replies/reply_score.h"

/* Rank in the precedence of words (reply_classify.h): lower wins. */
static int rank(enum reply_verdict v)
{
    switch (v) {
    case REPLY_INSOLVENCY: return 0;
    case REPLY_DISPUTE: return 1;
    case REPLY_PAID: return 2;
    case REPLY_PLAN: return 3;
    case REPLY_PROMISE: return 4;
    case REPLY_AUTO_REPLY: return 5;
    case REPLY_BOUNCE: return 6;
    default: return 7;
    }
}

static int clamp(int x)
{
    return x < 0 ? 0 : x > 100 ? 100 : x;
}

void reply_scores(const struct reply_evidence *e, int *scores)
{
    bool any = false;

    for (int v = 0; v < REPLY_VERDICT_COUNT; v++) {
        int lex = e->lexicon[v], inf = e->inferred[v], s = 0;

        if (lex > 0)
            s = REPLY_SCORE_LEXICON + 10 * (lex - 1);
        if (inf > 0)
            s += (lex > 0 ? 10 : REPLY_SCORE_INFERRED) + 5 * (inf - 1);
        scores[v] = clamp(s);
        any = any || s > 0;
    }
    if (!any)
        scores[REPLY_OTHER] = e->empty    ? 0
                              : e->voided ? REPLY_SCORE_OTHER_VOIDED
                                          : REPLY_SCORE_OTHER_CLEAR;
}

int reply_margin(const struct reply_evidence *e, enum reply_verdict verdict)
{
    int scores[REPLY_VERDICT_COUNT], best_other = 0;

    reply_scores(e, scores);
    for (int v = 0; v < REPLY_VERDICT_COUNT; v++) {
        int weighed;

        if (v == (int)verdict)
            continue;
        weighed = rank((enum reply_verdict)v) > rank(verdict) ? scores[v] / 2 : scores[v];
        if (weighed > best_other)
            best_other = weighed;
    }
    return clamp(scores[verdict] - best_other);
}
