/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relance_pdf.c - relance-pdf, the worker that reads one PDF for relanced
 * and relancectl (see lib/pdf_extract.h): the PDF on stdin, the records
 * on stdout, nothing else.
 *
 *   relance-pdf --size=N --pages=N --text=N --ms=N --memory=N
 *               --files=N --file-size=N --decoded=N --read=all|unless-xml|text
 *
 * --read says what to read (enum pdf_reading): the embedded files and
 * the text; the files, and the text only when none looks like XML; the
 * text alone.
 *
 * Before it reads a byte of the PDF it closes every other descriptor and
 * sets its limits: address space (--memory), CPU time (--ms, rounded up,
 * plus one second), no file written, no core, few descriptors. Under
 * AddressSanitizer (the test builds) two are left out: the address space,
 * since the sanitizer's shadow memory reserves terabytes (the parent's
 * watch of the resident size, PdfMaxMemory too, bounds it then), and the
 * file size, since a sanitizer report is written to a file. Whatever poppler
 * does past them ends this process, never its parent.
 *
 * Exit status: 0 records written, 1 a write failed, 2 bad arguments or
 * limits that could not be set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib/pdf_extract.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* Descriptors poppler may open (fontconfig, CMaps) beyond 0-2. */
#define WORKER_NOFILE 32

struct worker_args {
    unsigned long long size;
    struct pdf_limits limits;
};

/* "--name=N" into *value; false for another name or a bad number. */
static bool number_arg(const char *arg, const char *name, unsigned long long max, unsigned long long *value)
{
    size_t n = strlen(name);
    char *end;

    if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, n) != 0 || arg[2 + n] != '=')
        return false;
    errno = 0;
    *value = strtoull(arg + 3 + n, &end, 10);
    return errno == 0 && end != arg + 3 + n && *end == '\0' && *value <= max;
}

static bool parse_args(int argc, char **argv, struct worker_args *a)
{
    unsigned long long v[8];
    static const char *const names[8] = {"size", "pages", "text", "ms", "memory", "files", "file-size", "decoded"};

    if (argc != 10 || strncmp(argv[9], "--read=", 7) != 0 || !pdf_reading_parse(argv[9] + 7, &a->limits.reading))
        return false;
    for (int i = 0; i < 8; i++)
        if (!number_arg(argv[i + 1], names[i], (unsigned long long)SIZE_MAX / 2, &v[i]))
            return false;
    if (v[1] > 100000 || v[3] > 3600 * 1000 || v[5] > 100000)
        return false;
    a->size = v[0];
    a->limits.worker = NULL;
    a->limits.max_pages = (int)v[1];
    a->limits.max_text = (size_t)v[2];
    a->limits.max_ms = (unsigned)v[3];
    a->limits.max_memory = (size_t)v[4];
    a->limits.max_files = (int)v[5];
    a->limits.max_file_size = (size_t)v[6];
    a->limits.max_decoded = (size_t)v[7];
    return true;
}

static bool set_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl = {soft, hard};

    return setrlimit(resource, &rl) == 0;
}

static bool set_limits(const struct pdf_limits *limits)
{
    rlim_t cpu = (rlim_t)(limits->max_ms + 999) / 1000 + 1;

    if (!set_limit(RLIMIT_CORE, 0, 0) || !set_limit(RLIMIT_NOFILE, WORKER_NOFILE, WORKER_NOFILE) ||
        !set_limit(RLIMIT_CPU, cpu, cpu + 1))
        return false;
    if (UNDER_ASAN)
        return true;
    return set_limit(RLIMIT_FSIZE, 0, 0) &&
           (limits->max_memory == 0 || set_limit(RLIMIT_AS, (rlim_t)limits->max_memory, (rlim_t)limits->max_memory));
}

/* Reads stdin, exactly size bytes. */
static char *read_input(unsigned long long size)
{
    char *data = xmalloc((size_t)size + 1);
    size_t done = 0;

    while (done < size) {
        ssize_t n = read(0, data + done, (size_t)size - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (done != size) {
        free(data);
        return NULL;
    }
    data[done] = '\0';
    return data;
}

int main(int argc, char **argv)
{
    struct worker_args a;
    char *data;
    bool ok;

    /* Nothing of the parent's but stdin, stdout and stderr. */
    closefrom(3);
    if (!parse_args(argc, argv, &a)) {
        fprintf(stderr, "usage: relance-pdf --size=N --pages=N --text=N --ms=N --memory=N --files=N "
                        "--file-size=N --decoded=N --read=all|unless-xml|text <PDF\n");
        return 2;
    }
    if (!set_limits(&a.limits)) {
        fprintf(stderr, "relance-pdf: setrlimit: %s\n", strerror(errno));
        return 2;
    }
    if ((data = read_input(a.size)) == NULL) {
        fprintf(stderr, "relance-pdf: short input\n");
        return 2;
    }
    ok = pdf_serve(data, (size_t)a.size, &a.limits, 1);
    free(data);
    return ok ? 0 : 1;
}
