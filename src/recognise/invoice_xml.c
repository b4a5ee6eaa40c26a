/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * invoice_xml.c - reads invoice fields from UN/CEFACT CII and UBL 2.1 XML
 * (see invoice_xml.h).
 *
 * It parses one document held in memory with a hardened libxml2 set-up
 * (no network, no DTD, no entity expansion, bounded size, silent errors),
 * recognises the syntax by root element and namespace, and fills a struct
 * invoice by walking element local names. It does not open PDFs
 * (invoice_facturx.c), does not compute a due date from payment terms text
 * (the caller may, from payment_terms), and does not validate documents
 * against their schemas or business rules: a readable value is taken as
 * written.
 */
#include "recognise/invoice_xml.h"
#include "recognise/invoice_xml_parse.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "core/invoice_owner.h"
#include "core/money.h"
#include "lib/date.h"
#include "lib/utf8.h"
#include "lib/util.h"

#define NS_CII "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
#define NS_ZF1 "urn:ferd:CrossIndustryDocument:invoice:1p0"
#define NS_CII_RC "urn:un:unece:uncefact:data:standard:CBFBUY:5"
#define NS_UBL_INVOICE "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
#define NS_UBL_CREDIT_NOTE "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

/* UNTDID 1001: accounting information sent with, but legally not, an invoice. */
#define TYPE_CODE_ACCOUNTING_INFO 751

/*
 * Paths are local names separated by '/', one per level; '|' separates
 * alternative names for one level. CII D16B, ZUGFeRD 1.0 and the 2014
 * release candidate name their containers differently, so one path with
 * alternatives serves the three.
 */
#define CII_CONTEXT "ExchangedDocumentContext|SpecifiedExchangedDocumentContext"
#define CII_HEADER "ExchangedDocument|HeaderExchangedDocument"
#define CII_TRANSACTION "SupplyChainTradeTransaction|SpecifiedSupplyChainTradeTransaction"
#define CII_AGREEMENT                                                                              \
    CII_TRANSACTION "/ApplicableHeaderTradeAgreement|ApplicableSupplyChainTradeAgreement"
#define CII_SETTLEMENT                                                                             \
    CII_TRANSACTION "/ApplicableHeaderTradeSettlement|ApplicableSupplyChainTradeSettlement"
#define CII_SUMMATION                                                                              \
    "SpecifiedTradeSettlementHeaderMonetarySummation|SpecifiedTradeSettlementMonetarySummation"

enum xml_syntax {
    SYNTAX_CII,     /* CII D16B, ZUGFeRD 1.0 and its release candidate */
    SYNTAX_UBL,     /* UBL 2.1 Invoice */
    SYNTAX_UBL_CN,  /* UBL 2.1 CreditNote */
};

struct known_root {
    const char *name;
    const char *ns;
    enum xml_syntax syntax;
};

static const struct known_root known_roots[] = {
    {"CrossIndustryInvoice", NS_CII, SYNTAX_CII},
    {"CrossIndustryDocument", NS_ZF1, SYNTAX_CII},
    {"Invoice", NS_CII_RC, SYNTAX_CII},
    {"Invoice", NS_UBL_INVOICE, SYNTAX_UBL},
    {"CreditNote", NS_UBL_CREDIT_NOTE, SYNTAX_UBL_CN},
};

/* UNTDID 1001 codes of credit notes; every other code is an invoice. */
static const int credit_note_codes[] = {261, 262, 296, 308, 381, 396, 420, 458, 532};

/* ------------------------------------------------------------------ */
/* Path lookup                                                         */

/* True when node's local name is one of the '|'-separated names of the
 * step (step_len bytes). */
static bool name_in_step(const xmlNode *node, const char *step, size_t step_len)
{
    const char *name = (const char *)node->name;
    size_t name_len = strlen(name);
    const char *end = step + step_len;

    while (step < end) {
        const char *bar = memchr(step, '|', (size_t)(end - step));
        size_t alt_len = bar ? (size_t)(bar - step) : (size_t)(end - step);

        if (alt_len == name_len && memcmp(step, name, name_len) == 0)
            return true;
        step += alt_len + 1;
    }
    return false;
}

/* Visits, in document order, every element reached from `from` along
 * `path`; fn returns false to stop. Returns false when stopped. */
typedef bool (*xml_visit_fn)(xmlNode *node, void *ctx);

static bool xml_each(xmlNode *from, const char *path, xml_visit_fn fn, void *ctx)
{
    const char *slash;
    size_t step_len;

    if (from == NULL)
        return true;
    if (*path == '\0')
        return fn(from, ctx);
    slash = strchr(path, '/');
    step_len = slash ? (size_t)(slash - path) : strlen(path);
    for (xmlNode *child = from->children; child != NULL; child = child->next) {
        if (child->type != XML_ELEMENT_NODE || !name_in_step(child, path, step_len))
            continue;
        if (!xml_each(child, slash ? slash + 1 : "", fn, ctx))
            return false;
    }
    return true;
}

static bool keep_first(xmlNode *node, void *ctx)
{
    *(xmlNode **)ctx = node;
    return false;
}

/* The first element along path, or NULL. */
static xmlNode *xml_find(xmlNode *from, const char *path)
{
    xmlNode *found = NULL;

    xml_each(from, path, keep_first, &found);
    return found;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* A value that does not fit is cut at a character boundary (utf8_copy):
 * a truncated name is still valid UTF-8. */

/* The node's text, white space squeezed, into dst; false when empty. */
static bool node_text(xmlNode *node, char *dst, size_t size)
{
    xmlChar *content;

    dst[0] = '\0';
    if (node == NULL)
        return false;
    content = xmlNodeGetContent(node);
    if (content == NULL)
        return false;
    utf8_copy(dst, size, str_squeeze_spaces((char *)content));
    xmlFree(content);
    return dst[0] != '\0';
}

static bool read_text(xmlNode *from, const char *path, char *dst, size_t size)
{
    return node_text(xml_find(from, path), dst, size);
}

/* An attribute without namespace, squeezed, into dst; false when empty. */
static bool node_attr(xmlNode *node, const char *name, char *dst, size_t size)
{
    xmlChar *value;

    dst[0] = '\0';
    if (node == NULL)
        return false;
    value = xmlGetNoNsProp(node, (const xmlChar *)name);
    if (value == NULL)
        return false;
    utf8_copy(dst, size, str_squeeze_spaces((char *)value));
    xmlFree(value);
    return dst[0] != '\0';
}

/* Dates come as YYYYMMDD in CII (format 102; 203 and 204 append a time,
 * and a typo'd format attribute is not worth losing the date over), as
 * YYYY-MM-DD in UBL, and in the 2014 release candidate as the element's own
 * text rather than a DateTimeString child. Formats without a day (610,
 * 616) have fewer than eight digits and fail. */
static bool node_date(xmlNode *node, struct date *out)
{
    xmlNode *inner = xml_find(node, "DateTimeString");
    char text[64];
    size_t digits = 0;

    if (!node_text(inner ? inner : node, text, sizeof text))
        return false;
    while (isdigit((unsigned char)text[digits]))
        digits++;
    if (digits > 8)
        text[8] = '\0';
    return date_parse(text, out);
}

static bool read_date(xmlNode *from, const char *path, struct date *out)
{
    return node_date(xml_find(from, path), out);
}

static bool is_ascii_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* An ISO 4217 code: three ASCII letters, kept upper-case. */
static bool store_currency(struct invoice *out, const char *code)
{
    if (strlen(code) != 3 || !is_ascii_letter(code[0]) || !is_ascii_letter(code[1]) ||
        !is_ascii_letter(code[2]))
        return false;
    for (int i = 0; i < 3; i++)
        out->currency[i] = (char)toupper((unsigned char)code[i]);
    out->currency[3] = '\0';
    return true;
}

struct amount_pick {
    const char *currency; /* invoice currency, may be "" */
    bool found;
    bool in_currency;     /* found carries the invoice currency */
    int64_t cents;
    char currency_id[8];  /* currencyID of the amount taken */
};

/* Some producers repeat an amount once per currency (GrandTotalAmount in
 * invoice and tax currency): the one in the invoice currency wins, else
 * the first readable one. */
static bool pick_amount(xmlNode *node, void *ctx)
{
    struct amount_pick *pick = ctx;
    char text[64], id[8];
    int64_t cents;
    bool in_currency;

    if (!node_text(node, text, sizeof text) || !money_parse_decimal(text, &cents))
        return true;
    node_attr(node, "currencyID", id, sizeof id);
    in_currency = pick->currency[0] != '\0' && str_iequal(id, pick->currency);
    if (!pick->found || (in_currency && !pick->in_currency)) {
        pick->found = true;
        pick->in_currency = in_currency;
        pick->cents = cents;
        str_copy(pick->currency_id, sizeof pick->currency_id, id);
    }
    return !in_currency;
}

static bool read_amount(xmlNode *from, const char *path, struct invoice *out, int64_t *cents)
{
    struct amount_pick pick = {out->currency, false, false, 0, ""};

    xml_each(from, path, pick_amount, &pick);
    if (!pick.found)
        return false;
    /* ZUGFeRD 1.0 files sometimes give the currency only as attributes. */
    if (out->currency[0] == '\0')
        store_currency(out, pick.currency_id);
    *cents = pick.cents;
    return true;
}

/* Amount due: the payable amount when written, else the total less what
 * was prepaid. */
static void read_amount_due(xmlNode *totals, const char *payable, const char *grand,
                            const char *prepaid, struct invoice *out)
{
    int64_t total, paid;

    if (read_amount(totals, payable, out, &out->amount_due)) {
        out->has_amount_due = true;
        return;
    }
    if (!read_amount(totals, grand, out, &total))
        return;
    if (!read_amount(totals, prepaid, out, &paid))
        paid = 0;
    out->amount_due = total - paid;
    out->has_amount_due = true;
}

struct email_pick {
    char *dst;
    size_t size;
    bool electronic_address; /* BT-49: only with schemeID EM */
};

static bool pick_email(xmlNode *node, void *ctx)
{
    struct email_pick *pick = ctx;
    char text[INVOICE_EMAIL_MAX], scheme[16];

    if (pick->electronic_address &&
        (!node_attr(node, "schemeID", scheme, sizeof scheme) || !str_iequal(scheme, "EM")))
        return true;
    if (!node_text(node, text, sizeof text) || !str_is_email(text))
        return true;
    str_copy(pick->dst, pick->size, text);
    return false;
}

/* Buyer e-mail: the contact's (BT-58) first, as it names a person who
 * handles the invoice; else the electronic address (BT-49) when its scheme
 * says it is an e-mail address. Values that are not addresses (dummy text
 * in test files) are skipped. */
static void read_buyer_email(xmlNode *party, const char *contact_path, const char *address_path,
                             struct invoice *out)
{
    struct email_pick contact = {out->buyer_email, sizeof out->buyer_email, false};
    struct email_pick address = {out->buyer_email, sizeof out->buyer_email, true};

    out->buyer_email[0] = '\0';
    if (xml_each(party, contact_path, pick_email, &contact))
        xml_each(party, address_path, pick_email, &address);
}

/* Company ids of a party (SIREN, SIRET, VAT), normalised and joined with
 * spaces. Legal ids are taken without a scheme or with ISO 6523's SIREN
 * (0002) and SIRET (0009); tax ids without a scheme or as VAT (VA): a
 * GLN or a national fiscal number would never match CreditorIds and
 * would make our own invoice look like someone else's. */
static const char *const legal_id_schemes[] = {"0002", "0009", NULL};
static const char *const vat_id_schemes[] = {"VA", "VAT", NULL};

/* The buyer's ids say whether the buyer is a business (a consumer has no
 * legal registration, VAT id or global id): every scheme counts for its
 * legal ids (BT-47: SIREN, SIRET, LEI 0199, ...) and for its global ids
 * (BT-46 with a scheme: GLN 0088, DUNS 0060, ...). A BT-46 without a
 * scheme is the seller's customer number, which a consumer has too: it
 * never counts. The buyer's tax id (BT-48) is a VAT id only. */
static const char *const any_scheme[] = {NULL};

struct id_pick {
    char *dst;
    size_t size;
    const char *const *schemes; /* any_scheme: every scheme */
    bool scheme_required;
};

/* Whether id is one of the space-separated ids of list. */
static bool id_listed(const char *list, const char *id)
{
    size_t n = strlen(id);

    for (const char *p = strstr(list, id); p; p = strstr(p + 1, id)) {
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    }
    return false;
}

static bool pick_company_id(xmlNode *node, void *ctx)
{
    struct id_pick *pick = ctx;
    char text[INVOICE_IDS_MAX], scheme[16], id[COMPANY_ID_MAX + 1];
    size_t len = strlen(pick->dst), idlen;
    bool known = true;

    if (node_attr(node, "schemeID", scheme, sizeof scheme)) {
        known = pick->schemes == any_scheme;
        for (const char *const *s = pick->schemes; *s && !known; s++)
            known = str_iequal(scheme, *s);
    } else {
        known = !pick->scheme_required;
    }
    if (!known || !node_text(node, text, sizeof text) || !company_id_normalise(text, id, sizeof id))
        return true;
    idlen = strlen(id);
    if (idlen < 4 || len + idlen + 2 > pick->size || id_listed(pick->dst, id))
        return true;
    if (len > 0)
        pick->dst[len++] = ' ';
    memcpy(pick->dst + len, id, idlen + 1);
    return true;
}

static void read_company_ids(xmlNode *party, const char *path, const char *const *schemes, char *dst,
                             size_t size)
{
    struct id_pick pick = {dst, size, schemes, false};

    xml_each(party, path, pick_company_id, &pick);
}

/* Global ids (BT-46, BT-29): only those that name their scheme. */
static void read_global_ids(xmlNode *party, const char *path, char *dst, size_t size)
{
    struct id_pick pick = {dst, size, any_scheme, true};

    xml_each(party, path, pick_company_id, &pick);
}

/* Joins every non-empty text along path with " / ", within the field. */
struct text_join {
    struct strbuf sb;
};

static bool join_text(xmlNode *node, void *ctx)
{
    struct text_join *join = ctx;
    char text[INVOICE_TERMS_MAX];

    if (!node_text(node, text, sizeof text))
        return true;
    if (join->sb.len > 0)
        strbuf_puts(&join->sb, " / ");
    strbuf_puts(&join->sb, text);
    return join->sb.len < INVOICE_TERMS_MAX;
}

static void read_joined_text(xmlNode *from, const char *path, char *dst, size_t size)
{
    struct text_join join;

    strbuf_init(&join.sb);
    xml_each(from, path, join_text, &join);
    utf8_copy(dst, size, join.sb.data ? join.sb.data : "");
    strbuf_free(&join.sb);
}

/* ------------------------------------------------------------------ */
/* Document type                                                       */

static int parse_type_code(const char *text)
{
    char *end;
    long code;

    if (!isdigit((unsigned char)text[0]))
        return 0;
    code = strtol(text, &end, 10);
    return *end == '\0' && code > 0 && code < 10000 ? (int)code : 0;
}

static bool is_credit_note_code(int code)
{
    for (size_t i = 0; i < ARRAY_LEN(credit_note_codes); i++)
        if (credit_note_codes[i] == code)
            return true;
    return false;
}

/* Sets type_code and type; false (with why) for documents that are not
 * invoices to collect. */
static bool classify_type(const char *code_text, bool credit_note_root, struct invoice *out,
                          char *why, size_t whylen)
{
    out->type_code = parse_type_code(code_text);
    if (out->type_code == TYPE_CODE_ACCOUNTING_INFO) {
        str_copy(why, whylen, "type code 751 (accounting information)");
        return false;
    }
    out->type = credit_note_root || is_credit_note_code(out->type_code)
                    ? INVOICE_TYPE_CREDIT_NOTE
                    : INVOICE_TYPE_INVOICE;
    return true;
}

/* ZUGFeRD 1.0 used the CrossIndustryDocument root for orders too; only the
 * guideline ID (urn:ferd:CrossIndustryDocument:order:...) tells them apart. */
static bool profile_is_order(const char *profile)
{
    char lower[256];
    size_t len;

    str_copy(lower, sizeof lower, profile);
    str_tolower_ascii(lower);
    len = strlen(lower);
    return strstr(lower, ":order:") != NULL || (len >= 6 && strcmp(lower + len - 6, ":order") == 0);
}

/* ------------------------------------------------------------------ */
/* Buyer postal address (BT-50..55)                                    */

/* A country code as ISO 3166-1 alpha-2, upper case; anything else is
 * left out (the letter then prints no country line). */
static void keep_country(const char *code, struct postal_address *a)
{
    if (strlen(code) == 2 && is_ascii_letter(code[0]) && is_ascii_letter(code[1])) {
        a->country[0] = (char)toupper((unsigned char)code[0]);
        a->country[1] = (char)toupper((unsigned char)code[1]);
        a->country[2] = '\0';
    }
}

/* Kept only when a letter could be addressed with it (a street line and
 * a city): half an address is worse than none, which holds the letter. */
static void keep_if_usable(struct postal_address *a, struct invoice *out)
{
    if (postal_address_usable(a))
        out->buyer_address = *a;
}

static void cii_read_buyer_address(xmlNode *buyer, struct invoice *out)
{
    xmlNode *node = xml_find(buyer, "PostalTradeAddress");
    struct postal_address a;
    char code[16];

    memset(&a, 0, sizeof a);
    if (node == NULL)
        return;
    read_text(node, "LineOne", a.line1, sizeof a.line1);
    read_text(node, "LineTwo", a.line2, sizeof a.line2);
    read_text(node, "LineThree", a.line3, sizeof a.line3);
    read_text(node, "PostcodeCode", a.postcode, sizeof a.postcode);
    read_text(node, "CityName", a.city, sizeof a.city);
    if (read_text(node, "CountryID", code, sizeof code))
        keep_country(code, &a);
    keep_if_usable(&a, out);
}

static void ubl_read_buyer_address(xmlNode *buyer, struct invoice *out)
{
    xmlNode *node = xml_find(buyer, "PostalAddress");
    struct postal_address a;
    char code[16];

    memset(&a, 0, sizeof a);
    if (node == NULL)
        return;
    read_text(node, "StreetName", a.line1, sizeof a.line1);
    read_text(node, "AdditionalStreetName", a.line2, sizeof a.line2);
    read_text(node, "AddressLine/Line", a.line3, sizeof a.line3);
    read_text(node, "PostalZone", a.postcode, sizeof a.postcode);
    read_text(node, "CityName", a.city, sizeof a.city);
    if (read_text(node, "Country/IdentificationCode", code, sizeof code))
        keep_country(code, &a);
    keep_if_usable(&a, out);
}

/* ------------------------------------------------------------------ */
/* CII                                                                 */

/* Early-payment discount (Skonto) wording; a text that says there is none
 * is not a discount term. */
static const char *const discount_words[] = {"skonto", "discount", "escompte", "sconto",
                                             "descuento", "korting"};
static const char *const no_discount_phrases[] = {
    "ohne skonto",  "kein skonto", "keine skonto",   "sans escompte", "pas d'escompte",
    "aucun escompte", "no discount", "without discount", "senza sconto", "sin descuento"};

static bool text_has_any(const char *text, const char *const *words, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcasestr(text, words[i]) != NULL)
            return true;
    return false;
}

static bool cii_is_discount_term(xmlNode *term)
{
    char text[INVOICE_TERMS_MAX];

    if (xml_find(term, "ApplicableTradePaymentDiscountTerms") != NULL)
        return true;
    if (!read_text(term, "Description", text, sizeof text))
        return false;
    return text_has_any(text, discount_words, ARRAY_LEN(discount_words)) &&
           !text_has_any(text, no_discount_phrases, ARRAY_LEN(no_discount_phrases));
}

struct due_dates {
    struct date earliest_net;
    struct date latest_discount;
};

static bool collect_due_date(xmlNode *term, void *ctx)
{
    struct due_dates *dates = ctx;
    struct date d;

    if (!read_date(term, "DueDateDateTime", &d))
        return true;
    if (cii_is_discount_term(term)) {
        if (!date_is_set(dates->latest_discount) || date_compare(d, dates->latest_discount) > 0)
            dates->latest_discount = d;
    } else if (!date_is_set(dates->earliest_net) || date_compare(d, dates->earliest_net) < 0) {
        dates->earliest_net = d;
    }
    return true;
}

/*
 * CII allows several SpecifiedTradePaymentTerms, each with its own due
 * date: instalments (each with a PartialPaymentAmount) or, as in the
 * corpus's "Fremdwaehrung" files, a net term ("Zahlbar ohne Abschlag bis",
 * 2018-11-20) next to a Skonto term ("Zahlbar mit 2% Skonto bis",
 * 2018-11-14). The Skonto date is only the last day to pay less; the debt
 * falls due at the net date. So the due date is the earliest date among
 * the terms that are not early-payment discount terms (for instalments,
 * the first date money is owed); a term is a discount term when it has
 * ApplicableTradePaymentDiscountTerms or its description speaks of a
 * discount. When every dated term is a discount term, the latest of them
 * is the closest thing to a net date.
 */
static void cii_read_due_date(xmlNode *settlement, struct invoice *out)
{
    struct due_dates dates = {{0, 0, 0}, {0, 0, 0}};

    xml_each(settlement, "SpecifiedTradePaymentTerms", collect_due_date, &dates);
    out->due_date = date_is_set(dates.earliest_net) ? dates.earliest_net : dates.latest_discount;
    if (date_is_set(out->due_date))
        out->due_basis = DUE_BASIS_DOCUMENT;
}

static void cii_read_party_ids(xmlNode *party, char *dst, size_t size)
{
    read_company_ids(party, "SpecifiedLegalOrganization/ID", legal_id_schemes, dst, size);
    read_company_ids(party, "SpecifiedTaxRegistration/ID", vat_id_schemes, dst, size);
}

static void cii_read_parties(xmlNode *agreement, struct invoice *out)
{
    xmlNode *buyer = xml_find(agreement, "BuyerTradeParty");

    read_text(agreement, "SellerTradeParty/Name", out->seller_name, sizeof out->seller_name);
    cii_read_party_ids(xml_find(agreement, "SellerTradeParty"), out->seller_ids, sizeof out->seller_ids);
    read_company_ids(buyer, "SpecifiedLegalOrganization/ID", any_scheme, out->buyer_ids, sizeof out->buyer_ids);
    read_company_ids(buyer, "SpecifiedTaxRegistration/ID", vat_id_schemes, out->buyer_ids, sizeof out->buyer_ids);
    read_global_ids(buyer, "GlobalID", out->buyer_ids, sizeof out->buyer_ids);
    read_text(buyer, "Name", out->buyer_name, sizeof out->buyer_name);
    read_buyer_email(buyer, "DefinedTradeContact/EmailURIUniversalCommunication/URIID",
                     "URIUniversalCommunication/URIID", out);
    read_text(buyer, "DefinedTradeContact/TelephoneUniversalCommunication/CompleteNumber", out->buyer_phone,
              sizeof out->buyer_phone);
}

static void cii_read_settlement(xmlNode *settlement, struct invoice *out)
{
    char code[16];
    xmlNode *totals = xml_find(settlement, CII_SUMMATION);

    if (read_text(settlement, "InvoiceCurrencyCode", code, sizeof code))
        store_currency(out, code);
    read_amount_due(totals, "DuePayableAmount", "GrandTotalAmount", "TotalPrepaidAmount", out);
    cii_read_due_date(settlement, out);
    read_joined_text(settlement, "SpecifiedTradePaymentTerms/Description", out->payment_terms,
                     sizeof out->payment_terms);
    read_text(settlement, "InvoiceReferencedDocument/IssuerAssignedID|ID",
              out->referenced_number, sizeof out->referenced_number);
}

static enum invoice_xml_result cii_read(xmlNode *root, struct invoice *out, char *why,
                                        size_t whylen)
{
    xmlNode *header = xml_find(root, CII_HEADER);
    char profile[256], code[16];

    read_text(root, CII_CONTEXT "/GuidelineSpecifiedDocumentContextParameter/ID", profile,
              sizeof profile);
    if (profile_is_order(profile)) {
        str_format(why, whylen, "order profile %s", profile);
        return INVOICE_XML_NOT_INVOICE;
    }
    read_text(header, "TypeCode", code, sizeof code);
    if (!classify_type(code, false, out, why, whylen))
        return INVOICE_XML_NOT_INVOICE;
    read_text(header, "ID", out->number, sizeof out->number);
    read_date(header, "IssueDateTime", &out->issue_date);
    cii_read_parties(xml_find(root, CII_AGREEMENT), out);
    cii_read_buyer_address(xml_find(root, CII_AGREEMENT "/BuyerTradeParty"), out);
    cii_read_settlement(xml_find(root, CII_SETTLEMENT), out);
    out->source = INVOICE_SOURCE_CII;
    return INVOICE_XML_INVOICE;
}

/* ------------------------------------------------------------------ */
/* UBL                                                                 */

static void ubl_read_party_name(xmlNode *party, char *dst, size_t size)
{
    if (!read_text(party, "PartyLegalEntity/RegistrationName", dst, size))
        read_text(party, "PartyName/Name", dst, size);
}

static void ubl_read_party_ids(xmlNode *party, char *dst, size_t size)
{
    read_company_ids(party, "PartyLegalEntity/CompanyID", legal_id_schemes, dst, size);
    read_company_ids(party, "PartyTaxScheme/CompanyID", vat_id_schemes, dst, size);
}

static void ubl_read_parties(xmlNode *root, struct invoice *out)
{
    xmlNode *seller = xml_find(root, "AccountingSupplierParty/Party");
    xmlNode *buyer = xml_find(root, "AccountingCustomerParty/Party");

    ubl_read_party_name(seller, out->seller_name, sizeof out->seller_name);
    ubl_read_party_name(buyer, out->buyer_name, sizeof out->buyer_name);
    ubl_read_party_ids(seller, out->seller_ids, sizeof out->seller_ids);
    read_company_ids(buyer, "PartyLegalEntity/CompanyID", any_scheme, out->buyer_ids, sizeof out->buyer_ids);
    read_company_ids(buyer, "PartyTaxScheme/CompanyID", vat_id_schemes, out->buyer_ids, sizeof out->buyer_ids);
    read_global_ids(buyer, "PartyIdentification/ID", out->buyer_ids, sizeof out->buyer_ids);
    read_buyer_email(buyer, "Contact/ElectronicMail", "EndpointID", out);
    read_text(buyer, "Contact/Telephone", out->buyer_phone, sizeof out->buyer_phone);
}

static void ubl_read_due_date(xmlNode *root, struct invoice *out)
{
    if (read_date(root, "DueDate", &out->due_date) ||
        read_date(root, "PaymentMeans/PaymentDueDate", &out->due_date))
        out->due_basis = DUE_BASIS_DOCUMENT;
}

static enum invoice_xml_result ubl_read(xmlNode *root, bool credit_note_root,
                                        struct invoice *out, char *why, size_t whylen)
{
    char code[16];
    xmlNode *totals = xml_find(root, "LegalMonetaryTotal");

    read_text(root, "InvoiceTypeCode|CreditNoteTypeCode", code, sizeof code);
    if (!classify_type(code, credit_note_root, out, why, whylen))
        return INVOICE_XML_NOT_INVOICE;
    read_text(root, "ID", out->number, sizeof out->number);
    read_date(root, "IssueDate", &out->issue_date);
    ubl_read_due_date(root, out);
    ubl_read_parties(root, out);
    ubl_read_buyer_address(xml_find(root, "AccountingCustomerParty/Party"), out);
    if (read_text(root, "DocumentCurrencyCode", code, sizeof code))
        store_currency(out, code);
    read_amount_due(totals, "PayableAmount", "TaxInclusiveAmount", "PrepaidAmount", out);
    read_joined_text(root, "PaymentTerms/Note", out->payment_terms, sizeof out->payment_terms);
    read_text(root, "BillingReference/InvoiceDocumentReference/ID", out->referenced_number,
              sizeof out->referenced_number);
    out->source = INVOICE_SOURCE_UBL;
    return INVOICE_XML_INVOICE;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                         */

static const struct known_root *find_known_root(const xmlNode *root)
{
    const char *ns = root->ns && root->ns->href ? (const char *)root->ns->href : "";

    for (size_t i = 0; i < ARRAY_LEN(known_roots); i++) {
        if (strcmp((const char *)root->name, known_roots[i].name) == 0 &&
            strcmp(ns, known_roots[i].ns) == 0)
            return &known_roots[i];
    }
    return NULL;
}

static enum invoice_xml_result read_root(xmlNode *root, struct invoice *out, char *why,
                                         size_t whylen)
{
    const struct known_root *kind = find_known_root(root);
    enum invoice_xml_result res;

    if (kind == NULL) {
        str_format(why, whylen, "root %s", (const char *)root->name);
        return INVOICE_XML_NOT_INVOICE;
    }
    if (kind->syntax == SYNTAX_CII)
        res = cii_read(root, out, why, whylen);
    else
        res = ubl_read(root, kind->syntax == SYNTAX_UBL_CN, out, why, whylen);
    if (!invoice_phone_plausible(out->buyer_phone)) /* the buyer's telephone; a note is no number */
        out->buyer_phone[0] = '\0';
    if (res == INVOICE_XML_INVOICE && out->number[0] == '\0') {
        str_format(why, whylen, "%s without an invoice number", (const char *)root->name);
        return INVOICE_XML_ERROR;
    }
    return res;
}

enum invoice_xml_result invoice_xml_read(const char *data, size_t len, struct invoice *out,
                                         char *why, size_t whylen)
{
    xmlDocPtr doc;
    enum invoice_xml_result res;

    invoice_init(out); /* confidence 100: the document states its fields */
    if (whylen > 0)
        why[0] = '\0';
    invoice_xml_silence_errors();
    doc = invoice_xml_parse_document(data, len, why, whylen);
    if (doc == NULL)
        return INVOICE_XML_ERROR;
    res = read_root(xmlDocGetRootElement(doc), out, why, whylen);
    xmlFreeDoc(doc);
    if (res != INVOICE_XML_INVOICE)
        invoice_init(out);
    return res;
}
