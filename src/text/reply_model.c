/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_model.c - loads and applies the linear model of reply_model.h.
 *
 * Features are kept in an open-addressing hash table (FNV-1a, linear
 * probing, at most half full), so that scoring a reply costs one look-up
 * per feature; a bitmap per call counts each model feature once without
 * touching the shared, read-only model (the milter reads from many
 * threads).
 */
#include "text/reply_model.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_SIZE (4u << 20)

struct model_param {
    char name[32];
    double value;
};

struct reply_model {
    char class_names[REPLY_MODEL_MAX_CLASSES][32];
    size_t nclasses;
    struct model_param params[REPLY_MODEL_MAX_PARAMS];
    size_t nparams;
    char **names;     /* feature names, by index */
    double *weights;  /* count * nclasses */
    size_t count, cap;
    uint32_t *slots;  /* hash table of index + 1; 0 is empty */
    size_t nslots;
    double bias[REPLY_MODEL_MAX_CLASSES];
};

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t slot_of(const struct reply_model *m, const char *name)
{
    size_t i = fnv1a(name) & (m->nslots - 1);

    while (m->slots[i] != 0 && strcmp(m->names[m->slots[i] - 1], name) != 0)
        i = (i + 1) & (m->nslots - 1);
    return i;
}

static void add_error(struct strlist *errors, const char *name, size_t line, const char *what)
{
    if (errors != NULL)
        strlist_addf(errors, "%s:%zu: %s", name, line, what);
}

void reply_model_free(struct reply_model *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->count; i++)
        free(m->names[i]);
    free(m->names);
    free(m->weights);
    free(m->slots);
    free(m);
}

/* Splits line on tabs into at most max cells (modifies it). */
static size_t split_tabs(char *line, char **cells, size_t max)
{
    size_t n = 0;

    cells[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            cells[n++] = p + 1;
        }
    return n;
}

static bool parse_number(const char *s, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && *out > -1e6 && *out < 1e6;
}

static const char *add_feature(struct reply_model *m, char **cells, size_t n)
{
    double w[REPLY_MODEL_MAX_CLASSES];
    size_t s;

    if (m->nclasses == 0)
        return "a feature before the class lines";
    if (n != m->nclasses + 1)
        return "not one weight per class";
    if (strlen(cells[0]) > REPLY_MODEL_FEATURE_MAX || cells[0][0] == '\0')
        return "feature name empty or too long";
    for (size_t c = 0; c < m->nclasses; c++)
        if (!parse_number(cells[c + 1], &w[c]))
            return "weight is no number";
    if (strcmp(cells[0], "__bias__") == 0) {
        memcpy(m->bias, w, sizeof w);
        return NULL;
    }
    if (m->count >= REPLY_MODEL_MAX_FEATURES)
        return "too many features";
    if (m->count == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 256;
        m->names = xrealloc(m->names, m->cap * sizeof *m->names);
        m->weights = xrealloc(m->weights, m->cap * REPLY_MODEL_MAX_CLASSES * sizeof *m->weights);
    }
    s = slot_of(m, cells[0]);
    if (m->slots[s] != 0)
        return "feature listed twice";
    m->names[m->count] = xstrdup(cells[0]);
    memcpy(m->weights + m->count * REPLY_MODEL_MAX_CLASSES, w, sizeof w);
    m->slots[s] = (uint32_t)++m->count;
    return NULL;
}

static const char *parse_line(struct reply_model *m, char *line)
{
    char *cells[REPLY_MODEL_MAX_CLASSES + 2];
    size_t n = split_tabs(line, cells, REPLY_MODEL_MAX_CLASSES + 2);
    double v;

    if (strcmp(cells[0], "class") == 0) {
        if (n != 2 || m->count > 0 || m->nclasses >= REPLY_MODEL_MAX_CLASSES || cells[1][0] == '\0' ||
            strlen(cells[1]) >= sizeof m->class_names[0])
            return "bad class line";
        str_copy(m->class_names[m->nclasses++], sizeof m->class_names[0], cells[1]);
        return NULL;
    }
    if (strcmp(cells[0], "param") == 0) {
        if (n != 3 || m->nparams >= REPLY_MODEL_MAX_PARAMS ||
            strlen(cells[1]) >= sizeof m->params[0].name || !parse_number(cells[2], &v))
            return "bad param line";
        str_copy(m->params[m->nparams].name, sizeof m->params[0].name, cells[1]);
        m->params[m->nparams++].value = v;
        return NULL;
    }
    return add_feature(m, cells, n);
}

struct reply_model *reply_model_parse(const char *name, const char *text, struct strlist *errors)
{
    struct reply_model *m = xcalloc(1, sizeof *m);
    char *copy = xstrdup(text);
    size_t lineno = 0;
    bool ok = true;

    m->nslots = 1;
    while (m->nslots < 2 * REPLY_MODEL_MAX_FEATURES)
        m->nslots *= 2;
    m->slots = xcalloc(m->nslots, sizeof *m->slots);
    for (char *line = copy, *next; line != NULL && ok; line = next) {
        const char *err;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if ((err = parse_line(m, line)) != NULL) {
            add_error(errors, name, lineno, err);
            ok = false;
        }
    }
    free(copy);
    if (ok && m->nclasses < 2) {
        add_error(errors, name, lineno, "fewer than two classes");
        ok = false;
    }
    if (!ok) {
        reply_model_free(m);
        return NULL;
    }
    return m;
}

struct reply_model *reply_model_load(const char *path, struct strlist *errors)
{
    size_t len;
    char *text = file_read_all(path, MAX_FILE_SIZE, &len);
    struct reply_model *m;

    if (text == NULL) {
        if (errors != NULL)
            strlist_addf(errors, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    if (memchr(text, '\0', len) != NULL) {
        add_error(errors, path, 0, "holds a NUL byte: not a text file");
        free(text);
        return NULL;
    }
    m = reply_model_parse(path, text, errors);
    free(text);
    return m;
}

size_t reply_model_class_count(const struct reply_model *m)
{
    return m->nclasses;
}

const char *reply_model_class_name(const struct reply_model *m, size_t i)
{
    return i < m->nclasses ? m->class_names[i] : "";
}

size_t reply_model_feature_count(const struct reply_model *m)
{
    return m->count;
}

double reply_model_param(const struct reply_model *m, const char *name, double fallback)
{
    for (size_t i = 0; m != NULL && i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0)
            return m->params[i].value;
    return fallback;
}

void reply_model_score(const struct reply_model *m, const struct strlist *features, double *scores)
{
    unsigned char *seen = xcalloc(m->count / 8 + 1, 1);

    for (size_t c = 0; c < m->nclasses; c++)
        scores[c] = m->bias[c];
    for (size_t i = 0; i < features->count; i++) {
        uint32_t k = m->slots[slot_of(m, features->items[i])];
        if (k == 0 || (seen[(k - 1) / 8] & (1u << ((k - 1) % 8))))
            continue;
        seen[(k - 1) / 8] |= (unsigned char)(1u << ((k - 1) % 8));
        for (size_t c = 0; c < m->nclasses; c++)
            scores[c] += m->weights[(k - 1) * REPLY_MODEL_MAX_CLASSES + c];
    }
    free(seen);
}
