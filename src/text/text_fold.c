/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_fold.c - UTF-8 to the folded ASCII form of the text readers, and
 * the matchers they share (see text_fold.h).
 *
 * Only what invoices written in French, English and German use is mapped
 * one by one (Latin-1, Latin Extended-A, general punctuation, a few
 * signs); any other character becomes '?', which keeps words apart
 * without pretending to know them.
 *
 * Text is brought to Unicode's canonical composition (NFC) first, so that
 * "e" + U+0301 COMBINING ACUTE reads as "é" does: text drawn from a PDF,
 * or written on some systems, carries decomposed accents. Not NFKC: its
 * compatibility mapping would overrule the tables' choices ("º" and "№"
 * would become "o" and "No" instead of '#' and "N#", "µ" a Greek letter).
 * That mapping is used only for the characters the tables do not name,
 * one at a time: a ligature ("ﬁ"), a fullwidth letter or digit, a letter
 * whose diacritic lies outside Latin Extended-A ("ǎ", "ș"), a unit sign
 * ("㎏"). Combining marks left over vanish: they are accents.
 *
 * The folded text stays within the bound it always had, 3 bytes for each
 * byte read: NFC adds no character but combining marks, and a
 * compatibility fold is kept only when no longer than the character it
 * replaces.
 */
#include "text/text_fold.h"

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "lib/utf8.h"
#include "lib/util.h"

/* U+00C0..U+00FF; '*' marks letters that fold to two characters. */
static const char latin1_letters[] = "AAAAAA*CEEEEIIIIDNOOOOOxOUUUUY**"
                                     "aaaaaa*ceeeeiiiidnooooo/ouuuuy*y";
/* U+0100..U+017F; '*' as above. */
static const char latin_ext_a[] = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi"
                                  "IiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOo**RrRrRrSsSsSsSsTtTt"
                                  "TtUuUuUuUuUuUuWwYyYZzZzZzs";

_Static_assert(sizeof latin1_letters == 64 + 1, "one letter per code point");
_Static_assert(sizeof latin_ext_a == 128 + 1, "one letter per code point");

static const struct {
    uint32_t cp;
    const char *ascii;
} specials[] = {
    {0x00C6, "AE"},  {0x00DE, "TH"},  {0x00DF, "ss"},  {0x00E6, "ae"},  {0x00FE, "th"},  {0x0152, "OE"},
    {0x0153, "oe"},  {0x00A0, " "},   {0x00A1, "!"},   {0x00A2, "c"},   {0x00A3, "GBP"}, {0x00A5, "JPY"},
    {0x00A6, "|"},   {0x00A7, "S"},   {0x00A8, "\""},  {0x00A9, "(c)"}, {0x00AA, "a"},   {0x00AB, "\""},
    {0x00AC, "-"},   {0x00AD, ""},    {0x00AE, "(r)"}, {0x00AF, "-"},   {0x00B0, "#"},   {0x00B1, "+-"},
    {0x00B2, "2"},   {0x00B3, "3"},   {0x00B4, "'"},   {0x00B5, "u"},   {0x00B6, "P"},   {0x00B7, "."},
    {0x00B8, ","},   {0x00B9, "1"},   {0x00BA, "#"},   {0x00BB, "\""},  {0x00BC, "1/4"}, {0x00BD, "1/2"},
    {0x00BE, "3/4"}, {0x00BF, "?"},   {0x2010, "-"},   {0x2011, "-"},   {0x2012, "-"},   {0x2013, "-"},
    {0x2014, "-"},   {0x2015, "-"},   {0x2016, "|"},   {0x2018, "'"},   {0x2019, "'"},   {0x201A, "'"},
    {0x201B, "'"},   {0x201C, "\""},  {0x201D, "\""},  {0x201E, "\""},  {0x201F, "\""},  {0x2020, "+"},
    {0x2021, "+"},   {0x2022, "*"},   {0x2024, "."},   {0x2025, ".."},  {0x2026, "..."}, {0x2027, "."},
    {0x2028, "\n"},  {0x2029, "\n"},  {0x2032, "'"},   {0x2033, "\""},  {0x2039, "<"},   {0x203A, ">"},
    {0x2044, "/"},   {0x20AC, "EUR"}, {0x20A3, "FRF"}, {0x20A4, "GBP"}, {0x2116, "N#"},  {0x2212, "-"},
    {0x2215, "/"},   {0x25A0, "*"},   {0x25AA, "*"},   {0x25CF, "*"},   {0x25E6, "*"},   {0x2713, "*"},
    {0xFFFD, "?"},
};

/* Spaces of every width; zero-width characters vanish. */
static bool is_space_cp(uint32_t cp)
{
    return (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static bool is_invisible_cp(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF;
}

static const char *special_of(uint32_t cp)
{
    for (size_t i = 0; i < ARRAY_LEN(specials); i++)
        if (specials[i].cp == cp)
            return specials[i].ascii;
    return NULL;
}

static void fold_ascii(struct strbuf *out, unsigned char c)
{
    if (c == '\r')
        return;
    if (c == '\f')
        strbuf_putc(out, '\n');
    else if (c == '\n' || (c >= 0x20 && c < 0x7F))
        strbuf_putc(out, (char)c);
    else
        strbuf_putc(out, ' '); /* tabs and control characters */
}

/* The ASCII the tables give for cp (one[] holds a one-letter answer), or
 * NULL when they do not name it. */
static const char *table_fold(uint32_t cp, char one[2])
{
    const char *special = special_of(cp);

    if (special != NULL)
        return special;
    one[1] = '\0';
    if (cp >= 0xC0 && cp <= 0xFF && latin1_letters[cp - 0xC0] != '*')
        one[0] = latin1_letters[cp - 0xC0];
    else if (cp >= 0x100 && cp <= 0x17F && latin_ext_a[cp - 0x100] != '*')
        one[0] = latin_ext_a[cp - 0x100];
    else if (is_space_cp(cp))
        one[0] = ' ';
    else
        return NULL;
    return one;
}

/* Folds cp through its compatibility decomposition into out (at most
 * size - 1 bytes, the length of cp's own UTF-8); false when a part is
 * unknown, a diacritic follows no letter (the stroke of "≠" is not an
 * accent) or the result does not fit. */
static bool compatibility_fold(uint32_t cp, char *out, size_t size)
{
    gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
    gsize count = g_unichar_fully_decompose(cp, TRUE, parts, ARRAY_LEN(parts));
    size_t len = 0;

    if (count == 1 && parts[0] == cp)
        return false; /* no decomposition */
    for (gsize i = 0; i < count && i < ARRAY_LEN(parts); i++) {
        char one[2];
        const char *ascii = one;

        if (g_unichar_ismark(parts[i])) {
            if (len == 0 || !text_is_alnum(out[len - 1]))
                return false;
            continue;
        }
        if (parts[i] >= 0x20 && parts[i] < 0x7F) {
            one[0] = (char)parts[i];
            one[1] = '\0';
        } else if ((ascii = table_fold(parts[i], one)) == NULL) {
            return false;
        }
        if (len + strlen(ascii) >= size)
            return false;
        memcpy(out + len, ascii, strlen(ascii));
        len += strlen(ascii);
    }
    out[len] = '\0';
    return len > 0;
}

/* Folds the character cp, n bytes long in the text. */
static void fold_cp(struct strbuf *out, uint32_t cp, size_t n)
{
    char one[2], compat[UTF8_MAX + 1];
    const char *ascii = table_fold(cp, one);

    if (ascii != NULL)
        strbuf_puts(out, ascii);
    else if (is_invisible_cp(cp) || g_unichar_ismark(cp))
        return;
    else if (compatibility_fold(cp, compat, n + 1))
        strbuf_puts(out, compat);
    else
        strbuf_putc(out, '?');
}

/* The first len bytes of s in NFC, or NULL when they are all ASCII
 * (which NFC leaves alone). An invalid byte becomes U+FFFD and a NUL a
 * space, which fold as they did (to '?' and ' '), compose with nothing,
 * and keep GLib, which wants valid UTF-8 and stops at a NUL, reading all
 * of the text. Freed with g_free. */
static char *canonical_form(const char *s, size_t len)
{
    struct strbuf valid;
    char *nfc;
    size_t i = 0;

    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    if (i == len)
        return NULL;
    strbuf_init(&valid);
    for (i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);

        if (cp == UTF8_INVALID)
            strbuf_puts(&valid, "\xEF\xBF\xBD"); /* UTF8_REPLACEMENT */
        else if (cp == 0)
            strbuf_putc(&valid, ' ');
        else
            strbuf_append(&valid, s + i, n);
        i += n;
    }
    nfc = g_utf8_normalize(valid.data, (gssize)valid.len, G_NORMALIZE_NFC);
    strbuf_free(&valid);
    return nfc;
}

char *text_fold(const char *utf8, size_t len, size_t max)
{
    char *nfc;
    const char *s = utf8;
    struct strbuf out;
    size_t i = 0;

    if (len > max)
        len = max;
    if ((nfc = canonical_form(utf8, len)) != NULL) {
        s = nfc;
        len = strlen(nfc);
    }
    strbuf_init(&out);
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);

        if (cp < 0x80)
            fold_ascii(&out, (unsigned char)cp);
        else
            fold_cp(&out, cp == UTF8_INVALID ? UTF8_REPLACEMENT : cp, n);
        i += n;
    }
    g_free(nfc);
    return strbuf_detach(&out);
}

/* ------------------------------------------------------------------ */
/* Matchers                                                            */

bool text_word_start(const char *start, const char *s)
{
    return s == start || !text_is_alnum(s[-1]);
}

size_t text_match(const char *s, const char *phrase)
{
    const char *p = s;
    char last;

    for (const char *q = phrase; *q != '\0'; q++) {
        if (*q == ' ') {
            /* Two spaces or more part table columns: a phrase never
             * spans them. */
            if (*p != ' ' || p[1] == ' ')
                return 0;
            p++;
            continue;
        }
        if (text_lower(*p) != text_lower(*q))
            return 0;
        p++;
    }
    /* A phrase ending in a letter must end a word; a number may follow it
     * at once, as PDF text often glues a label to its value
     * ("Brutto104,00"). A phrase ending in a digit must end the number. */
    last = phrase[0] ? phrase[strlen(phrase) - 1] : ' ';
    if ((text_is_alpha(last) && text_is_alpha(*p)) || (text_is_digit(last) && text_is_digit(*p)))
        return 0;
    return (size_t)(p - s);
}

const char *text_match_any(const char *s, const char *const *phrases, size_t *len)
{
    for (size_t i = 0; phrases[i] != NULL; i++) {
        size_t n = text_match(s, phrases[i]);

        if (n > 0) {
            *len = n;
            return phrases[i];
        }
    }
    return NULL;
}

const char *text_find(const char *s, const char *end, const char *phrase, size_t *len)
{
    const char *start = s;

    for (; s < end && *s != '\0'; s++) {
        size_t n;

        if (!text_word_start(start, s) && text_is_alnum(phrase[0]))
            continue;
        if ((n = text_match(s, phrase)) > 0 && s + n <= end) {
            *len = n;
            return s;
        }
    }
    return NULL;
}

const char *text_skip_spaces(const char *s)
{
    while (*s == ' ')
        s++;
    return s;
}

const char *text_skip_label_punct(const char *s)
{
    while (*s == ' ' || *s == ':' || *s == '.' || *s == '-' || *s == '=')
        s++;
    return s;
}

const char *text_line_end(const char *s)
{
    const char *nl = strchr(s, '\n');

    return nl != NULL ? nl : s + strlen(s);
}

const char *text_next_line(const char *s)
{
    const char *end = text_line_end(s);

    return *end == '\n' ? end + 1 : NULL;
}

/* ------------------------------------------------------------------ */
/* Informal writing                                                    */

/* Abbreviations and SMS spellings of replies, as whole folded words, and
 * what they stand for. Accents need no entry: folding drops them
 * ("desolé" and "désolé" fold alike). "c" stands for "c'est" only before a
 * space ("c'est" itself is two words already). Words that are also plain
 * words in either language are left out ("dont", "pas", "vs" stays:
 * "versus" is rare in a reply and "vous" is not). */
static const struct {
    const char *word;
    const char *means;
} informal_words[] = {
    {"bjr", "bonjour"},        {"bsr", "bonsoir"},     {"slt", "salut"},
    {"cdt", "cordialement"},   {"cdlt", "cordialement"}, {"cdlmt", "cordialement"},
    {"stp", "s il te plait"},  {"svp", "s il vous plait"}, {"qd", "quand"},
    {"kan", "quand"},          {"pr", "pour"},         {"ds", "dans"},
    {"tt", "tout"},            {"tte", "toute"},       {"tts", "tous"},
    {"tjs", "toujours"},       {"tjrs", "toujours"},   {"bcp", "beaucoup"},
    {"mrc", "merci"},          {"mci", "merci"},       {"vs", "vous"},
    {"ns", "nous"},            {"vot", "votre"},       {"vtr", "votre"},
    {"dacc", "d accord"},      {"dac", "d accord"},    {"pb", "probleme"},
    {"pbm", "probleme"},       {"jvous", "je vous"},   {"jvais", "je vais"},
    {"jai", "j ai"},           {"ya", "il y a"},       {"pk", "pourquoi"},
    {"pq", "pourquoi"},        {"koi", "quoi"},        {"ke", "que"},
    {"dem1", "demain"},        {"2m1", "demain"},      {"auj", "aujourd hui"},
    {"ajd", "aujourd hui"},    {"cest", "c est"},      {"jsuis", "je suis"},
    {"c", "c est"},            {"tmrw", "tomorrow"},   {"tmr", "tomorrow"},
    {"2moro", "tomorrow"},     {"pls", "please"},      {"plz", "please"},
    {"thx", "thanks"},         {"thks", "thanks"},     {"u", "you"},
    {"ur", "your"},            {"cant", "cannot"},     {"wont", "will not"},
    {"didnt", "did not"},      {"isnt", "is not"},     {"havent", "have not"},
    {"wasnt", "was not"},      {"werent", "were not"}, {"im", "i am"},
    {"ive", "i have"},         {"weve", "we have"},
};

/* "la semaine pro", "le mois pro": "pro" is "prochain(e)" only there. */
static const char *informal_after(const char *prev, size_t prev_len, const char *w, size_t n)
{
    if (n == 3 && memcmp(w, "pro", 3) == 0) {
        if (prev_len == 7 && memcmp(prev, "semaine", 7) == 0)
            return "prochaine";
        if (prev_len == 4 && memcmp(prev, "mois", 4) == 0)
            return "prochain";
    }
    return NULL;
}

static const char *informal_of(const char *w, size_t n, char next)
{
    for (size_t i = 0; i < ARRAY_LEN(informal_words); i++)
        if (strlen(informal_words[i].word) == n &&
            memcmp(informal_words[i].word, w, n) == 0) {
            if (n == 1 && w[0] == 'c' && next != ' ')
                return NULL;
            return informal_words[i].means;
        }
    return NULL;
}

char *text_expand_informal(const char *text)
{
    struct strbuf out;
    const char *prev = NULL;
    size_t prev_len = 0;

    strbuf_init(&out);
    for (const char *s = text; *s;) {
        if (text_is_alnum(*s) && (s == text || !text_is_alnum(s[-1]))) {
            const char *w = s, *means;
            size_t n = 0;

            while (text_is_alnum(w[n]))
                n++;
            means = informal_after(prev, prev_len, w, n);
            if (means == NULL && (w == text || w[-1] != '\''))
                means = informal_of(w, n, w[n]);
            if (means != NULL)
                strbuf_puts(&out, means);
            else
                strbuf_append(&out, w, n);
            prev = w;
            prev_len = n;
            s = w + n;
            continue;
        }
        strbuf_putc(&out, *s++);
    }
    return strbuf_detach(&out);
}
