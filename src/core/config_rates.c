/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config_rates.c - the HALF_YEAR_RATES type of configuration key (EcbRate):
 * one rate per half-year, dated by its first day, 1 January or 1 July
 * (C. com. L441-10 II), kept in date order; or one undated rate that
 * stands for every half-year. See config_types.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/config_types.h"
#include "core/money.h"
#include "core/statutory_rate.h"

struct rate_item_ctx {
    struct rate_schedule *rates;
    const struct config_key_info *key;
};

static const char *add_half_year_rate(const char *item, struct rate_item_ctx *x)
{
    struct rate_schedule *s = x->rates;
    const char *eq = strchr(item, '=');
    struct rate_period p = {{0, 0, 0}, 0};
    char day[16];
    size_t at;

    if (eq != NULL) {
        if ((size_t)(eq - item) != 10 || !str_copyn(day, sizeof day, item, 10) || !date_parse(day, &p.from))
            return "expected YYYY-MM-DD=RATE or one RATE";
        if (!statutory_half_year_start(p.from))
            return "a half-year starts on 1 January or 1 July (YYYY-01-01 or YYYY-07-01)";
    }
    if (!rate_parse_percent(eq ? eq + 1 : item, &p.rate))
        return "expected a percentage with at most four decimals (12.15)";
    if (p.rate < x->key->min || p.rate > x->key->max)
        return "out of range";
    /* An undated rate stands for every half-year: it cannot share the
     * key with dated ones (which would it yield to?). */
    if (s->count > 0 && (!date_is_set(p.from) || !date_is_set(s->items[0].from)))
        return "a rate without a date applies to every half-year: give it alone, or date every rate";
    if (s->count == RATE_SCHEDULE_MAX)
        return "too many rates";
    for (at = 0; at < s->count && date_compare(s->items[at].from, p.from) < 0; at++)
        ;
    if (at < s->count && date_compare(s->items[at].from, p.from) == 0)
        return "two rates for the same half-year";
    memmove(&s->items[at + 1], &s->items[at], (s->count - at) * sizeof *s->items);
    s->items[at] = p;
    s->count++;
    return NULL;
}

const char *config_parse_half_year_rates(void *field, const char *text, const struct config_key_info *key)
{
    /* A failed line leaves the field as it was. */
    struct rate_schedule next = *(struct rate_schedule *)field;
    struct rate_item_ctx x = {&next, key};
    const char *err = NULL;
    char *copy = xstrdup(text);

    /* Entries are separated by commas and white space, as lists are. */
    for (char *save = NULL, *item = strtok_r(copy, ", \t", &save); item && !err;
         item = strtok_r(NULL, ", \t", &save))
        err = add_half_year_rate(item, &x);
    free(copy);
    if (err == NULL)
        *(struct rate_schedule *)field = next;
    return err;
}

void config_print_half_year_rates(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct rate_schedule *s = field;

    (void)key;
    for (size_t i = 0; i < s->count; i++) {
        char rate[MONEY_TEXT_MAX], day[DATE_STR_MAX];

        rate_format_decimal(s->items[i].rate, rate);
        if (i > 0)
            strbuf_puts(out, ", ");
        if (date_is_set(s->items[i].from)) {
            date_format(s->items[i].from, day);
            strbuf_printf(out, "%s=", day);
        }
        strbuf_puts(out, rate);
    }
}

/* The periods live in the field: forgetting them is enough. */
void config_free_half_year_rates(void *field)
{
    ((struct rate_schedule *)field)->count = 0;
}

