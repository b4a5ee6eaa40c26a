/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_lexicon.c - loading and compiling the reply lexicon, cutting text
 * into words and finding the lexicon's phrases in them (see
 * reply_lexicon.h).
 *
 * Phrases are compiled once, at load: each becomes a list of folded words
 * and the lexicon gets an index keyed by the first three letters of each
 * phrase's first word, so that scanning a reply costs one index look-up
 * per word of the reply rather than one comparison per phrase. Nothing
 * here decides what a match means.
 */
#include "text/reply_lexicon.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text/reply_model.h"
#include "text/text_fold.h"

#define MAX_FILE_SIZE (1u << 20)
#define KEY_LEN 3

struct pattern_word {
    char *text;
    size_t len;
    bool prefix;     /* "word*" */
    int gap_before;  /* other words allowed before this one */
};

struct entry {
    enum reply_cue kind;
    char *phrase;
    char origin[96];
    struct pattern_word words[REPLY_PHRASE_MAX_WORDS];
    size_t nwords;
};

struct index_item {
    char key[KEY_LEN + 1];
    size_t entry;
};

struct reply_lexicon {
    struct entry *entries;
    size_t count, cap;
    struct index_item *index;
    size_t per_kind[CUE_KIND_COUNT];
    bool too_many_noted;
    int minimum_margin; /* ReplyMinimumMargin: under it a reading is unsure */
    bool model_failed;
    struct reply_model *model; /* model.tsv beside the *.conf files; NULL when none */
};

static const char *const cue_names[CUE_KIND_COUNT] = {
    "dispute", "promise", "paid", "plan", "auto-reply", "negation", "boundary", "neutral", "payment",
    "insolvency",
};

const char *reply_cue_name(enum reply_cue kind)
{
    return kind < CUE_KIND_COUNT ? cue_names[kind] : "?";
}

static bool cue_parse(const char *name, enum reply_cue *out)
{
    for (size_t i = 0; i < CUE_KIND_COUNT; i++)
        if (strcmp(name, cue_names[i]) == 0) {
            *out = (enum reply_cue)i;
            return true;
        }
    return false;
}

/* ------------------------------------------------------------------ */
/* Compiling one phrase                                                */

static bool is_word_char(char c)
{
    return text_is_alnum(c);
}

/* Adds the words of one space-free chunk ("d'accord", "contest*"). */
static const char *add_chunk_words(struct entry *e, char *chunk)
{
    size_t n = strlen(chunk);
    bool prefix = n > 0 && chunk[n - 1] == '*';
    size_t first_new = e->nwords;

    if (prefix)
        chunk[--n] = '\0';
    for (char *p = chunk; *p != '\0';) {
        char *start = p;

        if (*p == '\'' || *p == '-') {
            p++;
            continue;
        }
        while (is_word_char(*p))
            p++;
        if (p == start)
            return "is not a word (letters, digits, ' and - only)";
        if (e->nwords == REPLY_PHRASE_MAX_WORDS)
            return "makes the phrase longer than 12 words";
        e->words[e->nwords].text = xstrndup(start, (size_t)(p - start));
        e->words[e->nwords].len = (size_t)(p - start);
        e->words[e->nwords].prefix = false;
        e->words[e->nwords].gap_before = 0;
        e->nwords++;
    }
    if (e->nwords == first_new)
        return "is not a word (letters, digits, ' and - only)";
    if (prefix) {
        if (e->words[e->nwords - 1].len < 3)
            return "needs three letters before '*'";
        e->words[e->nwords - 1].prefix = true;
    }
    return NULL;
}

static void entry_clear(struct entry *e)
{
    for (size_t i = 0; i < e->nwords; i++)
        free(e->words[i].text);
    free(e->phrase);
    memset(e, 0, sizeof *e);
}

/* Compiles phrase into e; returns an error message or NULL. */
static char *compile_phrase(struct entry *e, const char *phrase)
{
    char *folded = text_fold(phrase, strlen(phrase), REPLY_LEXICON_MAX_LINE);
    char *save = NULL, *err = NULL;
    int pending_gap = 0, gaps = 0;

    str_tolower_ascii(folded);
    for (char *chunk = strtok_r(folded, " \t", &save); chunk != NULL && err == NULL;
         chunk = strtok_r(NULL, " \t", &save)) {
        const char *problem;

        if (strcmp(chunk, "...") == 0) {
            if (e->nwords == 0 || pending_gap)
                err = xstrdup("a gap (…) must stand between two words");
            else if (++gaps > REPLY_PHRASE_MAX_GAPS)
                err = xstrdup("at most 2 gaps (…) in a phrase");
            pending_gap = REPLY_PHRASE_GAP_WORDS;
            continue;
        }
        size_t before = e->nwords;
        char *words = xstrdup(chunk); /* add_chunk_words cuts it up */
        problem = add_chunk_words(e, words);
        free(words);
        if (problem != NULL) {
            err = xasprintf("\"%s\" %s", chunk, problem);
            break;
        }
        e->words[before].gap_before = pending_gap;
        pending_gap = 0;
    }
    if (err == NULL && e->nwords == 0)
        err = xstrdup("empty phrase");
    else if (err == NULL && pending_gap)
        err = xstrdup("a gap (…) must stand between two words");
    free(folded);
    return err;
}

/* ------------------------------------------------------------------ */
/* Parsing files                                                       */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void add_error(struct strlist *errors, const char *name, int line, const char *msg)
{
    if (errors != NULL)
        strlist_addf(errors, "%s:%d: %s", name, line, msg);
}

static struct entry *new_entry(struct reply_lexicon *lex)
{
    if (lex->count == lex->cap) {
        lex->cap = lex->cap ? lex->cap * 2 : 64;
        lex->entries = xrealloc(lex->entries, lex->cap * sizeof *lex->entries);
    }
    memset(&lex->entries[lex->count], 0, sizeof lex->entries[0]);
    return &lex->entries[lex->count];
}

/* Parses one line; returns false (with an error) when it is invalid. */
static bool parse_line(struct reply_lexicon *lex, const char *name, int lineno, char *line,
                       struct strlist *errors)
{
    char *colon, *err;
    enum reply_cue kind;
    struct entry *e;

    str_trim(line);
    if (line[0] == '\0' || line[0] == '#')
        return true;
    if ((colon = strchr(line, ':')) == NULL) {
        add_error(errors, name, lineno, "expected \"KIND: PHRASE\"");
        return false;
    }
    *colon = '\0';
    str_tolower_ascii(str_trim(line));
    if (!cue_parse(line, &kind)) {
        char *msg = xasprintf("unknown kind \"%s\" (dispute, promise, paid, plan, auto-reply, "
                              "negation, boundary, neutral, payment or insolvency)", line);
        add_error(errors, name, lineno, msg);
        free(msg);
        return false;
    }
    if (lex->count == REPLY_LEXICON_MAX_ENTRIES) {
        if (!lex->too_many_noted)
            add_error(errors, name, lineno, "more than 8192 entries");
        lex->too_many_noted = true;
        return false;
    }
    e = new_entry(lex);
    if ((err = compile_phrase(e, str_trim(colon + 1))) != NULL) {
        add_error(errors, name, lineno, err);
        free(err);
        entry_clear(e);
        return false;
    }
    e->kind = kind;
    e->phrase = xstrdup(str_trim(colon + 1));
    str_format(e->origin, sizeof e->origin, "%s:%d", base_name(name), lineno);
    lex->count++;
    lex->per_kind[kind]++;
    return true;
}

static bool parse_text(struct reply_lexicon *lex, const char *name, const char *text,
                       struct strlist *errors)
{
    bool ok = true;
    int lineno = 0;

    for (const char *p = text; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        lineno++;
        if (len > REPLY_LEXICON_MAX_LINE) {
            add_error(errors, name, lineno, "line longer than 512 bytes");
            ok = false;
        } else {
            char *line = xstrndup(p, len);
            ok = parse_line(lex, name, lineno, line, errors) && ok;
            free(line);
        }
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* The index                                                           */

static void make_key(const char *word, size_t len, char key[KEY_LEN + 1])
{
    size_t n = len < KEY_LEN ? len : KEY_LEN;

    memcpy(key, word, n);
    key[n] = '\0';
}

static int compare_index(const void *a, const void *b)
{
    const struct index_item *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    if (c != 0)
        return c;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static void build_index(struct reply_lexicon *lex)
{
    lex->index = xcalloc(lex->count ? lex->count : 1, sizeof *lex->index);
    for (size_t i = 0; i < lex->count; i++) {
        const struct pattern_word *w = &lex->entries[i].words[0];

        make_key(w->text, w->len, lex->index[i].key);
        lex->index[i].entry = i;
    }
    qsort(lex->index, lex->count, sizeof *lex->index, compare_index);
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

void reply_lexicon_free(struct reply_lexicon *lex)
{
    if (lex == NULL)
        return;
    for (size_t i = 0; i < lex->count; i++)
        entry_clear(&lex->entries[i]);
    free(lex->entries);
    free(lex->index);
    reply_model_free(lex->model);
    free(lex);
}

static struct reply_lexicon *finish(struct reply_lexicon *lex, bool ok)
{
    if (!ok || lex->model_failed) {
        reply_lexicon_free(lex);
        return NULL;
    }
    build_index(lex);
    lex->minimum_margin = REPLY_DEFAULT_MINIMUM_MARGIN;
    return lex;
}

struct reply_lexicon *reply_lexicon_parse_text(const char *name, const char *text,
                                               struct strlist *errors)
{
    struct reply_lexicon *lex = xcalloc(1, sizeof *lex);

    return finish(lex, parse_text(lex, name, text, errors));
}

static bool is_conf_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf files of dir, sorted; false (with an error) when unreadable. */
static bool list_conf_files(const char *dir, struct strlist *files, struct strlist *errors)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d == NULL) {
        char *msg = xasprintf("cannot read the directory: %s", strerror(errno));
        add_error(errors, dir, 0, msg);
        free(msg);
        return false;
    }
    while ((de = readdir(d)) != NULL && files->count <= REPLY_LEXICON_MAX_FILES)
        if (is_conf_name(de->d_name))
            strlist_add(files, de->d_name);
    closedir(d);
    if (files->count > 1)
        qsort(files->items, files->count, sizeof files->items[0], compare_names);
    if (files->count == 0)
        add_error(errors, dir, 0, "no *.conf lexicon file");
    else if (files->count > REPLY_LEXICON_MAX_FILES)
        add_error(errors, dir, 0, "more than 64 lexicon files");
    return files->count > 0 && files->count <= REPLY_LEXICON_MAX_FILES;
}

static bool load_file(struct reply_lexicon *lex, const char *path, struct strlist *errors)
{
    size_t len;
    char *text = file_read_all(path, MAX_FILE_SIZE, &len);
    bool ok;

    if (text == NULL) {
        char *msg = xasprintf("cannot read: %s", strerror(errno));
        add_error(errors, path, 0, msg);
        free(msg);
        return false;
    }
    if (memchr(text, '\0', len) != NULL) {
        add_error(errors, path, 0, "holds a NUL byte: not a text file");
        free(text);
        return false;
    }
    ok = parse_text(lex, path, text, errors);
    free(text);
    return ok;
}

/* The learned model beside the lexicon (reply_model.h), when there is
 * one: optional, but a model that does not load is an error like a bad
 * lexicon line (ok is false then). */
static struct reply_lexicon *load_model(struct reply_lexicon *lex, const char *dir,
                                        struct strlist *errors)
{
    char *path = xasprintf("%s/%s", dir, REPLY_MODEL_FILE);

    if (access(path, F_OK) == 0 && (lex->model = reply_model_load(path, errors)) == NULL)
        lex->model_failed = true;
    free(path);
    return lex;
}

struct reply_lexicon *reply_lexicon_load(const char *dir, struct strlist *errors)
{
    struct reply_lexicon *lex = xcalloc(1, sizeof *lex);
    struct strlist files;
    bool ok;

    strlist_init(&files);
    ok = list_conf_files(dir, &files, errors);
    /* Every file is read even after an error: the admin sees all errors. */
    for (size_t i = 0; i < files.count && files.count <= REPLY_LEXICON_MAX_FILES; i++) {
        char *path = xasprintf("%s/%s", dir, files.items[i]);
        ok = load_file(lex, path, errors) && ok;
        free(path);
    }
    strlist_free(&files);
    return finish(load_model(lex, dir, errors), ok);
}

void reply_lexicon_set_model(struct reply_lexicon *lex, struct reply_model *model)
{
    reply_model_free(lex->model);
    lex->model = model;
}

const struct reply_model *reply_lexicon_model(const struct reply_lexicon *lex)
{
    return lex != NULL ? lex->model : NULL;
}

void reply_lexicon_set_minimum_margin(struct reply_lexicon *lex, int margin)
{
    if (lex != NULL)
        lex->minimum_margin = margin < 0 ? 0 : margin > 100 ? 100 : margin;
}

int reply_lexicon_minimum_margin(const struct reply_lexicon *lex)
{
    return lex != NULL ? lex->minimum_margin : REPLY_DEFAULT_MINIMUM_MARGIN;
}

size_t reply_lexicon_count(const struct reply_lexicon *lex, enum reply_cue kind)
{
    return kind < CUE_KIND_COUNT ? lex->per_kind[kind] : 0;
}

/* ------------------------------------------------------------------ */
/* Cutting text into words                                             */

struct tokenizer {
    struct reply_tokens *toks;
    size_t cap;
    uint32_t clause, sentence;
    bool clause_pending, sentence_pending;
};

static void push_token(struct tokenizer *tz, size_t start, size_t len)
{
    struct reply_tokens *toks = tz->toks;

    if (toks->count == tz->cap) {
        tz->cap = tz->cap ? tz->cap * 2 : 256;
        toks->items = xrealloc(toks->items, tz->cap * sizeof *toks->items);
    }
    if (toks->count > 0) {
        tz->clause += tz->clause_pending || tz->sentence_pending;
        tz->sentence += tz->sentence_pending;
    }
    tz->clause_pending = tz->sentence_pending = false;
    toks->items[toks->count].start = (uint32_t)start;
    toks->items[toks->count].len = (uint32_t)len;
    toks->items[toks->count].clause = tz->clause;
    toks->items[toks->count].sentence = tz->sentence;
    toks->count++;
}

/* Punctuation ends a clause only when a space or the end follows it:
 * "10:30", "1.234,56" and "15.12" are not clause ends. */
static void note_punctuation(struct tokenizer *tz, const char *s)
{
    if (text_is_alnum(s[1]))
        return;
    if (*s == ',' || *s == ':')
        tz->clause_pending = true;
    else
        tz->sentence_pending = true;
}

static bool blank_line_follows(const char *s)
{
    s++; /* past the '\n' */
    while (*s == ' ' || *s == '\t')
        s++;
    return *s == '\n';
}

/* References such as "F-2026-0301", "15/12/2026" or "VIR-2611" are one
 * word: a '-', '/' or '.' between two characters joins them when a digit
 * stands on either side ("mi-janvier" and "e-mail" stay two words). */
static bool joins_reference(const char *text, size_t i)
{
    if (text[i] != '-' && text[i] != '/' && text[i] != '.')
        return false;
    if (i == 0 || !text_is_alnum(text[i - 1]) || !text_is_alnum(text[i + 1]))
        return false;
    return text_is_digit(text[i - 1]) || text_is_digit(text[i + 1]);
}

void reply_tokens_init(struct reply_tokens *toks, const char *utf8, size_t len)
{
    struct tokenizer tz;
    const char *text;
    char *folded;

    memset(toks, 0, sizeof *toks);
    memset(&tz, 0, sizeof tz);
    tz.toks = toks;
    folded = text_fold(utf8, len, len);
    str_tolower_ascii(folded);
    toks->text = text_expand_informal(folded);
    toks->text_len = strlen(toks->text);
    free(folded);
    text = toks->text;
    for (size_t i = 0; text[i] != '\0' && toks->count < REPLY_TOKENS_MAX;) {
        if (text_is_alnum(text[i])) {
            size_t start = i;
            while (text_is_alnum(text[i]) || joins_reference(text, i))
                i++;
            push_token(&tz, start, i - start);
            continue;
        }
        if (strchr(",;:.!?", text[i]) != NULL)
            note_punctuation(&tz, text + i);
        else if (text[i] == '\n' && blank_line_follows(text + i))
            tz.sentence_pending = true;
        i++;
    }
}

void reply_tokens_free(struct reply_tokens *toks)
{
    free(toks->text);
    free(toks->items);
    memset(toks, 0, sizeof *toks);
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */

static bool word_matches(const struct reply_tokens *toks, size_t i, const struct pattern_word *w)
{
    const struct reply_word *t = &toks->items[i];

    if (w->prefix ? t->len < w->len : t->len != w->len)
        return false;
    return memcmp(toks->text + t->start, w->text, w->len) == 0;
}

/* Matches words wi.. of e from token ti on, within clause; *last gets the
 * token of the phrase's last word. Gaps are few and short (at most 2 of 3
 * words), so the backtracking is bounded. */
static bool match_from(const struct entry *e, size_t wi, const struct reply_tokens *toks, size_t ti,
                       uint32_t clause, size_t *last)
{
    int gap = e->words[wi].gap_before;

    for (int skip = 0; skip <= gap; skip++) {
        size_t j = ti + (size_t)skip;

        if (j >= toks->count || toks->items[j].clause != clause)
            return false;
        if (!word_matches(toks, j, &e->words[wi]))
            continue;
        if (wi + 1 == e->nwords) {
            *last = j;
            return true;
        }
        if (match_from(e, wi + 1, toks, j + 1, clause, last))
            return true;
    }
    return false;
}

static void add_match(struct reply_matches *m, const struct entry *e, size_t first, size_t last)
{
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 32;
        m->items = xrealloc(m->items, m->cap * sizeof *m->items);
    }
    m->items[m->count].kind = e->kind;
    m->items[m->count].first = first;
    m->items[m->count].last = last;
    m->items[m->count].phrase = e->phrase;
    m->items[m->count].origin = e->origin;
    m->count++;
}

/* The first index item whose key is not below key. */
static size_t lower_bound(const struct reply_lexicon *lex, const char *key)
{
    size_t lo = 0, hi = lex->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(lex->index[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void reply_lexicon_scan(const struct reply_lexicon *lex, const struct reply_tokens *toks,
                        struct reply_matches *matches)
{
    memset(matches, 0, sizeof *matches);
    for (size_t i = 0; i < toks->count; i++) {
        const struct reply_word *t = &toks->items[i];
        char key[KEY_LEN + 1];

        make_key(toks->text + t->start, t->len, key);
        for (size_t k = lower_bound(lex, key); k < lex->count; k++) {
            const struct entry *e = &lex->entries[lex->index[k].entry];
            size_t last;

            if (strcmp(lex->index[k].key, key) != 0)
                break;
            if (matches->count == REPLY_MATCHES_MAX)
                return;
            if (match_from(e, 0, toks, i, t->clause, &last))
                add_match(matches, e, i, last);
        }
    }
}
