/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lang.h - the languages relance writes to debtors in. Templates, amounts
 * and dates are rendered per language; nothing else depends on it.
 */
#ifndef RELANCE_LANG_H
#define RELANCE_LANG_H

#include <stdbool.h>
#include <string.h>

enum language {
    LANG_FR = 0,
    LANG_EN = 1,
};

static inline const char *language_code(enum language lang)
{
    return lang == LANG_EN ? "en" : "fr";
}

/* "fr" or "en"; false for anything else. */
static inline bool language_parse(const char *code, enum language *out)
{
    if (code && strcmp(code, "fr") == 0)
        *out = LANG_FR;
    else if (code && strcmp(code, "en") == 0)
        *out = LANG_EN;
    else
        return false;
    return true;
}

#endif
