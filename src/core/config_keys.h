/* SPDX-License-Identifier: GPL-3.0-or-later */
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

/* Mail providers whose users are strangers to each other: a writer at
 * one of these domains is never taken for a debtor's colleague. */
#define PUBLIC_MAIL_DOMAINS                                                                           \
    "@gmail.com, @googlemail.com, @yahoo.com, @yahoo.fr, @hotmail.com, @hotmail.fr, @outlook.com,"    \
    " @outlook.fr, @live.com, @live.fr, @msn.com, @icloud.com, @me.com, @aol.com, @gmx.com, @gmx.fr," \
    " @gmx.de, @web.de, @proton.me, @protonmail.com, @orange.fr, @wanadoo.fr, @free.fr, @sfr.fr,"     \
    " @neuf.fr, @laposte.net, @bbox.fr, @numericable.fr"

/* clang-format off */
#define CONFIG_KEYS(X)                                                                                \
    /* Where the MTA reaches the milter. */                                                           \
    X(SOCKET,   socket,            "Socket",             "local:/run/relance/relanced.sock", 0, 0, NULL) \
    X(STRING,   socket_group,      "SocketGroup",        "",                   0, 0, NULL)            \
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
    X(SIZE,     max_reply_size,    "MaxReplySize",       "1M",                 65536, 1073741824, NULL) \
    X(SIZE,     archive_max_size,  "ArchiveMaxSize",     "10M",                0, 1073741824, NULL)   \
    /* How invoices are read. */                                                                      \
    X(INT,      pdf_max_pages,     "PdfMaxPages",        "20",                 1, 1000, NULL)         \
    X(SIZE,     pdf_max_text,      "PdfMaxText",         "512k",               4096, 67108864, NULL)  \
    X(DURATION, pdf_max_time,      "PdfMaxTime",         "5s",                 1, 300, NULL)          \
    X(SIZE,     pdf_max_memory,    "PdfMaxMemory",       "256M",               67108864, 17179869184LL, NULL) \
    X(INT,      pdf_max_files,     "PdfMaxEmbeddedFiles", "20",                1, 1000, NULL)         \
    X(SIZE,     pdf_max_decoded,   "PdfMaxDecoded",      "32M",                65536, 1073741824, NULL) \
    X(PATH,     pdf_worker,        "PdfWorker",          RELANCE_LIBEXECDIR "/relance/relance-pdf", 0, 0, NULL) \
    X(INT,      default_terms,     "DefaultPaymentTerms", "30",                0, 365, NULL)          \
    X(INT,      min_confidence,    "MinimumConfidence",  "60",                 0, 100, NULL)          \
    /* Failure modes: what the MTA is told when relance itself fails. */                             \
    X(ENUM,     on_internal_error, "On-InternalError",   "accept",             0, 0, "accept|tempfail") \
    X(ENUM,     on_db_error,       "On-DBError",         "accept",             0, 0, "accept|tempfail") \
    /* Reminders: when they go out (relanced's scheduler, relancectl run-due). */                     \
    X(TIMEZONE, timezone,          "Timezone",           "Europe/Paris",       0, 0, NULL)            \
    X(WEEKDAYS, send_days,         "SendDays",           "Mon-Fri",            0, 0, NULL)            \
    X(HOURS,    send_hours,        "SendHours",          "09:00-18:00",        0, 0, NULL)            \
    X(ENUM,     holidays,          "Holidays",           "fr",                 0, 0, "fr|none")       \
    X(DATES,    extra_holidays,    "ExtraHolidays",      "",                   0, 0, NULL)            \
    X(DURATION, scheduler_interval, "SchedulerInterval", "15m",                0, 86400, NULL)        \
    X(DURATION, pending_timeout,   "PendingTimeout",     "10m",                1, 86400, NULL)        \
    /* Reminders: the ladder. */                                                                      \
    X(STEPS,    steps,             "Step",               "",                   0, 0, NULL)            \
    X(LADDERS,  ladders,           "Ladder",             "",                   0, 0, NULL)            \
    X(LADDER_RULES, ladder_rules,  "LadderFor",          "",                   0, 0, NULL)            \
    X(INT,      courtesy_days,     "CourtesyNotice",     "0",                  0, 30, NULL)           \
    X(INT,      formal_notice_days, "FormalNoticeDays",  "8",                  1, 60, NULL)           \
    X(ENUM,     default_language,  "DefaultLanguage",    "fr",                 0, 0, "fr|en")         \
    X(ENUM,     default_debtor_kind, "DefaultDebtorKind", "unknown",           0, 0, "unknown|business|consumer") \
    /* Reminders: money and law (rates in percent a year). */                                         \
    X(HALF_YEAR_RATES, ecb_rate,   "EcbRate",            "2.15",               0, 10000000, NULL)     \
    X(RATE,     legal_rate,        "LegalInterestRate",  "2.62",               0, 10000000, NULL)     \
    X(RATE,     contractual_rate,  "ContractualRate",    "",                   0, 10000000, NULL)     \
    X(MONEY,    recovery_indemnity, "RecoveryIndemnity", "40.00",              0, 100000, NULL)       \
    X(MONEY,    minimum_amount,    "MinimumAmount",      "5.00",               0, 1000000000000000LL, NULL) \
    /* Reminders: who writes, on whose behalf, and where replies go. */                              \
    X(STRING,   creditor_name,     "CreditorName",       "",                   0, 0, NULL)            \
    X(COMPANY_IDS, creditor_ids,   "CreditorIds",        "",                   0, 0, NULL)            \
    X(STRING,   creditor_address,  "CreditorAddress",    "",                   0, 0, NULL)            \
    X(ADDRESS,  creditor_email,    "CreditorEmail",      "",                   0, 0, NULL)            \
    X(STRING,   creditor_payment,  "CreditorPaymentInfo", "",                  0, 0, NULL)            \
    X(STRING,   creditor_terms,    "CreditorTerms",      "",                   0, 0, NULL)            \
    /* Reminders: paying in one scan (IBAN, EPC QR code, cheque, online). */                          \
    X(STRING,   creditor_iban,     "CreditorIban",       "",                   0, 0, NULL)            \
    X(STRING,   creditor_bic,      "CreditorBic",        "",                   0, 0, NULL)            \
    X(STRING,   creditor_cheque_address, "CreditorChequeAddress", "",          0, 0, NULL)            \
    X(STRING,   payment_link,      "PaymentLink",        "",                   0, 0, NULL)            \
    X(STRING,   agency_name,       "AgencyName",         "",                   0, 0, NULL)            \
    X(STRING,   agency_address,    "AgencyAddress",      "",                   0, 0, NULL)            \
    X(ADDRESS,  agency_sender,     "AgencySender",       "",                   0, 0, NULL)            \
    X(ADDRESS,  creditor_sender,   "CreditorSender",     "",                   0, 0, NULL)            \
    /* Reminders: the agency's people and partners. */                                              \
    X(STRING,   agency_contact_name, "AgencyContactName", "",                  0, 0, NULL)            \
    X(STRING,   agency_contact_phone, "AgencyContactPhone", "",                0, 0, NULL)            \
    X(STRING,   bailiff_name,      "BailiffName",        "",                   0, 0, NULL)            \
    X(STRING,   bailiff_address,   "BailiffAddress",     "",                   0, 0, NULL)            \
    X(ADDRESS,  reply_address,     "ReplyAddress",       "",                   0, 0, NULL)            \
    /* Reminders: the consumer mediator (C. consom. L612-1, L616-1). */                               \
    X(STRING,   mediator_name,     "MediatorName",       "",                   0, 0, NULL)            \
    X(STRING,   mediator_address,  "MediatorAddress",    "",                   0, 0, NULL)            \
    X(STRING,   mediator_website,  "MediatorWebsite",    "",                   0, 0, NULL)            \
    /* Reminders: how they are written and handed to the MTA. */                                     \
    X(PATH,     template_dir,      "TemplateDirectory",  RELANCE_SYSCONFDIR "/relance/templates", 0, 0, NULL) \
    X(SUBMIT,   submit,            "Submit",             "smtp:127.0.0.1:25",  0, 0, NULL)          \
    X(BOOL,     dry_run,           "DryRun",             "no",                 0, 0, NULL)            \
    X(PATH,     dry_run_dir,       "DryRunDirectory",    RELANCE_STATEDIR "/dry-run", 0, 0, NULL)     \
    X(ADDRESS,  redirect_to,       "RedirectTo",         "",                   0, 0, NULL)            \
    X(PATH,     letter_dir,        "LetterDirectory",    RELANCE_STATEDIR "/letters", 0, 0, NULL)     \
    /* Logging. */                                                                                    \
    X(ENUM,     log_level,         "LogLevel",           "info",               0, 0, "error|warning|notice|info|debug") \
    X(BOOL,     syslog,            "Syslog",             "yes",                0, 0, NULL)            \
    X(ENUM,     syslog_facility,   "SyslogFacility",     "mail",               0, 0, "mail|daemon|local0|local1|local2|local3|local4|local5|local6|local7") \
    /* Replies: how debtors' answers are read. */                                                     \
    X(PATH,     reply_lexicon,     "ReplyLexicon",       RELANCE_SYSCONFDIR "/relance/replies", 0, 0, NULL) \
    X(INT,      reply_minimum_margin, "ReplyMinimumMargin", "25",              0, 100, NULL)          \
    X(SENDERS,  public_mail_domains, "PublicMailDomains", PUBLIC_MAIL_DOMAINS, 0, 0, NULL)         \
    X(NAMES,    trusted_authserv_ids, "TrustedAuthservIDs", "",               0, 0, NULL)            \
    /* Replies: what they do. */                                                                      \
    X(INT,      promise_grace_days, "PromiseGraceDays",  "3",                  0, 60, NULL)           \
    X(INT,      promise_default_days, "PromiseDefaultDays", "10",              1, 90, NULL)           \
    X(INT,      payment_verification_days, "PaymentVerificationDays", "10",    1, 90, NULL)           \
    X(INT,      promise_max_days,  "PromiseMaxDays",     "60",                 1, 365, NULL)          \
    X(INT,      max_pauses_per_case, "MaxPausesPerCase", "3",                  1, 20, NULL)           \
    X(BOOL,     acknowledge_disputes, "AcknowledgeDisputes", "yes",            0, 0, NULL)            \
    X(INT,      review_days,       "ReviewDays",         "5",                  1, 30, NULL)           \
    /* Steps done by people (Step ... action=task). */                                                \
    X(INT,      task_timeout_days, "TaskTimeoutDays",    "5",                  1, 60, NULL)           \
    X(BOOL,     task_digest,       "TaskDigest",         "no",                 0, 0, NULL)
/* clang-format on */
