/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mail_text.c - test tool: prints a message (stdin) so that shell tests
 * can grep it: header fields unfolded, one per line, with RFC 2047
 * encoded words decoded; the body with quoted-printable decoded (soft
 * line breaks joined, =XX turned into bytes). Base64 parts pass as they
 * are. No library: a test must not depend on the code it checks.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT (32 * 1024 * 1024)

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static void put_base64(const char *s, size_t n)
{
    unsigned acc = 0;
    int bits = 0;

    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            continue;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            putchar((int)((acc >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
}

static void put_q(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_')
            putchar(' ');
        else if (s[i] == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            putchar(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else
            putchar(s[i]);
    }
}

/* Decodes "=?charset?B|Q?text?=" words; white space between two encoded
 * words is dropped, as RFC 2047 says. */
static void put_header(const char *h)
{
    const char *p = h;
    int last_was_word = 0;

    while (*p) {
        const char *q1, *q2, *end;
        if (p[0] == '=' && p[1] == '?' && (q1 = strchr(p + 2, '?')) && (q1[1] == 'B' || q1[1] == 'b' ||
                                                                      q1[1] == 'Q' || q1[1] == 'q') &&
            q1[2] == '?' && (end = strstr(q1 + 3, "?=")) != NULL) {
            q2 = q1 + 3;
            if (toupper((unsigned char)q1[1]) == 'B')
                put_base64(q2, (size_t)(end - q2));
            else
                put_q(q2, (size_t)(end - q2));
            p = end + 2;
            last_was_word = 1;
            continue;
        }
        if (last_was_word && (*p == ' ' || *p == '\t')) {
            const char *r = p;
            while (*r == ' ' || *r == '\t')
                r++;
            if (r[0] == '=' && r[1] == '?') {
                p = r;
                continue;
            }
        }
        last_was_word = 0;
        putchar(*p++);
    }
    putchar('\n');
}

static void put_body(const char *s)
{
    while (*s) {
        if (s[0] == '=' && s[1] == '\n') {
            s += 2;
        } else if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        } else if (s[0] == '=' && hexval((unsigned char)s[1]) >= 0 && hexval((unsigned char)s[2]) >= 0) {
            putchar(hexval((unsigned char)s[1]) * 16 + hexval((unsigned char)s[2]));
            s += 3;
        } else if (*s != '\r') {
            putchar(*s++);
        } else {
            s++;
        }
    }
}

int main(void)
{
    char *buf = malloc(MAX_INPUT + 1), *line, *body, *header;
    size_t len, header_len = 0;

    if (buf == NULL)
        return 1;
    len = fread(buf, 1, MAX_INPUT, stdin);
    buf[len] = '\0';
    body = strstr(buf, "\n\n");
    if (body == NULL)
        body = buf + len;
    else
        body += 2, body[-2] = '\0';
    /* Unfold header lines, then decode each. */
    header = malloc(len + 1);
    if (header == NULL)
        return 1;
    for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if ((line[0] == ' ' || line[0] == '\t') && header_len > 0) {
            header[header_len++] = ' ';
            while (*line == ' ' || *line == '\t')
                line++, n--;
        } else if (header_len > 0) {
            header[header_len] = '\0';
            put_header(header);
            header_len = 0;
        }
        memcpy(header + header_len, line, n);
        header_len += n;
    }
    if (header_len > 0) {
        header[header_len] = '\0';
        put_header(header);
    }
    putchar('\n');
    put_body(body);
    free(header);
    free(buf);
    return 0;
}
