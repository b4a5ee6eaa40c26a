/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * submit.c - hands a message to the MTA (see submit.h): a sendmail(1)
 * pipe or SMTP to a local port, each bounded in time, each failure sorted
 * into "certainly not handed over" or "maybe handed over".
 *
 * It never retries and never records: the scheduler decides from the
 * result. No shell is involved: the sendmail command is split on white
 * space and run with execv, in a process group of its own: Postfix's
 * sendmail hands the message to postdrop, its child, and a command given
 * up at the deadline must take such helpers with it, not leave them
 * retrying for the daemon's lifetime.
 *
 * The message reaches sendmail(1) whole or not at all: it is written to
 * an anonymous file (memfd) before the command starts, and that file is
 * the command's stdin. Through a pipe, a runner killed (kill -9) half way
 * through writing would leave sendmail reading end-of-file after part of
 * the message, and sendmail queues what it read: a truncated reminder
 * that the milter would see pass and the next run record as sent. The
 * offset the command leaves on the shared file says whether it read all.
 */
#include "lib/submit.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SMTP_LINE_MAX 1024

/* ---- the Submit value ---- */

void submit_spec_free(struct submit_spec *spec)
{
    for (int i = 0; i < spec->argc; i++)
        free(spec->argv[i]);
    spec->argc = 0;
    spec->argv[0] = NULL;
}

static bool parse_sendmail(const char *cmd, struct submit_spec *out, char *why, size_t whylen)
{
    char *copy = xstrdup(cmd), *save = NULL;

    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (out->argc == SUBMIT_MAX_ARGS) {
            str_format(why, whylen, "more than %d words in the sendmail command", SUBMIT_MAX_ARGS);
            free(copy);
            submit_spec_free(out);
            return false;
        }
        out->argv[out->argc++] = xstrdup(w);
    }
    out->argv[out->argc] = NULL;
    free(copy);
    if (out->argc == 0 || out->argv[0][0] != '/') {
        str_format(why, whylen, "sendmail: needs the command's absolute path");
        submit_spec_free(out);
        return false;
    }
    return true;
}

static bool parse_smtp(const char *hostport, struct submit_spec *out, char *why, size_t whylen)
{
    const char *colon = strrchr(hostport, ':');
    char *end;
    long port;

    out->smtp = true;
    if (colon == NULL || colon == hostport) {
        str_format(why, whylen, "expected smtp:HOST:PORT");
        return false;
    }
    port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535 || end == colon + 1) {
        str_format(why, whylen, "smtp: port must be 1 to 65535");
        return false;
    }
    /* "[::1]" style brackets are dropped for getaddrinfo. */
    if (hostport[0] == '[' && colon[-1] == ']')
        str_copyn(out->host, sizeof out->host, hostport + 1, (size_t)(colon - hostport - 2));
    else
        str_copyn(out->host, sizeof out->host, hostport, (size_t)(colon - hostport));
    snprintf(out->port, sizeof out->port, "%ld", port);
    return out->host[0] != '\0';
}

bool submit_spec_parse(const char *text, struct submit_spec *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (strncmp(text, "sendmail:", 9) == 0)
        return parse_sendmail(text + 9, out, why, whylen);
    if (strncmp(text, "smtp:", 5) == 0)
        return parse_smtp(text + 5, out, why, whylen);
    str_format(why, whylen, "expected sendmail:COMMAND or smtp:HOST:PORT");
    return false;
}

/* ---- time ---- */

static int64_t now_ms(void)
{
    return (int64_t)clock_ms();
}

/* Milliseconds left before the deadline, at least 0. */
static int left_ms(int64_t deadline)
{
    int64_t left = deadline - now_ms();
    return left > 0 ? (int)(left > 60000 ? 60000 : left) : 0;
}

/* Waits for fd to be ready for events; false on timeout or error. */
static bool wait_fd(int fd, short events, int64_t deadline)
{
    struct pollfd p = {fd, events, 0};

    for (;;) {
        int ms = left_ms(deadline);
        int rc;
        if (ms == 0)
            return false;
        rc = poll(&p, 1, ms);
        if (rc > 0)
            return true;
        if (rc < 0 && errno != EINTR)
            return false;
    }
}

/* ---- sendmail(1) ---- */

struct child {
    pid_t pid;
    int in;   /* its stdin: the message, a file read from its start */
    int out;  /* its stdout and stderr */
    int exec; /* closes on exec; carries errno when exec fails */
};

/* The daemon blocks SIGHUP, SIGINT, SIGTERM and SIGUSR1 in every thread
 * (libmilter's signal thread and the reload thread take them), and a
 * blocked mask survives exec: sendmail and postdrop would then ignore
 * the TERM that ends them at the deadline. The child starts clean. */
static void reset_signals(void)
{
    sigset_t none;

    /* Every signal, ignored ones too (an ignored disposition also
     * survives exec); SIGKILL and SIGSTOP just refuse. */
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void run_child(char *const argv[], int in, int out[2], int exec_pipe[2])
{
    int err;

    reset_signals();
    /* Its own group, so that the deadline kills whatever it started. */
    setpgid(0, 0);
    dup2(in, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    close(in);
    close(out[0]);
    close(out[1]);
    close(exec_pipe[0]);
    execv(argv[0], argv);
    err = errno;
    if (write(exec_pipe[1], &err, sizeof err) < 0)
        _exit(127);
    _exit(127);
}

/* The message in an anonymous file, its offset back at the start; -1
 * when it cannot be made. */
static int message_file(const char *data, size_t len, char *error, size_t errlen)
{
    int fd = memfd_create("relance-message", MFD_CLOEXEC);

    if (fd < 0) {
        str_format(error, errlen, "memfd_create: %s", strerror(errno));
        return -1;
    }
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            str_format(error, errlen, "cannot write the message: %s", strerror(errno));
            close(fd);
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        str_format(error, errlen, "lseek: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static bool start_child(char *const argv[], const char *data, size_t len, struct child *c, char *error,
                        size_t errlen)
{
    int in, out[2], exec_pipe[2];

    if ((in = message_file(data, len, error, errlen)) < 0)
        return false;
    if (pipe2(out, O_CLOEXEC) != 0) {
        str_format(error, errlen, "pipe: %s", strerror(errno));
        close(in);
        return false;
    }
    if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
        str_format(error, errlen, "pipe: %s", strerror(errno));
        close(in), close(out[0]), close(out[1]);
        return false;
    }
    c->pid = fork();
    if (c->pid < 0) {
        str_format(error, errlen, "fork: %s", strerror(errno));
        close(in), close(out[0]), close(out[1]), close(exec_pipe[0]), close(exec_pipe[1]);
        return false;
    }
    if (c->pid == 0)
        run_child(argv, in, out, exec_pipe);
    /* Also here, so that the group exists whichever runs first: a
     * deadline may come before the child is scheduled. (EACCES once it has
     * run execv: it made its group itself by then.) */
    setpgid(c->pid, c->pid);
    close(out[1]);
    close(exec_pipe[1]);
    c->in = in;
    c->out = out[0];
    c->exec = exec_pipe[0];
    fcntl(c->out, F_SETFL, O_NONBLOCK);
    return true;
}

/* What the command says on stdout and stderr, kept for the log. */
struct output {
    char text[300];
    size_t used;
    bool closed;
};

/* Reads what is there without blocking; marks the output closed at EOF
 * or on error. */
static void drain(int fd, struct output *o)
{
    char scratch[512];

    for (;;) {
        ssize_t n = read(fd, scratch, sizeof scratch);
        if (n > 0) {
            size_t take = (size_t)n < sizeof o->text - 1 - o->used ? (size_t)n : sizeof o->text - 1 - o->used;
            memcpy(o->text + o->used, scratch, take);
            o->used += take;
            o->text[o->used] = '\0';
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno != EAGAIN)
            o->closed = true;
        return;
    }
}

/* Reads the rest of what the command says, until EOF or the deadline. */
static void read_output(int fd, struct output *o, int64_t deadline)
{
    while (!o->closed && wait_fd(fd, POLLIN, deadline))
        drain(fd, o);
    for (char *p = o->text; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    str_trim(o->text);
}

/* Waits for the child until the deadline; past that kills its whole
 * process group (the child, postdrop or whatever it started) and reaps
 * the child. The group is killed before the child is reaped: until then
 * its id cannot be given to another process. */
static bool reap(pid_t pid, int *status, int64_t deadline)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return true;
        if (r < 0 && errno != EINTR)
            return false;
        if (left_ms(deadline) == 0) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            return false;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static enum submit_result classify_exit(bool written, bool reaped, int status, const char *said,
                                        char *error, size_t errlen)
{
    if (!reaped) {
        str_format(error, errlen, "sendmail did not finish in time (killed)%s%s", said[0] ? ": " : "", said);
        return SUBMIT_AMBIGUOUS;
    }
    if (WIFSIGNALED(status)) {
        str_format(error, errlen, "sendmail killed by signal %d", WTERMSIG(status));
        return SUBMIT_AMBIGUOUS;
    }
    /* sendmail(1) exits non-zero only when it did not take the message. */
    if (WEXITSTATUS(status) != 0) {
        str_format(error, errlen, "sendmail exited with status %d%s%s", WEXITSTATUS(status),
                   said[0] ? ": " : "", said);
        return SUBMIT_DEFINITE;
    }
    if (!written) {
        str_format(error, errlen, "sendmail exited 0 before reading the whole message");
        return SUBMIT_AMBIGUOUS;
    }
    return SUBMIT_OK;
}

static enum submit_result submit_sendmail(const struct submit_spec *spec, const struct submit_envelope *env,
                                          const char *data, size_t len, int64_t deadline, char *error,
                                          size_t errlen)
{
    char *argv[SUBMIT_MAX_ARGS + 3];
    struct output said = {"", 0, false};
    struct child c;
    bool written, reaped;
    int status = 0, exec_errno = 0, n = 0;

    for (int i = 0; i < spec->argc; i++)
        argv[n++] = spec->argv[i];
    if (env->sender && env->sender[0]) {
        argv[n++] = "-f";
        argv[n++] = (char *)env->sender;
    }
    argv[n] = NULL;
    if (!start_child(argv, data, len, &c, error, errlen))
        return SUBMIT_DEFINITE;
    if (read(c.exec, &exec_errno, sizeof exec_errno) == (ssize_t)sizeof exec_errno) {
        str_format(error, errlen, "cannot run %s: %s", argv[0], strerror(exec_errno));
        close(c.exec), close(c.in), close(c.out);
        waitpid(c.pid, &status, 0);
        return SUBMIT_DEFINITE;
    }
    close(c.exec);
    read_output(c.out, &said, deadline);
    close(c.out);
    reaped = reap(c.pid, &status, deadline);
    /* The file's offset is shared with the command's stdin: at the end
     * when it read the whole message. */
    written = lseek(c.in, 0, SEEK_CUR) == (off_t)len;
    close(c.in);
    return classify_exit(written, reaped, status, said.text, error, errlen);
}

/* ---- SMTP ---- */

struct smtp {
    int fd;
    int64_t deadline;
    char buf[4096];
    size_t len;
};

static int smtp_connect(const struct submit_spec *spec, int64_t deadline, char *error, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    int fd = -1, rc, soerr = 0;
    socklen_t sl = sizeof soerr;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(spec->host, spec->port, &hints, &res);
    if (rc != 0) {
        str_format(error, errlen, "smtp: %s: %s", spec->host, gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0 && errno != EINPROGRESS) {
        close(fd);
        fd = -1;
    } else if (fd >= 0 && (!wait_fd(fd, POLLOUT, deadline) ||
                           getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0)) {
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        str_format(error, errlen, "smtp: cannot connect to %s port %s: %s", spec->host, spec->port,
                   strerror(soerr ? soerr : errno));
    freeaddrinfo(res);
    return fd;
}

/* Reads one reply (all its lines); returns its code, or -1 on timeout,
 * EOF or garbage. The last line goes to text. */
static int smtp_reply(struct smtp *s, char *text, size_t size)
{
    for (;;) {
        char *nl = memchr(s->buf, '\n', s->len);
        if (nl != NULL) {
            size_t line_len = (size_t)(nl - s->buf) + 1;
            bool last = line_len >= 4 && s->buf[3] != '-';
            int code = line_len >= 4 ? atoi(s->buf) : -1;
            str_copyn(text, size, s->buf, line_len > 1 ? line_len - 1 : 0);
            str_trim(text);
            memmove(s->buf, nl + 1, s->len - line_len);
            s->len -= line_len;
            if (code < 100 || code > 599)
                return -1;
            if (last)
                return code;
            continue;
        }
        if (s->len == sizeof s->buf || !wait_fd(s->fd, POLLIN, s->deadline))
            return -1;
        ssize_t n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
        if (n <= 0)
            return -1;
        s->len += (size_t)n;
    }
}

static bool smtp_send(struct smtp *s, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(s->fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_fd(s->fd, POLLOUT, s->deadline))
                return false;
        } else {
            return false;
        }
    }
    return true;
}

/* Sends a command and expects a reply code class (2 or 3). */
static bool smtp_command(struct smtp *s, const char *line, int want_class, char *error, size_t errlen)
{
    char text[SMTP_LINE_MAX];
    char *cmd = xasprintf("%s\r\n", line);
    bool sent = smtp_send(s, cmd, strlen(cmd));
    int code = sent ? smtp_reply(s, text, sizeof text) : -1;

    free(cmd);
    if (code / 100 == want_class)
        return true;
    str_format(error, errlen, "smtp: %s: %s", line, code < 0 ? "no answer" : text);
    return false;
}

/* The message with CRLF line ends and leading dots doubled, then ".". */
static void smtp_data_block(const char *data, size_t len, struct strbuf *out)
{
    bool line_start = true;

    for (size_t i = 0; i < len; i++) {
        if (line_start && data[i] == '.')
            strbuf_putc(out, '.');
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
            strbuf_putc(out, '\r');
        strbuf_putc(out, data[i]);
        line_start = data[i] == '\n';
    }
    if (!line_start)
        strbuf_puts(out, "\r\n");
    strbuf_puts(out, ".\r\n");
}

static bool smtp_envelope(struct smtp *s, const struct submit_envelope *env, char *error, size_t errlen)
{
    char host[256] = "localhost", *line;
    bool ok;

    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
        str_copy(host, sizeof host, "localhost");
    line = xasprintf("EHLO %s", host);
    ok = smtp_command(s, line, 2, error, errlen);
    free(line);
    if (!ok)
        return false;
    line = xasprintf("MAIL FROM:<%s>", env->sender ? env->sender : "");
    ok = smtp_command(s, line, 2, error, errlen);
    free(line);
    for (size_t i = 0; ok && env->recipients && i < env->recipients->count; i++) {
        line = xasprintf("RCPT TO:<%s>", env->recipients->items[i]);
        ok = smtp_command(s, line, 2, error, errlen);
        free(line);
    }
    return ok && smtp_command(s, "DATA", 3, error, errlen);
}

static enum submit_result submit_smtp(const struct submit_spec *spec, const struct submit_envelope *env,
                                      const char *data, size_t len, int64_t deadline, char *error,
                                      size_t errlen)
{
    struct smtp s = {.deadline = deadline};
    char text[SMTP_LINE_MAX];
    struct strbuf block;
    enum submit_result result;
    int code;

    if (env->recipients == NULL || env->recipients->count == 0) {
        str_format(error, errlen, "smtp: no recipient");
        return SUBMIT_DEFINITE;
    }
    if ((s.fd = smtp_connect(spec, deadline, error, errlen)) < 0)
        return SUBMIT_DEFINITE;
    if (smtp_reply(&s, text, sizeof text) / 100 != 2 || !smtp_envelope(&s, env, error, errlen)) {
        if (error[0] == '\0')
            str_format(error, errlen, "smtp: no greeting from %s", spec->host);
        close(s.fd);
        return SUBMIT_DEFINITE;
    }
    strbuf_init(&block);
    smtp_data_block(data, len, &block);
    /* From here on the server may hold the message: only a clear answer
     * to the final dot tells. */
    code = smtp_send(&s, block.data, block.len) ? smtp_reply(&s, text, sizeof text) : -1;
    strbuf_free(&block);
    if (code / 100 == 2) {
        result = SUBMIT_OK;
        smtp_command(&s, "QUIT", 2, text, sizeof text);
    } else if (code >= 400) {
        result = SUBMIT_DEFINITE;
        str_format(error, errlen, "smtp: message refused: %s", text);
    } else {
        result = SUBMIT_AMBIGUOUS;
        str_format(error, errlen, "smtp: no answer after the end of the message");
    }
    close(s.fd);
    return result;
}

enum submit_result submit_message(const struct submit_spec *spec, const struct submit_envelope *env,
                                  const char *data, size_t len, int timeout_s, char *error,
                                  size_t errlen)
{
    int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;

    error[0] = '\0';
    if (spec->smtp)
        return submit_smtp(spec, env, data, len, deadline, error, errlen);
    return submit_sendmail(spec, env, data, len, deadline, error, errlen);
}
