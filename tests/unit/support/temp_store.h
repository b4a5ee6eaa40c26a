/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * temp_store.h - the unit tests' SQLite file in a directory of its own:
 * its creation, and its removal (database, WAL and shared-memory files
 * and directory).
 */
#ifndef RELANCE_TEST_TEMP_STORE_H
#define RELANCE_TEST_TEMP_STORE_H

#include <stddef.h>

struct store;

/* Opens a new store at DIR/relance.db, DIR a new directory
 * /tmp/relance-NAME-<six random characters>: fills dir and path. A test cannot go on
 * without it: on failure it says why and exits. */
struct store *temp_store_open(const char *name, char *dir, size_t dirsize, char *path, size_t pathsize);
/* Closes st and removes its files and directory (temp_store_remove). */
void temp_store_close(struct store *st, const char *dir, const char *path);

/* Removes path, path-wal, path-shm, then the directory dir (empty by
 * then). The store must be closed. */
void temp_store_remove(const char *dir, const char *path);

#endif
