/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ladder_choice.h - which ladder a case follows, and why.
 *
 * A case's ladder is chosen when its first step is due and recorded on
 * the case (store_set_case_ladder): a debtor whose profile changes
 * mid-way never jumps to another ladder. Until then, and for a preview,
 * the choice is made afresh: the debtor's profile (set by the operator,
 * else computed from the history of their other invoices,
 * debtor_profile.h) and the case's balance go through the LadderFor
 * rules, the first that holds names the ladder; none: the default
 * ladder. A case whose recorded ladder is no longer configured follows the
 * default ladder (the log and `show` say so), as does a case that had
 * steps before any ladder was recorded for it (tracked by an older
 * version, or when no named ladder was configured).
 */
#ifndef RELANCE_LADDER_CHOICE_H
#define RELANCE_LADDER_CHOICE_H

#include <stdbool.h>

#include "core/config.h"
#include "core/debtor_profile.h"
#include "core/ladder_book.h"
#include "store/store.h"

#define LADDER_WHY_MAX 400

struct ladder_choice {
    char name[LADDER_NAME_MAX];       /* "default" or a Ladder NAME */
    const struct ladder_steps *steps; /* in the configuration */
    struct profile_verdict profile;   /* the debtor's, as it stands today */
    bool recorded;                    /* the case already follows it */
    bool missing;                     /* the recorded ladder is gone: the default */
    char why[LADDER_WHY_MAX];         /* "profile bad (computed: ...): LadderFor profile=bad ladder=firm" */
};

/* The steps of the ladder called name ("" or "default": the default one);
 * an unknown name gives the default ladder and *known false (known may
 * be NULL). */
const struct ladder_steps *ladder_steps_named(const struct config *cfg, const char *name, bool *known);
/* A step found by name in any ladder (the default one first), or NULL. */
const struct ladder_step *ladder_step_named(const struct config *cfg, const char *name);
/* Whether any ladder has a step for which pred holds. */
bool ladder_any_step(const struct config *cfg, bool (*pred)(const struct ladder_step *));

/* The profile of the case's debtor: the recorded one, else computed from
 * their invoices other than the case. False on a database error. */
bool ladder_debtor_profile(const struct config *cfg, struct store *st, const struct case_row *c,
                           struct profile_verdict *out);
/* The ladder c follows (recorded) or would follow (chosen now). False on
 * a database error. */
bool ladder_choose(const struct config *cfg, struct store *st, const struct case_row *c, struct ladder_choice *out);
/* Whether choosing matters: named ladders or rules are configured. */
bool ladder_choice_configured(const struct config *cfg);

#endif
