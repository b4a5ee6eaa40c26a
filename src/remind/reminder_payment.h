/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reminder_payment.h - the ways to pay a reminder offers (CreditorIban,
 * CreditorBic, CreditorChequeAddress, PaymentLink) and its EPC QR code:
 * the template variables and flags payment_* (conf/templates/README.md)
 * and the QR payload the mail and the letter carry.
 *
 * One amount for all: what the reminder asks for, reminder_total() (the
 * principal, plus the penalties and the indemnity when the step claims
 * them from a business; the principal alone from a consumer), the very
 * value {{total}} shows. Offered only in mail to the debtor (never in the
 * court file), the QR code only for invoices in euros (SEPA).
 */
#ifndef RELANCE_REMINDER_PAYMENT_H
#define RELANCE_REMINDER_PAYMENT_H

#include <stdbool.h>

#include "core/payment.h"
#include "lib/template.h"
#include "remind/reminder_content.h"

/* The transfer reference: the invoice numbers, separated by spaces, cut
 * to whole numbers within the EPC limit (140 characters). */
void reminder_payment_reference(const struct reminder_content *rc, char *out, size_t size);
/* The EPC QR payload of this reminder; false when no QR code is offered
 * (no IBAN, not to the debtor, not in euros, nothing to pay). */
bool reminder_payment_qr(const struct reminder_content *rc, char out[PAYMENT_EPC_MAX + 1]);
/* Sets the payment_* variables and flags (payment_qr: an image of
 * rc->qr_content_id when the QR code is offered). */
void reminder_payment_vars(const struct reminder_content *rc, struct template_vars *v);
/* The words that stand for the QR code in the text part ("[code QR de
 * paiement]", "[payment QR code]") as a letter body holds them, NULL when
 * it holds neither: a letter draws the code on their line. */
const char *reminder_payment_qr_words_in(const char *body);

#endif
