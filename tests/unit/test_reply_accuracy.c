/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_accuracy.c - the reply classifier against the labelled set
 * in tests/data/replies (LABELS.tsv: file, verdict, promised_date,
 * reply_date, note), read with the shipped lexicon (conf/replies).
 *
 * The set is split once, by a fixed rule: the FNV-1a hash (32 bits) of the
 * file name, even -> tuning half, odd -> test half. The classifier is tuned
 * on the tuning half's misses only (printed here); the test half measures
 * it on replies it was not tuned on (its misses are printed only with
 * RELANCE_SHOW_TEST_MISSES=1, to read after a failure, never to tune).
 *
 * Both halves print a precision/recall table per class, the accuracy, the
 * promised dates, how many readings were unsure (they go to a person) and
 * how many were wrong and sure (the number that matters: nobody looks at
 * them). The bars for the test half: dispute recall >= 98% and precision
 * >= 95% (a missed dispute sends a formal notice to someone who contests
 * the debt, a false one stops collection of a debt that is owed), overall
 * >= 95%, promised dates >= 95%, and no dispute read as paid or promise.
 * The classifier does not reach them yet: each is printed MET or NOT MET,
 * and RELANCE_ENFORCE_TEST_HALF=1 makes a miss fail the test (to be the
 * default once they are met; a score is never lowered to pass).
 *
 * The learned model (conf/replies/model.tsv, trained on the tuning half
 * only) is measured alone too, beside the shipped reading: printed, never
 * enforced (on the tuning half a training score).
 *
 * Enforced always, as before the set grew: on the first labelled set
 * (FIRST-SET.txt, 108 replies it was tuned on: a training score), dispute
 * recall >= 98%, dispute precision >= 95%, every promised date right.
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

#define MIN_REPLIES 300
#define MIN_TEST_DISPUTES 30
#define MIN_PER_HALF 4 /* a verdict with at least this many labels is in both halves */

enum half { HALF_TUNING = 0, HALF_TEST, HALF_COUNT };
static const char *const half_names[HALF_COUNT] = {"tuning", "test"};

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
    int unsure, wrong_sure;
    int dispute_as_paid_or_promise;
};

/* Whether file is one of the first labelled set (FIRST-SET.txt). */
static bool in_first_set(const char *first, const char *file)
{
    size_t n = strlen(file);

    for (const char *p = strstr(first, file); p != NULL; p = strstr(p + 1, file))
        if ((p == first || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

/* Prints one of the bars on the test half; true when met. */
static bool bar(const char *what, int num, int den, int percent)
{
    bool met = (long)100 * num >= (long)percent * den;

    printf("  %-28s %6.1f%% (%d/%d), bar %d%%: %s\n", what, den ? 100.0 * num / den : 100.0, num, den,
           percent, met ? "MET" : "NOT MET");
    return met;
}

/* FNV-1a, 32 bits, of the file name: the split rule (LABELS.tsv). */
static enum half half_of(const char *file)
{
    uint32_t h = 2166136261u;

    for (const unsigned char *p = (const unsigned char *)file; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % 2 == 0 ? HALF_TUNING : HALF_TEST;
}

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

/* The learned model by itself on the replies read from their words (the
 * headers, bounces and insolvency notices as the classifier reads them):
 * measured beside the shipped reading, never enforced. */
static void model_alone_one(const struct reply_lexicon *lex, const struct label *l,
                            struct message *msg, const struct reply_reading *r, struct tally *t)
{
    enum reply_verdict v = r->verdict;

    if (v != REPLY_BOUNCE && v != REPLY_INSOLVENCY && strncmp(r->reason, "header ", 7) != 0 &&
        strncmp(r->reason, "delivery status", 15) != 0 && strncmp(r->reason, "disposition", 11) != 0) {
        char *subject = message_header(msg, "Subject");
        v = reply_classify_model_alone(lex, subject, r->own_words, l->today);
        free(subject);
    }
    t->total++;
    t->truth[l->verdict]++;
    t->predicted[v]++;
    if (v == l->verdict) {
        t->right[v]++;
        t->correct++;
    }
    if (l->verdict == REPLY_DISPUTE && (v == REPLY_PAID || v == REPLY_PROMISE))
        t->dispute_as_paid_or_promise++;
}

static void classify_one(const struct reply_lexicon *lex, const struct label *l, struct tally *t,
                         bool show, struct tally *alone)
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
    if (alone != NULL)
        model_alone_one(lex, l, msg, &r, alone);
    t->total++;
    t->truth[l->verdict]++;
    t->predicted[r.verdict]++;
    if (r.unsure)
        t->unsure++;
    if (l->verdict == REPLY_DISPUTE && (r.verdict == REPLY_PAID || r.verdict == REPLY_PROMISE))
        t->dispute_as_paid_or_promise++;
    if (r.verdict == l->verdict) {
        t->right[r.verdict]++;
        t->correct++;
    } else {
        if (!r.unsure)
            t->wrong_sure++;
        if (show)
            printf("WRONG %-44s want %-10s got %-10s%s margin %d %s\n      own words: %.160s\n",
                   l->file, reply_verdict_name(l->verdict), reply_verdict_name(r.verdict),
                   r.unsure ? " (unsure)" : "", r.margin, r.reason, r.excerpt);
    }
    if (l->verdict == REPLY_PROMISE && date_is_set(l->promised)) {
        t->dates_checked++;
        date_format(l->promised, want);
        date_format(r.promised, got);
        if (date_compare(l->promised, r.promised) == 0 && date_is_set(r.promised))
            t->dates_right++;
        else if (show)
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

static void print_table(const char *name, const struct tally *t)
{
    printf("\n%s half\n%-11s %9s %9s %8s %9s\n", name, "class", "precision", "recall", "labelled",
           "predicted");
    for (int v = 0; v < REPLY_VERDICT_COUNT; v++)
        printf("%-11s %8.1f%% %8.1f%% %8d %9d\n", reply_verdict_name((enum reply_verdict)v),
               100 * ratio(t->right[v], t->predicted[v]), 100 * ratio(t->right[v], t->truth[v]),
               t->truth[v], t->predicted[v]);
    printf("accuracy %.1f%% (%d/%d); promised dates right %d/%d (%.1f%%)\n", 100 * ratio(t->correct, t->total),
           t->correct, t->total, t->dates_right, t->dates_checked,
           100 * ratio(t->dates_right, t->dates_checked));
    printf("unsure %d (to a person); wrong and sure %d; disputes read as paid or promise %d\n\n",
           t->unsure, t->wrong_sure, t->dispute_as_paid_or_promise);
}

static void test_labelled_set(void **state)
{
    char *lexdir = xasprintf("%s/conf/replies", top_dir());
    char *labels_path = xasprintf("%s/tests/data/replies/LABELS.tsv", top_dir());
    char *labels = file_read_all(labels_path, 1u << 20, NULL);
    char *first_path = xasprintf("%s/tests/data/replies/FIRST-SET.txt", top_dir());
    char *first = file_read_all(first_path, 1u << 20, NULL);
    bool enforce_test = getenv("RELANCE_ENFORCE_TEST_HALF") != NULL;
    struct tally first_set;
    bool met = true;
    bool show_test = getenv("RELANCE_SHOW_TEST_MISSES") != NULL;
    struct strlist errors;
    struct reply_lexicon *lex;
    struct tally halves[HALF_COUNT], alone[HALF_COUNT];
    const struct tally *test = &halves[HALF_TEST];
    char *save = NULL;

    (void)state;
    memset(halves, 0, sizeof halves);
    memset(alone, 0, sizeof alone);
    memset(&first_set, 0, sizeof first_set);
    strlist_init(&errors);
    lex = reply_lexicon_load(lexdir, &errors);
    for (size_t i = 0; i < errors.count; i++)
        print_message("%s\n", errors.items[i]);
    assert_non_null(lex);
    if (labels == NULL)
        fail_msg("cannot read %s", labels_path);
    if (first == NULL)
        fail_msg("cannot read %s", first_path);
    printf("misses of the tuning half:\n");
    for (char *line = strtok_r(labels, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct label l;
        if (read_label(line, &l)) {
            enum half h = half_of(l.file);
            classify_one(lex, &l, &halves[h], h == HALF_TUNING || show_test, &alone[h]);
            if (in_first_set(first, l.file))
                classify_one(lex, &l, &first_set, false, NULL);
        }
    }
    for (int h = 0; h < HALF_COUNT; h++)
        print_table(half_names[h], &halves[h]);
    for (int h = 0; h < HALF_COUNT; h++)
        printf("learned model alone, %s half: accuracy %.1f%% (%d/%d); dispute recall %.1f%%, "
               "precision %.1f%%; disputes read as paid or promise %d\n",
               half_names[h], 100 * ratio(alone[h].correct, alone[h].total), alone[h].correct,
               alone[h].total, 100 * ratio(alone[h].right[REPLY_DISPUTE], alone[h].truth[REPLY_DISPUTE]),
               100 * ratio(alone[h].right[REPLY_DISPUTE], alone[h].predicted[REPLY_DISPUTE]),
               alone[h].dispute_as_paid_or_promise);
    assert_true(halves[HALF_TUNING].total + test->total >= MIN_REPLIES);
    assert_true(test->truth[REPLY_DISPUTE] >= MIN_TEST_DISPUTES);
    /* Each verdict with enough labels stands in both halves. */
    for (int v = 0; v < REPLY_VERDICT_COUNT; v++)
        if (halves[HALF_TUNING].truth[v] + test->truth[v] >= MIN_PER_HALF) {
            assert_true(halves[HALF_TUNING].truth[v] > 0);
            assert_true(test->truth[v] > 0);
        }
    /* The first set, as enforced before the set grew (a training score). */
    print_table("first set (trained on)", &first_set);
    assert_true(first_set.total >= 100);
    assert_true(100 * first_set.right[REPLY_DISPUTE] >= 98 * first_set.truth[REPLY_DISPUTE]);
    assert_true(100 * first_set.right[REPLY_DISPUTE] >= 95 * first_set.predicted[REPLY_DISPUTE]);
    assert_int_equal(first_set.dates_right, first_set.dates_checked);
    /* The bars the issue sets, on the test half, in integer arithmetic. */
    printf("the test half against its bars:\n");
    met &= bar("dispute recall", test->right[REPLY_DISPUTE], test->truth[REPLY_DISPUTE], 98);
    met &= bar("dispute precision", test->right[REPLY_DISPUTE], test->predicted[REPLY_DISPUTE], 95);
    met &= bar("overall", test->correct, test->total, 95);
    met &= bar("promised dates", test->dates_right, test->dates_checked, 95);
    printf("  %-28s %d, bar 0: %s\n", "disputes read as paid/promise", test->dispute_as_paid_or_promise,
           test->dispute_as_paid_or_promise == 0 ? "MET" : "NOT MET");
    met &= test->dispute_as_paid_or_promise == 0;
    if (enforce_test)
        assert_true(met);
    reply_lexicon_free(lex);
    strlist_free(&errors);
    free(labels);
    free(labels_path);
    free(first);
    free(first_path);
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
