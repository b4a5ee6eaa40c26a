/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ladder_book.c - named ladders and the LadderFor rules (see
 * ladder_book.h). Pure logic: no SQL, no I/O.
 */
#include "core/ladder_book.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"

static bool name_valid(const char *s)
{
    if (s[0] == '\0' || strlen(s) >= LADDER_NAME_MAX)
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

bool ladder_set_add(struct ladder_set *set, const char *name, char *why, size_t whylen)
{
    struct ladder_named *n;

    if (!name_valid(name)) {
        str_format(why, whylen, "a ladder's name is a-z, 0-9, '-', '_' (at most %d characters)",
                   LADDER_NAME_MAX - 1);
        return false;
    }
    if (strcmp(name, LADDER_DEFAULT_NAME) == 0) {
        str_format(why, whylen, "'%s' is the ladder of the Step lines before any Ladder line",
                   LADDER_DEFAULT_NAME);
        return false;
    }
    if (ladder_set_find(set, name) != NULL) {
        str_format(why, whylen, "ladder %s is defined twice", name);
        return false;
    }
    if (set->count >= LADDER_MAX_NAMED) {
        str_format(why, whylen, "too many ladders (at most %d)", LADDER_MAX_NAMED);
        return false;
    }
    set->items = xrealloc(set->items, (set->count + 1) * sizeof *set->items);
    n = &set->items[set->count++];
    memset(n, 0, sizeof *n);
    str_copy(n->name, sizeof n->name, name);
    return true;
}

bool ladder_set_add_step(struct ladder_set *set, const char *text, char *why, size_t whylen)
{
    struct ladder_steps *steps;

    if (set->count == 0) {
        str_format(why, whylen, "no ladder to add the step to");
        return false;
    }
    steps = &set->items[set->count - 1].steps;
    if (steps->count >= LADDER_MAX_STEPS) {
        str_format(why, whylen, "too many steps (at most %d)", LADDER_MAX_STEPS);
        return false;
    }
    if (!ladder_parse_step(text, &steps->items[steps->count], why, whylen))
        return false;
    steps->count++;
    return true;
}

const struct ladder_named *ladder_set_find(const struct ladder_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->items[i].name, name) == 0)
            return &set->items[i];
    return NULL;
}

void ladder_set_clear(struct ladder_set *set)
{
    free(set->items);
    set->items = NULL;
    set->count = 0;
}

/* ---- rules ---- */

static bool parse_bound(const char *word, struct ladder_rule *r)
{
    const char *op = word + strlen("amount");
    size_t oplen = (op[0] == '<' || op[0] == '>') ? (op[1] == '=' ? 2 : 1) : 0;
    int64_t cents;

    if (oplen == 0 || !money_parse_decimal(op + oplen, &cents) || cents < 0)
        return false;
    if (op[0] == '>') {
        int64_t lo = oplen == 2 ? cents : cents + 1;
        if (lo > r->min)
            r->min = lo;
    } else {
        int64_t hi = oplen == 2 ? cents : cents - 1;
        if (hi < r->max)
            r->max = hi;
    }
    return true;
}

static bool parse_condition(char *word, struct ladder_rule *r, bool *has_ladder)
{
    enum debtor_profile p;

    if (strncmp(word, "amount", 6) == 0 && (word[6] == '<' || word[6] == '>'))
        return parse_bound(word, r);
    if (strncmp(word, "profile=", 8) == 0 && r->profile < 0 && debtor_profile_parse(word + 8, &p)) {
        r->profile = (int)p;
        return true;
    }
    if (strncmp(word, "ladder=", 7) == 0 && !*has_ladder &&
        (name_valid(word + 7) || strcmp(word + 7, LADDER_DEFAULT_NAME) == 0)) {
        str_copy(r->ladder, sizeof r->ladder, word + 7);
        return (*has_ladder = true);
    }
    return false;
}

bool ladder_rule_parse(const char *text, struct ladder_rule *out, char *why, size_t whylen)
{
    char *copy = xstrdup(text), *save = NULL, *word;
    bool has_ladder = false, conditions = false, ok = true;

    memset(out, 0, sizeof *out);
    out->profile = -1;
    out->min = 0;
    out->max = INT64_MAX;
    str_copy(out->text, sizeof out->text, text);
    for (word = strtok_r(copy, " \t", &save); word && ok; word = strtok_r(NULL, " \t", &save)) {
        bool is_ladder = strncmp(word, "ladder=", 7) == 0;
        ok = parse_condition(word, out, &has_ladder);
        conditions |= ok && !is_ladder;
        if (!ok)
            str_format(why, whylen,
                       "'%s': expected profile=forgetful|late|bad|trusted|none, amount>=N (>, <=, <) and one "
                       "ladder=NAME",
                       word);
    }
    free(copy);
    if (ok && !has_ladder) {
        str_format(why, whylen, "ladder=NAME is required");
        ok = false;
    } else if (ok && !conditions) {
        str_format(why, whylen, "a rule needs a condition (profile=... or amount...)");
        ok = false;
    }
    return ok;
}

bool ladder_rules_add(struct ladder_rules *rules, const char *text, char *why, size_t whylen)
{
    struct ladder_rule r;

    if (rules->count >= LADDER_MAX_RULES) {
        str_format(why, whylen, "too many rules (at most %d)", LADDER_MAX_RULES);
        return false;
    }
    if (!ladder_rule_parse(text, &r, why, whylen))
        return false;
    rules->items = xrealloc(rules->items, (rules->count + 1) * sizeof *rules->items);
    rules->items[rules->count++] = r;
    return true;
}

void ladder_rules_clear(struct ladder_rules *rules)
{
    free(rules->items);
    rules->items = NULL;
    rules->count = 0;
}

/* A case the ladder takes owes at least a cent. */
bool ladder_rule_satisfiable(const struct ladder_rule *r)
{
    return r->min <= r->max && r->max >= 1;
}

bool ladder_rule_covers(const struct ladder_rule *earlier, const struct ladder_rule *later)
{
    int64_t lo = later->min < 1 ? 1 : later->min;

    if (earlier->profile >= 0 && earlier->profile != later->profile)
        return false;
    return earlier->min <= lo && earlier->max >= later->max;
}

bool ladder_rule_matches(const struct ladder_rule *r, enum debtor_profile profile, int64_t balance)
{
    if (r->profile >= 0 && r->profile != (int)profile)
        return false;
    return balance >= r->min && balance <= r->max;
}

const struct ladder_rule *ladder_rules_first(const struct ladder_rules *rules, enum debtor_profile profile,
                                             int64_t balance)
{
    for (size_t i = 0; i < rules->count; i++)
        if (ladder_rule_matches(&rules->items[i], profile, balance))
            return &rules->items[i];
    return NULL;
}

bool ladder_reached_agency(const struct ladder_steps *steps, int level)
{
    for (int i = 0; i < level && (size_t)i < steps->count; i++)
        if (steps->items[i].from == LADDER_FROM_AGENCY)
            return true;
    return false;
}
