/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * milter.c - libmilter callbacks (see milter.h): gather, decide, hand over.
 *
 * Protocol steps are negotiated down to what relance uses: no HELO, DATA
 * or unknown commands, and no replies for connect, MAIL, RCPT, headers and
 * body chunks, so that a message that cannot matter costs the MTA one
 * round trip after its headers. Every failure accepts the message (or
 * tempfails it when the administrator asked for that), with one log line
 * carrying the queue id.
 *
 * Authentication-Results headers: the MTA's own verifiers (OpenDKIM,
 * OpenDMARC, placed before relanced) insert theirs at the top, above the
 * Received header the MTA adds; whatever the sender wrote comes below it.
 * Postfix does not show its own Received header to milters, so the
 * boundary relanced sees is the first header that is not an
 * Authentication-Results one: only the headers of that leading run are
 * passed to the reply logic. One further down that claims a
 * TrustedAuthservIDs verifier is a forgery (RFC 8601 section 5): logged
 * and removed at end of message, by its index among the headers of that
 * name, the last first so that the earlier indexes still hold. A forgery
 * the sender puts first of all its headers would join the leading run:
 * the verifier itself must remove those claiming its authserv-id before
 * relanced reads (OpenDKIM: RemoveARAll yes; see the README).
 */
#include "relanced/milter.h"

#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/auth_results.h"
#include "lib/log.h"
#include "recognise/outgoing.h"
#include "remind/reminder.h"
#include "remind/scheduler.h"
#include "replies/reply.h"

#define AUTH_RESULTS_HEADER "Authentication-Results"
#define MAX_OWN_AUTH_RESULTS 16
#define MAX_FORGED_AUTH_RESULTS 64

/* Steps relance asks the MTA to skip or not to wait for. */
#define WANTED_PROTOCOL                                                                            \
    (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NR_CONN | SMFIP_NR_MAIL |               \
     SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_BODY | SMFIP_HDR_LEADSPC)

static struct {
    pthread_mutex_t lock;
    struct config *cfg;
    struct store_pool *pool;
    struct audit_key key;
} shared = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, {{0}}};

/* State of one message. */
struct msg_state {
    char queue_id[32];
    char *sender;
    struct strlist recipients;
    char *message_id;
    char *header_from;
    char *marker;       /* X-Relance-Reminder: relance's own mail */
    char *in_reply_to;
    char *references;
    bool reply;         /* read as a possible reply, not as outgoing mail */
    struct reply_hints hints;
    bool authenticated; /* SMTP AUTH succeeded ({auth_authen}) */
    struct strbuf raw;   /* headers as received, then the body */
    bool oversized;
    int relance_headers[4]; /* X-Relance* fields received, per name (see below) */
    bool past_own_headers;              /* a header other than Authentication-Results went by */
    int auth_results_seen;              /* Authentication-Results headers so far */
    struct strlist own_auth_results;    /* those of the leading run: our verifiers' */
    int forged[MAX_FORGED_AUTH_RESULTS]; /* indexes of forged ones, to remove */
    size_t forged_count;
    bool strip_only;     /* read nothing: only forged headers (X-Relance*, our
                            verifiers' Authentication-Results) to delete */
    bool reply_cut;      /* a reply kept only up to MaxReplySize */
};

/* State of one SMTP connection (or one sendmail(1) submission). */
struct conn_state {
    struct config *cfg; /* reference held for the connection */
    bool internal;      /* client in InternalHosts, or a local submission */
    unsigned long protocol; /* steps negotiated */
    struct msg_state msg;
};

void milter_set_config(struct config *cfg)
{
    struct config *old;

    config_ref(cfg);
    pthread_mutex_lock(&shared.lock);
    old = shared.cfg;
    shared.cfg = cfg;
    pthread_mutex_unlock(&shared.lock);
    config_unref(old);
}

struct config *milter_get_config(void)
{
    struct config *cfg;

    pthread_mutex_lock(&shared.lock);
    cfg = config_ref(shared.cfg);
    pthread_mutex_unlock(&shared.lock);
    return cfg;
}

static void msg_reset(struct msg_state *m)
{
    free(m->sender);
    free(m->message_id);
    free(m->header_from);
    free(m->marker);
    free(m->in_reply_to);
    free(m->references);
    strlist_free(&m->recipients);
    strlist_free(&m->own_auth_results);
    strbuf_free(&m->raw);
    memset(m, 0, sizeof *m);
}

static struct conn_state *conn_of(SMFICTX *ctx)
{
    return smfi_getpriv(ctx);
}

static void read_queue_id(SMFICTX *ctx, struct msg_state *m)
{
    const char *qid = smfi_getsymval(ctx, "i");

    if (qid && *qid)
        str_copy(m->queue_id, sizeof m->queue_id, qid);
    else if (m->queue_id[0] == '\0')
        str_copy(m->queue_id, sizeof m->queue_id, "NOQUEUE");
}

/* "<a@b>" -> "a@b"; also drops ESMTP parameters (never in argv[0]). */
static char *strip_brackets(const char *s)
{
    size_t len;

    while (*s == ' ' || *s == '<')
        s++;
    len = strcspn(s, ">");
    return xstrndup(s, len);
}

/* Returns the reply for steps negotiated as no-reply. */
static sfsistat no_reply(struct conn_state *c, unsigned long flag)
{
    return (c && (c->protocol & flag)) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat on_error(struct conn_state *c, const char *qid, bool db_error)
{
    int mode = db_error ? c->cfg->on_db_error : c->cfg->on_internal_error;

    if (mode == ON_ERROR_TEMPFAIL) {
        log_warning(qid, "telling the MTA to retry later (%s)", db_error ? "On-DBError" : "On-InternalError");
        return SMFIS_TEMPFAIL;
    }
    return SMFIS_ACCEPT;
}

/* The connection's state, made at negotiation (or at connect, with an
 * MTA that does not negotiate). Allocation failure aborts: the MTA's
 * default action then passes the mail. */
static struct conn_state *conn_get_or_create(SMFICTX *ctx)
{
    struct conn_state *c = smfi_getpriv(ctx);

    if (c == NULL) {
        c = xcalloc(1, sizeof *c);
        c->cfg = milter_get_config();
        smfi_setpriv(ctx, c);
    }
    return c;
}

static sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                             unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
    struct conn_state *c = conn_get_or_create(ctx);

    (void)f2;
    (void)f3;
    if ((f0 & SMFIF_ADDHDRS) == 0) {
        log_error(NULL, "the MTA does not allow adding headers; relance will only watch");
        *pf0 = 0;
    } else {
        /* CHGHDRS: forged X-Relance* and Authentication-Results headers are removed. */
        *pf0 = SMFIF_ADDHDRS | (f0 & SMFIF_CHGHDRS);
    }
    c->protocol = f1 & WANTED_PROTOCOL;
    *pf1 = c->protocol;
    *pf2 = 0;
    *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
    struct conn_state *c = conn_get_or_create(ctx);

    /* No address: a local submission (sendmail(1) through the MTA). */
    c->internal = hostaddr == NULL || config_is_internal_host(c->cfg, hostaddr);
    log_debug(NULL, "connect from %s (%s)", hostname ? hostname : "?", c->internal ? "internal" : "external");
    return no_reply(c, SMFIP_NR_CONN);
}

static sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
    struct conn_state *c = conn_of(ctx);

    if (c == NULL)
        return SMFIS_ACCEPT;
    msg_reset(&c->msg);
    c->msg.sender = strip_brackets(argv[0] ? argv[0] : "");
    c->msg.authenticated = smfi_getsymval(ctx, "{auth_authen}") != NULL &&
                           *smfi_getsymval(ctx, "{auth_authen}") != '\0';
    read_queue_id(ctx, &c->msg);
    return no_reply(c, SMFIP_NR_MAIL);
}

static sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
    struct conn_state *c = conn_of(ctx);
    char *rcpt;

    if (c == NULL)
        return SMFIS_ACCEPT;
    rcpt = strip_brackets(argv[0] ? argv[0] : "");
    if (c->msg.recipients.count < 1000)
        strlist_add(&c->msg.recipients, rcpt);
    free(rcpt);
    return no_reply(c, SMFIP_NR_RCPT);
}

/* Keeps the headers the decision needs; the raw copy keeps them all. */
static void note_header(struct msg_state *m, const char *name, const char *value)
{
    char **slot = NULL;

    if (strcasecmp(name, "Message-ID") == 0)
        slot = &m->message_id;
    else if (strcasecmp(name, "From") == 0)
        slot = &m->header_from;
    else if (strcasecmp(name, REMINDER_MARKER_HEADER) == 0)
        slot = &m->marker;
    if (slot && *slot == NULL) {
        *slot = strip_brackets(value);
        return;
    }
    /* Kept whole: they hold several <id> tokens. */
    if (strcasecmp(name, "In-Reply-To") == 0)
        slot = &m->in_reply_to;
    else if (strcasecmp(name, "References") == 0)
        slot = &m->references;
    if (slot && *slot == NULL && strlen(value) < 16384)
        *slot = xstrdup(value);
}

/* relance's own header fields. Arriving from outside they are forgeries
 * (a Sieve rule or a log reader trusts them): they are deleted at the
 * end of the message. relance's own reminders are known by their signed
 * marker and accepted before that, from inside only. */
static const char *const relance_header_names[] = {RELANCE_HEADER_RESULT, RELANCE_HEADER_REPLY,
                                                   RELANCE_HEADER_REMINDER, RELANCE_HEADER_REDIRECTED};
_Static_assert(ARRAY_LEN(relance_header_names) == ARRAY_LEN(((struct msg_state *)0)->relance_headers),
               "one count per relance header name");

static void count_relance_header(struct msg_state *m, const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(relance_header_names); i++) {
        if (strcasecmp(name, relance_header_names[i]) == 0 && m->relance_headers[i] < 1000)
            m->relance_headers[i]++;
    }
}

static bool has_foreign_relance_headers(const struct conn_state *c)
{
    if (c->internal)
        return false;
    for (size_t i = 0; i < ARRAY_LEN(relance_header_names); i++) {
        if (c->msg.relance_headers[i] > 0)
            return true;
    }
    return false;
}

/* Deletes them, last first, so that each index still names its field
 * whether the MTA renumbers after a deletion or not. */
static void delete_foreign_relance_headers(SMFICTX *ctx, struct conn_state *c)
{
    if (!has_foreign_relance_headers(c))
        return;
    for (size_t i = 0; i < ARRAY_LEN(relance_header_names); i++) {
        for (int n = c->msg.relance_headers[i]; n > 0; n--) {
            if (smfi_chgheader(ctx, (char *)relance_header_names[i], n, NULL) != MI_SUCCESS)
                log_warning(c->msg.queue_id, "the MTA refused to delete a forged %s header",
                            relance_header_names[i]);
        }
        if (c->msg.relance_headers[i] > 0)
            log_notice(c->msg.queue_id, "deleted %d %s header%s arriving from outside",
                       c->msg.relance_headers[i], relance_header_names[i],
                       c->msg.relance_headers[i] == 1 ? "" : "s");
    }
}

/* Sorts an Authentication-Results header: ours (in the leading run) is
 * kept for the reply logic; one further down claiming a trusted verifier
 * is marked for removal. */
static void note_auth_header(struct conn_state *c, const char *name, const char *value)
{
    struct msg_state *m = &c->msg;
    char id[AUTH_RESULTS_ID_MAX];

    if (strcasecmp(name, AUTH_RESULTS_HEADER) != 0) {
        m->past_own_headers = true;
        return;
    }
    m->auth_results_seen++;
    log_debug(m->queue_id, "%s #%d, %s: %.80s", AUTH_RESULTS_HEADER, m->auth_results_seen,
              m->past_own_headers ? "among the sender's headers" : "added on our side", value);
    if (!m->past_own_headers) {
        if (m->own_auth_results.count < MAX_OWN_AUTH_RESULTS)
            strlist_add(&m->own_auth_results, value);
        return;
    }
    if (!auth_results_authserv_id(value, id, sizeof id) || !strlist_contains_icase(&c->cfg->trusted_authserv_ids, id))
        return;
    log_warning(m->queue_id, "forged %s header claiming \"%s\" among the sender's headers: ignored, to be removed",
                AUTH_RESULTS_HEADER, id);
    if (m->forged_count < MAX_FORGED_AUTH_RESULTS)
        m->forged[m->forged_count++] = m->auth_results_seen;
    else
        log_warning(m->queue_id, "more than %d forged %s headers: the rest stay", MAX_FORGED_AUTH_RESULTS,
                    AUTH_RESULTS_HEADER);
}

/* Removes the forged headers, the last first. A refusal is logged: the
 * reply logic never read them anyway. */
static void remove_forged_auth_results(SMFICTX *ctx, struct conn_state *c)
{
    for (size_t i = c->msg.forged_count; i-- > 0;)
        if (smfi_chgheader(ctx, (char *)AUTH_RESULTS_HEADER, c->msg.forged[i], NULL) != MI_SUCCESS)
            log_error(c->msg.queue_id, "the MTA refused to remove forged %s header #%d", AUTH_RESULTS_HEADER,
                      c->msg.forged[i]);
    if (c->msg.forged_count > 0)
        log_notice(c->msg.queue_id, "removed %zu forged %s header(s)", c->msg.forged_count, AUTH_RESULTS_HEADER);
}

static sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
    struct conn_state *c = conn_of(ctx);

    if (c == NULL)
        return SMFIS_ACCEPT;
    if (!c->msg.oversized) {
        strbuf_puts(&c->msg.raw, name);
        strbuf_putc(&c->msg.raw, ':');
        if (!(c->protocol & SMFIP_HDR_LEADSPC))
            strbuf_putc(&c->msg.raw, ' ');
        strbuf_puts(&c->msg.raw, value);
        strbuf_puts(&c->msg.raw, "\r\n");
        if (c->msg.raw.len > (size_t)c->cfg->max_message_size)
            c->msg.oversized = true;
    }
    note_header(&c->msg, name, value);
    count_relance_header(&c->msg, name);
    note_auth_header(c, name, value);
    return no_reply(c, SMFIP_NR_HDR);
}

/* Outgoing mail from an internal host is read whoever sends it. From
 * elsewhere, only an authenticated client can speak for an invoice
 * sender, and only through its envelope sender, which the MTA binds to
 * the login (Postfix: smtpd_sender_login_maps and
 * reject_sender_login_mismatch); the From header is whatever the client
 * wrote. An unauthenticated stranger using the company's address is
 * inbound mail, and must not be able to plant a case. */
static bool message_can_matter(const struct conn_state *c)
{
    if (c->internal)
        return true;
    return c->msg.authenticated && config_is_invoice_sender(c->cfg, c->msg.sender);
}

static void reply_envelope_of(const struct msg_state *m, struct reply_envelope *env)
{
    env->queue_id = m->queue_id;
    env->sender = m->sender ? m->sender : "";
    env->recipients = &m->recipients;
    env->message_id = m->message_id ? m->message_id : "";
    env->header_from = m->header_from;
    env->in_reply_to = m->in_reply_to;
    env->references = m->references;
    env->auth_results = &m->own_auth_results;
}

/* Mail from outside may answer relance: a reply or a bounce. */
static bool message_may_be_reply(struct conn_state *c)
{
    struct reply_envelope env;

    reply_envelope_of(&c->msg, &env);
    c->msg.reply = reply_screen(c->cfg, shared.pool, &shared.key, &env, &c->msg.hints);
    return c->msg.reply;
}

static sfsistat cb_eoh(SMFICTX *ctx)
{
    struct conn_state *c = conn_of(ctx);
    bool outgoing;

    if (c == NULL)
        return SMFIS_ACCEPT;
    read_queue_id(ctx, &c->msg);
    outgoing = message_can_matter(c);
    /* relance's own reminders and notices are never invoices nor replies;
     * the marker is trusted only on the way out. */
    if (outgoing && c->msg.marker &&
        scheduler_note_sighting(shared.pool, &shared.key, c->msg.queue_id, c->msg.message_id, c->msg.marker)) {
        msg_reset(&c->msg);
        return SMFIS_ACCEPT;
    }
    if (!outgoing && !message_may_be_reply(c)) {
        if (has_foreign_relance_headers(c) || c->msg.forged_count > 0) {
            /* Only the end of message can delete them; the body is not
             * kept (marked as over the size limit, it is skipped). */
            c->msg.strip_only = true;
            c->msg.oversized = true;
            strbuf_free(&c->msg.raw);
            return SMFIS_CONTINUE;
        }
        log_debug(c->msg.queue_id, "from <%s>: not outgoing, not a reply: accepted unread",
                  c->msg.sender ? c->msg.sender : "");
        msg_reset(&c->msg);
        return SMFIS_ACCEPT;
    }
    strbuf_puts(&c->msg.raw, "\r\n");
    return SMFIS_CONTINUE;
}

/* A possible reply is kept up to MaxReplySize (at most MaxMessageSize).
 * Past it the rest is dropped from the last line end on, never the whole
 * message: a dispute can be big only because of its attachments, and its
 * headers and first part are what relance reads. */
static void keep_reply_chunk(struct conn_state *c, const unsigned char *chunk, size_t len)
{
    size_t limit = (size_t)(c->cfg->max_reply_size < c->cfg->max_message_size ? c->cfg->max_reply_size
                                                                                : c->cfg->max_message_size);
    size_t room = c->msg.raw.len < limit ? limit - c->msg.raw.len : 0;
    size_t cut = room;

    if (c->msg.reply_cut)
        return;
    if (len <= room) {
        strbuf_append(&c->msg.raw, chunk, len);
        return;
    }
    while (cut > 0 && chunk[cut - 1] != '\n')
        cut--;
    strbuf_append(&c->msg.raw, chunk, cut);
    while (c->msg.raw.len > 0 && c->msg.raw.data[c->msg.raw.len - 1] != '\n')
        c->msg.raw.len--; /* the headers end with CRLF: the cut stops there at worst */
    if (c->msg.raw.data)
        c->msg.raw.data[c->msg.raw.len] = '\0';
    c->msg.reply_cut = true;
}

static sfsistat cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    struct conn_state *c = conn_of(ctx);

    if (c == NULL)
        return SMFIS_ACCEPT;
    if (c->msg.strip_only)
        return no_reply(c, SMFIP_NR_BODY);
    if (c->msg.reply && !c->msg.oversized) {
        keep_reply_chunk(c, chunk, len);
        return no_reply(c, SMFIP_NR_BODY);
    }
    if (!c->msg.oversized && c->msg.raw.len + len > (size_t)c->cfg->max_message_size) {
        c->msg.oversized = true;
        strbuf_free(&c->msg.raw);
    }
    if (!c->msg.oversized)
        strbuf_append(&c->msg.raw, chunk, len);
    return no_reply(c, SMFIP_NR_BODY);
}

static sfsistat add_result_header(SMFICTX *ctx, struct conn_state *c, const char *name, const char *value)
{
    /* With HDR_LEADSPC the MTA writes values verbatim: supply the space. */
    char *text = xasprintf("%s%s", (c->protocol & SMFIP_HDR_LEADSPC) ? " " : "", value);
    int rc = smfi_addheader(ctx, (char *)name, text);

    free(text);
    if (rc != MI_SUCCESS) {
        log_error(c->msg.queue_id, "the MTA refused the %s header", name);
        return on_error(c, c->msg.queue_id, false);
    }
    return SMFIS_ACCEPT;
}

static sfsistat cb_eom(SMFICTX *ctx)
{
    struct conn_state *c = conn_of(ctx);
    struct strbuf header;
    struct envelope env;
    struct reply_envelope renv;
    enum outgoing_result r;
    sfsistat status = SMFIS_ACCEPT;

    if (c == NULL)
        return SMFIS_ACCEPT;
    read_queue_id(ctx, &c->msg);
    delete_foreign_relance_headers(ctx, c);
    remove_forged_auth_results(ctx, c);
    if (c->msg.strip_only) {
        msg_reset(&c->msg);
        return SMFIS_ACCEPT;
    }
    if (c->msg.oversized) {
        log_notice(c->msg.queue_id, "skipped: message larger than MaxMessageSize (%lld bytes)",
                   c->cfg->max_message_size);
        msg_reset(&c->msg);
        return SMFIS_ACCEPT;
    }
    strbuf_init(&header);
    if (c->msg.reply_cut)
        log_notice(c->msg.queue_id, "reply larger than MaxReplySize (%lld bytes): only its first %zu bytes read",
                   c->cfg->max_reply_size, c->msg.raw.len);
    if (c->msg.reply) {
        reply_envelope_of(&c->msg, &renv);
        r = reply_process(c->cfg, shared.pool, &shared.key, c->msg.raw.data ? c->msg.raw.data : "", c->msg.raw.len,
                          &renv, &c->msg.hints, time(NULL), &header);
    } else {
        env.queue_id = c->msg.queue_id;
        env.sender = c->msg.sender ? c->msg.sender : "";
        env.recipients = &c->msg.recipients;
        env.message_id = c->msg.message_id ? c->msg.message_id : "";
        r = outgoing_process(c->cfg, shared.pool, &shared.key, c->msg.raw.data ? c->msg.raw.data : "",
                             c->msg.raw.len, &env, &header);
    }
    if (header.len > 0)
        status = add_result_header(ctx, c, c->msg.reply ? RELANCE_HEADER_REPLY : RELANCE_HEADER_RESULT, header.data);
    if (r != OUTGOING_OK && status == SMFIS_ACCEPT)
        status = on_error(c, c->msg.queue_id, r == OUTGOING_DB_ERROR);
    strbuf_free(&header);
    msg_reset(&c->msg);
    return status;
}

static sfsistat cb_abort(SMFICTX *ctx)
{
    struct conn_state *c = conn_of(ctx);

    if (c != NULL)
        msg_reset(&c->msg);
    return SMFIS_CONTINUE;
}

static sfsistat cb_close(SMFICTX *ctx)
{
    struct conn_state *c = conn_of(ctx);

    if (c != NULL) {
        msg_reset(&c->msg);
        config_unref(c->cfg);
        free(c);
        smfi_setpriv(ctx, NULL);
    }
    return SMFIS_CONTINUE;
}

static struct smfiDesc milter_desc = {
    .xxfi_name = "relance",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS,
    .xxfi_connect = cb_connect,
    .xxfi_envfrom = cb_envfrom,
    .xxfi_envrcpt = cb_envrcpt,
    .xxfi_header = cb_header,
    .xxfi_eoh = cb_eoh,
    .xxfi_body = cb_body,
    .xxfi_eom = cb_eom,
    .xxfi_abort = cb_abort,
    .xxfi_close = cb_close,
    .xxfi_negotiate = cb_negotiate,
};

bool milter_register(const struct milter_setup *setup)
{
    milter_set_config(setup->cfg);
    shared.pool = setup->pool;
    shared.key = setup->key;
    return smfi_register(milter_desc) == MI_SUCCESS;
}

void milter_shutdown(void)
{
    pthread_mutex_lock(&shared.lock);
    config_unref(shared.cfg);
    shared.cfg = NULL;
    pthread_mutex_unlock(&shared.lock);
}
