/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * smtp_load.c - SMTP load for bench/milter.sh: SESSIONS concurrent
 * clients send COUNT messages in all, one message per connection (as
 * Postfix's smtp-source does), each made from a template file in which
 * every "@SEQ@" becomes KEY-N (N the message's number), so that each
 * message may carry its own Message-ID. -V names a file of lines of
 * whitespace-separated fields: message N takes line N modulo their number,
 * and "@V1@" to "@V9@" in the template, FROM and TO become its fields (so
 * that replies may answer many reminders, round robin). Lines are sent with CRLF and
 * dot-stuffed. -b binds the client side to an address (127.0.0.2 stands
 * for a host outside InternalHosts while staying on loopback).
 *
 *   smtp_load -s SESSIONS -m COUNT -f FROM -t TO -F TEMPLATE [-k KEY] [-b ADDR] [-V FIELDS] HOST PORT
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

#define MAX_FIELDS 9

struct load {
    const char *from, *to, *key, *bind_addr;
    struct sockaddr_in server;
    char *wire; /* the template, CRLF and dot-stuffed, markers unexpanded */
    size_t wire_len;
    char *(*rows)[MAX_FIELDS]; /* the -V lines' fields */
    int row_count;
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

/* src with @SEQ@ and @V1@..@V9@ expanded for message seq. Owned. */
static char *expand(const struct load *ld, const char *src, size_t len, int seq, size_t *out_len)
{
    char *out = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&out, &size);

    for (size_t i = 0; i < len; i++) {
        if (src[i] == '@' && i + 5 <= len && memcmp(src + i, "@SEQ@", 5) == 0) {
            fprintf(mem, "%s-%d", ld->key, seq);
            i += 4;
        } else if (src[i] == '@' && i + 4 <= len && src[i + 1] == 'V' && src[i + 2] >= '1' && src[i + 2] <= '9' &&
                   src[i + 3] == '@' && ld->row_count > 0) {
            const char *field = ld->rows[seq % ld->row_count][src[i + 2] - '1'];
            fputs(field ? field : "", mem);
            i += 3;
        } else {
            fputc(src[i], mem);
        }
    }
    fclose(mem);
    if (out_len)
        *out_len = size;
    return out;
}

static int send_body(struct conn *c, const struct load *ld, int seq)
{
    size_t n;
    char *body = expand(ld, ld->wire, ld->wire_len, seq, &n);
    int rc = write_all(c->fd, body, n);

    free(body);
    return rc < 0 ? -1 : write_all(c->fd, ".\r\n", 3);
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
    char *from = expand(ld, ld->from, strlen(ld->from), seq, NULL);
    char *to = expand(ld, ld->to, strlen(ld->to), seq, NULL);
    snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>\r\n", from);
    int mail = command(&c, cmd, 2);
    snprintf(cmd, sizeof cmd, "RCPT TO:<%s>\r\n", to);
    free(from);
    free(to);
    if (mail < 0 || command(&c, cmd, 2) < 0 || command(&c, "DATA\r\n", 3) < 0)
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
    size_t cap = 0, size = 0;
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
    ld->wire = out;
    ld->wire_len = size;
    return 0;
}

/* The -V file: one row of fields a line. */
static int load_fields(struct load *ld, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;

    if (f == NULL)
        return -1;
    while (getline(&line, &cap, f) > 0) {
        char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
        if (tok == NULL)
            continue;
        ld->rows = realloc(ld->rows, (size_t)(ld->row_count + 1) * sizeof *ld->rows);
        for (int i = 0; i < MAX_FIELDS; i++) {
            ld->rows[ld->row_count][i] = tok ? strdup(tok) : NULL;
            tok = tok ? strtok_r(NULL, " \t\r\n", &save) : NULL;
        }
        ld->row_count++;
    }
    free(line);
    fclose(f);
    return ld->row_count > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct load ld = {.from = "load@bench.test", .to = "sink@bench.test", .key = "m"};
    int sessions = 20, opt;
    const char *file = NULL, *fields = NULL;
    struct timespec t0, t1;

    ld.count = 100;
    while ((opt = getopt(argc, argv, "s:m:f:t:F:k:b:V:")) != -1) {
        switch (opt) {
        case 's': sessions = atoi(optarg); break;
        case 'm': ld.count = atoi(optarg); break;
        case 'f': ld.from = optarg; break;
        case 't': ld.to = optarg; break;
        case 'F': file = optarg; break;
        case 'k': ld.key = optarg; break;
        case 'b': ld.bind_addr = optarg; break;
        case 'V': fields = optarg; break;
        default: goto usage;
        }
    }
    if (argc - optind != 2 || file == NULL || sessions < 1 || sessions > 1000)
        goto usage;
    ld.server.sin_family = AF_INET;
    ld.server.sin_port = htons((unsigned short)atoi(argv[optind + 1]));
    if (inet_pton(AF_INET, argv[optind], &ld.server.sin_addr) != 1 || load_template(&ld, file) < 0 ||
        (fields != NULL && load_fields(&ld, fields) < 0)) {
        fprintf(stderr, "smtp_load: bad address, unreadable %s or no fields\n", file);
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
    fprintf(stderr, "usage: smtp_load -s SESSIONS -m COUNT -f FROM -t TO -F TEMPLATE [-k KEY] [-b ADDR] [-V FIELDS] HOST PORT\n");
    return 2;
}
