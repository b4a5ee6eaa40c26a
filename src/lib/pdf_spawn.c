/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pdf_spawn.c - runs relance-pdf on one PDF (see pdf_extract.h).
 *
 * The caller may be multithreaded (the milter): the worker is started
 * with posix_spawn, never a bare fork. The PDF goes in through a memory
 * file given as the worker's stdin, so that the parent never blocks
 * writing to a worker that stopped reading; the records come back on a
 * pipe read with poll() until the deadline. At the deadline, or when the
 * worker writes more than its limits allow or grows past its memory
 * bound, it is killed (SIGKILL) and reaped; its output is then thrown
 * away whole.
 */
#include "lib/pdf_extract.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How often a running worker's memory is looked at. */
#define WATCH_MS 50
/* Grace beyond PdfMaxTime for starting and for writing the records. */
#define DEADLINE_GRACE_MS 1000

struct worker {
    pid_t pid;
    int out; /* read end of the worker's stdout */
    uint64_t started;
    long rss_kb, peak_kb; /* last seen resident size, and its high-water mark */
};

/* The PDF in a memory file, rewound, to become the worker's stdin. */
static int input_file(const char *data, size_t len, char *why, size_t whylen)
{
    int fd = memfd_create("relance-pdf-input", MFD_CLOEXEC);
    size_t done = 0;

    if (fd < 0) {
        str_format(why, whylen, "memfd_create: %s", strerror(errno));
        return -1;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            str_format(why, whylen, "memory file: %s", n < 0 ? strerror(errno) : "short write");
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    if (lseek(fd, 0, SEEK_SET) != 0) {
        str_format(why, whylen, "memory file: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void limit_arg(char *buf, size_t size, const char *name, unsigned long long value)
{
    str_format(buf, size, "--%s=%llu", name, value);
}

/* Starts the worker; false with why when it cannot be run at all. */
static bool start(const char *data, size_t len, const struct pdf_limits *limits, struct worker *w, char *why,
                  size_t whylen)
{
    char args[9][48];
    char *argv[11];
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t none, all;
    int in, pipefd[2], err;

    if (limits->worker[0] == '\0') {
        str_copy(why, whylen, "PdfWorker is empty");
        return false;
    }
    if ((in = input_file(data, len, why, whylen)) < 0)
        return false;
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        str_format(why, whylen, "pipe: %s", strerror(errno));
        close(in);
        return false;
    }
    limit_arg(args[0], sizeof args[0], "size", len);
    limit_arg(args[1], sizeof args[1], "pages", (unsigned long long)limits->max_pages);
    limit_arg(args[2], sizeof args[2], "text", limits->max_text);
    limit_arg(args[3], sizeof args[3], "ms", limits->max_ms);
    limit_arg(args[4], sizeof args[4], "memory", limits->max_memory);
    limit_arg(args[5], sizeof args[5], "files", (unsigned long long)limits->max_files);
    limit_arg(args[6], sizeof args[6], "file-size", limits->max_file_size);
    limit_arg(args[7], sizeof args[7], "decoded", limits->max_decoded);
    str_format(args[8], sizeof args[8], "--read=%s", pdf_reading_name(limits->reading));
    argv[0] = (char *)limits->worker;
    for (int i = 0; i < 9; i++)
        argv[i + 1] = args[i];
    argv[10] = NULL;

    /* stdin the PDF, stdout the pipe, stderr nowhere (poppler talks);
     * signals as a fresh process has them, whatever the caller's threads
     * block or ignore. */
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in, 0);
    posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    w->started = clock_ms();
    w->rss_kb = w->peak_kb = 0;
    err = posix_spawn(&w->pid, limits->worker, &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(in);
    close(pipefd[1]);
    if (err != 0) {
        str_format(why, whylen, "cannot run %s: %s", limits->worker, strerror(err));
        close(pipefd[0]);
        return false;
    }
    w->out = pipefd[0];
    return true;
}

/* Looks at the worker's memory in /proc: its resident size (under
 * AddressSanitizer the worker cannot use RLIMIT_AS: this is its bound)
 * and its high-water mark (rusage would count the parent's memory too:
 * posix_spawn's child shares it until exec). A worker that has exited
 * shows neither: the last values stay. */
static void watch(struct worker *w)
{
    char path[64], line[128];
    long kb;
    FILE *f;

    str_format(path, sizeof path, "/proc/%d/status", (int)w->pid);
    if ((f = fopen(path, "re")) == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1 && kb > w->peak_kb)
            w->peak_kb = kb;
        else if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            w->rss_kb = kb;
    }
    fclose(f);
}

/* Reads the worker's records until it closes its stdout; false with why
 * when it had to be stopped. */
static bool collect(struct worker *w, const struct pdf_limits *limits, uint64_t deadline, struct strbuf *out,
                    char *why, size_t whylen)
{
    size_t max = pdf_frames_max(limits);
    char buf[65536];

    for (;;) {
        uint64_t now = clock_ms();
        struct pollfd pfd = {w->out, POLLIN, 0};
        int wait_ms;
        ssize_t n;

        if (now >= deadline) {
            str_format(why, whylen, "worker stopped after %u ms (PdfMaxTime)", (unsigned)(now - w->started));
            return false;
        }
        watch(w);
        if (limits->max_memory > 0 && (size_t)w->rss_kb > limits->max_memory / 1024) {
            str_copy(why, whylen, "worker stopped: over PdfMaxMemory");
            return false;
        }
        wait_ms = deadline - now < WATCH_MS ? (int)(deadline - now) : WATCH_MS;
        if (poll(&pfd, 1, wait_ms) <= 0)
            continue;
        n = read(w->out, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return true; /* end of output, or an error that ends it */
        if ((size_t)n > max - out->len) {
            str_copy(why, whylen, "worker stopped: output over its bounds");
            return false;
        }
        strbuf_append(out, buf, (size_t)n);
    }
}

/* Waits for the worker until the deadline, then kills it; fills the
 * result's account of how it ended. */
static void reap(struct worker *w, uint64_t deadline, bool kill_now, struct pdf_extract_result *res)
{
    int status = 0;
    pid_t r;

    for (;;) {
        if (kill_now || clock_ms() >= deadline) {
            watch(w); /* its peak, while it still has one */
            kill(w->pid, SIGKILL);
            kill_now = false;
            deadline = UINT64_MAX;
        }
        r = waitpid(w->pid, &status, deadline == UINT64_MAX ? 0 : WNOHANG);
        if (r == w->pid)
            break;
        if (r < 0 && errno != EINTR) {
            status = 0;
            break;
        }
        if (r == 0) {
            struct timespec pause = {0, 2 * 1000 * 1000};

            watch(w);
            nanosleep(&pause, NULL);
        }
    }
    res->peak_kb = w->peak_kb;
    res->elapsed_ms = (unsigned)(clock_ms() - w->started);
    res->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    res->term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* What the worker's end says, when it did not end well. */
static bool ended_badly(const struct pdf_extract_result *res, char *why, size_t whylen)
{
    const char *name = res->term_signal != 0 ? sigabbrev_np(res->term_signal) : NULL;

    /* sigabbrev_np, not strsignal: the milter has threads. */
    if (res->term_signal != 0)
        str_format(why, whylen, "worker killed by signal %d (SIG%s)", res->term_signal, name != NULL ? name : "?");
    else if (res->exit_code != 0)
        str_format(why, whylen, "worker exited with status %d", res->exit_code);
    else
        return false;
    return true;
}

enum pdf_status pdf_extract(const char *data, size_t len, const struct pdf_limits *limits,
                            struct pdf_extract_result *res)
{
    struct worker w;
    struct strbuf out;
    char why[sizeof res->why] = "";
    uint64_t deadline;
    bool finished, died;
    size_t out_len;

    if (limits->worker == NULL)
        return pdf_extract_local(data, len, limits, res);
    if (!start(data, len, limits, &w, res->why, sizeof res->why))
        return PDF_WORKER_ERROR;
    deadline = w.started + limits->max_ms + DEADLINE_GRACE_MS;
    strbuf_init(&out);
    finished = collect(&w, limits, deadline, &out, why, sizeof why);
    close(w.out);
    reap(&w, deadline, !finished, res);
    died = finished && ended_badly(res, why, sizeof why);
    if (died)
        finished = false;
    if (!finished) {
        strbuf_free(&out);
        str_copy(res->why, sizeof res->why, why);
        /* A worker that cannot start poppler or refuses its arguments
         * is relance's fault, not the PDF's. */
        if (res->exit_code == 2 || res->exit_code == 127)
            return PDF_WORKER_ERROR;
        return died ? PDF_WORKER_DIED : PDF_UNREADABLE;
    }
    out_len = out.len;
    return pdf_frames_take(strbuf_detach(&out), out_len, limits, res);
}
