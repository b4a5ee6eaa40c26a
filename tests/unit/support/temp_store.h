/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * temp_store.h - the unit tests' SQLite file in a directory of its own:
 * its removal, database, WAL and shared-memory files and directory.
 */
#ifndef RELANCE_TEST_TEMP_STORE_H
#define RELANCE_TEST_TEMP_STORE_H

/* Removes path, path-wal, path-shm, then the directory dir (empty by
 * then). The store must be closed. */
void temp_store_remove(const char *dir, const char *path);

#endif
