/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relancectl.c - the operator's tool: common options, then one command.
 *
 *   relancectl [-c FILE] [--json] COMMAND [ARGS]
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
    {"list", ctl_list, "list [--kind unknown|business|consumer] [--status STATUS] [--json]  every case (of that"
                       " kind of debtor, in that status)"},
    {"show", ctl_show, "show NUMBER [--seller NAME] [--json]  one case and its history"},
    {"inspect", ctl_inspect, "inspect FILE.eml [--json]     what relance recognises in a message"},
    {"keygen", ctl_keygen, "keygen [FILE]                 create the KeyFile secret (mode 0600)"},
    {"run-due", ctl_run_due, "run-due [--now YYYY-MM-DD[THH:MM]]  send the reminders that are due (at that moment)"},
    {"preview", ctl_preview, "preview NUMBER [--step N] [--html] [--now DATE]  print a case's rendered reminder"},
    {"reminders", ctl_reminders, "reminders [--held | --state STATE]  reminders and their states"},
    {"release", ctl_release, "release REMINDER-ID --sent|--retry  settle a held reminder"},
    {"pay", ctl_pay, "pay NUMBER [AMOUNT] [--on DATE] record a payment (default: the whole balance)"},
    {"debtor", ctl_debtor, "debtor EMAIL [--kind business|consumer] [--language fr|en] [--address 'L1|L2|CP VILLE']"
                           "  set a debtor's profile"},
    {"debtor", ctl_debtor, "debtor EMAIL --insolvent [--since YYYY-MM-DD] [--representative 'NAME, ADDRESS']"
                           " [--proceeding KIND]  a collective proceeding: every case insolvent, the creditor told"},
    {"letters", ctl_letters, "letters [--state held|to-post|posted] [--json]  postal letters and where each stands"},
    {"letter", ctl_letter, "letter ID --posted [--registered NUMBER] [--on DATE]  record that a letter was posted"},
    {"replies", ctl_replies, "replies [NUMBER] [--json]     debtors' replies, newest first"},
    {"resolve", ctl_resolve, "resolve NUMBER --resume|--cancel|--credit AMOUNT [--quiet] [--reason TEXT]  end a dispute (the debtor is"
                             " told), a pause or an insolvency (--reason required)"},
    {"pause", ctl_pause, "pause NUMBER [--until YYYY-MM-DD]  hold a case's reminders (without end by default)"},
    {"resume", ctl_resume, "resume NUMBER                 end a pause (a dispute needs resolve)"},
    {"outbox", ctl_outbox, "outbox [--state STATE] [--json]  mail about replies and what became of it"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: relancectl [-c FILE] [--json] COMMAND [ARGS]\n\ncommands:\n");
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
