/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * util.c - safe memory and string primitives (see util.h).
 */
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

static void out_of_memory(size_t size)
{
    log_msg(LOG_LEVEL_ERROR, NULL, "out of memory allocating %zu bytes", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (p == NULL)
        out_of_memory(size);
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    struct strbuf sb;
    va_list ap;

    strbuf_init(&sb);
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    return strbuf_detach(&sb);
}

bool str_copy(char *dst, size_t size, const char *src)
{
    return str_copyn(dst, size, src, strlen(src));
}

bool str_copyn(char *dst, size_t size, const char *src, size_t n)
{
    size_t len = strnlen(src, n);
    bool fits = len < size;

    if (size == 0)
        return len == 0;
    if (!fits)
        len = size - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return fits;
}

bool str_format(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(dst, size, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < size;
}

char *str_trim(char *s)
{
    size_t len = strlen(s);
    size_t start = 0;

    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    s[len] = '\0';
    while (start < len && isspace((unsigned char)s[start]))
        start++;
    if (start > 0)
        memmove(s, s + start, len - start + 1);
    return s;
}

char *str_squeeze_spaces(char *s)
{
    char *w = s;
    bool space = false;

    for (const char *r = s; *r; r++) {
        if (isspace((unsigned char)*r)) {
            space = true;
            continue;
        }
        if (space && w != s)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

bool str_iequal(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

bool str_istarts_with(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool str_iends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

void str_tolower_ascii(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static bool email_char_ok(unsigned char c)
{
    return c > 32 && c < 127 && c != '<' && c != '>' && c != '(' && c != ')' &&
           c != ',' && c != ';' && c != ':' && c != '"' && c != '[' && c != ']' &&
           c != '\\';
}

bool str_is_email(const char *s)
{
    const char *at = strrchr(s, '@');
    const char *dot;

    if (at == NULL || at == s || strlen(s) > 254)
        return false;
    for (const char *p = s; *p; p++) {
        if (!email_char_ok((unsigned char)*p))
            return false;
        if (*p == '@' && p != at)
            return false;
    }
    dot = strrchr(at, '.');
    return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

void strbuf_init(struct strbuf *sb)
{
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void strbuf_free(struct strbuf *sb)
{
    free(sb->data);
    strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->data)
        sb->data[0] = '\0';
}

static void strbuf_reserve(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    size_t cap = sb->cap ? sb->cap : 64;

    if (need <= sb->cap)
        return;
    while (cap < need)
        cap *= 2;
    sb->data = xrealloc(sb->data, cap);
    sb->cap = cap;
}

void strbuf_append(struct strbuf *sb, const void *data, size_t len)
{
    strbuf_reserve(sb, len);
    if (len)
        memcpy(sb->data + sb->len, data, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
    strbuf_append(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
    strbuf_append(sb, &c, 1);
}

void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    strbuf_reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

char *strbuf_detach(struct strbuf *sb)
{
    char *p = sb->data;

    if (p == NULL)
        p = xstrdup("");
    strbuf_init(sb);
    return p;
}

void strlist_init(struct strlist *list)
{
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}

void strlist_free(struct strlist *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    strlist_init(list);
}

static void strlist_push(struct strlist *list, char *owned)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 8;
        list->items = xrealloc(list->items, list->cap * sizeof *list->items);
    }
    list->items[list->count++] = owned;
}

void strlist_add(struct strlist *list, const char *s)
{
    strlist_push(list, xstrdup(s));
}

void strlist_addf(struct strlist *list, const char *fmt, ...)
{
    struct strbuf sb;
    va_list ap;

    strbuf_init(&sb);
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    strlist_push(list, strbuf_detach(&sb));
}

bool strlist_contains_icase(const struct strlist *list, const char *s)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcasecmp(list->items[i], s) == 0)
            return true;
    return false;
}

char *file_read_all(const char *path, size_t max, size_t *len_out)
{
    struct strbuf sb;
    char chunk[65536];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    strbuf_init(&sb);
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (sb.len + (size_t)n > max) {
            errno = EFBIG;
            goto fail;
        }
        strbuf_append(&sb, chunk, (size_t)n);
    }
    close(fd);
    if (len_out)
        *len_out = sb.len;
    return strbuf_detach(&sb);
fail: {
    int saved = errno;
    close(fd);
    strbuf_free(&sb);
    errno = saved;
    return NULL;
}
}

uint64_t clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
