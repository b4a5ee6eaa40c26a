/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_utf8.c - the UTF-8 module (utf8.c): valid sequences of every
 * length, every class of invalid byte, encoding against decoding over all
 * code points, validation against GLib's over every short sequence, and
 * cutting, stepping back and copying at every offset of a mixed text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "lib/utf8.h"

/* Decodes the whole of s (as a string) as one character. */
static void expect_char(const char *s, uint32_t expected)
{
    uint32_t cp = 0;

    assert_int_equal(utf8_decode(s, strlen(s), &cp), strlen(s));
    assert_int_equal(cp, expected);
}

/* The first byte of s[0, len) is invalid: one byte taken, reported. */
static void expect_invalid(const char *s, size_t len)
{
    uint32_t cp = 0;

    assert_int_equal(utf8_decode(s, len, &cp), 1);
    assert_int_equal(cp, UTF8_INVALID);
    assert_int_equal(utf8_valid_prefix(s, len), 0);
}

static void test_valid_sequences(void **state)
{
    uint32_t cp = 1;

    (void)state;
    expect_char("A", 0x41);
    expect_char("\x7F", 0x7F);
    expect_char("\xC2\x80", 0x80);
    expect_char("\xC3\xA9", 0xE9); /* é */
    expect_char("\xDF\xBF", 0x7FF);
    expect_char("\xE0\xA0\x80", 0x800);
    expect_char("\xE2\x82\xAC", 0x20AC); /* € */
    expect_char("\xED\x9F\xBF", 0xD7FF);  /* just below the surrogates */
    expect_char("\xEE\x80\x80", 0xE000);  /* just above them */
    expect_char("\xEF\xBF\xBD", 0xFFFD);  /* a real U+FFFD is valid */
    expect_char("\xEF\xBF\xBF", 0xFFFF);
    expect_char("\xF0\x90\x80\x80", 0x10000);
    expect_char("\xF0\x9F\x98\x80", 0x1F600);
    expect_char("\xF4\x8F\xBF\xBF", 0x10FFFF);
    /* NUL is a character; nothing is read when nothing may be. */
    assert_int_equal(utf8_decode("", 1, &cp), 1);
    assert_int_equal(cp, 0);
    assert_int_equal(utf8_decode("A", 0, &cp), 0);
    /* Only the sequence is taken, not what follows it. */
    assert_int_equal(utf8_decode("\xC3\xA9t\xC3\xA9", 5, &cp), 2);
    assert_int_equal(cp, 0xE9);
}

static void test_rejected(void **state)
{
    (void)state;
    /* Overlong forms, at each length ("/" and the last of each range). */
    expect_invalid("\xC0\xAF", 2);
    expect_invalid("\xC1\xBF", 2);
    expect_invalid("\xE0\x80\xAF", 3);
    expect_invalid("\xE0\x9F\xBF", 3);
    expect_invalid("\xF0\x80\x80\xAF", 4);
    expect_invalid("\xF0\x8F\xBF\xBF", 4);
    /* UTF-16 surrogates, alone or as a pair (CESU-8). */
    expect_invalid("\xED\xA0\x80", 3);
    expect_invalid("\xED\xBF\xBF", 3);
    expect_invalid("\xED\xA0\xBD\xED\xB8\x80", 6);
    /* Above U+10FFFF, and lead bytes that can only go there. */
    expect_invalid("\xF4\x90\x80\x80", 4);
    expect_invalid("\xF5\x80\x80\x80", 4);
    expect_invalid("\xF7\xBF\xBF\xBF", 4);
    expect_invalid("\xF8\x88\x80\x80\x80", 5);
    expect_invalid("\xFC\x84\x80\x80\x80\x80", 6);
    expect_invalid("\xFE", 1);
    expect_invalid("\xFF", 1);
    /* Stray continuation bytes. */
    expect_invalid("\x80", 1);
    expect_invalid("\xBF\xBF", 2);
    /* Truncated: by the end of what may be read, or by a byte that does
     * not continue the sequence (a NUL among them). */
    expect_invalid("\xC3", 1);
    expect_invalid("\xC3\xA9", 1);
    expect_invalid("\xE2\x82", 2);
    expect_invalid("\xF0\x9F\x98", 3);
    expect_invalid("\xC3\x41", 2);
    expect_invalid("\xE2\x28\xA1", 3);
    expect_invalid("\xE2\x82\0", 3);
    expect_invalid("\xF0\x9F\x98\xC3\xA9", 5);
}

/* After an invalid byte, decoding goes on at the next one. */
static void test_resynchronises(void **state)
{
    static const char s[] = "\xE2\x82"
                            "A\xF0\x9F\x98\x80\xED\xA0\x80z";
    static const uint32_t expected[] = {UTF8_INVALID, UTF8_INVALID, 'A',          0x1F600,
                                        UTF8_INVALID, UTF8_INVALID, UTF8_INVALID, 'z'};
    size_t i = 0, k = 0;

    (void)state;
    while (i < sizeof s - 1) {
        uint32_t cp;

        i += utf8_decode(s + i, sizeof s - 1 - i, &cp);
        assert_true(k < sizeof expected / sizeof expected[0]);
        assert_int_equal(cp, expected[k++]);
    }
    assert_int_equal(k, sizeof expected / sizeof expected[0]);
    assert_int_equal(utf8_chars(s, sizeof s - 1), k);
}

static void test_encode(void **state)
{
    char out[UTF8_MAX];

    (void)state;
    assert_int_equal(utf8_encode(0, out), 1);
    assert_int_equal(out[0], '\0');
    assert_int_equal(utf8_encode(0x7F, out), 1);
    assert_int_equal(utf8_encode(0x80, out), 2);
    assert_memory_equal(out, "\xC2\x80", 2);
    assert_int_equal(utf8_encode(0x7FF, out), 2);
    assert_memory_equal(out, "\xDF\xBF", 2);
    assert_int_equal(utf8_encode(0x800, out), 3);
    assert_memory_equal(out, "\xE0\xA0\x80", 3);
    assert_int_equal(utf8_encode(0x20AC, out), 3);
    assert_memory_equal(out, "\xE2\x82\xAC", 3);
    assert_int_equal(utf8_encode(0xFFFF, out), 3);
    assert_memory_equal(out, "\xEF\xBF\xBF", 3);
    assert_int_equal(utf8_encode(0x10000, out), 4);
    assert_memory_equal(out, "\xF0\x90\x80\x80", 4);
    assert_int_equal(utf8_encode(0x10FFFF, out), 4);
    assert_memory_equal(out, "\xF4\x8F\xBF\xBF", 4);
    /* Not characters: nothing written. */
    assert_int_equal(utf8_encode(0xD800, out), 0);
    assert_int_equal(utf8_encode(0xDFFF, out), 0);
    assert_int_equal(utf8_encode(0x110000, out), 0);
    assert_int_equal(utf8_encode(UTF8_INVALID, out), 0);
}

/* Every scalar value encodes to the length its range says, the same bytes
 * as GLib's, and decodes back to itself; surrogates do not encode. */
static void test_round_trip(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF + 16; cp++) {
        char out[UTF8_MAX], glib[8];
        size_t n = utf8_encode(cp, out);
        uint32_t back = UTF8_INVALID;

        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            assert_int_equal(n, 0);
            continue;
        }
        assert_int_equal(n, cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
        assert_int_equal(g_unichar_to_utf8(cp, glib), (int)n);
        assert_memory_equal(out, glib, n);
        assert_int_equal(utf8_decode(out, n, &back), n);
        assert_int_equal(back, cp);
        /* Any shorter view of the sequence is a truncated one. */
        if (n > 1)
            assert_int_equal(utf8_valid_prefix(out, n - 1), 0);
    }
}

/* utf8_valid_prefix accepts exactly what GLib's validator accepts, for
 * every sequence of two bytes and every three-byte one a multibyte lead
 * starts (NULs left out: GLib refuses them inside a counted buffer). */
static void test_agrees_with_glib(void **state)
{
    (void)state;
    for (unsigned a = 1; a < 256; a++)
        for (unsigned b = 1; b < 256; b++) {
            char s[2] = {(char)a, (char)b};
            assert_int_equal(utf8_valid_prefix(s, 2) == 2, g_utf8_validate(s, 2, NULL));
        }
    for (unsigned a = 0xC0; a < 256; a++)
        for (unsigned b = 1; b < 256; b++)
            for (unsigned c = 1; c < 256; c++) {
                char s[4] = {(char)a, (char)b, (char)c, (char)0x80};
                assert_int_equal(utf8_valid_prefix(s, 3) == 3, g_utf8_validate(s, 3, NULL));
                assert_int_equal(utf8_valid_prefix(s, 4) == 4, g_utf8_validate(s, 4, NULL));
            }
}

/* A text with characters of every length and invalid bytes between. */
static const char mixed[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
                            "\x80z\xE2\x82\xC3\xA9\xC0\xAF\xED\xA0\x80"
                            "b\xF4\x8F\xBF\xBF";

/* Marks the offsets where decoding from the start lands. */
static void boundaries(const char *s, size_t len, bool *at)
{
    size_t i = 0;

    memset(at, 0, len + 1);
    while (i < len) {
        uint32_t cp;

        at[i] = true;
        i += utf8_decode(s + i, len - i, &cp);
    }
    at[len] = true;
}

static void test_cut_every_offset(void **state)
{
    size_t len = sizeof mixed - 1;
    bool at[sizeof mixed];

    (void)state;
    boundaries(mixed, len, at);
    for (size_t max = 0; max <= len + 2; max++) {
        size_t cut = utf8_cut(mixed, len, max);
        size_t expected = max < len ? max : len;

        while (!at[expected])
            expected--;
        assert_int_equal(cut, expected);
    }
    /* Cut between the bytes of each sequence: back to its start. */
    assert_int_equal(utf8_cut(mixed, len, 2), 1);
    assert_int_equal(utf8_cut(mixed, len, 5), 3);
    assert_int_equal(utf8_cut(mixed, len, 9), 6);
    /* An invalid byte is a character of its own: cutting after it is fine. */
    assert_int_equal(utf8_cut(mixed, len, 11), 11);
    assert_int_equal(utf8_cut("\xE2\x82\xAC", 3, 0), 0);
}

static void test_prev_every_offset(void **state)
{
    static const char strays[] = "\x80\x80";
    size_t len = sizeof mixed - 1;
    bool at[sizeof mixed];
    size_t last = 0;

    (void)state;
    boundaries(mixed, len, at);
    for (size_t p = 1; p <= len; p++) {
        if (!at[p])
            continue;
        assert_ptr_equal(utf8_prev(mixed, mixed + p), mixed + last);
        last = p;
    }
    /* Continuation bytes at the very start are invalid bytes each. */
    assert_ptr_equal(utf8_prev(strays, strays + 2), strays + 1);
    assert_ptr_equal(utf8_prev(strays, strays + 1), strays);
}

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars("", 0), 0);
    assert_int_equal(utf8_chars("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 10), 4);
    /* U+00C0 then a stray continuation byte: two characters. */
    assert_int_equal(utf8_chars("\xC3\x80\x80", 3), 2);
    assert_int_equal(utf8_chars(mixed, sizeof mixed - 1), 16);
    assert_int_equal(utf8_valid_prefix("ab\xC3\xA9\xFF", 5), 4);
    assert_int_equal(utf8_valid_prefix("ab\xC3\xA9", 4), 4);
    assert_int_equal(utf8_valid_prefix("ab\xC3\xA9", 3), 2);
    assert_int_equal(utf8_valid_prefix("", 0), 0);
}

static void test_copy(void **state)
{
    static const char ete[] = "\xC3\xA9t\xC3\xA9"; /* été, 5 bytes */
    char dst[8];

    (void)state;
    assert_true(utf8_copy(dst, sizeof dst, ete));
    assert_string_equal(dst, ete);
    assert_true(utf8_copy(dst, 6, ete));
    assert_string_equal(dst, ete);
    assert_false(utf8_copy(dst, 5, ete));
    assert_string_equal(dst, "\xC3\xA9t");
    assert_false(utf8_copy(dst, 3, ete));
    assert_string_equal(dst, "\xC3\xA9");
    assert_false(utf8_copy(dst, 2, ete));
    assert_string_equal(dst, "");
    assert_false(utf8_copy(dst, 0, ete));
    /* The sequence that would be split runs past the room, by 1 or 2. */
    assert_false(utf8_copy(dst, 3, "a\xE2\x82\xAC"));
    assert_string_equal(dst, "a");
    assert_false(utf8_copy(dst, 4, "ab\xF0\x9F\x98\x80"));
    assert_string_equal(dst, "ab");
    /* An invalid byte is kept as it was, cut after like any character. */
    assert_false(utf8_copy(dst, 3, "a\xFF\xC3\xA9"));
    assert_string_equal(dst, "a\xFF");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_sequences), cmocka_unit_test(test_rejected),
        cmocka_unit_test(test_resynchronises),  cmocka_unit_test(test_encode),
        cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_agrees_with_glib),
        cmocka_unit_test(test_cut_every_offset), cmocka_unit_test(test_prev_every_offset),
        cmocka_unit_test(test_counts),          cmocka_unit_test(test_copy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
