/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * auth_results.c - the Authentication-Results reader (see auth_results.h).
 *
 * RFC 8601's grammar, read left to right by one cursor:
 *
 *   payload  = [CFWS] authserv-id [CFWS version] (";" "none" / 1*resinfo)
 *   resinfo  = ";" method [CFWS "/" version] "=" result
 *              [reason "=" value] *(ptype "." property "=" pvalue)
 *
 * CFWS (white space, folds and nested comments) may stand between any
 * two of these. Comments can hold ';' and '=', so they are skipped by
 * the cursor, never by searching for the next ';'. A pvalue is read as a
 * quoted string or as a run of characters up to white space, ';', '(' or
 * '"': verifiers write header.b=Ab/Cd+E= unquoted although '/' and '='
 * are not token characters.
 */
#include "lib/auth_results.h"

#include <ctype.h>
#include <string.h>

#include "lib/util.h"

struct cursor {
    const char *p;
    const char *end;
};

static bool at_end(const struct cursor *c)
{
    return c->p >= c->end;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Skips one comment, c->p at its '('; false when it does not end or
 * nests too deep. */
static bool skip_comment(struct cursor *c)
{
    int depth = 0;

    while (!at_end(c)) {
        char ch = *c->p++;

        if (ch == '\\') {
            if (at_end(c))
                return false;
            c->p++;
        } else if (ch == '(') {
            if (++depth > AUTH_RESULTS_MAX_DEPTH)
                return false;
        } else if (ch == ')') {
            if (--depth == 0)
                return true;
        }
    }
    return false;
}

static bool skip_cfws(struct cursor *c)
{
    while (!at_end(c)) {
        if (is_space(*c->p))
            c->p++;
        else if (*c->p == '(') {
            if (!skip_comment(c))
                return false;
        } else
            break;
    }
    return true;
}

/* A quoted string, c->p at its '"', unquoted into out. */
static bool read_quoted(struct cursor *c, char *out, size_t size)
{
    size_t n = 0;

    c->p++;
    while (!at_end(c) && *c->p != '"') {
        char ch = *c->p++;

        if (ch == '\\') {
            if (at_end(c))
                return false;
            ch = *c->p++;
        }
        if (n + 1 >= size)
            return false;
        out[n++] = ch;
    }
    if (at_end(c))
        return false;
    c->p++;
    out[n] = '\0';
    return true;
}

/* A run of characters that are neither white space, control, '(', '"'
 * nor one of stop; at least one. */
static bool read_word(struct cursor *c, const char *stop, char *out, size_t size)
{
    size_t n = 0;

    while (!at_end(c)) {
        unsigned char ch = (unsigned char)*c->p;

        if (ch <= ' ' || ch == 0x7f || ch == '(' || ch == '"' || strchr(stop, ch) != NULL)
            break;
        if (n + 1 >= size)
            return false;
        out[n++] = (char)ch;
        c->p++;
    }
    out[n] = '\0';
    return n > 0;
}

static bool read_value(struct cursor *c, const char *stop, char *out, size_t size)
{
    if (!at_end(c) && *c->p == '"')
        return read_quoted(c, out, size);
    return read_word(c, stop, out, size);
}

/* A keyword (letters, digits, '-', '_'), in lower case. */
static bool read_keyword(struct cursor *c, char *out, size_t size)
{
    if (!read_word(c, ";=./", out, size))
        return false;
    for (char *k = out; *k; k++) {
        if (!isalnum((unsigned char)*k) && *k != '-' && *k != '_')
            return false;
        *k = (char)tolower((unsigned char)*k);
    }
    return true;
}

static bool read_number(struct cursor *c, int *out)
{
    char digits[8];

    if (!read_word(c, ";=./", digits, sizeof digits) || strspn(digits, "0123456789") != strlen(digits))
        return false;
    *out = 0;
    for (const char *d = digits; *d; d++)
        *out = *out * 10 + (*d - '0');
    return true;
}

static bool expect(struct cursor *c, char ch)
{
    if (at_end(c) || *c->p != ch)
        return false;
    c->p++;
    return skip_cfws(c);
}

/* One "ptype.property=pvalue" or "reason=value", after the result. */
static bool read_property(struct cursor *c, struct auth_method *m)
{
    char ptype[AUTH_RESULTS_WORD_MAX], property[AUTH_RESULTS_WORD_MAX], value[AUTH_RESULTS_VALUE_MAX];
    struct auth_property *slot;

    if (!read_keyword(c, ptype, sizeof ptype) || !skip_cfws(c))
        return false;
    if (strcmp(ptype, "reason") == 0 && !at_end(c) && *c->p == '=') {
        /* Free text for people: read past it, kept nowhere. */
        return expect(c, '=') && read_value(c, ";", value, sizeof value);
    }
    if (!expect(c, '.') || !read_keyword(c, property, sizeof property) || !skip_cfws(c) || !expect(c, '=') ||
        !read_value(c, ";", value, sizeof value))
        return false;
    if (m->prop_count >= AUTH_RESULTS_MAX_PROPS)
        return true;
    slot = &m->props[m->prop_count];
    if (!str_format(slot->name, sizeof slot->name, "%s.%s", ptype, property))
        return false;
    str_copy(slot->value, sizeof slot->value, value);
    m->prop_count++;
    return true;
}

/* One resinfo, after its ';' and CFWS. *none: it was the word "none"
 * ending the value. */
static bool read_resinfo(struct cursor *c, struct auth_results *out, bool *none)
{
    struct auth_method m;
    int version;

    memset(&m, 0, sizeof m);
    *none = false;
    if (!read_keyword(c, m.method, sizeof m.method) || !skip_cfws(c))
        return false;
    if (strcmp(m.method, "none") == 0 && at_end(c)) {
        *none = true;
        return out->method_count == 0;
    }
    if (!at_end(c) && *c->p == '/') {
        if (!expect(c, '/') || !read_number(c, &version) || !skip_cfws(c))
            return false;
    }
    if (!expect(c, '=') || !read_keyword(c, m.result, sizeof m.result))
        return false;
    for (;;) {
        if (!skip_cfws(c))
            return false;
        if (at_end(c) || *c->p == ';')
            break;
        if (!read_property(c, &m))
            return false;
    }
    if (out->method_count >= AUTH_RESULTS_MAX_METHODS)
        return false;
    out->methods[out->method_count++] = m;
    return true;
}

static bool read_payload(struct cursor *c, struct auth_results *out)
{
    bool none = false;

    /* An empty quoted authserv-id ("") is a value to the grammar but names
     * no server: refused, as it could only ever match by mistake. */
    if (!skip_cfws(c) || !read_value(c, ";", out->authserv_id, sizeof out->authserv_id) ||
        out->authserv_id[0] == '\0' || !skip_cfws(c))
        return false;
    out->version = 1;
    if (!at_end(c) && isdigit((unsigned char)*c->p) && (!read_number(c, &out->version) || !skip_cfws(c)))
        return false;
    while (!at_end(c) && !none) {
        if (!expect(c, ';'))
            return false;
        if (at_end(c))
            break; /* a trailing ';', as some verifiers write */
        if (!read_resinfo(c, out, &none))
            return false;
    }
    return at_end(c);
}

bool auth_results_parse(const char *value, struct auth_results *out)
{
    size_t len = value ? strnlen(value, AUTH_RESULTS_MAX_LEN + 1) : AUTH_RESULTS_MAX_LEN + 1;
    struct cursor c;

    memset(out, 0, sizeof *out);
    if (len > AUTH_RESULTS_MAX_LEN)
        return false;
    c.p = value;
    c.end = value + len;
    if (!read_payload(&c, out)) {
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

/* Not bounded by AUTH_RESULTS_MAX_LEN: an overlong header that claims a
 * trusted authserv-id must still be known as such (and removed). */
bool auth_results_authserv_id(const char *value, char *id, size_t size)
{
    struct cursor c;

    if (size == 0)
        return false;
    id[0] = '\0';
    if (value == NULL)
        return false;
    c.p = value;
    c.end = value + strlen(value);
    if (!skip_cfws(&c) || !read_value(&c, ";", id, size) || id[0] == '\0') {
        id[0] = '\0';
        return false;
    }
    return true;
}

const char *auth_method_property(const struct auth_method *m, const char *name)
{
    for (size_t i = 0; i < m->prop_count; i++)
        if (strcmp(m->props[i].name, name) == 0)
            return m->props[i].value;
    return NULL;
}
