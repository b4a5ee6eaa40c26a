/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_utf8.c - libFuzzer entry point for the UTF-8 module and the
 * folding built on it. Checks that no crash or sanitizer report happens
 * and that the promises of utf8.h hold over any bytes: decoding takes 1 to
 * 4 bytes and re-encoding a valid character gives back exactly those
 * bytes (an invalid one takes 1 byte); validation agrees with decoding
 * and with GLib's; a cut is the last character boundary at or before its
 * limit, so it never splits a sequence; stepping back lands on the
 * previous boundary; encoding and decoding are inverse over the code
 * points the bytes spell. And for text_fold: the result is ASCII, at
 * most 3 bytes per byte read, and the same for the valid text and its
 * NFD and NFC forms.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "lib/utf8.h"
#include "lib/util.h"
#include "text/text_fold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes all of s, checking each step; marks where characters start. */
static void check_decoding(const char *s, size_t size, bool *at)
{
    size_t i = 0, chars = 0;

    memset(at, 0, size + 1);
    while (i < size) {
        char again[UTF8_MAX];
        uint32_t cp;
        size_t n = utf8_decode(s + i, size - i, &cp);

        at[i] = true;
        if (n == 0 || n > UTF8_MAX || n > size - i)
            abort();
        if (cp == UTF8_INVALID ? n != 1 : (utf8_encode(cp, again) != n || memcmp(again, s + i, n) != 0))
            abort();
        i += n;
        chars++;
    }
    at[size] = true;
    if (utf8_chars(s, size) != chars)
        abort();
}

static void check_validation(const char *s, size_t size)
{
    size_t valid = utf8_valid_prefix(s, size);
    const gchar *end;
    uint32_t cp;

    if (valid > size)
        abort();
    if (valid < size && (utf8_decode(s + valid, size - valid, &cp), cp != UTF8_INVALID))
        abort();
    /* GLib refuses a NUL inside a counted buffer; elsewhere it agrees. */
    g_utf8_validate(s, (gssize)size, &end);
    if (memchr(s, '\0', size) == NULL && (size_t)(end - s) != valid)
        abort();
}

static void check_cuts(const char *s, size_t size, const bool *at)
{
    size_t last = 0;

    for (size_t max = 0; max <= size + 1; max++) {
        size_t cut = utf8_cut(s, size, max);

        if (cut > max || cut > size || !at[cut])
            abort();
        for (size_t k = cut + 1; k <= max && k <= size; k++)
            if (at[k])
                abort(); /* a later boundary would have done */
    }
    for (size_t p = 1; p <= size; p++) {
        if (!at[p])
            continue;
        if (utf8_prev(s, s + p) != s + last)
            abort();
        last = p;
    }
}

/* utf8_copy into a buffer whose size the first byte picks. */
static void check_copy(const char *s, size_t size, const bool *at)
{
    size_t len = strnlen(s, size), room = size > 0 ? (unsigned char)s[0] % 16 : 0;
    char *dst = xmalloc(room + 1);
    bool whole = utf8_copy(dst, room, s);

    if (room > 0) {
        size_t n = strlen(dst);
        if (whole != (n == len) || memcmp(dst, s, n) != 0 || !at[n] || n >= room)
            abort();
    }
    free(dst);
}

/* Each three bytes as a number: encoding and decoding are inverse. */
static void check_encoding(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 3 <= size; i += 3) {
        uint32_t cp = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2], back;
        char out[UTF8_MAX];
        size_t n = utf8_encode(cp, out);

        if (n == 0) {
            if (cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF))
                abort();
            continue;
        }
        if (utf8_decode(out, n, &back) != n || back != cp)
            abort();
    }
}

static char *fold(const char *s, size_t len)
{
    char *folded = text_fold(s, len, len);

    if (strlen(folded) > 3 * len)
        abort();
    for (const char *p = folded; *p; p++)
        if ((*p < 0x20 || *p >= 0x7F) && *p != '\n')
            abort();
    return folded;
}

/* The valid text before any NUL folds as its NFD and NFC forms do; all
 * of it folds as it does with spaces for its NULs. */
static void check_fold(const char *s, size_t size)
{
    size_t len = utf8_valid_prefix(s, strnlen(s, size));
    char *nfd = g_utf8_normalize(s, (gssize)len, G_NORMALIZE_NFD);
    char *nfc = g_utf8_normalize(s, (gssize)len, G_NORMALIZE_NFC);
    char *plain = fold(s, len), *of_nfd = fold(nfd, strlen(nfd)), *of_nfc = fold(nfc, strlen(nfc));
    char *spaced = xmalloc(size + 1), *all, *all_spaced;

    if (strcmp(plain, of_nfd) != 0 || strcmp(plain, of_nfc) != 0)
        abort();
    for (size_t i = 0; i < size; i++)
        spaced[i] = s[i] == '\0' ? ' ' : s[i];
    all = fold(s, size);
    all_spaced = fold(spaced, size);
    if (strcmp(all, all_spaced) != 0)
        abort();
    free(all);
    free(all_spaced);
    free(spaced);
    free(plain);
    free(of_nfd);
    free(of_nfc);
    g_free(nfd);
    g_free(nfc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private NUL-terminated copy, for the functions that want strings. */
    char *s = xmalloc(size + 1);
    bool *at = xmalloc(size + 1);

    memcpy(s, data, size);
    s[size] = '\0';
    check_decoding(s, size, at);
    check_validation(s, size);
    check_cuts(s, size, at);
    check_copy(s, size, at);
    check_encoding(data, size);
    check_fold(s, size);
    free(at);
    free(s);
    return 0;
}
