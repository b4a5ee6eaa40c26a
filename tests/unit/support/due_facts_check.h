/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * due_facts_check.h - the facts kept on each case's row for the scheduler
 * (store/due_facts.h) against the same facts derived from the reminders,
 * tasks and outbox as the scheduler derived them before they were kept:
 * the store tests call it after their scenarios, so that every write they
 * make is a check of the triggers.
 */
#ifndef RELANCE_TEST_DUE_FACTS_CHECK_H
#define RELANCE_TEST_DUE_FACTS_CHECK_H

struct store;

/* Fails the running test, naming the case and the fact, when a case's
 * kept facts (store_get_due_case, in a dry run and not) differ from the
 * derived ones. */
void due_facts_check(struct store *st);

#endif
