/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_bank_csv.c - libFuzzer entry point for the bank CSV reader.
 * Checks what must hold for any input: no crash, no sanitizer report, a
 * reason when refused and no lines then; when read, every line has a
 * date, a positive amount and a key. Seeds: tests/data/fuzz/fuzz_bank_csv
 * and tests/data/payments/ CSV files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bank_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bank_statement s;
    char why[256];
    bool ok;

    bank_statement_init(&s);
    why[0] = '\0';
    ok = bank_csv_read((const char *)data, size, &s, why, sizeof why);
    if (!ok && (why[0] == '\0' || s.count != 0))
        abort();
    for (size_t i = 0; ok && i < s.count; i++) {
        const struct bank_entry *e = &s.items[i];

        if (e->amount <= 0 || !date_is_set(e->booked) || e->key[0] == '\0' ||
            memchr(e->remittance, '\0', sizeof e->remittance) == NULL)
            abort();
    }
    bank_statement_free(&s);
    return 0;
}
