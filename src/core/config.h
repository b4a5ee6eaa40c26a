/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config.h - the loaded configuration: an immutable snapshot built from the
 * key table in config_keys.h. A reload builds a new snapshot and swaps it;
 * readers hold a reference for as long as they use one.
 */
#ifndef RELANCE_CONFIG_H
#define RELANCE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/calendar.h"
#include "core/debtor_kind.h"
#include "core/ladder.h"
#include "core/ladder_book.h"
#include "core/money.h"
#include "lib/net.h"
#include "lib/util.h"

#ifndef RELANCE_SYSCONFDIR
#define RELANCE_SYSCONFDIR "/etc"
#endif
#ifndef RELANCE_STATEDIR
#define RELANCE_STATEDIR "/var/lib/relance"
#endif

#define CONFIG_DEFAULT_PATH RELANCE_SYSCONFDIR "/relance/relanced.conf"

enum config_type {
    CONFIG_STRING,   /* free text */
    CONFIG_PATH,     /* a file path; empty allowed when the default is empty */
    CONFIG_SOCKET,   /* local:/path, unix:/path or inet[6]:port@host */
    CONFIG_BOOL,     /* yes|no|true|false|on|off|1|0 */
    CONFIG_INT,      /* decimal integer within [min, max] */
    CONFIG_SIZE,     /* bytes, with optional k, M or G suffix, within [min, max] */
    CONFIG_DURATION, /* seconds, with optional s, m, h or d suffix, within [min, max] */
    CONFIG_ENUM,     /* one of the choices; stored as its index */
    CONFIG_SENDERS,  /* list of addresses and @domain entries; repeatable */
    CONFIG_NETWORKS, /* list of IPv4/IPv6 addresses or CIDR networks; repeatable */
    CONFIG_RATE,     /* annual percentage, up to 4 decimals ("12.15"), in rate units
                        (money.h) within [min, max]; empty (-1) when the default is empty */
    CONFIG_MONEY,    /* amount ("40.00") in cents within [min, max] */
    CONFIG_DATES,    /* list of YYYY-MM-DD dates; repeatable */
    CONFIG_WEEKDAYS, /* days of the week: "Mon-Fri", "Mon,Wed,Fri" */
    CONFIG_HOURS,    /* a daily window "HH:MM-HH:MM" (end exclusive, up to 24:00) */
    CONFIG_STEPS,    /* one step of the ladder per line (ladder.h); repeatable;
                        empty: the built-in ladder */
    CONFIG_ADDRESS,  /* an addr-spec, or empty */
    CONFIG_TIMEZONE, /* a time zone name known to the system (Europe/Paris),
                        held as the zone itself (calendar.h) */
    CONFIG_SUBMIT,   /* sendmail:COMMAND ARGS... or smtp:HOST:PORT */
    CONFIG_COMPANY_IDS, /* list of SIREN, SIRET, VAT ids, normalised; repeatable */
    CONFIG_NAMES,    /* list of host-like names (letters, digits, '-', '.', '_'),
                        kept in lower case; repeatable */
    CONFIG_HALF_YEAR_RATES, /* rates by half-year, "YYYY-01-01=2.15, YYYY-07-01=2.40"
                        (each date a 1 January or 1 July), or one undated rate for
                        every half-year; repeatable (money.h's rate_schedule) */
    CONFIG_LADDERS,  /* named ladders: "Ladder NAME", its Step lines follow
                        (ladder_book.h); repeatable */
    CONFIG_LADDER_RULES, /* LadderFor rules (ladder_book.h); repeatable */
    CONFIG_TYPE_COUNT /* not a type: how many there are */
};

/* A daily window in minutes after midnight: [start, end). */
struct hours_range {
    int start;
    int end;
};

/* C types of the key table's types. */
#define CONFIG_CTYPE_STRING char *
#define CONFIG_CTYPE_PATH char *
#define CONFIG_CTYPE_SOCKET char *
#define CONFIG_CTYPE_BOOL bool
#define CONFIG_CTYPE_INT long long
#define CONFIG_CTYPE_SIZE long long
#define CONFIG_CTYPE_DURATION long long
#define CONFIG_CTYPE_ENUM int
#define CONFIG_CTYPE_SENDERS struct strlist
#define CONFIG_CTYPE_NETWORKS struct network_list
#define CONFIG_CTYPE_RATE long long
#define CONFIG_CTYPE_MONEY long long
#define CONFIG_CTYPE_DATES struct date_list
#define CONFIG_CTYPE_WEEKDAYS unsigned
#define CONFIG_CTYPE_HOURS struct hours_range
#define CONFIG_CTYPE_STEPS struct ladder_steps
#define CONFIG_CTYPE_ADDRESS char *
#define CONFIG_CTYPE_TIMEZONE struct calendar_zone *
#define CONFIG_CTYPE_SUBMIT char *
#define CONFIG_CTYPE_COMPANY_IDS struct strlist
#define CONFIG_CTYPE_NAMES struct strlist
#define CONFIG_CTYPE_HALF_YEAR_RATES struct rate_schedule
#define CONFIG_CTYPE_LADDERS struct ladder_set
#define CONFIG_CTYPE_LADDER_RULES struct ladder_rules

enum { ON_ERROR_ACCEPT = 0, ON_ERROR_TEMPFAIL = 1 };
/* Values of the reminder keys' ENUMs, in their choices' order. */
enum { HOLIDAYS_FR = 0, HOLIDAYS_NONE = 1 };
/* DefaultDebtorKind holds an enum debtor_kind (core/debtor_kind.h). */

struct reply_lexicon;

struct config {
#define CONFIG_FIELD(type, field, name, def, min, max, choices) CONFIG_CTYPE_##type field;
#include "core/config_keys.h"
    CONFIG_KEYS(CONFIG_FIELD)
#undef CONFIG_FIELD
    char *path; /* file it was loaded from, or NULL for defaults */
    /* The reply lexicon (ReplyLexicon), when the daemon loaded it
     * (config_load_lexicon); freed with the snapshot, so that a reload
     * swaps both at once. */
    struct reply_lexicon *lexicon;
    /* Keys the file gives that relance no longer knows but once did:
     * "file:line: Key: why" lines (LF-separated), said by
     * config_warnings; owned, NULL when none. */
    char *removed_keys;
    int refs;
};

/* Description of one key, for documentation checks and dumps. */
struct config_key_info {
    const char *name;
    enum config_type type;
    const char *default_text;
    long long min, max;
    const char *choices;
};

size_t config_key_count(void);
const struct config_key_info *config_key_at(size_t index);

/* A snapshot holding every default. Never fails. */
struct config *config_defaults(void);
/* Loads path over the defaults. On any error returns NULL and adds one
 * "file:line: message" line per error to errors (which may be NULL). */
struct config *config_load(const char *path, struct strlist *errors);
/* Parses configuration text (for tests); name is used in error lines. */
struct config *config_parse_text(const char *name, const char *text, struct strlist *errors);

struct config *config_ref(struct config *cfg);
void config_unref(struct config *cfg);

/* Matching helpers used by the milter. */
bool config_is_invoice_sender(const struct config *cfg, const char *address);
/* Whether address is in a list of addresses and @domain entries. */
bool config_address_listed(const struct strlist *list, const char *address);
/* Loads the ReplyLexicon directory into cfg->lexicon; false with one
 * "file:line: message" per error added to errors. */
bool config_load_lexicon(struct config *cfg, struct strlist *errors);
/* Whether a client's address is in InternalHosts (lib/net.h matches it). */
bool config_is_internal_host(const struct config *cfg, const struct sockaddr *sa);

/* Writes every key with its effective value, one "Key Value" line each
 * (one line per step for Step). */
void config_write(const struct config *cfg, struct strbuf *out);

/* The sending calendar the configuration describes (points into cfg); its
 * time zone is cfg->timezone. */
void config_calendar(const struct config *cfg, struct calendar *out);
/* The annual rate of late penalties: ContractualRate when set, else
 * EcbRate + 10 points (C. com. L441-10; statutory_rate.h), that of the
 * latest half-year EcbRate gives. */
long long config_penalty_rate(const struct config *cfg);
/* The same by period: ContractualRate for every day, else each
 * half-year's EcbRate + 10 points (L441-10 II: the ECB rate in force on
 * 1 January for the first half-year, on 1 July for the second). */
void config_penalty_rates(const struct config *cfg, struct rate_schedule *out);
/* What is right but probably stale: "EcbRate: no rate for the half-year
 * starting YYYY-MM-DD ..." for today's half-year and every earlier one
 * after the first dated rate that has none (relanced -n, and the log at
 * start and reload). */
/* What is right but worth saying: stale rates (EcbRate), keys that were
 * removed (ignored: a configuration written for an older version still
 * loads). */
void config_warnings(const struct config *cfg, struct date today, struct strlist *out);

#endif
