/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_accuracy.c - the reply classifier against the labelled set
 * in tests/data/replies (LABELS.tsv: file, verdict, promised_date,
 * reply_date, note), read with the shipped lexicon (conf/replies).
 *
 * Prints every wrong verdict or date with the deciding reason, a
 * precision/recall table per class and the overall accuracy, and fails
 * when dispute recall is below 98% or dispute precision below 95%: a
 * missed dispute sends a formal notice to someone who contests the debt,
 * a false one stops collection of a debt that is owed. Promised dates
 * must all be right.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/date.h"
#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply_classify.h"
#include "text/reply_lexicon.h"

#define MIN_REPLIES 80
#define MIN_DISPUTES 25

struct label {
    char file[128];
    enum reply_verdict verdict;
    struct date promised;
    struct date today;
};

struct tally {
    int truth[REPLY_VERDICT_COUNT];     /* labelled so */
    int predicted[REPLY_VERDICT_COUNT]; /* classified so */
    int right[REPLY_VERDICT_COUNT];     /* both */
    int total, correct;
    int dates_checked, dates_right;
};

static const char *top_dir(void)
{
    const char *top = getenv("RELANCE_TOP");
    return top ? top : ".";
}

/* Splits on tabs keeping empty cells (strtok would merge them). */
static void split_keep_empty(char *line, char **cols, int max, int *n)
{
    *n = 0;
    cols[(*n)++] = line;
    for (char *p = line; *p && *n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            cols[(*n)++] = p + 1;
        }
}

/* One LABELS.tsv row; false for comments and the header. */
static bool read_label(char *line, struct label *l)
{
    char *cols[5];
    int n;

    if (line[0] == '#' || line[0] == '\0' || strncmp(line, "file\t", 5) == 0)
        return false;
    split_keep_empty(line, cols, 5, &n);
    if (n < 4)
        fail_msg("LABELS.tsv: short row: %s", cols[0]);
    memset(l, 0, sizeof *l);
    str_copy(l->file, sizeof l->file, cols[0]);
    if (!reply_verdict_parse(cols[1], &l->verdict))
        fail_msg("LABELS.tsv: %s: unknown verdict \"%s\"", cols[0], cols[1]);
    if (cols[2][0] != '\0' && !date_parse(cols[2], &l->promised))
        fail_msg("LABELS.tsv: %s: bad promised_date \"%s\"", cols[0], cols[2]);
    if (!date_parse(cols[3], &l->today))
        fail_msg("LABELS.tsv: %s: bad reply_date \"%s\"", cols[0], cols[3]);
    if (l->verdict == REPLY_PROMISE && !date_is_set(l->promised) && cols[2][0] != '\0')
        fail_msg("LABELS.tsv: %s: promise without a readable date", cols[0]);
    return true;
}

static void classify_one(const struct reply_lexicon *lex, const struct label *l, struct tally *t)
{
    char *path = xasprintf("%s/tests/data/replies/%s", top_dir(), l->file);
    size_t len;
    char *data = file_read_all(path, 4u << 20, &len);
    struct message *msg;
    struct reply_reading r;
    char got[DATE_STR_MAX], want[DATE_STR_MAX];

    if (data == NULL)
        fail_msg("cannot read %s", path);
    msg = message_parse(data, len);
    assert_non_null(msg);
    reply_read_message(lex, msg, data, len, NULL, l->today, true, &r);
    t->total++;
    t->truth[l->verdict]++;
    t->predicted[r.verdict]++;
    if (r.verdict == l->verdict) {
        t->right[r.verdict]++;
        t->correct++;
    } else {
        printf("WRONG %-44s want %-10s got %-10s %s\n      own words: %.160s\n", l->file,
               reply_verdict_name(l->verdict), reply_verdict_name(r.verdict), r.reason, r.excerpt);
    }
    if (l->verdict == REPLY_PROMISE && date_is_set(l->promised)) {
        t->dates_checked++;
        date_format(l->promised, want);
        date_format(r.promised, got);
        if (date_compare(l->promised, r.promised) == 0 && date_is_set(r.promised))
            t->dates_right++;
        else
            printf("DATE  %-44s want %s got %s\n", l->file, want, got[0] ? got : "(none)");
    }
    reply_reading_free(&r);
    message_free(msg);
    free(data);
    free(path);
}

static double ratio(int num, int den)
{
    return den ? (double)num / den : 1.0;
}

static void print_table(const struct tally *t)
{
    printf("\n%-11s %9s %9s %8s %9s\n", "class", "precision", "recall", "labelled", "predicted");
    for (int v = 0; v < REPLY_VERDICT_COUNT; v++)
        printf("%-11s %8.1f%% %8.1f%% %8d %9d\n", reply_verdict_name((enum reply_verdict)v),
               100 * ratio(t->right[v], t->predicted[v]), 100 * ratio(t->right[v], t->truth[v]),
               t->truth[v], t->predicted[v]);
    printf("accuracy %.1f%% (%d/%d); promised dates right %d/%d\n\n", 100 * ratio(t->correct, t->total),
           t->correct, t->total, t->dates_right, t->dates_checked);
}

static void test_labelled_set(void **state)
{
    char *lexdir = xasprintf("%s/conf/replies", top_dir());
    char *labels_path = xasprintf("%s/tests/data/replies/LABELS.tsv", top_dir());
    char *labels = file_read_all(labels_path, 1u << 20, NULL);
    struct strlist errors;
    struct reply_lexicon *lex;
    struct tally t;
    char *save = NULL;

    (void)state;
    memset(&t, 0, sizeof t);
    strlist_init(&errors);
    lex = reply_lexicon_load(lexdir, &errors);
    for (size_t i = 0; i < errors.count; i++)
        print_message("%s\n", errors.items[i]);
    assert_non_null(lex);
    if (labels == NULL)
        fail_msg("cannot read %s", labels_path);
    for (char *line = strtok_r(labels, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct label l;
        if (read_label(line, &l))
            classify_one(lex, &l, &t);
    }
    print_table(&t);
    assert_true(t.total >= MIN_REPLIES);
    assert_true(t.truth[REPLY_DISPUTE] >= MIN_DISPUTES);
    /* The bar the issue sets for disputes, in integer arithmetic. */
    assert_true(100 * t.right[REPLY_DISPUTE] >= 98 * t.truth[REPLY_DISPUTE]);
    assert_true(100 * t.right[REPLY_DISPUTE] >= 95 * t.predicted[REPLY_DISPUTE]);
    assert_int_equal(t.dates_right, t.dates_checked);
    reply_lexicon_free(lex);
    strlist_free(&errors);
    free(labels);
    free(labels_path);
    free(lexdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labelled_set),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
