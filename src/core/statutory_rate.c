/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * statutory_rate.c - the late-payment rates of C. com. L441-10 II (see
 * statutory_rate.h).
 */
#include "core/statutory_rate.h"

#include <string.h>

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

/* ---- the ECB rate by half-year ---- */

bool statutory_half_year_start(struct date d)
{
    return date_is_set(d) && d.day == 1 && (d.month == 1 || d.month == 7);
}

void statutory_penalty_schedule(int64_t contractual, const struct rate_schedule *ecb, struct rate_schedule *out)
{
    out->count = 0;
    if (contractual >= 0 || ecb->count == 0) {
        out->items[0].from = (struct date){0, 0, 0};
        out->items[0].rate = statutory_penalty_rate(contractual, 0);
        out->count = 1;
        return;
    }
    for (size_t i = 0; i < ecb->count; i++) {
        out->items[i].from = ecb->items[i].from;
        out->items[i].rate = statutory_penalty_rate(-1, ecb->items[i].rate);
    }
    out->count = ecb->count;
}

static bool has_half_year(const struct rate_schedule *ecb, struct date start)
{
    for (size_t i = 0; i < ecb->count; i++)
        if (date_compare(ecb->items[i].from, start) == 0)
            return true;
    return false;
}

size_t statutory_missing_half_years(const struct rate_schedule *ecb, struct date today, struct date *out, size_t max)
{
    size_t n = 0;

    if (ecb->count == 0 || !date_is_set(ecb->items[0].from) || !date_is_set(today) || max == 0)
        return 0;
    for (struct date h = ecb->items[0].from; date_compare(h, today) <= 0; h = date_add_months(h, 6)) {
        if (has_half_year(ecb, h))
            continue;
        if (n == max) {
            memmove(out, out + 1, (max - 1) * sizeof *out);
            n--;
        }
        out[n++] = h;
    }
    return n;
}
