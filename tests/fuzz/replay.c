/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * replay.c - runs a libFuzzer entry point without libFuzzer: over each
 * seed file given, then over deterministic mutations of it (prefixes and
 * byte flips from a fixed pseudo-random sequence). Built with gcc and the
 * sanitizers, it lets `make check` exercise every fuzz target on any
 * machine; real fuzzing (`make fuzz`) uses clang's libFuzzer.
 *
 *   replay [-m MUTATIONS] FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEED (8u * 1024 * 1024)

static uint32_t rng_state = 2463534242u;

static uint32_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void run(const char *data, size_t len)
{
    /* A private copy: targets must not rely on the buffer outliving them. */
    uint8_t *copy = xmalloc(len ? len : 1);

    memcpy(copy, data, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
}

static void run_mutations(const char *seed, size_t len, int mutations)
{
    char *buf = xmalloc(len ? len : 1);

    for (int i = 1; i <= 3; i++)
        run(seed, len * (size_t)i / 4);
    for (int m = 0; m < mutations && len > 0; m++) {
        int flips = 1 + (int)(next_random() % 8);
        memcpy(buf, seed, len);
        for (int f = 0; f < flips; f++)
            buf[next_random() % len] = (char)(next_random() & 0xff);
        run(buf, len);
    }
    free(buf);
}

int main(int argc, char **argv)
{
    int mutations = 8, files = 0, first = 1;

    if (argc > 2 && strcmp(argv[1], "-m") == 0) {
        mutations = atoi(argv[2]);
        first = 3;
    }
    for (int i = first; i < argc; i++) {
        size_t len;
        char *data = file_read_all(argv[i], MAX_SEED, &len);

        if (data == NULL) {
            fprintf(stderr, "replay: cannot read %s\n", argv[i]);
            return 1;
        }
        run(data, len);
        run_mutations(data, len, mutations);
        free(data);
        files++;
    }
    run("", 0);
    printf("replay: %d seeds, %d mutations each: no crash\n", files, mutations + 3);
    return 0;
}
