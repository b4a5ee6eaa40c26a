/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctl_keygen.c - `relancectl keygen [FILE]`: creates the KeyFile secret
 * (mode 0600) that signs reply tokens and chains the audit log. It never
 * overwrites a key: losing one breaks every token in flight and the
 * audit chain's proof.
 */
#include <stdio.h>

#include "lib/audit.h"
#include "relancectl/ctl.h"

int ctl_keygen(struct ctl_env *env, int argc, char **argv)
{
    struct config *cfg;
    const char *path;
    char why[256];

    if (argc > 2)
        return ctl_usage_error("usage: keygen [FILE]");
    if (argc == 2) {
        path = argv[1];
    } else {
        if ((cfg = ctl_config(env)) == NULL)
            return 1;
        path = cfg->key_file;
    }
    if (!audit_key_generate(path, why, sizeof why)) {
        fprintf(stderr, "relancectl: %s\n", why);
        return 1;
    }
    printf("key written to %s (mode 0600)\n", path);
    return 0;
}
