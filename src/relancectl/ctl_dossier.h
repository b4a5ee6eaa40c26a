/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_dossier.h - what the two halves of `relancectl dossier` share: the
 * case's records, the files written so far (name and SHA-256), and which
 * file is the evidence of which message, reminder and letter.
 */
#ifndef RELANCE_CTL_DOSSIER_H
#define RELANCE_CTL_DOSSIER_H

#include "relancectl/ctl.h"
#include "store/store_messages.h"

#define DOSSIER_FILE_MAX 96

struct dossier_file {
    char name[DOSSIER_FILE_MAX];
    char sha256[SHA256_HEX];
};

struct dossier {
    const char *dir;
    struct ctl_env *env;
    struct case_row c;
    struct kept_message_list messages;
    char (*message_files)[DOSSIER_FILE_MAX]; /* per message, "" when not written */
    struct reminder_list reminders;
    struct letter_list letters;              /* of this case's reminders only */
    char (*letter_files)[DOSSIER_FILE_MAX];
    struct event_list events;
    struct audit_verdict chain;
    struct dossier_file *files;
    size_t file_count;
    bool failed;
};

/* ctl_dossier_files.c: writes data as DIR/name (a new file, mode 0600) and records its hash;
 * false (message printed, d->failed) when it cannot. */
bool dossier_write(struct dossier *d, const char *name, const void *data, size_t len);
/* The recorded file with this name, or NULL. */
const struct dossier_file *dossier_file(const struct dossier *d, const char *name);

/* ctl_dossier_chrono.c: chronology.txt, chronology.html, audit-proof.txt. */
void dossier_write_chronology(struct dossier *d);
void dossier_write_audit_proof(struct dossier *d);

#endif
