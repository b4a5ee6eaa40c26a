/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mime_scan.h - counts MIME parts and nesting in raw bytes, before any
 * parser builds a tree.
 *
 * GMime builds every part of a message in memory before relance can walk
 * it, so a message of many tiny parts costs time and memory in proportion
 * to its part count, whatever MaxMimeParts says. This scanner reads the
 * raw bytes once, line by line, following Content-Type boundaries with a
 * stack of at most max_depth entries, and says where the message has to be
 * cut so that what is left holds no more parts and no deeper nesting than
 * the limits: the headers and the parts before the first one over them.
 *
 * Delimiters are recognised as GMime recognises them (the boundary, "--"
 * for the close one, then only white space; innermost multipart first):
 * a looser test would close frames whose parts GMime goes on to build.
 * Elsewhere it errs on the side of counting too much (an attached message
 * counts its body even when GMime builds none; a delimiter of the
 * multipart a header block declares ends that block), and whatever it
 * cannot read for certain (a boundary in RFC 2231 form, two Content-Type
 * fields, an overlong Content-Type) ends the scan there: a cut only
 * shortens what relance reads, the mail is passed on whole.
 */
#ifndef RELANCE_MIME_SCAN_H
#define RELANCE_MIME_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Longest boundary followed; RFC 2046 allows 70 characters. */
#define MIME_SCAN_BOUNDARY_MAX 256
/* Header field lines read, all header blocks together. */
#define MIME_SCAN_MAX_FIELDS 20000

enum mime_scan_stop {
    MIME_SCAN_WHOLE = 0,     /* within the limits: parse it all */
    MIME_SCAN_TOO_MANY_PARTS,
    MIME_SCAN_TOO_DEEP,
    MIME_SCAN_TOO_MANY_FIELDS,
    MIME_SCAN_UNREADABLE,    /* a Content-Type the scanner cannot follow */
};

struct mime_scan_result {
    enum mime_scan_stop stop;
    size_t keep;  /* bytes to hand to the parser: the whole length, or the cut */
    int parts;    /* entities counted before the cut (the message itself is one) */
    int depth;    /* deepest nesting counted before the cut */
};

/* Scans len bytes of a raw message. max_parts counts every entity as
 * message_walk does (the body, each multipart, each leaf, each attached
 * message); max_depth is the deepest nesting allowed. O(len) time; memory
 * bounded by max_depth boundaries. */
void mime_scan(const char *data, size_t len, int max_parts, int max_depth, struct mime_scan_result *out);

/* "too many parts", ... for logs. */
const char *mime_scan_stop_name(enum mime_scan_stop stop);

#endif
