/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cpu_time.h - the CPU time this process has used, in milliseconds, for
 * the tests that bound the work a hostile input may cost. CPU time, not
 * the wall clock: on a machine busy with other jobs the wall clock grows
 * with the load, while the work done does not.
 */
#ifndef RELANCE_TEST_CPU_TIME_H
#define RELANCE_TEST_CPU_TIME_H

#include <stdint.h>
#include <time.h>

static inline uint64_t cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif
