/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_camt.c - libFuzzer entry point for the ISO 20022 camt.053/054
 * reader. Checks what must hold for any input: no crash, no sanitizer
 * report, a reason when refused and no entries then; when read, every
 * entry has a positive amount or zero, bounded NUL-terminated texts and
 * a key. Seeds: the corpus's payments/ XML files and tests/data/fuzz/fuzz_camt.
 */
#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/camt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    struct bank_statement s;
    char why[256];
    bool ok;

    if (!initialised) {
        xmlInitParser();
        initialised = true;
    }
    bank_statement_init(&s);
    (void)camt_looks_like((const char *)data, size);
    why[0] = '\0';
    ok = camt_read((const char *)data, size, &s, why, sizeof why);
    if (!ok && (why[0] == '\0' || s.count != 0))
        abort();
    for (size_t i = 0; ok && i < s.count; i++) {
        const struct bank_entry *e = &s.items[i];

        if (e->amount < 0 || e->key[0] == '\0' || memchr(e->remittance, '\0', sizeof e->remittance) == NULL ||
            memchr(e->debtor_name, '\0', sizeof e->debtor_name) == NULL)
            abort();
    }
    bank_statement_free(&s);
    return 0;
}
