/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_submit.c - handing a message to a sendmail-like command, with real
 * processes: what went through, and how each failure is classified
 * (definite: may retry; ambiguous: hold), and that a command given up at
 * the deadline leaves no process behind (Postfix's sendmail leaves
 * postdrop, its child). SMTP is exercised against real Postfix and
 * smtp-sink in tests/integration/test_reminders.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/submit.h"
#include "lib/util.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    str_copy(dir, sizeof dir, "/tmp/relance-submit-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char *cmd = xasprintf("rm -rf %s", dir);
    (void)state;
    if (system(cmd) != 0)
        return -1;
    free(cmd);
    return 0;
}

/* A command made of a script body for the given shell. */
static char *script_for(const char *shell, const char *name, const char *body)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fprintf(f, "#!%s\n%s\n", shell, body);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
    return path;
}

static char *script(const char *name, const char *body)
{
    return script_for("/bin/sh", name, body);
}

static enum submit_result run(const char *command, const char *data, int timeout, char *error, size_t errlen)
{
    struct submit_spec spec;
    struct submit_envelope env = {"reponses+1-1-abc@agency.test", NULL};
    char why[200];
    enum submit_result r;

    if (!submit_spec_parse(command, &spec, why, sizeof why))
        fail_msg("%s", why);
    r = submit_message(&spec, &env, data, strlen(data), timeout, error, errlen);
    submit_spec_free(&spec);
    return r;
}

static void test_parse(void **state)
{
    struct submit_spec spec;
    char why[200];

    (void)state;
    assert_true(submit_spec_parse("sendmail:/usr/sbin/sendmail -t -i", &spec, why, sizeof why));
    assert_false(spec.smtp);
    assert_int_equal(spec.argc, 3);
    assert_string_equal(spec.argv[0], "/usr/sbin/sendmail");
    assert_string_equal(spec.argv[2], "-i");
    assert_null(spec.argv[3]);
    submit_spec_free(&spec);
    assert_true(submit_spec_parse("smtp:127.0.0.1:25", &spec, why, sizeof why));
    assert_true(spec.smtp);
    assert_string_equal(spec.host, "127.0.0.1");
    assert_string_equal(spec.port, "25");
    assert_true(submit_spec_parse("smtp:[::1]:2525", &spec, why, sizeof why));
    assert_string_equal(spec.host, "::1");
    assert_false(submit_spec_parse("sendmail:sendmail -t", &spec, why, sizeof why)); /* not absolute */
    assert_false(submit_spec_parse("sendmail:", &spec, why, sizeof why));
    assert_false(submit_spec_parse("smtp:localhost", &spec, why, sizeof why));
    assert_false(submit_spec_parse("smtp:localhost:0", &spec, why, sizeof why));
    assert_false(submit_spec_parse("smtp:localhost:99999", &spec, why, sizeof why));
    assert_false(submit_spec_parse("lmtp:/run/x", &spec, why, sizeof why));
}

static void test_handed_over(void **state)
{
    char *cmd_path = script("ok", "echo \"$@\" >\"$(dirname \"$0\")/args\"; cat >\"$(dirname \"$0\")/msg\"");
    char *command = xasprintf("sendmail:%s -t -i", cmd_path);
    char error[300], *path, *got;
    size_t len;
    /* Larger than a pipe's buffer. */
    struct strbuf big;

    (void)state;
    strbuf_init(&big);
    strbuf_puts(&big, "Subject: test\n\n");
    for (int i = 0; i < 5000; i++)
        strbuf_printf(&big, "line %d of a long reminder\n", i);
    assert_int_equal(run(command, big.data, 10, error, sizeof error), SUBMIT_OK);
    path = xasprintf("%s/msg", dir);
    got = file_read_all(path, 1 << 20, &len);
    assert_non_null(got);
    assert_int_equal(len, big.len);
    assert_memory_equal(got, big.data, len);
    free(got);
    free(path);
    path = xasprintf("%s/args", dir);
    got = file_read_all(path, 4096, &len);
    assert_string_equal(got, "-t -i -f reponses+1-1-abc@agency.test\n");
    free(got);
    free(path);
    strbuf_free(&big);
    free(command);
    free(cmd_path);
}

static void test_chatty_command(void **state)
{
    /* A command that echoes everything must not deadlock on a full pipe. */
    char *cmd_path = script("chatty", "exec cat");
    char *command = xasprintf("sendmail:%s", cmd_path);
    char error[300];
    struct strbuf big;

    (void)state;
    strbuf_init(&big);
    for (int i = 0; i < 20000; i++)
        strbuf_puts(&big, "0123456789abcdef\n");
    if (run(command, big.data, 10, error, sizeof error) != SUBMIT_OK)
        fail_msg("%s", error);
    strbuf_free(&big);
    free(command);
    free(cmd_path);
}

static void test_refused_is_definite(void **state)
{
    char *cmd_path = script("tempfail", "cat >/dev/null; echo 'postdrop: queue file write error' >&2; exit 75");
    char *command = xasprintf("sendmail:%s", cmd_path);
    char error[300];

    (void)state;
    assert_int_equal(run(command, "Subject: x\n\nbody\n", 10, error, sizeof error), SUBMIT_DEFINITE);
    assert_non_null(strstr(error, "status 75"));
    assert_non_null(strstr(error, "queue file write error"));
    free(command);
    free(cmd_path);
    assert_int_equal(run("sendmail:/nonexistent/sendmail -t", "x\n", 10, error, sizeof error), SUBMIT_DEFINITE);
    assert_non_null(strstr(error, "cannot run"));
}

static void test_killed_or_late_is_ambiguous(void **state)
{
    char *killed = script("killed", "cat >/dev/null; kill -9 $$");
    char *slow = script("slow", "cat >/dev/null; sleep 30");
    char *command = xasprintf("sendmail:%s", killed);
    char error[300];
    uint64_t start;

    (void)state;
    assert_int_equal(run(command, "Subject: x\n\nbody\n", 10, error, sizeof error), SUBMIT_AMBIGUOUS);
    assert_non_null(strstr(error, "signal 9"));
    free(command);
    command = xasprintf("sendmail:%s", slow);
    start = clock_ms();
    assert_int_equal(run(command, "Subject: x\n\nbody\n", 1, error, sizeof error), SUBMIT_AMBIGUOUS);
    assert_true(clock_ms() - start < 5000);
    assert_non_null(strstr(error, "did not finish in time"));
    free(command);
    free(killed);
    free(slow);
}

/* The whole message is there before the command starts: a runner killed
 * (kill -9) after starting it cannot leave it reading end-of-file after
 * part of the message, which sendmail would queue as it is. */
static void test_message_whole_before_the_command_starts(void **state)
{
    char *cmd_path = script("size", "stat -L -c %s /dev/stdin >\"$(dirname \"$0\")/size\"; cat >/dev/null");
    char *command = xasprintf("sendmail:%s", cmd_path);
    char error[300], *path, *got, want[32];
    size_t len;
    struct strbuf big;

    (void)state;
    strbuf_init(&big);
    strbuf_puts(&big, "Subject: test\n\n");
    for (int i = 0; i < 20000; i++)
        strbuf_printf(&big, "line %d of a reminder larger than a pipe\n", i);
    assert_int_equal(run(command, big.data, 10, error, sizeof error), SUBMIT_OK);
    path = xasprintf("%s/size", dir);
    got = file_read_all(path, 64, &len);
    assert_non_null(got);
    snprintf(want, sizeof want, "%zu\n", big.len);
    assert_string_equal(got, want);
    free(got);
    free(path);
    strbuf_free(&big);
    free(command);
    free(cmd_path);
}

/* A command that exits 0 having read only part of the message may have
 * queued that part: not a success. */
static void test_partly_read_is_ambiguous(void **state)
{
    char *cmd_path = script("partial", "read -r first; exit 0");
    char *command = xasprintf("sendmail:%s", cmd_path);
    char error[300];

    (void)state;
    assert_int_equal(run(command, "Subject: x\n\nbody\nmore\n", 10, error, sizeof error), SUBMIT_AMBIGUOUS);
    assert_non_null(strstr(error, "before reading the whole message"));
    free(command);
    free(cmd_path);
}

/* The daemon runs with HUP, INT, TERM and USR1 blocked in every thread:
 * the command must not inherit that (a blocked TERM would outlive the
 * deadline), nor an ignored signal. */
static void test_child_signals_are_reset(void **state)
{
    /* bash, not dash: dash clears its mask at start and would hide it. */
    char *cmd_path = script_for("/bin/bash", "sigs", "cat >/dev/null; grep -E '^Sig(Blk|Ign):' /proc/self/status"
                                    " >\"$(dirname \"$0\")/sigs\"");
    char *command = xasprintf("sendmail:%s", cmd_path);
    char error[300], *path, *got, *ign;
    sigset_t blocked, saved;
    struct sigaction ignore = {.sa_handler = SIG_IGN}, old_usr2;
    size_t len;

    (void)state;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGHUP);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGUSR1);
    assert_int_equal(sigprocmask(SIG_BLOCK, &blocked, &saved), 0);
    assert_int_equal(sigaction(SIGUSR2, &ignore, &old_usr2), 0);
    assert_int_equal(run(command, "Subject: x\n\nbody\n", 10, error, sizeof error), SUBMIT_OK);
    sigaction(SIGUSR2, &old_usr2, NULL);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    path = xasprintf("%s/sigs", dir);
    got = file_read_all(path, 4096, &len);
    assert_non_null(got);
    assert_non_null(strstr(got, "SigBlk:\t0000000000000000\n"));
    /* Signals 1 to 31: glibc keeps 32 and 33 for itself, and refuses to
     * change them (make starts its commands with both ignored). */
    ign = strstr(got, "SigIgn:\t");
    assert_non_null(ign);
    assert_int_equal(strtoull(ign + 8, NULL, 16) & 0x7fffffffULL, 0);
    free(got);
    free(path);
    free(command);
    free(cmd_path);
}

/* Whether pid is a live process (not gone, not a zombie whose parent
 * has yet to reap it). */
static bool process_alive(long pid)
{
    char *path = xasprintf("/proc/%ld/stat", pid);
    size_t len;
    char *stat = file_read_all(path, 4096, &len);
    char *end = stat ? strrchr(stat, ')') : NULL;
    bool alive = end != NULL && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';

    free(stat);
    free(path);
    return alive;
}

/* The pids of live processes whose command line holds marker. */
static size_t processes_with(const char *marker, long *pids, size_t max)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    size_t n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL && n < max) {
        char *path, *cmdline;
        size_t len;

        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        path = xasprintf("/proc/%s/cmdline", de->d_name);
        cmdline = file_read_all(path, 1 << 16, &len);
        /* Its arguments are NUL-separated: the first one is enough. */
        if (cmdline != NULL && len > 0 && strstr(cmdline, marker) != NULL &&
            process_alive(atol(de->d_name)))
            pids[n++] = atol(de->d_name);
        free(cmdline);
        free(path);
    }
    closedir(d);
    return n;
}

/* A command that starts a helper (as sendmail starts postdrop), which
 * outlives it and never ends, and that never ends itself: at the
 * deadline both go, helper included, and the reminder is held. Without
 * the process group, the helper would be left to init for its lifetime. */
static void test_deadline_kills_what_the_command_started(void **state)
{
    char *marker = xasprintf("%s/orphan-sleep", dir);
    char *cmd_path = script("hangs", "d=$(dirname \"$0\")\n"
                                     "\"$d/orphan-sleep\" 1000 &\n"
                                     "echo $! >\"$d/orphan.pid\"\n"
                                     "cat >/dev/null\n"
                                     "\"$d/orphan-sleep\" 1001\n");
    char *command = xasprintf("sendmail:%s -t -i", cmd_path);
    char *pid_path = xasprintf("%s/orphan.pid", dir);
    char error[300], *pid_text;
    long pids[8];
    size_t len, left = 0;
    uint64_t start;

    (void)state;
    assert_int_equal(symlink("/bin/sleep", marker), 0);
    start = clock_ms();
    assert_int_equal(run(command, "Subject: x\n\nbody\n", 1, error, sizeof error), SUBMIT_AMBIGUOUS);
    assert_non_null(strstr(error, "did not finish in time"));
    assert_true(clock_ms() - start < 5000);
    /* The helper was started: the test is not empty. */
    pid_text = file_read_all(pid_path, 64, &len);
    assert_non_null(pid_text);
    assert_true(atol(pid_text) > 0);
    /* SIGKILL is not instant: a short grace before nothing may remain. */
    for (int i = 0; i < 100; i++) {
        left = processes_with(marker, pids, 8);
        if (left == 0 && !process_alive(atol(pid_text)))
            break;
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    }
    for (size_t i = 0; i < left; i++)
        kill((pid_t)pids[i], SIGKILL); /* a failed test leaves nothing either */
    assert_int_equal(left, 0);
    assert_false(process_alive(atol(pid_text)));
    free(pid_text);
    free(pid_path);
    free(command);
    free(cmd_path);
    free(marker);
}

static void test_smtp_refused_connection_is_definite(void **state)
{
    struct submit_spec spec;
    struct strlist rcpt;
    struct submit_envelope env = {"a@b.test", &rcpt};
    char why[200], error[300];

    (void)state;
    strlist_init(&rcpt);
    strlist_add(&rcpt, "c@d.test");
    /* Port 1 on loopback: nothing listens there. */
    assert_true(submit_spec_parse("smtp:127.0.0.1:1", &spec, why, sizeof why));
    assert_int_equal(submit_message(&spec, &env, "x\n", 2, 5, error, sizeof error), SUBMIT_DEFINITE);
    assert_non_null(strstr(error, "cannot connect"));
    strlist_free(&rcpt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_handed_over),
        cmocka_unit_test(test_chatty_command),
        cmocka_unit_test(test_message_whole_before_the_command_starts),
        cmocka_unit_test(test_partly_read_is_ambiguous),
        cmocka_unit_test(test_child_signals_are_reset),
        cmocka_unit_test(test_refused_is_definite),
        cmocka_unit_test(test_killed_or_late_is_ambiguous),
        cmocka_unit_test(test_deadline_kills_what_the_command_started),
        cmocka_unit_test(test_smtp_refused_connection_is_definite),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
