/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * store_audit.c - checking the audit log's keyed hash chain (see audit.h).
 *
 * Each event's hash covers its own fields and the previous event's hash,
 * keyed with the KeyFile secret. Walking the log in id order, the first
 * entry that breaks the chain is named, with what is wrong:
 *   - its hash does not match its fields: it was edited (or forged
 *     without the key);
 *   - its hash matches but its prev_hash is not the hash of the entry
 *     before it: if that prev_hash is the hash of another entry, the rows
 *     were reordered; if it is nobody's, an entry before it was removed.
 * Removing the newest entries leaves a shorter chain that is intact: only
 * a head hash recorded elsewhere (verify prints it) shows that.
 */
#include "store/store.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <string.h>

static bool hash_of_another(const struct event_list *events, size_t except, const char *hash)
{
    for (size_t i = 0; i < events->count; i++)
        if (i != except && strcmp(events->items[i].hash, hash) == 0)
            return true;
    return false;
}

/* What is wrong with entry i, or false when it is chained to entry i-1. */
static bool entry_broken(const struct audit_key *key, const struct event_list *events, size_t i,
                         struct audit_verdict *out)
{
    const struct event_row *e = &events->items[i];
    const char *expected_prev = i == 0 ? AUDIT_GENESIS : events->items[i - 1].hash;
    struct audit_fields fields = {e->at, (long long)e->case_id, e->kind, e->actor, e->detail};
    char hash[AUDIT_HASH_HEX];

    audit_chain_hash(key, e->prev_hash, &fields, hash);
    out->entry_id = e->id;
    if (strcmp(hash, e->hash) != 0) {
        out->problem = AUDIT_EDITED;
        snprintf(out->why, sizeof out->why,
                 "entry %lld was edited: its hash does not match its content", (long long)e->id);
        return true;
    }
    if (strcmp(e->prev_hash, expected_prev) == 0)
        return false;
    if (hash_of_another(events, i, e->prev_hash)) {
        out->problem = AUDIT_REORDERED;
        if (i == 0)
            snprintf(out->why, sizeof out->why, "entry %lld is out of order: it does not start the chain",
                     (long long)e->id);
        else
            snprintf(out->why, sizeof out->why, "entry %lld is out of order: it follows another entry than %lld",
                     (long long)e->id, (long long)events->items[i - 1].id);
    } else {
        out->problem = AUDIT_REMOVED;
        if (i == 0)
            snprintf(out->why, sizeof out->why,
                     "an entry before %lld was removed: the first entry does not start the chain",
                     (long long)e->id);
        else
            snprintf(out->why, sizeof out->why, "an entry between %lld and %lld was removed",
                     (long long)events->items[i - 1].id, (long long)e->id);
    }
    return true;
}

enum store_result store_verify_audit(struct store *st, const struct audit_key *key, struct audit_verdict *out)
{
    struct event_list events;
    enum store_result r = store_list_events(st, 0, &events);

    memset(out, 0, sizeof *out);
    if (r != STORE_OK)
        return r;
    out->entries = events.count;
    out->problem = AUDIT_INTACT;
    for (size_t i = 0; i < events.count; i++)
        if (entry_broken(key, &events, i, out))
            break;
    if (out->problem == AUDIT_INTACT) {
        out->entry_id = 0;
        if (events.count > 0) {
            out->last_id = events.items[events.count - 1].id;
            str_copy(out->head, sizeof out->head, events.items[events.count - 1].hash);
        }
    }
    event_list_free(&events);
    return STORE_OK;
}
