/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench_extract.c - invoices read per second in process: `bench_extract
 * SECONDS FILE...` reads every file (Factur-X PDF, CII or UBL XML) with
 * invoice_scan_document, the reading relanced does (the PDF part is what
 * its worker relance-pdf runs, called here in this process), over and
 * over for at least SECONDS, and prints "files/s invoices-per-pass".
 * No process start-up is counted: the files are read into memory first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/invoice.h"
#include "lib/pdf.h"
#include "lib/util.h"
#include "recognise/invoice_scan.h"
#include "recognise/invoice_xml.h"

struct doc {
    const char *name;
    char *data;
    size_t len;
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        perror(path);
        exit(1);
    }
    data = xmalloc((size_t)n + 1);
    if (fread(data, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(1);
    }
    fclose(f);
    *len = (size_t)n;
    return data;
}

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* One pass over the documents; returns the invoices found. */
static size_t pass(const struct doc *docs, size_t count, const struct scan_limits *limits)
{
    size_t found = 0;

    for (size_t i = 0; i < count; i++) {
        struct invoice_scan scan;

        invoice_scan_init(&scan);
        invoice_scan_document(docs[i].name, docs[i].data, docs[i].len, limits, &scan);
        found += scan.invoices.count;
        invoice_scan_free(&scan);
    }
    return found;
}

int main(int argc, char **argv)
{
    struct scan_limits limits;
    struct doc *docs;
    struct pdf_doc *held = NULL;
    bool poppler_once = argc > 1 && strcmp(argv[1], "--poppler-once") == 0;
    size_t count, files = 0, found;
    double seconds, start, elapsed, cpu_start;
    char why[256];

    if (poppler_once) {
        argc--;
        argv++;
    }
    count = (size_t)(argc > 2 ? argc - 2 : 0);
    if (count == 0) {
        fprintf(stderr, "usage: bench_extract [--poppler-once] SECONDS FILE...\n");
        return 2;
    }
    seconds = atof(argv[1]);
    invoice_xml_init();
    scan_limits_default(&limits);
    limits.pdf_worker = NULL; /* in this process: the worker's own reading */
    docs = xcalloc(count, sizeof *docs);
    for (size_t i = 0; i < count; i++) {
        docs[i].name = strrchr(argv[i + 2], '/') ? strrchr(argv[i + 2], '/') + 1 : argv[i + 2];
        docs[i].data = slurp(argv[i + 2], &docs[i].len);
        if (poppler_once && held == NULL)
            held = pdf_open(docs[i].data, docs[i].len, why, sizeof why);
    }
    found = pass(docs, count, &limits); /* warm: libraries loaded, caches filled */
    start = now_s();
    cpu_start = cpu_s();
    do {
        pass(docs, count, &limits);
        files += count;
        elapsed = now_s() - start;
    } while (elapsed < seconds);
    printf("%.1f %zu %.2f\n", (double)files / elapsed, found, (cpu_s() - cpu_start) * 1000 / (double)files);
    pdf_close(held);
    for (size_t i = 0; i < count; i++)
        free(docs[i].data);
    free(docs);
    return 0;
}
