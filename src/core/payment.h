/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * payment.h - the ways to pay a reminder offers: the creditor's IBAN and
 * BIC (checked: ISO 13616 mod 97 and the length of each SEPA country's
 * IBAN; ISO 9362 BIC of 8 or 11 characters), the European Payments
 * Council's "SEPA credit transfer" QR payload (EPC069-12, version 002,
 * a.k.a. GiroCode) and the online payment link made from a URL template
 * (PaymentLink https://pay.example/{number}?amount={amount}).
 *
 * Pure logic: no I/O. Drawing the QR code is lib/qr.c's.
 */
#ifndef RELANCE_PAYMENT_H
#define RELANCE_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

#define PAYMENT_IBAN_MAX 35 /* 34 characters (ISO 13616) and the NUL */
#define PAYMENT_BIC_MAX 12
/* EPC069-12: at most 331 bytes of payload. */
#define PAYMENT_EPC_MAX 331
#define PAYMENT_EPC_NAME_MAX 70     /* characters of the beneficiary's name */
#define PAYMENT_EPC_REMITTANCE_MAX 140
/* EPC069-12: 0.01 to 999999999.99 euros. */
#define PAYMENT_EPC_AMOUNT_MAX 99999999999LL

/* The IBAN without spaces, in capitals, into out; false with why when its
 * country is not a SEPA one, its length is not that country's or its
 * check digits fail (mod 97 must give 1). */
bool payment_iban_normalize(const char *in, char out[PAYMENT_IBAN_MAX], char *why, size_t whylen);
/* The BIC without spaces, in capitals: 4 letters (bank), 2 letters
 * (country), 2 letters or digits (place), optionally 3 more (branch). */
bool payment_bic_normalize(const char *in, char out[PAYMENT_BIC_MAX], char *why, size_t whylen);

/* What an EPC QR code carries (all normalised by the caller except name
 * and remittance, which are cut to their limits on a character boundary). */
struct payment_epc {
    const char *bic;        /* "" allowed (version 002) */
    const char *name;       /* the beneficiary */
    const char *iban;
    int64_t amount_cents;   /* euros only */
    const char *remittance; /* unstructured: the invoice number(s) */
};

/* The payload, lines separated by LF, nothing after the remittance; false
 * when an amount is out of range, the IBAN or the name is empty, or the
 * result is over PAYMENT_EPC_MAX bytes. */
bool payment_epc_payload(const struct payment_epc *in, char out[PAYMENT_EPC_MAX + 1]);

/* The link: {number} and {amount} ("1234.56") replaced, each percent-
 * encoded but for RFC 3986's unreserved characters; false (why) when the
 * template names another placeholder or has an unclosed brace. */
bool payment_link_expand(const char *tmpl, const char *number, int64_t amount_cents, struct strbuf *out, char *why,
                         size_t whylen);

#endif
