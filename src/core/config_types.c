/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config_types.c - reading, writing and freeing the value of each type of
 * configuration key (see config_types.h).
 *
 * Readers return NULL or an error text that the loader puts after the
 * key's name; the texts are part of relanced -n's output.
 */
#include "core/config_types.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/calendar.h"
#include "core/ladder.h"
#include "core/invoice_owner.h"
#include "core/money.h"
#include "lib/net.h"
#include "lib/submit.h"

/* ---- value readers: each returns NULL on success or an error text ---- */

static const char *read_number_with_unit(const char *text, const char *units,
                                         const long long *factors, long long *out)
{
    char *end;
    long long v;

    errno = 0;
    if (!isdigit((unsigned char)text[0]))
        return "expected a non-negative number";
    v = strtoll(text, &end, 10);
    if (errno == ERANGE)
        return "number too large";
    if (*end != '\0') {
        const char *u = strchr(units, *end);
        if (u == NULL || end[1] != '\0')
            return "unknown unit";
        if (v > LLONG_MAX / factors[u - units])
            return "number too large";
        v *= factors[u - units];
    }
    *out = v;
    return NULL;
}

static const char *read_int(const char *text, long long *out)
{
    char *end;

    errno = 0;
    *out = strtoll(text, &end, 10);
    if (end == text || *end != '\0')
        return "expected an integer";
    if (errno == ERANGE)
        return "number too large";
    return NULL;
}

static const char *read_size(const char *text, long long *out)
{
    static const long long f[] = {1024, 1024, 1048576, 1048576, 1073741824, 1073741824};
    return read_number_with_unit(text, "kKmMgG", f, out);
}

static const char *read_duration(const char *text, long long *out)
{
    static const long long f[] = {1, 60, 3600, 86400};
    return read_number_with_unit(text, "smhd", f, out);
}

static const char *read_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};

    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return NULL;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return NULL;
        }
    }
    return "expected yes or no";
}

static const char *read_enum(const char *text, const char *choices, int *out)
{
    const char *p = choices;
    int index = 0;

    while (*p) {
        size_t n = strcspn(p, "|");
        if (strlen(text) == n && strncasecmp(text, p, n) == 0) {
            *out = index;
            return NULL;
        }
        p += n;
        if (*p == '|')
            p++;
        index++;
    }
    return "not one of the allowed values";
}

static bool port_valid(const char *s, size_t n)
{
    long v = 0;

    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

static const char *read_socket(const char *text)
{
    const char *at;

    if (strncmp(text, "local:", 6) == 0 || strncmp(text, "unix:", 5) == 0) {
        const char *path = strchr(text, ':') + 1;
        if (path[0] != '/')
            return "socket path must be absolute";
        if (strlen(path) >= 100)
            return "socket path too long";
        return NULL;
    }
    if (strncmp(text, "inet:", 5) == 0 || strncmp(text, "inet6:", 6) == 0) {
        const char *port = strchr(text, ':') + 1;
        at = strchr(port, '@');
        if (!port_valid(port, at ? (size_t)(at - port) : strlen(port)))
            return "expected inet:PORT@HOST with a port from 1 to 65535";
        if (at && at[1] == '\0')
            return "empty host after '@'";
        return NULL;
    }
    return "expected local:/path, inet:port@host or inet6:port@host";
}

static bool domain_valid(const char *d)
{
    if (*d == '\0' || *d == '.' || strlen(d) > 253)
        return false;
    for (; *d; d++)
        if (!isalnum((unsigned char)*d) && *d != '-' && *d != '.')
            return false;
    return true;
}

/* Splits a list value on commas and white space and calls fn per item. */
static const char *read_list(const char *text, const char *(*fn)(const char *item, void *ctx),
                             void *ctx)
{
    char *copy = xstrdup(text);
    const char *err = NULL;

    for (char *save = NULL, *item = strtok_r(copy, ", \t", &save); item && !err;
         item = strtok_r(NULL, ", \t", &save))
        err = fn(item, ctx);
    free(copy);
    return err;
}

static const char *add_sender(const char *item, void *ctx)
{
    struct strlist *list = ctx;
    char *lower;

    if (item[0] == '@' ? !domain_valid(item + 1) : !str_is_email(item))
        return "expected an address (name@domain) or @domain";
    lower = xstrdup(item);
    str_tolower_ascii(lower);
    if (!strlist_contains_icase(list, lower))
        strlist_add(list, lower);
    free(lower);
    return NULL;
}

static const char *add_company_id(const char *item, void *ctx)
{
    struct strlist *list = ctx;
    char id[COMPANY_ID_MAX + 1];

    if (!company_id_normalise(item, id, sizeof id) || strlen(id) < 4)
        return "expected a company id (SIREN, SIRET or VAT id)";
    if (!strlist_contains_icase(list, id))
        strlist_add(list, id);
    return NULL;
}

static const char *add_name(const char *item, void *ctx)
{
    struct strlist *list = ctx;
    char *lower;

    if (strlen(item) > 255 || strspn(item, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._") !=
                                  strlen(item))
        return "expected names of letters, digits, '-', '.' and '_'";
    lower = xstrdup(item);
    str_tolower_ascii(lower);
    if (!strlist_contains_icase(list, lower))
        strlist_add(list, lower);
    free(lower);
    return NULL;
}

static const char *add_network(const char *item, void *ctx)
{
    struct network net;

    if (!network_parse(item, &net))
        return "expected an IPv4 or IPv6 address or network (address/prefix)";
    network_list_add(ctx, &net);
    return NULL;
}

/* ---- readers of the reminder keys ---- */

static const char *read_rate(const char *text, long long *out)
{
    int64_t rate;

    if (text[0] == '\0') {
        *out = -1;
        return NULL;
    }
    if (!rate_parse_percent(text, &rate))
        return "expected a percentage with at most four decimals (12.15)";
    *out = rate;
    return NULL;
}

static const char *read_money(const char *text, long long *out)
{
    int64_t cents;

    if (!money_parse_decimal(text, &cents) || cents < 0)
        return "expected an amount (40.00)";
    *out = cents;
    return NULL;
}

static const char *add_date(const char *item, void *ctx)
{
    struct date_list *list = ctx;
    struct date d;

    if (strlen(item) != 10 || !date_parse(item, &d))
        return "expected dates as YYYY-MM-DD";
    list->items = xrealloc(list->items, (list->count + 1) * sizeof *list->items);
    list->items[list->count++] = d;
    return NULL;
}

static const char *const weekday_names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static int weekday_index(const char *s, size_t n)
{
    for (int i = 0; i < 7; i++)
        if (n == 3 && strncasecmp(s, weekday_names[i], 3) == 0)
            return i;
    return -1;
}

/* "Mon-Fri" or "Mon,Wed,Fri" (ranges may wrap: "Sat-Mon"). */
static const char *add_weekdays(const char *item, void *ctx)
{
    unsigned *mask = ctx;
    const char *dash = strchr(item, '-');
    int first = weekday_index(item, dash ? (size_t)(dash - item) : strlen(item));
    int last = dash ? weekday_index(dash + 1, strlen(dash + 1)) : first;

    if (first < 0 || last < 0)
        return "expected days as Mon, Tue, ... Sun, or a range Mon-Fri";
    for (int d = first;; d = (d + 1) % 7) {
        *mask |= 1u << d;
        if (d == last)
            break;
    }
    return NULL;
}

static const char *read_weekdays(const char *text, unsigned *out)
{
    unsigned mask = 0;
    const char *err = read_list(text, add_weekdays, &mask);

    if (err == NULL && mask == 0)
        err = "no day given";
    if (err == NULL)
        *out = mask;
    return err;
}

/* "HH:MM" into minutes; 24:00 allowed as an end. */
static bool read_clock(const char *s, size_t n, int *minutes)
{
    int h, m;

    if (n != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
        !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
        return false;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return false;
    *minutes = h * 60 + m;
    return true;
}

static const char *read_hours(const char *text, struct hours_range *out)
{
    const char *dash = strchr(text, '-');
    struct hours_range r;

    if (dash == NULL || !read_clock(text, (size_t)(dash - text), &r.start) ||
        !read_clock(dash + 1, strlen(dash + 1), &r.end))
        return "expected HH:MM-HH:MM";
    if (r.start >= r.end)
        return "the window must end after it starts";
    *out = r;
    return NULL;
}

static const char *add_step(const char *text, struct ladder_steps *steps)
{
    static __thread char why[200];

    if (steps->count >= LADDER_MAX_STEPS)
        return "too many steps";
    if (!ladder_parse_step(text, &steps->items[steps->count], why, sizeof why))
        return why;
    steps->count++;
    return NULL;
}

static const char *read_address(const char *text)
{
    return text[0] == '\0' || str_is_email(text) ? NULL : "expected an address (name@domain)";
}

static const char *read_submit(const char *text)
{
    static __thread char why[200];
    struct submit_spec spec;

    if (!submit_spec_parse(text, &spec, why, sizeof why))
        return why;
    submit_spec_free(&spec);
    return NULL;
}

/* ---- text: STRING, PATH, SOCKET, ADDRESS, SUBMIT ---- */

/* Stores text once its reader has accepted it (err NULL). */
static const char *set_text(void *field, const char *text, const char *err)
{
    if (err != NULL)
        return err;
    free(*(char **)field);
    *(char **)field = xstrdup(text);
    return NULL;
}

static const char *parse_string(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return set_text(field, text, NULL);
}

static const char *parse_path(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return set_text(field, text, text[0] != '\0' && text[0] != '/' ? "path must be absolute" : NULL);
}

static const char *parse_socket(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return set_text(field, text, read_socket(text));
}

static const char *parse_address(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return set_text(field, text, read_address(text));
}

static const char *parse_submit(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return set_text(field, text, read_submit(text));
}

static void print_text(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    (void)key;
    strbuf_puts(out, *(char *const *)field ? *(char *const *)field : "");
}

static void free_text(void *field)
{
    free(*(char **)field);
    *(char **)field = NULL;
}

/* ---- TIMEZONE: the zone itself, read once, shared by every thread ---- */

static const char *parse_timezone(void *field, const char *text, const struct config_key_info *key)
{
    struct calendar_zone **zone = field;
    struct calendar_zone *next = calendar_zone_new(text);

    (void)key;
    if (next == NULL)
        return "unknown time zone (see /usr/share/zoneinfo)";
    calendar_zone_free(*zone);
    *zone = next;
    return NULL;
}

static void print_timezone(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct calendar_zone *zone = *(struct calendar_zone *const *)field;

    (void)key;
    if (zone != NULL)
        strbuf_puts(out, calendar_zone_name(zone));
}

static void free_timezone(void *field)
{
    calendar_zone_free(*(struct calendar_zone **)field);
    *(struct calendar_zone **)field = NULL;
}

/* ---- numbers: INT, SIZE, DURATION, RATE, MONEY (long long) ---- */

/* Stores v once its reader has accepted it (err NULL) and it is within
 * the key's bounds. */
static const char *set_number(void *field, long long v, const char *err, const struct config_key_info *key)
{
    if (err == NULL && (v < key->min || v > key->max))
        err = "out of range";
    if (err == NULL)
        *(long long *)field = v;
    return err;
}

static const char *parse_int(void *field, const char *text, const struct config_key_info *key)
{
    long long v = 0;
    const char *err = read_int(text, &v);

    return set_number(field, v, err, key);
}

static const char *parse_size(void *field, const char *text, const struct config_key_info *key)
{
    long long v = 0;
    const char *err = read_size(text, &v);

    return set_number(field, v, err, key);
}

static const char *parse_duration(void *field, const char *text, const struct config_key_info *key)
{
    long long v = 0;
    const char *err = read_duration(text, &v);

    return set_number(field, v, err, key);
}

static const char *parse_rate(void *field, const char *text, const struct config_key_info *key)
{
    long long v = 0;
    const char *err = read_rate(text, &v);

    /* Empty: no rate (-1), which the bounds do not apply to. */
    if (err == NULL && v == -1) {
        *(long long *)field = v;
        return NULL;
    }
    return set_number(field, v, err, key);
}

static const char *parse_money(void *field, const char *text, const struct config_key_info *key)
{
    long long v = 0;
    const char *err = read_money(text, &v);

    return set_number(field, v, err, key);
}

static void print_number(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    (void)key;
    strbuf_printf(out, "%lld", *(const long long *)field);
}

static void print_rate(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    char text[MONEY_TEXT_MAX];

    (void)key;
    if (*(const long long *)field >= 0) {
        rate_format_decimal(*(const long long *)field, text);
        strbuf_puts(out, text);
    }
}

static void print_money(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    char amount[MONEY_STR_MAX];

    (void)key;
    money_format_decimal(*(const long long *)field, amount);
    strbuf_puts(out, amount);
}

/* Nothing to free: the value lives in the field. */
static void free_none(void *field)
{
    (void)field;
}

/* ---- BOOL, ENUM ---- */

static const char *parse_bool(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return read_bool(text, field);
}

static void print_bool(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    (void)key;
    strbuf_puts(out, *(const bool *)field ? "yes" : "no");
}

static const char *parse_enum(void *field, const char *text, const struct config_key_info *key)
{
    return read_enum(text, key->choices, field);
}

static void print_enum(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const char *p = key->choices;
    int index = *(const int *)field;

    for (int i = 0; i < index && p; i++) {
        p = strchr(p, '|');
        if (p)
            p++;
    }
    if (p)
        strbuf_append(out, p, strcspn(p, "|"));
}

/* ---- lists: SENDERS, NETWORKS, DATES ---- */

static const char *parse_senders(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return read_list(text, add_sender, field);
}

static const char *parse_names(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return read_list(text, add_name, field);
}

static void print_senders(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct strlist *l = field;

    (void)key;
    for (size_t j = 0; j < l->count; j++)
        strbuf_printf(out, "%s%s", j ? ", " : "", l->items[j]);
}

static void free_senders(void *field)
{
    strlist_free(field);
}

static const char *parse_company_ids(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return read_list(text, add_company_id, field);
}

static const char *parse_networks(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return read_list(text, add_network, field);
}

static void print_networks(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct network_list *l = field;

    (void)key;
    for (size_t j = 0; j < l->count; j++) {
        if (j)
            strbuf_puts(out, ", ");
        network_format(&l->items[j], out);
    }
}

static void free_networks(void *field)
{
    network_list_clear(field);
}

static const char *parse_dates(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return read_list(text, add_date, field);
}

static void print_dates(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct date_list *l = field;

    (void)key;
    for (size_t j = 0; j < l->count; j++) {
        char d[DATE_STR_MAX];
        date_format(l->items[j], d);
        strbuf_printf(out, "%s%s", j ? ", " : "", d);
    }
}

static void free_dates(void *field)
{
    struct date_list *dl = field;

    free(dl->items);
    dl->items = NULL;
    dl->count = 0;
}

/* ---- WEEKDAYS, HOURS ---- */

static const char *parse_weekdays(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return read_weekdays(text, field);
}

static void print_weekdays(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    bool first = true;

    (void)key;
    for (int d = 0; d < 7; d++) {
        if (*(const unsigned *)field & (1u << d)) {
            strbuf_printf(out, "%s%s", first ? "" : ",", weekday_names[d]);
            first = false;
        }
    }
}

static const char *parse_hours(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    return read_hours(text, field);
}

static void print_hours(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct hours_range *h = field;

    (void)key;
    strbuf_printf(out, "%02d:%02d-%02d:%02d", h->start / 60, h->start % 60, h->end / 60, h->end % 60);
}

/* ---- STEPS: one line per step ---- */

static const char *parse_steps(void *field, const char *text, const struct config_key_info *key)
{
    (void)key;
    if (text[0] == '\0') {
        ladder_default_steps(field);
        return NULL;
    }
    return add_step(text, field);
}

static void print_steps(const void *field, const struct config_key_info *key, struct strbuf *out)
{
    const struct ladder_steps *steps = field;

    for (size_t j = 0; j < steps->count; j++) {
        if (j > 0)
            strbuf_printf(out, "\n%s ", key->name);
        ladder_format_step(&steps->items[j], out);
    }
}

/* The steps live in the field: forgetting them is enough. */
static void free_steps(void *field)
{
    ((struct ladder_steps *)field)->count = 0;
}

/* ---- the table ---- */

static const struct config_type_ops type_ops[] = {
    [CONFIG_STRING] = {parse_string, print_text, free_text, false, CONFIG_EMPTY_ALLOWED},
    [CONFIG_PATH] = {parse_path, print_text, free_text, false, CONFIG_EMPTY_ALLOWED},
    [CONFIG_SOCKET] = {parse_socket, print_text, free_text, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_BOOL] = {parse_bool, print_bool, free_none, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_INT] = {parse_int, print_number, free_none, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_SIZE] = {parse_size, print_number, free_none, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_DURATION] = {parse_duration, print_number, free_none, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_ENUM] = {parse_enum, print_enum, free_none, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_SENDERS] = {parse_senders, print_senders, free_senders, true, CONFIG_EMPTY_ALLOWED},
    [CONFIG_NETWORKS] = {parse_networks, print_networks, free_networks, true, CONFIG_EMPTY_ALLOWED},
    [CONFIG_RATE] = {parse_rate, print_rate, free_none, false, CONFIG_EMPTY_IF_DEFAULT_EMPTY},
    [CONFIG_MONEY] = {parse_money, print_money, free_none, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_DATES] = {parse_dates, print_dates, free_dates, true, CONFIG_EMPTY_ALLOWED},
    [CONFIG_WEEKDAYS] = {parse_weekdays, print_weekdays, free_none, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_HOURS] = {parse_hours, print_hours, free_none, false, CONFIG_EMPTY_REFUSED},
    /* An empty Step: the built-in ladder. */
    [CONFIG_STEPS] = {parse_steps, print_steps, free_steps, true, CONFIG_EMPTY_ALLOWED},
    [CONFIG_ADDRESS] = {parse_address, print_text, free_text, false, CONFIG_EMPTY_ALLOWED},
    [CONFIG_TIMEZONE] = {parse_timezone, print_timezone, free_timezone, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_SUBMIT] = {parse_submit, print_text, free_text, false, CONFIG_EMPTY_REFUSED},
    [CONFIG_COMPANY_IDS] = {parse_company_ids, print_senders, free_senders, true, CONFIG_EMPTY_ALLOWED},
    /* Printed and freed as the SENDERS list: both are lists of strings. */
    [CONFIG_NAMES] = {parse_names, print_senders, free_senders, true, CONFIG_EMPTY_ALLOWED},
    /* config_rates.c */
    [CONFIG_HALF_YEAR_RATES] = {config_parse_half_year_rates, config_print_half_year_rates,
                                config_free_half_year_rates, true, CONFIG_EMPTY_REFUSED},
    /* config_ladders.c; a named ladder's Step lines are config.c's to route. */
    [CONFIG_LADDERS] = {config_parse_ladders, config_print_ladders, config_free_ladders, true, CONFIG_EMPTY_ALLOWED},
    [CONFIG_LADDER_RULES] = {config_parse_ladder_rules, config_print_ladder_rules, config_free_ladder_rules, true,
                             CONFIG_EMPTY_ALLOWED},
};

_Static_assert(ARRAY_LEN(type_ops) == CONFIG_TYPE_COUNT, "one entry per configuration type");

const struct config_type_ops *config_type_ops(enum config_type type)
{
    const struct config_type_ops *ops = (unsigned)type < ARRAY_LEN(type_ops) ? &type_ops[type] : NULL;

    /* A type without its entry is a programming error, found at the
     * first configuration built (config_defaults reads every key). */
    if (ops == NULL || ops->parse == NULL) {
        fprintf(stderr, "relance: configuration type %d has no operations\n", (int)type);
        abort();
    }
    return ops;
}
