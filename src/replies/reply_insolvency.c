/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_insolvency.c - reading a collective proceeding out of a reply
 * (see reply_insolvency.h).
 *
 * Which cues stand follows the classifier's rules (reply_classify.h), on
 * the classifier's own cut and scan of the text: nothing is tokenised
 * twice. Names and addresses are read from the text as written, since
 * folding loses their case; they are bounded copies, never more than the
 * fields of struct reply_insolvency hold.
 */
#include "replies/reply_insolvency.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/utf8.h"
#include "lib/util.h"
#include "replies/reply_dates.h"
#include "text/text_fold.h"

#define NEGATION_REACH 4  /* as in reply_classify.c */
#define DATE_REACH 25     /* words from an anchor to a date past its sentence */
#define MAX_LINES_AFTER 3 /* address lines read under a representative */
#define REPLY_TEXT_FORWARD_MAX (32u * 1024) /* forwarded text read */

/* ---- which cues stand ---- */

static bool boundary_between(const struct reply_matches *m, size_t after, size_t before)
{
    for (size_t k = 0; k < m->count; k++)
        if (m->items[k].kind == CUE_BOUNDARY && m->items[k].first > after && m->items[k].first < before)
            return true;
    return false;
}

/* Whether negation n governs cue c (the rule of reply_classify.h). */
static bool governs(const struct reply_tokens *toks, const struct reply_matches *m,
                    const struct reply_match *n, const struct reply_match *c)
{
    if (n->first < c->first && c->first < n->last)
        return true;
    if (c->first <= n->last)
        return false;
    return c->first - n->last <= NEGATION_REACH &&
           toks->items[c->first].clause == toks->items[n->last].clause &&
           !boundary_between(m, n->last, c->first);
}

static bool stands(const struct reply_tokens *toks, const struct reply_matches *m, size_t i)
{
    const struct reply_match *c = &m->items[i];

    for (size_t j = 0; j < m->count && m->items[j].first <= c->first; j++) {
        const struct reply_match *o = &m->items[j];
        if (j == i)
            continue;
        if (o->kind == CUE_NEUTRAL && c->first <= o->last)
            return false;
        if (o->kind == CUE_NEGATION && o->first < c->first && governs(toks, m, o, c))
            return false;
    }
    return true;
}

/* "not in administration, receivership or liquidation": a negation
 * carries over a list of cues, joined by commas and "or"/"ou"/"ni"/"and"/
 * "et" alone, in one sentence. */
static bool listed_after(const struct reply_tokens *toks, size_t prev_last, size_t first)
{
    static const char *const joins[] = {"or", "ou", "ni", "nor", "and", "et", NULL};

    if (first <= prev_last || first - prev_last > 2 ||
        toks->items[first].sentence != toks->items[prev_last].sentence)
        return false;
    for (size_t t = prev_last + 1; t < first; t++) {
        bool join = false;
        for (size_t k = 0; joins[k] != NULL; k++)
            join |= toks->items[t].len == strlen(joins[k]) &&
                    strncmp(toks->text + toks->items[t].start, joins[k], toks->items[t].len) == 0;
        if (!join)
            return false;
    }
    return true;
}

/* ---- the kind ---- */

static const struct {
    const char *word; /* folded, as it stands in a phrase or the text */
    const char *kind;
} kind_words[] = {
    {"sauvegarde", "sauvegarde"},     {"redressement", "redressement"},
    {"liquidat", "liquidation"},      {"receiver", "receivership"},
    {"administrat", "administration"}, {"chapter 11", "chapter 11"},
    {"chapter 7", "chapter 7"},
};

static const char *kind_in(const char *folded, size_t len)
{
    for (size_t k = 0; k < ARRAY_LEN(kind_words); k++) {
        size_t wl = strlen(kind_words[k].word);
        for (size_t p = 0; p + wl <= len; p++)
            if (strncmp(folded + p, kind_words[k].word, wl) == 0 && (p == 0 || !isalnum((unsigned char)folded[p - 1])))
                return kind_words[k].kind;
    }
    return NULL;
}

/* The text of a match, folded (the words it spans). */
static const char *match_text(const struct reply_tokens *toks, const struct reply_match *c, size_t *len)
{
    const struct reply_word *f = &toks->items[c->first], *l = &toks->items[c->last];

    *len = l->start + l->len - f->start;
    return toks->text + f->start;
}

/* ---- the opening date ---- */

static bool has_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isdigit((unsigned char)s[i]))
            return true;
    return false;
}


static bool is_anchor(const struct reply_tokens *toks, size_t t)
{
    static const char *const anchors[] = {"jugement", "ouverture", "ouvert", "ouverte", "prononce",
                                          "prononcee", "opened", "appointed", "since", "depuis",
                                          "dated", "order", "entered", NULL};
    const struct reply_word *w = &toks->items[t];

    for (size_t k = 0; anchors[k] != NULL; k++)
        if (w->len == strlen(anchors[k]) && strncmp(toks->text + w->start, anchors[k], w->len) == 0)
            return true;
    return false;
}

static size_t token_at(const struct reply_tokens *toks, size_t offset)
{
    size_t lo = 0, hi = toks->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (toks->items[mid].start < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < toks->count ? lo : toks->count - 1;
}

/* A date after today was read as this year's or next: the opening is
 * past, so it is the last such day up to today. */
static struct date at_or_before(struct date d, struct date today)
{
    while (date_is_set(d) && date_compare(d, today) > 0) {
        struct date back = {d.year - 1, d.month, d.day};
        if (!date_valid(back.year, back.month, back.day) || d.year - today.year > 1)
            return (struct date){0, 0, 0};
        d = back;
    }
    return d;
}

/* Distance from token t to the nearest anchor (a standing cue, or an
 * opening word); SIZE_MAX when none is near enough. */
static size_t anchor_distance(const struct reply_tokens *toks, const bool *anchor, size_t t)
{
    size_t best = SIZE_MAX;

    for (size_t k = 0; k < toks->count; k++) {
        size_t d;
        if (!anchor[k])
            continue;
        d = k > t ? k - t : t - k;
        if (toks->items[k].sentence != toks->items[t].sentence)
            d = d <= DATE_REACH ? d + 100 : SIZE_MAX;
        if (d < best)
            best = d;
    }
    return best;
}

static struct date opening_date(const struct reply_tokens *toks, const bool *anchor, struct date today)
{
    const char *s = toks->text, *end = toks->text + toks->text_len;
    struct date d, chosen = {0, 0, 0};
    size_t len, best = SIZE_MAX;

    while (toks->count > 0 && (s = reply_date_find(s, end, today, &d, &len)) != NULL) {
        struct date past = at_or_before(d, today);
        size_t dist = anchor_distance(toks, anchor, token_at(toks, (size_t)(s - toks->text)));
        /* "la semaine dernière", "last month": no day is written. */
        if (date_is_set(past) && dist < best && has_digit(s, len)) {
            best = dist;
            chosen = past;
        }
        s += len > 0 ? len : 1;
    }
    return chosen;
}

/* ---- the representative and the address ---- */

static const char *line_end(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl ? nl : s + strlen(s);
}

static bool blank_line(const char *s, const char *end)
{
    for (; s < end; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* Appends s[0..n) trimmed to out, after ", " when out is not empty. */
static void add_part(char *out, size_t size, const char *s, size_t n)
{
    size_t used = strlen(out);

    while (n > 0 && isspace((unsigned char)*s))
        s++, n--;
    while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ',' || s[n - 1] == '.'))
        n--;
    if (n == 0 || used + 3 >= size)
        return;
    if (used > 0)
        str_copy(out + used, size - used, ", "), used += 2;
    {
        char *part = xstrndup(s, n);
        utf8_copy(out + used, size - used, part); /* cut on a character when too long */
        free(part);
    }
}

/* The address that follows a representative: the comma-separated parts
 * of rest (the line after the name) from the first that holds a number,
 * else the next lines up to a blank one that hold a number. */
static void read_address(const char *rest, struct reply_insolvency *out)
{
    const char *end = line_end(rest), *p = rest;

    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        if (has_digit(p, (size_t)(stop - p)) || out->address[0] != '\0')
            add_part(out->address, sizeof out->address, p, (size_t)(stop - p));
        p = comma ? comma + 1 : end;
    }
    /* Or the lines below, up to a blank one: those that hold a number
     * ("12 rue X", "75001 Paris"), past a line of title. */
    for (int n = 0; out->address[0] == '\0' && n < MAX_LINES_AFTER + 1 && *end == '\n'; n++) {
        const char *line = end + 1;
        end = line_end(line);
        if (blank_line(line, end))
            break;
        if (has_digit(line, (size_t)(end - line)))
            for (; !blank_line(line, end) && n < MAX_LINES_AFTER + 1; n++) {
                add_part(out->address, sizeof out->address, line, (size_t)(end - line));
                if (*end != '\n')
                    break;
                line = end + 1;
                end = line_end(line);
            }
    }
}

/* "Mandataire judiciaire : SELARL X, 3 rue …": the value of a labelled
 * line (or the next line when the label stands alone). */
static bool labelled(const char *text, struct reply_insolvency *out)
{
    static const char *const labels[] = {
        "mandataire judiciaire", "mandataire liquidateur", "administrateur judiciaire",
        "liquidateur judiciaire", "liquidateur", "joint administrators", "administrators",
        "administrator", "liquidators", "liquidator", "receivers", "receiver",
        "insolvency practitioner", NULL};

    for (const char *line = text; *line; line = *line_end(line) ? line_end(line) + 1 : line_end(line)) {
        const char *s = line, *end = line_end(line);
        while (s < end && (isspace((unsigned char)*s) || *s == '-' || *s == '*'))
            s++;
        for (size_t k = 0; labels[k] != NULL; k++) {
            size_t n = strlen(labels[k]);
            const char *v = s + n;
            if ((size_t)(end - s) <= n || strncasecmp(s, labels[k], n) != 0)
                continue;
            while (v < end && *v == ' ')
                v++;
            if (v >= end || *v != ':')
                continue;
            for (v++; v < end && isspace((unsigned char)*v); v++)
                ;
            if (v == end && *end == '\n') /* the value on the next line */
                v = end + 1, end = line_end(v);
            const char *p = v;
            while (p < end) { /* the name: the parts before the first with a number */
                const char *comma = memchr(p, ',', (size_t)(end - p));
                const char *stop = comma ? comma : end;
                if (has_digit(p, (size_t)(stop - p)))
                    break;
                add_part(out->representative, sizeof out->representative, p, (size_t)(stop - p));
                p = comma ? comma + 1 : end;
            }
            if (out->representative[0] == '\0')
                continue;
            read_address(p, out);
            return true;
        }
    }
    return false;
}

static bool starts_upper(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    /* ASCII capitals, and Latin-1 capitals in UTF-8 (É is C3 89). */
    return (c >= 'A' && c <= 'Z') || (c == 0xC3 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9E);
}

/* The capitalised words after s (a name, "de"/"du" inside it), at most
 * five; returns where they end. */
static const char *name_end(const char *s, const char *end)
{
    const char *p = s, *last = s;

    for (int words = 0; p < end && words < 5; words++) {
        const char *w = p;
        while (w < end && *w == ' ')
            w++;
        if (w >= end)
            break;
        bool particle = (strncmp(w, "de ", 3) == 0 || strncmp(w, "du ", 3) == 0);
        if (!starts_upper(w) && !particle)
            break;
        while (w < end && *w != ' ' && *w != ',' && *w != '.' && *w != ';' && *w != '(' && *w != ')')
            w++;
        if (!particle)
            last = w;
        p = w;
        if (p < end && *p != ' ')
            break;
    }
    return last;
}

/* "Me Jean Dupont" / "Maître Dupont", or a firm "SELARL Martin & Associés". */
static bool named(const char *text, struct reply_insolvency *out)
{
    static const char *const titles[] = {"Maître ", "Maitre ", "Me ", "SELARL ", "SELAFA ", "SELAS ",
                                         "SCP ", NULL};

    for (size_t k = 0; titles[k] != NULL; k++) {
        const char *hit = text;
        size_t n = strlen(titles[k]);
        while ((hit = strstr(hit, titles[k])) != NULL) {
            const char *end = line_end(hit), *after;
            if ((hit > text && isalnum((unsigned char)hit[-1])) || !starts_upper(hit + n)) {
                hit += n;
                continue;
            }
            after = name_end(hit + n, end);
            add_part(out->representative, sizeof out->representative, hit, (size_t)(after - hit));
            read_address(after, out);
            return true;
        }
    }
    return false;
}

/* ---- the whole reading ---- */

bool reply_insolvency_find(const struct reply_tokens *toks, const struct reply_matches *matches,
                           const char *text, struct date today, struct reply_insolvency *out,
                           char *reason, size_t reason_size)
{
    const struct reply_match *first = NULL;
    size_t negated_last = SIZE_MAX; /* last word of the last negated cue */
    bool *anchor;
    const char *kind = NULL;

    memset(out, 0, sizeof *out);
    if (toks->count == 0)
        return false;
    anchor = xcalloc(toks->count, sizeof *anchor);
    for (size_t t = 0; t < toks->count; t++)
        anchor[t] = is_anchor(toks, t);
    for (size_t i = 0; i < matches->count; i++) {
        const struct reply_match *c = &matches->items[i];
        size_t len;
        const char *words;
        if (c->kind != CUE_INSOLVENCY)
            continue;
        if (!stands(toks, matches, i) ||
            (negated_last != SIZE_MAX && listed_after(toks, negated_last, c->first))) {
            negated_last = c->last;
            continue;
        }
        if (first == NULL)
            first = c;
        for (size_t t = c->first; t <= c->last; t++)
            anchor[t] = true;
        words = match_text(toks, c, &len);
        if (kind == NULL)
            kind = kind_in(words, len);
    }
    if (first != NULL) {
        if (kind == NULL)
            kind = kind_in(toks->text, toks->text_len);
        str_copy(out->kind, sizeof out->kind, kind ? kind : "");
        out->opened = opening_date(toks, anchor, today);
        if (!labelled(text, out))
            named(text, out);
        str_format(reason, reason_size, "insolvency: \"%s\" (%s)", first->phrase, first->origin);
    }
    free(anchor);
    return first != NULL;
}

/* ---- a forwarded notice ---- */

/* Where a forwarded message starts in body: the line after a marker
 * ("---------- Message transféré ---------", "Begin forwarded message:");
 * NULL when there is none. */
static const char *forwarded_start(const char *body)
{
    static const char *const markers[] = {"message transfere", "forwarded message",
                                          "message reexpedie", NULL};

    for (const char *line = body; *line; line = *line_end(line) ? line_end(line) + 1 : line_end(line)) {
        size_t n = (size_t)(line_end(line) - line);
        char *folded;
        bool found = false;
        if (n == 0 || n > 120)
            continue;
        folded = text_fold(line, n, 256);
        str_tolower_ascii(folded);
        for (size_t k = 0; markers[k] != NULL && !found; k++)
            found = strstr(folded, markers[k]) != NULL;
        free(folded);
        if (found)
            return *line_end(line) ? line_end(line) + 1 : line_end(line);
    }
    return NULL;
}

bool reply_insolvency_forwarded(const struct reply_lexicon *lex, const char *body, struct date today,
                                struct reply_reading *out)
{
    const char *start = body ? forwarded_start(body) : NULL;
    struct strbuf text;
    struct reply_tokens toks;
    struct reply_matches matches = {NULL, 0, 0};
    char reason[REPLY_REASON_MAX];
    bool found;

    if (start == NULL)
        return false;
    strbuf_init(&text);
    for (const char *line = start; *line && text.len < REPLY_TEXT_FORWARD_MAX;
         line = *line_end(line) ? line_end(line) + 1 : line_end(line))
        if (line[0] != '>') /* our own reminder, quoted inside */
            strbuf_printf(&text, "%.*s\n", (int)(line_end(line) - line), line);
    reply_tokens_init(&toks, text.data ? text.data : "", text.len);
    reply_lexicon_scan(lex, &toks, &matches);
    found = reply_insolvency_find(&toks, &matches, text.data ? text.data : "", today, &out->insolvency,
                                  reason, sizeof reason);
    if (found) {
        out->verdict = REPLY_INSOLVENCY;
        str_format(out->reason, sizeof out->reason, "forwarded %s", reason);
    }
    free(matches.items);
    reply_tokens_free(&toks);
    strbuf_free(&text);
    return found;
}
