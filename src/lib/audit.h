/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * audit.h - the secret key and the hash chain of the audit log.
 *
 * The KeyFile holds 32 random bytes as 64 hex digits (relancectl keygen).
 * Every event row carries hash = BLAKE2b-256 keyed with that secret over
 * (previous hash, time, case, kind, actor, detail): removing, reordering
 * or editing a row breaks the chain, and nobody without the key can forge
 * a consistent one. The store writes the rows; this module only computes.
 */
#ifndef RELANCE_AUDIT_H
#define RELANCE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_KEY_BYTES 32
#define AUDIT_HASH_HEX 65 /* 64 hex digits + NUL */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_key {
    uint8_t bytes[AUDIT_KEY_BYTES];
};

/* Reads a KeyFile. Refuses a file readable by group or others. */
bool audit_key_load(const char *path, struct audit_key *key, char *why, size_t whylen);
/* Creates a KeyFile with mode 0600; refuses to overwrite an existing one. */
bool audit_key_generate(const char *path, char *why, size_t whylen);

struct audit_fields {
    const char *at;      /* ISO 8601 UTC */
    long long case_id;   /* 0 when the event concerns no case */
    const char *kind;
    const char *actor;
    const char *detail;  /* JSON text */
};

void audit_chain_hash(const struct audit_key *key, const char *prev_hash,
                      const struct audit_fields *fields, char out[AUDIT_HASH_HEX]);

#endif
