/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_camt.c - ISO 20022 bank statements (camt.053 v2/v3/v4/v8) and
 * notifications (camt.054) read by camt_read: every real file of the
 * corpus's payments/ against another library's reading of it (the .json
 * beside it, read through tests/data/payments/corpus-entries.jq with
 * jq), batches split by transaction, hostile and malformed documents
 * refused with a reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "lib/camt.h"
#include "lib/util.h"

#define JQ_FILTER "tests/data/payments/corpus-entries.jq"

static bool read_file(const char *rel, struct bank_statement *s, char *why, size_t whylen)
{
    size_t len = 0;
    char *data = corpus_read(rel, &len);
    bool ok;

    assert_non_null(data);
    ok = camt_read(data, len, s, why, whylen);
    free(data);
    return ok;
}

static bool read_text(const char *xml, struct bank_statement *s, char *why, size_t whylen)
{
    return camt_read(xml, strlen(xml), s, why, whylen);
}

/* ---- the corpus against the other library's reading ---- */

/* Splits a jq output line into its 12 tab-separated fields. */
static bool split_tsv(char *line, char *fields[12])
{
    size_t n = 0;

    line[strcspn(line, "\n")] = '\0';
    fields[n++] = line;
    for (char *p = line; *p && n < 12; p++) {
        if (*p == '\t') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    return n == 12;
}

/* The entry of s the expected line describes: by the bank's reference,
 * "/N" added for the N-th transaction of a split batch, or by position. */
static const struct bank_entry *entry_for(const struct bank_statement *s, const char *ref, long count, long index,
                                          bool credit, const char *booked)
{
    char id[BANK_ID_MAX + 16], day[DATE_STR_MAX];
    long seen = 0;

    snprintf(id, sizeof id, "%s/%ld", ref, index + 1);
    for (size_t i = 0; i < s->count; i++) {
        const struct bank_entry *e = &s->items[i];

        date_format(e->booked, day);
        if (e->credit != credit || strcmp(day, booked) != 0)
            continue;
        if (ref[0] && count > 1 && strcmp(e->entry_id, id) == 0)
            return e;
        if (ref[0] && strcmp(e->entry_id, ref) == 0)
            return e;
        if (!ref[0] && (count <= 1 || seen++ == index))
            return e;
    }
    return NULL;
}

/* Compares one line of the other library's reading; returns the fields
 * that differ (printed). */
static int check_line(const char *file, const struct bank_statement *s, char *f[12])
{
    long count = atol(f[6]), index = atol(f[7]);
    int64_t amount = strtoll(f[0], NULL, 10), tx_amount;
    const struct bank_entry *e = entry_for(s, f[5], count, index, strcmp(f[2], "CRDT") == 0, f[3]);
    char value[DATE_STR_MAX];
    int wrong = 0;

    if (e == NULL) {
        printf("WRONG %s: no entry %s %s %s (detail %ld)\n", file, f[0], f[2], f[3], index);
        return 1;
    }
    date_format(e->value, value);
#define EXPECT(cond, what)                                                                       \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            printf("WRONG %s detail %ld: %s\n", file, index, what);                           \
            wrong++;                                                                             \
        }                                                                                        \
    } while (0)
    EXPECT(strcmp(value, f[4]) == 0, "value date");
    if (count > 1 && f[8][0] && strcmp(e->entry_id, f[5]) != 0) {
        /* a split batch line: the transaction's own amount */
        tx_amount = strtoll(f[8], NULL, 10);
        EXPECT(e->amount == (tx_amount < 0 ? -tx_amount : tx_amount), "transaction amount");
    } else {
        EXPECT(e->amount == (amount < 0 ? -amount : amount), "amount");
        EXPECT(strcmp(e->currency, f[1]) == 0, "currency");
    }
    EXPECT(e->credit == (amount > 0), "credit/debit");
    EXPECT(strstr(e->remittance, f[9]) != NULL, "remittance message");
    EXPECT(strstr(e->remittance, f[10]) != NULL, "end-to-end id in the remittance");
    EXPECT(strcmp(e->end_to_end, f[10]) == 0 || (count > 1 && strcmp(e->entry_id, f[5]) == 0), "end-to-end id");
    EXPECT(strcmp(e->debtor_name, f[11]) == 0, "debtor name");
#undef EXPECT
    return wrong;
}

static int check_against_json(const char *xml_name, const struct bank_statement *s, int *lines)
{
    char *cmd, line[4096], *fields[12];
    int wrong = 0;
    FILE *jq;

    cmd = xasprintf("jq -r -f %s '%s/payments/%.*s.json'", JQ_FILTER, corpus_dir(),
                    (int)(strlen(xml_name) - 4), xml_name);
    jq = popen(cmd, "r");
    assert_non_null(jq);
    while (fgets(line, sizeof line, jq)) {
        assert_true(split_tsv(line, fields));
        wrong += check_line(xml_name, s, fields);
        (*lines)++;
    }
    assert_int_equal(pclose(jq), 0);
    free(cmd);
    return wrong;
}

static void test_corpus_matches_other_reading(void **state)
{
    char *dir = xasprintf("%s/payments", corpus_dir()), rel[300], why[256];
    struct dirent *d;
    DIR *dp = opendir(dir);
    int files = 0, lines = 0, wrong = 0;

    (void)state;
    assert_non_null(dp);
    while ((d = readdir(dp)) != NULL) {
        struct bank_statement s;
        size_t n = strlen(d->d_name);

        if (n < 5 || strcmp(d->d_name + n - 4, ".xml") != 0 || strstr(d->d_name, "wrong"))
            continue;
        snprintf(rel, sizeof rel, "payments/%s", d->d_name);
        bank_statement_init(&s);
        if (!read_file(rel, &s, why, sizeof why)) {
            printf("WRONG %s: refused: %s\n", d->d_name, why);
            wrong++;
            continue;
        }
        assert_true(s.count > 0);
        for (size_t i = 0; i < s.count; i++)
            assert_true(s.items[i].key[0] != '\0');
        wrong += check_against_json(d->d_name, &s, &lines);
        bank_statement_free(&s);
        files++;
    }
    closedir(dp);
    free(dir);
    printf("camt corpus: %d files, %d lines of the other reading, %d wrong\n", files, lines, wrong);
    assert_int_equal(files, 16);
    assert_true(lines >= 22);
    assert_int_equal(wrong, 0);
}

static void test_malformed_corpus_file_refused(void **state)
{
    struct bank_statement s;
    char why[256];

    (void)state;
    bank_statement_init(&s);
    assert_false(read_file("payments/camt053.v2.wrong.xml", &s, why, sizeof why));
    assert_string_equal(why, "camt.053.001.02 without any statement (Stmt)");
    assert_int_equal(s.count, 0);
}

/* ---- what the corpus files hold, counted by hand from the XML ---- */

static void test_versions_and_ids(void **state)
{
    struct bank_statement s;
    char why[256];

    (void)state;
    bank_statement_init(&s);
    assert_true(read_file("payments/camt053.v8.xml", &s, why, sizeof why));
    assert_string_equal(s.format, "camt.053.001.08");
    assert_int_equal(s.count, 1);
    assert_string_equal(s.items[0].statement_id, "253EURNL26VAYB8060476890");
    assert_string_equal(s.items[0].entry_id, "AAAASESS-FP-CN_98765/01");
    assert_string_equal(s.items[0].key, "253EURNL26VAYB8060476890|AAAASESS-FP-CN_98765/01");
    /* <Amt Ccy="EUR">8.85</Amt>: 885 cents; Pty/Nm (version 08) read */
    assert_int_equal(s.items[0].amount, 885);
    assert_string_equal(s.items[0].debtor_name, "NAME NAME");
    bank_statement_free(&s);

    /* two statements, one entry each: a credit of 8.85 and a debit of 7.00 */
    assert_true(read_file("payments/camt053.v2.multi.statement.xml", &s, why, sizeof why));
    assert_int_equal(s.count, 2);
    assert_true(s.items[0].credit);
    assert_int_equal(s.items[0].amount, 885);
    assert_false(s.items[1].credit);
    assert_int_equal(s.items[1].amount, 700);
    assert_string_not_equal(s.items[0].statement_id, s.items[1].statement_id);
    bank_statement_free(&s);

    /* five decimals: 8.85000 is 885 cents */
    assert_true(read_file("payments/camt053.v2.five.decimals.xml", &s, why, sizeof why));
    assert_int_equal(s.items[0].amount, 885);
    bank_statement_free(&s);
}

static void test_batch_split_by_transaction(void **state)
{
    struct bank_statement s;
    char why[256];

    (void)state;
    bank_statement_init(&s);
    /* One entry of SEK 200000 whose three TxDtls carry CHF 3.1, 3.2, 3.2:
     * three lines of 310, 320 and 320 cents. */
    assert_true(read_file("payments/camt054.v8.xml", &s, why, sizeof why));
    assert_string_equal(s.format, "camt.054.001.08");
    assert_int_equal(s.count, 3);
    assert_int_equal(s.items[0].amount, 310);
    assert_int_equal(s.items[1].amount, 320);
    assert_int_equal(s.items[2].amount, 320);
    assert_string_equal(s.items[0].currency, "CHF");
    assert_string_equal(s.items[0].entry_id, "ACSR160617103200001/1");
    assert_string_equal(s.items[2].entry_id, "ACSR160617103200001/3");
    assert_false(s.items[0].credit);
    assert_non_null(strstr(s.items[0].remittance, "Unstructured Remittance Information V1"));
    bank_statement_free(&s);
}

/* ---- hostile and malformed documents ---- */

#define DOC_HEAD "<?xml version=\"1.0\"?>\n"
#define NS53(v) "urn:iso:std:iso:20022:tech:xsd:camt.053.001." v

static const char minimal_credit[] =
    DOC_HEAD "<Document xmlns=\"" NS53("04") "\"><BkToCstmrStmt><Stmt><Id>S1</Id>"
    "<Ntry><NtryRef>E1</NtryRef><Amt Ccy=\"EUR\">1 200,50</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
    "<BookgDt><DtTm>2026-11-30T10:00:00+01:00</DtTm></BookgDt>"
    "<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
    "<RltdPties><UltmtDbtr><Nm>Ultimate</Nm></UltmtDbtr><Dbtr><Nm>Atelier Dupont</Nm></Dbtr></RltdPties>"
    "<RmtInf><Ustrd>Facture F-2026-001</Ustrd><Ustrd>merci</Ustrd>"
    "<Strd><RfrdDocInf><Nb>F-2026-002</Nb></RfrdDocInf><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>"
    "</RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>";

static void test_fields_read(void **state)
{
    struct bank_statement s;
    char why[256];

    (void)state;
    bank_statement_init(&s);
    assert_true(read_text(minimal_credit, &s, why, sizeof why));
    assert_int_equal(s.count, 1);
    /* "1 200,50": 1200 units and 50 cents = 120050 cents */
    assert_int_equal(s.items[0].amount, 120050);
    assert_string_equal(s.items[0].entry_id, "E1");
    assert_int_equal(s.items[0].booked.day, 30);
    assert_string_equal(s.items[0].end_to_end, "");
    assert_string_equal(s.items[0].debtor_name, "Atelier Dupont");
    assert_string_equal(s.items[0].remittance, "Facture F-2026-001 merci RF18539007547034 F-2026-002");
    bank_statement_free(&s);
}

static void test_refused(void **state)
{
    static const char *const docs[][2] = {
        {"", "empty file"},
        {"<Document", "malformed XML (line 1)"},
        {DOC_HEAD "<!DOCTYPE d [<!ENTITY x \"y\">]><Document xmlns=\"" NS53("02") "\"/>",
         "the document declares a DTD or entities: refused"},
        {DOC_HEAD "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"/>",
         "not an ISO 20022 camt.053 or camt.054 document"},
        {DOC_HEAD "<Document xmlns=\"" NS53("1") "\"/>", "not an ISO 20022 camt.053 or camt.054 document"},
        {DOC_HEAD "<Document xmlns=\"" NS53("02") "\"><BkToCstmrStmt><Stmt><Ntry/></Stmt></BkToCstmrStmt></Document>",
         "a statement without Id"},
        {DOC_HEAD "<Document xmlns=\"" NS53("02") "\"><BkToCstmrStmt><Stmt><Id>S</Id><Ntry><Amt Ccy=\"EUR\">-1</Amt>"
                  "<CdtDbtInd>CRDT</CdtDbtInd></Ntry></Stmt></BkToCstmrStmt></Document>",
         "entry 1: no readable amount or credit/debit indicator"},
        {DOC_HEAD "<Document xmlns=\"" NS53("02") "\"><BkToCstmrStmt><Stmt><Id>S</Id><Ntry><Amt Ccy=\"EUR\">1</Amt>"
                  "<CdtDbtInd>BOTH</CdtDbtInd></Ntry></Stmt></BkToCstmrStmt></Document>",
         "entry 1: no readable amount or credit/debit indicator"},
    };
    struct bank_statement s;
    char why[256];

    (void)state;
    bank_statement_init(&s);
    for (size_t i = 0; i < ARRAY_LEN(docs); i++) {
        assert_false(read_text(docs[i][0], &s, why, sizeof why));
        assert_string_equal(why, docs[i][1]);
        assert_int_equal(s.count, 0);
    }
}

static void test_too_large_refused_before_parsing(void **state)
{
    size_t len = BANK_MAX_INPUT + 1;
    char *big = xmalloc(len), why[256];
    struct bank_statement s;

    (void)state;
    memset(big, ' ', len);
    bank_statement_init(&s);
    assert_false(camt_read(big, len, &s, why, sizeof why));
    assert_string_equal(why, "file too large (16777217 bytes, at most 16777216)");
    free(big);
}

static void test_reversal_is_no_credit(void **state)
{
    static const char doc[] =
        DOC_HEAD "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\"><BkToCstmrDbtCdtNtfctn>"
        "<Ntfctn><Id>N1</Id><Ntry><Amt Ccy=\"EUR\">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>"
        "</Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>";
    struct bank_statement s;
    char why[256];

    (void)state;
    bank_statement_init(&s);
    assert_true(read_text(doc, &s, why, sizeof why));
    assert_int_equal(s.count, 1);
    assert_false(s.items[0].credit);
    /* no entry id: the key is a hash, ranked */
    assert_true(strncmp(s.items[0].key, "N1|#", 4) == 0);
    assert_non_null(strstr(s.items[0].key, "-1"));
    bank_statement_free(&s);
}

static void test_pending_and_batch_return(void **state)
{
    /* Sts PDNG (text, up to version 07) and Sts/Cd INFO (version 08): not
     * booked. A batch credit whose second transaction is a DBIT: that one
     * is no credit. */
    static const char doc[] =
        DOC_HEAD "<Document xmlns=\"" NS53("08") "\"><BkToCstmrStmt><Stmt><Id>S</Id>"
        "<Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts></Ntry>"
        "<Ntry><Amt Ccy=\"EUR\">2.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>INFO</Cd></Sts></Ntry>"
        "<Ntry><Amt Ccy=\"EUR\">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        "<NtryDtls><TxDtls><Amt Ccy=\"EUR\">4.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>"
        "<TxDtls><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls></Ntry>"
        "</Stmt></BkToCstmrStmt></Document>";
    struct bank_statement s;
    char why[256];

    (void)state;
    bank_statement_init(&s);
    assert_true(read_text(doc, &s, why, sizeof why));
    assert_int_equal(s.count, 4);
    assert_true(s.items[0].pending);
    assert_true(s.items[1].pending);
    assert_false(s.items[2].pending);
    /* 4.00 credited and 1.00 returned: net 3.00, the entry's amount */
    assert_int_equal(s.items[2].amount, 400);
    assert_true(s.items[2].credit);
    assert_int_equal(s.items[3].amount, 100);
    assert_false(s.items[3].credit);
    bank_statement_free(&s);
}

static void test_looks_like(void **state)
{
    (void)state;
    assert_true(camt_looks_like(minimal_credit, strlen(minimal_credit)));
    assert_false(camt_looks_like("Date;Montant;Libellé\n", 21));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_matches_other_reading),
        cmocka_unit_test(test_malformed_corpus_file_refused),
        cmocka_unit_test(test_versions_and_ids),
        cmocka_unit_test(test_batch_split_by_transaction),
        cmocka_unit_test(test_fields_read),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_too_large_refused_before_parsing),
        cmocka_unit_test(test_reversal_is_no_credit),
        cmocka_unit_test(test_pending_and_batch_return),
        cmocka_unit_test(test_looks_like),
    };

    xmlInitParser();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
