/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_dossier_chrono.c - the court file's chronology and audit proof.
 *
 * The chronology is the case's audit log read in order: each entry's
 * date, what happened (its kind and recorded detail), the file in the
 * dossier that shows it (the kept message, the reminder as submitted, the
 * letter) with that file's SHA-256, and the audit entry's id and hash.
 * The audit proof lists those entries as stored, the verdict on the whole
 * chain when the file was made, and how anyone holding the KeyFile
 * recomputes each hash.
 */
#include "relancectl/ctl_dossier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/template.h"

/* An integer field of an event's detail (JSON written by the store, whose
 * string values escape every quote), 0 when absent. */
static int64_t detail_int(const char *detail, const char *key)
{
    char needle[48];
    const char *p = detail;

    snprintf(needle, sizeof needle, "\"%s\":", key);
    while ((p = strstr(p, needle)) != NULL) {
        if (p > detail && (p[-1] == '{' || p[-1] == ','))
            return strtoll(p + strlen(needle), NULL, 10);
        p++;
    }
    return 0;
}

static const char *message_file(const struct dossier *d, int64_t row)
{
    for (size_t i = 0; i < d->messages.count; i++)
        if (d->messages.items[i].id == row)
            return d->message_files[i];
    return NULL;
}

static const char *file_of_kind(const struct dossier *d, const char *kind, int64_t reminder_id)
{
    for (size_t i = 0; i < d->messages.count; i++)
        if (strcmp(d->messages.items[i].kind, kind) == 0 &&
            (reminder_id == 0 || d->messages.items[i].reminder_id == reminder_id))
            return d->message_files[i];
    return NULL;
}

static const char *letter_file(const struct dossier *d, int64_t letter_id)
{
    for (size_t i = 0; i < d->letters.count; i++)
        if (d->letters.items[i].id == letter_id)
            return d->letter_files[i];
    return NULL;
}

/* A reply's kept message: the one whose Message-ID the event names. */
static const char *reply_file(const struct dossier *d, const char *detail)
{
    for (size_t i = 0; i < d->messages.count; i++) {
        const struct kept_message *m = &d->messages.items[i];
        struct strbuf needle;
        bool found;

        if (strcmp(m->kind, "reply") != 0 || m->message_id[0] == '\0')
            continue;
        strbuf_init(&needle);
        strbuf_puts(&needle, "\"message_id\":");
        json_escape_string(&needle, m->message_id);
        found = strstr(detail, needle.data) != NULL;
        strbuf_free(&needle);
        if (found)
            return d->message_files[i];
    }
    return NULL;
}

/* The dossier file that shows this event, or NULL. */
static const struct dossier_file *evidence(const struct dossier *d, const struct event_row *e)
{
    const char *name = NULL;

    if (strcmp(e->kind, "message-kept") == 0)
        name = message_file(d, detail_int(e->detail, "message"));
    else if (strcmp(e->kind, "invoice-tracked") == 0)
        name = file_of_kind(d, "invoice", 0);
    else if (strncmp(e->kind, "reminder-", 9) == 0 && detail_int(e->detail, "reminder") > 0)
        name = file_of_kind(d, "reminder", detail_int(e->detail, "reminder"));
    else if (strncmp(e->kind, "letter-", 7) == 0)
        name = letter_file(d, detail_int(e->detail, "letter"));
    else if (strcmp(e->kind, "reply-received") == 0)
        name = reply_file(d, e->detail);
    return name ? dossier_file(d, name) : NULL;
}

static void made_at(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void chronology_text(const struct dossier *d, struct strbuf *sb)
{
    char now[32];

    made_at(now);
    strbuf_printf(sb, "Chronology of invoice %s (seller %s, debtor %s), case %lld, made %s\n",
                  d->c.inv.number, d->c.inv.seller_name, d->c.debtor_email, (long long)d->c.id, now);
    strbuf_printf(sb, "Each event: its date (UTC), what happened (the audit entry's kind and detail), the file\n"
                      "of this court file that shows it with its SHA-256, and the audit entry (audit-proof.txt).\n\n");
    for (size_t i = 0; i < d->events.count; i++) {
        const struct event_row *e = &d->events.items[i];
        const struct dossier_file *f = evidence(d, e);

        strbuf_printf(sb, "%s  %s\n    detail: %s\n", e->at, e->kind, e->detail);
        if (f)
            strbuf_printf(sb, "    evidence: %s sha256 %s\n", f->name, f->sha256);
        strbuf_printf(sb, "    audit entry %lld hash %s\n\n", (long long)e->id, e->hash);
    }
}

static void html_text(struct strbuf *sb, const char *s)
{
    template_html_escape(sb, s);
}

static void chronology_html(const struct dossier *d, struct strbuf *sb)
{
    char now[32];

    made_at(now);
    strbuf_puts(sb, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Chronology ");
    html_text(sb, d->c.inv.number);
    strbuf_puts(sb, "</title>\n<style>body{font-family:sans-serif}td,th{border:1px solid #999;padding:4px;"
                    "vertical-align:top}table{border-collapse:collapse}code{font-size:85%;word-break:break-all}"
                    "</style></head><body>\n<h1>Invoice ");
    html_text(sb, d->c.inv.number);
    strbuf_puts(sb, "</h1>\n<p>Seller ");
    html_text(sb, d->c.inv.seller_name);
    strbuf_puts(sb, ", debtor ");
    html_text(sb, d->c.debtor_email);
    strbuf_printf(sb, ", case %lld; made %s. The audit entries are listed in audit-proof.txt.</p>\n", (long long)d->c.id,
                  now);
    strbuf_puts(sb, "<table>\n<tr><th>Date (UTC)</th><th>Event</th><th>Evidence (SHA-256)</th><th>Audit entry</th></tr>\n");
    for (size_t i = 0; i < d->events.count; i++) {
        const struct event_row *e = &d->events.items[i];
        const struct dossier_file *f = evidence(d, e);

        strbuf_puts(sb, "<tr><td>");
        html_text(sb, e->at);
        strbuf_puts(sb, "</td><td>");
        html_text(sb, e->kind);
        strbuf_puts(sb, "<br><code>");
        html_text(sb, e->detail);
        strbuf_puts(sb, "</code></td><td>");
        if (f) {
            strbuf_puts(sb, "<a href=\"");
            html_text(sb, f->name);
            strbuf_puts(sb, "\">");
            html_text(sb, f->name);
            strbuf_printf(sb, "</a><br><code>%s</code>", f->sha256);
        }
        strbuf_printf(sb, "</td><td>%lld<br><code>%s</code></td></tr>\n", (long long)e->id, e->hash);
    }
    strbuf_puts(sb, "</table>\n</body></html>\n");
}

void dossier_write_chronology(struct dossier *d)
{
    struct strbuf sb;

    strbuf_init(&sb);
    chronology_text(d, &sb);
    dossier_write(d, "chronology.txt", sb.data, sb.len);
    strbuf_free(&sb);
    strbuf_init(&sb);
    chronology_html(d, &sb);
    dossier_write(d, "chronology.html", sb.data, sb.len);
    strbuf_free(&sb);
}

static const char how_to_verify[] =
    "How to verify\n"
    "1. sha256sum -c SHA256SUMS: every file is the one listed. Each kept message's\n"
    "   'message-kept' entry records its SHA-256 (sha256; original_sha256 is the whole\n"
    "   message's when only its headers were kept): the .eml file must have it.\n"
    "2. On the creditor's server, with its KeyFile: `relancectl audit verify` walks the\n"
    "   whole log (exit 0: no entry edited, removed or reordered), and\n"
    "   `sqlite3 DATABASE \"SELECT id, hash FROM events WHERE invoice_id = CASE\"` gives\n"
    "   the hashes listed here.\n"
    "3. Anyone shown the KeyFile (64 hex digits = 32 bytes) recomputes each hash:\n"
    "   BLAKE2b with a 32-byte digest, keyed with those bytes, over prev_hash, at, case,\n"
    "   kind, actor and detail, each as its length in bytes (8 bytes, little-endian)\n"
    "   followed by its UTF-8 bytes; prev_hash is the previous entry's hash in the whole\n"
    "   log (64 zeros for the first). In Python:\n"
    "     import hashlib, struct\n"
    "     h = hashlib.blake2b(key=bytes.fromhex(KEY), digest_size=32)\n"
    "     for f in (prev_hash, at, str(case), kind, actor, detail):\n"
    "         b = f.encode(); h.update(struct.pack('<Q', len(b)) + b)\n"
    "     assert h.hexdigest() == hash\n";

void dossier_write_audit_proof(struct dossier *d)
{
    const struct audit_verdict *v = &d->chain;
    struct strbuf sb;
    char now[32];

    made_at(now);
    strbuf_init(&sb);
    strbuf_printf(&sb, "Audit proof for invoice %s (case %lld), made %s\n\n", d->c.inv.number, (long long)d->c.id,
                  now);
    if (v->problem == AUDIT_INTACT)
        strbuf_printf(&sb, "The whole audit log was verified with the KeyFile: audit chain intact: %zu entries,\n"
                           "newest entry %lld, head %s\n\n",
                      v->entries, (long long)v->last_id, v->head);
    else
        strbuf_printf(&sb, "The whole audit log was verified with the KeyFile: BROKEN at entry %lld: %s\n\n",
                      (long long)v->entry_id, v->why);
    strbuf_printf(&sb, "The %zu entries of this case, as stored:\n\n", d->events.count);
    for (size_t i = 0; i < d->events.count; i++) {
        const struct event_row *e = &d->events.items[i];

        strbuf_printf(&sb, "entry %lld\n  at: %s\n  case: %lld\n  kind: %s\n  actor: %s\n  detail: %s\n"
                           "  prev_hash: %s\n  hash: %s\n\n",
                      (long long)e->id, e->at, (long long)e->case_id, e->kind, e->actor, e->detail, e->prev_hash,
                      e->hash);
    }
    strbuf_puts(&sb, how_to_verify);
    dossier_write(d, "audit-proof.txt", sb.data, sb.len);
    strbuf_free(&sb);
}
