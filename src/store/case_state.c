/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * case_state.c - names of case statuses and reminder states, and the
 * rules on groups of them, for C and for SQL (see case_state.h).
 *
 * The names are the database's text values: changing one is a schema
 * migration, not an edit here.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "store/case_state.h"

static const char *const case_names[] = {
    [CASE_OPEN] = "open",         [CASE_PAID] = "paid",     [CASE_PAUSED] = "paused",
    [CASE_DISPUTED] = "disputed", [CASE_CANCELLED] = "cancelled", [CASE_CLOSED] = "closed",
    [CASE_COURT] = "court",       [CASE_REVIEW] = "review",     [CASE_INSOLVENT] = "insolvent",
};

static const char *const reminder_names[] = {
    [REMINDER_PENDING] = "pending", [REMINDER_SENT] = "sent",         [REMINDER_HELD] = "held",
    [REMINDER_FAILED] = "failed",   [REMINDER_DRY_RUN] = "dry-run",
};

_Static_assert(ARRAY_LEN(case_names) == CASE_STATUS_COUNT, "a name for every case status");
_Static_assert(ARRAY_LEN(reminder_names) == REMINDER_STATE_COUNT, "a name for every reminder state");

static const char *name_of(const char *const *names, size_t count, unsigned value)
{
    return value < count ? names[value] : "unknown";
}

static bool parse_name(const char *const *names, size_t count, const char *name, unsigned *value)
{
    for (size_t i = 0; name != NULL && i < count; i++) {
        if (strcmp(name, names[i]) == 0) {
            *value = (unsigned)i;
            return true;
        }
    }
    return false;
}

const char *case_status_name(enum case_status status)
{
    return name_of(case_names, ARRAY_LEN(case_names), (unsigned)status);
}

bool case_status_parse(const char *name, enum case_status *out)
{
    unsigned value;

    if (!parse_name(case_names, ARRAY_LEN(case_names), name, &value))
        return false;
    *out = (enum case_status)value;
    return true;
}

const char *reminder_state_name(enum reminder_state state)
{
    return name_of(reminder_names, ARRAY_LEN(reminder_names), (unsigned)state);
}

bool reminder_state_parse(const char *name, enum reminder_state *out)
{
    unsigned value;

    if (!parse_name(reminder_names, ARRAY_LEN(reminder_names), name, &value))
        return false;
    *out = (enum reminder_state)value;
    return true;
}

bool case_status_in(enum case_status status, case_status_set set)
{
    return (unsigned)status < CASE_STATUS_COUNT && (set & CASE_SET(status)) != 0;
}

bool reminder_state_in(enum reminder_state state, reminder_state_set set)
{
    return (unsigned)state < REMINDER_STATE_COUNT && (set & REMINDER_SET(state)) != 0;
}

bool case_is_live(enum invoice_type type, enum case_status status)
{
    return type == INVOICE_TYPE_INVOICE && !case_status_in(status, CASE_SETTLED);
}

static char *sql_list(const char *const *names, size_t count, unsigned set)
{
    struct strbuf sb;

    strbuf_init(&sb);
    for (size_t i = 0; i < count; i++)
        if (set & (1u << i))
            strbuf_printf(&sb, "%s'%s'", sb.len ? ", " : "", names[i]);
    if (sb.len == 0)
        strbuf_puts(&sb, "NULL");
    return strbuf_detach(&sb);
}

char *case_status_sql_list(case_status_set set)
{
    return sql_list(case_names, ARRAY_LEN(case_names), set);
}

char *reminder_state_sql_list(reminder_state_set set)
{
    return sql_list(reminder_names, ARRAY_LEN(reminder_names), set);
}

char *case_live_sql(const char *alias)
{
    char *settled = case_status_sql_list(CASE_SETTLED);
    char *sql = xasprintf("%s.type = '%s' AND %s.status NOT IN (%s)", alias,
                          invoice_type_name(INVOICE_TYPE_INVOICE), alias, settled);

    free(settled);
    return sql;
}
