/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_features.h - the features a learned model reads in a reply
 * (reply_model.h): the words of the reply as the lexicon sees them
 * (folded, informal spellings written out), one by one ("w:facture") and
 * by pairs in a sentence ("b:facture_erronee"); a word a negation governs
 * (up to NEGATION_REACH words after it in its clause, or inside it: "ne
 * [conteste] pas") is marked "NOT_" ("w:NOT_conteste"); numbers read as
 * "0"; a word longer than six letters also gives its first six ("s:contes"),
 * a crude stem that carries a word across its forms.
 * Bounded: the first REPLY_FEATURE_TOKENS words only.
 */
#ifndef RELANCE_REPLY_FEATURES_H
#define RELANCE_REPLY_FEATURES_H

#include "lib/util.h"
#include "text/reply_lexicon.h"

#define REPLY_FEATURE_TOKENS 2000
#define REPLY_FEATURE_NEGATION_REACH 4

void reply_features_words(const struct reply_tokens *toks, const struct reply_matches *matches,
                          struct strlist *out);

#endif
