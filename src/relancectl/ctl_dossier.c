/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_dossier.c - `relancectl dossier NUMBER DIR [--seller NAME]`: the
 * court file of one case, for a court or a bailiff. Into DIR (created
 * 0700; an existing one must be empty) go the invoice mail as relance saw
 * it (.eml) and its attachments, every reminder as submitted (.eml) and
 * every letter (the PDF written, or drawn again from the text recorded),
 * every reply (.eml), a chronology (text and HTML: date, event, evidence
 * file and its SHA-256), the audit proof of those events, and SHA256SUMS
 * (`sha256sum -c SHA256SUMS`). A file is never overwritten.
 */
#include "relancectl/ctl_dossier.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/letter.h"
#include "lib/message.h"
#include "remind/reminder_payment.h"

#define LETTER_PDF_MAX (64 * 1024 * 1024)

/* ---- the directory ---- */

/* Creates dir 0700, or takes an existing empty one (made 0700). */
static bool prepare_dir(const char *dir)
{
    DIR *dp;
    struct dirent *e;
    bool empty = true;

    if (mkdir(dir, 0700) == 0)
        return true;
    if (errno != EEXIST) {
        fprintf(stderr, "relancectl: cannot create %s: %s\n", dir, strerror(errno));
        return false;
    }
    if ((dp = opendir(dir)) == NULL) {
        fprintf(stderr, "relancectl: %s: %s\n", dir, strerror(errno));
        return false;
    }
    while (empty && (e = readdir(dp)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(dp);
    if (!empty) {
        fprintf(stderr, "relancectl: %s is not empty: the court file goes into a new or empty directory\n", dir);
        return false;
    }
    if (chmod(dir, 0700) != 0) {
        fprintf(stderr, "relancectl: cannot make %s private: %s\n", dir, strerror(errno));
        return false;
    }
    return true;
}

/* A file name from an attachment's: letters, digits, '.', '-', '_' kept,
 * anything else '_', no leading dot, at most 60 bytes. */
static void safe_name(const char *in, char *out, size_t size)
{
    size_t o = 0;

    for (const char *p = in ? in : ""; *p && o + 1 < size && o < 60; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                  ch == '_' || (ch == '.' && o > 0);
        out[o++] = ok ? ch : '_';
    }
    out[o] = '\0';
    if (o == 0)
        str_copy(out, size, "part");
}

/* ---- the messages ---- */

static int reminder_step(const struct dossier *d, int64_t reminder_id)
{
    for (size_t i = 0; i < d->reminders.count; i++)
        if (d->reminders.items[i].id == reminder_id)
            return d->reminders.items[i].step;
    return -1;
}

struct attachments {
    struct dossier *d;
    const char *prefix;
    int n;
};

static void write_attachment(const struct message_part *part, void *ctx)
{
    struct attachments *a = ctx;
    char safe[64], name[DOSSIER_FILE_MAX];

    if (!part->is_attachment || part->in_attached_message)
        return;
    safe_name(part->filename, safe, sizeof safe);
    snprintf(name, sizeof name, "%s-attachment-%d-%s", a->prefix, ++a->n, safe);
    dossier_write(a->d, name, part->data, part->len);
}

/* The invoice mail's attachments, decoded, each as a file of its own. */
static void write_attachments(struct dossier *d, const struct kept_message *m, const char *prefix)
{
    const struct config *cfg = d->env->cfg;
    struct message_walk_limits limits = {(int)cfg->max_mime_parts, (int)cfg->max_mime_depth,
                                         (size_t)cfg->max_message_size};
    struct attachments a = {d, prefix, 0};
    struct message *msg = message_parse(m->raw, m->raw_len);
    struct strlist notes;

    if (msg == NULL)
        return;
    strlist_init(&notes);
    message_walk(msg, &limits, write_attachment, &a, &notes);
    strlist_free(&notes);
    message_free(msg);
}

static void write_messages(struct dossier *d)
{
    size_t invoices = 0;

    d->message_files = xcalloc(d->messages.count + 1, sizeof *d->message_files);
    for (size_t i = 0; i < d->messages.count; i++)
        invoices += strcmp(d->messages.items[i].kind, "invoice") == 0;
    for (size_t i = 0; i < d->messages.count && !d->failed; i++) {
        const struct kept_message *m = &d->messages.items[i];
        char prefix[64];

        if (strcmp(m->kind, "invoice") == 0 && invoices == 1)
            str_copy(prefix, sizeof prefix, "invoice");
        else if (strcmp(m->kind, "reminder") == 0)
            snprintf(prefix, sizeof prefix, "reminder-%lld-step%d", (long long)m->reminder_id,
                     reminder_step(d, m->reminder_id));
        else
            snprintf(prefix, sizeof prefix, "%s-%lld", m->kind, (long long)m->id);
        snprintf(d->message_files[i], DOSSIER_FILE_MAX, "%s.eml", prefix);
        if (!dossier_write(d, d->message_files[i], m->raw, m->raw_len))
            return;
        if (strcmp(m->kind, "invoice") == 0)
            write_attachments(d, m, prefix);
    }
}

/* ---- the letters ---- */

static char *read_all(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;

    if (f == NULL)
        return NULL;
    data = xmalloc(max + 1);
    *len = fread(data, 1, max + 1, f);
    fclose(f);
    if (*len > max) {
        free(data);
        return NULL;
    }
    return data;
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

/* The letter drawn again from the text recorded with it (the same text the
 * posted one printed), when its PDF is gone. */
static char *draw_again(const struct dossier *d, const struct letter_row *l, size_t *len)
{
    struct letter pdf = {.place_date = l->place_date, .object = l->object, .body = l->body, .footer = l->footer,
                         .qr_payload = l->payment_qr && l->payment_qr[0] ? l->payment_qr : NULL,
                         .qr_mark = reminder_payment_qr_words_in(l->body)};
    char *path = xasprintf("%s/.letter-%lld.tmp", d->dir, (long long)l->id), why[256];
    char *data = NULL;

    strlist_init(&pdf.sender);
    strlist_init(&pdf.recipient);
    split_lines(l->sender, &pdf.sender);
    if (l->recipient_name[0])
        strlist_add(&pdf.recipient, l->recipient_name);
    split_lines(l->address, &pdf.recipient);
    if (letter_write_pdf(&pdf, path, why, sizeof why))
        data = read_all(path, LETTER_PDF_MAX, len);
    else
        fprintf(stderr, "relancectl: letter %lld cannot be drawn again: %s\n", (long long)l->id, why);
    unlink(path);
    strlist_free(&pdf.sender);
    strlist_free(&pdf.recipient);
    free(path);
    return data;
}

static void write_letters(struct dossier *d)
{
    d->letter_files = xcalloc(d->letters.count + 1, sizeof *d->letter_files);
    for (size_t i = 0; i < d->letters.count && !d->failed; i++) {
        const struct letter_row *l = &d->letters.items[i];
        size_t len = 0;
        char *data;

        if (l->state == LETTER_HELD)
            continue; /* never written: the chronology says so */
        data = l->path[0] ? read_all(l->path, LETTER_PDF_MAX, &len) : NULL;
        if (data == NULL)
            data = draw_again(d, l, &len);
        if (data == NULL)
            continue;
        snprintf(d->letter_files[i], DOSSIER_FILE_MAX, "letter-%lld-step%d.pdf", (long long)l->id, l->step);
        dossier_write(d, d->letter_files[i], data, len);
        free(data);
    }
}

/* ---- the whole ---- */

static bool of_case_reminders(const struct dossier *d, int64_t reminder_id)
{
    return reminder_step(d, reminder_id) >= 0;
}

static bool load(struct dossier *d, struct store *st, const struct audit_key *key)
{
    struct letter_list all;
    size_t w = 0;

    if (store_case_messages(st, d->c.id, &d->messages) != STORE_OK ||
        store_list_reminders(st, NULL, d->c.id, &d->reminders) != STORE_OK ||
        store_list_events(st, d->c.id, &d->events) != STORE_OK || store_verify_audit(st, key, &d->chain) != STORE_OK ||
        store_list_letters(st, NULL, &all) != STORE_OK) {
        fprintf(stderr, "relancectl: %s\n", store_last_error(st));
        return false;
    }
    for (size_t i = 0; i < all.count; i++) {
        if (of_case_reminders(d, all.items[i].reminder_id))
            all.items[w++] = all.items[i];
        else
            letter_row_free(&all.items[i]);
    }
    all.count = w;
    d->letters = all;
    return true;
}

static void write_sums(struct dossier *d)
{
    struct strbuf sb;
    size_t n = d->file_count;

    strbuf_init(&sb);
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&sb, "%s  %s\n", d->files[i].sha256, d->files[i].name);
    dossier_write(d, "SHA256SUMS", sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
}

static void dossier_free(struct dossier *d)
{
    kept_message_list_free(&d->messages);
    reminder_list_free(&d->reminders);
    letter_list_free(&d->letters);
    event_list_free(&d->events);
    free(d->message_files);
    free(d->letter_files);
    free(d->files);
}

int ctl_dossier(struct ctl_env *env, int argc, char **argv)
{
    static const struct option opts[] = {{"seller", required_argument, NULL, 'S'}, {NULL, 0, NULL, 0}};
    const char *seller = NULL;
    struct dossier d;
    struct audit_key key;
    struct store *st;
    int ch;

    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch != 'S')
            return ctl_usage_error("usage: dossier NUMBER DIR [--seller NAME]");
        seller = optarg;
    }
    if (optind != argc - 2)
        return ctl_usage_error("usage: dossier NUMBER DIR [--seller NAME]");
    memset(&d, 0, sizeof d);
    d.dir = argv[optind + 1];
    d.env = env;
    if ((st = ctl_open_all(env, &key)) == NULL)
        return 1;
    if (!ctl_find_case(st, argv[optind], seller, &d.c) || !load(&d, st, &key) || !prepare_dir(d.dir)) {
        ctl_close_all(st, &key);
        dossier_free(&d);
        return 1;
    }
    ctl_close_all(st, &key);
    write_messages(&d);
    write_letters(&d);
    if (!d.failed)
        dossier_write_chronology(&d);
    if (!d.failed)
        dossier_write_audit_proof(&d);
    if (!d.failed)
        write_sums(&d);
    if (!d.failed)
        printf("%s: court file in %s: %zu files (sha256sum -c SHA256SUMS checks them)%s\n", d.c.inv.number, d.dir,
               d.file_count, d.chain.problem == AUDIT_INTACT ? "" : "; the audit chain is BROKEN (audit-proof.txt)");
    dossier_free(&d);
    return d.failed ? 1 : 0;
}
