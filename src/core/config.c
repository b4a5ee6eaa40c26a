/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config.c - loads "Key Value" configuration files over the defaults of
 * config_keys.h (see config.h).
 *
 * Syntax, in the OpenDKIM tradition: one key per line, the key name, white
 * space, the value; '#' starts a comment at the start of a line or after
 * white space; blank lines are ignored; key names are case-insensitive.
 * Unknown keys, malformed values, values out of bounds and a key given
 * twice are errors: a configuration either loads whole or not at all, so a
 * typo can never silently run the daemon on a default.
 */
#include "core/config.h"
#include "text/reply_lexicon.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/money.h"
#include "lib/submit.h"

#define CONFIG_MAX_FILE (1024 * 1024)

struct key_slot {
    struct config_key_info info;
    size_t offset;
};

static const struct key_slot key_table[] = {
#define CONFIG_SLOT(type, field, name, def, min, max, choices)                                     \
    {{name, CONFIG_##type, def, min, max, choices}, offsetof(struct config, field)},
    CONFIG_KEYS(CONFIG_SLOT)
#undef CONFIG_SLOT
};

size_t config_key_count(void)
{
    return ARRAY_LEN(key_table);
}

const struct config_key_info *config_key_at(size_t index)
{
    return index < ARRAY_LEN(key_table) ? &key_table[index].info : NULL;
}

static const struct key_slot *key_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(key_table); i++)
        if (strcasecmp(key_table[i].info.name, name) == 0)
            return &key_table[i];
    return NULL;
}

static bool is_list_type(enum config_type type)
{
    return type == CONFIG_SENDERS || type == CONFIG_NETWORKS || type == CONFIG_DATES ||
           type == CONFIG_STEPS;
}

/* Types whose value may be empty in a file. */
static bool may_be_empty(const struct key_slot *slot)
{
    switch (slot->info.type) {
    case CONFIG_PATH:
    case CONFIG_STRING:
    case CONFIG_ADDRESS:
    case CONFIG_SENDERS:
    case CONFIG_NETWORKS:
    case CONFIG_DATES:
    case CONFIG_STEPS: /* an empty Step: the built-in ladder */
        return true;
    case CONFIG_RATE:
        return slot->info.default_text[0] == '\0';
    default:
        return false;
    }
}

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

bool network_parse(const char *text, struct network *out)
{
    char addr[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    int max_prefix;

    if (n == 0 || n >= sizeof addr)
        return false;
    memcpy(addr, text, n);
    addr[n] = '\0';
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, addr, out->addr) == 1) {
        out->family = AF_INET;
        max_prefix = 32;
    } else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
        out->family = AF_INET6;
        max_prefix = 128;
    } else {
        return false;
    }
    out->prefix = max_prefix;
    if (slash) {
        long long p;
        if (read_int(slash + 1, &p) != NULL || p < 0 || p > max_prefix)
            return false;
        out->prefix = (int)p;
    }
    return true;
}

static const char *add_network(const char *item, void *ctx)
{
    struct network_list *list = ctx;
    struct network net;

    if (!network_parse(item, &net))
        return "expected an IPv4 or IPv6 address or network (address/prefix)";
    list->items = xrealloc(list->items, (list->count + 1) * sizeof *list->items);
    list->items[list->count++] = net;
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

static void clear_field(struct config *cfg, const struct key_slot *slot);

static void clear_field(struct config *cfg, const struct key_slot *slot)
{
    void *field = (char *)cfg + slot->offset;

    switch (slot->info.type) {
    case CONFIG_STRING:
    case CONFIG_PATH:
    case CONFIG_SOCKET:
    case CONFIG_ADDRESS:
    case CONFIG_TIMEZONE:
    case CONFIG_SUBMIT:
        free(*(char **)field);
        *(char **)field = NULL;
        break;
    case CONFIG_DATES: {
        struct date_list *dl = field;
        free(dl->items);
        dl->items = NULL;
        dl->count = 0;
        break;
    }
    case CONFIG_STEPS:
        ((struct ladder_steps *)field)->count = 0;
        break;
    case CONFIG_SENDERS:
        strlist_free(field);
        break;
    case CONFIG_NETWORKS: {
        struct network_list *nl = field;
        free(nl->items);
        nl->items = NULL;
        nl->count = 0;
        break;
    }
    default:
        break;
    }
}

/* Checks the text of a key stored as a string; NULL or an error. */
static const char *check_text(enum config_type type, const char *text)
{
    switch (type) {
    case CONFIG_SOCKET:
        return read_socket(text);
    case CONFIG_PATH:
        return text[0] != '\0' && text[0] != '/' ? "path must be absolute" : NULL;
    case CONFIG_ADDRESS:
        return read_address(text);
    case CONFIG_TIMEZONE:
        return calendar_timezone_known(text) ? NULL : "unknown time zone (see /usr/share/zoneinfo)";
    case CONFIG_SUBMIT:
        return read_submit(text);
    default:
        return NULL;
    }
}

/* Sets one key from text; list keys append. Returns NULL or an error
 * ("out of range" errors are completed with the bounds by the caller). */
static const char *set_value(struct config *cfg, const struct key_slot *slot, const char *text)
{
    void *field = (char *)cfg + slot->offset;
    const char *err = NULL;
    long long v = 0;

    switch (slot->info.type) {
    case CONFIG_SOCKET:
    case CONFIG_ADDRESS:
    case CONFIG_TIMEZONE:
    case CONFIG_SUBMIT:
    case CONFIG_STRING:
    case CONFIG_PATH:
        if ((err = check_text(slot->info.type, text)) != NULL)
            return err;
        free(*(char **)field);
        *(char **)field = xstrdup(text);
        return NULL;
    case CONFIG_DATES:
        return read_list(text, add_date, field);
    case CONFIG_WEEKDAYS:
        return read_weekdays(text, field);
    case CONFIG_HOURS:
        return read_hours(text, field);
    case CONFIG_STEPS:
        if (text[0] == '\0') {
            ladder_default_steps(field);
            return NULL;
        }
        return add_step(text, field);
    case CONFIG_RATE:
        err = read_rate(text, &v);
        if (err == NULL && v == -1) {
            *(long long *)field = v;
            return NULL;
        }
        break;
    case CONFIG_MONEY:
        err = read_money(text, &v);
        break;
    case CONFIG_BOOL:
        return read_bool(text, field);
    case CONFIG_ENUM:
        return read_enum(text, slot->info.choices, field);
    case CONFIG_INT:
        err = read_int(text, &v);
        break;
    case CONFIG_SIZE:
        err = read_size(text, &v);
        break;
    case CONFIG_DURATION:
        err = read_duration(text, &v);
        break;
    case CONFIG_SENDERS:
        return read_list(text, add_sender, field);
    case CONFIG_NETWORKS:
        return read_list(text, add_network, field);
    }
    if (err == NULL && (v < slot->info.min || v > slot->info.max))
        err = "out of range";
    if (err == NULL)
        *(long long *)field = v;
    return err;
}

struct config *config_defaults(void)
{
    struct config *cfg = xcalloc(1, sizeof *cfg);

    cfg->refs = 1;
    for (size_t i = 0; i < ARRAY_LEN(key_table); i++) {
        const char *err = set_value(cfg, &key_table[i], key_table[i].info.default_text);
        if (err != NULL) {
            /* A default that does not parse is a programming error. */
            fprintf(stderr, "relance: bad default for %s: %s\n", key_table[i].info.name, err);
            abort();
        }
    }
    return cfg;
}

/* Cuts a comment: '#' at the start or after white space. */
static void strip_comment(char *line)
{
    for (char *p = line; *p; p++) {
        if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
            *p = '\0';
            return;
        }
    }
}

struct parse_state {
    const char *name;
    struct config *cfg;
    struct strlist *errors;
    int error_count;
    int first_line[ARRAY_LEN(key_table)];
};

static void parse_error(struct parse_state *st, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void parse_error(struct parse_state *st, int line, const char *fmt, ...)
{
    struct strbuf sb;
    va_list ap;

    st->error_count++;
    if (st->errors == NULL)
        return;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s:%d: ", st->name, line);
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    strlist_add(st->errors, sb.data);
    strbuf_free(&sb);
}

static void parse_line(struct parse_state *st, char *line, int lineno)
{
    const struct key_slot *slot;
    char *value;
    size_t index;
    const char *err;

    strip_comment(line);
    str_trim(line);
    if (line[0] == '\0')
        return;
    value = line + strcspn(line, " \t");
    if (*value)
        *value++ = '\0';
    str_trim(value);
    slot = key_find(line);
    if (slot == NULL) {
        parse_error(st, lineno, "unknown key '%s'", line);
        return;
    }
    index = (size_t)(slot - key_table);
    if (value[0] == '\0' && !may_be_empty(slot)) {
        parse_error(st, lineno, "%s: missing value", slot->info.name);
        return;
    }
    if (st->first_line[index] != 0 && !is_list_type(slot->info.type)) {
        parse_error(st, lineno, "%s: given twice (first at line %d)", slot->info.name,
                    st->first_line[index]);
        return;
    }
    /* The first occurrence of a list key replaces the default list. */
    if (st->first_line[index] == 0 && is_list_type(slot->info.type))
        clear_field(st->cfg, slot);
    if (st->first_line[index] == 0)
        st->first_line[index] = lineno;
    err = set_value(st->cfg, slot, value);
    if (err != NULL && slot->info.type == CONFIG_ENUM)
        parse_error(st, lineno, "%s: '%s' is not one of %s", slot->info.name, value, slot->info.choices);
    else if (err != NULL && strcmp(err, "out of range") == 0)
        parse_error(st, lineno, "%s: '%s' is out of range (%lld to %lld)", slot->info.name, value,
                    slot->info.min, slot->info.max);
    else if (err != NULL)
        parse_error(st, lineno, "%s: %s: '%s'", slot->info.name, err, value);
}

/* Line of a key's first occurrence, 0 when it was not given. */
static int line_of(const struct parse_state *st, const char *name)
{
    const struct key_slot *slot = key_find(name);
    return slot ? st->first_line[slot - key_table] : 0;
}

/* The law's floor for a contractual penalty rate: three times the legal
 * interest rate (C. com. L441-10). */
static void check_rates(struct parse_state *st)
{
    const struct config *cfg = st->cfg;
    char given[MONEY_TEXT_MAX], floor[MONEY_TEXT_MAX];

    if (cfg->contractual_rate < 0 || cfg->contractual_rate >= 3 * cfg->legal_rate)
        return;
    rate_format_decimal(cfg->contractual_rate, given);
    rate_format_decimal(3 * cfg->legal_rate, floor);
    parse_error(st, line_of(st, "ContractualRate"),
                "ContractualRate: %s %% is below three times LegalInterestRate (%s %%), the floor of C. com. L441-10",
                given, floor);
}

static void check_ladder(struct parse_state *st)
{
    const struct config *cfg = st->cfg;
    char why[200];
    bool letters = false;

    if (!ladder_check(&cfg->steps, why, sizeof why))
        parse_error(st, line_of(st, "Step"), "Step: %s", why);
    for (size_t i = 0; i < cfg->steps.count; i++)
        letters |= cfg->steps.items[i].letter;
    if (letters && cfg->letter_dir[0] == '\0')
        parse_error(st, line_of(st, "LetterDirectory"), "LetterDirectory: steps produce letters: a directory is needed");
}

static void check_sending(struct parse_state *st)
{
    const struct config *cfg = st->cfg;
    const char *at = strrchr(cfg->reply_address, '@');

    if (cfg->dry_run && cfg->dry_run_dir[0] == '\0')
        parse_error(st, line_of(st, "DryRunDirectory"), "DryRunDirectory: DryRun needs a directory");
    /* The token is added as "+TOKEN": a '+' already there would hide it. */
    if (at && memchr(cfg->reply_address, '+', (size_t)(at - cfg->reply_address)))
        parse_error(st, line_of(st, "ReplyAddress"), "ReplyAddress: must not contain '+' (relance adds +TOKEN)");
}

/* What one key alone cannot tell. */
static void check_across_keys(struct parse_state *st)
{
    check_rates(st);
    check_ladder(st);
    check_sending(st);
}

struct config *config_parse_text(const char *name, const char *text, struct strlist *errors)
{
    struct parse_state st;
    char *copy = xstrdup(text);
    int lineno = 0;
    char *p = copy;

    memset(&st, 0, sizeof st);
    st.name = name;
    st.cfg = config_defaults();
    st.errors = errors;
    /* strtok would merge empty lines and shift the line numbers. */
    while (p != NULL) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (strlen(p) > 4096)
            parse_error(&st, lineno, "line too long");
        else
            parse_line(&st, p, lineno);
        p = nl ? nl + 1 : NULL;
    }
    free(copy);
    if (st.error_count == 0)
        check_across_keys(&st);
    if (st.error_count > 0) {
        config_unref(st.cfg);
        return NULL;
    }
    st.cfg->path = xstrdup(name);
    return st.cfg;
}

struct config *config_load(const char *path, struct strlist *errors)
{
    size_t len;
    char *text = file_read_all(path, CONFIG_MAX_FILE, &len);
    struct config *cfg;

    if (text == NULL) {
        if (errors)
            strlist_addf(errors, "%s:0: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    if (memchr(text, '\0', len) != NULL) {
        if (errors)
            strlist_addf(errors, "%s:0: not a text file", path);
        free(text);
        return NULL;
    }
    cfg = config_parse_text(path, text, errors);
    free(text);
    return cfg;
}

bool config_load_lexicon(struct config *cfg, struct strlist *errors)
{
    reply_lexicon_free(cfg->lexicon);
    cfg->lexicon = reply_lexicon_load(cfg->reply_lexicon, errors);
    return cfg->lexicon != NULL;
}

struct config *config_ref(struct config *cfg)
{
    __atomic_add_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL);
    return cfg;
}

void config_unref(struct config *cfg)
{
    if (cfg == NULL || __atomic_sub_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (size_t i = 0; i < ARRAY_LEN(key_table); i++)
        clear_field(cfg, &key_table[i]);
    reply_lexicon_free(cfg->lexicon);
    free(cfg->path);
    free(cfg);
}

bool config_address_listed(const struct strlist *list, const char *address)
{
    const char *at = address ? strrchr(address, '@') : NULL;

    if (at == NULL)
        return false;
    for (size_t i = 0; i < list->count; i++) {
        const char *entry = list->items[i];
        if (entry[0] == '@' ? strcasecmp(entry, at) == 0 : strcasecmp(entry, address) == 0)
            return true;
    }
    return false;
}

bool config_is_invoice_sender(const struct config *cfg, const char *address)
{
    return config_address_listed(&cfg->invoice_senders, address);
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, int prefix)
{
    int full = prefix / 8, rest = prefix % 8;

    if (memcmp(a, b, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool network_list_contains(const struct network_list *list, const struct sockaddr *sa)
{
    uint8_t addr[16];
    int family;

    if (sa == NULL)
        return false;
    if (sa->sa_family == AF_INET) {
        memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        family = AF_INET;
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a6)) {
            memcpy(addr, &a6->s6_addr[12], 4);
            family = AF_INET;
        } else {
            memcpy(addr, a6->s6_addr, 16);
            family = AF_INET6;
        }
    } else {
        return false;
    }
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].family == family && prefix_match(list->items[i].addr, addr, list->items[i].prefix))
            return true;
    return false;
}

bool config_is_internal_host(const struct config *cfg, const struct sockaddr *sa)
{
    return network_list_contains(&cfg->internal_hosts, sa);
}

static void write_network(const struct network *net, struct strbuf *out)
{
    char text[INET6_ADDRSTRLEN];
    int max = net->family == AF_INET ? 32 : 128;

    inet_ntop(net->family, net->addr, text, sizeof text);
    strbuf_puts(out, text);
    if (net->prefix != max)
        strbuf_printf(out, "/%d", net->prefix);
}

static void write_enum(const char *choices, int index, struct strbuf *out)
{
    const char *p = choices;

    for (int i = 0; i < index && p; i++) {
        p = strchr(p, '|');
        if (p)
            p++;
    }
    if (p)
        strbuf_append(out, p, strcspn(p, "|"));
}

static void write_reminder_value(const struct key_slot *slot, const void *field, struct strbuf *out)
{
    char text[MONEY_TEXT_MAX];

    switch (slot->info.type) {
    case CONFIG_RATE:
        if (*(const long long *)field >= 0) {
            rate_format_decimal(*(const long long *)field, text);
            strbuf_puts(out, text);
        }
        break;
    case CONFIG_MONEY: {
        char amount[MONEY_STR_MAX];
        money_format_decimal(*(const long long *)field, amount);
        strbuf_puts(out, amount);
        break;
    }
    case CONFIG_DATES: {
        const struct date_list *l = field;
        for (size_t j = 0; j < l->count; j++) {
            char d[DATE_STR_MAX];
            date_format(l->items[j], d);
            strbuf_printf(out, "%s%s", j ? ", " : "", d);
        }
        break;
    }
    case CONFIG_WEEKDAYS: {
        bool first = true;
        for (int d = 0; d < 7; d++) {
            if (*(const unsigned *)field & (1u << d)) {
                strbuf_printf(out, "%s%s", first ? "" : ",", weekday_names[d]);
                first = false;
            }
        }
        break;
    }
    case CONFIG_HOURS: {
        const struct hours_range *h = field;
        strbuf_printf(out, "%02d:%02d-%02d:%02d", h->start / 60, h->start % 60, h->end / 60, h->end % 60);
        break;
    }
    case CONFIG_STEPS: {
        const struct ladder_steps *steps = field;
        for (size_t j = 0; j < steps->count; j++) {
            if (j > 0)
                strbuf_printf(out, "\n%s ", slot->info.name);
            ladder_format_step(&steps->items[j], out);
        }
        break;
    }
    default:
        break;
    }
}

void config_write(const struct config *cfg, struct strbuf *out)
{
    for (size_t i = 0; i < ARRAY_LEN(key_table); i++) {
        const struct key_slot *slot = &key_table[i];
        const void *field = (const char *)cfg + slot->offset;

        strbuf_printf(out, "%s ", slot->info.name);
        switch (slot->info.type) {
        case CONFIG_STRING:
        case CONFIG_PATH:
        case CONFIG_SOCKET:
        case CONFIG_ADDRESS:
        case CONFIG_TIMEZONE:
        case CONFIG_SUBMIT:
            strbuf_puts(out, *(char *const *)field ? *(char *const *)field : "");
            break;
        case CONFIG_RATE:
        case CONFIG_MONEY:
        case CONFIG_DATES:
        case CONFIG_WEEKDAYS:
        case CONFIG_HOURS:
        case CONFIG_STEPS:
            write_reminder_value(slot, field, out);
            break;
        case CONFIG_BOOL:
            strbuf_puts(out, *(const bool *)field ? "yes" : "no");
            break;
        case CONFIG_INT:
        case CONFIG_SIZE:
        case CONFIG_DURATION:
            strbuf_printf(out, "%lld", *(const long long *)field);
            break;
        case CONFIG_ENUM:
            write_enum(slot->info.choices, *(const int *)field, out);
            break;
        case CONFIG_SENDERS: {
            const struct strlist *l = field;
            for (size_t j = 0; j < l->count; j++)
                strbuf_printf(out, "%s%s", j ? ", " : "", l->items[j]);
            break;
        }
        case CONFIG_NETWORKS: {
            const struct network_list *l = field;
            for (size_t j = 0; j < l->count; j++) {
                if (j)
                    strbuf_puts(out, ", ");
                write_network(&l->items[j], out);
            }
            break;
        }
        }
        strbuf_putc(out, '\n');
    }
}

void config_calendar(const struct config *cfg, struct calendar *out)
{
    out->french_holidays = cfg->holidays == HOLIDAYS_FR;
    out->extra_holidays = &cfg->extra_holidays;
    out->weekdays = cfg->send_days;
    out->window_start = cfg->send_hours.start;
    out->window_end = cfg->send_hours.end;
}

long long config_penalty_rate(const struct config *cfg)
{
    if (cfg->contractual_rate >= 0)
        return cfg->contractual_rate;
    return cfg->ecb_rate + 10 * RATE_PER_PERCENT;
}
