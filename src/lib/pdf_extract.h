/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pdf_extract.h - what relance takes from a PDF (its embedded files and
 * its text by physical lines), read by a worker process, relance-pdf,
 * that poppler may exhaust without harm: the worker runs under resource
 * limits (memory, CPU, no files, no core), and its parent kills it at a
 * wall-clock deadline and trusts nothing it writes back.
 *
 * Between the two, a framing of records: type (1 byte), length (4 bytes,
 * big-endian), payload:
 *   'R' why       the PDF is refused (not a PDF, encrypted, broken)
 *   'F' file      2-byte name length, name, bytes
 *   'N' note      an embedded file skipped, and why
 *   'T' text      the layout text
 *   'X' why       no text
 *   'S'           text not read: an embedded file looks like XML
 *                 (PDF_TEXT_UNLESS_XML only)
 *   'Z'           the end: anything without it is a worker that died
 */
#ifndef RELANCE_PDF_EXTRACT_H
#define RELANCE_PDF_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/util.h"

/* What the worker reads. A Factur-X PDF's page text is never needed
 * when its XML is an invoice, and it is the dear part: poppler builds a
 * colour transform for the ICC output intent every PDF/A-3 carries
 * before it lays out a page's text (lcms2: 80 % of the reading), while
 * the embedded files cost little. */
enum pdf_reading {
    PDF_FILES_AND_TEXT,  /* the embedded files, then the text */
    PDF_TEXT_UNLESS_XML, /* the embedded files that look like XML (the others, images, PDFs, are
                            not decoded past their first bytes); the text only when there is none
                            ('S' else) */
    PDF_TEXT_ONLY,       /* the text, no embedded file: after PDF_TEXT_UNLESS_XML found no XML usable */
};

struct pdf_limits {
    const char *worker;    /* the relance-pdf program; NULL: read in this process (tests) */
    int max_pages;         /* pages of text */
    size_t max_text;       /* bytes of text */
    unsigned max_ms;       /* wall clock for the whole reading; CPU time too */
    size_t max_memory;     /* the worker's address space */
    int max_files;         /* embedded files looked at */
    size_t max_file_size;  /* bytes of one embedded file */
    size_t max_decoded;    /* bytes of embedded files decoded in all */
    enum pdf_reading reading;
};

struct pdf_file {
    char *name;
    const char *data; /* into the result's copy of the worker's output */
    size_t len;
};

enum pdf_status {
    PDF_READ,         /* files and text (or why there is no text) */
    PDF_REFUSED,      /* not a PDF, encrypted or broken: why says */
    PDF_UNREADABLE,   /* stopped by its parent (deadline, memory, output bounds) or garbage written */
    PDF_WORKER_DIED,  /* the worker ended by itself before finishing: a signal (a crash, a
                         resource limit of its own) or a failure status; why says */
    PDF_WORKER_ERROR, /* the worker could not be run at all: why says */
};

struct pdf_extract_result {
    char *records;         /* the worker's output, which files point into */
    struct pdf_file *files;
    size_t file_count;
    bool has_text;
    bool text_skipped;     /* PDF_TEXT_UNLESS_XML found a file that looks like XML: no text read */
    struct strbuf text;    /* when has_text */
    struct strlist notes;  /* embedded files skipped, and why */
    char why[256];         /* refused, unreadable, worker error; or why no text */
    /* The worker, for logs and tests: its peak resident size, how long
     * it ran, and how it ended (-1 when it did not exit by itself). */
    long peak_kb;
    unsigned elapsed_ms;
    int exit_code;
    int term_signal;
};

void pdf_extract_init(struct pdf_extract_result *res);
void pdf_extract_free(struct pdf_extract_result *res);

/* Reads data through the worker named by limits->worker (in this process
 * when it is NULL: no time or memory bound then, for tests only). */
enum pdf_status pdf_extract(const char *data, size_t len, const struct pdf_limits *limits,
                            struct pdf_extract_result *res);

/* The worker's side: reads data and writes its records to fd. Returns
 * false when a write failed. */
bool pdf_serve(const char *data, size_t len, const struct pdf_limits *limits, int fd);

/* The worker's side into memory, and its reading back: what pdf_extract
 * does with limits->worker NULL. */
enum pdf_status pdf_extract_local(const char *data, size_t len, const struct pdf_limits *limits,
                                  struct pdf_extract_result *res);

/* The parent's side: decodes a worker's whole output, every length
 * bounded by limits. PDF_UNREADABLE (why says) for garbage or no end. */
enum pdf_status pdf_frames_decode(const char *buf, size_t len, const struct pdf_limits *limits,
                                  struct pdf_extract_result *res);

/* The same, keeping buf (malloc'ed, len bytes) in res instead of copying
 * the files out of it: a worker's output may hold PdfMaxDecoded bytes. */
enum pdf_status pdf_frames_take(char *buf, size_t len, const struct pdf_limits *limits,
                                struct pdf_extract_result *res);

/* The worker's --read= word for a reading, and back (false: no such word). */
const char *pdf_reading_name(enum pdf_reading reading);
bool pdf_reading_parse(const char *name, enum pdf_reading *reading);

/* The most output a worker within limits can write. */
size_t pdf_frames_max(const struct pdf_limits *limits);

#endif
