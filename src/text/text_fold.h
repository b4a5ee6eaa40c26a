/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_fold.h - UTF-8 text folded to the plain ASCII form that the invoice
 * text readers match against, and the small matchers they share.
 *
 * Folding keeps letter case and line breaks but drops accents ("Échéance"
 * -> "Echeance"), turns every kind of space (no-break, narrow no-break,
 * thin, figure) into a plain space, typographic quotes and dashes into
 * ASCII ones, currency signs into ISO codes ("€" -> "EUR", "£" -> "GBP"),
 * and the ordinal signs of "N°" / "Nº" into '#'. It does not interpret
 * anything: what a word means is for the readers.
 */
#ifndef RELANCE_TEXT_FOLD_H
#define RELANCE_TEXT_FOLD_H

#include <stdbool.h>
#include <stddef.h>

/* Folds at most max bytes of UTF-8 input (invalid bytes become '?');
 * canonically equivalent texts fold alike ("e" + U+0301 as "é"). The
 * result is at most 3 bytes for each byte read. Owned by the caller. */
char *text_fold(const char *utf8, size_t len, size_t max);

static inline bool text_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool text_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool text_is_alnum(char c)
{
    return text_is_alpha(c) || text_is_digit(c);
}

static inline char text_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Length of phrase when s starts with it, ignoring case, and the match
 * ends a word (a number may follow a word at once: "Brutto104,00"); 0
 * otherwise. A space in phrase matches one space in s: two or more part
 * the columns of a table, which a phrase never spans. */
size_t text_match(const char *s, const char *phrase);

/* First phrase from a NULL-terminated list that text_match finds at s;
 * its length in *len. NULL when none. */
const char *text_match_any(const char *s, const char *const *phrases, size_t *len);

/* True when s (inside text starting at start) begins a word. */
bool text_word_start(const char *start, const char *s);

/* Finds phrase as a whole word in [s, end) (s itself counts as a word
 * start); the match must end before end. NULL when absent. */
const char *text_find(const char *s, const char *end, const char *phrase, size_t *len);

/* Folded, lower-case text with the abbreviations and SMS spellings of
 * informal replies written out as words ("bjr" -> "bonjour", "qd" ->
 * "quand", "tmrw" -> "tomorrow", "la semaine pro" -> "la semaine
 * prochaine"). Whole words only; a word after an apostrophe stays ("l'u").
 * Linear; the result is at most 16 times as long. Owned by the caller. */
char *text_expand_informal(const char *text);

/* Skips spaces (not line breaks). */
const char *text_skip_spaces(const char *s);
/* Skips spaces and the separators that follow labels (':', '.', '-', '=')
 * on the same line. */
const char *text_skip_label_punct(const char *s);

/* The end of the line s is on (its '\n' or NUL). */
const char *text_line_end(const char *s);
/* The start of the line after s's line, or NULL at the end of text. */
const char *text_next_line(const char *s);

#endif
