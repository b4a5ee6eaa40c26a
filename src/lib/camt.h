/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camt.h - ISO 20022 bank-to-customer statements (camt.053, any version
 * 001.NN) and debit/credit notifications (camt.054) read into bank
 * entries. Pure: bytes in, entries out; no network, no entities, no DTD.
 */
#ifndef RELANCE_CAMT_H
#define RELANCE_CAMT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/bank_entry.h"

/* True when the bytes look like a camt.053/054 document (cheap sniff, to
 * choose between the readers; camt_read decides). */
bool camt_looks_like(const char *data, size_t len);
/* Reads every entry of every statement (or notification) in the document
 * into out (initialised by the caller; keys set). false with a reason
 * (out emptied) for anything else: too large, malformed, a DTD, another
 * document type, no statement, an entry without amount or direction. */
bool camt_read(const char *data, size_t len, struct bank_statement *out, char *why, size_t whylen);

#endif
