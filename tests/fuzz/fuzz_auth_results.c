/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_auth_results.c - libFuzzer entry point for the Authentication-Results
 * reader: the bytes (up to their first NUL) are a header value. Checks that
 * no crash or sanitizer report happens and that the reader's promises
 * hold: a refused value leaves nothing behind; a read one has an
 * authserv-id, at most AUTH_RESULTS_MAX_METHODS methods of at most
 * AUTH_RESULTS_MAX_PROPS properties, lower-case keywords, every string
 * terminated; and the authserv-id read alone is the same as the one read
 * with the rest.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auth_results.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *s, size_t size)
{
    if (memchr(s, '\0', size) == NULL)
        abort();
}

static void check_keyword(const char *k, size_t size)
{
    check_terminated(k, size);
    if (k[0] == '\0')
        abort();
    for (const char *p = k; *p; p++)
        if (isupper((unsigned char)*p) || isspace((unsigned char)*p))
            abort();
}

static void check_read(const struct auth_results *ar)
{
    check_terminated(ar->authserv_id, sizeof ar->authserv_id);
    if (ar->authserv_id[0] == '\0' || ar->method_count > AUTH_RESULTS_MAX_METHODS)
        abort();
    for (size_t i = 0; i < ar->method_count; i++) {
        const struct auth_method *m = &ar->methods[i];
        check_keyword(m->method, sizeof m->method);
        check_keyword(m->result, sizeof m->result);
        if (m->prop_count > AUTH_RESULTS_MAX_PROPS)
            abort();
        for (size_t k = 0; k < m->prop_count; k++) {
            check_terminated(m->props[k].name, sizeof m->props[k].name);
            check_terminated(m->props[k].value, sizeof m->props[k].value);
            if (strchr(m->props[k].name, '.') == NULL || auth_method_property(m, m->props[k].name) == NULL)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *value = xstrndup((const char *)data, size);
    struct auth_results *ar = xmalloc(sizeof *ar);
    char id[AUTH_RESULTS_ID_MAX];

    if (auth_results_parse(value, ar)) {
        check_read(ar);
        if (!auth_results_authserv_id(value, id, sizeof id) || strcmp(id, ar->authserv_id) != 0)
            abort();
    } else if (ar->authserv_id[0] != '\0' || ar->method_count != 0) {
        abort();
    }
    free(ar);
    free(value);
    return 0;
}
