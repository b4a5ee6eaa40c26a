/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_auth.c - authenticated writers and who gets an acknowledgment
 * (see reply_auth.h).
 *
 * Alignment is DMARC's relaxed one in one direction only: a signature or
 * an SPF pass for example.fr vouches for compta.example.fr, never the
 * reverse, and never through an organisational domain worked out from a
 * public-suffix list (none is shipped, and a guess would be unsafe).
 */
#include "replies/reply_auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/auth_results.h"

const char *reply_auth_name(enum reply_auth how)
{
    switch (how) {
    case REPLY_AUTH_DMARC:
        return "dmarc";
    case REPLY_AUTH_DKIM:
        return "dkim";
    case REPLY_AUTH_SPF:
        return "spf";
    default:
        return "none";
    }
}

const char *reply_auth_domain_of(const char *address)
{
    const char *at = address ? strrchr(address, '@') : NULL;
    const char *domain = at ? at + 1 : address;

    return domain && domain[0] ? domain : NULL;
}

/* Length without a final dot ("example.fr." is example.fr). */
static size_t name_len(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

bool reply_auth_aligned(const char *domain, const char *signer)
{
    size_t dl, sl;

    if (domain == NULL || signer == NULL)
        return false;
    dl = name_len(domain);
    sl = name_len(signer);
    if (dl == 0 || sl == 0 || signer[0] == '.' || memchr(signer, '.', sl) == NULL)
        return false;
    if (dl == sl)
        return strncasecmp(domain, signer, sl) == 0;
    return dl > sl && domain[dl - sl - 1] == '.' && strncasecmp(domain + dl - sl, signer, sl) == 0;
}

static bool equal_names(const char *a, const char *b)
{
    size_t al = name_len(a), bl = name_len(b);

    return al > 0 && al == bl && strncasecmp(a, b, al) == 0;
}

static enum reply_auth method_vouches(const struct auth_method *m, const char *domain)
{
    const char *v;

    if (strcmp(m->result, "pass") != 0)
        return REPLY_AUTH_NONE;
    if (strcmp(m->method, "dmarc") == 0 && (v = auth_method_property(m, "header.from")) && equal_names(domain, v))
        return REPLY_AUTH_DMARC;
    if (strcmp(m->method, "dkim") == 0 && (v = auth_method_property(m, "header.d")) && reply_auth_aligned(domain, v))
        return REPLY_AUTH_DKIM;
    if (strcmp(m->method, "spf") == 0 && (v = auth_method_property(m, "smtp.mailfrom")) &&
        reply_auth_aligned(domain, reply_auth_domain_of(v)))
        return REPLY_AUTH_SPF;
    return REPLY_AUTH_NONE;
}

enum reply_auth reply_auth_domain(const struct strlist *trusted_ids, const struct strlist *ar_values,
                                  const char *domain)
{
    struct auth_results *ar;
    enum reply_auth how = REPLY_AUTH_NONE;

    if (trusted_ids == NULL || trusted_ids->count == 0 || ar_values == NULL || domain == NULL || domain[0] == '\0')
        return REPLY_AUTH_NONE;
    ar = xmalloc(sizeof *ar);
    for (size_t i = 0; how == REPLY_AUTH_NONE && i < ar_values->count; i++) {
        if (!auth_results_parse(ar_values->items[i], ar) || !strlist_contains_icase(trusted_ids, ar->authserv_id))
            continue;
        for (size_t k = 0; how == REPLY_AUTH_NONE && k < ar->method_count; k++)
            how = method_vouches(&ar->methods[k], domain);
    }
    free(ar);
    return how;
}

bool reply_auth_may_acknowledge(const char *writer, const char *const *debtor_emails, size_t count,
                                bool writer_authenticated, bool writer_public, const char **why)
{
    bool every_address = count > 0, every_domain = count > 0;
    const char *wdom = reply_auth_domain_of(writer);

    if (writer == NULL || wdom == NULL || count == 0) {
        *why = "no writer or no case";
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        const char *ddom = reply_auth_domain_of(debtor_emails[i]);
        every_address &= debtor_emails[i] && strcasecmp(writer, debtor_emails[i]) == 0;
        every_domain &= ddom && equal_names(wdom, ddom);
    }
    if (every_address)
        return true;
    if (!every_domain)
        *why = "the writer is not at the debtor's domain";
    else if (writer_public)
        *why = "the writer's domain is a public provider's";
    else if (!writer_authenticated)
        *why = "the writer is not the debtor's address and its domain is not authenticated";
    else
        return true;
    return false;
}
