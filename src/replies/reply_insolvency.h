/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_insolvency.h - whether a reply announces that a court opened a
 * collective proceeding against the debtor (sauvegarde, redressement or
 * liquidation judiciaire; administration, receivership, liquidation,
 * Chapter 11/7), and what it says of it.
 *
 * A reply announces one when an insolvency cue of the lexicon stands in
 * its words: not governed by a negation ("nous ne sommes pas en
 * redressement judiciaire") and not inside a neutral phrase ("en cas de
 * liquidation judiciaire", "stock liquidation"), by the rules of
 * reply_classify.h. Read from it, when written:
 *   kind            from the standing cues (sauvegarde, redressement,
 *                   liquidation, administration, receivership, chapter 11,
 *                   chapter 7), else from a kind word anywhere in the text;
 *   opened          the date, today or earlier, nearest a standing cue or an
 *                   opening word ("jugement", "ouverture", "opened",
 *                   "appointed", "since") in the same sentence; a day and
 *                   month without a year is the last such day up to today;
 *   representative  a labelled line ("Mandataire judiciaire : …",
 *                   "Liquidator: …"), else "Me"/"Maître" and the name that
 *                   follows, else a firm of the trade (SELARL, SELAFA,
 *                   SELAS, SCP, AJ/MJ associés) and its name;
 *   address         what follows the representative's name on its line
 *                   after a comma, or the next lines up to a blank one, when
 *                   they hold a number (a street or a postcode).
 * The caller (reply_classify.c) gives the verdict; this module only reads.
 */
#ifndef RELANCE_REPLY_INSOLVENCY_H
#define RELANCE_REPLY_INSOLVENCY_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/date.h"
#include "replies/reply_classify.h"
#include "text/reply_lexicon.h"

/* toks and matches: the classifier's cut and scan of text (the subject
 * and own words as one text); text: the same text as written (for names,
 * which keep their case). Returns true when an insolvency cue stands;
 * then out is filled and reason names the cue. */
bool reply_insolvency_find(const struct reply_tokens *toks, const struct reply_matches *matches,
                           const char *text, struct date today, struct reply_insolvency *out,
                           char *reason, size_t reason_size);

/* A notice forwarded by the debtor ("TR: Jugement d'ouverture"): the
 * own words drop a forwarded message, but a court's notice in it is the
 * debtor's news. Reads the forwarded block of body (its lines not marked
 * '>'); when it announces a proceeding, sets out's verdict, reason and
 * insolvency and returns true; else leaves out as it was. */
bool reply_insolvency_forwarded(const struct reply_lexicon *lex, const char *body, struct date today,
                                struct reply_reading *out);

#endif
