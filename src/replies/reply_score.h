/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_score.h - how sure a reading is: a score per verdict from the
 * cues that stand, and the margin between the verdict and the next best.
 *
 * A verdict's score grows with its standing cues: the lexicon's first
 * cue counts 60 and each further one 10; an inferred cue (reply_infer.h:
 * tense, complaint) counts 45 alone and 10 beside a lexicon cue; further
 * inferred cues 5 each; at most 100. "other" scores 50 when no cue of any
 * kind was found, 35 when cues were found but all negated or covered
 * (something was said about the debt, and not plainly), 0 when the words
 * are empty.
 *
 * The verdict still follows the precedence of reply_classify.h (a
 * dispute outranks a promise), and the score of a verdict it outranks
 * counts half against it: a reply that contests the penalties and
 * promises the rest is a sure dispute (60 against 30), a dispute read
 * only from a complaint beside a plain payment claim is not (45 against
 * 30). margin = score(verdict) - the best other (weighed) score, 0 to 100.
 */
#ifndef RELANCE_REPLY_SCORE_H
#define RELANCE_REPLY_SCORE_H

#include <stdbool.h>

#include "replies/reply_classify.h"

struct reply_evidence {
    int lexicon[REPLY_VERDICT_COUNT];  /* standing cues read from the lexicon */
    int inferred[REPLY_VERDICT_COUNT]; /* standing cues inferred */
    bool voided;                       /* some cue was found but does not stand */
    bool empty;                        /* no words to read */
};

#define REPLY_SCORE_LEXICON 60
#define REPLY_SCORE_INFERRED 45
#define REPLY_SCORE_OTHER_CLEAR 50
#define REPLY_SCORE_OTHER_VOIDED 35

/* The score of each verdict (scores[REPLY_VERDICT_COUNT]). */
void reply_scores(const struct reply_evidence *e, int *scores);

/* The margin of verdict against the others (see above), 0 to 100.
 * Verdicts the precedence ranks below verdict count half. */
int reply_margin(const struct reply_evidence *e, enum reply_verdict verdict);

#endif
