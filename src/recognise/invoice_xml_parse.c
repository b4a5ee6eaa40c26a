/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_xml_parse.c - hands libxml2 an invoice document that came from
 * anywhere, hardened: no network, no external entities, no DTD (the
 * parse stops at "<!DOCTYPE"), a size bound before it starts, errors kept
 * out of stderr, and one retry for producers that declare an encoding
 * that does not exist. What the document says is read in invoice_xml.c.
 */
#include "recognise/invoice_xml_parse.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "lib/util.h"
#include "recognise/invoice_xml.h"

/* Real invoices with embedded attachments reach a few MiB; anything far
 * beyond is not worth the memory of a tree. */
#define XML_MAX_INPUT (32u * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* libxml2 set-up                                                      */

static xmlParserInputPtr refuse_external_entity(const char *url, const char *id,
                                                xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void ignore_generic_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void ignore_structured_error(void *ctx, xmlErrorPtr error)
{
    (void)ctx;
    (void)error;
}

/* libxml2 keeps its error handlers per thread: the thread defaults cover
 * threads created later, and every read sets the current thread's too. */
void invoice_xml_silence_errors(void)
{
    xmlSetGenericErrorFunc(NULL, ignore_generic_error);
    xmlSetStructuredErrorFunc(NULL, ignore_structured_error);
}

void invoice_xml_init(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_external_entity);
    xmlThrDefSetGenericErrorFunc(NULL, ignore_generic_error);
    xmlThrDefSetStructuredErrorFunc(NULL, ignore_structured_error);
    invoice_xml_silence_errors();
}

/* ------------------------------------------------------------------ */
/* Bytes before parsing                                                */

static size_t utf8_bom_length(const char *data, size_t len)
{
    return len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

bool invoice_xml_looks_like_xml(const char *data, size_t len)
{
    size_t i = utf8_bom_length(data, len);

    while (i < len && isspace((unsigned char)data[i]))
        i++;
    return i < len && data[i] == '<';
}

static bool bytes_contain_doctype(const char *data, size_t len)
{
    static const char doctype[] = "<!DOCTYPE";
    const size_t n = sizeof doctype - 1;

    for (size_t i = 0; i + n <= len; i++) {
        if (data[i] == '<' && strncasecmp(data + i, doctype, n) == 0)
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

/* Called by libxml2 as soon as it has read "<!DOCTYPE name ...", before
 * any entity declaration of the internal subset: stopping there means an
 * entity bomb is never even declared, whatever the document's encoding
 * (the byte pre-scan only sees ASCII-compatible ones). xmlStopParser
 * leaves XML_ERR_USER_STOP as the context's error, which is how the
 * caller learns why parsing ended. */
static void stop_at_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                            const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    xmlStopParser((xmlParserCtxtPtr)ctx);
}

struct parse_result {
    xmlDocPtr doc;
    bool saw_doctype;
    int error; /* libxml2 error code when doc is NULL */
};

static struct parse_result parse_bytes(const char *data, size_t len, const char *encoding)
{
    struct parse_result res = {NULL, false, 0};
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();

    if (ctxt == NULL) {
        res.error = XML_ERR_NO_MEMORY;
        return res;
    }
    ctxt->sax->internalSubset = stop_at_doctype;
    ctxt->sax->serror = ignore_structured_error;
    if (encoding != NULL)
        options |= XML_PARSE_IGNORE_ENC;
    res.doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, encoding, options);
    res.saw_doctype = ctxt->errNo == XML_ERR_USER_STOP;
    res.error = ctxt->errNo;
    if (res.doc != NULL && (res.saw_doctype || res.doc->intSubset != NULL)) {
        res.saw_doctype = true;
        xmlFreeDoc(res.doc);
        res.doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return res;
}

/* Offset just past a leading XML declaration ("<?xml ... ?>"), 0 when the
 * document has none. */
static size_t xml_declaration_end(const char *data, size_t len)
{
    size_t start = utf8_bom_length(data, len);

    if (len - start < 5 || memcmp(data + start, "<?xml", 5) != 0)
        return 0;
    for (size_t i = start + 5; i + 1 < len && i < start + 512; i++) {
        if (data[i] == '?' && data[i + 1] == '>')
            return i + 2;
    }
    return 0;
}

/* True when the XML declaration data[0..end) names an encoding that
 * libxml2 does not know, or names it in a way it cannot read. */
static bool declares_unknown_encoding(const char *data, size_t end)
{
    char decl[512], name[64];
    const char *p, *close;
    xmlCharEncodingHandlerPtr handler;

    str_copyn(decl, sizeof decl, data, end);
    p = strstr(decl, "encoding");
    if (p == NULL)
        return false;
    p += strlen("encoding");
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '=')
        p++;
    if (*p != '"' && *p != '\'')
        return true;
    close = strchr(p + 1, *p);
    if (close == NULL || !str_copyn(name, sizeof name, p + 1, (size_t)(close - p - 1)))
        return true;
    handler = xmlFindCharEncodingHandler(name);
    if (handler == NULL)
        return true;
    xmlCharEncCloseFunc(handler);
    return false;
}

/* Returns the parsed document, or NULL with a reason. */
xmlDocPtr invoice_xml_parse_document(const char *data, size_t len, char *why, size_t whylen)
{
    struct parse_result res;
    size_t decl_end;

    if (len == 0) {
        str_copy(why, whylen, "empty document");
        return NULL;
    }
    if (len > XML_MAX_INPUT) {
        str_format(why, whylen, "document too large (%zu bytes)", len);
        return NULL;
    }
    if (bytes_contain_doctype(data, len)) {
        str_copy(why, whylen, "document declares a DTD");
        return NULL;
    }
    res = parse_bytes(data, len, NULL);
    /* Some producers declare encodings that do not exist over plain UTF-8
     * content; the corpus has encoding='UTF-8-W/O-BOM', whose '/' even
     * makes the declaration itself malformed. One retry reads what follows
     * the declaration as UTF-8. */
    decl_end = xml_declaration_end(data, len);
    if (res.doc == NULL && !res.saw_doctype && decl_end > 0 &&
        declares_unknown_encoding(data, decl_end))
        res = parse_bytes(data + decl_end, len - decl_end, "UTF-8");
    if (res.saw_doctype) {
        str_copy(why, whylen, "document declares a DTD");
        return NULL;
    }
    if (res.doc == NULL || xmlDocGetRootElement(res.doc) == NULL) {
        str_format(why, whylen, "not well-formed XML (libxml2 error %d)", res.error);
        if (res.doc != NULL)
            xmlFreeDoc(res.doc);
        return NULL;
    }
    return res.doc;
}

