/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * statutory_rate.h - the rates French law sets for late payment between
 * businesses (Code de commerce L441-10 II): the penalty rate that applies
 * when the contract names none, and the floor below which a contractual
 * rate is void.
 *
 * Rates are in money.h's rate units (RATE_PER_PERCENT a percent). The
 * rates themselves (the ECB's refinancing rate, the taux d'intérêt légal)
 * change every six months and come from the configuration; only the rule
 * that combines them is here, beside the penalties it feeds (money.h).
 */
#ifndef RELANCE_STATUTORY_RATE_H
#define RELANCE_STATUTORY_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/money.h"

/* Points the law adds to the ECB's rate when no rate was agreed. */
#define STATUTORY_ECB_MARGIN (10 * RATE_PER_PERCENT)
/* A contractual rate may not be lower than this many legal rates. */
#define STATUTORY_LEGAL_MULTIPLE 3

/* The annual penalty rate: the contractual one when there is one
 * (contractual >= 0), else the ECB's rate plus ten points. */
int64_t statutory_penalty_rate(int64_t contractual, int64_t ecb);
/* The lowest contractual rate allowed: three times the legal rate. */
int64_t statutory_contractual_floor(int64_t legal);
/* Whether a contractual rate is lawful: none (< 0), or at the floor or
 * above. */
bool statutory_contractual_allowed(int64_t contractual, int64_t legal);

/* ---- the ECB rate by half-year (L441-10 II) ---- */

/* Whether d is 1 January or 1 July, the days a half-year's rate starts. */
bool statutory_half_year_start(struct date d);
/* The penalty rates by period: the contractual rate for every day when
 * there is one (>= 0), else each of the ECB's rates plus ten points. */
void statutory_penalty_schedule(int64_t contractual, const struct rate_schedule *ecb, struct rate_schedule *out);
/* At most this many missing half-years are listed. */
#define STATUTORY_MISSING_MAX 8
/* The half-years with no rate of their own in a dated schedule: today's,
 * and every one between the first dated rate and today's (their days are
 * priced at the latest earlier rate). Newest last; at most max, the most
 * recent ones. None for an undated schedule (one rate for all). */
size_t statutory_missing_half_years(const struct rate_schedule *ecb, struct date today, struct date *out, size_t max);

#endif
