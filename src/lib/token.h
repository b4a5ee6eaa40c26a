/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * token.h - signed reply tokens.
 *
 * A token names a case and a step: "CASE-STEP-MAC", e.g. "42-3-k7q2m9x4p1z8c6v5",
 * where MAC is 80 bits of keyed BLAKE2b in lower-case base32. The key is
 * derived from the KeyFile secret with crypto_kdf (context "rlctoken"), so
 * that tokens and the audit chain (keyed with the secret itself) never
 * share a key. Lower case only and no '+' or '.', so that a token survives
 * in a local part (relance+TOKEN@domain) even through MTAs that fold case.
 *
 * It signs and checks; it does not decide what a reply means.
 */
#ifndef RELANCE_TOKEN_H
#define RELANCE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/audit.h"

#define TOKEN_MAX 64

struct reply_token {
    int64_t case_id; /* the case (invoice id) the reminder was built around */
    int step;        /* the step (0 = courtesy notice) */
};

/* Writes the token of t. */
void token_make(const struct audit_key *key, const struct reply_token *t, char out[TOKEN_MAX]);
/* True when text is a token this key made (case-insensitive); fills out. */
bool token_verify(const struct audit_key *key, const char *text, struct reply_token *out);

/* "local+TOKEN@domain" from a ReplyAddress "local@domain". */
bool token_address(const char *reply_address, const char *token, char *out, size_t size);
/* The token of a "local+TOKEN@domain" address (no check of the MAC). */
bool token_from_address(const char *address, char *out, size_t size);

#endif
