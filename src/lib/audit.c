/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * audit.c - KeyFile handling and the keyed hash chain (see audit.h).
 */
#include "lib/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

bool audit_key_load(const char *path, struct audit_key *key, char *why, size_t whylen)
{
    char text[130];
    struct stat st;
    ssize_t n;
    size_t bin_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0) {
        str_format(why, whylen, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        str_format(why, whylen, "%s is not a regular file", path);
        close(fd);
        return false;
    }
    if ((st.st_mode & 077) != 0) {
        str_format(why, whylen, "%s must not be readable by group or others (mode 0600)", path);
        close(fd);
        return false;
    }
    n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n < 0) {
        str_format(why, whylen, "cannot read %s: %s", path, strerror(errno));
        return false;
    }
    text[n] = '\0';
    str_trim(text);
    if (strlen(text) != 2 * AUDIT_KEY_BYTES ||
        sodium_hex2bin(key->bytes, sizeof key->bytes, text, strlen(text), NULL, &bin_len, NULL) != 0 ||
        bin_len != AUDIT_KEY_BYTES) {
        str_format(why, whylen, "%s does not hold a key (64 hex digits expected)", path);
        sodium_memzero(text, sizeof text);
        return false;
    }
    sodium_memzero(text, sizeof text);
    return true;
}

bool audit_key_generate(const char *path, char *why, size_t whylen)
{
    uint8_t bytes[AUDIT_KEY_BYTES];
    char hex[2 * AUDIT_KEY_BYTES + 2];
    bool ok;
    int fd;

    if (sodium_init() < 0) {
        str_format(why, whylen, "libsodium failed to initialise");
        return false;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        str_format(why, whylen, "cannot create %s: %s", path, strerror(errno));
        return false;
    }
    randombytes_buf(bytes, sizeof bytes);
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    strcat(hex, "\n");
    ok = write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) && fsync(fd) == 0;
    if (!ok)
        str_format(why, whylen, "cannot write %s: %s", path, strerror(errno));
    close(fd);
    sodium_memzero(bytes, sizeof bytes);
    sodium_memzero(hex, sizeof hex);
    if (!ok)
        unlink(path);
    return ok;
}

static void hash_field(crypto_generichash_state *st, const char *s)
{
    /* Length-prefixed, so that ("ab","c") and ("a","bc") differ. */
    uint64_t len = s ? strlen(s) : 0;
    crypto_generichash_update(st, (const unsigned char *)&len, sizeof len);
    if (len)
        crypto_generichash_update(st, (const unsigned char *)s, len);
}

void audit_chain_hash(const struct audit_key *key, const char *prev_hash,
                      const struct audit_fields *fields, char out[AUDIT_HASH_HEX])
{
    crypto_generichash_state st;
    unsigned char digest[32];
    char case_text[24];

    snprintf(case_text, sizeof case_text, "%lld", fields->case_id);
    crypto_generichash_init(&st, key->bytes, sizeof key->bytes, sizeof digest);
    hash_field(&st, prev_hash);
    hash_field(&st, fields->at);
    hash_field(&st, case_text);
    hash_field(&st, fields->kind);
    hash_field(&st, fields->actor);
    hash_field(&st, fields->detail);
    crypto_generichash_final(&st, digest, sizeof digest);
    sodium_bin2hex(out, AUDIT_HASH_HEX, digest, sizeof digest);
}
