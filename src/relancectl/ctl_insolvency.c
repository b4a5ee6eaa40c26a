/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_insolvency.c - `relancectl debtor EMAIL --insolvent [--since DATE]
 * [--representative "NAME, ADDRESS"] [--proceeding KIND]`: the operator
 * learnt of a collective proceeding some other way (a letter, the
 * BODACC). It does what such a reply does (reply.c): every unsettled case
 * of the debtor, and of debtors with the same legal identifier, becomes
 * insolvent, the proceeding is recorded, and the creditor's notice with
 * the amounts to declare is queued in the outbox, in one transaction. The
 * debtor is not written to.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "relancectl/ctl.h"
#include "replies/insolvency_notice.h"
#include "store/store_insolvency.h"

#define ACTOR "operator"

static bool has_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isdigit((unsigned char)s[i]))
            return true;
    return false;
}

/* "Me Claire Fontaine, 12 rue X, 69002 Lyon": the name is what stands
 * before the first comma-separated part holding a number, the address the
 * rest (as reply_insolvency.c reads a labelled line). */
static void split_representative(const char *text, struct reply_insolvency *info)
{
    const char *p = text;

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (has_digit(p, n))
            break;
        p = comma ? comma + 1 : p + n;
    }
    str_copyn(info->representative, sizeof info->representative, text, (size_t)(p - text));
    str_trim(info->representative);
    while (info->representative[0] && info->representative[strlen(info->representative) - 1] == ',')
        info->representative[strlen(info->representative) - 1] = '\0';
    str_copy(info->address, sizeof info->address, p);
    str_trim(info->address);
    if (info->representative[0] == '\0') { /* a number in the first part: all of it is the name */
        str_copy(info->representative, sizeof info->representative, text);
        info->address[0] = '\0';
    }
}

static bool proceeding_known(const char *kind)
{
    static const char *const kinds[] = {"sauvegarde", "redressement", "liquidation", "administration",
                                        "receivership", "chapter 11", "chapter 7", NULL};

    for (size_t i = 0; kinds[i] != NULL; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

static void print_done(const char *email, const struct case_list *cases, size_t changed, bool told)
{
    printf("debtor %s: %zu case(s) now insolvent (", email, changed);
    for (size_t i = 0; i < cases->count; i++)
        printf("%s%s", i ? ", " : "", cases->items[i].inv.number);
    printf(")%s\n", told ? "; the creditor's notice with the amounts to declare is queued (outbox)"
                         : "; no notice to the creditor (see above)");
}

static int mark(struct ctl_env *env, struct store *st, const struct audit_key *key, const char *email,
                const struct reply_insolvency *info, const struct case_list *cases)
{
    int64_t ids[64];
    size_t n = 0, changed = 0;
    struct reply_notice notice = {0};
    struct outbox_message out = {0};
    struct debtor_insolvency rec = {info->kind, info->opened, info->representative, info->address, "operator",
                                    ""};
    struct insolvency_notice_input in;
    char why[300];
    bool told;

    for (size_t i = 0; i < cases->count && n < ARRAY_LEN(ids); i++)
        ids[n++] = cases->items[i].id;
    in = (struct insolvency_notice_input){env->cfg, key, st, ids, n, info, NULL, NULL, ctl_today(env),
                                          time(NULL)};
    told = insolvency_notice_build(&in, &notice, why, sizeof why);
    if (!told)
        fprintf(stderr, "relancectl: the creditor cannot be told (%s); the cases are marked all the same\n", why);
    else
        out = (struct outbox_message){INSOLVENCY_NOTICE_KIND, ids[0], notice.sender, notice.recipient,
                                      notice.message_id, notice.data, notice.len};
    if (store_mark_insolvent(st, key, &rec, ids, n, ACTOR, told ? &out : NULL, told ? 1 : 0, &changed) !=
        STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        reply_notice_free(&notice);
        return 1;
    }
    reply_notice_free(&notice);
    print_done(email, cases, changed, told);
    return 0;
}

int ctl_debtor_insolvent(struct ctl_env *env, const char *email, const struct ctl_insolvent_args *a)
{
    struct reply_insolvency info;
    struct audit_key key;
    struct case_list cases = {NULL, 0};
    struct store *st;
    int rc = 1;

    if (!str_is_email(email))
        return ctl_usage_error("debtor: '%s' is not an address", email);
    if (a->proceeding && !proceeding_known(a->proceeding))
        return ctl_usage_error("%s", CTL_INSOLVENT_USAGE);
    memset(&info, 0, sizeof info);
    str_copy(info.kind, sizeof info.kind, a->proceeding ? a->proceeding : "");
    info.opened = a->since;
    if (a->representative)
        split_representative(a->representative, &info);
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    if (date_is_set(a->since) && date_compare(a->since, ctl_today(env)) > 0)
        fprintf(stderr, "relancectl: debtor: --since is after today\n");
    else if (store_insolvency_cases(st, NULL, 0, email, &cases) != STORE_OK)
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
    else if (cases.count == 0)
        fprintf(stderr, "relancectl: debtor %s has no unsettled case: nothing to do\n", email);
    else
        rc = mark(env, st, &key, email, &info, &cases);
    case_list_free(&cases);
    ctl_close_all(st, &key);
    return rc;
}
