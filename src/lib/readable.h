/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * readable.h - could this process, or another user, read these files?
 *
 * A daemon started as root reads its files before it drops privileges;
 * whatever it reads again later (a reload, a template) must be readable
 * by the user it became. The answer is the kernel's own: the paths are
 * opened by a process holding that user's uid, gid and groups, so that
 * modes, ACLs and every directory on the way count as they will.
 */
#ifndef RELANCE_READABLE_H
#define RELANCE_READABLE_H

#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>

struct readable_result {
    int err;        /* 0: it opens for reading; else the errno of the open */
    size_t blocked; /* > 0: path[0..blocked) is a directory the user cannot enter
                       (an ancestor, or the path itself when it is a directory) */
};

/* Checks each path as the calling process; never fails. */
void readable_check(const char *const *paths, size_t n, struct readable_result *out);

/* Checks each path as user pw (with its supplementary groups), in a child
 * process that takes that identity; the caller must be root and have no
 * other thread (the child only makes system calls). False with a reason
 * when the check could not be made; out is then unset. */
bool readable_check_as(const struct passwd *pw, const char *const *paths, size_t n,
                       struct readable_result *out, char *why, size_t whylen);

#endif
