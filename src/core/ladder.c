/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ladder.c - steps of the escalation ladder and which one is due (see
 * ladder.h). Pure logic: no SQL, no I/O, no clock.
 */
#include "core/ladder.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void step_init(struct ladder_step *s, const char *name, int delay, int interval)
{
    memset(s, 0, sizeof *s);
    str_copy(s->name, sizeof s->name, name);
    str_copy(s->template_name, sizeof s->template_name, name);
    s->delay = delay;
    s->interval = interval;
    s->from = LADDER_FROM_CREDITOR;
    s->action = LADDER_EMAIL;
    s->severity = LADDER_RED;
    s->claim = true;
    /* The partner bailiff is named, as a fact, in the agency's formal
     * notice only, unless a Step line says otherwise (bailiff=). */
    s->bailiff = strcmp(name, "agence-mise-en-demeure") == 0;
}

/* The seeds' practice (DESIGN.md). Intervals keep each step clear of the
 * previous one's deadline: a formal notice gives 8 days, so what follows
 * it waits at least 10. */
void ladder_default_steps(struct ladder_steps *out)
{
    struct ladder_step *s = out->items;

    memset(out, 0, sizeof *out);
    step_init(&s[0], "rappel", 1, 0);
    s[0].severity = LADDER_GREEN;
    s[0].claim = false;
    step_init(&s[1], "avis-impaye", 15, 7);
    s[1].severity = LADDER_ORANGE;
    step_init(&s[2], "mise-en-demeure", 30, 7);
    step_init(&s[3], "agence-courriel", 45, 10);
    s[3].from = LADDER_FROM_AGENCY;
    s[3].copy = true;
    step_init(&s[4], "agence-lettre", 55, 7);
    s[4].from = LADDER_FROM_AGENCY;
    s[4].copy = true;
    s[4].letter = true;
    step_init(&s[5], "agence-mise-en-demeure", 65, 7);
    s[5].from = LADDER_FROM_AGENCY;
    s[5].copy = true;
    s[5].letter = true;
    s[5].registered = true;
    step_init(&s[6], "injonction", 80, 10);
    s[6].from = LADDER_FROM_AGENCY;
    s[6].action = LADDER_COURT;
    out->count = 7;
}

void ladder_courtesy_step(struct ladder_step *out)
{
    step_init(out, "courtoisie", 0, 0);
    out->severity = LADDER_GREEN;
    out->claim = false;
}

/* ---- parsing ---- */

static bool name_valid(const char *s)
{
    if (s[0] == '\0' || strlen(s) >= LADDER_NAME_MAX)
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

static bool parse_days(const char *v, int min, int *out)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno != 0 || n < min || n > LADDER_MAX_DELAY)
        return false;
    *out = (int)n;
    return true;
}

static bool parse_yes_no(const char *v, bool *out)
{
    if (strcasecmp(v, "yes") == 0)
        *out = true;
    else if (strcasecmp(v, "no") == 0)
        *out = false;
    else
        return false;
    return true;
}

/* Index of v in the '|'-separated words, or -1. */
static int parse_word(const char *v, const char *words)
{
    int index = 0;

    for (const char *p = words; *p; index++) {
        size_t n = strcspn(p, "|");
        if (strlen(v) == n && strncasecmp(v, p, n) == 0)
            return index;
        p += n + (p[n] == '|');
    }
    return -1;
}

static bool set_attribute(struct ladder_step *s, const char *key, const char *v, bool *has_after)
{
    int w;

    if (strcmp(key, "after") == 0)
        return (*has_after = parse_days(v, 1, &s->delay));
    if (strcmp(key, "interval") == 0)
        return parse_days(v, 0, &s->interval);
    if (strcmp(key, "template") == 0)
        return name_valid(v) && str_copy(s->template_name, sizeof s->template_name, v);
    if (strcmp(key, "copy") == 0)
        return parse_yes_no(v, &s->copy);
    if (strcmp(key, "letter") == 0 && strcasecmp(v, "registered") == 0)
        return (s->letter = s->registered = true);
    if (strcmp(key, "letter") == 0)
        return (s->registered = false, parse_yes_no(v, &s->letter));
    if (strcmp(key, "claim") == 0)
        return parse_yes_no(v, &s->claim);
    if (strcmp(key, "bailiff") == 0)
        return parse_yes_no(v, &s->bailiff);
    if (strcmp(key, "from") == 0 && (w = parse_word(v, "creditor|agency")) >= 0)
        s->from = (enum ladder_identity)w;
    else if (strcmp(key, "action") == 0 && (w = parse_word(v, "email|court|task")) >= 0)
        s->action = (enum ladder_action)w;
    else if (strcmp(key, "task") == 0 && (w = parse_word(v, "call|visit|letter|sms")) >= 0)
        s->task = (enum ladder_task_kind)(w + 1);
    else if (strcmp(key, "severity") == 0 && (w = parse_word(v, "green|orange|red")) >= 0)
        s->severity = (enum ladder_severity)w;
    else
        return false;
    return true;
}

/* A task step is a person's work: it needs to say which, and as it sends
 * nothing it cannot claim, copy nor print (claim=no is implied: penalties
 * are claimed by a mail the debtor reads, never by a phone call). */
static bool task_attributes_agree(struct ladder_step *s, char *why, size_t whylen)
{
    if (s->action == LADDER_TASK && s->task == LADDER_TASK_NONE) {
        str_format(why, whylen, "step %s: action=task needs task=call|visit|letter|sms", s->name);
        return false;
    }
    if (s->action != LADDER_TASK && s->task != LADDER_TASK_NONE) {
        str_format(why, whylen, "step %s: task= goes with action=task", s->name);
        return false;
    }
    if (s->action == LADDER_TASK && (s->copy || s->letter)) {
        str_format(why, whylen, "step %s: a task step sends nothing: no copy=yes nor letter=", s->name);
        return false;
    }
    if (s->action == LADDER_TASK)
        s->claim = false;
    return true;
}

bool ladder_parse_step(const char *text, struct ladder_step *out, char *why, size_t whylen)
{
    char *copy = xstrdup(text), *save = NULL;
    char *word = strtok_r(copy, " \t", &save);
    bool has_after = false, ok = true;

    if (word == NULL || !name_valid(word)) {
        str_format(why, whylen, "a step starts with its name (a-z, 0-9, '-', '_'; at most %d characters)",
                   LADDER_NAME_MAX - 1);
        free(copy);
        return false;
    }
    step_init(out, word, 0, 0);
    while (ok && (word = strtok_r(NULL, " \t", &save)) != NULL) {
        char *eq = strchr(word, '=');
        if (eq == NULL) {
            str_format(why, whylen, "expected key=value, got '%s'", word);
            ok = false;
            break;
        }
        *eq = '\0';
        if (!set_attribute(out, word, eq + 1, &has_after)) {
            str_format(why, whylen, "bad step attribute %s=%s", word, eq + 1);
            ok = false;
        }
    }
    if (ok && !has_after) {
        str_format(why, whylen, "step %s: after=DAYS is required", out->name);
        ok = false;
    }
    if (ok)
        ok = task_attributes_agree(out, why, whylen);
    free(copy);
    return ok;
}

bool ladder_check(const struct ladder_steps *steps, char *why, size_t whylen)
{
    for (size_t i = 0; i < steps->count; i++) {
        const struct ladder_step *s = &steps->items[i];
        if (i > 0 && s->delay < steps->items[i - 1].delay) {
            str_format(why, whylen, "step %s comes before %s in time: steps are listed in order",
                       s->name, steps->items[i - 1].name);
            return false;
        }
        if (s->action == LADDER_TASK && i == 0) {
            str_format(why, whylen, "step %s is a task: the first step is a mail the debtor reads", s->name);
            return false;
        }
        if (s->action == LADDER_COURT && i + 1 != steps->count) {
            str_format(why, whylen, "step %s hands the case to court: it must be the last", s->name);
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(s->name, steps->items[j].name) == 0) {
                str_format(why, whylen, "step %s is listed twice", s->name);
                return false;
            }
        }
    }
    return true;
}

const char *ladder_severity_name(enum ladder_severity severity)
{
    static const char *const names[] = {"green", "orange", "red"};
    return (unsigned)severity < ARRAY_LEN(names) ? names[severity] : "red";
}

const char *ladder_task_kind_name(enum ladder_task_kind kind)
{
    static const char *const names[] = {"", "call", "visit", "letter", "sms"};
    return (unsigned)kind < ARRAY_LEN(names) ? names[kind] : "";
}

void ladder_format_step(const struct ladder_step *s, struct strbuf *out)
{
    strbuf_printf(out, "%s after=%d interval=%d from=%s action=%s severity=%s template=%s copy=%s letter=%s claim=%s bailiff=%s",
                  s->name, s->delay, s->interval, s->from == LADDER_FROM_AGENCY ? "agency" : "creditor",
                  s->action == LADDER_COURT ? "court" : s->action == LADDER_TASK ? "task" : "email",
                  ladder_severity_name(s->severity), s->template_name, s->copy ? "yes" : "no",
                  s->registered ? "registered" : s->letter ? "yes" : "no", s->claim ? "yes" : "no",
                  s->bailiff ? "yes" : "no");
    if (s->action == LADDER_TASK)
        strbuf_printf(out, " task=%s", ladder_task_kind_name(s->task));
}

/* ---- which step is due ---- */

bool ladder_next_step_day(const struct ladder_steps *steps, const struct ladder_case *c, struct date *out)
{
    const struct ladder_step *next;
    struct date day;

    if (c->level < 0 || (size_t)c->level >= steps->count || !date_is_set(c->due))
        return false;
    next = &steps->items[c->level];
    day = date_add_days(c->due, next->delay);
    if (c->level > 0 && date_is_set(c->last_step)) {
        struct date after_previous = date_add_days(c->last_step, next->interval);
        if (date_compare(after_previous, day) > 0)
            day = after_previous;
    }
    /* The answer to a dispute counts as the previous step: the ladder
     * restarts from it, the next step its interval after. */
    if (date_is_set(c->resumed)) {
        struct date after_answer = date_add_days(c->resumed, next->interval);
        if (date_compare(after_answer, day) > 0)
            day = after_answer;
    }
    *out = day;
    return true;
}

static bool courtesy_due(int courtesy_days, const struct ladder_case *c, struct date today)
{
    if (courtesy_days <= 0 || c->level != 0 || c->courtesy_done)
        return false;
    return date_compare(today, date_add_days(c->due, -courtesy_days)) >= 0 &&
           date_compare(today, c->due) < 0;
}

int ladder_due_step(const struct ladder_steps *steps, int courtesy_days, const struct ladder_case *c,
                    struct date today)
{
    struct date day;

    if (!date_is_set(c->due))
        return LADDER_NONE;
    if (courtesy_due(courtesy_days, c, today))
        return LADDER_COURTESY;
    /* A step after the first needs the date of the one before it: without
     * it the interval cannot be honoured, so nothing is due. */
    if (c->level > 0 && !date_is_set(c->last_step))
        return LADDER_NONE;
    if (!ladder_next_step_day(steps, c, &day) || date_compare(today, day) < 0)
        return LADDER_NONE;
    return c->level + 1;
}
