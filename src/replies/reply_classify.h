/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_classify.h - what a reply to a reminder or an invoice says: a
 * verdict, the promised date, the phrase that decided, an excerpt.
 *
 * Verdicts, by precedence (the first that applies wins):
 *   bounce      a DSN reporting a failed delivery (reply_bounce.h), or
 *               mail from MAILER-DAEMON@ or postmaster@ without one, only
 *               when the envelope says bounce (null sender, to the reply
 *               address: may_bounce); from anyone else such a message is
 *               read as words like any other;
 *   auto-reply  RFC 3834 headers (Auto-Submitted other than "no",
 *               X-Autoreply, X-Autorespond), a DSN without failure, a read
 *               receipt; Precedence auto_reply/bulk/junk too, unless the
 *               words dispute the debt (Precedence is an old, loose sign
 *               that some ticket and mass-mail systems also set);
 *   insolvency  a court opened a collective proceeding against the debtor
 *               (reply_insolvency.h): the law stops the chase, whatever else
 *               the words say; also read in a forwarded court notice;
 *   dispute     the debtor contests all or part of the debt: a missed
 *               dispute sends a formal notice to someone who contests it,
 *               so a dispute outranks any promise or payment claim in the
 *               same reply ("we contest the penalties, the rest will be
 *               paid on the 15th" is a dispute; the date is still given);
 *   paid        the debtor says it is paid: to be verified before anything
 *               else is sent;
 *   plan        a payment plan or more time is asked for: it needs the
 *               creditor's answer, where a promise does not;
 *   promise     the debtor commits to pay (with its date when one is
 *               written);
 *   auto-reply  out-of-office wording without headers, when nothing above
 *               matched (a person back from holiday who promises to pay
 *               has promised);
 *   other       anything else.
 * Cues are the lexicon's phrases (reply_lexicon.h) found in the own words
 * (reply_text.h) and in a subject the debtor wrote (not "RE: …"). A cue is
 * void when a longer cue of another kind covers it ("ne paierai pas
 * avant" over "ne paierai pas"), or when a negation governs it: the cue
 * stands inside the negation ("ne conteste pas") or starts at most four
 * words after it in the same clause ("we do not dispute", "sans
 * contester", "pas en désaccord"), with no boundary word ("mais", "but")
 * between. A cue that contains the negation itself ("pas d'accord", "do
 * not owe") is never voided by it. A neutral phrase voids the cues said
 * inside it ("le litige est réglé"). Dates weigh too: a payment claim
 * with a date surely to come in its sentence is void ("virement effectué
 * demain"), and a payment word with a date to come (within 180 days) is a
 * promise ("Règlement fin décembre."), unless its sentence claims payment
 * or the words are an absence notice. The promised date is the date
 * nearest a promise in its sentence (else shortly after it), today or
 * later.
 *
 * Beside the lexicon's phrases, cues are inferred from the grammar
 * (reply_infer.h): the tense of a payment verb ("le virement a été émis"
 * is paid, "partira le 15" a promise) and complaints (an object of the
 * invoice with a request to correct it, or said to be wrong: a dispute).
 * They go through the same negation, covering and date rules. Informal
 * spellings are written out before matching (text_expand_informal).
 * Each verdict gets a score from its standing cues and the reading a
 * margin, 0 to 100, between the verdict and the next best (reply_score.h);
 * under the lexicon's minimum margin (ReplyMinimumMargin) it is unsure.
 *
 * When the lexicon carries a learned model (text/reply_model.h, trained on
 * the tuning half of the labelled replies), it speaks for disputes only:
 * words where the rules found no cue at all read as a dispute when the
 * model's dispute probability reaches its promote_floor, and a paid or
 * promise reading is unsure when it reaches its dispute_floor.
 */
#ifndef RELANCE_REPLY_CLASSIFY_H
#define RELANCE_REPLY_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/date.h"
#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply_bounce.h"
#include "text/reply_lexicon.h"

enum reply_verdict {
    REPLY_DISPUTE = 0,
    REPLY_PROMISE,
    REPLY_PAID,
    REPLY_PLAN,
    REPLY_AUTO_REPLY,
    REPLY_BOUNCE,
    REPLY_OTHER,
    /* A court opened a collective proceeding against the debtor (C. com.
     * L622-21): the chase stops for every case of the debtor. Ranked above
     * everything else when produced; appended here so that the order of
     * the older names stays as stored. */
    REPLY_INSOLVENCY,
    REPLY_VERDICT_COUNT,
};

/* "dispute", "promise", "paid", "plan", "auto-reply", "bounce", "other",
 * "insolvency". */
const char *reply_verdict_name(enum reply_verdict verdict);
bool reply_verdict_parse(const char *name, enum reply_verdict *out);

#define REPLY_REASON_MAX 256
#define REPLY_EXCERPT_MAX 400

/* What an insolvency notice says, when written: the kind of proceeding
 * ("sauvegarde", "redressement", "liquidation", "administration",
 * "receivership", ...), the date the court opened it, the representative
 * (mandataire judiciaire, administrator) and its address. Empty strings and
 * an unset date when not written. */
struct reply_insolvency {
    char kind[32];
    struct date opened;
    char representative[256];
    char address[512];
};

struct reply_reading {
    enum reply_verdict verdict;
    /* The date the debtor promises to pay by: set when a promise cue
     * stands with a date near it, whatever the verdict (a dispute may
     * come with a promise for the undisputed part). */
    struct date promised;
    char reason[REPLY_REASON_MAX];   /* the deciding cue or header */
    char excerpt[REPLY_EXCERPT_MAX]; /* the start of the own words, spaces squeezed */
    char *own_words;                 /* owned; never NULL after a read */
    struct reply_bounce bounce;      /* meaningful when verdict is bounce */
    struct reply_insolvency insolvency; /* meaningful when verdict is insolvency */
    /* How sure the reading is: the margin, 0 to 100, between the best
     * verdict's score and the next one's. unsure: a person should decide
     * (the margin is under the threshold, or the words could not be read);
     * never set for headers-decided verdicts (bounce, auto-reply headers). */
    int margin;
    bool unsure;
};

/* Reads a whole message: bounce, auto-reply headers, then the own words.
 * raw (may be NULL) is the message's bytes, needed only for the Message-ID
 * of a bounced message returned whole; limits may be NULL (defaults);
 * today is the day the reply arrived, in the creditor's time zone, from
 * which relative dates count; may_bounce: the envelope sender is null and
 * the message goes to the reply address (else it is never a bounce). Free
 * with reply_reading_free. */
void reply_read_message(const struct reply_lexicon *lex, struct message *msg, const char *raw,
                        size_t raw_len, const struct message_walk_limits *limits,
                        struct date today, bool may_bounce, struct reply_reading *out);

/* Classifies own words already extracted (and the subject, which may be
 * NULL). Free with reply_reading_free. */
void reply_classify_text(const struct reply_lexicon *lex, const char *subject,
                         const char *own_words, struct date today, struct reply_reading *out);

/* What the learned model reads in the words (reply_features.h and the
 * rules' findings), added to features: for the trainer
 * (tools/train_replies.c), so that it learns from what the classifier
 * sees. */
void reply_classify_features(const struct reply_lexicon *lex, const char *subject,
                             const char *own_words, struct date today, struct strlist *features);

/* The learned model's verdict by itself, the rules left aside (but an
 * insolvency and empty words still read as the rules do): for measuring
 * the model (test_reply_accuracy); the lexicon's model when it has one,
 * else the rules' verdict. */
enum reply_verdict reply_classify_model_alone(const struct reply_lexicon *lex, const char *subject,
                                              const char *own_words, struct date today);

void reply_reading_free(struct reply_reading *reading);

#endif
