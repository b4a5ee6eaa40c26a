/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_context.c - sets up one run of the scheduler: the calendar of
 * the configuration, the moment as local day and UTC text, the Submit
 * command parsed once for all the run's reminders.
 */
#include "remind/scheduler_context.h"

#include <string.h>

#include "lib/log.h"

bool scheduler_ctx_init(struct scheduler_ctx *x, const struct scheduler_run *run, struct scheduler_report *report)
{
    struct local_moment start;
    char why[200];

    memset(x, 0, sizeof *x);
    memset(report, 0, sizeof *report);
    x->run = run;
    x->cfg = run->cfg;
    x->report = report;
    config_calendar(run->cfg, &x->cal);
    x->local = calendar_zone_local(run->cfg->timezone, run->moment);
    calendar_utc_text(run->moment, x->at);
    start.date = x->local.date;
    start.minute = 0;
    calendar_utc_text(calendar_zone_instant(run->cfg->timezone, start), x->day_start);
    start.date = date_add_days(x->local.date, 1);
    calendar_utc_text(calendar_zone_instant(run->cfg->timezone, start), x->day_end);
    if (!submit_spec_parse(run->cfg->submit, &x->submit, why, sizeof why)) {
        log_error(NULL, "Submit: %s", why);
        return false;
    }
    return true;
}

/* DefaultLanguage's choices "fr|en" are in enum language's order. */
enum language scheduler_default_language(const struct config *cfg)
{
    return cfg->default_language == LANG_EN ? LANG_EN : LANG_FR;
}
