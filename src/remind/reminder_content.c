/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reminder_content.c - amounts and template variables of a reminder (see
 * reminder_content.h).
 */
#include "remind/reminder_content.h"
#include "remind/ladder_choice.h"

#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/money.h"
#include "remind/reminder_payment.h"

void reminder_line_amounts(const struct config *cfg, bool claim, enum debtor_kind kind, struct date today,
                           const struct money_payment *payments, size_t payment_count, struct reminder_line *line)
{
    const struct case_row *c = &line->dc->c;

    line->principal = c->balance;
    line->days_late = date_diff_days(c->inv.due_date, today);
    line->penalties = 0;
    line->indemnity = 0;
    /* A consumer, and a debtor not known to be a business, owe the
     * principal alone (L441-10 and D441-5 are for professionals). */
    if (!claim || !debtor_kind_owes_penalties(kind) || line->days_late <= 0)
        return;
    /* rates is a kilobyte on the stack: no allocation to fail. */
    struct rate_schedule rates;

    config_penalty_rates(cfg, &rates);
    line->penalties = money_late_penalties_dated(c->balance, c->inv.due_date, today, payments, payment_count,
                                                 &rates);
    /* D441-5: one fixed indemnity per invoice paid late, in euros; never
     * added to an invoice in another currency (no conversion is made). */
    if (strcmp(c->inv.currency, "EUR") == 0)
        line->indemnity = cfg->recovery_indemnity;
}

/* ---- labels ---- */

struct label {
    const char *key, *fr, *en;
};

static const struct label step_labels[] = {
    {"courtoisie", "Avis de courtoisie", "Courtesy notice"},
    {"rappel", "Rappel d'échéance", "Payment reminder"},
    {"avis-impaye", "Avis d'impayé", "Notice of unpaid invoice"},
    {"mise-en-demeure", "Mise en demeure", "Formal notice"},
    {"agence-courriel", "Relance de l'agence de recouvrement", "Collection agency reminder"},
    {"agence-lettre", "Lettre de l'agence de recouvrement", "Collection agency letter"},
    {"agence-mise-en-demeure", "Mise en demeure de l'agence de recouvrement", "Collection agency formal notice"},
    {"injonction", "Dossier pour injonction de payer", "File for a payment order"},
};

static const struct label words[] = {
    {"invoice", "Facture", "Invoice"},
    {"date", "Date", "Date"},
    {"due", "Échéance", "Due date"},
    {"amount", "Montant TTC", "Amount"},
    {"outstanding", "Reste dû", "Outstanding"},
    {"principal", "Principal", "Principal"},
    {"penalties", "Pénalités", "Interest"},
    {"indemnity", "Indemnité", "Compensation"},
    {"total", "Total", "Total"},
    {"step", "Étape", "Step"},
    {"recipient", "Destinataire", "Recipient"},
    {"invoices", "Factures", "Invoices"},
    {"and", "et", "and"},
};

static const char *pick(const struct label *table, size_t n, const char *key, enum language lang)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].key, key) == 0)
            return lang == LANG_EN ? table[i].en : table[i].fr;
    return key;
}

const char *reminder_step_label(const char *step_name, enum language lang)
{
    return pick(step_labels, ARRAY_LEN(step_labels), step_name, lang);
}

static const char *word(const char *key, enum language lang)
{
    return pick(words, ARRAY_LEN(words), key, lang);
}

/* ---- values ---- */

static void set_money(struct template_vars *v, const char *name, int64_t cents, const char *currency,
                      enum language lang)
{
    char text[MONEY_TEXT_MAX];

    money_format_text(cents, currency, lang, text);
    template_set(v, name, text);
}

/* A date in words, its parts held together by U+00A0: "30 janvier 2026"
 * is never broken across lines. */
static void put_long_date(struct strbuf *sb, struct date d, enum language lang)
{
    char text[64];

    calendar_format_long(d, lang, text, sizeof text);
    for (const char *p = text; *p; p++) {
        if (*p == ' ')
            strbuf_puts(sb, "\xc2\xa0");
        else
            strbuf_putc(sb, *p);
    }
}

static void set_date(struct template_vars *v, const char *name, struct date d, enum language lang)
{
    struct strbuf sb;

    strbuf_init(&sb);
    put_long_date(&sb, d, lang);
    template_set(v, name, sb.data ? sb.data : "");
    strbuf_free(&sb);
}

/* Short dates in tables: 30/01/2026 in French, 2026-01-30 in English
 * (unambiguous for every English-speaking reader). */
static void short_date(struct date d, enum language lang, char *out, size_t size)
{
    if (!date_is_set(d))
        str_copy(out, size, "-");
    else if (lang == LANG_FR)
        str_format(out, size, "%02d/%02d/%04d", d.day, d.month, d.year);
    else
        date_format(d, out);
}

static const char *currency_of(const struct reminder_content *rc)
{
    return rc->count > 0 ? rc->lines[0].dc->c.inv.currency : "EUR";
}

/* "F-1", "F-1 et F-2", "F-1, F-2 et F-3". */
static void invoice_numbers(const struct reminder_content *rc, struct strbuf *out)
{
    for (size_t i = 0; i < rc->count; i++) {
        if (i > 0)
            strbuf_printf(out, i + 1 == rc->count ? " %s " : ", ", word("and", rc->lang));
        strbuf_puts(out, rc->lines[i].dc->c.inv.number);
    }
}

static void invoices_table(const struct reminder_content *rc, struct template_vars *v)
{
    const char *header[] = {word("invoice", rc->lang), word("date", rc->lang), word("due", rc->lang),
                            word("amount", rc->lang), word("outstanding", rc->lang)};
    struct template_table t;
    char amount[MONEY_TEXT_MAX], owed[MONEY_TEXT_MAX], issued[16], due[16];
    int64_t total = 0;

    template_table_init(&t, 5);
    t.right[3] = t.right[4] = true;
    template_table_row(&t, header);
    for (size_t i = 0; i < rc->count; i++) {
        const struct case_row *c = &rc->lines[i].dc->c;
        const char *row[] = {c->inv.number, issued, due, amount, owed};
        short_date(c->inv.issue_date, rc->lang, issued, sizeof issued);
        short_date(c->inv.due_date, rc->lang, due, sizeof due);
        money_format_text(c->inv.amount_due, c->inv.currency, rc->lang, amount);
        money_format_text(rc->lines[i].principal, c->inv.currency, rc->lang, owed);
        template_table_row(&t, row);
        total += rc->lines[i].principal;
    }
    if (rc->count > 1) {
        const char *row[] = {word("total", rc->lang), "", "", "", owed};
        money_format_text(total, currency_of(rc), rc->lang, owed);
        template_table_row(&t, row);
        t.total_rows = 1;
    }
    template_set_table(v, "invoices", &t);
}

/* Itemised: each invoice's principal, penalties, indemnity and total,
 * then the totals. */
static void amounts_table(const struct reminder_content *rc, struct template_vars *v)
{
    const char *header[] = {word("invoice", rc->lang), word("principal", rc->lang), word("penalties", rc->lang),
                            word("indemnity", rc->lang), word("total", rc->lang)};
    char cells[4][MONEY_TEXT_MAX];
    int64_t sums[4] = {0, 0, 0, 0};
    struct template_table t;
    const char *cur = currency_of(rc);

    template_table_init(&t, 5);
    t.right[1] = t.right[2] = t.right[3] = t.right[4] = true;
    template_table_row(&t, header);
    for (size_t i = 0; i < rc->count; i++) {
        const struct reminder_line *l = &rc->lines[i];
        int64_t values[4] = {l->principal, l->penalties, l->indemnity,
                             l->principal + l->penalties + l->indemnity};
        const char *row[] = {l->dc->c.inv.number, cells[0], cells[1], cells[2], cells[3]};
        for (int k = 0; k < 4; k++) {
            money_format_text(values[k], cur, rc->lang, cells[k]);
            sums[k] += values[k];
        }
        template_table_row(&t, row);
    }
    {
        const char *row[] = {word("total", rc->lang), cells[0], cells[1], cells[2], cells[3]};
        for (int k = 0; k < 4; k++)
            money_format_text(sums[k], cur, rc->lang, cells[k]);
        template_table_row(&t, row);
        t.total_rows = 1;
    }
    template_set_table(v, "amounts", &t);
}

/* Earlier reminders of these cases, oldest first (for the creditor). */
static void history_table(const struct reminder_content *rc, struct template_vars *v)
{
    const char *header[] = {word("date", rc->lang), word("step", rc->lang), word("invoices", rc->lang),
                            word("recipient", rc->lang)};
    struct template_table t;

    template_table_init(&t, 4);
    template_table_row(&t, header);
    for (size_t i = rc->history ? rc->history->count : 0; i-- > 0;) {
        const struct reminder_row *r = &rc->history->items[i];
        char day[16];
        struct date d = {0, 0, 0};
        const char *row[] = {day, reminder_step_label(r->step_name, rc->lang), r->numbers, r->recipient};
        if (r->state != REMINDER_SENT)
            continue;
        date_parse(r->sent_at, &d);
        short_date(d, rc->lang, day, sizeof day);
        template_table_row(&t, row);
    }
    template_set_table(v, "history", &t);
}

/* FNV-1a: a stable tag for the creditor, the same on every machine. */
void reminder_agency_reference(const struct config *cfg, int64_t case_id, char *out, size_t size)
{
    uint32_t h = 2166136261u;

    for (const unsigned char *p = (const unsigned char *)cfg->creditor_name; *p; p++)
        h = (h ^ *p) * 16777619u;
    str_format(out, size, "R-%04X-%06lld", (unsigned)((h >> 16) ^ (h & 0xffff)), (long long)case_id);
}

static bool step_is_agency(const struct config *cfg, const struct reminder_row *r)
{
    const struct ladder_step *s = ladder_step_named(cfg, r->step_name);

    if (s != NULL)
        return s->from == LADDER_FROM_AGENCY;
    /* A step since renamed: its number still says where it stood. */
    if (r->step >= 1 && (size_t)r->step <= cfg->steps.count)
        return cfg->steps.items[r->step - 1].from == LADDER_FROM_AGENCY;
    return false;
}

const struct reminder_row *reminder_first_agency_letter(const struct config *cfg, const struct reminder_list *history,
                                                        const char *step_name)
{
    const struct reminder_row *first = NULL;

    if (history == NULL)
        return NULL;
    /* Newest first: the last match is the oldest. */
    for (size_t i = 0; i < history->count; i++) {
        const struct reminder_row *r = &history->items[i];
        if (r->state == REMINDER_SENT && r->sent_at[0] && strcmp(r->step_name, step_name) != 0 &&
            step_is_agency(cfg, r))
            first = r;
    }
    return first;
}

void reminder_reference_vars(const struct config *cfg, enum language lang, int64_t case_id, struct date first_date,
                             bool first, struct template_vars *v)
{
    char reference[32];

    reminder_agency_reference(cfg, case_id, reference, sizeof reference);
    template_set(v, "agency_reference", reference);
    set_date(v, "agency_first_date", first_date, lang);
    template_set_flag(v, "agency_first", first);
}

static void parties_vars(const struct reminder_content *rc, struct template_vars *v)
{
    const struct config *cfg = rc->cfg;
    const struct case_row *first = &rc->lines[0].dc->c;
    const char *debtor = first->debtor_name[0] ? first->debtor_name
                         : first->inv.buyer_name[0] ? first->inv.buyer_name
                                                    : first->debtor_email;

    template_set(v, "creditor_name", cfg->creditor_name);
    template_set(v, "creditor_address", cfg->creditor_address);
    template_set(v, "creditor_email", cfg->creditor_email);
    template_set(v, "payment_info", cfg->creditor_payment);
    template_set(v, "agency_name", cfg->agency_name);
    template_set(v, "agency_address", cfg->agency_address);
    template_set(v, "agency_email", cfg->agency_sender);
    template_set(v, "sender_name", rc->sender_name);
    template_set(v, "reply_address", rc->reply_address);
    template_set(v, "debtor_name", debtor);
    template_set(v, "debtor_email", first->debtor_email);
    template_set_flag(v, "payment_info", cfg->creditor_payment[0] != '\0');
    template_set_flag(v, "creditor_address", cfg->creditor_address[0] != '\0');
    template_set_flag(v, "agency_address", cfg->agency_address[0] != '\0');
    template_set_flag(v, "business", rc->kind == DEBTOR_KIND_BUSINESS);
    template_set_flag(v, "consumer", rc->kind == DEBTOR_KIND_CONSUMER);
    template_set_flag(v, "unknown", rc->kind == DEBTOR_KIND_UNKNOWN);
    template_set(v, "creditor_terms", cfg->creditor_terms);
    template_set_flag(v, "creditor_terms", cfg->creditor_terms[0] != '\0');
    /* The creditor's own reminder going out from the agency's mailbox
     * (no CreditorSender): the footer says why the address is not the
     * creditor's, without making the agency the writer. */
    template_set_flag(v, "relayed", rc->step->from == LADDER_FROM_CREDITOR && cfg->creditor_sender[0] == '\0');
}

/* The agency's people and partners. The contact signs the agency's
 * steps. The bailiff (a commissaire de justice the agency works with) is
 * named only by the steps that say so (Step bailiff=yes; by default the
 * agency's formal notice), only to the debtor, and only as a fact: CPCE
 * R124-4 lists what the agency's letter must say and forbids nothing
 * more, but C. pén. 433-13 punishes a document that could be confused
 * with a judicial act or an official one, and a threat of steps that are
 * not open yet (no enforcement without a title, CPCE L111-2) would
 * mislead: the templates say the file "could be entrusted" to it,
 * nothing else. */
static void people_vars(const struct reminder_content *rc, struct template_vars *v)
{
    const struct config *cfg = rc->cfg;
    bool bailiff = rc->step->bailiff && rc->step->action != LADDER_COURT && cfg->bailiff_name[0] != '\0';

    template_set(v, "agency_contact_name", cfg->agency_contact_name);
    template_set(v, "agency_contact_phone", cfg->agency_contact_phone);
    template_set_flag(v, "agency_contact_name", cfg->agency_contact_name[0] != '\0');
    template_set_flag(v, "agency_contact_phone", cfg->agency_contact_phone[0] != '\0');
    template_set(v, "bailiff_name", bailiff ? cfg->bailiff_name : "");
    template_set(v, "bailiff_address", bailiff ? cfg->bailiff_address : "");
    template_set_flag(v, "bailiff", bailiff);
    template_set_flag(v, "bailiff_address", bailiff && cfg->bailiff_address[0] != '\0');
}

/* The consumer mediator (C. consom. L612-1, L616-1): named in what a
 * consumer receives when MediatorName is set. */
static void mediator_vars(const struct reminder_content *rc, struct template_vars *v)
{
    const struct config *cfg = rc->cfg;

    template_set(v, "mediator_name", cfg->mediator_name);
    template_set(v, "mediator_address", cfg->mediator_address);
    template_set(v, "mediator_website", cfg->mediator_website);
    template_set_flag(v, "mediator", cfg->mediator_name[0] != '\0');
    template_set_flag(v, "mediator_address", cfg->mediator_address[0] != '\0');
    template_set_flag(v, "mediator_website", cfg->mediator_website[0] != '\0');
}

/* The first day priced: the day after the earliest due date of a line
 * with penalties; today when none has any. */
static struct date first_day_priced(const struct reminder_content *rc)
{
    struct date first = rc->today;

    for (size_t i = 0; i < rc->count; i++) {
        struct date day = date_add_days(rc->lines[i].dc->c.inv.due_date, 1);
        if (rc->lines[i].penalties > 0 && date_compare(day, first) < 0)
            first = day;
    }
    return first;
}

/* The annual penalty rate as the templates say it ("au taux annuel de
 * {{penalty_rate}}"): "12,15 %"; or, when the ECB rate of a half-year
 * changed it over the days priced, each rate up to the eve of the next:
 * "12,15 % jusqu'au 31 décembre 2026, puis 12,65 %". */
static void penalty_rate_var(const struct reminder_content *rc, struct template_vars *v)
{
    struct rate_schedule rates;
    size_t k, last;
    struct strbuf sb;
    char rate[MONEY_TEXT_MAX];

    config_penalty_rates(rc->cfg, &rates);
    k = rate_schedule_index(&rates, first_day_priced(rc));
    last = rate_schedule_index(&rates, rc->today);
    strbuf_init(&sb);
    for (; k < last; k++) {
        if (rates.items[k + 1].rate == rates.items[k].rate)
            continue; /* the same rate runs on */
        rate_format_text(rates.items[k].rate, rc->lang, rate);
        strbuf_printf(&sb, rc->lang == LANG_EN ? "%s until " : "%s jusqu'au ", rate);
        put_long_date(&sb, date_add_days(rates.items[k + 1].from, -1), rc->lang);
        strbuf_puts(&sb, rc->lang == LANG_EN ? ", then " : ", puis ");
    }
    rate_format_text(rates.count > 0 ? rates.items[last].rate : 0, rc->lang, rate);
    strbuf_puts(&sb, rate);
    template_set(v, "penalty_rate", sb.data);
    strbuf_free(&sb);
}

static void money_vars(const struct reminder_content *rc, struct template_vars *v)
{
    const char *cur = currency_of(rc);
    int64_t principal = 0, penalties = 0, indemnity = 0;
    for (size_t i = 0; i < rc->count; i++) {
        principal += rc->lines[i].principal;
        penalties += rc->lines[i].penalties;
        indemnity += rc->lines[i].indemnity;
    }
    set_money(v, "total_principal", principal, cur, rc->lang);
    set_money(v, "total_penalties", penalties, cur, rc->lang);
    set_money(v, "total_indemnity", indemnity, cur, rc->lang);
    set_money(v, "total", reminder_total(rc), cur, rc->lang); /* what the QR code carries too */
    set_money(v, "indemnity_amount", rc->cfg->recovery_indemnity, "EUR", rc->lang);
    penalty_rate_var(rc, v);
    template_set(v, "currency", cur);
    template_set_flag(v, "claim", rc->step->claim && debtor_kind_owes_penalties(rc->kind));
    template_set_flag(v, "penalties", penalties > 0);
    template_set_flag(v, "indemnity", indemnity > 0);
    /* D441-5 fixes the indemnity in euros and no conversion is made: for
     * an invoice in another currency it is neither claimed nor announced
     * (the reading that protects the debtor). */
    template_set_flag(v, "indemnity_applies", debtor_kind_owes_penalties(rc->kind) && strcmp(cur, "EUR") == 0);
}

static void dates_vars(const struct reminder_content *rc, struct template_vars *v)
{
    const struct reminder_line *first = &rc->lines[0];

    set_date(v, "today", rc->today, rc->lang);
    set_date(v, "first_due_date", first->dc->c.inv.due_date, rc->lang);
    template_setf(v, "days_late", "%lld", (long long)(first->days_late > 0 ? first->days_late : 0));
    set_date(v, "deadline", date_add_days(rc->today, rc->cfg->formal_notice_days), rc->lang);
    template_setf(v, "deadline_days", "%lld", rc->cfg->formal_notice_days);
}

/* Postal dispatch: a reminder mentions a letter only once the operator
 * recorded it as posted (relancectl letter ID --posted), with its date
 * and, when registered, its number; a letter written but not posted, or
 * held for want of an address, is not mentioned: the mail never claims a
 * dispatch that did not happen. The creditor's copy says more of the
 * step's own letter (scheduler_copies.c); here, its defaults. */
static void letter_vars(const struct reminder_content *rc, struct template_vars *v)
{
    template_set_flag(v, "letter", rc->step->letter);
    template_set_flag(v, "letter_held", false);
    template_set_flag(v, "registered_mail", rc->step->letter && rc->step->registered);
    template_set(v, "letter_id", "");
    reminder_dispatch_vars(NULL, rc->lang, v);
}

void reminder_dispatch_vars(const struct letter_dispatch *d, enum language lang, struct template_vars *v)
{
    bool posted = d != NULL && d->posted;
    char on[64] = "";

    if (posted)
        calendar_format_long(d->posted_on, lang, on, sizeof on);
    template_set_flag(v, "letter_posted", posted);
    template_set_flag(v, "letter_registered", posted && d->registered_number[0]);
    template_set(v, "letter_posted_date", on);
    template_set(v, "letter_registered_number", posted ? d->registered_number : "");
}

void reminder_content_vars(const struct reminder_content *rc, struct template_vars *v)
{
    struct strbuf numbers;

    parties_vars(rc, v);
    people_vars(rc, v);
    mediator_vars(rc, v);
    reminder_payment_vars(rc, v);
    money_vars(rc, v);
    dates_vars(rc, v);
    reminder_reference_vars(rc->cfg, rc->lang, rc->lines[0].dc->c.id, rc->today, true, v);
    strbuf_init(&numbers);
    invoice_numbers(rc, &numbers);
    template_set(v, "invoice_numbers", numbers.data ? numbers.data : "");
    strbuf_free(&numbers);
    template_setf(v, "invoice_count", "%zu", rc->count);
    template_set_flag(v, "several", rc->count > 1);
    template_set(v, "step_label", reminder_step_label(rc->step->name, rc->lang));
    template_setf(v, "step_number", "%d", rc->step_number);
    letter_vars(rc, v);
    invoices_table(rc, v);
    amounts_table(rc, v);
    history_table(rc, v);
}
