/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ladder_choice.c - the ladder of a case and the profile of its debtor
 * (see ladder_choice.h).
 */
#include "remind/ladder_choice.h"

#include <stdlib.h>
#include <string.h>

#include "core/money.h"

const struct ladder_steps *ladder_steps_named(const struct config *cfg, const char *name, bool *known)
{
    const struct ladder_named *n;

    if (known != NULL)
        *known = true;
    if (name == NULL || name[0] == '\0' || strcmp(name, LADDER_DEFAULT_NAME) == 0)
        return &cfg->steps;
    n = ladder_set_find(&cfg->ladders, name);
    if (n != NULL)
        return &n->steps;
    if (known != NULL)
        *known = false;
    return &cfg->steps;
}

static const struct ladder_step *find_in(const struct ladder_steps *steps, const char *name)
{
    for (size_t i = 0; i < steps->count; i++)
        if (strcmp(steps->items[i].name, name) == 0)
            return &steps->items[i];
    return NULL;
}

const struct ladder_step *ladder_step_named(const struct config *cfg, const char *name)
{
    const struct ladder_step *s = find_in(&cfg->steps, name);

    for (size_t i = 0; i < cfg->ladders.count && s == NULL; i++)
        s = find_in(&cfg->ladders.items[i].steps, name);
    return s;
}

static bool any_in(const struct ladder_steps *steps, bool (*pred)(const struct ladder_step *))
{
    for (size_t i = 0; i < steps->count; i++)
        if (pred(&steps->items[i]))
            return true;
    return false;
}

bool ladder_any_step(const struct config *cfg, bool (*pred)(const struct ladder_step *))
{
    bool any = any_in(&cfg->steps, pred);

    for (size_t i = 0; i < cfg->ladders.count && !any; i++)
        any = any_in(&cfg->ladders.items[i].steps, pred);
    return any;
}

bool ladder_choice_configured(const struct config *cfg)
{
    return cfg->ladders.count > 0 || cfg->ladder_rules.count > 0;
}

/* What a debtor's other invoices say: a settled one is one paid; the
 * agency count reads each invoice's own ladder. */
static void tally(const struct config *cfg, const struct case_history_item *items, size_t n,
                  struct profile_history *h)
{
    memset(h, 0, sizeof *h);
    for (size_t i = 0; i < n; i++) {
        if (ladder_reached_agency(ladder_steps_named(cfg, items[i].ladder, NULL), items[i].level))
            h->reached_agency++;
        if (items[i].status != CASE_PAID)
            continue;
        h->settled++;
        if (items[i].level == 1)
            h->after_first++;
        else if (items[i].level == 2 || items[i].level == 3)
            h->after_second_third++;
    }
}

bool ladder_debtor_profile(const struct config *cfg, struct store *st, const struct case_row *c,
                           struct profile_verdict *out)
{
    struct case_history_item *items = NULL;
    struct profile_history h;
    size_t n = 0;

    memset(&h, 0, sizeof h);
    if (c->debtor_profile[0] == '\0' && c->debtor_id > 0) {
        if (store_debtor_history(st, c->debtor_id, c->id, &items, &n) != STORE_OK)
            return false;
        tally(cfg, items, n, &h);
        free(items);
    }
    debtor_profile_effective(c->debtor_profile, &h, out);
    return true;
}

static void explain_rule(const struct case_row *c, const struct ladder_choice *ch, const struct ladder_rule *rule,
                         struct strbuf *why)
{
    char amount[MONEY_STR_MAX];

    money_format_decimal(c->balance, amount);
    strbuf_printf(why, "profile %s (%s), balance %s %s: ", debtor_profile_name(ch->profile.profile),
                  ch->profile.why, amount, c->inv.currency);
    if (rule != NULL)
        strbuf_printf(why, "LadderFor %s (line %d)", rule->text, rule->line);
    else
        strbuf_puts(why, "no LadderFor rule holds");
}

bool ladder_choose(const struct config *cfg, struct store *st, const struct case_row *c, struct ladder_choice *out)
{
    const struct ladder_rule *rule;
    struct strbuf why;
    bool known;

    memset(out, 0, sizeof *out);
    if (!ladder_debtor_profile(cfg, st, c, &out->profile))
        return false;
    strbuf_init(&why);
    if (c->ladder[0] != '\0') {
        out->recorded = true;
        out->steps = ladder_steps_named(cfg, c->ladder, &known);
        out->missing = !known;
        str_copy(out->name, sizeof out->name, known ? c->ladder : LADDER_DEFAULT_NAME);
        if (known)
            strbuf_puts(&why, "chosen when its first step was due");
        else
            strbuf_printf(&why, "its ladder %s is no longer configured: the default ladder", c->ladder);
    } else if (c->level > 0) {
        out->recorded = true;
        out->steps = &cfg->steps;
        str_copy(out->name, sizeof out->name, LADDER_DEFAULT_NAME);
        strbuf_puts(&why, "its first steps went out before a ladder was chosen for it");
    } else {
        rule = ladder_rules_first(&cfg->ladder_rules, out->profile.profile, c->balance);
        str_copy(out->name, sizeof out->name, rule ? rule->ladder : LADDER_DEFAULT_NAME);
        out->steps = ladder_steps_named(cfg, out->name, NULL);
        explain_rule(c, out, rule, &why);
    }
    str_copy(out->why, sizeof out->why, why.data ? why.data : "");
    strbuf_free(&why);
    return true;
}
