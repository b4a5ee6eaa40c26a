/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relance.h - what relance shows outside its own code, and that other
 * programs may rely on: the mail headers it adds. A Sieve script, an MTA
 * rule or a log reader matches these names; they change only with a
 * version that says so.
 *
 * Everything else lives beside its source under src/, one directory per
 * layer (see the README's Layout section).
 */
#ifndef RELANCE_H
#define RELANCE_H

/* Added to an outgoing message that carried invoices: what was tracked. */
#define RELANCE_HEADER_RESULT "X-Relance"
/* Added to a debtor's reply: its verdict and the cases it answers. */
#define RELANCE_HEADER_REPLY "X-Relance-Reply"
/* Carried by every reminder relance sends: the milter knows its own mail
 * by it (and by its Message-ID) and never reads it as an invoice. */
#define RELANCE_HEADER_REMINDER "X-Relance-Reminder"
/* On a reminder sent to a test address instead of the debtor. */
#define RELANCE_HEADER_REDIRECTED "X-Relance-Redirected-From"

#endif
