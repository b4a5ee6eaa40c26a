/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_dossier_files.c - the court file's files: each written new (never
 * over an existing one, never through a symbolic link), mode 0600, synced,
 * and recorded with its SHA-256 for the chronology and SHA256SUMS.
 */
#include "relancectl/ctl_dossier.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool dossier_write(struct dossier *d, const char *name, const void *data, size_t len)
{
    char *path = xasprintf("%s/%s", d->dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    const char *p = data;
    size_t done = 0;
    struct dossier_file *f;

    while (fd >= 0 && done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (fd < 0 || done < len || fsync(fd) != 0 || close(fd) != 0) {
        fprintf(stderr, "relancectl: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(path);
        d->failed = true;
        return false;
    }
    free(path);
    d->files = xrealloc(d->files, (d->file_count + 1) * sizeof *d->files);
    f = &d->files[d->file_count++];
    str_copy(f->name, sizeof f->name, name);
    store_sha256_hex(data, len, f->sha256);
    return true;
}

const struct dossier_file *dossier_file(const struct dossier *d, const char *name)
{
    for (size_t i = 0; name && name[0] && i < d->file_count; i++)
        if (strcmp(d->files[i].name, name) == 0)
            return &d->files[i];
    return NULL;
}
