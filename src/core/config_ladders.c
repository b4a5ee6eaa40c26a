/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config_ladders.c - the LADDERS (Ladder NAME) and LADDER_RULES (LadderFor)
 * types of configuration key: named ladders and the rules choosing one
 * (ladder_book.h). The Step lines of a named ladder are config.c's to
 * route (they follow their Ladder line); an empty value adds nothing
 * (config_write prints the key empty when there is none). See
 * config_types.h.
 */
#include "core/config_types.h"
#include "core/ladder_book.h"

const char *config_parse_ladders(void *field, const char *text, const struct config_key_info *key)
{
    static __thread char why[200];

    (void)key;
    if (text[0] == '\0')
        return NULL;
    return ladder_set_add(field, text, why, sizeof why) ? NULL : why;
}

void config_print_ladders(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct ladder_set *set = field;

    for (size_t i = 0; i < set->count; i++) {
        strbuf_printf(out, "%s%s", i ? "\nLadder " : "", set->items[i].name);
        for (size_t j = 0; j < set->items[i].steps.count; j++) {
            strbuf_puts(out, "\nStep ");
            ladder_format_step(&set->items[i].steps.items[j], out);
        }
    }
    (void)key;
}

void config_free_ladders(void *field)
{
    ladder_set_clear(field);
}

const char *config_parse_ladder_rules(void *field, const char *text, const struct config_key_info *key)
{
    static __thread char why[200];

    (void)key;
    if (text[0] == '\0')
        return NULL;
    return ladder_rules_add(field, text, why, sizeof why) ? NULL : why;
}

void config_print_ladder_rules(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct ladder_rules *rules = field;

    for (size_t i = 0; i < rules->count; i++)
        strbuf_printf(out, "%s%s", i ? "\nLadderFor " : "", rules->items[i].text);
    (void)key;
}

void config_free_ladder_rules(void *field)
{
    ladder_rules_clear(field);
}
