/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * review_lapse.h - the end of a review nobody decided: a case in review
 * whose ReviewDays have passed goes back to open (the ladder takes it
 * where it stopped, as after a pause) and the creditor is reminded once,
 * with the template revue-expiree.md, that no decision was taken.
 * Private to src/remind: the scheduler calls it on each run.
 */
#ifndef RELANCE_REVIEW_LAPSE_H
#define RELANCE_REVIEW_LAPSE_H

#include <stdbool.h>

#include "remind/scheduler_context.h"

/* False on a store failure (logged). A reminder that cannot be written
 * (no CreditorEmail, no template) is logged and the case resumes all the
 * same: the ladder must not stay held for want of a notice. */
bool scheduler_end_lapsed_reviews(struct scheduler_ctx *x);

#endif
