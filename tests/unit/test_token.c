/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_token.c - signed reply tokens: made, verified, forged, and carried
 * in a reply address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#include "lib/token.h"
#include "lib/util.h"

static void key_of(uint8_t fill, struct audit_key *key)
{
    memset(key->bytes, fill, sizeof key->bytes);
}

static void test_round_trip(void **state)
{
    struct audit_key key;
    struct reply_token t = {42, 3}, back = {0, 0};
    char text[TOKEN_MAX];

    (void)state;
    key_of(7, &key);
    token_make(&key, &t, text);
    assert_true(strncmp(text, "42-3-", 5) == 0);
    assert_int_equal(strlen(text), 5 + 16);
    for (const char *p = text; *p; p++)
        assert_true(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-');
    assert_true(token_verify(&key, text, &back));
    assert_int_equal(back.case_id, 42);
    assert_int_equal(back.step, 3);
    /* Case folded by an MTA on the way back. */
    for (char *p = text; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    assert_true(token_verify(&key, text, &back));
}

static void test_forgeries(void **state)
{
    struct audit_key key, other;
    struct reply_token t = {42, 3}, back;
    char text[TOKEN_MAX], forged[TOKEN_MAX + 8], mac[32];

    (void)state;
    key_of(7, &key);
    key_of(8, &other);
    token_make(&key, &t, text);
    /* Another key does not accept it. */
    assert_false(token_verify(&other, text, &back));
    /* One character of the MAC changed. */
    strcpy(forged, text);
    forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == 'a' ? 'b' : 'a';
    assert_false(token_verify(&key, forged, &back));
    /* The MAC moved to another case or step. */
    strcpy(mac, strrchr(text, '-') + 1);
    snprintf(forged, sizeof forged, "43-3-%s", mac);
    assert_false(token_verify(&key, forged, &back));
    snprintf(forged, sizeof forged, "42-4-%s", mac);
    assert_false(token_verify(&key, forged, &back));
    snprintf(forged, sizeof forged, "042-3-%s", mac); /* same number, other text */
    assert_false(token_verify(&key, forged, &back));
    /* Malformed. */
    assert_false(token_verify(&key, "", &back));
    assert_false(token_verify(&key, "42-3", &back));
    assert_false(token_verify(&key, "42-3-", &back));
    assert_false(token_verify(&key, "0-3-aaaaaaaaaaaaaaaa", &back));
    assert_false(token_verify(&key, "99999999999999999999999-3-aaaaaaaaaaaaaaaa", &back));
    snprintf(forged, sizeof forged, "%sx", text);
    assert_false(token_verify(&key, forged, &back));
    assert_false(token_verify(&key, NULL, &back));
}

static void test_distinct_from_audit_key(void **state)
{
    /* The token MAC is not keyed BLAKE2b with the secret itself (the audit
     * chain's key): a token must reveal nothing usable against the chain. */
    struct audit_key key;
    struct reply_token t = {5, 1};
    char text[TOKEN_MAX], direct[40];
    uint8_t mac[10];
    const char *msg = "relance-reply-v1:5:1";
    static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
    uint64_t acc = 0;
    int bits = 0, n = 0;

    (void)state;
    key_of(9, &key);
    token_make(&key, &t, text);
    crypto_generichash(mac, sizeof mac, (const uint8_t *)msg, strlen(msg), key.bytes, sizeof key.bytes);
    for (int i = 0; i < 10; i++) {
        acc = (acc << 8) | mac[i];
        bits += 8;
        while (bits >= 5) {
            direct[n++] = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    direct[n] = '\0';
    assert_string_not_equal(strrchr(text, '-') + 1, direct);
}

static void test_addresses(void **state)
{
    char out[256], token[TOKEN_MAX];

    (void)state;
    assert_true(token_address("relance@agency.test", "42-3-abcdefghijklmnop", out, sizeof out));
    assert_string_equal(out, "relance+42-3-abcdefghijklmnop@agency.test");
    assert_true(token_from_address(out, token, sizeof token));
    assert_string_equal(token, "42-3-abcdefghijklmnop");
    assert_false(token_from_address("relance@agency.test", token, sizeof token));
    assert_false(token_from_address("relance+@agency.test", token, sizeof token));
    assert_false(token_address("no-at-sign", "x", out, sizeof out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_forgeries),
        cmocka_unit_test(test_distinct_from_audit_key),
        cmocka_unit_test(test_addresses),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
