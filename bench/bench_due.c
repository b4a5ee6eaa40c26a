/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench_due.c - the scheduler's due selection alone: `bench_due DB
 * TODAY` streams the cases store_each_due_case returns (as
 * the scheduler reads them, in one pass here) and prints "cases seconds
 * peak-RSS-KiB". TODAY and the built-in ladder give each level's cutoff,
 * as the scheduler computes them. The database is migrated first (not
 * timed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "core/ladder.h"
#include "lib/date.h"
#include "lib/util.h"
#include "store/store.h"

static bool count(const struct due_case *dc, void *arg)
{
    (void)dc;
    (*(long *)arg)++;
    return true;
}

int main(int argc, char **argv)
{
    struct due_filter f = {false, 0, 0, {""}};
    struct ladder_steps steps;
    struct date today;
    struct timespec t0, t1;
    struct rusage ru;
    struct store *st;
    char why[256];
    long n = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_due DB TODAY\n");
        return 2;
    }
    if ((st = store_open(argv[1], 5000, why, sizeof why)) == NULL) {
        fprintf(stderr, "bench_due: %s\n", why);
        return 1;
    }
    if (!date_parse(argv[2], &today)) {
        fprintf(stderr, "bench_due: TODAY is YYYY-MM-DD\n");
        return 2;
    }
    ladder_default_steps(&steps);
    f.max_level = (int)steps.count - 1;
    for (int level = 0; level <= f.max_level; level++)
        date_format(date_add_days(today, -steps.items[level].delay), f.latest_due[level]);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (store_each_due_case(st, &f, count, &n) != STORE_OK) {
        fprintf(stderr, "bench_due: %s\n", store_last_error(st));
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &ru);
    printf("%ld %.3f %ld\n", n, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss);
    store_close(st);
    return 0;
}
