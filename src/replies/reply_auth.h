/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_auth.h - who may change a case through a reply: whether the
 * writer's domain is authenticated by a verifier the administrator
 * trusts, and whether an acknowledgment may go to the writer.
 *
 * A From header is written by whoever sends the mail. What a stranger
 * cannot forge is an Authentication-Results header written on our side
 * by a verifier named in TrustedAuthservIDs (the milter passes only
 * those: see reply_envelope.auth_results), saying that
 *   dmarc=pass  with header.from the writer's domain, or
 *   dkim=pass   with header.d the writer's domain or a parent of it, or
 *   spf=pass    with smtp.mailfrom's domain the writer's or a parent of it.
 * A parent must itself hold a dot: a signature by "fr" vouches for
 * nothing. Pure logic: no store, no libmilter.
 */
#ifndef RELANCE_REPLY_AUTH_H
#define RELANCE_REPLY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

enum reply_auth {
    REPLY_AUTH_NONE = 0,
    REPLY_AUTH_DMARC,
    REPLY_AUTH_DKIM,
    REPLY_AUTH_SPF,
};

/* "dmarc", "dkim", "spf" or "none". */
const char *reply_auth_name(enum reply_auth how);

/* The domain part of an address (after its last '@'), or the text itself
 * when it has none; NULL for NULL or an empty domain. */
const char *reply_auth_domain_of(const char *address);

/* Whether domain is signer or one of signer's subdomains (ignoring case
 * and a final dot); signer must hold a dot. */
bool reply_auth_aligned(const char *domain, const char *signer);

/* How domain is authenticated by the Authentication-Results values
 * (ar_values, may be NULL) whose authserv-id is in trusted_ids; the first
 * method found. REPLY_AUTH_NONE when trusted_ids is empty. */
enum reply_auth reply_auth_domain(const struct strlist *trusted_ids, const struct strlist *ar_values,
                                  const char *domain);

/* Whether a dispute acknowledgment may be written to writer about cases
 * whose debtor addresses are debtor_emails: only when writer is each
 * case's debtor address, or when writer's domain is authenticated
 * (writer_authenticated), is not a public provider's (writer_public) and
 * is each debtor's domain. Never to any other address: that would be
 * backscatter to an address a stranger chose. *why says which rule
 * refused. */
bool reply_auth_may_acknowledge(const char *writer, const char *const *debtor_emails, size_t count,
                                bool writer_authenticated, bool writer_public, const char **why);

#endif
