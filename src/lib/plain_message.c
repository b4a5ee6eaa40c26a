/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plain_message.c - a lone text/plain message read from its raw bytes
 * (see plain_message.h).
 *
 * One pass over the header lines, each of which must be a well-formed
 * field ("name:" with a printable name) or the continuation of a field
 * that does not matter here; the first empty line ends them. Every doubt
 * answers no: the caller then parses the message with GMime, so being
 * strict costs time on unusual mail, never a different reading.
 */
#include "lib/plain_message.h"

#include <string.h>
#include <strings.h>

/* Fields that decide how the body reads, and those that do not. */
enum field_kind { FIELD_OTHER, FIELD_CONTENT_TYPE, FIELD_ENCODING, FIELD_SUBJECT, FIELD_REFUSED };

/* Charsets whose conversion to UTF-8 keeps every ASCII byte, in place,
 * and turns no other byte into an ASCII letter. */
static const char *const ascii_charsets[] = {"utf-8",      "us-ascii",    "iso-8859-1",
                                             "iso-8859-15", "windows-1252"};
static const char *const identity_encodings[] = {"7bit", "8bit", "binary"};
/* Content-* fields that change nothing in how the body reads. */
static const char *const harmless_content_fields[] = {"Content-Language", "Content-ID", "Content-Description"};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool equals_icase(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

static bool one_of_icase(const char *s, size_t len, const char *const *words, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (equals_icase(s, len, words[i]))
            return true;
    return false;
}

/* [*s, *end) without the blanks around it. */
static void trim(const char **s, const char **end)
{
    while (*s < *end && is_blank(**s))
        (*s)++;
    while (*end > *s && is_blank((*end)[-1]))
        (*end)--;
}

static enum field_kind field_kind_of(const char *name, size_t len)
{
    if (equals_icase(name, len, "Content-Type"))
        return FIELD_CONTENT_TYPE;
    if (equals_icase(name, len, "Content-Transfer-Encoding"))
        return FIELD_ENCODING;
    if (equals_icase(name, len, "Subject"))
        return FIELD_SUBJECT;
    if (len >= 8 && strncasecmp(name, "Content-", 8) == 0 &&
        !one_of_icase(name, len, harmless_content_fields, sizeof harmless_content_fields / sizeof harmless_content_fields[0]))
        return FIELD_REFUSED; /* Content-Disposition and any other */
    return FIELD_OTHER;
}

/* "text/plain" alone or with one charset parameter from ascii_charsets,
 * its value a token or a plain quoted string. */
static bool plain_content_type(const char *s, const char *end)
{

    trim(&s, &end);
    if ((size_t)(end - s) < 10 || strncasecmp(s, "text/plain", 10) != 0)
        return false;
    for (s += 10; s < end && is_blank(*s); s++)
        ;
    if (s == end)
        return true;
    if (*s != ';')
        return false;
    for (s++; s < end && is_blank(*s); s++)
        ;
    if (s == end)
        return true;
    if ((size_t)(end - s) < 7 || strncasecmp(s, "charset", 7) != 0)
        return false;
    for (s += 7; s < end && is_blank(*s); s++)
        ;
    if (s == end || *s != '=')
        return false;
    for (s++; s < end && is_blank(*s); s++)
        ;
    if (end > s && end[-1] == ';')
        end--;
    trim(&s, &end);
    if (end - s >= 2 && *s == '"' && end[-1] == '"') {
        s++;
        end--;
    }
    return one_of_icase(s, (size_t)(end - s), ascii_charsets, sizeof ascii_charsets / sizeof ascii_charsets[0]);
}

static bool identity_encoding(const char *s, const char *end)
{
    trim(&s, &end);
    return one_of_icase(s, (size_t)(end - s), identity_encodings,
                        sizeof identity_encodings / sizeof identity_encodings[0]);
}

/* The Subject, unfolded on one line: GMime decodes it (encoded words,
 * 8-bit text), which the caller must do as well before reading it. */
static bool plain_subject(const char *s, const char *end, struct plain_message *out)
{
    trim(&s, &end);
    for (const char *p = s; p < end; p++)
        if ((unsigned char)*p < 32 && *p != '\t')
            return false;
    out->subject = s;
    out->subject_len = (size_t)(end - s);
    return true;
}

/* A line of the header block, without its line end: NUL and a bare CR
 * are refused (a parser may cut the line there). */
static bool clean_line(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s == '\0' || *s == '\r')
            return false;
    return true;
}

/* One field line: its kind, checked when it is one that matters. */
static enum field_kind read_field(const char *line, const char *end, int seen[], struct plain_message *out)
{
    const char *colon = memchr(line, ':', (size_t)(end - line));
    enum field_kind kind;

    if (colon == NULL || colon == line)
        return FIELD_REFUSED;
    for (const char *p = line; p < colon; p++)
        if (*p < 33 || *p > 126)
            return FIELD_REFUSED;
    kind = field_kind_of(line, (size_t)(colon - line));
    if (kind == FIELD_OTHER || kind == FIELD_REFUSED)
        return kind;
    if (++seen[kind] > 1)
        return FIELD_REFUSED;
    if (kind == FIELD_CONTENT_TYPE && !plain_content_type(colon + 1, end))
        return FIELD_REFUSED;
    if (kind == FIELD_ENCODING && !identity_encoding(colon + 1, end))
        return FIELD_REFUSED;
    if (kind == FIELD_SUBJECT && !plain_subject(colon + 1, end, out))
        return FIELD_REFUSED;
    return kind;
}

bool plain_message_read(const char *data, size_t len, struct plain_message *out)
{
    const char *p = data, *stop = data + len;
    int seen[FIELD_REFUSED + 1] = {0};
    enum field_kind last = FIELD_REFUSED; /* a continuation first of all is refused */
    int fields = 0;

    memset(out, 0, sizeof *out);
    while (p < stop) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        const char *end;

        if (nl == NULL)
            return false; /* no body */
        end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        if (!clean_line(p, end))
            return false;
        if (end == p) {
            if (fields == 0)
                return false;
            out->body = nl + 1;
            out->body_len = (size_t)(stop - out->body);
            return !(out->body_len >= 5 && memcmp(out->body, "%PDF-", 5) == 0);
        }
        if (is_blank(*p)) {
            if (last != FIELD_OTHER)
                return false; /* a folded field that matters, or no field yet */
        } else {
            last = read_field(p, end, seen, out);
            if (last == FIELD_REFUSED)
                return false;
            fields++;
        }
        p = nl + 1;
    }
    return false;
}
