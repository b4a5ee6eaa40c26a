/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_copies.h - what a reminder leaves besides the mail: the dry run's .eml, the
 * printable letter, the creditor's copy (scheduler_copies.c). Private to
 * src/remind.
 */
#ifndef RELANCE_SCHEDULER_COPIES_H
#define RELANCE_SCHEDULER_COPIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "remind/scheduler_compose.h"
#include "remind/scheduler_context.h"

/* ---- its copies (scheduler_copies.c) ---- */

/* Writes the dry run's .eml in DryRunDir; its path, or NULL with why. */
char *scheduler_write_dry_run(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id, char *why,
                              size_t whylen);
/* A dry run's printable letter, in dir; NULL when the step has none,
 * the debtor has no postal address, or it could not be written (logged). */
char *scheduler_write_letter(const struct scheduler_ctx *x, const struct scheduler_composed *c, const char *dir, int64_t id);
/* What follows a reminder that went out: its letter (written, or
 * recorded as held when the debtor has no postal address), the
 * creditor's copy. */
void scheduler_after_sent(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id);

/* Writes the held letters whose debtor now has a postal address. */
void scheduler_write_held_letters(const struct scheduler_ctx *x);

#endif
