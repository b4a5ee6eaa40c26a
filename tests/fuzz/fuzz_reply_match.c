/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_reply_match.c - libFuzzer entry point for the reply clues: the
 * bytes are split at their NULs into In-Reply-To, References, an invoice
 * number and a text naming it; every line of them is also a recipient
 * checked against a reply address. Checks that no crash or sanitizer
 * report happens and that the matcher's promises hold: at most
 * REPLY_MATCH_MAX_IDS IDs, each non-empty, once, without brackets or
 * white space; a token is terminated within its buffer and comes from a
 * recipient that is the reply address; a text names a number only if it
 * contains it, as the slow rule (every occurrence, one number at a time)
 * says, alone or among many; a number alone always names itself.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "lib/util.h"
#include "replies/reply_match.h"

#define REPLY_ADDRESS "relance@agency.test"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next NUL-terminated field before end ("" past it); *rest after it. */
static const char *next_field(const char **rest, const char *end)
{
    const char *start = *rest;

    if (start >= end)
        return "";
    *rest = start + strlen(start) + 1;
    return start;
}

static void check_ids(const char *in_reply_to, const char *references)
{
    struct strlist ids;

    strlist_init(&ids);
    reply_match_message_ids(in_reply_to, references, &ids);
    if (ids.count > REPLY_MATCH_MAX_IDS)
        abort();
    for (size_t i = 0; i < ids.count; i++) {
        if (ids.items[i][0] == '\0' || strpbrk(ids.items[i], "<> \t\r\n") != NULL)
            abort();
        for (size_t k = 0; k < i; k++)
            if (strcmp(ids.items[i], ids.items[k]) == 0)
                abort();
    }
    strlist_free(&ids);
}

/* Each line of the data (NULs end lines too) as a recipient. */
static void check_recipients(const uint8_t *data, size_t size)
{
    struct strlist rcpt;
    char token[16];
    size_t start = 0;

    strlist_init(&rcpt);
    for (size_t i = 0; i <= size; i++) {
        char *r;

        if (i < size && data[i] != '\n' && data[i] != '\0')
            continue;
        r = xstrndup((const char *)data + start, i - start);
        strlist_add(&rcpt, r);
        free(r);
        start = i + 1;
    }
    memset(token, 'x', sizeof token);
    if (reply_match_tagged_recipient(REPLY_ADDRESS, &rcpt, token, sizeof token)) {
        bool from_a_recipient = false;
        if (memchr(token, '\0', sizeof token) == NULL || token[0] == '\0')
            abort();
        for (size_t i = 0; i < rcpt.count; i++)
            from_a_recipient |= reply_match_is_reply_address(REPLY_ADDRESS, rcpt.items[i]) &&
                                strstr(rcpt.items[i], token) != NULL;
        if (!from_a_recipient)
            abort();
    }
    strlist_free(&rcpt);
}

/* The word rule of reply_match.c, written again the slow way (every
 * occurrence, one number at a time) as the oracle of the one-pass
 * matcher. */
static bool oracle_word_code(uint32_t c)
{
    if (c < 0x80)
        return isalnum((int)c);
    if ((c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7)
        return false;
    return !((c >= 0x2000 && c <= 0x206F) || c == 0x3000);
}

static bool oracle_names(const char *text, const char *number)
{
    size_t n = strlen(number);

    if (n == 0 || n >= REPLY_MATCH_MAX_NUMBER)
        return false;
    for (const char *p = strcasestr(text, number); p; p = strcasestr(p + 1, number)) {
        uint32_t before = ' ', after = ' ';
        if (p != text) {
            const char *q = utf8_prev(text, p);
            utf8_decode(q, (size_t)(p - q), &before);
        }
        if (p[n] != '\0')
            utf8_decode(p + n, strnlen(p + n, UTF8_MAX), &after);
        if (!oracle_word_code(before) && !oracle_word_code(after))
            return true;
    }
    return false;
}

static void check_number(const char *text, const char *number)
{
    bool named = reply_match_names_number(text, number);

    if (named && (number[0] == '\0' || strcasestr(text, number) == NULL))
        abort();
    if (named != oracle_names(text, number))
        abort();
    /* A number alone names itself unless it is empty or past the bound. */
    if (number[0] != '\0' && strlen(number) < REPLY_MATCH_MAX_NUMBER && !reply_match_names_number(number, number))
        abort();
}

/* Many numbers at once find what each finds alone. */
static void check_numbers(const char *text, const char *number)
{
    const char *const numbers[] = {number, "F2026-0042", "12", "inv-7a", number, "\xc3\xa9-1", "-"};
    bool named[ARRAY_LEN(numbers)] = {false};

    reply_match_named_numbers(text, numbers, ARRAY_LEN(numbers), named);
    for (size_t i = 0; i < ARRAY_LEN(numbers); i++)
        if (named[i] != oracle_names(text, numbers[i]))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private NUL-terminated copy: the matcher wants strings. */
    char *copy = xmalloc(size + 1);
    const char *rest = copy, *end = copy + size, *in_reply_to, *references, *number, *text;

    memcpy(copy, data, size);
    copy[size] = '\0';
    check_recipients(data, size);
    in_reply_to = next_field(&rest, end);
    references = next_field(&rest, end);
    number = next_field(&rest, end);
    text = next_field(&rest, end);
    check_ids(in_reply_to, references);
    check_ids(references, in_reply_to);
    check_ids(NULL, copy);
    check_number(text, number);
    check_number(text, "F2026-0042");
    check_number(copy, "F-12");
    check_numbers(text, number);
    free(copy);
    return 0;
}
