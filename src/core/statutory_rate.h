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

#endif
