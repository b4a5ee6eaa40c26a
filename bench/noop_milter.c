/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * noop_milter.c - the cheapest milter there can be, the reference of
 * bench/milter.sh: it asks the MTA to skip every step it may skip
 * (connect, HELO, MAIL, RCPT, DATA, headers, end of headers, body,
 * unknown commands) and to expect no reply for those it still sends, so
 * that a message costs the MTA one connection set-up and negotiation and
 * one end-of-message round trip. Whatever a real filter does costs more
 * than this; the ratio of its rate to this one's is what it adds.
 *
 *   noop_milter inet:PORT@127.0.0.1
 */
#include <libmilter/mfapi.h>
#include <stdio.h>

/* Everything libmilter lets a filter decline. */
#define SKIPPED                                                                                    \
    (SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT | SMFIP_NOBODY | SMFIP_NOHDRS |  \
     SMFIP_NOEOH | SMFIP_NOUNKNOWN | SMFIP_NODATA)
#define NO_REPLY                                                                                   \
    (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_DATA |               \
     SMFIP_NR_UNKN | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)

static sfsistat negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2, unsigned long f3,
                          unsigned long *pf0, unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
    (void)ctx;
    (void)f0;
    (void)f2;
    (void)f3;
    *pf0 = 0; /* no changes to the message */
    *pf1 = f1 & (SKIPPED | NO_REPLY);
    *pf2 = 0;
    *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat eom(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_ACCEPT;
}

static struct smfiDesc noop_desc = {
    .xxfi_name = "noop",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = 0,
    .xxfi_eom = eom,
    .xxfi_negotiate = negotiate,
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: noop_milter inet:PORT@127.0.0.1\n");
        return 2;
    }
    if (smfi_setconn(argv[1]) != MI_SUCCESS || smfi_register(noop_desc) != MI_SUCCESS) {
        fprintf(stderr, "noop_milter: cannot set up %s\n", argv[1]);
        return 1;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
