/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * debtor_kind.c - names of debtor kinds and of where they came from (see
 * debtor_kind.h).
 */
#include "core/debtor_kind.h"

#include <string.h>

#include "lib/util.h"

static const char *const kind_names[] = {"unknown", "business", "consumer"};
static const char *const source_names[] = {"default", "invoice", "operator"};

const char *debtor_kind_name(enum debtor_kind kind)
{
    return (size_t)kind < ARRAY_LEN(kind_names) ? kind_names[kind] : "unknown";
}

bool debtor_kind_parse(const char *text, enum debtor_kind *out)
{
    for (size_t i = 0; i < ARRAY_LEN(kind_names); i++) {
        if (text && strcmp(text, kind_names[i]) == 0) {
            *out = (enum debtor_kind)i;
            return true;
        }
    }
    return false;
}

const char *debtor_kind_source_name(enum debtor_kind_source source)
{
    return (size_t)source < ARRAY_LEN(source_names) ? source_names[source] : "default";
}

bool debtor_kind_source_parse(const char *text, enum debtor_kind_source *out)
{
    for (size_t i = 0; i < ARRAY_LEN(source_names); i++) {
        if (text && strcmp(text, source_names[i]) == 0) {
            *out = (enum debtor_kind_source)i;
            return true;
        }
    }
    return false;
}

enum debtor_kind debtor_kind_effective(const char *recorded, enum debtor_kind configured)
{
    enum debtor_kind kind;

    /* Only business and consumer are ever recorded: "unknown" is what
     * nothing recorded means, and then the configuration decides. */
    if (debtor_kind_parse(recorded, &kind) && kind != DEBTOR_KIND_UNKNOWN)
        return kind;
    return configured;
}
