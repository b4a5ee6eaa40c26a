/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * auth_results.h - reads the value of an Authentication-Results header
 * (RFC 8601): who verified (the authserv-id) and, for each method, its
 * result and properties:
 *
 *   mx.agency.test 1; dkim=pass (2048-bit key) header.d=example.fr
 *       header.i=@example.fr; spf=pass smtp.mailfrom=x@example.fr
 *
 * Pure text work, bounded before it starts: a value longer than
 * AUTH_RESULTS_MAX_LEN is refused, comments nest at most
 * AUTH_RESULTS_MAX_DEPTH deep, and one pass reads the whole. Whatever
 * does not follow the grammar makes the whole value unreadable (false):
 * a header the reader does not understand vouches for nothing.
 * Keywords (method, result, property names) come out in lower case;
 * values as written, unquoted.
 */
#ifndef RELANCE_AUTH_RESULTS_H
#define RELANCE_AUTH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_RESULTS_MAX_LEN 16384
#define AUTH_RESULTS_MAX_DEPTH 8
#define AUTH_RESULTS_MAX_METHODS 16
#define AUTH_RESULTS_MAX_PROPS 8
#define AUTH_RESULTS_ID_MAX 256
#define AUTH_RESULTS_WORD_MAX 64
#define AUTH_RESULTS_VALUE_MAX 320

struct auth_property {
    char name[AUTH_RESULTS_WORD_MAX];   /* "header.d", "smtp.mailfrom" */
    char value[AUTH_RESULTS_VALUE_MAX]; /* "example.fr" */
};

struct auth_method {
    char method[AUTH_RESULTS_WORD_MAX]; /* "dkim", "spf", "dmarc" (without version) */
    char result[AUTH_RESULTS_WORD_MAX]; /* "pass", "fail", "none"... */
    struct auth_property props[AUTH_RESULTS_MAX_PROPS]; /* properties past the last are dropped */
    size_t prop_count;
};

struct auth_results {
    char authserv_id[AUTH_RESULTS_ID_MAX];
    int version; /* 1 when absent */
    struct auth_method methods[AUTH_RESULTS_MAX_METHODS];
    size_t method_count; /* 0 with "none" */
};

/* Reads value; false (out zeroed) when it is not a readable AR value:
 * too long, malformed, more than AUTH_RESULTS_MAX_METHODS methods, or a
 * word longer than its field. */
bool auth_results_parse(const char *value, struct auth_results *out);

/* Only the authserv-id (the first word), for deciding whose header this
 * is without reading the rest; false when there is none. */
bool auth_results_authserv_id(const char *value, char *id, size_t size);

/* The value of property name ("header.d") of a method, NULL when absent. */
const char *auth_method_property(const struct auth_method *m, const char *name);

#endif
