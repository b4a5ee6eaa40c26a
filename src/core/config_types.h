/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config_types.h - what each type of the key table (enum config_type in
 * config.h) knows how to do with a value: read it from a line, write it
 * back as a line would give it, free it. One entry per type, so that the
 * loader, the dump and the release of a snapshot never switch over types,
 * and a new type is one entry here. Private to src/core's config files.
 */
#ifndef RELANCE_CONFIG_TYPES_H
#define RELANCE_CONFIG_TYPES_H

#include <stdbool.h>

#include "core/config.h"
#include "lib/util.h"

/* Whether a line may give the key an empty value. */
enum config_empty {
    CONFIG_EMPTY_REFUSED,
    CONFIG_EMPTY_ALLOWED,
    CONFIG_EMPTY_IF_DEFAULT_EMPTY, /* allowed when the key's default is empty */
};

struct config_type_ops {
    /* Sets the field from text (a repeatable type adds to it). Returns
     * NULL, or an error text; "out of range" is completed with the key's
     * bounds by the loader. */
    const char *(*parse)(void *field, const char *text, const struct config_key_info *key);
    /* Appends the value as a configuration line gives it (after the key's
     * name and a space; a type with one line per entry starts each further
     * line with the name). */
    void (*print)(const void *field, const struct config_key_info *key, struct strbuf *out);
    /* Frees what the field holds and leaves it empty. */
    void (*free)(void *field);
    /* Each line adds an entry; the first line replaces the default. */
    bool repeatable;
    enum config_empty empty;
};

const struct config_type_ops *config_type_ops(enum config_type type);

/* HALF_YEAR_RATES (config_rates.c). */
const char *config_parse_half_year_rates(void *field, const char *text, const struct config_key_info *key);
void config_print_half_year_rates(const void *field, const struct config_key_info *key, struct strbuf *out);
void config_free_half_year_rates(void *field);
/* LADDERS and LADDER_RULES (config_ladders.c). */
const char *config_parse_ladders(void *field, const char *text, const struct config_key_info *key);
void config_print_ladders(const void *field, const struct config_key_info *key, struct strbuf *out);
void config_free_ladders(void *field);
const char *config_parse_ladder_rules(void *field, const char *text, const struct config_key_info *key);
void config_print_ladder_rules(const void *field, const struct config_key_info *key, struct strbuf *out);
void config_free_ladder_rules(void *field);

#endif
