/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relancectl.c - the operator's tool: common options, then one command.
 *
 *   relancectl [-c FILE] [--json] COMMAND [ARGS]
 *   relancectl help
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "lib/log.h"
#include "lib/message.h"
#include "recognise/invoice_xml.h"
#include "relancectl/ctl.h"

struct command {
    const char *name;
    int (*run)(struct ctl_env *env, int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"list", ctl_list, "list [--kind unknown|business|consumer] [--status STATUS] [--after ID] [--limit N] [--json]  every case (of debtors of that kind, in that status), in id order, a page at a time"},
    {"show", ctl_show, "show NUMBER [--seller NAME] [--json]  one case and its history"},
    {"inspect", ctl_inspect, "inspect FILE.eml|FILE.pdf|FILE.xml [--json]  what relance recognises in a message or document"},
    {"keygen", ctl_keygen, "keygen [FILE]                 create the KeyFile secret (mode 0600)"},
    {"run-due", ctl_run_due, "run-due [--now YYYY-MM-DD[THH:MM]] [--json]  send the reminders that are due (at that moment)"},
    {"preview", ctl_preview, "preview NUMBER [--step N] [--seller NAME] [--html] [--now DATE]  print a case's rendered reminder"},
    {"reminders", ctl_reminders, "reminders [--held | --state STATE] [--json]  reminders and their states"},
    {"release", ctl_release, "release REMINDER-ID --sent|--retry  settle a held reminder"},
    {"pay", ctl_pay, "pay NUMBER [AMOUNT] [--on DATE] [--seller NAME]  record a payment (default: the whole balance)"},
    {"import-payments", ctl_import_payments,
     "import-payments FILE [--dry-run] [--json]  pay cases from a bank statement (camt.053/054, CSV)"},
    {"debtor", ctl_debtor, "debtor EMAIL [--kind business|consumer] [--language fr|en] [--address 'L1|L2|CP VILLE']"
                           " [--deliverable] [--profile forgetful|late|bad|trusted|none] [--phone NUMBER]"
                           "  set a debtor's profile; clear an undeliverable mark\n"
                           "  debtor EMAIL --insolvent [--since YYYY-MM-DD] [--representative 'NAME, ADDRESS']"
                           " [--proceeding KIND]  a collective proceeding: every case insolvent, the creditor told"},
    {"letters", ctl_letters, "letters [--state held|to-post|posted] [--json]  postal letters and where each stands"},
    {"letter", ctl_letter, "letter ID --posted [--registered NUMBER] [--on DATE]  record that a letter was posted"},
    {"replies", ctl_replies, "replies [NUMBER] [--review] [--seller NAME] [--json]  debtors' replies, newest first"
                             " (of cases in review)"},
    {"resolve", ctl_resolve, "resolve NUMBER --resume|--cancel|--credit AMOUNT [--quiet] [--reason TEXT] [--seller NAME]"
                             "  end a dispute (the debtor is told), a pause, a review or an insolvency"
                             " (--reason required)\n"
                             "  resolve NUMBER --dispute|--promise YYYY-MM-DD|--paid  what a reply in review said, with its effect"},
    {"pause", ctl_pause, "pause NUMBER [--until YYYY-MM-DD] [--seller NAME]  hold a case's reminders (without end by default)"},
    {"resume", ctl_resume, "resume NUMBER [--seller NAME]  end a pause (a dispute needs resolve)"},
    {"stats", ctl_stats, "stats [--now YYYY-MM-DD] [--json]  the book: open balance by age, step and status, recovered, DSO"},
    {"dossier", ctl_dossier, "dossier NUMBER DIR [--seller NAME]  the court file of a case, into a new directory"},
    {"audit", ctl_audit, "audit verify [--json]          check the audit log's keyed hash chain"},
    {"tasks", ctl_tasks, "tasks [--all] [--json]        open tasks of the steps done by people (--all: every task)"},
    {"task", ctl_task, "task ID --done NOTE [--promise YYYY-MM-DD | --dispute | --paid] [--on YYYY-MM-DD]"
                       "  record what the person did and learnt, with a reply's effect"},
    {"outbox", ctl_outbox, "outbox [--state STATE | --uncertain] [--json]  mail about replies and what became of it"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: relancectl [-c FILE] [--json] COMMAND [ARGS]\n\ncommands (relancectl help: this list):\n");
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        fprintf(out, "  %s\n", commands[i].help);
}

/* Removes --json wherever it stands, so that it may follow the command. */
static int take_json_flag(int argc, char **argv, bool *json)
{
    int w = 0;

    for (int r = 0; r < argc; r++) {
        if (strcmp(argv[r], "--json") == 0)
            *json = true;
        else
            argv[w++] = argv[r];
    }
    argv[w] = NULL;
    return w;
}

int main(int argc, char **argv)
{
    struct ctl_env env = {CONFIG_DEFAULT_PATH, false, false, NULL};
    int i = 1, rc;

    argc = take_json_flag(argc, argv, &env.json);
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            env.config_path = argv[i + 1];
            env.config_given = true;
            i += 2;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[i], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "relancectl: libsodium failed to initialise\n");
        return 1;
    }
    log_open("relancectl", false, 0);
    log_set_level(LOG_LEVEL_WARNING);
    message_library_init();
    invoice_xml_init();
    for (size_t c = 0; c < ARRAY_LEN(commands); c++) {
        if (strcmp(argv[i], commands[c].name) == 0) {
            rc = commands[c].run(&env, argc - i, argv + i);
            config_unref(env.cfg);
            return rc;
        }
    }
    fprintf(stderr, "relancectl: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return 2;
}
