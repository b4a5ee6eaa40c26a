/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * readable.c - could this process, or another user, read these files (see
 * readable.h)?
 *
 * Nothing here reads permission bits: a path is opened for reading, as
 * the reader would open it. Working the answer out from modes would miss
 * ACLs, mount options and the directories on the way, and would be wrong
 * in just the cases this is for.
 */
#include "lib/readable.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"

/* The length of the first directory of path (or path itself when it is a
 * directory) that this process cannot enter; 0 when there is none. This
 * is why a file under /root cannot be read whatever its own mode. */
static size_t blocking_dir(const char *path, bool is_dir)
{
    char prefix[PATH_MAX];
    size_t len = strlen(path);

    if (len >= sizeof prefix)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if (path[i] != '/')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        if (access(prefix, X_OK) != 0 && errno == EACCES)
            return i;
    }
    if (is_dir && access(path, X_OK) != 0 && errno == EACCES)
        return len;
    return 0;
}

/* Opens path for reading, as a reader would; O_NONBLOCK so that a FIFO
 * cannot hang the check. Only system calls: safe in a forked child. */
static void check_one(const char *path, struct readable_result *r)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;
    bool is_dir;

    r->err = fd < 0 ? errno : 0;
    if (fd >= 0) {
        is_dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
        close(fd);
    } else {
        is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    }
    r->blocked = blocking_dir(path, is_dir);
}

void readable_check(const char *const *paths, size_t n, struct readable_result *out)
{
    for (size_t i = 0; i < n; i++)
        check_one(paths[i], &out[i]);
}

/* The user's groups, as initgroups(3) would give them at the drop. */
static gid_t *user_groups(const struct passwd *pw, int *count)
{
    int n = 32;
    gid_t *groups = xmalloc((size_t)n * sizeof *groups);

    while (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
        groups = xrealloc(groups, (size_t)n * sizeof *groups);
    *count = n;
    return groups;
}

/* The child: becomes the user, checks, writes the results, exits. */
__attribute__((noreturn)) static void check_child(const struct passwd *pw, const gid_t *groups, int ngroups,
                                                 const char *const *paths, size_t n,
                                                 struct readable_result *out, int fd)
{
    const char *p = (const char *)out;
    size_t left = n * sizeof *out;

    if (setgroups((size_t)ngroups, groups) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
        _exit(1);
    readable_check(paths, n, out);
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(1);
        p += w;
        left -= (size_t)w;
    }
    _exit(0);
}

/* Reads exactly len bytes, or fails. */
static bool read_exactly(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len > 0) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        p += r;
        len -= (size_t)r;
    }
    return true;
}

bool readable_check_as(const struct passwd *pw, const char *const *paths, size_t n,
                       struct readable_result *out, char *why, size_t whylen)
{
    int fds[2], status, ngroups;
    gid_t *groups;
    pid_t pid;
    bool ok;

    if (geteuid() != 0) {
        str_format(why, whylen, "only root can check as user %s", pw->pw_name);
        return false;
    }
    if (pipe2(fds, O_CLOEXEC) != 0) {
        str_format(why, whylen, "pipe: %s", strerror(errno));
        return false;
    }
    groups = user_groups(pw, &ngroups);
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        check_child(pw, groups, ngroups, paths, n, out, fds[1]);
    }
    free(groups);
    close(fds[1]);
    if (pid < 0) {
        str_format(why, whylen, "fork: %s", strerror(errno));
        close(fds[0]);
        return false;
    }
    /* Read before waiting: many results may not fit in the pipe. */
    ok = read_exactly(fds[0], out, n * sizeof *out);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!ok)
        str_format(why, whylen, "could not take the identity of user %s", pw->pw_name);
    return ok;
}
