/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ladder_book.h - the named ladders of the configuration and the rules
 * that choose one for a case.
 *
 *   Step ...                     the default ladder (before any Ladder line;
 *                                none: the built-in seven steps)
 *   Ladder firm                  a named ladder: the Step lines that follow
 *   Step ...                     are its own, up to the next Ladder line
 *   LadderFor profile=bad ladder=firm
 *   LadderFor amount>=5000 ladder=big
 *
 * A rule holds when all its conditions hold: profile=NAME (the debtor's
 * profile, debtor_profile.h; `none` for no profile) and amount bounds
 * (>=, >, <=, <), compared with the case's balance (what is still owed
 * when the ladder is chosen), in the invoice's own currency: 5000 means
 * 5000.00 of whatever currency the invoice is in, no conversion. The first
 * rule that holds, in file order, names the ladder; none: the default
 * ladder ("default" names it in a rule).
 *
 * Pure logic: no SQL, no I/O.
 */
#ifndef RELANCE_LADDER_BOOK_H
#define RELANCE_LADDER_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/debtor_profile.h"
#include "core/ladder.h"
#include "lib/util.h"

#define LADDER_DEFAULT_NAME "default"
#define LADDER_MAX_NAMED 16
#define LADDER_MAX_RULES 64
#define LADDER_RULE_TEXT_MAX 160

struct ladder_named {
    char name[LADDER_NAME_MAX];
    struct ladder_steps steps;
    int line; /* where its Ladder line is, for -n */
};

struct ladder_set {
    struct ladder_named *items;
    size_t count;
};

struct ladder_rule {
    int profile;      /* an enum debtor_profile, or -1: any */
    int64_t min, max; /* balance bounds in cents, inclusive */
    char ladder[LADDER_NAME_MAX];
    char text[LADDER_RULE_TEXT_MAX]; /* as written, for "why" */
    int line;
};

struct ladder_rules {
    struct ladder_rule *items;
    size_t count;
};

/* Ladder NAME: adds an empty named ladder (steps follow). */
bool ladder_set_add(struct ladder_set *set, const char *name, char *why, size_t whylen);
/* A Step line for the newest named ladder. */
bool ladder_set_add_step(struct ladder_set *set, const char *text, char *why, size_t whylen);
const struct ladder_named *ladder_set_find(const struct ladder_set *set, const char *name);
void ladder_set_clear(struct ladder_set *set);

/* One LadderFor value. */
bool ladder_rule_parse(const char *text, struct ladder_rule *out, char *why, size_t whylen);
bool ladder_rules_add(struct ladder_rules *rules, const char *text, char *why, size_t whylen);
void ladder_rules_clear(struct ladder_rules *rules);

/* Whether the rule can hold for some case (a positive balance). */
bool ladder_rule_satisfiable(const struct ladder_rule *r);
/* Whether every case `later` holds for, `earlier` holds for too: then
 * `later` never chooses anything (first match wins). */
bool ladder_rule_covers(const struct ladder_rule *earlier, const struct ladder_rule *later);
bool ladder_rule_matches(const struct ladder_rule *r, enum debtor_profile profile, int64_t balance);
/* The first rule that holds, or NULL. */
const struct ladder_rule *ladder_rules_first(const struct ladder_rules *rules, enum debtor_profile profile,
                                             int64_t balance);

/* Whether any of the first `level` steps goes out in the agency's name. */
bool ladder_reached_agency(const struct ladder_steps *steps, int level);

#endif
