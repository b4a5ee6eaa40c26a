/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * smtp_send.c - test tool: submits one message file over SMTP.
 *
 *   smtp_send HOST PORT SENDER RECIPIENT[,RECIPIENT...] FILE
 *
 * Lines are sent with CRLF endings and dot-stuffed, exactly once each, so
 * that what the sink receives can be compared with the file. Prints the
 * server's reply to the end of data; exits 0 only on a 2xx reply. With
 * XCLIENT_ADDR in the environment, the client first claims that address
 * with Postfix's XCLIENT command (the server must authorise it).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static FILE *in, *out;

static int read_reply(char *last, size_t size)
{
    char line[1024];

    do {
        if (fgets(line, sizeof line, in) == NULL)
            return -1;
    } while (strlen(line) >= 4 && line[3] == '-');
    snprintf(last, size, "%s", line);
    return atoi(line);
}

static int command(const char *text, int expect, char *reply, size_t size)
{
    int code;

    fprintf(out, "%s\r\n", text);
    fflush(out);
    code = read_reply(reply, size);
    if (code / 100 != expect) {
        fprintf(stderr, "smtp_send: %s -> %s", text, reply);
        return -1;
    }
    return 0;
}

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints = {0}, *res, *ai;
    int fd = -1;

    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static void send_body(FILE *msg)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    while ((n = getline(&line, &cap, msg)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (line[0] == '.')
            fputc('.', out);
        fwrite(line, 1, (size_t)n, out);
        fputs("\r\n", out);
    }
    free(line);
}

int main(int argc, char **argv)
{
    char reply[1024], cmd[1200];
    FILE *msg;
    int fd, code;
    char *rcpts, *save = NULL;

    if (argc != 6) {
        fprintf(stderr, "usage: smtp_send HOST PORT SENDER RCPT[,RCPT] FILE\n");
        return 2;
    }
    if ((msg = fopen(argv[5], "r")) == NULL) {
        perror(argv[5]);
        return 2;
    }
    if ((fd = connect_to(argv[1], argv[2])) < 0) {
        fprintf(stderr, "smtp_send: cannot connect to %s:%s\n", argv[1], argv[2]);
        return 1;
    }
    in = fdopen(fd, "r");
    out = fdopen(dup(fd), "w");
    if (read_reply(reply, sizeof reply) / 100 != 2 || command("EHLO client.test", 2, reply, sizeof reply))
        return 1;
    if (getenv("XCLIENT_ADDR")) {
        snprintf(cmd, sizeof cmd, "XCLIENT ADDR=%s NAME=[UNAVAILABLE]", getenv("XCLIENT_ADDR"));
        if (command(cmd, 2, reply, sizeof reply) || command("EHLO client.test", 2, reply, sizeof reply))
            return 1;
    }
    snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>", argv[3]);
    if (command(cmd, 2, reply, sizeof reply))
        return 1;
    rcpts = strdup(argv[4]);
    for (char *r = strtok_r(rcpts, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
        snprintf(cmd, sizeof cmd, "RCPT TO:<%s>", r);
        if (command(cmd, 2, reply, sizeof reply))
            return 1;
    }
    free(rcpts);
    if (command("DATA", 3, reply, sizeof reply))
        return 1;
    send_body(msg);
    fclose(msg);
    fputs(".\r\n", out);
    fflush(out);
    code = read_reply(reply, sizeof reply);
    printf("%s", reply);
    command("QUIT", 2, cmd, sizeof cmd);
    return code / 100 == 2 ? 0 : 1;
}
