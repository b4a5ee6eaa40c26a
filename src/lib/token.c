/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * token.c - signed reply tokens (see token.h).
 */
#include "lib/token.h"

#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define MAC_BYTES 10 /* 80 bits: 16 base32 characters */
#define MAC_CHARS 16
#define KDF_CONTEXT "rlctoken"
#define KDF_SUBKEY_ID 1

static const char base32[] = "abcdefghijklmnopqrstuvwxyz234567";

static void encode_base32(const uint8_t *bytes, char out[MAC_CHARS + 1])
{
    /* 10 bytes = 80 bits = exactly 16 groups of 5. */
    uint64_t acc = 0;
    int bits = 0, n = 0;

    for (int i = 0; i < MAC_BYTES; i++) {
        acc = (acc << 8) | bytes[i];
        bits += 8;
        while (bits >= 5) {
            out[n++] = base32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    out[n] = '\0';
}

static void compute_mac(const struct audit_key *key, int64_t case_id, int step, char out[MAC_CHARS + 1])
{
    uint8_t subkey[crypto_generichash_KEYBYTES], mac[MAC_BYTES];
    char message[64];
    int len;

    crypto_kdf_derive_from_key(subkey, sizeof subkey, KDF_SUBKEY_ID, KDF_CONTEXT, key->bytes);
    len = snprintf(message, sizeof message, "relance-reply-v1:%" PRId64 ":%d", case_id, step);
    crypto_generichash(mac, sizeof mac, (const uint8_t *)message, (size_t)len, subkey, sizeof subkey);
    encode_base32(mac, out);
    sodium_memzero(subkey, sizeof subkey);
}

void token_make(const struct audit_key *key, const struct reply_token *t, char out[TOKEN_MAX])
{
    char mac[MAC_CHARS + 1];

    compute_mac(key, t->case_id, t->step, mac);
    snprintf(out, TOKEN_MAX, "%" PRId64 "-%d-%s", t->case_id, t->step, mac);
}

/* Reads a decimal number without sign or leading zeros up to '-'. */
static bool read_number(const char **p, int64_t max, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;

    if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit((unsigned char)s[1])))
        return false;
    for (; isdigit((unsigned char)*s); s++) {
        v = v * 10 + (*s - '0');
        if (v > max)
            return false;
    }
    if (*s != '-')
        return false;
    *p = s + 1;
    *out = v;
    return true;
}

bool token_verify(const struct audit_key *key, const char *text, struct reply_token *out)
{
    char given[MAC_CHARS + 1], expected[MAC_CHARS + 1];
    const char *p = text;
    int64_t case_id, step;

    if (text == NULL || strlen(text) >= TOKEN_MAX)
        return false;
    if (!read_number(&p, INT64_MAX / 10, &case_id) || !read_number(&p, 1000, &step) || case_id <= 0)
        return false;
    if (strlen(p) != MAC_CHARS)
        return false;
    for (int i = 0; i < MAC_CHARS; i++)
        given[i] = (char)tolower((unsigned char)p[i]);
    given[MAC_CHARS] = '\0';
    compute_mac(key, case_id, (int)step, expected);
    if (sodium_memcmp(given, expected, MAC_CHARS) != 0)
        return false;
    out->case_id = case_id;
    out->step = (int)step;
    return true;
}

bool token_address(const char *reply_address, const char *token, char *out, size_t size)
{
    const char *at = reply_address ? strrchr(reply_address, '@') : NULL;

    if (at == NULL || at == reply_address)
        return false;
    return str_format(out, size, "%.*s+%s%s", (int)(at - reply_address), reply_address, token, at);
}

bool token_from_address(const char *address, char *out, size_t size)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    const char *plus;

    if (at == NULL)
        return false;
    plus = memchr(address, '+', (size_t)(at - address));
    if (plus == NULL || plus + 1 == at)
        return false;
    return str_copyn(out, size, plus + 1, (size_t)(at - plus - 1));
}
