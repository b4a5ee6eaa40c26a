/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * smtp_load.c - SMTP load for bench/milter.sh: SESSIONS concurrent
 * clients send COUNT messages in all, one message per connection (as
 * Postfix's smtp-source does), each made from a template file in which
 * every "@SEQ@" becomes KEY-N (N the message's number), so that each
 * message may carry its own Message-ID. Lines are sent with CRLF and
 * dot-stuffed. -b binds the client side to an address (127.0.0.2 stands
 * for a host outside InternalHosts while staying on loopback).
 *
 *   smtp_load -s SESSIONS -m COUNT -f FROM -t TO -F TEMPLATE [-k KEY] [-b ADDR] HOST PORT
 *
 * Prints "sent N failed F seconds S"; exits 1 when a message failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIECES 64

struct load {
    const char *from, *to, *key, *bind_addr;
    struct sockaddr_in server;
    char *pieces[MAX_PIECES]; /* the template, CRLF and dot-stuffed, cut at each @SEQ@ */
    size_t piece_len[MAX_PIECES];
    int piece_count;
    int count;
    atomic_int next, sent, failed;
};

struct conn {
    int fd;
    char buf[4096];
    size_t len, pos;
};

static int read_line(struct conn *c, char *line, size_t size)
{
    size_t n = 0;

    for (;;) {
        if (c->pos == c->len) {
            ssize_t r = read(c->fd, c->buf, sizeof c->buf);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return -1;
            c->len = (size_t)r;
            c->pos = 0;
        }
        char ch = c->buf[c->pos++];
        if (ch == '\n')
            break;
        if (n + 1 < size && ch != '\r')
            line[n++] = ch;
    }
    line[n] = '\0';
    return 0;
}

/* A reply, multi-line or not: its code. */
static int reply_code(struct conn *c)
{
    char line[1024];

    do {
        if (read_line(c, line, sizeof line) < 0 || strlen(line) < 3)
            return -1;
    } while (line[3] == '-');
    return atoi(line);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int command(struct conn *c, const char *text, int expect)
{
    if (write_all(c->fd, text, strlen(text)) < 0)
        return -1;
    return reply_code(c) / 100 == expect ? 0 : -1;
}

static int send_body(struct conn *c, const struct load *ld, int seq)
{
    char tag[128];
    int tag_len = snprintf(tag, sizeof tag, "%s-%d", ld->key, seq);

    for (int i = 0; i < ld->piece_count; i++) {
        if (write_all(c->fd, ld->pieces[i], ld->piece_len[i]) < 0)
            return -1;
        if (i + 1 < ld->piece_count && write_all(c->fd, tag, (size_t)tag_len) < 0)
            return -1;
    }
    return write_all(c->fd, ".\r\n", 3);
}

static int send_one(struct load *ld, int seq)
{
    struct conn c = {.fd = socket(AF_INET, SOCK_STREAM, 0)};
    char cmd[1200];
    int rc = -1;

    if (c.fd < 0)
        return -1;
    if (ld->bind_addr) {
        struct sockaddr_in local = {.sin_family = AF_INET};
        inet_pton(AF_INET, ld->bind_addr, &local.sin_addr);
        if (bind(c.fd, (struct sockaddr *)&local, sizeof local) < 0)
            goto out;
    }
    if (connect(c.fd, (struct sockaddr *)&ld->server, sizeof ld->server) < 0 || reply_code(&c) / 100 != 2)
        goto out;
    if (command(&c, "EHLO load.bench.test\r\n", 2) < 0)
        goto out;
    snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>\r\n", ld->from);
    if (command(&c, cmd, 2) < 0)
        goto out;
    snprintf(cmd, sizeof cmd, "RCPT TO:<%s>\r\n", ld->to);
    if (command(&c, cmd, 2) < 0 || command(&c, "DATA\r\n", 3) < 0)
        goto out;
    if (send_body(&c, ld, seq) < 0 || reply_code(&c) / 100 != 2)
        goto out;
    rc = 0;
    (void)command(&c, "QUIT\r\n", 2);
out:
    close(c.fd);
    return rc;
}

static void *session(void *arg)
{
    struct load *ld = arg;
    int seq;

    while ((seq = atomic_fetch_add(&ld->next, 1)) < ld->count) {
        if (send_one(ld, seq) == 0)
            atomic_fetch_add(&ld->sent, 1);
        else
            atomic_fetch_add(&ld->failed, 1);
    }
    return NULL;
}

/* The template as it goes on the wire, cut at each @SEQ@. */
static int load_template(struct load *ld, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *out = NULL;
    size_t cap = 0, len = 0, size = 0;
    ssize_t n;

    if (f == NULL)
        return -1;
    FILE *mem = open_memstream(&out, &size);
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (line[0] == '.')
            fputc('.', mem);
        fwrite(line, 1, (size_t)n, mem);
        fputs("\r\n", mem);
    }
    fclose(mem);
    fclose(f);
    free(line);
    len = size;
    char *p = out;
    for (;;) {
        char *at = memmem(p, len - (size_t)(p - out), "@SEQ@", 5);
        if (ld->piece_count == MAX_PIECES - 1)
            at = NULL;
        size_t piece = at ? (size_t)(at - p) : len - (size_t)(p - out);
        ld->pieces[ld->piece_count] = p;
        ld->piece_len[ld->piece_count++] = piece;
        if (at == NULL)
            break;
        p = at + 5;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct load ld = {.from = "load@bench.test", .to = "sink@bench.test", .key = "m"};
    int sessions = 20, opt;
    const char *file = NULL;
    struct timespec t0, t1;

    ld.count = 100;
    while ((opt = getopt(argc, argv, "s:m:f:t:F:k:b:")) != -1) {
        switch (opt) {
        case 's': sessions = atoi(optarg); break;
        case 'm': ld.count = atoi(optarg); break;
        case 'f': ld.from = optarg; break;
        case 't': ld.to = optarg; break;
        case 'F': file = optarg; break;
        case 'k': ld.key = optarg; break;
        case 'b': ld.bind_addr = optarg; break;
        default: goto usage;
        }
    }
    if (argc - optind != 2 || file == NULL || sessions < 1 || sessions > 1000)
        goto usage;
    ld.server.sin_family = AF_INET;
    ld.server.sin_port = htons((unsigned short)atoi(argv[optind + 1]));
    if (inet_pton(AF_INET, argv[optind], &ld.server.sin_addr) != 1 || load_template(&ld, file) < 0) {
        fprintf(stderr, "smtp_load: bad address or unreadable %s\n", file);
        return 2;
    }
    pthread_t *threads = calloc((size_t)sessions, sizeof *threads);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < sessions; i++)
        pthread_create(&threads[i], NULL, session, &ld);
    for (int i = 0; i < sessions; i++)
        pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("sent %d failed %d seconds %.3f\n", atomic_load(&ld.sent), atomic_load(&ld.failed),
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(threads);
    return atomic_load(&ld.failed) > 0;
usage:
    fprintf(stderr, "usage: smtp_load -s SESSIONS -m COUNT -f FROM -t TO -F TEMPLATE [-k KEY] [-b ADDR] HOST PORT\n");
    return 2;
}
