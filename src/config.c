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
#include "config.h"

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
    return type == CONFIG_SENDERS || type == CONFIG_NETWORKS;
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

static void clear_field(struct config *cfg, const struct key_slot *slot)
{
    void *field = (char *)cfg + slot->offset;

    switch (slot->info.type) {
    case CONFIG_STRING:
    case CONFIG_PATH:
    case CONFIG_SOCKET:
        free(*(char **)field);
        *(char **)field = NULL;
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

/* Sets one key from text; list keys append. Returns NULL or an error
 * ("out of range" errors are completed with the bounds by the caller). */
static const char *set_value(struct config *cfg, const struct key_slot *slot, const char *text)
{
    void *field = (char *)cfg + slot->offset;
    const char *err = NULL;
    long long v = 0;

    switch (slot->info.type) {
    case CONFIG_SOCKET:
        if ((err = read_socket(text)) != NULL)
            return err;
        /* fall through */
    case CONFIG_STRING:
    case CONFIG_PATH:
        if (slot->info.type == CONFIG_PATH && text[0] != '\0' && text[0] != '/')
            return "path must be absolute";
        free(*(char **)field);
        *(char **)field = xstrdup(text);
        return NULL;
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
    if (value[0] == '\0' && slot->info.type != CONFIG_PATH && slot->info.type != CONFIG_STRING &&
        !is_list_type(slot->info.type)) {
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
    free(cfg->path);
    free(cfg);
}

bool config_is_invoice_sender(const struct config *cfg, const char *address)
{
    const char *at = strrchr(address, '@');

    if (at == NULL)
        return false;
    for (size_t i = 0; i < cfg->invoice_senders.count; i++) {
        const char *entry = cfg->invoice_senders.items[i];
        if (entry[0] == '@' ? strcasecmp(entry, at) == 0 : strcasecmp(entry, address) == 0)
            return true;
    }
    return false;
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
            strbuf_puts(out, *(char *const *)field ? *(char *const *)field : "");
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
