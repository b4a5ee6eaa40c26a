/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_xml_parse.h - the hardened libxml2 parse of an invoice document
 * (invoice_xml_parse.c), shared by the readers of src/recognise.
 */
#ifndef RELANCE_INVOICE_XML_PARSE_H
#define RELANCE_INVOICE_XML_PARSE_H

#include <stddef.h>

#include <libxml/tree.h>

/* The parsed document (to free with xmlFreeDoc), or NULL with a reason. */
xmlDocPtr invoice_xml_parse_document(const char *data, size_t len, char *why, size_t whylen);

/* Keeps libxml2's messages for bad documents out of stderr and the log:
 * the caller says what was wrong, once, with the queue id. */
void invoice_xml_silence_errors(void);

#endif
