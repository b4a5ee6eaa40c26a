/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * utf8.c - UTF-8 decoding, encoding and cutting (see utf8.h).
 *
 * A sequence is decoded in full and then checked against the range its
 * length may encode (Unicode's table of well-formed byte sequences says
 * the same byte by byte): below the range is an overlong form, inside
 * U+D800..U+DFFF a surrogate, above U+10FFFF no character at all.
 */
#include "lib/utf8.h"

#include <string.h>

#include "lib/util.h"

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The length a lead byte announces; 0 for a byte that cannot start a
 * sequence: a continuation byte, C0 and C1 (whose every sequence is
 * overlong), F5..FF (beyond U+10FFFF). */
static size_t sequence_length(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    return 0;
}

/* The smallest code point a sequence of each length may hold. */
static const uint32_t shortest_form_min[UTF8_MAX + 1] = {0, 0, 0x80, 0x800, 0x10000};

/* Decodes the n-byte sequence at u (n >= 2, all n bytes readable);
 * false when it is not a valid one. */
static bool decode_sequence(const unsigned char *u, size_t n, uint32_t *cp)
{
    uint32_t c = u[0] & (0x7Fu >> n);

    for (size_t i = 1; i < n; i++) {
        if (!is_continuation(u[i]))
            return false;
        c = c << 6 | (u[i] & 0x3Fu);
    }
    if (c < shortest_form_min[n] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
        return false;
    *cp = c;
    return true;
}

size_t utf8_decode(const char *s, size_t avail, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n;

    if (avail == 0)
        return 0;
    n = sequence_length(u[0]);
    if (n == 1) {
        *cp = u[0];
        return 1;
    }
    if (n == 0 || n > avail || !decode_sequence(u, n, cp)) {
        *cp = UTF8_INVALID;
        return 1;
    }
    return n;
}

size_t utf8_encode(uint32_t cp, char out[UTF8_MAX])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return 0;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_valid_prefix(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);

        if (cp == UTF8_INVALID)
            break;
        i += n;
    }
    return i;
}

size_t utf8_chars(const char *s, size_t len)
{
    size_t chars = 0;

    for (size_t i = 0; i < len; chars++) {
        uint32_t cp;

        i += utf8_decode(s + i, len - i, &cp);
    }
    return chars;
}

/* A lead byte always starts a character (see utf8.h), so only a valid
 * sequence that begins at one of the three bytes before max and runs past
 * it can make max a bad place to cut. */
size_t utf8_cut(const char *s, size_t len, size_t max)
{
    size_t k = max;
    uint32_t cp;

    if (len <= max)
        return len;
    while (k > 0 && max - k < UTF8_MAX - 1 && is_continuation((unsigned char)s[k]))
        k--;
    if (k < max && !is_continuation((unsigned char)s[k]) && utf8_decode(s + k, len - k, &cp) > max - k &&
        cp != UTF8_INVALID)
        return k;
    return max;
}

const char *utf8_prev(const char *start, const char *p)
{
    const char *q = p - 1;
    uint32_t cp;

    while (q > start && p - q < UTF8_MAX && is_continuation((unsigned char)*q))
        q--;
    if (utf8_decode(q, (size_t)(p - q), &cp) == (size_t)(p - q) && cp != UTF8_INVALID)
        return q;
    return p - 1;
}

/* The cut must see the whole of a sequence that starts before the limit,
 * up to UTF8_MAX - 1 bytes past it; no need to measure all of src. */
bool utf8_copy(char *dst, size_t size, const char *src)
{
    if (str_copy(dst, size, src))
        return true;
    if (size > 0)
        dst[utf8_cut(src, strnlen(src, size - 1 + UTF8_MAX), size - 1)] = '\0';
    return false;
}
