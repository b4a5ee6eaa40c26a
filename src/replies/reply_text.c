/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_text.c - the body of a reply and the debtor's own words in it
 * (see reply_text.h).
 *
 * The text is cut into lines, each also kept folded (text_fold.h) and
 * lower-cased for matching, so that "À :" and "A :", "écrit" and "ecrit",
 * ’ and ' are one. The work goes in passes over the lines: where the
 * quoted original starts (everything from there is dropped), then which
 * lines above it are quotes, attributions, signature, closing, disclaimer
 * or noise. Only whole lines are removed; the kept lines are the debtor's
 * text unchanged. The rules are shapes of text that mail clients write,
 * not words of the debt, so they live here rather than in the lexicon.
 */
#include "replies/reply_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "text/html_text.h"
#include "text/text_fold.h"

#define MAX_FOLDED_LINE 8192
#define ATTRIBUTION_MAX 300   /* longer lines are prose, not "X wrote:" */
#define HEADER_BLOCK_SPAN 6   /* lines after "De :" that may hold the other labels */
#define SIGNOFF_MAX_LINES 8   /* lines a closing may be followed by (name, title, phone) */
#define SIGNOFF_MAX_WIDTH 80

struct line {
    const char *text; /* the original UTF-8, not NUL-terminated */
    size_t len;
    char *folded;     /* folded, lower-case, trimmed */
    bool quoted;
    bool drop;
};

struct lines {
    struct line *items;
    size_t count;
    size_t cut; /* lines from here on are the quoted original */
};

/* ------------------------------------------------------------------ */
/* Small matchers on folded lines                                      */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool starts_with_any(const char *s, const char *const *prefixes)
{
    for (size_t i = 0; prefixes[i] != NULL; i++)
        if (starts_with(s, prefixes[i]))
            return true;
    return false;
}

static bool ends_with_any(const char *s, const char *const *suffixes)
{
    for (size_t i = 0; suffixes[i] != NULL; i++)
        if (ends_with(s, suffixes[i]))
            return true;
    return false;
}

static bool contains_any(const char *s, const char *const *needles)
{
    for (size_t i = 0; needles[i] != NULL; i++)
        if (strstr(s, needles[i]) != NULL)
            return true;
    return false;
}

static bool is_blank(const struct line *l)
{
    return l->folded[0] == '\0';
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

static bool line_is_quoted(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i < len && s[i] == '>';
}

static void add_line(struct lines *ls, size_t *cap, const char *s, size_t len)
{
    struct line *l;

    if (ls->count == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        ls->items = xrealloc(ls->items, *cap * sizeof *ls->items);
    }
    if (len > 0 && s[len - 1] == '\r')
        len--;
    l = &ls->items[ls->count++];
    l->text = s;
    l->len = len;
    l->folded = text_fold(s, len, MAX_FOLDED_LINE);
    str_tolower_ascii(l->folded);
    str_squeeze_spaces(l->folded);
    l->quoted = line_is_quoted(s, len);
    l->drop = false;
}

static void split_lines(struct lines *ls, const char *body, size_t len)
{
    size_t cap = 0, i = 0;

    memset(ls, 0, sizeof *ls);
    while (i < len && ls->count < REPLY_TEXT_MAX_LINES) {
        const char *nl = memchr(body + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (body + i)) : len - i;

        add_line(ls, &cap, body + i, n);
        i += n + 1;
    }
    ls->cut = ls->count;
}

static void free_lines(struct lines *ls)
{
    for (size_t i = 0; i < ls->count; i++)
        free(ls->items[i].folded);
    free(ls->items);
}

/* The next line at or after i that is not blank; count when none. */
static size_t next_nonblank(const struct lines *ls, size_t i)
{
    while (i < ls->count && is_blank(&ls->items[i]))
        i++;
    return i;
}

/* ------------------------------------------------------------------ */
/* Where the quoted original starts                                    */

/* "-----Original Message-----", "Begin forwarded message:" and their
 * French forms, once the dashes and stars around them are gone. */
static bool is_original_marker(const char *folded)
{
    static const char *const markers[] = {
        "original message", "message d'origine", "mail original", "message original",
        "forwarded message", "message transfere", "begin forwarded message",
        "debut du message reexpedie", "debut du message transfere", "message reexpedie", NULL,
    };
    char buf[96];
    const char *s = folded;
    size_t n;

    while (*s == '-' || *s == '_' || *s == '*' || *s == '=' || *s == ' ')
        s++;
    str_copy(buf, sizeof buf, s);
    n = strlen(buf);
    while (n > 0 && strchr("-_*=: ", buf[n - 1]) != NULL)
        buf[--n] = '\0';
    for (size_t i = 0; markers[i] != NULL; i++)
        if (strcmp(buf, markers[i]) == 0)
            return true;
    return false;
}

/* The label of a header-like line ("de", "envoye", "subject"), lower-case
 * and without the colon, or "" when the line is not "Label : value". */
static void header_label(const char *folded, char *label, size_t size)
{
    const char *s = folded, *colon;
    size_t n;

    label[0] = '\0';
    while (*s == '*' || *s == ' ')
        s++;
    colon = strchr(s, ':');
    if (colon == NULL || colon - s > 12 || colon == s)
        return;
    n = (size_t)(colon - s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '*'))
        n--;
    str_copyn(label, size, s, n);
}

static bool label_in(const char *label, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++)
        if (strcmp(label, names[i]) == 0)
            return true;
    return false;
}

static const char *const from_labels[] = {"de", "from", "expediteur", NULL};
static const char *const sent_labels[] = {"envoye", "sent", "date", "envoye le", NULL};
static const char *const to_labels[] = {"a", "to", "objet", "subject", "cc", "pour", NULL};

/* Outlook's block: "De :" followed closely by "Envoyé :" and "À :" or
 * "Objet :" (or their English forms), one a line or all on one line. */
static bool is_header_block(const struct lines *ls, size_t i)
{
    const char *first = ls->items[i].folded;
    bool sent = false, to = false;
    char label[16];

    header_label(first, label, sizeof label);
    if (!label_in(label, from_labels))
        return false;
    if ((strstr(first, " envoye :") || strstr(first, " sent:")) &&
        (strstr(first, " objet :") || strstr(first, " subject:")))
        return true;
    for (size_t j = i + 1; j < ls->count && j <= i + HEADER_BLOCK_SPAN; j++) {
        if (ls->items[j].quoted)
            return false;
        header_label(ls->items[j].folded, label, sizeof label);
        sent = sent || label_in(label, sent_labels);
        to = to || label_in(label, to_labels);
    }
    return sent && to;
}

/* How an attribution line ends; a wrapped one may end with "écrit :"
 * alone on its second line. */
static const char *const attribution_ends[] = {"a ecrit :", "a ecrit:", "wrote:", "wrote :", NULL};
static const char *const wrapped_ends[] = {"a ecrit :", "a ecrit:", "wrote:", "wrote :",
                                           "ecrit :", "ecrit:", NULL};

static bool opens_attribution(const char *folded)
{
    return starts_with(folded, "le ") || starts_with(folded, "on ") || starts_with(folded, "am ");
}

/* Dates, times and addresses are what tell "On 7 Dec, X wrote:" from a
 * sentence such as "Here is what our accountant wrote:". */
static bool looks_like_attribution(const char *folded)
{
    return opens_attribution(folded) || strchr(folded, '@') != NULL ||
           strpbrk(folded, "0123456789") != NULL;
}

/* "Le 7 déc. 2026 à 10:12, X <x@y> a écrit :" on one line, or wrapped by
 * the mail client over two; returns how many lines (0 when none). */
static size_t attribution_at(const struct lines *ls, size_t i)
{
    const struct line *l = &ls->items[i], *next;

    if (l->quoted || is_blank(l) || strlen(l->folded) > ATTRIBUTION_MAX)
        return 0;
    if (ends_with_any(l->folded, attribution_ends))
        return looks_like_attribution(l->folded) ? 1 : 0;
    if (i + 1 >= ls->count || !opens_attribution(l->folded))
        return 0;
    next = &ls->items[i + 1];
    if (!next->quoted && strlen(next->folded) <= 80 && ends_with_any(next->folded, wrapped_ends))
        return 2;
    return 0;
}

/* The first line of the quoted original, when it is not marked with '>'
 * (top-posting): an attribution followed by unmarked text, Outlook's
 * block, or an original/forwarded marker. */
static void find_cut(struct lines *ls)
{
    for (size_t i = 0; i < ls->count; i++) {
        size_t n;

        if (ls->items[i].quoted || is_blank(&ls->items[i]))
            continue;
        if (is_original_marker(ls->items[i].folded) || is_header_block(ls, i)) {
            ls->cut = i;
            return;
        }
        if ((n = attribution_at(ls, i)) > 0) {
            size_t after = next_nonblank(ls, i + n);
            if (after < ls->count && ls->items[after].quoted) {
                /* Quoted with '>': drop the attribution, keep reading. */
                for (size_t k = i; k < i + n; k++)
                    ls->items[k].drop = true;
                i += n - 1;
                continue;
            }
            ls->cut = i;
            return;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Signature, disclaimers, closing, noise                              */

static bool is_signature_separator(const struct line *l)
{
    size_t n = l->len;

    while (n > 0 && (l->text[n - 1] == ' ' || l->text[n - 1] == '\t'))
        n--;
    return n == 2 && l->text[0] == '-' && l->text[1] == '-';
}

static void drop_signature(struct lines *ls)
{
    for (size_t i = 0; i < ls->cut; i++) {
        if (ls->items[i].quoted || !is_signature_separator(&ls->items[i]))
            continue;
        for (size_t k = i; k < ls->cut; k++)
            ls->items[k].drop = true;
        return;
    }
}

/* Disclaimers say the message is confidential and meant for its
 * addressee, or open with the set words; the legal footers of companies
 * name the only competent court ("seul compétent"), which a debtor's own
 * threat to go to court does not. */
static bool is_disclaimer(const char *para)
{
    static const char *const openings[] = {
        "ce message et toutes les pieces jointes", "ce message et les pieces jointes",
        "ce message et ses pieces jointes", "ce courriel et", "ce courrier electronique et",
        "ce message electronique et", "le present message", "this e-mail and any attachments",
        "this email and any attachments", "this message and any attachments",
        "this e-mail message and any", "this message (including any attachments)",
        "the information contained in this", "les informations contenues dans ce",
        "disclaimer", "avertissement :", "avis de confidentialite", "confidentiality notice",
        NULL,
    };
    static const char *const secrecy[] = {"confidenti", "privileged", "privilegie", NULL};
    static const char *const audience[] = {
        "destinataire", "intended recipient", "addressee", "intended solely", "intended only",
        "si vous n'etes pas", "if you are not", "par erreur", "in error", "strictly prohibited",
        "strictement interdit", NULL,
    };
    static const char *const court[] = {"seul competent", "seuls competents",
                                        "attribution de competence", "attribution de juridiction",
                                        "exclusivement competent", NULL};

    return starts_with_any(para, openings) ||
           (contains_any(para, secrecy) && contains_any(para, audience)) ||
           contains_any(para, court);
}

/* Marks paragraphs (runs of kept, unquoted, non-blank lines) that are
 * disclaimers. */
static void drop_disclaimers(struct lines *ls)
{
    size_t i = 0;

    while (i < ls->cut) {
        struct strbuf para;
        size_t end = i;

        if (is_blank(&ls->items[i]) || ls->items[i].quoted || ls->items[i].drop) {
            i++;
            continue;
        }
        strbuf_init(&para);
        while (end < ls->cut && !is_blank(&ls->items[end]) && !ls->items[end].quoted) {
            strbuf_puts(&para, ls->items[end].folded);
            strbuf_putc(&para, ' ');
            end++;
        }
        if (is_disclaimer(para.data))
            for (size_t k = i; k < end; k++)
                ls->items[k].drop = true;
        strbuf_free(&para);
        i = end;
    }
}

/* A line that is only a closing formula. "Merci" and "Thanks" are not
 * among them: they too often start a sentence that matters. */
static bool is_signoff(const char *folded)
{
    static const char *const closings[] = {
        "cordialement", "bien cordialement", "tres cordialement", "bien a vous", "bien a toi",
        "sinceres salutations", "salutations", "meilleures salutations", "salutations distinguees",
        "bonne journee", "bonne fin de journee", "a bientot", "best regards", "kind regards",
        "regards", "warm regards", "best wishes", "sincerely", "yours sincerely",
        "yours faithfully", "yours truly", "cheers", "best", "respectfully",
        "merci et cordialement", "merci, cordialement", "thanks and regards",
        "thanks & regards", "many thanks and best regards", NULL,
    };
    char buf[64];
    size_t n;

    str_copy(buf, sizeof buf, folded);
    n = strlen(buf);
    while (n > 0 && strchr(",.!- ", buf[n - 1]) != NULL)
        buf[--n] = '\0';
    for (size_t i = 0; closings[i] != NULL; i++)
        if (strcmp(buf, closings[i]) == 0)
            return true;
    return false;
}

static size_t count_words(const char *s)
{
    size_t n = 0;

    for (const char *p = s; *p; p++)
        if (text_is_alnum(*p) && (p == s || !text_is_alnum(p[-1])))
            n++;
    return n;
}

/* What follows a closing is a signature when it is a few short lines that
 * read as a name, a title, a phone number, not as sentences or a P.S. */
static bool signature_follows(const struct lines *ls, size_t from, size_t *end)
{
    static const char *const postscripts[] = {"p.s", "ps ", "ps:", "ps.", "nb ", "nb:", "n.b", NULL};
    size_t shown = 0, i = from;

    for (; i < ls->cut && !ls->items[i].quoted; i++) {
        const struct line *l = &ls->items[i];
        size_t width = strlen(l->folded);
        char last = width ? l->folded[width - 1] : ' ';

        if (l->drop || is_blank(l))
            continue;
        if (++shown > SIGNOFF_MAX_LINES || width > SIGNOFF_MAX_WIDTH ||
            starts_with_any(l->folded, postscripts) ||
            (strchr(".!?", last) != NULL && count_words(l->folded) > 6))
            return false;
    }
    *end = i;
    return true;
}

static void drop_signoff(struct lines *ls)
{
    for (size_t i = 0; i < ls->cut; i++) {
        size_t end;

        if (ls->items[i].quoted || ls->items[i].drop || !is_signoff(ls->items[i].folded))
            continue;
        if (!signature_follows(ls, i + 1, &end))
            continue;
        for (size_t k = i; k < end; k++)
            ls->items[k].drop = true;
        return;
    }
}

static bool is_separator_line(const char *folded)
{
    size_t n = 0;

    for (const char *p = folded; *p; p++, n++)
        if (strchr("-_=*~ ", *p) == NULL)
            return false;
    return n >= 5;
}

static void drop_noise(struct lines *ls)
{
    static const char *const sent_from[] = {
        "envoye de mon", "envoye depuis mon", "envoye a partir de", "sent from my",
        "sent from outlook", "sent from mail for", "get outlook for", "obtenir outlook pour",
        "telecharger outlook", NULL,
    };

    for (size_t i = 0; i < ls->cut; i++)
        if (starts_with_any(ls->items[i].folded, sent_from) ||
            is_separator_line(ls->items[i].folded))
            ls->items[i].drop = true;
}

/* ------------------------------------------------------------------ */
/* Assembling                                                          */

/* Kept lines, blank runs collapsed to one blank line, at most
 * REPLY_TEXT_MAX_OUTPUT bytes (cut at a line end). */
static char *assemble(const struct lines *ls)
{
    struct strbuf out;
    bool pending_blank = false;

    strbuf_init(&out);
    for (size_t i = 0; i < ls->cut; i++) {
        const struct line *l = &ls->items[i];

        if (l->quoted || l->drop)
            continue;
        if (is_blank(l)) {
            pending_blank = out.len > 0;
            continue;
        }
        if (out.len + l->len + 2 > REPLY_TEXT_MAX_OUTPUT)
            break;
        if (pending_blank)
            strbuf_putc(&out, '\n');
        pending_blank = false;
        strbuf_append(&out, l->text, l->len);
        strbuf_putc(&out, '\n');
    }
    return strbuf_detach(&out);
}

char *reply_own_words(const char *body, size_t len)
{
    struct lines ls;
    char *words;

    if (len > REPLY_TEXT_MAX_INPUT)
        len = REPLY_TEXT_MAX_INPUT;
    split_lines(&ls, body, len);
    find_cut(&ls);
    drop_signature(&ls);
    drop_noise(&ls);
    drop_disclaimers(&ls);
    drop_signoff(&ls);
    words = assemble(&ls);
    free_lines(&ls);
    return words;
}

/* ------------------------------------------------------------------ */
/* The body                                                            */

struct body_capture {
    char *plain;
    char *html;
};

static bool has_text(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s))
            return true;
    return false;
}

static void capture_body(const struct message_part *part, void *ctx)
{
    struct body_capture *c = ctx;
    bool plain = strcmp(part->mime_type, "text/plain") == 0;
    bool html = strcmp(part->mime_type, "text/html") == 0;
    char *text;

    if ((!plain && !html) || part->is_attachment || part->in_attached_message)
        return;
    if ((plain && c->plain != NULL) || (html && c->html != NULL))
        return;
    text = message_part_text_utf8(part);
    if (!has_text(text)) {
        free(text);
        return;
    }
    if (plain)
        c->plain = text;
    else
        c->html = text;
}

char *reply_body_text(struct message *msg, const struct message_walk_limits *limits)
{
    static const struct message_walk_limits defaults = {100, 12, 4u << 20};
    struct body_capture c = {NULL, NULL};
    struct strlist notes;
    char *text;

    strlist_init(&notes);
    message_walk(msg, limits ? limits : &defaults, capture_body, &c, &notes);
    strlist_free(&notes);
    if (c.plain != NULL) {
        free(c.html);
        return c.plain;
    }
    if (c.html == NULL)
        return NULL;
    text = html_to_text(c.html, strlen(c.html), REPLY_TEXT_MAX_INPUT);
    free(c.html);
    return text;
}
