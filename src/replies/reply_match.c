/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_match.c - clues that tie an incoming message to what it answers
 * (see reply_match.h).
 *
 * Message-IDs are read as "<...>" tokens: mail clients fold References
 * over several lines and some add comments or drop the space between
 * IDs, so a token-by-token reading is the one that survives them all. A
 * number is a whole word when the characters around it are neither
 * letters nor digits: "F2026-0042" is named by "facture F2026-0042." but
 * not by "F2026-00421"; the characters around are read as UTF-8, so that
 * a no-break space or a "«" parts words as a space does. Many numbers
 * (a debtor's open cases) are looked for in one pass: a hash set of them,
 * looked up at each place where one of them can start.
 */
#include "replies/reply_match.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "lib/utf8.h"

/* Splits "local@domain" at its last '@'; false when there is none. */
static bool split_address(const char *address, size_t *local_len, const char **domain)
{
    const char *at = address ? strrchr(address, '@') : NULL;

    if (at == NULL || at == address || at[1] == '\0')
        return false;
    *local_len = (size_t)(at - address);
    *domain = at + 1;
    return true;
}

/* Whether address is reply_address with "+TOKEN" (or nothing when
 * token_size is 0) after its local part; the token goes to token. */
static bool tagged_form(const char *reply_address, const char *address, char *token, size_t size)
{
    size_t rlen, alen;
    const char *rdom, *adom;

    if (!split_address(reply_address, &rlen, &rdom) || !split_address(address, &alen, &adom))
        return false;
    if (strcasecmp(rdom, adom) != 0 || alen < rlen || strncasecmp(reply_address, address, rlen) != 0)
        return false;
    if (alen == rlen)
        return size == 0;
    if (address[rlen] != '+' || alen == rlen + 1)
        return false;
    return size == 0 || str_copyn(token, size, address + rlen + 1, alen - rlen - 1);
}

bool reply_match_tagged_recipient(const char *reply_address, const struct strlist *recipients, char *token,
                                  size_t size)
{
    if (reply_address == NULL || reply_address[0] == '\0' || recipients == NULL || size == 0)
        return false;
    for (size_t i = 0; i < recipients->count; i++)
        if (tagged_form(reply_address, recipients->items[i], token, size))
            return true;
    return false;
}

bool reply_match_is_reply_address(const char *reply_address, const char *address)
{
    char token[128];
    size_t rlen, alen;
    const char *rdom, *adom;

    if (!split_address(reply_address, &rlen, &rdom) || !split_address(address, &alen, &adom))
        return false;
    if (alen == rlen)
        return strcasecmp(reply_address, address) == 0;
    return tagged_form(reply_address, address, token, sizeof token);
}

static bool listed(const struct strlist *list, const char *s, size_t len)
{
    for (size_t i = 0; i < list->count; i++)
        if (strlen(list->items[i]) == len && strncmp(list->items[i], s, len) == 0)
            return true;
    return false;
}

/* Whether s (len bytes) can be a Message-ID: something, no white space
 * (a fold or a phrase is not one), not absurdly long. */
static bool id_shaped(const char *s, size_t len)
{
    if (len == 0 || len >= 256)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
            return false;
    return true;
}

/* Appends the "<...>" tokens of value to ids, newest (last) first when
 * reverse is set. A token starts at the last '<' before its '>', so that
 * a stray '<' does not swallow the ID after it. The tokens are kept in a
 * ring: in reverse, a header with more of them than the ring holds keeps
 * its newest ones, which are the ones taken first. */
static void add_ids(const char *value, bool reverse, struct strlist *ids)
{
    const char *starts[REPLY_MATCH_MAX_IDS * 4];
    size_t lens[REPLY_MATCH_MAX_IDS * 4], total = 0, kept;
    const size_t ring = ARRAY_LEN(starts);

    for (const char *p = value; p && *p && (reverse || total < ring);) {
        const char *lt = strchr(p, '<'), *gt;

        if (lt == NULL || (gt = strchr(lt + 1, '>')) == NULL)
            break;
        lt = memrchr(lt, '<', (size_t)(gt - lt));
        p = gt + 1;
        if (id_shaped(lt + 1, (size_t)(gt - lt - 1))) {
            starts[total % ring] = lt + 1;
            lens[total % ring] = (size_t)(gt - lt - 1);
            total++;
        }
    }
    kept = total < ring ? total : ring;
    for (size_t k = 0; k < kept && ids->count < REPLY_MATCH_MAX_IDS; k++) {
        size_t i = (reverse ? total - 1 - k : total - kept + k) % ring;
        if (!listed(ids, starts[i], lens[i])) {
            char *id = xstrndup(starts[i], lens[i]);
            strlist_add(ids, id);
            free(id);
        }
    }
}

void reply_match_message_ids(const char *in_reply_to, const char *references, struct strlist *out)
{
    add_ids(in_reply_to, false, out);
    add_ids(references, true, out);
}

/* Letters and digits make words; spaces, punctuation and signs part
 * them, beyond ASCII too: French text puts a no-break space before ':'
 * and inside "« ... »", and writes "n°F2026-0042". Anything else beyond
 * ASCII (an accented letter, an invalid byte: UTF8_INVALID) counts as a
 * letter: better miss a number than find one inside a word. */
static bool word_code(uint32_t c)
{
    if (c < 0x80)
        return isalnum((int)c);
    if ((c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7) /* Latin-1 spaces, « » ° º, signs */
        return false;
    if ((c >= 0x2000 && c <= 0x206F) || c == 0x3000) /* thin and narrow spaces, dashes, quotes */
        return false;
    return true;
}

/* Whether the character that ends just before p is a word character. */
static bool word_before(const char *text, const char *p)
{
    const char *q = utf8_prev(text, p);
    uint32_t c;

    utf8_decode(q, (size_t)(p - q), &c);
    return word_code(c);
}

/* Whether the character that starts at p is a word character. */
static bool word_at(const char *p)
{
    uint32_t c;

    utf8_decode(p, strnlen(p, UTF8_MAX), &c);
    return word_code(c);
}

/* ---- many numbers in one pass ---- */

/* The numbers to look for, lower-cased, in an open-addressing hash table
 * keyed by their bytes; with the set of their lengths and of their first
 * bytes, so that a position of the text is looked at only when a number
 * can start there, and then once per distinct length. */
struct number_set {
    const char **keys;   /* lower-cased copies, NULL for a free slot */
    size_t slots;        /* a power of two, at least twice the count */
    size_t lengths[REPLY_MATCH_MAX_NUMBER];
    size_t nlengths;
    bool first_byte[256];
};

static uint64_t hash_lower(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)tolower((unsigned char)s[i]);
        h *= 1099511628211u;
    }
    return h;
}

static bool same_lower(const char *key, const char *s, size_t len)
{
    return strncasecmp(key, s, len) == 0 && key[len] == '\0';
}

/* The slot holding s (len bytes), or the free slot where it would go. */
static size_t slot_of(const struct number_set *set, const char *s, size_t len)
{
    size_t mask = set->slots - 1, i = (size_t)hash_lower(s, len) & mask;

    while (set->keys[i] != NULL && !same_lower(set->keys[i], s, len))
        i = (i + 1) & mask;
    return i;
}

static void number_set_add(struct number_set *set, const char *number)
{
    size_t len = strlen(number), slot, l;

    if (len == 0 || len >= REPLY_MATCH_MAX_NUMBER)
        return; /* nothing names an empty number; none is that long (INVOICE_NUMBER_MAX) */
    slot = slot_of(set, number, len);
    if (set->keys[slot] != NULL)
        return; /* the same number twice */
    set->keys[slot] = number;
    set->first_byte[(unsigned char)tolower((unsigned char)number[0])] = true;
    set->first_byte[(unsigned char)toupper((unsigned char)number[0])] = true;
    for (l = 0; l < set->nlengths && set->lengths[l] != len; l++)
        ;
    if (l == set->nlengths)
        set->lengths[set->nlengths++] = len;
}

static void number_set_init(struct number_set *set, const char *const *numbers, size_t count)
{
    memset(set, 0, sizeof *set);
    set->slots = 16;
    while (set->slots < 2 * count)
        set->slots *= 2;
    set->keys = xcalloc(set->slots, sizeof *set->keys);
    for (size_t i = 0; i < count; i++)
        if (numbers[i] != NULL)
            number_set_add(set, numbers[i]);
}

static void number_set_free(struct number_set *set)
{
    free(set->keys);
}

/* Marks the numbers that start at p as whole words. */
static void names_at(const struct number_set *set, const char *text, const char *p, const char *end,
                     bool *hit)
{
    if (p != text && word_before(text, p))
        return;
    for (size_t l = 0; l < set->nlengths; l++) {
        size_t len = set->lengths[l], slot;

        if ((size_t)(end - p) < len || (p[len] != '\0' && word_at(p + len)))
            continue;
        slot = slot_of(set, p, len);
        if (set->keys[slot] != NULL)
            hit[slot] = true;
    }
}

void reply_match_named_numbers(const char *text, const char *const *numbers, size_t count, bool *named)
{
    struct number_set set;
    const char *end;
    bool *hit;

    if (text == NULL || numbers == NULL || count == 0)
        return;
    number_set_init(&set, numbers, count);
    hit = xcalloc(set.slots, sizeof *hit);
    end = text + strlen(text);
    for (const char *p = text; p < end; p++)
        if (set.first_byte[(unsigned char)*p])
            names_at(&set, text, p, end, hit);
    /* Every caller index whose number was named, duplicates included. */
    for (size_t i = 0; i < count; i++) {
        size_t len = numbers[i] ? strlen(numbers[i]) : 0;
        if (len > 0 && len < REPLY_MATCH_MAX_NUMBER && hit[slot_of(&set, numbers[i], len)])
            named[i] = true;
    }
    free(hit);
    number_set_free(&set);
}

bool reply_match_names_number(const char *text, const char *number)
{
    bool named = false;

    reply_match_named_numbers(text, &number, 1, &named);
    return named;
}
