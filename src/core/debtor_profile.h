/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * debtor_profile.h - what kind of payer a debtor is, set by the operator
 * or read from the debtor's history, so that a ladder can fit them
 * (ladder_book.h's LadderFor profile=...).
 *
 * Profiles: forgetful (négligent: pays once reminded), late (retardataire:
 * pays at the second or third step), bad (mauvais payeur: reached the
 * agency's steps), trusted (de confiance: only the operator sets it).
 *
 * The profile computed from history, when the operator set none:
 *   - bad: the agency's steps (from=agency) were reached on
 *     PROFILE_BAD_INVOICES (2) invoices or more, settled or not;
 *   - otherwise, over the debtor's settled invoices (status paid; the
 *     case being chosen for is not one), with at least
 *     PROFILE_MIN_SETTLED (2) of them:
 *       forgetful: paid after step 1 (level 1 when paid) on more than
 *                  half of them;
 *       late:      paid after step 2 or 3 on more than half of them;
 *   - otherwise no profile: the default ladder.
 * "More than half" is strict: a tie gives no profile. Invoices paid
 * before any reminder count among the settled ones, so a debtor who
 * usually pays on time is none of these. When the history is short or
 * mixed, no profile is the reading that protects the debtor: it never
 * lands on a firmer ladder on a guess.
 */
#ifndef RELANCE_DEBTOR_PROFILE_H
#define RELANCE_DEBTOR_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#define PROFILE_MIN_SETTLED 2
#define PROFILE_BAD_INVOICES 2
#define PROFILE_WHY_MAX 160

enum debtor_profile {
    PROFILE_NONE = 0,
    PROFILE_FORGETFUL,
    PROFILE_LATE,
    PROFILE_BAD,
    PROFILE_TRUSTED,
};
#define PROFILE_COUNT 5

/* "none" | "forgetful" | "late" | "bad" | "trusted" */
const char *debtor_profile_name(enum debtor_profile p);
/* "aucun" | "négligent" | "retardataire" | "mauvais payeur" | "de confiance" */
const char *debtor_profile_french(enum debtor_profile p);
/* The English names, or the French ones (without accents too). */
bool debtor_profile_parse(const char *text, enum debtor_profile *out);

/* What the history of a debtor's other invoices says. */
struct profile_history {
    int settled;         /* invoices paid */
    int after_first;     /* of which paid with level 1 */
    int after_second_third; /* of which paid with level 2 or 3 */
    int reached_agency;  /* invoices (any status) that had an agency step sent */
};

struct profile_verdict {
    enum debtor_profile profile;
    bool set_by_operator;
    char why[PROFILE_WHY_MAX]; /* "computed: paid after step 1 on 3 of 4 invoices" */
};

/* The profile the history gives (see above). */
void debtor_profile_compute(const struct profile_history *h, struct profile_verdict *out);
/* The profile that applies: the operator's when recorded (a name
 * debtor_profile_parse reads), else the computed one. */
void debtor_profile_effective(const char *recorded, const struct profile_history *h, struct profile_verdict *out);

#endif
