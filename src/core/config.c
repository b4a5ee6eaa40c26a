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
 *
 * How a value of each type is read, written and freed is config_types.c's
 * table; this file reads the lines, says where each error is, and checks
 * what no single key can tell.
 */
#include "core/config.h"
#include "text/reply_lexicon.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config_types.h"
#include "core/money.h"
#include "core/payment.h"
#include "core/statutory_rate.h"

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

static const struct config_type_ops *ops_of(const struct key_slot *slot)
{
    return config_type_ops(slot->info.type);
}

/* Whether a line may give the key an empty value. */
static bool may_be_empty(const struct key_slot *slot)
{
    switch (ops_of(slot)->empty) {
    case CONFIG_EMPTY_ALLOWED:
        return true;
    case CONFIG_EMPTY_IF_DEFAULT_EMPTY:
        return slot->info.default_text[0] == '\0';
    case CONFIG_EMPTY_REFUSED:
        break;
    }
    return false;
}

static void clear_field(struct config *cfg, const struct key_slot *slot)
{
    ops_of(slot)->free((char *)cfg + slot->offset);
}

/* Sets one key from text; list keys append. Returns NULL or an error
 * ("out of range" errors are completed with the bounds by the caller). */
static const char *set_value(struct config *cfg, const struct key_slot *slot, const char *text)
{
    return ops_of(slot)->parse((char *)cfg + slot->offset, text, &slot->info);
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
    bool in_named_ladder; /* a Ladder line came: Step lines are its own */
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

/* Keys an older relance knew: a file that still gives one loads (the key
 * is ignored) and -n and the log say why it went, so that an upgrade
 * never stops the mail filter for a line that has become useless. */
static const struct {
    const char *name, *why;
} removed_keys[] = {
    {"NotifyOtherReplies", "key removed (ignored): the creditor is now told of every reply a person writes,"
                           " and one relance cannot place waits in review (ReviewDays)"},
};

static bool removed_key(struct parse_state *st, const char *key, int lineno)
{
    for (size_t i = 0; i < ARRAY_LEN(removed_keys); i++) {
        if (strcasecmp(key, removed_keys[i].name) == 0) {
            char *old = st->cfg->removed_keys;
            st->cfg->removed_keys = xasprintf("%s%s%s:%d: %s: %s", old ? old : "", old ? "\n" : "", st->name,
                                              lineno, removed_keys[i].name, removed_keys[i].why);
            free(old);
            return true;
        }
    }
    return false;
}

/* A Step line after a Ladder line belongs to that ladder. */
static void add_named_step(struct parse_state *st, const char *value, int lineno)
{
    char why[200];

    if (value[0] == '\0')
        parse_error(st, lineno, "Step: a named ladder lists its own steps (an empty Step is the default ladder's)");
    else if (!ladder_set_add_step(&st->cfg->ladders, value, why, sizeof why))
        parse_error(st, lineno, "Step: %s: '%s'", why, value);
}

/* Where each Ladder and LadderFor line is, for the checks across keys. */
static void note_ladder_line(struct parse_state *st, const struct key_slot *slot, const char *value, int lineno)
{
    struct config *cfg = st->cfg;

    if (slot->info.type == CONFIG_LADDERS && value[0] != '\0') {
        st->in_named_ladder = true;
        cfg->ladders.items[cfg->ladders.count - 1].line = lineno;
    } else if (slot->info.type == CONFIG_LADDER_RULES && value[0] != '\0') {
        cfg->ladder_rules.items[cfg->ladder_rules.count - 1].line = lineno;
    }
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
    if (slot == NULL && removed_key(st, line, lineno))
        return;
    if (slot == NULL) {
        parse_error(st, lineno, "unknown key '%s'", line);
        return;
    }
    index = (size_t)(slot - key_table);
    if (value[0] == '\0' && !may_be_empty(slot)) {
        parse_error(st, lineno, "%s: missing value", slot->info.name);
        return;
    }
    if (st->in_named_ladder && slot->info.type == CONFIG_STEPS) {
        add_named_step(st, value, lineno);
        return;
    }
    if (st->first_line[index] != 0 && !ops_of(slot)->repeatable) {
        parse_error(st, lineno, "%s: given twice (first at line %d)", slot->info.name,
                    st->first_line[index]);
        return;
    }
    /* The first occurrence of a list key replaces the default list. */
    if (st->first_line[index] == 0 && ops_of(slot)->repeatable)
        clear_field(st->cfg, slot);
    if (st->first_line[index] == 0)
        st->first_line[index] = lineno;
    err = set_value(st->cfg, slot, value);
    if (err == NULL)
        note_ladder_line(st, slot, value, lineno);
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

    if (statutory_contractual_allowed(cfg->contractual_rate, cfg->legal_rate))
        return;
    rate_format_decimal(cfg->contractual_rate, given);
    rate_format_decimal(statutory_contractual_floor(cfg->legal_rate), floor);
    parse_error(st, line_of(st, "ContractualRate"),
                "ContractualRate: %s %% is below three times LegalInterestRate (%s %%), the floor of C. com. L441-10",
                given, floor);
}

static bool ladder_has_letters(const struct ladder_steps *steps)
{
    for (size_t i = 0; i < steps->count; i++)
        if (steps->items[i].letter)
            return true;
    return false;
}

static void check_ladder(struct parse_state *st)
{
    const struct config *cfg = st->cfg;
    char why[200];
    bool letters = ladder_has_letters(&cfg->steps);

    if (!ladder_check(&cfg->steps, why, sizeof why))
        parse_error(st, line_of(st, "Step"), "Step: %s", why);
    for (size_t i = 0; i < cfg->ladders.count; i++) {
        const struct ladder_named *n = &cfg->ladders.items[i];
        if (n->steps.count == 0)
            parse_error(st, n->line, "Ladder %s: no Step line follows it", n->name);
        else if (!ladder_check(&n->steps, why, sizeof why))
            parse_error(st, n->line, "Ladder %s: %s", n->name, why);
        letters |= ladder_has_letters(&n->steps);
    }
    if (letters && cfg->letter_dir[0] == '\0')
        parse_error(st, line_of(st, "LetterDirectory"), "LetterDirectory: steps produce letters: a directory is needed");
}

/* Each rule names a ladder that exists and can choose something: its
 * conditions can hold, and no earlier rule takes every case it would. */
static void check_ladder_rules(struct parse_state *st)
{
    const struct ladder_rules *rules = &st->cfg->ladder_rules;

    for (size_t i = 0; i < rules->count; i++) {
        const struct ladder_rule *r = &rules->items[i];
        bool shadowed = false;

        if (strcmp(r->ladder, LADDER_DEFAULT_NAME) != 0 && ladder_set_find(&st->cfg->ladders, r->ladder) == NULL)
            parse_error(st, r->line, "LadderFor: no ladder named %s (Ladder %s, then its Step lines)", r->ladder,
                        r->ladder);
        if (!ladder_rule_satisfiable(r)) {
            parse_error(st, r->line, "LadderFor: '%s' can never match (no balance fits its amounts)", r->text);
            continue;
        }
        for (size_t j = 0; j < i && !shadowed; j++) {
            shadowed = ladder_rule_covers(&rules->items[j], r);
            if (shadowed)
                parse_error(st, r->line, "LadderFor: '%s' can never match: the rule at line %d takes every case it would",
                            r->text, rules->items[j].line);
        }
    }
}

/* CPCE R124-4: the agency's letters name the agency and its address (1°),
 * the creditor and its address (2°) and how to pay (4°). A template cannot
 * say what the configuration lacks, so a ladder with a from=agency step is
 * refused without these keys once the agency is set up (AgencyName or
 * AgencySender): a configuration that sends no reminder yet still loads. */
static const char *agency_email_step(const struct ladder_steps *steps)
{
    for (size_t i = 0; i < steps->count; i++)
        if (steps->items[i].from == LADDER_FROM_AGENCY && steps->items[i].action == LADDER_EMAIL)
            return steps->items[i].name;
    return NULL;
}

static void check_agency_mentions(struct parse_state *st)
{
    const struct config *cfg = st->cfg;
    const struct {
        const char *name, *value, *what;
    } required[] = {
        {"AgencyAddress", cfg->agency_address, "1°, the agency's address"},
        {"CreditorAddress", cfg->creditor_address, "2°, the creditor's address"},
        /* An IBAN says how to pay as well (its lines and QR code). */
        {"CreditorPaymentInfo", cfg->creditor_payment[0] ? cfg->creditor_payment : cfg->creditor_iban,
         "4°, how to pay (or CreditorIban)"},
    };
    const char *agency_step = agency_email_step(&cfg->steps);
    int line = line_of(st, "Step");

    /* Any ladder's agency step needs them: the first one found is named. */
    for (size_t i = 0; i < cfg->ladders.count && agency_step == NULL; i++) {
        agency_step = agency_email_step(&cfg->ladders.items[i].steps);
        line = cfg->ladders.items[i].line;
    }
    if (agency_step == NULL || (cfg->agency_name[0] == '\0' && cfg->agency_sender[0] == '\0'))
        return;
    for (size_t i = 0; i < ARRAY_LEN(required); i++)
        if (required[i].value[0] == '\0')
            parse_error(st, line,
                        "%s: required by step %s (from=agency): its letters must give CPCE R124-4 %s", required[i].name,
                        agency_step, required[i].what);
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

/* Paying in one scan: an IBAN or a BIC with a typing error would send the
 * debtor's money nowhere (or be refused by the bank), so the file is
 * refused; the link must be https and its placeholders known. */
static void check_payment(struct parse_state *st)
{
    const struct config *cfg = st->cfg;
    char iban[PAYMENT_IBAN_MAX], bic[PAYMENT_BIC_MAX], why[200];
    struct strbuf link;

    if (cfg->creditor_iban[0] && !payment_iban_normalize(cfg->creditor_iban, iban, why, sizeof why))
        parse_error(st, line_of(st, "CreditorIban"), "CreditorIban: %s", why);
    if (cfg->creditor_bic[0] && !payment_bic_normalize(cfg->creditor_bic, bic, why, sizeof why))
        parse_error(st, line_of(st, "CreditorBic"), "CreditorBic: %s", why);
    if (cfg->creditor_bic[0] && !cfg->creditor_iban[0])
        parse_error(st, line_of(st, "CreditorBic"), "CreditorBic: given without CreditorIban");
    if (cfg->payment_link[0] == '\0')
        return;
    strbuf_init(&link);
    if (strncmp(cfg->payment_link, "https://", 8) != 0)
        parse_error(st, line_of(st, "PaymentLink"), "PaymentLink: must start with https://");
    else if (!payment_link_expand(cfg->payment_link, "F-1", 100, &link, why, sizeof why))
        parse_error(st, line_of(st, "PaymentLink"), "PaymentLink: %s", why);
    strbuf_free(&link);
}

/* What one key alone cannot tell. */
static void check_across_keys(struct parse_state *st)
{
    check_rates(st);
    check_ladder(st);
    check_ladder_rules(st);
    check_agency_mentions(st);
    check_sending(st);
    check_payment(st);
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
    reply_lexicon_set_minimum_margin(cfg->lexicon, cfg->reply_minimum_margin);
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
    free(cfg->removed_keys);
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

bool config_is_internal_host(const struct config *cfg, const struct sockaddr *sa)
{
    return network_list_contains(&cfg->internal_hosts, sa);
}

void config_write(const struct config *cfg, struct strbuf *out)
{
    for (size_t i = 0; i < ARRAY_LEN(key_table); i++) {
        const struct key_slot *slot = &key_table[i];

        strbuf_printf(out, "%s ", slot->info.name);
        ops_of(slot)->print((const char *)cfg + slot->offset, &slot->info, out);
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
    const struct rate_schedule *ecb = &cfg->ecb_rate;
    int64_t latest = ecb->count > 0 ? ecb->items[ecb->count - 1].rate : 0;

    return statutory_penalty_rate(cfg->contractual_rate, latest);
}

void config_penalty_rates(const struct config *cfg, struct rate_schedule *out)
{
    statutory_penalty_schedule(cfg->contractual_rate, &cfg->ecb_rate, out);
}

void config_warnings(const struct config *cfg, struct date today, struct strlist *out)
{
    struct date missing[STATUTORY_MISSING_MAX];
    size_t n = statutory_missing_half_years(&cfg->ecb_rate, today, missing, ARRAY_LEN(missing));

    for (const char *p = cfg->removed_keys; p != NULL && *p != '\0';) {
        size_t len = strcspn(p, "\n");
        char *line = xstrndup(p, len);
        strlist_add(out, line);
        free(line);
        p += len + (p[len] == '\n');
    }

    /* A ladder no rule names is only followed by cases that chose it before. */
    for (size_t i = 0; i < cfg->ladders.count; i++) {
        bool named = false;
        for (size_t k = 0; k < cfg->ladder_rules.count && !named; k++)
            named = strcmp(cfg->ladder_rules.items[k].ladder, cfg->ladders.items[i].name) == 0;
        if (!named)
            strlist_addf(out, "%s:%d: Ladder %s: no LadderFor rule names it: no new case will follow it",
                         cfg->path ? cfg->path : "-", cfg->ladders.items[i].line, cfg->ladders.items[i].name);
    }
    for (size_t i = 0; i < n; i++) {
        char day[DATE_STR_MAX];

        date_format(missing[i], day);
        strlist_addf(out,
                     "EcbRate: no rate for the half-year starting %s (published by the Banque de France / ECB,"
                     " update it on 1 January and 1 July)",
                     day);
    }    /* A bailiff without a name is never named: say so rather than let the
     * operator believe the formal notice mentions it. */
    if (cfg->bailiff_address[0] && !cfg->bailiff_name[0])
        strlist_addf(out, "BailiffAddress: set without BailiffName: no reminder names a bailiff");
}
