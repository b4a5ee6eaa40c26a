/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * scheduler_copies.c - the copies of a reminder besides the mail itself:
 * the .eml a dry run writes instead of sending, the printable letter (PDF)
 * of the steps that have one, and the creditor's copy that follows a
 * reminder that went out.
 *
 * Only the dry run's .eml decides the reminder's fate (scheduler.c marks
 * it failed without one); a letter or a creditor's copy that fails is
 * logged, never retried: the reminder itself went out and is recorded.
 * It neither claims nor records.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/calendar.h"
#include "lib/letter.h"
#include "lib/log.h"
#include "lib/submit.h"
#include "lib/template.h"
#include "remind/reminder.h"
#include "remind/reminder_content.h"
#include "remind/reminder_payment.h"
#include "remind/scheduler_compose.h"
#include "remind/scheduler_context.h"
#include "remind/scheduler_copies.h"

/* ---- files: dry runs and letters ---- */

static bool ensure_directory(const char *dir, char *why, size_t whylen)
{
    if (mkdir(dir, 0750) == 0 || errno == EEXIST)
        return true;
    str_format(why, whylen, "cannot create %s: %s", dir, strerror(errno));
    return false;
}

/* A file name part from an invoice number: letters, digits, '-', '_'. */
static void safe_name(const char *in, char *out, size_t size)
{
    size_t n = 0;

    for (; *in && n + 1 < size && n < 40; in++)
        out[n++] = (isalnum((unsigned char)*in) || *in == '-' || *in == '_') ? *in : '_';
    out[n] = '\0';
}

static char *file_path(const char *dir, const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id, const char *ext)
{
    char number[48];

    safe_name(c->lines[0].dc->c.inv.number, number, sizeof number);
    return xasprintf("%s/%04d-%02d-%02d-%s-%s-%lld.%s", dir, x->local.date.year, x->local.date.month,
                     x->local.date.day, number, c->step->name, (long long)id, ext);
}

static bool write_file(const char *path, const char *data, size_t len, char *why, size_t whylen)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    bool ok = f != NULL && fwrite(data, 1, len, f) == len;

    if (f != NULL && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        str_format(why, whylen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

char *scheduler_write_dry_run(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id, char *why,
                              size_t whylen)
{
    char *path;

    if (!ensure_directory(x->cfg->dry_run_dir, why, whylen))
        return NULL;
    path = file_path(x->cfg->dry_run_dir, x, c, id, "eml");
    if (!write_file(path, c->mail, c->mail_len, why, whylen)) {
        free(path);
        return NULL;
    }
    return path;
}

/* ---- letters ---- */

/* What a letter says besides its recipient: the sender's block, the
 * place and date, the object, the body (the reminder's text part) and
 * the footer. Recorded with the letter, so that a letter held for want
 * of an address is later written with this very text. */
struct letter_text {
    struct strbuf sender; /* lines separated by '\n' */
    char *place_date;
    char *object;
    const char *body;
    const char *footer;
};

static void letter_text_make(const struct scheduler_ctx *x, const struct scheduler_composed *c, struct letter_text *t)
{
    const struct config *cfg = x->cfg;
    bool agency = c->step->from == LADDER_FROM_AGENCY;
    const char *address = agency ? cfg->agency_address : cfg->creditor_address;
    char date_text[64];

    strbuf_init(&t->sender);
    strbuf_puts(&t->sender, agency ? cfg->agency_name : cfg->creditor_name);
    if (address[0])
        strbuf_printf(&t->sender, "\n%s", address);
    strbuf_printf(&t->sender, "\n%s", agency ? cfg->agency_sender : cfg->creditor_email);
    calendar_format_long(x->local.date, c->lang, date_text, sizeof date_text);
    t->place_date = xasprintf(c->lang == LANG_FR ? "Le %s" : "%s", date_text);
    t->object = xasprintf(c->lang == LANG_FR ? "Objet : %s" : "Subject: %s", c->text.subject);
    t->body = c->text.text;
    t->footer = cfg->agency_name;
}

static void letter_text_free(struct letter_text *t)
{
    strbuf_free(&t->sender);
    free(t->place_date);
    free(t->object);
}

static void split_lines(const char *text, struct strlist *out)
{
    while (text && *text) {
        size_t n = strcspn(text, "\n");
        char *line = xstrndup(text, n);
        strlist_add(out, line);
        free(line);
        text += n + (text[n] == '\n');
    }
}

/* Draws the letter at path: the recipient's name and postal address in
 * the envelope's window (letter.c places them). */
static bool draw_letter(const char *sender, const char *place_date, const char *object, const char *body,
                        const char *footer, const char *name, const char *address, const char *qr_payload,
                        const char *path, char *why, size_t whylen)
{
    struct letter l = {.place_date = place_date, .object = object, .body = body, .footer = footer,
                       .qr_payload = qr_payload && qr_payload[0] ? qr_payload : NULL,
                       .qr_mark = reminder_payment_qr_words_in(body)};
    bool ok;

    strlist_init(&l.sender);
    strlist_init(&l.recipient);
    split_lines(sender, &l.sender);
    if (name && name[0])
        strlist_add(&l.recipient, name);
    split_lines(address, &l.recipient);
    ok = letter_write_pdf(&l, path, why, whylen);
    strlist_free(&l.sender);
    strlist_free(&l.recipient);
    return ok;
}

/* The debtor's postal address, "" when unknown or unreadable (logged). */
static void debtor_address(const struct scheduler_ctx *x, const struct scheduler_composed *c, char *out, size_t size)
{
    const struct case_row *first = &c->lines[0].dc->c;

    if (store_debtor_address(x->run->st, first->debtor_id, out, size) != STORE_OK) {
        log_error(first->inv.number, "cannot read the postal address of <%s>: %s", first->debtor_email,
                  store_last_error(x->run->st));
        out[0] = '\0';
    }
}

/* A dry run's letter, in DryRunDirectory; NULL when the step has none,
 * the debtor has no postal address (it would be held) or it could not be
 * written (logged). Nothing is recorded. */
char *scheduler_write_letter(const struct scheduler_ctx *x, const struct scheduler_composed *c, const char *dir, int64_t id)
{
    const char *log_id = c->lines[0].dc->c.inv.number;
    char address[POSTAL_TEXT_MAX], why[300];
    struct letter_text t;
    char *path;
    bool ok;

    if (!c->step->letter)
        return NULL;
    debtor_address(x, c, address, sizeof address);
    if (address[0] == '\0') {
        log_warning(log_id, "no letter for reminder %lld: <%s> has no postal address (it would be held)",
                    (long long)id, c->recipient);
        return NULL;
    }
    if (!ensure_directory(dir, why, sizeof why)) {
        log_error(log_id, "no letter for reminder %lld: %s", (long long)id, why);
        return NULL;
    }
    letter_text_make(x, c, &t);
    path = file_path(dir, x, c, id, "pdf");
    ok = draw_letter(t.sender.data, t.place_date, t.object, t.body, t.footer, c->recipient_name, address,
                     c->qr_payload, path, why, sizeof why);
    letter_text_free(&t);
    if (!ok) {
        log_error(log_id, "no letter for reminder %lld: %s", (long long)id, why);
        free(path);
        return NULL;
    }
    log_info(log_id, "letter of reminder %lld written to %s", (long long)id, path);
    return path;
}

/* What became of a sent reminder's letter, for the creditor's copy. */
struct letter_outcome {
    int64_t id;   /* the recorded letter, 0 when none */
    char *path;   /* the PDF, NULL when not written */
    bool held;    /* recorded, not written: no postal address */
};

/* The letter of a reminder that went out: written in LetterDirectory
 * when the debtor has a postal address, else recorded as held (written
 * by a later run once the operator gives one); recorded either way, so
 * that relancectl letters lists it and the operator records its posting.
 * The reminder itself went: a letter that fails is logged, never a
 * reason to hold the mail (which claims no dispatch, see reminder_dispatch_vars). */
static void record_letter(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t reminder_id,
                          struct letter_outcome *out)
{
    const struct case_row *first = &c->lines[0].dc->c;
    char address[POSTAL_TEXT_MAX], why[300];
    struct letter_text t;
    struct letter_record rec;
    char *path = NULL;

    memset(out, 0, sizeof *out);
    debtor_address(x, c, address, sizeof address);
    letter_text_make(x, c, &t);
    if (address[0] && ensure_directory(x->cfg->letter_dir, why, sizeof why)) {
        path = file_path(x->cfg->letter_dir, x, c, reminder_id, "pdf");
        if (!draw_letter(t.sender.data, t.place_date, t.object, t.body, t.footer, c->recipient_name, address,
                         c->qr_payload, path, why, sizeof why)) {
            log_error(first->inv.number, "letter of reminder %lld not written: %s", (long long)reminder_id, why);
            free(path);
            path = NULL;
        }
    } else if (address[0]) {
        log_error(first->inv.number, "letter of reminder %lld not written: %s", (long long)reminder_id, why);
    }
    rec = (struct letter_record){reminder_id, first->debtor_id, first->id, c->step_number, c->step->name,
                                 c->step->registered, t.sender.data, t.place_date, t.object, t.body, t.footer,
                                 c->recipient_name, address, path ? path : "", c->qr_payload};
    if (store_letter_record(x->run->st, x->run->key, &rec, x->run->actor, &out->id) != STORE_OK) {
        log_error(first->inv.number, "letter of reminder %lld not recorded: %s", (long long)reminder_id,
                  store_last_error(x->run->st));
        out->id = 0;
    } else if (path) {
        log_info(first->inv.number, "letter %lld of reminder %lld written to %s: to post%s", (long long)out->id,
                 (long long)reminder_id, path, c->step->registered ? " by registered mail" : "");
    } else {
        out->held = true;
        log_warning(first->inv.number, "letter %lld of reminder %lld held: <%s> has no postal address "
                    "(relancectl debtor %s --address ...)", (long long)out->id, (long long)reminder_id,
                    first->debtor_email, first->debtor_email);
    }
    out->path = path;
    letter_text_free(&t);
}

/* A held letter whose debtor now has an address: written as recorded,
 * with the QR code of its day. */
static void write_held_letter(const struct scheduler_ctx *x, const struct letter_row *l)
{
    char number[48], why[300];
    char *path;

    safe_name(l->number, number, sizeof number);
    path = xasprintf("%s/%04d-%02d-%02d-%s-%s-%lld.pdf", x->cfg->letter_dir, x->local.date.year,
                     x->local.date.month, x->local.date.day, number, l->step_name, (long long)l->reminder_id);
    if (!ensure_directory(x->cfg->letter_dir, why, sizeof why) ||
        !draw_letter(l->sender, l->place_date, l->object, l->body, l->footer, l->recipient_name, l->debtor_address,
                     l->payment_qr, path, why, sizeof why)) {
        log_error(l->number, "held letter %lld still not written: %s", (long long)l->id, why);
    } else if (store_letter_written(x->run->st, x->run->key, l->id, l->debtor_address, path, x->run->actor) !=
               STORE_OK) {
        log_error(l->number, "letter %lld written to %s but not recorded: %s", (long long)l->id, path,
                  store_last_error(x->run->st));
    } else {
        log_notice(l->number, "held letter %lld written to %s: to post%s", (long long)l->id, path,
                   l->registered_mail ? " by registered mail" : "");
    }
    free(path);
}

/* A held letter of a case that became insolvent meanwhile is never
 * written: the proceeding forbids the chase (C. com. L622-21). */
static bool stopped_by_law(const struct scheduler_ctx *x, const struct letter_row *l)
{
    struct case_row c;

    if (l->case_id <= 0 || store_get_case(x->run->st, l->case_id, &c) != STORE_OK || c.status != CASE_INSOLVENT)
        return false;
    log_info(l->number, "held letter %lld not written: the case is insolvent", (long long)l->id);
    return true;
}

void scheduler_write_held_letters(const struct scheduler_ctx *x)
{
    static const enum letter_state held = LETTER_HELD;
    struct letter_list list;

    if (store_list_letters(x->run->st, &held, &list) != STORE_OK) {
        log_error(NULL, "cannot read the held letters: %s", store_last_error(x->run->st));
        return;
    }
    for (size_t i = 0; i < list.count; i++)
        if (list.items[i].debtor_address[0] && !stopped_by_law(x, &list.items[i]))
            write_held_letter(x, &list.items[i]);
    letter_list_free(&list);
}

/* ---- the creditor's copy ---- */

static bool render_copy(const struct scheduler_ctx *x, const struct scheduler_composed *c,
                        const struct letter_outcome *letter, struct rendered *out, char *why, size_t whylen)
{
    enum language lang = scheduler_default_language(x->cfg);
    struct reminder_content rc = {x->cfg, c->step, c->step_number, lang, c->kind, x->local.date,
                                  c->sender_name, c->reply_address, c->lines, c->count, &c->history, NULL};
    struct template_vars vars;
    struct template t;
    bool ok;

    if (!template_load(x->cfg->template_dir, lang, "copie", &t, why, whylen))
        return false;
    template_vars_init(&vars);
    reminder_content_vars(&rc, &vars);
    reminder_dispatch_vars(&c->dispatch, lang, &vars);
    template_set(&vars, "copy_recipient", c->recipient);
    template_set(&vars, "original_subject", c->text.subject);
    /* The letter: attached to post (by registered mail for a formal
     * notice), or held for want of the debtor's postal address. */
    template_set_flag(&vars, "letter", letter->path != NULL);
    template_set_flag(&vars, "letter_held", letter->held);
    template_set_flag(&vars, "registered_mail", c->step->registered);
    template_setf(&vars, "letter_id", "%lld", (long long)letter->id);
    ok = template_render(&t, &vars, lang, (enum template_colour)c->step->severity, out, why, whylen);
    template_vars_free(&vars);
    template_free(&t);
    return ok;
}

/* The copy: the creditor's template, the reminder attached as it was
 * sent, and the letter when there is one. */
static char *build_copy(const struct scheduler_ctx *x, const struct scheduler_composed *c, const struct rendered *text,
                        const char *letter_path, size_t *len)
{
    const struct config *cfg = x->cfg;
    bool redirect = cfg->redirect_to[0] != '\0';
    struct reminder_attachment files[2] = {{"relance.eml", "message/rfc822", c->mail, c->mail_len}};
    char message_id[REMINDER_MESSAGE_ID_MAX];
    struct strlist refs;
    size_t pdf_len = 0;
    char *pdf = letter_path ? file_read_all(letter_path, 16 * 1024 * 1024, &pdf_len) : NULL;
    char *mail;

    if (pdf)
        files[1] = (struct reminder_attachment){strrchr(letter_path, '/') + 1, "application/pdf", pdf, pdf_len};
    strlist_init(&refs);
    strlist_add(&refs, c->message_id);
    reminder_new_message_id(cfg->agency_sender, message_id);
    {
        struct reminder_mail m = {
            .from_name = cfg->agency_name,
            .from_address = cfg->agency_sender,
            .to_name = redirect ? NULL : cfg->creditor_name,
            .to_address = redirect ? cfg->redirect_to : cfg->creditor_email,
            .redirected_from = redirect ? cfg->creditor_email : NULL,
            .message_id = message_id,
            .references = &refs,
            .marker = c->token,
            .language = language_code(scheduler_default_language(cfg)),
            .subject = text->subject,
            .text = text->text,
            .html = text->html,
            .date = x->run->moment,
            .zone = cfg->timezone,
            .attachments = files,
            .attachment_count = pdf ? 2 : 1,
        };
        mail = reminder_build(&m, len);
    }
    strlist_free(&refs);
    free(pdf);
    return mail;
}

/* A copy that does not go out is logged, never retried: the reminder
 * itself went out and is recorded. */
static void send_copy(const struct scheduler_ctx *x, const struct scheduler_composed *c,
                      const struct letter_outcome *letter)
{
    const char *log_id = c->lines[0].dc->c.inv.number;
    const char *to = x->cfg->redirect_to[0] ? x->cfg->redirect_to : x->cfg->creditor_email;
    struct submit_envelope env;
    struct strlist rcpt;
    struct rendered text;
    char why[300];
    char *mail;
    size_t len;

    if (!render_copy(x, c, letter, &text, why, sizeof why)) {
        log_error(log_id, "no copy for the creditor: %s", why);
        return;
    }
    mail = build_copy(x, c, &text, letter->path, &len);
    strlist_init(&rcpt);
    strlist_add(&rcpt, to);
    env.sender = c->reply_address;
    env.recipients = &rcpt;
    if (submit_message(&x->submit, &env, mail, len, SUBMIT_TIMEOUT_S, why, sizeof why) == SUBMIT_OK)
        log_info(log_id, "copy of reminder <%s> sent to the creditor <%s>", c->message_id, to);
    else
        log_warning(log_id, "copy of reminder <%s> to the creditor not sent: %s", c->message_id, why);
    strlist_free(&rcpt);
    rendered_free(&text);
    free(mail);
}

/* ---- after a reminder went out ---- */

void scheduler_after_sent(const struct scheduler_ctx *x, const struct scheduler_composed *c, int64_t id)
{
    struct letter_outcome letter = {0, NULL, false};

    if (c->step->letter)
        record_letter(x, c, id, &letter);
    if (c->step->copy && !c->court && x->cfg->creditor_email[0])
        send_copy(x, c, &letter);
    free(letter.path);
}
