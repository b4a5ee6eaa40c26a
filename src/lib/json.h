/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * json.h - a small streaming JSON writer for relancectl's --json output and
 * the audit log's event details. Writing only: relance never parses JSON.
 * Strings are escaped per RFC 8259; invalid UTF-8 bytes become U+FFFD.
 */
#ifndef RELANCE_JSON_H
#define RELANCE_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"

#define JSON_MAX_DEPTH 32

struct json {
    struct strbuf *out;
    bool pretty;
    int depth;
    bool first[JSON_MAX_DEPTH];
    bool after_key;
};

void json_init(struct json *j, struct strbuf *out, bool pretty);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Writes text that is already a JSON value (e.g. a stored event detail). */
void json_raw(struct json *j, const char *text);

/* key + value shorthands: json_kv_string writes null for NULL;
 * json_kv_string_or_null also for "". */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_string_or_null(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, long long v);
void json_kv_bool(struct json *j, const char *key, bool v);

/* Appends s as a quoted, escaped JSON string. */
void json_escape_string(struct strbuf *out, const char *s);

#endif
