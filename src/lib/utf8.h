/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * utf8.h - UTF-8 read and written one character at a time (RFC 3629).
 *
 * Every module that looks inside text goes through here, so that one
 * definition of a valid sequence holds everywhere. Invalid are: overlong
 * forms ("\xC0\xAF" for '/'), UTF-16 surrogates (U+D800..U+DFFF), code
 * points above U+10FFFF, lead bytes F5..FF, stray continuation bytes and
 * sequences cut short. An invalid byte is always a unit of its own: the
 * decoder consumes that one byte and reports UTF8_INVALID, decoding goes
 * on at the next byte, and each caller decides whether to replace, skip
 * or reject it. Every lead byte is therefore a character boundary, which
 * lets the functions that step back or cut agree with the decoder.
 */
#ifndef RELANCE_UTF8_H
#define RELANCE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_MAX 4                 /* bytes in the longest sequence */
#define UTF8_INVALID 0xFFFFFFFFu   /* what the decoder reports for an invalid byte */
#define UTF8_REPLACEMENT 0xFFFDu   /* U+FFFD, for callers that replace */

/* Reads the character at s, of which avail bytes may be read (a NUL is
 * never a continuation byte, so a string's terminator also stops it).
 * Returns the bytes taken: 1 to 4 for a valid sequence, whose code point
 * goes to *cp; 1 for an invalid byte, with *cp = UTF8_INVALID; 0 only when
 * avail is 0. */
size_t utf8_decode(const char *s, size_t avail, uint32_t *cp);

/* Writes cp as UTF-8 into out; returns its length, or 0 (nothing
 * written) when cp is a surrogate or above U+10FFFF. */
size_t utf8_encode(uint32_t cp, char out[UTF8_MAX]);

/* The length of the longest prefix of s[0, len) that is valid UTF-8
 * (len when all of it is). */
size_t utf8_valid_prefix(const char *s, size_t len);

/* The number of characters in s[0, len), an invalid byte counting as
 * one (it is shown as one replacement character). */
size_t utf8_chars(const char *s, size_t len);

/* The length of the longest prefix of s[0, len) of at most max bytes
 * that does not end inside a valid sequence: where to cut text so that
 * it stays as valid as it was. A sequence cut short by len counts as
 * invalid, so len should reach UTF8_MAX - 1 bytes past max when the text
 * does. */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* The start of the character that ends just before p, inside text that
 * starts at start (start < p, and p on a character boundary): p - 1 when
 * that byte is invalid. */
const char *utf8_prev(const char *start, const char *p);

/* Copies src into dst (size bytes) like str_copy, but a cut never splits
 * a sequence (see utf8_cut). Returns false when src was cut. */
bool utf8_copy(char *dst, size_t size, const char *src);

#endif
