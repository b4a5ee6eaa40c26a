/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * corpus.c - test support: the invoice corpus and its manifest,
 * and the field-by-field check of a record against a manifest row.
 *
 * Expected values come from $RELANCE_CORPUS/MANIFEST.tsv (and, for the
 * buyer's contact e-mail, from a table read by hand from the files), never
 * from the code under test. The corpus is carried in the repository
 * (tests/data/corpus, relative to the top directory the tests run from)
 * so that a clone alone passes; RELANCE_CORPUS names another copy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/money.h"
#include "corpus.h"
#include "lib/date.h"
#include "lib/util.h"

#define CORPUS_DEFAULT "tests/data/corpus"
#define CORPUS_MAX_FILE (64u * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Corpus and manifest                                                 */

const char *corpus_dir(void)
{
    const char *dir = getenv("RELANCE_CORPUS");

    return dir != NULL && dir[0] != '\0' ? dir : CORPUS_DEFAULT;
}

char *corpus_read(const char *rel, size_t *len)
{
    char *path = xasprintf("%s/%s", corpus_dir(), rel);
    char *data = file_read_all(path, CORPUS_MAX_FILE, len);

    if (data == NULL)
        print_error("cannot read %s\n", path);
    free(path);
    return data;
}


/* Splits line at tabs into cells; returns the number of cells. */
static size_t split_tabs(char *line, char **cells)
{
    size_t n = 0;

    cells[n++] = line;
    for (char *p = line; *p != '\0' && n < MANIFEST_MAX_COLS; p++) {
        if (*p == '\t') {
            *p = '\0';
            cells[n++] = p + 1;
        }
    }
    return n;
}

bool manifest_load(struct manifest *m)
{
    size_t len;
    char *line, *next;

    memset(m, 0, sizeof *m);
    m->text = corpus_read("MANIFEST.tsv", &len);
    if (m->text == NULL)
        return false;
    for (line = m->text; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (m->ncols == 0) {
            m->ncols = split_tabs(line, m->header);
            continue;
        }
        m->rows = xrealloc(m->rows, (m->nrows + 1) * sizeof *m->rows);
        memset(m->rows[m->nrows], 0, sizeof m->rows[m->nrows]);
        split_tabs(line, m->rows[m->nrows]);
        m->nrows++;
    }
    return m->nrows > 0;
}

void manifest_free(struct manifest *m)
{
    free(m->text);
    free(m->rows);
}

/* The cell of row in the named column; "" when absent. */
const char *cell(const struct manifest *m, size_t row, const char *column)
{
    for (size_t i = 0; i < m->ncols; i++) {
        if (strcmp(m->header[i], column) == 0)
            return m->rows[row][i] != NULL ? m->rows[row][i] : "";
    }
    fail_msg("manifest has no column %s", column);
    return "";
}

/* ------------------------------------------------------------------ */
/* Field checks                                                        */


void check_field(struct score *s, const char *path, const char *field, const char *expected,
                        const char *got)
{
    s->checked++;
    if (strcmp(expected, got) == 0) {
        s->right++;
        return;
    }
    print_message("  WRONG %s %s: expected '%s', got '%s'\n", path, field, expected, got);
}

/* Manifest dates are YYYYMMDD (CII) or YYYY-MM-DD (UBL): both become
 * YYYYMMDD. */
void normalise_date(const char *in, char out[16])
{
    size_t n = 0;

    for (; *in != '\0' && n < 15; in++)
        if (*in != '-')
            out[n++] = *in;
    out[n] = '\0';
}

void format_date(struct date d, char out[16])
{
    if (d.year == 0)
        out[0] = '\0';
    else
        snprintf(out, 16, "%04d%02d%02d", d.year % 10000, d.month % 100, d.day % 100);
}

/* Splits s at sep into at most max trimmed pieces (in place). */
static size_t split_list(char *s, const char *sep, char **pieces, size_t max)
{
    size_t n = 0;
    char *p = s;

    if (*s == '\0')
        return 0;
    while (n < max) {
        char *at = strstr(p, sep);

        if (at != NULL)
            *at = '\0';
        pieces[n++] = str_trim(p);
        if (at == NULL)
            break;
        p = at + strlen(sep);
    }
    return n;
}

static bool mentions_discount(const char *terms)
{
    return strcasestr(terms, "skonto") != NULL || strcasestr(terms, "discount") != NULL ||
           strcasestr(terms, "escompte") != NULL;
}

/*
 * The due date the reader must give. The manifest lists every due date of
 * the document (';'-separated) and, for such documents, the payment terms
 * texts in the same order (" / "-separated). The rule: the earliest date
 * of a term that is not an early-payment discount (Skonto) term; when all
 * are discount terms, the latest. For the two "Fremdwaehrung" files that is
 * the "Zahlbar ohne Abschlag" date (20181120, 20251231), not the earlier
 * Skonto date.
 */
static void expected_due_date(const char *dates_cell, const char *terms_cell, char out[16])
{
    char dates_buf[256], terms_buf[1024], best_net[16] = "", best_discount[16] = "";
    char *dates[8], *terms[8];
    size_t nd, nt;

    str_copy(dates_buf, sizeof dates_buf, dates_cell);
    str_copy(terms_buf, sizeof terms_buf, terms_cell);
    nd = split_list(dates_buf, ";", dates, 8);
    nt = split_list(terms_buf, " / ", terms, 8);
    for (size_t i = 0; i < nd; i++) {
        char d[16];
        bool discount = nd > 1 && nt == nd && mentions_discount(terms[i]);

        normalise_date(dates[i], d);
        if (discount && strcmp(d, best_discount) > 0)
            strcpy(best_discount, d);
        if (!discount && (best_net[0] == '\0' || strcmp(d, best_net) < 0))
            strcpy(best_net, d);
    }
    strcpy(out, best_net[0] != '\0' ? best_net : best_discount);
}

static void expected_amount(const char *amount_due, const char *grand_total, char out[32])
{
    const char *text = amount_due[0] != '\0' ? amount_due : grand_total;
    int64_t cents;

    if (text[0] == '\0') {
        out[0] = '\0';
        return;
    }
    assert_true(money_parse_decimal(text, &cents));
    snprintf(out, 32, "%lld", (long long)cents);
}

static bool is_credit_note_code(const char *code)
{
    static const char *const codes[] = {"261", "262", "296", "308", "381",
                                        "396", "420", "458", "532"};

    for (size_t i = 0; i < ARRAY_LEN(codes); i++)
        if (strcmp(code, codes[i]) == 0)
            return true;
    return false;
}

/* The buyer's contact e-mail (BT-58), read by hand from the files that
 * give several addresses: the reader must prefer it. */
static const struct {
    const char *path;
    const char *contact;
} contact_emails[] = {
    {"cii/ce_CII_example5.xml", "john.hansen@buyercompany.dk"},
    {"ubl/ce_ubl-tc434-example5.xml", "john.hansen@buyercompany.dk"},
    {"cii/zc_not_validating_EeISI_300_CENfullmodel.cii.xml", "buyer@contact.ie"},
    {"ubl/zc_not_validating_EeISI_300_CENfullmodel.ubl.xml", "buyer@contact.ie"},
    {"facturx/ubl-in-pdf_odoo_AzureInterior.pdf", "admin@yourcompany.example.com"},
};

/* The manifest lists every buyer address, including dummy text: the
 * record must hold one that is a real address, the contact one when the
 * table names it, and nothing when there is none. */
static void check_email(struct score *s, const char *path, const char *listed, const char *got)
{
    char buf[1024];
    char *emails[8];
    size_t n;
    const char *expected = "";

    for (size_t i = 0; i < ARRAY_LEN(contact_emails); i++)
        if (strcmp(contact_emails[i].path, path) == 0)
            expected = contact_emails[i].contact;
    str_copy(buf, sizeof buf, listed);
    n = split_list(buf, ";", emails, 8);
    if (expected[0] == '\0') {
        for (size_t i = 0; i < n && expected[0] == '\0'; i++)
            if (strcmp(emails[i], got) == 0 && str_is_email(emails[i]))
                expected = got;
        for (size_t i = 0; i < n && expected[0] == '\0'; i++)
            if (str_is_email(emails[i]))
                expected = emails[i];
    }
    check_field(s, path, "buyer_email", expected, got);
}

void check_invoice_fields(const struct manifest *m, size_t row, const struct invoice *inv,
                                 struct score *s)
{
    const char *path = cell(m, row, "local_path");
    const char *code = cell(m, row, "type_code");
    bool credit = is_credit_note_code(code) || strcmp(cell(m, row, "syntax"), "UBL-CreditNote") == 0;
    char want[32], got[32];

    check_field(s, path, "number", cell(m, row, "invoice_number"), inv->number);
    check_field(s, path, "type", credit ? "credit_note" : "invoice", invoice_type_name(inv->type));
    normalise_date(cell(m, row, "issue_date"), want);
    format_date(inv->issue_date, got);
    check_field(s, path, "issue_date", want, got);
    expected_due_date(cell(m, row, "due_date"), cell(m, row, "payment_terms"), want);
    format_date(inv->due_date, got);
    check_field(s, path, "due_date", want, got);
    expected_amount(cell(m, row, "amount_due"), cell(m, row, "grand_total"), want);
    if (inv->has_amount_due)
        snprintf(got, sizeof got, "%lld", (long long)inv->amount_due);
    else
        got[0] = '\0';
    check_field(s, path, "amount_due", want, got);
    check_field(s, path, "currency", cell(m, row, "currency"), inv->currency);
    check_field(s, path, "buyer_name", cell(m, row, "buyer_name"), inv->buyer_name);
    check_email(s, path, cell(m, row, "buyer_email"), inv->buyer_email);
    check_field(s, path, "seller_name", cell(m, row, "seller_name"), inv->seller_name);
}

/* Rows that must not yield an invoice: accounting information (751),
 * purchase orders (Order-X root, ZUGFeRD 1 order profile). */
bool row_is_not_invoice(const struct manifest *m, size_t row)
{
    const char *code = cell(m, row, "type_code");

    return strcmp(code, "751") == 0 || strncmp(cell(m, row, "syntax"), "other:", 6) == 0 ||
           (code[0] == '\0' && strstr(cell(m, row, "profile"), ":order:") != NULL);
}
