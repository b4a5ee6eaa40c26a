/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_lexicon.h - the words debtors use in replies, loaded from the
 * per-language files of a directory (conf/replies/fr.conf, en.conf), and
 * the matching of those phrases against a reply's text.
 *
 * File format, one entry a line ('#' starts a comment line):
 *
 *     KIND: PHRASE
 *
 * KIND is dispute, promise, paid, plan, auto-reply (cues of a verdict),
 * negation (words that cancel a cue they govern: "ne … pas", "not"),
 * boundary (words that end a negation's reach: "mais", "but"), neutral
 * (phrases that mean no verdict and void the shorter cues they cover:
 * "litige … résolu") or payment (payment words that make a promise when a
 * date to come stands in their sentence: "Virement le 20 décembre."), or
 * insolvency (a court opened a collective proceeding: "redressement
 * judiciaire", "in administration"). A PHRASE
 * is a sequence of words matched in order, whole words only, ignoring
 * case, accents, typographic apostrophes and every kind of space;
 * apostrophes and hyphens separate words ("d'accord" is "d accord").
 * "word*" matches any word that starts with "word" (three letters at
 * least), and "…" (or "...") between two words lets up to three other
 * words stand there. A phrase never spans punctuation that ends a clause
 * (, ; : . ! ?) or a blank line.
 *
 * This module knows phrases and where they occur; what a match means
 * (negation scope, which verdict wins) is reply_classify's business.
 */
#ifndef RELANCE_REPLY_LEXICON_H
#define RELANCE_REPLY_LEXICON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

enum reply_cue {
    CUE_DISPUTE = 0,
    CUE_PROMISE,
    CUE_PAID,
    CUE_PLAN,
    CUE_AUTO_REPLY,
    CUE_NEGATION,
    CUE_BOUNDARY,
    CUE_NEUTRAL,
    CUE_PAYMENT,
    CUE_INSOLVENCY, /* a collective proceeding (reply_insolvency.h) */
    CUE_KIND_COUNT,
};

/* Bounds on what a lexicon may hold. */
#define REPLY_LEXICON_MAX_FILES 64
#define REPLY_LEXICON_MAX_ENTRIES 8192
#define REPLY_LEXICON_MAX_LINE 512
#define REPLY_PHRASE_MAX_WORDS 12
#define REPLY_PHRASE_MAX_GAPS 2
#define REPLY_PHRASE_GAP_WORDS 3

/* The kind's name as written in lexicon files ("auto-reply"). */
const char *reply_cue_name(enum reply_cue kind);

struct reply_lexicon;

/* Loads every *.conf file of dir (in name order) into one lexicon. On any
 * error returns NULL and adds one "file:line: message" line per error to
 * errors (which may be NULL). */
struct reply_lexicon *reply_lexicon_load(const char *dir, struct strlist *errors);
/* Compiles one file's text (for tests); name is used in error lines and
 * in the origin of each entry. */
struct reply_lexicon *reply_lexicon_parse_text(const char *name, const char *text,
                                               struct strlist *errors);
void reply_lexicon_free(struct reply_lexicon *lex);
/* The margin (0 to 100, reply_score.h) under which a reading of a reply
 * is unsure and goes to a person: ReplyMinimumMargin, carried here because
 * every reader of replies holds the lexicon. A new lexicon has the
 * default; NULL reads as the default. */
#define REPLY_DEFAULT_MINIMUM_MARGIN 25
void reply_lexicon_set_minimum_margin(struct reply_lexicon *lex, int margin);
int reply_lexicon_minimum_margin(const struct reply_lexicon *lex);

/* The learned model (reply_model.h) read from REPLY_MODEL_FILE beside the
 * *.conf files by reply_lexicon_load; NULL when there is none (the rules
 * alone read replies). set_model takes model (may be NULL) and frees the
 * one before. */
#define REPLY_MODEL_FILE "model.tsv"
struct reply_model;
const struct reply_model *reply_lexicon_model(const struct reply_lexicon *lex);
void reply_lexicon_set_model(struct reply_lexicon *lex, struct reply_model *model);

size_t reply_lexicon_count(const struct reply_lexicon *lex, enum reply_cue kind);

/* A text cut into words: folded to lower-case ASCII (text_fold.h), the
 * abbreviations of informal writing spelled out (text_expand_informal), each
 * word with the clause and sentence it belongs to. */
struct reply_word {
    uint32_t start; /* offset of the word in text */
    uint32_t len;
    uint32_t clause;   /* changes at , ; : . ! ? and blank lines */
    uint32_t sentence; /* changes at ; . ! ? and blank lines */
};

#define REPLY_TOKENS_MAX 20000

struct reply_tokens {
    char *text; /* folded, lower-case */
    size_t text_len;
    struct reply_word *items;
    size_t count; /* at most REPLY_TOKENS_MAX; the rest of the text is ignored */
};

void reply_tokens_init(struct reply_tokens *toks, const char *utf8, size_t len);
void reply_tokens_free(struct reply_tokens *toks);

/* One occurrence of a phrase: words first..last of the tokens. */
struct reply_match {
    enum reply_cue kind;
    size_t first, last;
    const char *phrase; /* as written in the file */
    const char *origin; /* "fr.conf:12" */
};

struct reply_matches {
    struct reply_match *items;
    size_t count, cap;
};

#define REPLY_MATCHES_MAX 4096

/* Every occurrence of every phrase in toks, ordered by first word (and
 * lexicon order at one word), at most REPLY_MATCHES_MAX. The caller frees
 * matches->items. */
void reply_lexicon_scan(const struct reply_lexicon *lex, const struct reply_tokens *toks,
                        struct reply_matches *matches);

#endif
