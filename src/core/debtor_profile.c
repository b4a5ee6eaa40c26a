/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * debtor_profile.c - names of the debtor profiles and the profile a
 * debtor's history gives (see debtor_profile.h). Pure logic.
 */
#include "core/debtor_profile.h"

#include <strings.h>

#include "lib/util.h"

static const char *const english[PROFILE_COUNT] = {"none", "forgetful", "late", "bad", "trusted"};
static const char *const french[PROFILE_COUNT] = {"aucun", "négligent", "retardataire", "mauvais payeur",
                                                  "de confiance"};
/* What an operator may type without accents or spaces. */
static const char *const french_typed[PROFILE_COUNT] = {"aucun", "negligent", "retardataire", "mauvais-payeur",
                                                        "de-confiance"};

const char *debtor_profile_name(enum debtor_profile p)
{
    return (unsigned)p < PROFILE_COUNT ? english[p] : english[0];
}

const char *debtor_profile_french(enum debtor_profile p)
{
    return (unsigned)p < PROFILE_COUNT ? french[p] : french[0];
}

bool debtor_profile_parse(const char *text, enum debtor_profile *out)
{
    for (int i = 0; i < PROFILE_COUNT; i++) {
        if (strcasecmp(text, english[i]) == 0 || strcasecmp(text, french[i]) == 0 ||
            strcasecmp(text, french_typed[i]) == 0) {
            *out = (enum debtor_profile)i;
            return true;
        }
    }
    return false;
}

/* More than half, strictly: a tie says nothing. */
static bool most(int part, int whole)
{
    return whole > 0 && 2 * part > whole;
}

void debtor_profile_compute(const struct profile_history *h, struct profile_verdict *out)
{
    out->set_by_operator = false;
    out->profile = PROFILE_NONE;
    if (h->reached_agency >= PROFILE_BAD_INVOICES) {
        out->profile = PROFILE_BAD;
        str_format(out->why, sizeof out->why, "computed: reached the agency steps on %d invoices",
                   h->reached_agency);
    } else if (h->settled < PROFILE_MIN_SETTLED) {
        str_format(out->why, sizeof out->why, "computed: too little history (%d paid invoice%s)", h->settled,
                   h->settled == 1 ? "" : "s");
    } else if (most(h->after_first, h->settled)) {
        out->profile = PROFILE_FORGETFUL;
        str_format(out->why, sizeof out->why, "computed: paid after step 1 on %d of %d invoices", h->after_first,
                   h->settled);
    } else if (most(h->after_second_third, h->settled)) {
        out->profile = PROFILE_LATE;
        str_format(out->why, sizeof out->why, "computed: paid after step 2 or 3 on %d of %d invoices",
                   h->after_second_third, h->settled);
    } else {
        str_format(out->why, sizeof out->why, "computed: no pattern in %d paid invoices", h->settled);
    }
}

void debtor_profile_effective(const char *recorded, const struct profile_history *h, struct profile_verdict *out)
{
    enum debtor_profile p;

    if (recorded != NULL && recorded[0] != '\0' && debtor_profile_parse(recorded, &p)) {
        out->profile = p;
        out->set_by_operator = true;
        str_copy(out->why, sizeof out->why, "set by the operator");
        return;
    }
    debtor_profile_compute(h, out);
}
