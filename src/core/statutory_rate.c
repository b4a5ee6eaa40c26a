/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * statutory_rate.c - the late-payment rates of C. com. L441-10 II (see
 * statutory_rate.h).
 */
#include "core/statutory_rate.h"

#include "core/money.h"

int64_t statutory_penalty_rate(int64_t contractual, int64_t ecb)
{
    if (contractual >= 0)
        return contractual;
    return ecb + STATUTORY_ECB_MARGIN;
}

int64_t statutory_contractual_floor(int64_t legal)
{
    return STATUTORY_LEGAL_MULTIPLE * legal;
}

bool statutory_contractual_allowed(int64_t contractual, int64_t legal)
{
    return contractual < 0 || contractual >= statutory_contractual_floor(legal);
}
