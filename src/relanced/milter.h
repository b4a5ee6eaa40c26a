/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * milter.h - the libmilter side of relanced: callbacks that gather a
 * message, decide at end of headers whether it can matter (outgoing mail
 * that may carry invoices, or mail from outside that may answer relance),
 * and hand the whole message to the analysis at end of message
 * (outgoing.h or reply.h). Nothing else.
 */
#ifndef RELANCE_MILTER_H
#define RELANCE_MILTER_H

#include <stdbool.h>

#include "core/config.h"
#include "lib/audit.h"
#include "store/store.h"

/* Shared state of the daemon, set up before smfi_main. */
struct milter_setup {
    struct config *cfg;         /* first configuration; the milter takes a reference */
    struct store_pool *pool;    /* database handles */
    struct audit_key key;       /* KeyFile secret */
};

/* Registers the callbacks with libmilter. */
bool milter_register(const struct milter_setup *setup);
/* Replaces the configuration (reload); connections in progress keep the
 * one they started with. Takes a reference. */
void milter_set_config(struct config *cfg);
/* Current configuration with a reference held for the caller. */
struct config *milter_get_config(void);
void milter_shutdown(void);

#endif
