/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * util.h - safe memory and string primitives shared by every module.
 *
 * Allocation failure is fatal (logged, then abort): a milter that cannot
 * allocate cannot do anything useful, and the MTA is configured to pass
 * mail through when the filter is gone. Strings are always NUL-terminated
 * and bounded; truncation is reported, never silent overflow.
 */
#ifndef RELANCE_UTIL_H
#define RELANCE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies src into dst (size bytes); returns false when src was truncated. */
bool str_copy(char *dst, size_t size, const char *src);
/* Like str_copy for the first n bytes of src. */
bool str_copyn(char *dst, size_t size, const char *src, size_t n);
/* snprintf that reports truncation as false. */
bool str_format(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Removes leading and trailing ASCII white space in place; returns s. */
char *str_trim(char *s);
/* Collapses runs of white space to one space and trims; returns s. */
char *str_squeeze_spaces(char *s);
bool str_iequal(const char *a, const char *b);
bool str_istarts_with(const char *s, const char *prefix);
bool str_iends_with(const char *s, const char *suffix);
void str_tolower_ascii(char *s);
/* True when s is a plausible addr-spec (local@domain.tld, no spaces). */
bool str_is_email(const char *s);

/* A growable byte buffer, always NUL-terminated. */
struct strbuf {
    char *data;
    size_t len;
    size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_append(struct strbuf *sb, const void *data, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Hands the buffer to the caller (to free) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb);

/* A growable list of owned strings. */
struct strlist {
    char **items;
    size_t count;
    size_t cap;
};

void strlist_init(struct strlist *list);
void strlist_free(struct strlist *list);
void strlist_add(struct strlist *list, const char *s);
void strlist_addf(struct strlist *list, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool strlist_contains_icase(const struct strlist *list, const char *s);

/* Reads a whole file (at most max bytes); returns NULL and sets errno. */
char *file_read_all(const char *path, size_t max, size_t *len_out);

/* Monotonic clock in milliseconds, for time budgets. */
uint64_t clock_ms(void);

#endif
