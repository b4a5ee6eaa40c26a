/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * temp_store.c - removal of a unit test's store (see temp_store.h).
 */
#include "temp_store.h"

#include <stdio.h>
#include <unistd.h>

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
