/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * temp_store.c - a unit test's store in a directory of its own (see
 * temp_store.h).
 */
#include "temp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/util.h"
#include "store/store.h"

struct store *temp_store_open(const char *name, char *dir, size_t dirsize, char *path, size_t pathsize)
{
    struct store *st;
    char why[256];

    /* mkdtemp(3) replaces the six capital X that end its template. */
    static const char unique[] = {'X', 'X', 'X', 'X', 'X', 'X', '\0'};

    str_format(dir, dirsize, "/tmp/relance-%s-%s", name, unique);
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        exit(1);
    }
    str_format(path, pathsize, "%s/relance.db", dir);
    if ((st = store_open(path, 2000, why, sizeof why)) == NULL) {
        fprintf(stderr, "%s: %s\n", path, why);
        exit(1);
    }
    return st;
}

void temp_store_close(struct store *st, const char *dir, const char *path)
{
    store_close(st);
    temp_store_remove(dir, path);
}

void temp_store_remove(const char *dir, const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char file[512];

    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
        unlink(file);
    }
    rmdir(dir);
}
