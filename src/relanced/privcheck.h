/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * privcheck.h - will UserID be able to read, after the privilege drop,
 * what relanced reads again then?
 *
 * relanced reads everything as root at start, then becomes UserID. A
 * reload (SIGUSR1) reads the configuration file and the reply lexicon
 * again, and every reminder or notice reads its template: as UserID.
 * A file only root can read works at start and fails later; this says so
 * beforehand, for `relanced -n` and in the start-up log.
 */
#ifndef RELANCE_PRIVCHECK_H
#define RELANCE_PRIVCHECK_H

#include <pwd.h>

#include "core/config.h"
#include "lib/util.h"

/* Adds to warnings one "FILE:0: warning: ..." line for each file (or
 * directory) of cfg that user pw could not read, config_path being the
 * file a reload reads. Must run as root with no other thread. A check
 * that cannot be made adds a line saying so. */
void privcheck(const struct config *cfg, const char *config_path, const struct passwd *pw,
               struct strlist *warnings);

#endif
