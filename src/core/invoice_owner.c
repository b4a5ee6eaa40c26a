/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_owner.c - whose invoice is it (see invoice_owner.h).
 *
 * Ids are compared before names because they are unambiguous: a trade
 * name and a legal name differ, a SIREN does not. Names are compared
 * loosely (legal forms, case and punctuation set aside, one contained in
 * the other is the same company), so that only a plainly different
 * seller stops an invoice: a missed case costs less to notice than a
 * reminder sent to ourselves or to our supplier's customer.
 */
#include "core/invoice_owner.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool company_id_normalise(const char *in, char *out, size_t size)
{
    size_t n = 0;

    if (size == 0)
        return false;
    for (const char *p = in; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c >= 0x80 || !isalnum(c))
            continue;
        if (n + 1 >= size) {
            out[0] = '\0';
            return false;
        }
        out[n++] = (char)toupper(c);
    }
    out[n] = '\0';
    return n > 0;
}

static bool all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* The SIREN an id carries: itself, a SIRET's first 9 digits, or a French
 * VAT id's (FR + 2 key characters + SIREN) last 9; false when none. */
static bool siren_of(const char *id, char siren[10])
{
    if (all_digits(id, 9) || all_digits(id, 14)) {
        memcpy(siren, id, 9);
    } else if (strlen(id) == 13 && strncmp(id, "FR", 2) == 0 && all_digits(id + 4, 9)) {
        memcpy(siren, id + 4, 9);
    } else {
        return false;
    }
    siren[9] = '\0';
    return true;
}

bool company_ids_match(const char *a, const char *b)
{
    char sa[10], sb[10];

    if (strcmp(a, b) == 0)
        return true;
    /* SIREN, SIRET (of any establishment) and French VAT id of one
     * company all carry its SIREN. */
    return siren_of(a, sa) && siren_of(b, sb) && strcmp(sa, sb) == 0;
}

void company_id_describe(const char *id, char *out, size_t size)
{
    if (all_digits(id, 9))
        str_format(out, size, "SIREN %s", id);
    else if (all_digits(id, 14))
        str_format(out, size, "SIRET %s", id);
    else if (strlen(id) > 2 && isalpha((unsigned char)id[0]) && isalpha((unsigned char)id[1]))
        str_format(out, size, "VAT %s", id);
    else
        str_format(out, size, "id %s", id);
}

/* ---- names ---- */

static const char *const legal_forms[] = {
    "sa",  "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "scs", "sca", "gie", "selarl",
    "gmbh", "ag", "kg", "ohg", "ug", "ltd", "limited", "inc", "llc", "plc", "corp", "co", "cie",
    "bv", "nv", "srl", "spa", "sl", "sprl", "societe", "company", "et", "and", "the", "la", "le", "les",
};

static bool is_legal_form(const char *word, size_t len)
{
    for (size_t i = 0; i < ARRAY_LEN(legal_forms); i++) {
        if (strlen(legal_forms[i]) == len && strncmp(legal_forms[i], word, len) == 0)
            return true;
    }
    return false;
}

/* " acme industries " : words in lower case, one space around each,
 * legal forms left out. Bytes of UTF-8 letters stay in their words. */
static void name_words(const char *name, char *out, size_t size)
{
    char word[INVOICE_NAME_MAX];
    size_t n = 0, len = 0;

    out[n++] = ' ';
    out[n] = '\0';
    for (const char *p = name;; p++) {
        unsigned char c = (unsigned char)*p;

        if (c != '\0' && (c >= 0x80 || isalnum(c))) {
            if (len + 1 < sizeof word)
                word[len++] = (char)tolower(c);
            continue;
        }
        if (len > 0 && !is_legal_form(word, len) && n + len + 2 < size) {
            memcpy(out + n, word, len);
            n += len;
            out[n++] = ' ';
            out[n] = '\0';
        }
        len = 0;
        if (c == '\0')
            break;
    }
}

bool company_names_differ(const char *a, const char *b)
{
    char wa[INVOICE_NAME_MAX + 2], wb[INVOICE_NAME_MAX + 2];

    name_words(a ? a : "", wa, sizeof wa);
    name_words(b ? b : "", wb, sizeof wb);
    if (strcmp(wa, " ") == 0 || strcmp(wb, " ") == 0)
        return false;
    return strstr(wa, wb) == NULL && strstr(wb, wa) == NULL;
}

/* ---- the decision ---- */

/* The first id of list (space-separated) that matches one of ids, into
 * hit; false when none does. */
static bool find_listed(const char *list, const struct strlist *ids, char *hit, size_t size)
{
    char copy[INVOICE_IDS_MAX];
    char *save = NULL;

    str_copy(copy, sizeof copy, list);
    for (char *id = strtok_r(copy, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
        for (size_t i = 0; i < ids->count; i++) {
            if (company_ids_match(id, ids->items[i])) {
                str_copy(hit, size, id);
                return true;
            }
        }
    }
    return false;
}

static void first_id(const char *list, char *out, size_t size)
{
    size_t n = strcspn(list, " ");

    str_copy(out, size, list);
    if (n < size)
        out[n] = '\0';
}

static void decide(enum owner_verdict verdict, struct owner_decision *out, const char *fmt, const char *a,
                   const char *b)
{
    out->verdict = verdict;
    str_format(out->why, sizeof out->why, fmt, a, b);
}

void invoice_owner_decide(const char *creditor_name, const struct strlist *creditor_ids,
                          const struct invoice *inv, struct owner_decision *out)
{
    char id[COMPANY_ID_MAX + 1], described[COMPANY_ID_MAX + 16];
    bool have_ids = creditor_ids && creditor_ids->count > 0;
    bool have_name = creditor_name && creditor_name[0];

    if (!have_ids && !have_name) {
        decide(OWNER_UNCHECKED, out, "%s%s", "no check: CreditorName and CreditorIds are empty", "");
        return;
    }
    if (have_ids && find_listed(inv->buyer_ids, creditor_ids, id, sizeof id)) {
        company_id_describe(id, described, sizeof described);
        decide(OWNER_NOT_OURS, out, "not ours: the buyer's %s is in CreditorIds%s", described, "");
        return;
    }
    if (have_ids && inv->seller_ids[0]) {
        if (find_listed(inv->seller_ids, creditor_ids, id, sizeof id)) {
            company_id_describe(id, described, sizeof described);
            decide(OWNER_OURS, out, "seller: %s matches CreditorIds%s", described, "");
        } else {
            first_id(inv->seller_ids, id, sizeof id);
            company_id_describe(id, described, sizeof described);
            decide(OWNER_NOT_OURS, out, "not ours: seller %s not in CreditorIds%s", described, "");
        }
        return;
    }
    if (have_name && inv->seller_name[0]) {
        if (company_names_differ(inv->seller_name, creditor_name))
            decide(OWNER_NOT_OURS, out, "not ours: seller '%s' is not CreditorName '%s'", inv->seller_name,
                   creditor_name);
        else
            decide(OWNER_OURS, out, "seller: '%s' matches CreditorName%s", inv->seller_name, "");
        return;
    }
    decide(OWNER_UNKNOWN, out, "%s%s", "seller not named in the document: taken as ours", "");
}

bool invoice_owner_tracked(enum owner_verdict verdict)
{
    return verdict != OWNER_NOT_OURS;
}
