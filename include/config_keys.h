/*
 * config_keys.h - every configuration key, in one table: type, field,
 * name, default, bounds. The loader (config.c), the struct (config.h), the
 * documentation check (tests) and `relanced -n` all read this table, so a
 * key exists in exactly one place.
 *
 * X(type, field, "Name", "default", min, max, "choices")
 *   type     how the value is read (see enum config_type in config.h)
 *   default  text parsed exactly like a configured value
 *   min/max  bounds for INT, SIZE (bytes) and DURATION (seconds)
 *   choices  '|'-separated words for ENUM
 */

/* clang-format off */
#define CONFIG_KEYS(X)                                                                                \
    /* Where the MTA reaches the milter. */                                                           \
    X(SOCKET,   socket,            "Socket",             "inet:8891@127.0.0.1", 0, 0, NULL)           \
    X(STRING,   user_id,           "UserID",             "relance",            0, 0, NULL)            \
    X(PATH,     pid_file,          "PidFile",            "",                   0, 0, NULL)            \
    /* Store and secrets. */                                                                          \
    X(PATH,     database,          "Database",           RELANCE_STATEDIR "/relance.db", 0, 0, NULL)  \
    X(PATH,     key_file,          "KeyFile",            RELANCE_SYSCONFDIR "/relance/relance.key", 0, 0, NULL) \
    X(DURATION, database_timeout,  "DatabaseTimeout",    "2s",                 0, 60, NULL)           \
    /* Which mail is looked at. */                                                                    \
    X(SENDERS,  invoice_senders,   "InvoiceSenders",     "",                   0, 0, NULL)            \
    X(NETWORKS, internal_hosts,    "InternalHosts",      "127.0.0.1, ::1",     0, 0, NULL)            \
    X(SIZE,     max_message_size,  "MaxMessageSize",     "25M",                65536, 1073741824, NULL) \
    X(INT,      max_mime_parts,    "MaxMimeParts",       "200",                1, 10000, NULL)        \
    X(INT,      max_mime_depth,    "MaxMimeDepth",       "12",                 1, 64, NULL)           \
    /* How invoices are read. */                                                                      \
    X(INT,      pdf_max_pages,     "PdfMaxPages",        "20",                 1, 1000, NULL)         \
    X(SIZE,     pdf_max_text,      "PdfMaxText",         "512k",               4096, 67108864, NULL)  \
    X(DURATION, pdf_max_time,      "PdfMaxTime",         "5s",                 1, 300, NULL)          \
    X(INT,      default_terms,     "DefaultPaymentTerms", "30",                0, 365, NULL)          \
    X(INT,      min_confidence,    "MinimumConfidence",  "60",                 0, 100, NULL)          \
    /* Failure modes: what the MTA is told when relance itself fails. */                             \
    X(ENUM,     on_internal_error, "On-InternalError",   "accept",             0, 0, "accept|tempfail") \
    X(ENUM,     on_db_error,       "On-DBError",         "accept",             0, 0, "accept|tempfail") \
    /* Logging. */                                                                                    \
    X(ENUM,     log_level,         "LogLevel",           "info",               0, 0, "error|warning|notice|info|debug") \
    X(BOOL,     syslog,            "Syslog",             "yes",                0, 0, NULL)            \
    X(ENUM,     syslog_facility,   "SyslogFacility",     "mail",               0, 0, "mail|daemon|local0|local1|local2|local3|local4|local5|local6|local7")
/* clang-format on */
