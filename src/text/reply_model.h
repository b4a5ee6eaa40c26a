/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_model.h - a linear model over the features of a reply, learned
 * from the tuning half of the labelled replies (tools/train_replies.c)
 * and shipped beside the lexicon as conf/replies/model.tsv.
 *
 * The file is text, one item a line, tab-separated:
 *   # comment
 *   class <name>              the classes, in column order (at most 8)
 *   param <name> <number>     a setting chosen by the trainer
 *   <feature> <w1> ... <wN>   one weight per class; "__bias__" is the bias
 * A class's score is its bias plus the weights of the distinct features
 * of the reply found in the model (a feature not in the model counts 0).
 * Bounded: at most REPLY_MODEL_MAX_FEATURES features and 4 MiB of text;
 * scoring is linear in the number of features of the reply.
 */
#ifndef RELANCE_REPLY_MODEL_H
#define RELANCE_REPLY_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

#define REPLY_MODEL_MAX_CLASSES 8
#define REPLY_MODEL_MAX_FEATURES 50000
#define REPLY_MODEL_MAX_PARAMS 16
#define REPLY_MODEL_FEATURE_MAX 96 /* longest feature name */

struct reply_model;

/* Parses a model's text; NULL with an error line in errors (may be NULL)
 * when malformed. name is used in the error lines. */
struct reply_model *reply_model_parse(const char *name, const char *text, struct strlist *errors);
/* Loads path; NULL with an error when unreadable or malformed. */
struct reply_model *reply_model_load(const char *path, struct strlist *errors);
void reply_model_free(struct reply_model *model);

size_t reply_model_class_count(const struct reply_model *model);
const char *reply_model_class_name(const struct reply_model *model, size_t i);
size_t reply_model_feature_count(const struct reply_model *model);
/* A param's value, or fallback when the file does not set it. */
double reply_model_param(const struct reply_model *model, const char *name, double fallback);

/* The score of each class (scores[reply_model_class_count]) for the
 * features (each counted once however often listed). */
void reply_model_score(const struct reply_model *model, const struct strlist *features,
                       double *scores);

#endif
