/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_infer.h - cues the lexicon's phrases do not name, inferred from
 * the grammar of a reply: the tense of a payment verb (reply_tense.c) and
 * a complaint about an object of the invoice with a request to correct it
 * (reply_complaint.c). Each inferred cue is a reply_match like the
 * lexicon's (kind dispute, paid or promise; origin "tense" or
 * "complaint"), so that negation, covering, dates and precedence treat
 * both alike; the score of an inferred cue is lower (reply_score.h).
 *
 * Both scan the tokens once, looking a bounded number of words around
 * each: linear in the length of the reply.
 */
#ifndef RELANCE_REPLY_INFER_H
#define RELANCE_REPLY_INFER_H

#include <stdbool.h>
#include <stddef.h>

#include "text/reply_lexicon.h"

#define REPLY_ORIGIN_TENSE "tense"
#define REPLY_ORIGIN_COMPLAINT "complaint"

/* The phrase of a complaint whose wrong is a negated verb ("none of the
 * extras were approved", "la remise n'a pas été appliquée"): the
 * negation is the complaint's own, and never voids it. */
#define REPLY_PHRASE_NOT_APPLIED "an object of the invoice said not to be applied"

/* The phrase of a payment made to wait for a correction ("nous réglerons
 * dès que la facture sera corrigée"): a dispute, and the promise or
 * payment cues of its sentence are void (reply_classify.c). */
#define REPLY_PHRASE_CONDITION "a payment on condition of a correction"

/* The phrase of work or goods said never done or never come ("le dessert
 * n'a jamais été servi"): the negation is the complaint's own. */
#define REPLY_PHRASE_NEVER_DONE "work or goods said never done"

/* The phrase of the invoice itself said to be wrong, no object named
 * ("il doit y avoir une erreur"): beside a payment claim it says the
 * invoice is paid, and is no dispute (reply_classify.c). */
#define REPLY_PHRASE_INVOICE_WRONG "the invoice said to be wrong"

/* Whether m holds its own negation (see above). */
bool reply_match_holds_negation(const struct reply_match *m);

/* Whether a match was inferred rather than read from the lexicon. */
bool reply_match_inferred(const struct reply_match *m);

/* A payment said to have left ("le virement a été émis", "est parti",
 * "on a viré", "virement passé", "the transfer was sent", "I sent the
 * payment"): a paid cue on the verb. A payment said to come ("le virement
 * partira", "sera effectué", "will go out"): a promise cue. */
void reply_tense_scan(const struct reply_tokens *toks, struct reply_matches *out);

/* A complaint: an object of the invoice (price, discount, quantity,
 * delivery, quality, duplicate, VAT, wrong entity...) with a request to
 * correct, redo, cancel or credit it ("merci de corriger la facture",
 * "please issue a credit note"), or with a word saying it is wrong ("la
 * remise n'a pas été appliquée", "50 facturés, 35 livrés" does not count:
 * numbers are no words). A dispute cue on the request or the complaint. */
void reply_complaint_scan(const struct reply_tokens *toks, struct reply_matches *out);

/* Merges inferred matches into the lexicon's, keeping the order by first
 * word (the lexicon's first at one word) and the REPLY_MATCHES_MAX bound.
 * Frees extra's items. */
void reply_matches_merge(struct reply_matches *matches, struct reply_matches *extra);

/* Appends one match (used by the scanners). */
void reply_matches_add(struct reply_matches *m, enum reply_cue kind, size_t first, size_t last,
                       const char *phrase, const char *origin);

/* Whether token i of toks is word (whole) or starts with stem (stem ends
 * with '*'), for each of a NULL-terminated list. */
bool reply_token_in(const struct reply_tokens *toks, size_t i, const char *const *words);

#endif
