/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_party_ids.h - the legal and tax ids (SIREN, SIRET, VAT ids) a
 * folded invoice text gives (see text_fold.h), sorted into the buyer's
 * and everyone else's.
 *
 * An id is the buyer's only when the text says so plainly: its label
 * names the buyer ("SIRET client", "N° TVA intracommunautaire du client",
 * "Customer VAT number"), or it stands in the buyer's address block (the
 * lines under "Client :", "Facturé à", "Adresse de facturation", "Bill
 * to"... up to a blank line), on a line of one column: a page laid out
 * in two columns puts the seller's ids beside the buyer's, and a seller's
 * id must never be taken for the buyer's. Every other id is listed in
 * `other`, for the caller to drop a buyer id that the text also gives
 * without saying whose it is. Values are checked (Luhn for SIREN and
 * SIRET, the key of a French VAT id); normalised to letters and digits,
 * upper case.
 */
#ifndef RELANCE_TEXT_PARTY_IDS_H
#define RELANCE_TEXT_PARTY_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define TEXT_PARTY_IDS_MAX 8
#define TEXT_PARTY_ID_LEN 24

struct text_id_list {
    char items[TEXT_PARTY_IDS_MAX][TEXT_PARTY_ID_LEN];
    size_t count;
    bool overflow; /* more ids than fit: the list is incomplete */
};

struct text_party_ids {
    struct text_id_list buyer;
    struct text_id_list other;
};

/* Reads [start, end) of folded text. */
void text_party_ids_read(const char *start, const char *end, struct text_party_ids *out);

#endif
