/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bank_csv.h - bank account exports in CSV read into bank entries. Pure:
 * bytes in, entries out.
 *
 * The first non-empty line names the columns; a file is read when it
 * names at least a date, an amount (one signed column, or credit and
 * debit columns) and a reference or label, in French or English
 * ("Date opération", "Montant", "Crédit", "Débit", "Libellé",
 * "Référence", "Description", "Nom"...). Separator ';', ',' or tab;
 * decimal comma or point; fields may be quoted ("" inside quotes).
 */
#ifndef RELANCE_BANK_CSV_H
#define RELANCE_BANK_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/bank_entry.h"

/* Reads every line into out (initialised by the caller; keys set), or
 * false with a reason naming the line (out emptied). */
bool bank_csv_read(const char *data, size_t len, struct bank_statement *out, char *why, size_t whylen);

#endif
