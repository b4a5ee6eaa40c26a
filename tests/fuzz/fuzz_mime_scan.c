/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_mime_scan.c - libFuzzer entry point for the raw MIME count made
 * before GMime parses (mime_scan.h). Checks its bounds (the cut within the
 * input, the counts within the limits) and its purpose: GMime, given the
 * bytes kept, never builds more entities than the scan counted, nor more
 * than the limits allow.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/message.h"
#include "lib/mime_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_part(const struct message_part *part, void *ctx)
{
    (void)part;
    (void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    const struct message_walk_limits limits = {20, 4, 1u << 20};
    const struct message_walk_limits unbounded = {1 << 30, 1 << 30, 1u << 20};
    struct mime_scan_result r;
    struct strlist notes;
    struct message *msg;
    int visited;

    if (!initialised) {
        message_library_init();
        initialised = true;
    }
    msg = message_parse_bounded((const char *)data, size, &limits, &r);
    if (r.keep > size || (r.stop == MIME_SCAN_WHOLE && r.keep != size))
        abort();
    if (r.parts < 1 || r.parts > limits.max_parts || r.depth < 0 || r.depth > limits.max_depth)
        abort();
    if (msg == NULL)
        return 0;
    strlist_init(&notes);
    visited = message_walk(msg, &unbounded, ignore_part, NULL, &notes);
    if (visited > r.parts)
        abort(); /* the scan counted fewer entities than GMime built */
    strlist_free(&notes);
    message_free(msg);
    return 0;
}
