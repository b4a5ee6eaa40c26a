/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_config.c - libFuzzer entry point for the configuration loader.
 *
 * Any bytes must give either a configuration or at least one error line
 * of the form "name:line: message"; never both, never neither.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);
    struct strlist errors;
    struct config *cfg;

    strlist_init(&errors);
    cfg = config_parse_text("fuzz.conf", text, &errors);
    if ((cfg == NULL) == (errors.count == 0))
        abort();
    for (size_t i = 0; i < errors.count; i++)
        if (strncmp(errors.items[i], "fuzz.conf:", 10) != 0)
            abort();
    config_unref(cfg);
    strlist_free(&errors);
    free(text);
    return 0;
}
