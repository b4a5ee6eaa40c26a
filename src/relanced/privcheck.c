/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * privcheck.c - will UserID be able to read what relanced reads after the
 * privilege drop (see privcheck.h)?
 *
 * The files are those of the running configuration: the file a reload
 * reads, the ReplyLexicon directory and its *.conf files (listed and read
 * at each reload), and every template under TemplateDirectory (read for
 * each reminder and notice). The KeyFile is not among them: relanced
 * reads it once, as root, before the drop, and a reload keeps the key it
 * has; it is meant to stay 0600 root. The files are listed as root, then
 * opened as UserID (lib/readable.c). When one directory UserID cannot
 * enter hides every file of a group, one line says so, not one per file.
 */
#include "relanced/privcheck.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/readable.h"

enum group { GROUP_CONFIG, GROUP_LEXICON, GROUP_TEMPLATES, GROUP_COUNT };

/* What each group is called in a line, and what fails without it. */
static const struct {
    const char *key;    /* "" for the configuration file itself */
    const char *effect; /* when some of its files cannot be read */
    const char *all;    /* when none can */
} groups[GROUP_COUNT] = {
    {"", "a reload (SIGUSR1) will fail", "a reload (SIGUSR1) will fail"},
    {"ReplyLexicon: ", "a reload (SIGUSR1) will fail", "a reload (SIGUSR1) will fail"},
    {"TemplateDirectory: ", "the reminders and notices that use it will fail",
     "no reminder or notice can be written"},
};

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);

    return name[0] != '.' && n > s && strcmp(name + n - s, suffix) == 0;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir/NAME for each regular file of dir whose name ends with suffix,
 * in name order (the order of the lines). */
static void add_files(struct strlist *list, const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t first = list->count;
    struct stat st;

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        char *path;

        if (!has_suffix(de->d_name, suffix))
            continue;
        path = xasprintf("%s/%s", dir, de->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            strlist_add(list, path);
        free(path);
    }
    closedir(d);
    qsort(list->items + first, list->count - first, sizeof list->items[0], compare_paths);
}

/* The templates: TemplateDirectory/LANG/NAME.md, whatever the languages. */
static void add_templates(struct strlist *list, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct strlist langs;
    struct stat st;

    if (d == NULL)
        return;
    strlist_init(&langs);
    while ((de = readdir(d)) != NULL) {
        char *path;

        if (de->d_name[0] == '.')
            continue;
        path = xasprintf("%s/%s", dir, de->d_name);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            strlist_add(&langs, path);
        free(path);
    }
    closedir(d);
    qsort(langs.items, langs.count, sizeof langs.items[0], compare_paths);
    for (size_t i = 0; i < langs.count; i++)
        add_files(list, langs.items[i], ".md");
    strlist_free(&langs);
}

static bool unreadable(const struct readable_result *r)
{
    return r->err != 0 || r->blocked != 0;
}

/* Why, in a few words: the directory that stops UserID, else the error. */
static void reason(const char *path, const struct readable_result *r, char *buf, size_t size)
{
    if (r->blocked > 0)
        snprintf(buf, size, "cannot enter %.*s", (int)r->blocked, path);
    else
        snprintf(buf, size, "%s", strerror(r->err));
}

/* True when every file of the group is hidden by one same directory. */
static bool one_cause(const struct strlist *list, const struct readable_result *res)
{
    if (list->count < 2)
        return false;
    for (size_t i = 0; i < list->count; i++)
        if (res[i].blocked == 0 || res[i].blocked != res[0].blocked ||
            strncmp(list->items[i], list->items[0], res[0].blocked) != 0)
            return false;
    return true;
}

struct report {
    const char *config_path;
    const char *user;
    struct strlist *warnings;
};

static void report_group(const struct report *rep, enum group g, const char *dir, const struct strlist *list,
                         const struct readable_result *res)
{
    char why[PATH_MAX + 32];

    if (one_cause(list, res)) {
        reason(list->items[0], &res[0], why, sizeof why);
        strlist_addf(rep->warnings,
                     "%s:0: warning: %sUserID %s will not be able to read anything in %s (%s): %s",
                     rep->config_path, groups[g].key, rep->user, dir, why, groups[g].all);
        return;
    }
    for (size_t i = 0; i < list->count; i++) {
        if (!unreadable(&res[i]))
            continue;
        reason(list->items[i], &res[i], why, sizeof why);
        if (g == GROUP_CONFIG)
            strlist_addf(rep->warnings,
                         "%s:0: warning: UserID %s will not be able to read this file again (%s): %s",
                         rep->config_path, rep->user, why, groups[g].effect);
        else
            strlist_addf(rep->warnings, "%s:0: warning: %sUserID %s will not be able to read %s (%s): %s",
                         rep->config_path, groups[g].key, rep->user, list->items[i], why, groups[g].effect);
    }
}

void privcheck(const struct config *cfg, const char *config_path, const struct passwd *pw,
               struct strlist *warnings)
{
    struct strlist lists[GROUP_COUNT];
    const char *dirs[GROUP_COUNT] = {config_path, cfg->reply_lexicon, cfg->template_dir};
    const char **paths;
    struct readable_result *res;
    struct report rep = {config_path, pw->pw_name, warnings};
    size_t n = 0, at = 0;
    char why[256];

    for (int g = 0; g < GROUP_COUNT; g++)
        strlist_init(&lists[g]);
    strlist_add(&lists[GROUP_CONFIG], config_path);
    /* The directory too: a reload lists it. */
    strlist_add(&lists[GROUP_LEXICON], cfg->reply_lexicon);
    add_files(&lists[GROUP_LEXICON], cfg->reply_lexicon, ".conf");
    add_templates(&lists[GROUP_TEMPLATES], cfg->template_dir);
    for (int g = 0; g < GROUP_COUNT; g++)
        n += lists[g].count;
    paths = xcalloc(n, sizeof *paths);
    res = xcalloc(n, sizeof *res);
    for (int g = 0; g < GROUP_COUNT; g++)
        for (size_t i = 0; i < lists[g].count; i++)
            paths[at++] = lists[g].items[i];
    if (!readable_check_as(pw, paths, n, res, why, sizeof why)) {
        strlist_addf(warnings, "%s:0: warning: UserID %s: cannot check what it will be able to read: %s",
                     config_path, pw->pw_name, why);
    } else {
        at = 0;
        for (int g = 0; g < GROUP_COUNT; g++) {
            report_group(&rep, (enum group)g, dirs[g], &lists[g], res + at);
            at += lists[g].count;
        }
    }
    free(paths);
    free(res);
    for (int g = 0; g < GROUP_COUNT; g++)
        strlist_free(&lists[g]);
}
