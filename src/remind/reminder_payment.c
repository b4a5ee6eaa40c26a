/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reminder_payment.c - the ways to pay of a reminder and its EPC QR code
 * (see reminder_payment.h).
 */
#include "remind/reminder_payment.h"

#include <stdlib.h>
#include <string.h>

#include "core/money.h"

/* The QR code stands in the text part (and marks its place in a letter)
 * by these words. */
static const char *qr_words(enum language lang)
{
    return lang == LANG_EN ? "[payment QR code]" : "[code QR de paiement]";
}

/* Defined here, beside its main reader: the one amount the reminder asks
 * for, that {{total}}, {{payment_amount}}, the link and the QR code show. */
int64_t reminder_total(const struct reminder_content *rc)
{
    int64_t total = 0;

    for (size_t i = 0; i < rc->count; i++)
        total += rc->lines[i].principal + rc->lines[i].penalties + rc->lines[i].indemnity;
    return total;
}

const char *reminder_payment_qr_words_in(const char *body)
{
    if (body && strstr(body, qr_words(LANG_FR)))
        return qr_words(LANG_FR);
    if (body && strstr(body, qr_words(LANG_EN)))
        return qr_words(LANG_EN);
    return NULL;
}

static const char *currency_of(const struct reminder_content *rc)
{
    return rc->count > 0 ? rc->lines[0].dc->c.inv.currency : "EUR";
}

/* Mail to the debtor: every step but the court file (sent to the creditor). */
static bool to_debtor(const struct reminder_content *rc)
{
    return rc->count > 0 && rc->step->action != LADDER_COURT;
}

void reminder_payment_reference(const struct reminder_content *rc, char *out, size_t size)
{
    size_t chars = 0;

    out[0] = '\0';
    for (size_t i = 0; i < rc->count; i++) {
        const char *number = rc->lines[i].dc->c.inv.number;
        size_t n = strlen(number) + (i > 0);
        /* Whole numbers only: a number cut short would match no invoice. */
        if (chars + n > PAYMENT_EPC_REMITTANCE_MAX || strlen(out) + n + 1 > size)
            break;
        if (i > 0)
            str_format(out + strlen(out), size - strlen(out), " ");
        str_format(out + strlen(out), size - strlen(out), "%s", number);
        chars += n;
    }
}

static bool creditor_iban(const struct config *cfg, char iban[PAYMENT_IBAN_MAX], char bic[PAYMENT_BIC_MAX])
{
    char why[200];

    bic[0] = '\0';
    if (cfg->creditor_iban[0] == '\0' || !payment_iban_normalize(cfg->creditor_iban, iban, why, sizeof why))
        return false;
    if (cfg->creditor_bic[0] && !payment_bic_normalize(cfg->creditor_bic, bic, why, sizeof why))
        bic[0] = '\0';
    return true;
}

bool reminder_payment_qr(const struct reminder_content *rc, char out[PAYMENT_EPC_MAX + 1])
{
    char iban[PAYMENT_IBAN_MAX], bic[PAYMENT_BIC_MAX], reference[PAYMENT_EPC_REMITTANCE_MAX * 4 + 1];
    struct payment_epc epc;

    out[0] = '\0';
    /* SEPA transfers are in euros: no QR code for another currency (no
     * conversion is ever made). */
    if (!to_debtor(rc) || strcmp(currency_of(rc), "EUR") != 0 || !creditor_iban(rc->cfg, iban, bic))
        return false;
    reminder_payment_reference(rc, reference, sizeof reference);
    epc = (struct payment_epc){bic, rc->cfg->creditor_name, iban, reminder_total(rc), reference};
    return payment_epc_payload(&epc, out);
}

/* "FR76 3000 6000 0112 3456 7890 189": groups of four, as printed by banks. */
static void grouped(const char *iban, char *out, size_t size)
{
    size_t n = 0;

    for (size_t i = 0; iban[i] && n + 2 < size; i++) {
        if (i > 0 && i % 4 == 0)
            out[n++] = ' ';
        out[n++] = iban[i];
    }
    out[n] = '\0';
}

static void transfer_vars(const struct reminder_content *rc, bool offered, struct template_vars *v)
{
    char iban[PAYMENT_IBAN_MAX], bic[PAYMENT_BIC_MAX], shown[PAYMENT_IBAN_MAX * 2];
    bool has_iban = offered && creditor_iban(rc->cfg, iban, bic);

    if (has_iban)
        grouped(iban, shown, sizeof shown);
    template_set(v, "payment_iban", has_iban ? shown : "");
    template_set(v, "payment_bic", has_iban ? bic : "");
    template_set_flag(v, "payment_iban", has_iban);
    template_set_flag(v, "payment_bic", has_iban && bic[0]);
}

static void link_var(const struct reminder_content *rc, bool offered, const char *reference,
                     struct template_vars *v)
{
    struct strbuf link;
    char why[200];
    bool ok;

    strbuf_init(&link);
    ok = offered && rc->cfg->payment_link[0] &&
         payment_link_expand(rc->cfg->payment_link, reference, reminder_total(rc), &link, why, sizeof why);
    template_set(v, "payment_link", ok && link.data ? link.data : "");
    template_set_flag(v, "payment_link", ok);
    strbuf_free(&link);
}

void reminder_payment_vars(const struct reminder_content *rc, struct template_vars *v)
{
    const struct config *cfg = rc->cfg;
    bool offered = to_debtor(rc);
    char reference[PAYMENT_EPC_REMITTANCE_MAX * 4 + 1], amount[MONEY_TEXT_MAX], payload[PAYMENT_EPC_MAX + 1];
    bool qr = rc->qr_content_id != NULL && reminder_payment_qr(rc, payload);
    char *src = qr ? xasprintf("cid:%s", rc->qr_content_id) : NULL;

    reminder_payment_reference(rc, reference, sizeof reference);
    /* The amount the reminder asks for: the one {{total}} shows and the
     * QR code carries. */
    money_format_text(reminder_total(rc), currency_of(rc), rc->lang, amount);
    template_set(v, "payment_reference", reference);
    template_set(v, "payment_amount", amount);
    transfer_vars(rc, offered, v);
    template_set(v, "payment_cheque_address", offered ? cfg->creditor_cheque_address : "");
    template_set_flag(v, "payment_cheque", offered && cfg->creditor_cheque_address[0]);
    link_var(rc, offered, reference, v);
    template_set_image(v, "payment_qr", src ? src : "", qr_words(rc->lang));
    template_set_flag(v, "payment_qr", qr);
    template_set_flag(v, "payment_options", offered && (cfg->creditor_iban[0] || cfg->creditor_cheque_address[0] ||
                                                        cfg->payment_link[0]));
    free(src);
}
