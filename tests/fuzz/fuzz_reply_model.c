/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_reply_model.c - libFuzzer entry point for the learned reply model's
 * file (text/reply_model.h, conf/replies/model.tsv): the bytes as the
 * file's text. Checks that no crash or sanitizer report happens, that a
 * parsed model keeps its bounds (2 to 8 classes, at most
 * REPLY_MODEL_MAX_FEATURES features) and that scoring the file's own
 * lines as features gives finite scores.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "text/reply_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size + 1);
    struct reply_model *m;
    struct strlist features;
    double scores[REPLY_MODEL_MAX_CLASSES];

    memcpy(text, data, size);
    text[size] = '\0';
    m = reply_model_parse("fuzz.tsv", text, NULL);
    if (m != NULL) {
        if (reply_model_class_count(m) < 2 || reply_model_class_count(m) > REPLY_MODEL_MAX_CLASSES ||
            reply_model_feature_count(m) > REPLY_MODEL_MAX_FEATURES)
            abort();
        strlist_init(&features);
        for (char *line = text, *next; line != NULL && features.count < 1000; line = next) {
            next = strchr(line, '\n');
            if (next != NULL)
                *next++ = '\0';
            *strchrnul(line, '\t') = '\0';
            strlist_add(&features, line);
        }
        reply_model_score(m, &features, scores);
        for (size_t c = 0; c < reply_model_class_count(m); c++)
            if (!isfinite(scores[c]))
                abort();
        strlist_free(&features);
        reply_model_free(m);
    }
    free(text);
    return 0;
}
