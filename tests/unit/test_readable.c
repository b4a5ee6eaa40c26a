/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_readable.c - could another user read these files? With real files,
 * modes and a real unprivileged user (nobody): a closed directory hides
 * what is in it whatever the files' own modes, a directory that can be
 * entered but not listed still lets its files be read, the user's group
 * counts. As root (make check runs as root); otherwise only the refusal
 * to check is tested, since only root can take another identity.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/readable.h"
#include "lib/util.h"

static char dir[64];
static char *file_path;

static int setup(void **state)
{
    FILE *f;

    (void)state;
    str_copy(dir, sizeof dir, "/tmp/relance-readable-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    file_path = xasprintf("%s/relanced.conf", dir);
    f = fopen(file_path, "w");
    if (f == NULL)
        return -1;
    fputs("UserID nobody\n", f);
    fclose(f);
    return chmod(file_path, 0644);
}

static int teardown(void **state)
{
    (void)state;
    unlink(file_path);
    free(file_path);
    return rmdir(dir);
}

static void test_as_self(void **state)
{
    char *missing = xasprintf("%s/none.conf", dir);
    const char *paths[] = {file_path, dir, missing};
    struct readable_result r[3];

    (void)state;
    readable_check(paths, 3, r);
    assert_int_equal(r[0].err, 0);
    assert_int_equal(r[0].blocked, 0);
    assert_int_equal(r[1].err, 0);
    assert_int_equal(r[1].blocked, 0);
    assert_int_equal(r[2].err, ENOENT);
    free(missing);
}

/* Checks the file and the directory as nobody, with dir at dir_mode and
 * the file at file_mode. */
static void check_as_nobody(mode_t dir_mode, mode_t file_mode, struct readable_result r[2])
{
    const char *paths[] = {file_path, dir};
    struct passwd *pw = getpwnam("nobody");
    char why[200] = "";

    assert_non_null(pw);
    assert_int_equal(chmod(dir, dir_mode), 0);
    assert_int_equal(chmod(file_path, file_mode), 0);
    if (!readable_check_as(pw, paths, 2, r, why, sizeof why))
        fail_msg("check as nobody failed: %s", why);
}

static void test_closed_directory_hides_its_files(void **state)
{
    struct readable_result r[2];

    (void)state;
    if (geteuid() != 0) {
        const char *paths[] = {file_path};
        struct passwd *pw = getpwnam("nobody");
        char why[200] = "";

        assert_non_null(pw);
        assert_false(readable_check_as(pw, paths, 1, r, why, sizeof why));
        assert_non_null(strstr(why, "only root"));
        return;
    }
    /* The case of a checkout under /root (0700): the file is 0644, yet
     * nobody cannot reach it, and the reason names the directory. */
    check_as_nobody(0700, 0644, r);
    assert_int_equal(r[0].err, EACCES);
    assert_int_equal(r[0].blocked, strlen(dir));
    assert_int_equal(r[1].err, EACCES);
    assert_int_equal(r[1].blocked, strlen(dir));
    /* Root itself reads it: the answer is the other user's. */
    readable_check((const char *[]){file_path}, 1, r);
    assert_int_equal(r[0].err, 0);
}

static void test_modes_and_group(void **state)
{
    struct readable_result r[2];
    struct passwd *pw = getpwnam("nobody");

    (void)state;
    if (geteuid() != 0)
        return; /* test_closed_directory_hides_its_files covers non-root */
    /* Entered but not listed (0711, like /root made 0711): the file is
     * read, the directory is not listed. */
    check_as_nobody(0711, 0644, r);
    assert_int_equal(r[0].err, 0);
    assert_int_equal(r[0].blocked, 0);
    assert_int_equal(r[1].err, EACCES);
    assert_int_equal(r[1].blocked, 0);
    /* The file's own mode: 0600 root is not nobody's. */
    check_as_nobody(0755, 0600, r);
    assert_int_equal(r[0].err, EACCES);
    assert_int_equal(r[0].blocked, 0);
    assert_int_equal(r[1].err, 0);
    /* Group-readable, in nobody's group: readable. */
    assert_non_null(pw);
    assert_int_equal(chown(file_path, 0, pw->pw_gid), 0);
    check_as_nobody(0755, 0640, r);
    assert_int_equal(r[0].err, 0);
    /* A directory that can be listed but not entered hides its files. */
    check_as_nobody(0744, 0644, r);
    assert_int_equal(r[0].err, EACCES);
    assert_int_equal(r[0].blocked, strlen(dir));
    assert_int_equal(r[1].err, 0);
    assert_int_equal(r[1].blocked, strlen(dir));
    assert_int_equal(chmod(dir, 0700), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_as_self),
        cmocka_unit_test(test_closed_directory_hides_its_files),
        cmocka_unit_test(test_modes_and_group),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
